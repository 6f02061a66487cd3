#!/usr/bin/env python3
"""Checks that `pinscope --json` parses, has the documented keys, and says what the text says."""
import json, re, sys

# usage: json_vs_text.py JSON TEXT JSON_RC TEXT_RC RULES [LISTED]
# (RULES: `pinscope --list-rules`; LISTED: the --violations N of the text run, default 5)
jpath, tpath, jrc, trc = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rules = [l.split("\t")[0] for l in open(sys.argv[5]) if l.strip() and not l.startswith("#")]
# violation lines the text run was asked to list (--violations; default 5, "all" = 1000)
listed_want = int(sys.argv[6]) if len(sys.argv) > 6 else 5
d = json.load(open(jpath))
text = open(tpath).read()
errs = []

def need(cond, what):
    if not cond:
        errs.append(what)

for k in ("verdict", "judged", "mode", "invariants", "violations", "holds", "flushes", "ops", "lost", "exit_code"):
    need(k in d, f"missing key {k}")
need(rules, "no rules in the --list-rules output")
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


hists = [("holds", k, t, d["holds"][k]) for k, t in (("pin", "Split-lock hold time, pin"),
                                                    ("unpin", "Split-lock hold time, unpin"))]
hists += [("ops", k, t, d["ops"][k]) for k, t in (("pin_time", "Pin operation time"),
                                                 ("unpin_time", "Unpin operation time"))]
# each path's holds: in text once the suspend path was seen, always in JSON
bp = d["holds"]["by_path"]
need(sorted(bp) == ["ordinary", "suspend"], "holds.by_path: the two paths")
suspend_seen = (d["ops"]["by_path"]["suspend"]["pins"] + d["ops"]["by_path"]["suspend"]["unpins"] +
                bp["suspend"]["pin"]["count"] + bp["suspend"]["unpin"]["count"]) > 0
for k in ("pin", "unpin"):
    need(bp["ordinary"][k]["count"] + bp["suspend"][k]["count"] == d["holds"][k]["count"],
         f"holds.by_path: the paths' {k} counts do not add up to holds.{k}")
    need(bp["ordinary"][k]["sum_ns"] + bp["suspend"][k]["sum_ns"] == d["holds"][k]["sum_ns"],
         f"holds.by_path: the paths' {k} sums do not add up to holds.{k}")
    need(max(bp["ordinary"][k]["max_ns"], bp["suspend"][k]["max_ns"]) == d["holds"][k]["max_ns"],
         f"holds.by_path: the paths' {k} max is not holds.{k}'s")
    for path in ("ordinary", "suspend"):
        title = f"Split-lock hold time, {k}, {path} path"
        if suspend_seen:
            hists.append(("holds.by_path." + path, k, title, bp[path][k]))
        else:
            need(title not in text, f"'{title}' in the text without the suspend path")
need(suspend_seen or "no hold on the suspend path (init_mm)" in text,
     "the text does not say that no hold was on the suspend path")
for part, k, title, h in hists:
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
          "rules_not_exercised", "input_lost"):
    need(k in j, f"judged.{k} missing")
started = d["ops"]["pins"] + d["ops"]["unpins"]
cut = d["lost"]["ops_cut"] + d["lost"]["ops_gap"] + d["ops"]["running"]
need(j.get("operations") == max(started - cut, 0), f"judged.operations {j.get('operations')}")
need(j.get("operations_cut") == cut, "judged.operations_cut")
# a rule with 0 checks (and no violation) is not checked: not exercised (issue 26)
inv = d["invariants"].values()
cov = [v["coverage"] if v["checked"] or v["violated"] or v["coverage"] == "not checked"
       else "not exercised" for v in inv if not (v["unseen"] and not v["checked"])]
need((j.get("rules_exact"), j.get("rules_approx"), j.get("rules_not_visible"),
      j.get("rules_not_exercised")) ==
     (cov.count("exact"), cov.count("approx"),
      cov.count("not checked") + sum(1 for v in inv if v["unseen"] and not v["checked"]),
      cov.count("not exercised")), "judged.rules_*")
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
    need(f"{j.get('rules_exact', 0) + j.get('rules_approx', 0)} of {len(d['invariants'])} rules checked "
         f"({j.get('rules_exact')} exact, {j.get('rules_approx')} approximate)" in line,
         "text: rules checked")
    if j.get("rules_not_exercised"):
        need(f"{j['rules_not_exercised']} not exercised: " in line, "text: not exercised")
    need(("input lost:" in line) == bool(j.get("input_lost")) and
         ("no input lost" in line) == (not j.get("input_lost")), "text: input lost")
if errs:
    print("\n".join(errs))
    sys.exit(1)
