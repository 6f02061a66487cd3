# tests/lib.sh: what the shell test scripts share; sourced after they set
# $tmp and "pass=0 fail=0".  ok/bad count a check; expect runs one command.
ok()   { pass=$((pass + 1)); echo "ok   $*"; }
bad()  { fail=$((fail + 1)); echo "FAIL $*"; }
root=false
[ "$(id -u)" = 0 ] && root=true
# expect NAME RC PATTERN -- CMD...: exit code RC and PATTERN (if any) in stdout+stderr
expect() {
	local name=$1 want=$2 pat=$3; shift 4
	"$@" > "$tmp/out" 2>&1
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, want $want"; sed 's/^/     | /' "$tmp/out" | head -5; return
	fi
	if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out"; then
		bad "$name: no /$pat/ in output"; sed 's/^/     | /' "$tmp/out" | head -5; return
	fi
	ok "$name"
}
