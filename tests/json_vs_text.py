#!/usr/bin/env python3
"""Checks that `pinscope --json` parses, has the documented keys, and says what the text says."""
import json, re, sys

jpath, tpath, jrc, trc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = json.load(open(jpath))
text = open(tpath).read()
errs = []

def need(cond, what):
    if not cond:
        errs.append(what)

for k in ("verdict", "judged", "mode", "invariants", "violations", "holds", "flushes", "ops", "lost", "exit_code"):
    need(k in d, f"missing key {k}")
rules = ["pgd-last", "pte-lock-held", "unlock-after-flush", "no-split-no-l1-pin",
         "locks-bounded", "l4-after-walk", "locks-released"]
need(sorted(d["invariants"]) == sorted(rules), "invariant ids")
for r in rules:
    m = re.search(rf"^{r}\s+(\d+)\s+(\d+)\s", text, re.M)
    need(m and int(m[1]) == d["invariants"][r]["checked"] and
         int(m[2]) == d["invariants"][r]["violated"], f"invariant {r} differs")
m = re.search(r"Operations: (\d+) pins, (\d+) unpins", text)
need(m and int(m[1]) == d["ops"]["pins"] and int(m[2]) == d["ops"]["unpins"], "ops differ")
for k, title in (("pin", "Split-lock hold time, pin"), ("unpin", "Split-lock hold time, unpin")):
    h = d["holds"][k]
    for f in ("count", "sum_ns", "max_ns", "p50_ns", "p90_ns", "p99_ns", "buckets"):
        need(f in h, f"holds.{k}.{f}")
    m = re.search(rf"{title}: count (\d+), sum (\d+) ns, max (\d+) ns", text)
    need(m and (int(m[1]), int(m[2]), int(m[3])) == (h["count"], h["sum_ns"], h["max_ns"]),
         f"holds.{k} differ")
    need(sum(b["count"] for b in h["buckets"]) == h["count"], f"holds.{k} buckets != count")
m = re.search(r"Multicall flushes: (\d+)", text)
need(m and int(m[1]) == d["flushes"]["count"], "flush count differs")
need(sum(d["flushes"]["reasons"].values()) == d["flushes"]["count"], "flush reasons != count")
need(len(d["violations"]) == min(d["violations_total"], 1000), "violations list length")
need(len(re.findall(r"^VIOLATION ", text, re.M)) == d["violations_total"], "violation lines")
for v in d["violations"]:
    for f in ("invariant", "cpu", "pid", "comm", "ts_ns", "pfn", "reason"):
        need(f in v, f"violation.{f}")
need(jrc == trc == d["exit_code"], f"exit codes json {jrc} text {trc} field {d['exit_code']}")

# Lost: every counter of JSON `lost` the text line shows
lost_text = {"ringbuf": "ringbuf", "held_full": "held-lock table full",
             "procs_full": "process map full", "unmatched_unlock": "unmatched unlocks",
             "bad_cpu": "bad cpu", "ops_cut": "operations cut", "input_events": "input events",
             "input_gaps": "input gaps", "ops_gap": "operations cut by gaps",
             "clock_back": "clock back"}
m = re.search(r"^Lost: (.*)$", text, re.M)
need(m, "no Lost: line")
if m:
    shown = dict((k.strip(), int(v)) for v, k in
                 (reversed(x.strip().rsplit(" ", 1)) for x in m[1].split(",")))
    for k, t in lost_text.items():
        need(k in d["lost"], f"lost.{k} missing")
        need(shown.get(t) == d["lost"].get(k), f"lost.{k}: text {shown.get(t)} json {d['lost'].get(k)}")

# The verdict (docs/verdict.md): judged = started - cut at the edges - cut by input gaps
j = d.get("judged", {})
for k in ("operations", "operations_cut", "rules_exact", "rules_approx", "rules_not_visible",
          "input_lost"):
    need(k in j, f"judged.{k} missing")
started = d["ops"]["pins"] + d["ops"]["unpins"]
cut = d["lost"]["ops_cut"] + d["lost"]["ops_gap"] + d["ops"]["running"]
need(j.get("operations") == max(started - cut, 0), f"judged.operations {j.get('operations')}")
need(j.get("operations_cut") == cut, "judged.operations_cut")
cov = [v["coverage"] for v in d["invariants"].values()]
need((j.get("rules_exact"), j.get("rules_approx"), j.get("rules_not_visible")) ==
     (cov.count("exact"), cov.count("approx"), cov.count("not checked")), "judged.rules_*")
lost = d["lost"]
need(j.get("input_lost") == bool(lost["input_gaps"] or lost["input_events"] or lost["ops_gap"] or
                                 lost["ringbuf"] or lost["bad_cpu"] or lost["held_full"]),
     "judged.input_lost")
want = "violated" if d["violations_total"] else "clean" if j.get("operations") else "inconclusive"
need(d.get("verdict") == want, f"verdict {d.get('verdict')}, want {want}")
need(d["exit_code"] == {"clean": 0, "violated": 3, "inconclusive": 4}[want], "exit code vs verdict")
m = re.search(r"^Verdict: (clean|VIOLATED|inconclusive): (.*)$", text, re.M)
need(m and m[1].lower() == want, f"text verdict {m and m[1]}")
if m:
    line = m[2]
    if j.get("operations"):
        need(re.search(rf"\b{j['operations']} operations? judged", line), "text: operations judged")
    else:
        need("no pin/unpin operation judged" in line, "text: no operation judged")
    if lost["ops_cut"]:
        need(f"{lost['ops_cut']} cut at the edges" in line, "text: cut at the edges")
    if lost["ops_gap"]:
        need(f"{lost['ops_gap']} cut by lost input" in line, "text: cut by lost input")
    need(f"{j.get('rules_exact', 0) + j.get('rules_approx', 0)} of 7 rules checked "
         f"({j.get('rules_exact')} exact, {j.get('rules_approx')} approximate)" in line,
         "text: rules checked")
    need(("input lost:" in line) == bool(j.get("input_lost")) and
         ("no input lost" in line) == (not j.get("input_lost")), "text: input lost")
if errs:
    print("\n".join(errs))
    sys.exit(1)
