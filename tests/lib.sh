# tests/lib.sh: what the shell test scripts share, sourced first (before any
# cd: ". "$(dirname "$0")/lib.sh""): a scratch directory $tmp removed at exit,
# the counts ok/bad keep, root, expect (one command), totals (the last line).
set -u
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# BAD_SHOW=N: a failed check also shows the first N lines of $tmp/out
ok()   { pass=$((pass + 1)); echo "ok   $*"; }
bad()  {
	fail=$((fail + 1)); echo "FAIL $*"
	[ "${BAD_SHOW:-0}" -gt 0 ] && [ -s "$tmp/out" ] && sed 's/^/     | /' "$tmp/out" | head -"$BAD_SHOW"
	return 0
}
root=false
[ "$(id -u)" = 0 ] && root=true
# expect NAME RC PATTERN -- CMD...: exit code RC and PATTERN (if any) in stdout+stderr
expect() {
	local name=$1 want=$2 pat=$3; shift 4
	"$@" > "$tmp/out" 2>&1
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		BAD_SHOW=${BAD_SHOW:-5} bad "$name: exit $rc, want $want"; return
	fi
	if [ -n "$pat" ] && ! grep -qE -- "$pat" "$tmp/out"; then
		BAD_SHOW=${BAD_SHOW:-5} bad "$name: no /$pat/ in output"; return
	fi
	ok "$name"
}
# totals NAME [NOTE]: "NAME: P passed, F failed[NOTE]"; true when none failed
totals() {
	echo "$1: $pass passed, $fail failed${2:-}"
	[ "$fail" -eq 0 ]
}
