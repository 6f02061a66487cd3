#!/usr/bin/env python3
"""Checks that `pinscope --json` parses, has the documented keys, and says what the text says."""
import json, re, sys

jpath, tpath, jrc, trc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
# violation lines the text run was asked to list (--violations; default 5, "all" = 1000)
listed_want = int(sys.argv[5]) if len(sys.argv) > 5 else 5
d = json.load(open(jpath))
text = open(tpath).read()
errs = []

def need(cond, what):
    if not cond:
        errs.append(what)

for k in ("mode", "invariants", "violations", "holds", "flushes", "ops", "lost", "exit_code"):
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
UNIT = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
TIME = r"(< )?([\d.]+)(ns|us|ms|s)"


def same_time(t, ns, res):
    """text time t = (less, number, unit), 3 significant digits or "< res", says ns"""
    v = float(t[1]) * UNIT[t[2]]
    if t[0]:
        return ns < v and v == res
    return abs(v - ns) <= 0.005 * ns + 0.5


hists = [("holds", k, t) for k, t in (("pin", "Split-lock hold time, pin"),
                                     ("unpin", "Split-lock hold time, unpin"))]
hists += [("ops", k, t) for k, t in (("pin_time", "Pin operation time"),
                                    ("unpin_time", "Unpin operation time"))]
for part, k, title in hists:
    h = d[part][k]
    for f in ("count", "sum_ns", "max_ns", "p50_ns", "p90_ns", "p99_ns", "buckets",
              "fine_buckets", "resolution_ns", "below_resolution"):
        need(f in h, f"{part}.{k}.{f}")
    m = re.search(rf"^{title}: count (\d+), sum {TIME}, mean {TIME}, max {TIME}, "
                  rf"p50 {TIME}, p90 {TIME}, p99 {TIME}$", text, re.M)
    if not m:
        need(False, f"no line '{title}: count ...'")
        continue
    g = m.groups()
    need(int(g[0]) == h["count"], f"{part}.{k}.count differs")
    for i, f in enumerate(("sum_ns", None, "max_ns", "p50_ns", "p90_ns", "p99_ns")):
        want = h[f] if f else (h["sum_ns"] // h["count"] if h["count"] else 0)
        need(same_time(g[1 + 3 * i:4 + 3 * i], want, h["resolution_ns"]),
             f"{part}.{k}: text {''.join(x or '' for x in g[1 + 3 * i:4 + 3 * i])} vs {f} {want}")
    need(sum(b["count"] for b in h["buckets"]) == h["count"], f"{part}.{k} buckets != count")
    need(sum(b["count"] for b in h["fine_buckets"]) == h["count"], f"{part}.{k} fine buckets != count")
m = re.search(r"Multicall flushes: (\d+)", text)
need(m and int(m[1]) == d["flushes"]["count"], "flush count differs")
need(sum(d["flushes"]["reasons"].values()) == d["flushes"]["count"], "flush reasons != count")
need(len(d["violations"]) == min(d["violations_total"], 1000), "violations list length")
m = re.search(r"^Violation list: (\d+) of (\d+)", text, re.M)
listed = int(m[1]) if m else 0
need(not m or int(m[2]) == d["violations_total"], "violation list total")
need(len(re.findall(r"^VIOLATION ", text, re.M)) == listed, "violation lines")
need(listed == min(d["violations_total"], listed_want), f"{listed} violations listed")
for v in d["violations"]:
    for f in ("invariant", "cpu", "pid", "comm", "ts_ns", "pfn", "reason", "stack", "symbols"):
        need(f in v, f"violation.{f}")
    need(all(re.fullmatch(r"0x[0-9a-f]+", a) for a in v["stack"]), "stack: hex strings")
    need(len(v["symbols"]) == len(v["stack"]), "one symbol per frame")
vs = d["violation_summary"]
need(sorted(vs) == sorted(r for r in rules if d["invariants"][r]["violated"]),
     "violation_summary rules")
for r, s in vs.items():
    need(s["violations"] == d["invariants"][r]["violated"], f"summary {r} count")
    need(sum(s["ops"].values()) == s["records"], f"summary {r} ops")
    need(sum(p["count"] for p in s["processes"]) + s["processes_other"] == s["records"],
         f"summary {r} processes")
    need(sum(x["count"] for x in s["stacks"]) + s["stacks_other"] + s["no_stack"] == s["records"],
         f"summary {r} stacks")
    m = re.search(rf"^{r}: (\d+) violations\n  first (\d+)\.(\d+) cpu (\d+) pid (\d+)", text, re.M)
    need(m and int(m[1]) == s["violations"] and
         (int(m[2]) * 10**6 + int(m[3]), int(m[4]), int(m[5])) ==
         (s["first"]["ts_ns"] // 1000, s["first"]["cpu"], s["first"]["pid"]),
         f"summary {r}: text and JSON differ")
need(jrc == trc == d["exit_code"], f"exit codes json {jrc} text {trc} field {d['exit_code']}")
need(d["exit_code"] == (3 if d["violations_total"] else 0), "exit code vs violations")
if errs:
    print("\n".join(errs))
    sys.exit(1)
