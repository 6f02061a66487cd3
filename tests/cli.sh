#!/usr/bin/env bash
# Loader tests: options, exit codes, messages, replay of tests/data, JSON vs text.
# Usage: tests/cli.sh PINSCOPE   (as any user; as root also the parts that
# need it: switching to an unprivileged user, live refusals, the bpf engine)
. "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/.." || exit 1
data=tests/data

# usage errors: exit 2
expect "unknown option" 2 "unrecognized option" -- "$bin" --bogus
expect "bad duration" 2 "invalid duration 'abc'" -- "$bin" -d abc
expect "zero interval" 2 "invalid interval '0'" -- "$bin" -i 0
expect "bad pid" 2 "invalid PID" -- "$bin" -p -5
expect "bad mode" 2 "invalid mode 'magic'" -- "$bin" --mode magic
expect "bad engine" 2 "invalid engine 'gpu'" -- "$bin" replay --engine gpu x
expect "engine in live mode" 2 "--engine is for replay" -- "$bin" --engine user -d 1
expect "extra argument" 2 "unexpected argument" -- "$bin" replay a b
expect "help" 0 "EXAMPLES" -- "$bin" --help
# the bug address: debian/control's Maintainer, derived by --help (install.mk
# BUG_ADDRESS), named by the changelog's latest entry and, while it is a
# placeholder, by the lintian overrides
addr=$(sed -n 's/^Maintainer:.*<\([^>]*\)>.*/\1/p' debian/control)
expect "help: bug address of debian/control" 0 "^Report bugs to <$addr>\.$" -- "$bin" --help
if sed -n '/^ -- /{p;q}' debian/changelog | grep -qF "<$addr>"; then
	ok "debian/changelog's latest entry names the Maintainer address <$addr>"
else
	bad "debian/changelog's latest entry names the Maintainer address <$addr>: $(sed -n '/^ -- /{p;q}' debian/changelog)"
fi
if grep -q '^pinscope: bogus-mail-host' debian/pinscope.lintian-overrides &&
	grep '^pinscope: bogus-mail-host' debian/pinscope.lintian-overrides | grep -vqF " $addr"; then
	bad "debian/pinscope.lintian-overrides: its bogus-mail-host lines name <$addr>"
else
	ok "debian/pinscope.lintian-overrides: its bogus-mail-host lines name <$addr> (if any)"
fi
expect "bad unit" 2 "invalid unit 'min': use ns, us, ms or s" -- "$bin" -u min
expect "bad violations" 2 "invalid --violations 'some'" -- "$bin" --violations some

# under systemd (JOURNAL_STREAM) the verdict is also the last line, on stderr,
# for `systemctl status` (the text report puts it first); never otherwise
v=$data/patched-6.1-pgd_first.trace
if JOURNAL_STREAM=8:12345 "$bin" replay $v 2> "$tmp/err" > "$tmp/out"; [ $? = 3 ] &&
	tail -1 "$tmp/err" | grep -qE '^pinscope: Verdict: VIOLATED: 32 violations' &&
	[ "$(grep '^Verdict:' "$tmp/out")" = "$(tail -1 "$tmp/err" | sed 's/^pinscope: //')" ] &&
	"$bin" replay $v 2> "$tmp/err" > /dev/null; [ $? = 3 ] && ! grep -q 'Verdict' "$tmp/err"; then
	ok "under systemd (JOURNAL_STREAM) the verdict ends stderr, the report's own; not without it"
else
	bad "under systemd (JOURNAL_STREAM) the verdict ends stderr: $(tail -1 "$tmp/err")"
fi

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
if $root && command -v setpriv > /dev/null; then
	# the user engine (the default) needs no privileges and gives the same verdict
	expect "replay as non-root (user engine)" 3 "VIOLATION unlock-after-flush .* pfn 0x1003" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" replay \
		$data/synthetic/patched-pin-early-unlock.trace
	setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" replay -j \
		$data/patched-6.1-early_unlock.trace > "$tmp/nonroot.json" 2>&1
	"$bin" replay -j --engine bpf $data/patched-6.1-early_unlock.trace > "$tmp/root.json" 2>&1
	if cmp -s "$tmp/nonroot.json" "$tmp/root.json" && grep -q "\"exit_code\":3" "$tmp/root.json"; then
		ok "non-root user engine == root bpf engine (JSON)"
	else
		bad "non-root user engine differs from the root bpf engine"
	fi
	expect "replay --engine bpf as non-root" 1 "needs root \(CAP_BPF and CAP_PERFMON\).*--engine user" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" replay --engine bpf \
		$data/synthetic/patched-pin-clean.trace
	expect "live as non-root" 1 "needs root" -- setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" -d 1
fi
if $root && [ "$(cat /sys/hypervisor/guest_type 2>/dev/null)" != PV ]; then
	expect "live outside Xen PV" 5 "not a Xen PV guest \(found: .*\)" -- "$bin" -d 1
fi

# cpus: any number up to 8191 with the user engine; the bpf engine holds 256
# cpus of a trace, one more is an error that names the line and the way out
cp $data/synthetic/patched-pin-clean.trace "$tmp/cpus"
for c in $(seq 0 300); do
	printf '            bash-100     [%03d] d..1.    11.%06d: xen_mc_flush: flushing 0 hypercalls, 0 arg bytes, 0 callbacks\n' "$c" "$c"
done >> "$tmp/cpus"
lines=$(wc -l < "$tmp/cpus")
expect "301 cpus, user engine" 0 "Verdict: clean" -- "$bin" replay "$tmp/cpus"
$root && expect "301 cpus, bpf engine" 1 "cpus:$((lines - 44)): cpu 256 is cpu number 257 of the input, the bpf engine holds 256: replay with --engine user" -- \
	"$bin" replay --engine bpf "$tmp/cpus"
# a real capture on cpus 65/66 and 0/300: the same verdict, checks and counts
"$bin" replay -j $data/patched-6.1-early_unlock.trace > "$tmp/orig.json" 2>/dev/null
for map in "s/\[000\]/[065]/;s/\[001\]/[066]/" "s/\[001\]/[300]/"; do
	sed "$map" $data/patched-6.1-early_unlock.trace > "$tmp/renum"
	"$bin" replay -j "$tmp/renum" > "$tmp/renum.json" 2>/dev/null; rc=$?
	if [ $rc = 3 ] && python3 - "$tmp/orig.json" "$tmp/renum.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
cpus = {v["cpu"] for v in b["violations"]}
same = all(a[k] == b[k] for k in ("invariants", "violations_total", "holds", "flushes", "ops", "lost"))
sys.exit(0 if same and a["violations_total"] >= 60 and cpus - {0} and max(cpus) >= 65 else 1)
PY
	then ok "capture on cpus ($map): same verdict and counts"
	else bad "capture on cpus ($map): exit $rc, differs from the original"; fi
done
{ cat $data/synthetic/patched-pin-clean.trace
  echo "            bash-100     [8192] d..1.    12.000000: xen_mc_flush: flushing 0 hypercalls, 0 arg bytes, 0 callbacks"
} > "$tmp/cpu8192"
expect "cpu 8192" 1 "cpu8192:$(($(wc -l < $data/synthetic/patched-pin-clean.trace) + 1)): cpu 8192 is above the highest cpu number" -- \
	"$bin" replay "$tmp/cpu8192"

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
expect "html to a bad path" 1 "Failed to write HTML report /nonexistent/r.html: No such file or directory: its directory must be writable" -- \
	"$bin" replay --html /nonexistent/r.html $data/synthetic/patched-pin-clean.trace
"$bin" --list-rules > "$tmp/rules"
for n in all 0 12; do
	"$bin" replay --violations $n $early > "$tmp/text" 2>&1; trc=$?
	"$bin" replay -j $early > "$tmp/json" 2> "$tmp/err"; jrc=$?
	want=$n; [ $n = all ] && want=1000
	if python3 tests/json_vs_text.py "$tmp/json" "$tmp/text" "$jrc" "$trc" "$tmp/rules" $want > "$tmp/cmp" 2>&1; then
		ok "--violations $n: summary and list match the JSON"
	else
		bad "--violations $n"; sed 's/^/     | /' "$tmp/cmp" | head -10
	fi
done

# JSON holds what the text shows (the save/restore capture: each path's holds)
for f in $data/synthetic/patched-pin-clean.trace $data/synthetic/patched-pin-early-unlock.trace \
	 $data/patched-6.1-live-save-restore.trace.xz $(ls $data/*.trace 2>/dev/null); do
	"$bin" replay "$f" > "$tmp/text" 2>&1; trc=$?
	"$bin" replay -j "$f" > "$tmp/json" 2> "$tmp/err"; jrc=$?
	"$bin" --list-rules > "$tmp/rules"
	if python3 tests/json_vs_text.py "$tmp/json" "$tmp/text" "$jrc" "$trc" "$tmp/rules" > "$tmp/cmp" 2>&1; then
		ok "json matches text: $(basename "$f")"
	else
		bad "json vs text: $(basename "$f")"; sed 's/^/     | /' "$tmp/cmp" | head -10
	fi
done

totals cli "$($root || echo ' (not root: root-only checks skipped)')"
