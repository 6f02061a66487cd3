#!/usr/bin/env bash
# The guest test's text/trace.dat twin (guest/init/live.sh, trace_dat_emit): replays
# of the tracefs text and of the trace.dat of the same window must give the same
# verdict and counts.  Usage: tests/twin.sh PINSCOPE RESULT-DIR   (as root)
# Exit 0 same, 1 different or missing, 77 no trace.dat in RESULT-DIR (no trace-cmd).
. "$(dirname "$0")/lib.sh"
bin=${1:?usage: $0 PINSCOPE DIR} dir=${2:?usage: $0 PINSCOPE DIR}
[ -s "$dir/live-trace-dat" ] || { echo "twin: no $dir/live-trace-dat (image without trace-cmd)"; exit 77; }
for f in live-trace live-trace-dat; do
	"$bin" replay -j "$dir/$f" > "$tmp/$f.json" 2> "$tmp/$f.err"
	echo $? > "$tmp/$f.rc"
done
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
def summary(f):
    d = json.load(open(f"{t}/{f}.json"))
    rc = int(open(f"{t}/{f}.rc").read())
    return {"exit": rc, "exit_code": d["exit_code"], "verdict": d.get("verdict"),
            "violations": d["violations_total"], "source": d.get("source"),
            "ops": {k: d["ops"][k] for k in ("pins", "unpins", "locks_taken", "deferred_unlocks", "pages")},
            "flushes": d["flushes"]["reasons"], "events": d["replay"]["events"],
            "lost": {k: v for k, v in d["lost"].items() if k != "xen_events_unused"},
            "invariants": {r: (v["checked"], v["violated"]) for r, v in d["invariants"].items()}}
try:
    a, b = summary("live-trace"), summary("live-trace-dat")
except Exception as e:
    print(f"FAIL twin: a replay gave no JSON ({e})"); sys.exit(1)
if a != b:
    print("FAIL twin: text and trace.dat replays differ")
    for k in a:
        if a[k] != b[k]:
            print(f"     {k}: text {a[k]} trace.dat {b[k]}")
    sys.exit(1)
print(f"ok   twin: text and trace.dat of the window: exit {a['exit']}, {a['violations']} violations, "
      f"{a['ops']['pins']} pins, {a['ops']['unpins']} unpins, {a['events']} events: identical")
PY
