#!/usr/bin/env bash
# Replay's input layer (docs/input.md): pipes, FIFOs, <(...), xz/gzip, trace.dat,
# read errors, line bound, replay options, signals, clock steps.  Each case
# compares verdict and counts from the JSON report, not only exit codes.
# Usage: tests/input.sh PINSCOPE   (as root)
. "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/.." || exit 1
data=tests/data
trap 'rm -rf "$tmp"; [ -n "${bg:-}" ] && { pkill -P $bg; kill $bg; } 2>/dev/null' EXIT

# summary JSON: exit code, verdict and counts that must not depend on how the trace was read
summary() {
	python3 - "$1" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"no JSON ({e})"); sys.exit()
inv = ",".join(f"{r}:{v['checked']}/{v['violated']}" for r, v in sorted(d["invariants"].items()))
o = d["ops"]
print(f"exit {d['exit_code']} verdict {d.get('verdict', '-')} violations {d['violations_total']} "
      f"source {d.get('source')} pins {o['pins']} unpins {o['unpins']} "
      f"locks {o['locks_taken']['pin']}/{o['locks_taken']['unpin']} "
      f"deferred {o['deferred_unlocks']} flushes {d['flushes']['count']} "
      f"events {d['replay']['events']} cut {d['lost']['ops_cut']} [{inv}]")
PY
}

# run NAME CMD...: the JSON of a replay into $tmp/NAME.json, its exit code checked against the field
run() {
	local name=$1; shift
	"$@" > "$tmp/$name.json" 2> "$tmp/$name.err"
	echo $? > "$tmp/$name.rc"
}

# same NAME WANT-SUMMARY: run NAME gave exactly that summary and its exit code
same() {
	local got rc
	got=$(summary "$tmp/$1.json") rc=$(cat "$tmp/$1.rc")
	if [ "$got" = "$2" ] && [ "exit $rc" = "${got%% verdict*}" ]; then
		ok "$1: ${got%% source*}"
	else
		bad "$1: exit $rc, got: $got"; echo "     want: $2"; sed 's/^/     | /' "$tmp/$1.err" | head -5
	fi
}


# json_is NAME PYTHON-EXPR: the expression over d (the JSON of run NAME) is true
json_is() {
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$tmp/$1.json" "$2" 2>"$tmp/py.err"; then
		ok "$1: $2"
	else
		bad "$1: not $2"; sed 's/^/     | /' "$tmp/py.err" "$tmp/$1.err" | head -8
	fi
}

# --- a long trace (90,153 lines) whose look-ahead ends inside what was read:
# the whole JSON (but the codec and the file's name) the same as the file's, whatever the
# chunks a pipe brings (a writer of 7,777-byte pieces cuts lines anywhere)
xz -dc $data/patched-6.1-live-clean.trace.xz > "$tmp/long.trace"
whole() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["replay"].pop("codec", None)
d["replay"].pop("file", None)
print(json.dumps(d, sort_keys=True))' "$1" 2>/dev/null | md5sum; }
run long.file "$bin" replay -j "$tmp/long.trace"
json_is long.file "d['exit_code'] == 0 and d['ops']['pins'] == 64 and d['replay']['lines'] == 90153"
want=$(whole "$tmp/long.file.json")
for how in xz pipe pieces; do
	case $how in
	xz) run long.$how "$bin" replay -j $data/patched-6.1-live-clean.trace.xz ;;
	pipe) run long.$how sh -c "cat '$tmp/long.trace' | '$bin' replay -j -" ;;
	pieces) run long.$how sh -c "python3 -c 'import sys,time
d = open(sys.argv[1], \"rb\").read()
for i in range(0, len(d), 7777):
    sys.stdout.buffer.write(d[i:i + 7777]); sys.stdout.flush(); time.sleep(0.0002)' '$tmp/long.trace' |
			'$bin' replay -j -" ;;
	esac
	if [ "$(whole "$tmp/long.$how.json")" = "$want" ] && [ "$(cat "$tmp/long.$how.rc")" = 0 ]; then
		ok "long trace, $how: the same JSON as the file"
	else
		bad "long trace, $how: JSON differs from the file's (exit $(cat "$tmp/long.$how.rc"))"
	fi
done

# --- issue 9 case 4: any non-seekable input reads the same as the file
for t in $data/patched-6.1-early_unlock.trace $data/synthetic/patched-pin-early-unlock.trace; do
	b=$(basename "$t" .trace)
	run "$b.file" "$bin" replay -j "$t"
	want=$(summary "$tmp/$b.file.json")
	case "$want" in *"violations 0 "*|"no JSON"*) bad "$b: the file itself: $want"; continue ;; esac
	ok "$b.file: ${want%% source*}"
	run "$b.procsub" "$bin" replay -j <(cat "$t")
	same "$b.procsub" "$want"
	rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
	cat "$t" > "$tmp/fifo" &
	run "$b.fifo" "$bin" replay -j "$tmp/fifo"
	wait
	same "$b.fifo" "$want"
	run "$b.stdin-pipe" sh -c "cat '$t' | '$bin' replay -j -"
	same "$b.stdin-pipe" "$want"
	run "$b.stdin-file" sh -c "'$bin' replay -j - < '$t'"
	same "$b.stdin-file" "$want"
	# compressed, by content (the name does not matter), from a file and from a pipe
	xz -0 -c "$t" > "$tmp/$b.xz"
	gzip -c "$t" > "$tmp/$b.noext"
	run "$b.xz" "$bin" replay -j "$tmp/$b.xz"
	same "$b.xz" "$want"
	run "$b.gz" "$bin" replay -j "$tmp/$b.noext"
	same "$b.gz" "$want"
	run "$b.xz-pipe" sh -c "cat '$tmp/$b.xz' | '$bin' replay -j -"
	same "$b.xz-pipe" "$want"
	{ gzip -c < "$t" | head -c 300; gzip -c < /dev/null; } > /dev/null	# (warm up)
	run "$b.gz-members" sh -c "{ head -n 5000 '$t' | gzip -c; tail -n +5001 '$t' | gzip -c; } | '$bin' replay -j -"
	same "$b.gz-members" "$want"
done
json_is patched-6.1-early_unlock.xz 'd["replay"]["codec"] == "xz" and d["replay"]["format"] == "text"'
json_is patched-6.1-early_unlock.gz 'd["replay"]["codec"] == "gzip"'

# --- issue 9 case 7, read side: a directory, no newline, read errors, corrupt data
expect "directory" 1 "Failed to open trace $tmp: Is a directory" -- "$bin" replay "$tmp"
expect "/dev/zero" 1 "/dev/zero: line 1 longer than 65536 bytes" -- timeout -k 5 20 "$bin" replay /dev/zero
{ head -n 100 $data/patched-6.1-clean.trace; head -c 70000 /dev/zero | tr '\0' x; echo
  tail -n +101 $data/patched-6.1-clean.trace; } > "$tmp/long-line"
expect "long line" 1 "long-line: line 101 longer than 65536 bytes" -- "$bin" replay "$tmp/long-line"
expect "read error (EIO)" 1 "Failed to read trace /proc/self/mem: Input/output error" -- \
	"$bin" replay /proc/self/mem
head -c $(($(stat -c %s "$tmp/patched-6.1-early_unlock.xz") / 2)) "$tmp/patched-6.1-early_unlock.xz" > "$tmp/truncated.xz"
expect "truncated xz" 1 "Failed to read trace .*truncated.xz after line [0-9]+: xz data truncated" -- \
	"$bin" replay "$tmp/truncated.xz"
head -c $(($(stat -c %s "$tmp/patched-6.1-early_unlock.noext") / 2)) "$tmp/patched-6.1-early_unlock.noext" > "$tmp/truncated.gz"
expect "truncated gzip" 1 "truncated.gz after line [0-9]+: gzip data truncated" -- \
	"$bin" replay "$tmp/truncated.gz"
{ head -c 5000 "$tmp/patched-6.1-early_unlock.xz"; head -c 5000 /dev/urandom; } > "$tmp/corrupt.xz"
expect "corrupt xz" 1 "corrupt.xz.*: (corrupt xz data|xz data truncated)" -- "$bin" replay "$tmp/corrupt.xz"

# --- issue 9 case 10: live options rejected (exit 2, named), -p honoured, -T is trace time
expect "replay -d" 2 "-d/--duration is for live tracing" -- "$bin" replay -d 5 $data/patched-6.1-clean.trace
expect "replay -i" 2 "-i/--interval is for live tracing" -- "$bin" -i 5 replay $data/patched-6.1-clean.trace
expect "replay --mode" 2 "--mode is for live tracing" -- "$bin" replay --mode fentry $data/patched-6.1-clean.trace
t=$data/patched-6.1-early_unlock.trace
run all "$bin" replay -j "$t"
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ops"]["top"][0]["pid"])' "$tmp/all.json")
run pid "$bin" replay -j -p "$pid" "$t"
json_is pid "[(p['pid'], p['pins'], p['unpins']) for p in d['ops']['top']] == \
[(p['pid'], p['pins'], p['unpins']) for p in json.load(open('$tmp/all.json'))['ops']['top'] if p['pid'] == $pid] \
and d['ops']['pins'] + d['ops']['unpins'] == sum(p['pins'] + p['unpins'] for p in d['ops']['top']) \
and 0 < d['violations_total'] < json.load(open('$tmp/all.json'))['violations_total'] \
and d['replay']['pid'] == $pid and all(v['pid'] == $pid for v in d['violations'])"
run pid-none "$bin" replay -j -p 999999 "$t"
json_is pid-none "d['ops']['pins'] + d['ops']['unpins'] == 0 and d['violations_total'] == 0"
expect "replay -T" 3 "^Trace time 4\.227656 s to 4\.438843 s$" -- "$bin" replay -T "$t"
json_is all "d['replay']['first_ts_ns'] == 4227656000 and d['replay']['last_ts_ns'] == 4438843000"

# --- issue 9 case 8: a timestamp back in time is counted; the duration never wraps
t=$data/patched-6.1-clean.trace
{ cat "$t"; echo "          <idle>-0       [001] d..1.     1.000000: xen_mc_issue: ..."; } > "$tmp/back"
run back "$bin" replay -j "$tmp/back"
run back-ref "$bin" replay -j "$t"
json_is back "d['replay']['clock_back'] == 1 and d['duration_ns'] == \
json.load(open('$tmp/back-ref.json'))['duration_ns'] and d['replay']['first_ts_ns'] > 1000000000"
json_is back-ref "d['replay']['clock_back'] == 0"

# --- issue 12 item 1: trace.dat and its text twin (the same tracefs buffer, one boot),
# as files, compressed, piped: one verdict and the same counts (README-dat.md);
# timestamps: ns in trace.dat, rounded to us in the text
for pair in "debian-6.1-live-window|exit 0 |pins 64 unpins 64 " \
	    "sid-7.2-live-window|exit 0 |pins 64 unpins 64 " \
	    "patched-6.1-live-early_unlock-window|exit 3 |violations 670 source tracepoints pins 64 unpins 64 " \
	    "patched-6.1-live-pgd_done-window|exit 3 |violations 76 source tracepoints pins 18 unpins 18 "; do
	IFS='|' read -r b want_rc want_counts <<< "$pair"
	dat=$data/$b.dat txt=$data/$b.trace.xz
	run "$b.text" "$bin" replay -j "$txt"
	want=$(summary "$tmp/$b.text.json")
	case "$want" in "$want_rc"*"$want_counts"*) ok "$b.text: ${want%% locks*}" ;;
		*) bad "$b.text: $want (want $want_rc... $want_counts)" ;; esac
	run "$b.dat" "$bin" replay -j "$dat"
	same "$b.dat" "$want"
	json_is "$b.dat" "d['replay']['format'] == 'trace.dat' and d['replay']['codec'] == 'plain' and \
abs(d['replay']['first_ts_ns'] - json.load(open('$tmp/$b.text.json'))['replay']['first_ts_ns']) <= 500"
	gzip -c "$dat" > "$tmp/$b.dat.gz"
	run "$b.dat-gz" "$bin" replay -j "$tmp/$b.dat.gz"
	same "$b.dat-gz" "$want"
	run "$b.dat-xz-pipe" sh -c "xz -0 -c '$dat' | '$bin' replay -j -"
	same "$b.dat-xz-pipe" "$want"
	run "$b.dat-procsub" "$bin" replay -j <(cat "$dat")
	same "$b.dat-procsub" "$want"
	run "$b.text-gz" sh -c "xz -dc '$txt' | gzip -c | '$bin' replay -j -"
	same "$b.text-gz" "$want"
	run "$b.text-plain" sh -c "xz -dc '$txt' | '$bin' replay -j -"
	same "$b.text-plain" "$want"
done
# issue 27's xen_mmu_pgd_done ends each operation (docs/input.md): the pair holds one per
# pin and unpin, and the trace.dat's operations end where the text's do (its us rounding apart)
b=patched-6.1-live-pgd_done-window
n=$(xz -dc "$data/$b.trace.xz" | grep -c ': xen_mmu_pgd_done: mm ')
if [ "$n" = 36 ]; then ok "$b.text: 36 xen_mmu_pgd_done lines (18 pins + 18 unpins)"
else bad "$b.text: $n xen_mmu_pgd_done lines, want 36"; fi
json_is "$b.dat" "all(abs(d['ops'][k][s] - json.load(open('$tmp/$b.text.json'))['ops'][k][s]) <= \
1000 * (d['ops'][k]['count'] if s == 'sum_ns' else 1) for k in ('pin_time', 'unpin_time') \
for s in ('sum_ns', 'max_ns')) and d['ops']['pin_time']['count'] == 18"
dat=$data/debian-6.1-live-window.dat
# the ring buffer overwrote events: trace.dat's missed events become lost input, counted
run overrun "$bin" replay -j $data/debian-6.1-live-overrun.dat
json_is overrun "d['lost']['input_gaps'] == 2 and d['lost']['input_events'] == 33332 + 33852 \
and d['replay']['format'] == 'trace.dat'"
head -c 300000 "$dat" > "$tmp/truncated.dat"
expect "truncated trace.dat" 1 "truncated.dat" -- "$bin" replay "$tmp/truncated.dat"
if [ -x "$(dirname "$bin")/pinscope.static" ]; then
	expect "static: trace.dat refused" 1 "built without libtracecmd \(the static build\)" -- \
		"$(dirname "$bin")/pinscope.static" replay "$dat"
fi

# --- issue 9 case 11: SIGINT/SIGTERM finish with a partial report (exit code: its verdict)
# the writer keeps the FIFO open after the trace: replay reads every line, then blocks
t=$data/patched-6.1-early_unlock.trace
lines=$(wc -l < "$t")
# drained PID: the writer wrote all, and PID waits in read() for more
drained() {
	for _ in $(seq 200); do
		[ -e "$tmp/written" ] && grep -q pipe_read /proc/$1/wchan 2>/dev/null && return
		sleep 0.1
	done
}
for sig in INT TERM; do
	rm -f "$tmp/fifo" "$tmp/written"; mkfifo "$tmp/fifo"
	{ cat "$t"; touch "$tmp/written"; sleep 60; } > "$tmp/fifo" &
	bg=$!
	"$bin" replay -j "$tmp/fifo" > "$tmp/sig$sig.json" 2> "$tmp/sig$sig.err" &
	p=$!
	drained $p
	kill -$sig $p
	wait $p; echo $? > "$tmp/sig$sig.rc"
	pkill -P $bg 2>/dev/null; kill $bg 2>/dev/null; wait $bg 2>/dev/null; bg=
	json_is "sig$sig" "d['partial'] == 'interrupted at line $lines' and d['replay']['interrupted'] \
and d['violations_total'] == 64 and d['exit_code'] == $(cat "$tmp/sig$sig.rc") == 3"
done
rm -f "$tmp/fifo" "$tmp/written"; mkfifo "$tmp/fifo"
{ cat "$t"; touch "$tmp/written"; sleep 60; } > "$tmp/fifo" &
bg=$!
"$bin" replay "$tmp/fifo" > "$tmp/sigtext.out" 2>&1 &
p=$!
drained $p
kill -INT $p; wait $p; rc=$?
pkill -P $bg 2>/dev/null; kill $bg 2>/dev/null; wait $bg 2>/dev/null; bg=
if [ $rc = 3 ] && grep -q "^partial: interrupted at line $lines " "$tmp/sigtext.out"; then
	ok "SIGINT, text: exit 3, partial: interrupted at line $lines"
else
	bad "SIGINT, text: exit $rc"; tail -5 "$tmp/sigtext.out" | sed 's/^/     | /'
fi

# a trace.dat from a pipe is copied before any record is read: a signal then judges nothing
rm -f "$tmp/fifo" "$tmp/written"; mkfifo "$tmp/fifo"
{ head -c 100000 $data/debian-6.1-live-window.dat; touch "$tmp/written"; sleep 60; } > "$tmp/fifo" &
bg=$!
"$bin" replay -j "$tmp/fifo" > "$tmp/sigdat.out" 2>&1 &
p=$!
drained $p
t0=$SECONDS
kill -TERM $p; wait $p; rc=$?
took=$((SECONDS - t0))	# at once, not when the writer ends (its sleep 60)
pkill -P $bg 2>/dev/null; kill $bg 2>/dev/null; wait $bg 2>/dev/null; bg=
if [ $rc = 4 ] && [ $took -lt 10 ] &&
	grep -q "interrupted before the trace was read: nothing judged" "$tmp/sigdat.out"; then
	ok "SIGTERM while a piped trace.dat is copied: exit 4 at once, nothing judged"
else
	bad "SIGTERM while a piped trace.dat is copied: exit $rc after $took s"
	tail -3 "$tmp/sigdat.out" | sed 's/^/     | /'
fi

totals input
