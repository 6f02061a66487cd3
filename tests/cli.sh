#!/usr/bin/env bash
# Loader tests: options, exit codes, messages, replay of tests/data, JSON vs text.
# Usage: tests/cli.sh PINSCOPE   (as root)
set -u
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/.." || exit 1
data=tests/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()   { pass=$((pass + 1)); echo "ok   $*"; }
bad()  { fail=$((fail + 1)); echo "FAIL $*"; }
# expect NAME RC PATTERN -- CMD...: exit code RC and PATTERN in stdout+stderr
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

# usage errors: exit 2
expect "unknown option" 2 "unrecognized option" -- "$bin" --bogus
expect "bad duration" 2 "invalid duration 'abc'" -- "$bin" -d abc
expect "zero interval" 2 "invalid interval '0'" -- "$bin" -i 0
expect "bad pid" 2 "invalid PID" -- "$bin" -p -5
expect "bad mode" 2 "invalid mode 'magic'" -- "$bin" --mode magic
expect "extra argument" 2 "unexpected argument" -- "$bin" replay a b
expect "help" 0 "EXAMPLES" -- "$bin" --help
expect "bad unit" 2 "invalid unit 'min': use ns, us, ms or s" -- "$bin" -u min
expect "bad violations" 2 "invalid --violations 'some'" -- "$bin" --violations some

# runtime errors: exit 1, with what/where/how
expect "missing trace" 1 "Failed to open trace $tmp/nope: No such file" -- "$bin" replay "$tmp/nope"
: > "$tmp/empty"
expect "empty trace" 1 "no xen events in its 0 lines" -- "$bin" replay "$tmp/empty"
head -c 20000 /dev/urandom | tr -d '\000' > "$tmp/garbage"	# NUL bytes: tests/trust.sh
expect "garbage trace" 1 "no xen events" -- "$bin" replay "$tmp/garbage"
{ sed -n 1,3p $data/synthetic/patched-pin-clean.trace
  echo "            bash-100     [001] d..1.   10.000003: xen_mc_flush: flushing many hypercalls"
} > "$tmp/malformed"
expect "malformed line" 1 "malformed:4: malformed xen event: cannot parse the arguments of xen_mc_flush" \
	-- "$bin" replay "$tmp/malformed"
if command -v setpriv > /dev/null; then
	expect "replay as non-root" 1 "needs root \(CAP_BPF and CAP_PERFMON\)" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" replay $data/synthetic/patched-pin-clean.trace
	expect "live as non-root" 1 "needs root" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -d 1
fi
if [ "$(cat /sys/hypervisor/guest_type 2>/dev/null)" != PV ]; then
	expect "live outside Xen PV" 1 "not a Xen PV guest \(found: .*\)" -- "$bin" -d 1
fi

# replay verdicts: exit 0 clean, 3 violation
expect "replay clean" 0 "Verdict: clean" -- "$bin" replay $data/synthetic/patched-pin-clean.trace
expect "replay from stdin" 0 "Verdict: clean" -- sh -c "'$bin' replay - < $data/synthetic/patched-pin-clean.trace"
expect "replay violation" 3 "VIOLATION unlock-after-flush .* pfn 0x1003" -- \
	"$bin" replay $data/synthetic/patched-pin-early-unlock.trace

# views: units, the clock's resolution, the violation summary and list (docs/views.md)
early=$data/patched-6.1-early_unlock.trace
expect "units forced" 3 "^Split-lock hold time, pin: count 64, sum [0-9.]+ms, mean [0-9.]+ms, .*p99 [0-9.]+ms$" -- \
	"$bin" replay -u ms $early
expect "microsecond clock named" 0 "^Clock resolution: 1us \(the trace's timestamps have 6 decimals" -- \
	"$bin" replay $data/patched-6.1-clean.trace
xz -dc $data/debian-6.1-xen-4.17-workload.trace.xz > "$tmp/mainline.trace"
expect "holds below the clock's resolution" 0 "^ +< 1us : [0-9]+ +\|\*+" -- "$bin" replay "$tmp/mainline.trace"
expect "violation summary" 3 "^unlock-after-flush: 64 violations$" -- "$bin" replay $early
expect "no live lines by default" 3 "^Violation list: 5 of 64$" -- "$bin" replay $early
"$bin" replay --violations-live -j $early > "$tmp/json" 2> "$tmp/live"
if [ "$(grep -c '^VIOLATION ' "$tmp/live")" = 64 ] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/json"; then
	ok "--violations-live: 64 lines on stderr, JSON intact on stdout"
else
	bad "--violations-live: $(grep -c '^VIOLATION ' "$tmp/live") lines on stderr"
fi
expect "html to a bad path" 1 "Failed to write HTML report /nonexistent/r.html.tmp: No such file" -- \
	"$bin" replay --html /nonexistent/r.html $data/synthetic/patched-pin-clean.trace
for n in all 0 12; do
	"$bin" replay --violations $n $early > "$tmp/text" 2>&1; trc=$?
	"$bin" replay -j $early > "$tmp/json" 2> "$tmp/err"; jrc=$?
	want=$n; [ $n = all ] && want=1000
	if python3 tests/json_vs_text.py "$tmp/json" "$tmp/text" "$jrc" "$trc" $want > "$tmp/cmp" 2>&1; then
		ok "--violations $n: summary and list match the JSON"
	else
		bad "--violations $n"; sed 's/^/     | /' "$tmp/cmp" | head -10
	fi
done

# JSON holds what the text shows
for f in $data/synthetic/patched-pin-clean.trace $data/synthetic/patched-pin-early-unlock.trace \
	 $(ls $data/*.trace 2>/dev/null); do
	"$bin" replay "$f" > "$tmp/text" 2>&1; trc=$?
	"$bin" replay -j "$f" > "$tmp/json" 2> "$tmp/err"; jrc=$?
	if python3 tests/json_vs_text.py "$tmp/json" "$tmp/text" "$jrc" "$trc" > "$tmp/cmp" 2>&1; then
		ok "json matches text: $(basename "$f")"
	else
		bad "json vs text: $(basename "$f")"; sed 's/^/     | /' "$tmp/cmp" | head -10
	fi
done

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
