#!/usr/bin/env python3
"""Check `pinscope -i N -j` output (docs/json.md, NDJSON): one JSON object a
line, each with an RFC 3339 `time` (non-decreasing) and an `interval` object
whose counts add up, over all lines, to the cumulative counts of the last.
Usage: ndjson_check.py FILE"""
import json, re, sys
from datetime import datetime

RFC3339 = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$')


def counts(r):
    return {"pins": r["ops"]["pins"], "unpins": r["ops"]["unpins"],
            "violations": r["violations_total"], "events": r["events"],
            "hold_pin": r["holds"]["pin"]["count"], "hold_unpin": r["holds"]["unpin"]["count"],
            **{f"checked:{k}": v["checked"] for k, v in r["invariants"].items()}}


def main():
    lines = open(sys.argv[1]).read().splitlines()
    bad = []
    recs = []
    for i, line in enumerate(lines, 1):
        try:
            recs.append(json.loads(line))
        except ValueError as e:
            bad.append(f"line {i} is not one JSON object: {e}")
    if len(recs) < 3:
        bad.append(f"{len(recs)} lines, want at least 3")
    prev = None
    total = {}
    for i, r in enumerate(recs, 1):
        t = r.get("time", "")
        if not RFC3339.match(t):
            bad.append(f"line {i}: time {t!r} is not RFC 3339")
            continue
        ts = datetime.fromisoformat(t.replace("Z", "+00:00"))
        if prev and ts < prev:
            bad.append(f"line {i}: time {t} before the previous line's")
        prev = ts
        for k, v in counts(r["interval"]).items():
            total[k] = total.get(k, 0) + v
    if recs and not bad:
        last = counts(recs[-1])
        for k, v in sorted(last.items()):
            if total.get(k) != v:
                bad.append(f"{k}: intervals add up to {total.get(k)}, cumulative {v}")
        if not last["pins"]:
            bad.append("no pin operation seen")
    for b in bad:
        print("FAIL", b)
    print(f"ndjson: {len(recs)} lines, {'ok' if not bad else 'FAILED'}"
          f" (last: pins {recs[-1]['ops']['pins'] if recs else '-'},"
          f" unpins {recs[-1]['ops']['unpins'] if recs else '-'})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
