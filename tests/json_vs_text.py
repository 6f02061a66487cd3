#!/usr/bin/env python3
"""Checks that `pinscope --json` parses, has the documented keys, and says what the text says."""
import json, re, sys

# usage: json_vs_text.py JSON TEXT JSON_RC TEXT_RC RULES (RULES: `pinscope --list-rules`)
jpath, tpath, jrc, trc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rules = [l.split("\t")[0] for l in open(sys.argv[5]) if l.strip() and not l.startswith("#")]
d = json.load(open(jpath))
text = open(tpath).read()
errs = []

def need(cond, what):
    if not cond:
        errs.append(what)

for k in ("mode", "invariants", "violations", "holds", "flushes", "ops", "lost", "exit_code"):
    need(k in d, f"missing key {k}")
need(rules, "no rules in the --list-rules output")
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
need(d["exit_code"] == (3 if d["violations_total"] else 0), "exit code vs violations")
if errs:
    print("\n".join(errs))
    sys.exit(1)
