#!/usr/bin/env python3
"""Percentiles of split-lock hold times against the exact values of each patched capture.

For every patched trace of tests/data, pairs xen_mmu_pte_lock with the next
xen_mmu_pte_unlock of the same ptl on the same cpu (as the checker does), gives
each hold to the pin or unpin the cpu is running (its last xen_mmu_pgd_(un)pin),
computes the exact p50/p90/p99 (nearest rank) and asserts that `pinscope replay
-j` reports the same hold counts and each percentile within 3 %.
Usage: tests/percentiles.py PINSCOPE [TRACE...]   (as root)
"""
import glob, json, lzma, math, os, re, subprocess, sys

MAX_ERR = 0.03
LINE = re.compile(r"\[(\d+)\].*?\s(\d+)\.(\d+): (xen_mmu_\w+): (.*)")


def exact_holds(path):
    opener = lzma.open if path.endswith(".xz") else open
    op, held, holds = {}, {}, {"pin": [], "unpin": []}
    with opener(path, "rt") as f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            cpu, name, text = int(m[1]), m[4], m[5]
            ts = int(m[2]) * 10**9 + int(m[3].ljust(9, "0")[:9])
            if name in ("xen_mmu_pgd_pin", "xen_mmu_pgd_unpin"):
                op[cpu] = "unpin" if name.endswith("unpin") else "pin"
            elif name == "xen_mmu_pte_lock":
                ptl = re.search(r"ptl (\w+)", text)[1]
                held.setdefault((cpu, ptl), []).append((ts, op.get(cpu)))
            elif name == "xen_mmu_pte_unlock":
                ptl = re.search(r"ptl (\w+)", text)[1]
                q = held.get((cpu, ptl))
                if q:
                    t0, kind = q.pop(0)
                    if kind:
                        holds[kind].append(ts - t0)
    return holds


def rank(values, pct):
    v = sorted(values)
    return v[max(1, math.ceil(len(v) * pct / 100)) - 1]


def main():
    pinscope = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    traces = sys.argv[2:] or sorted(glob.glob(os.path.join(here, "data", "patched-*.trace*")))
    fails = checked = 0
    worst = 0.0
    for t in traces:
        holds = exact_holds(t)
        src = lzma.open(t).read() if t.endswith(".xz") else open(t, "rb").read()
        out = subprocess.run([pinscope, "replay", "-j", "-"], input=src, capture_output=True)
        rep = json.loads(out.stdout)
        name = os.path.basename(t)
        for kind, vals in holds.items():
            h = rep["holds"][kind]
            if len(vals) != h["count"]:
                print(f"FAIL {name} {kind}: {len(vals)} lock/unlock pairs, pinscope {h['count']} holds")
                fails += 1
                continue
            if not vals:
                continue
            for pct in (50, 90, 99):
                want, got = rank(vals, pct), h[f"p{pct}_ns"]
                err = abs(got - want) / want if want else (0.0 if got < h["resolution_ns"] else 1.0)
                worst = max(worst, err)
                checked += 1
                ok = err <= MAX_ERR
                fails += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {name} {kind} p{pct}: exact {want} ns, "
                      f"pinscope {got} ns, error {100 * err:.2f} %")
    print(f"percentiles: {checked} checked on {len(traces)} traces, worst error "
          f"{100 * worst:.2f} %, {fails} failed")
    return 1 if fails or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
