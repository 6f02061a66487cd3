#!/usr/bin/env python3
"""guest/check-live.py - check the results of the guest's "live" scenario.

Usage: guest/check-live.py RESULTS_DIR [--pinscope HOST_PINSCOPE] [--mode MODE]

RESULTS_DIR is what guest/boot.sh extracted (live-json, workload-json, unpriv,
bpf-after-prog, ...).  Checks what the guest test promises: pinscope attached
in MODE (default fentry), exited 0, at least one pgd pin and one unpin per
process the workload started, lock holds recorded with histogram totals equal
to the hold count, flushes with reasons, zero violations, no BPF programs or
links left after it exited, a clear refusal with exit 1 when not root, a text
report; and, when the section live-trace is there and HOST_PINSCOPE is given,
that `HOST_PINSCOPE replay -j live-trace` agrees with the live report on the
counts both can see (pins, unpins, deferred unlocks, early-flush reasons).

Prints one line per check and ends with "N passed, N failed".
Exit codes: 0 all passed, 1 a check failed, 2 usage error, 77 skipped (the
guest image had no pinscope).
"""
import argparse
import json
import os
import re
import subprocess
import sys

passed = 0
failed = 0


def check(ok, what, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   - {what}")
    else:
        failed += 1
        print(f"FAIL - {what}" + (f": {detail}" if detail else ""))
    return ok


def read(d, name):
    try:
        with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def rc(d, name):
    s = read(d, name + ".rc")
    try:
        return int(s.strip()) if s is not None else None
    except ValueError:
        return None


def hist_ok(h):
    if not isinstance(h, dict):
        return False, "not an object"
    total = sum(b.get("count", 0) for b in h.get("buckets", []))
    if total != h.get("count"):
        return False, f"buckets add up to {total}, count is {h.get('count')}"
    return True, f"count {h.get('count')}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("--pinscope", help="host pinscope binary for the replay comparison")
    ap.add_argument("--mode", default="fentry")
    a = ap.parse_args()
    d = a.results
    if not os.path.isdir(d):
        print(f"check-live: no such directory {d}", file=sys.stderr)
        return 2
    if read(d, "skipped") is not None:
        print("skipped: " + read(d, "skipped").strip())
        print("0 passed, 0 failed, 1 skipped")
        return 77

    # --- the JSON run ---
    prc = rc(d, "live-json")
    err = (read(d, "live-json-stderr") or "").strip().splitlines()
    check(prc == 0, "pinscope -d N --json exited 0", f"exit {prc}; stderr tail: {' | '.join(err[-3:])}")
    doc = None
    try:
        doc = json.loads(read(d, "live-json") or "")
        check(True, "live JSON parses")
    except ValueError as e:
        check(False, "live JSON parses", str(e))
    wl = read(d, "workload-json") or ""
    m = re.search(r"WORKLOAD-SUMMARY processes=(\d+)", wl)
    check(m is not None and rc(d, "workload-json") == 0, "workload ran during the JSON run",
          wl.strip().splitlines()[-1] if wl.strip() else "no output")
    procs = int(m.group(1)) if m else None

    if doc is not None:
        check(doc.get("mode") == a.mode, f"attach mode {a.mode}", f"mode {doc.get('mode')!r}")
        check(doc.get("exit_code") == 0, "JSON exit_code 0", f"{doc.get('exit_code')!r}")
        ops = doc.get("ops", {})
        if procs is not None:
            check(ops.get("pins", 0) >= procs, f"pgd pins >= processes started ({procs})",
                  f"pins {ops.get('pins')}")
            check(ops.get("unpins", 0) >= procs, f"pgd unpins >= processes started ({procs})",
                  f"unpins {ops.get('unpins')}")
        holds = doc.get("holds", {})
        for k in ("pin", "unpin"):
            ok, why = hist_ok(holds.get(k))
            check(ok and holds[k].get("count", 0) > 0, f"{k} lock holds recorded, histogram total = count", why)
        fl = doc.get("flushes", {})
        reasons = fl.get("reasons", {})
        check(fl.get("count", 0) > 0 and reasons.get("BATCH", 0) > 0,
              "flushes recorded with reasons (BATCH early flushes seen)",
              f"count {fl.get('count')}, reasons {reasons}")
        inv = doc.get("invariants", {})
        bad = {k: v.get("violated") for k, v in inv.items() if v.get("violated")}
        check(len(inv) >= 7 and not bad and doc.get("violations_total", 0) == 0
              and not doc.get("violations"), "zero violations",
              f"violated {bad}, total {doc.get('violations_total')}, {len(inv)} rules")
        # no-split-no-l1-pin is vacuous when the kernel uses split PTE locks
        # (every PTE page then has one): it is checked only on PTE pages without
        split = sum(doc.get("ops", {}).get("locks_taken", {}).values()) > 0
        unchecked = [k for k, v in inv.items() if v.get("checked", 0) == 0
                     and v.get("coverage") != "not checked"
                     and not (split and k == "no-split-no-l1-pin")]
        check(not unchecked, "every rule that the mode checks was checked at least once", f"{unchecked}")

    # --- the text run ---
    txt = read(d, "live-text")
    if txt is not None:
        check(rc(d, "live-text") == 0 and len(txt.strip()) > 0, "text run exited 0 with a report",
              f"exit {rc(d, 'live-text')}")

    # --- unprivileged ---
    up = read(d, "unpriv")
    if up is not None:
        check(rc(d, "unpriv") == 1 and "root" in up.lower(),
              "refuses with exit 1 and says it needs root when not root",
              f"exit {rc(d, 'unpriv')}: {up.strip()[:200]}")

    # --- nothing left behind ---
    for sect in ("bpf-after-prog", "bpf-after-link"):
        s = read(d, sect)
        if s is None:
            check(False, f"{sect} present (bpftool in the image?)")
            continue
        left = [line for line in s.splitlines() if re.match(r"^\d+:", line)]
        check(rc(d, sect) == 0 and not left, f"no BPF {sect.split('-')[-1]}s left after pinscope exited",
              "; ".join(left[:3]))

    # --- live vs replay ---
    if doc is not None and read(d, "live-trace") is not None and a.pinscope:
        p = subprocess.run([a.pinscope, "replay", "-j", os.path.join(d, "live-trace")],
                           capture_output=True, text=True)
        try:
            rep = json.loads(p.stdout)
        except ValueError:
            check(False, "replay of the live window's trace gives JSON",
                  f"exit {p.returncode}: {p.stderr.strip()[:300]}")
            rep = None
        if rep is not None:
            lo, ro = doc.get("ops", {}), rep.get("ops", {})
            lf, rf = doc.get("flushes", {}).get("reasons", {}), rep.get("flushes", {}).get("reasons", {})
            pairs = [("pins", lo.get("pins"), ro.get("pins")),
                     ("unpins", lo.get("unpins"), ro.get("unpins")),
                     ("deferred unlocks", lo.get("deferred_unlocks"), ro.get("deferred_unlocks"))]
            pairs += [(f"{r} flushes", lf.get(r, 0), rf.get(r, 0)) for r in ("BATCH", "ARGS", "CALLBACK")]
            for what, lv, rv in pairs:
                check(lv == rv, f"live and replay agree on {what} ({lv})", f"live {lv}, replay {rv}")
            print(f"info - flushes in all: live {doc.get('flushes', {}).get('count')}, "
                  f"replay {rep.get('flushes', {}).get('count')} (live also counts idle "
                  "context-switch flushes outside the traced window)")
            check(rep.get("violations_total", 0) == 0, "replay of the live window: zero violations",
                  f"{rep.get('violations_total')}")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
