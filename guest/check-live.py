#!/usr/bin/env python3
"""guest/check-live.py - check the results of the guest's "live" scenario.

Usage: guest/check-live.py RESULTS_DIR [--pinscope HOST_PINSCOPE] [--mode MODE]
                            [--run NAME] [--expect-rule RULE]
                            [--expect-release UNAME_R] [--expect-cmdline TEXT]
                            [--expect-fault MODE] [--expect-replay-rule RULE]
                            [--expect-no-pin-holds]

RESULTS_DIR is what guest/boot.sh extracted (live-json, workload-json, unpriv,
bpf-after-prog, ...).  Checks what the guest test promises: pinscope attached
in MODE (default fentry), exited 0, at least one pgd pin and one unpin per
process the workload started, lock holds recorded with histogram totals equal
to the hold count, flushes with reasons, zero violations, no BPF programs or
links left after it exited, a clear refusal with exit 1 when not root, a text
report; and, when the section live-trace is there and HOST_PINSCOPE is given,
that `HOST_PINSCOPE replay -j live-trace` agrees with the live report on the
counts both can see (pins, unpins, deferred unlocks, early-flush reasons) and
on the verdict (the same violated rules).

--expect-rule RULE: the run is on a kernel with a fault (xen_pin_fault):
instead of "exit 0, zero violations", pinscope must exit 3 with violations of
RULE and of no other rule (live, text run and replay).
--expect-fault MODE: the fault was switched on at run time for this run
(guest/init/live.sh PIN_FAULT_NAME): the section pin-fault reads back MODE
and the kernel logged that it injects MODE.
--expect-replay-rule RULE (with --expect-rule): the replay of the window's
tracefs record, read with the kernel's tracepoints, which see more than MODE,
judges RULE only instead of the live rule (early_unlock in fentry mode: live
locks-released, replay unlock-after-flush).
--expect-no-pin-holds: MODE sees no release of the pin path's split locks
(early_unlock in fentry mode: its direct xen_pte_unlock() call is inlined), so
no pin hold is recorded; the unpin holds are checked as usual.

In tracepoints mode, each recorded hold must match a lock/unlock pair: the
hold counts equal the split locks taken (ops.locks_taken), and the tracefs
record of the same window has as many xen_mmu_pte_lock (and
xen_mmu_pte_unlock) lines as live holds; replay of it records the same holds.

--run NAME checks the extra JSON run "json@NAME" of the same boot (sections
NAME.live-json, ...; guest/init/live.sh); the text and unprivileged runs
belong to the main run and are checked only without --run.
--expect-release / --expect-cmdline check the guest's uname -r and that its
/proc/cmdline contains TEXT (section guest-info): the intended kernel and
boot arguments were used.

--expect-nonpv: the boot was no Xen PV guest (guest/boot.sh --no-xen, run
"nonpv"): pinscope must refuse with exit 5 and "not a Xen PV guest (found:
...)", and leave no BPF program behind; nothing else is checked.
--expect-ringbuf-loss (with --run NAME, a "json@NAME" and a "text@NAME" run
with --ringbuf-size 4096 on a fault boot): records were lost in the ring
buffer, and the verdict says so: JSON lost.ringbuf > 0, judged.input_lost,
the text run's verdict line has the word "lost"; exit 3 (--expect-rule) or 0.

--expect-lean: the run used --lean: its JSON says what it did not record
(not_recorded: processes, idle_flushes; in tracepoints mode also
flush_latency, no flushes.latency), counts no process, and the replay
of its window, also with --lean, agrees with it like any other run.

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


def pct(h):
    """hold histogram as 'count N, p50/p90/max a/b/c us'"""
    h = h or {}
    us = lambda v: f"{(v or 0) / 1000:.0f}"
    mean = (h.get("sum_ns") or 0) / h["count"] if h.get("count") else 0
    return (f"{h.get('count', 0)} (mean {us(mean)} us, p50 {us(h.get('p50_ns'))} us, "
            f"p90 {us(h.get('p90_ns'))} us, max {us(h.get('max_ns'))} us)")


def summary(tag, doc, what):
    """one info line with the figures docs/kernel.md quotes"""
    ops, fl, holds = doc.get("ops", {}), doc.get("flushes", {}), doc.get("holds", {})
    vi = {k: v.get("violated") for k, v in doc.get("invariants", {}).items() if v.get("violated")}
    print(f"info - {tag}{what} {doc.get('mode')}: pins {ops.get('pins')}, unpins {ops.get('unpins')}, "
          f"holds pin {pct(holds.get('pin'))}, unpin {pct(holds.get('unpin'))}, "
          f"locks taken {ops.get('locks_taken')}, deferred unlocks {ops.get('deferred_unlocks')}, "
          f"flushes {fl.get('count')} {fl.get('reasons')}, events {doc.get('events')}, "
          f"violated {vi or 'nothing'}, exit {doc.get('exit_code')}")


def finish():
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def check_nonpv(d):
    """pinscope outside a Xen PV guest: exit 5 with the reason, nothing loaded"""
    info = read(d, "guest-info") or ""
    gi = dict(line.split("=", 1) for line in info.splitlines() if "=" in line)
    check(gi.get("guest_type", "") != "PV", "the guest is not a Xen PV guest",
          f"hypervisor {gi.get('hypervisor_type')!r}, guest_type {gi.get('guest_type')!r}")
    out = read(d, "nonpv")
    check(out is not None, "pinscope ran on the non-PV boot (section nonpv)")
    out = out or ""
    check(rc(d, "nonpv") == 5 and re.search(r"not a Xen PV guest \(found: [^)]+\)", out) is not None,
          "refuses with exit 5: not a Xen PV guest (found: ...)",
          f"exit {rc(d, 'nonpv')}: {out.strip()[-300:]}")
    s = read(d, "bpf-after-prog")
    if s is not None:
        left = [line for line in s.splitlines() if re.match(r"^\d+:", line)]
        check(not left, "no BPF program loaded by the refused run", "; ".join(left[:3]))
    return finish()


def check_ringbuf_loss(d, pre, tag, want_rc):
    """--ringbuf-size 4096 on a fault boot: the lost records are in the verdict"""
    prc = rc(d, pre + "live-json")
    check(prc == want_rc, f"{tag}pinscope --json exited {want_rc}", f"exit {prc}")
    try:
        doc = json.loads(read(d, pre + "live-json") or "")
    except ValueError as e:
        check(False, f"{tag}live JSON parses", str(e))
        return finish()
    lost = doc.get("lost", {})
    check(isinstance(lost.get("ringbuf"), int) and lost["ringbuf"] > 0,
          f"{tag}JSON lost.ringbuf > 0 (records dropped by the tiny ring buffer)",
          f"lost {lost}")
    judged = doc.get("judged", {})
    check(judged.get("input_lost") is True, f"{tag}JSON judged.input_lost is true", f"judged {judged}")
    txt = read(d, pre + "live-text")
    if txt is None:
        check(False, f"{tag}text run present (section {pre}live-text)")
        return finish()
    vl = [line for line in txt.splitlines() if line.startswith("Verdict:")]
    check(rc(d, pre + "live-text") == want_rc and len(vl) == 1 and re.search(r"\blost\b", vl[0]),
          f"{tag}text verdict line names the loss (word 'lost'), exit {want_rc}",
          f"exit {rc(d, pre + 'live-text')}, verdict line {vl!r}")
    return finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("results")
    ap.add_argument("--pinscope", help="host pinscope binary for the replay comparison")
    ap.add_argument("--mode", default="fentry")
    ap.add_argument("--run", help="check the extra JSON run json@RUN (sections RUN.*)")
    ap.add_argument("--expect-rule", metavar="RULE",
                    help="fault boot: exit 3 and violations of RULE only")
    ap.add_argument("--expect-release", metavar="UNAME_R", help="the guest's uname -r")
    ap.add_argument("--expect-cmdline", metavar="TEXT", help="text the guest's /proc/cmdline contains")
    ap.add_argument("--expect-fault", metavar="MODE", help="xen_pin_fault set to MODE at run time")
    ap.add_argument("--expect-replay-rule", metavar="RULE",
                    help="with --expect-rule: the replay of the window's tracefs record judges RULE "
                         "only (its tracepoints see more than the live mode)")
    ap.add_argument("--expect-no-pin-holds", action="store_true",
                    help="the mode sees no release of the pin path's split locks: no pin hold")
    ap.add_argument("--expect-nonpv", action="store_true",
                    help="not a Xen PV guest: pinscope refuses (exit 5)")
    ap.add_argument("--expect-lean", action="store_true",
                    help="the run used --lean (not recorded: processes, idle flushes)")
    ap.add_argument("--expect-mm-lock", action="store_true",
                    help="the kernel's events record the mm lock (the series since issue 24, or a "
                         "stock kernel with BTF): mm-lock-held checked, in tracepoints mode once "
                         "per split lock taken")
    ap.add_argument("--expect-suspend", action="store_true",
                    help="dom0 saved and restored the domU during the run (section RUN.suspend): "
                         "it resumed, pinscope ran on, nothing lost, operations counted by path")
    ap.add_argument("--expect-suspend-pins", action="store_true",
                    help="with --expect-suspend: the kernel held an mm under construction "
                         "(xen_pin_spare_mm), so the suspend path pinned and unpinned at least one "
                         "pagetable and took its split locks, and mm-lock-held judged each")
    ap.add_argument("--expect-ringbuf-loss", action="store_true",
                    help="tiny ring buffer run (--run NAME): the loss is in the verdict")
    a = ap.parse_args()
    if a.expect_replay_rule and not a.expect_rule:
        ap.error("--expect-replay-rule needs --expect-rule")
    pre = a.run + "." if a.run else ""
    want_rc = 3 if a.expect_rule else 0
    tag = f"[{a.run}] " if a.run else ""
    d = a.results
    if not os.path.isdir(d):
        print(f"check-live: no such directory {d}", file=sys.stderr)
        return 2
    if read(d, "skipped") is not None:
        print("skipped: " + read(d, "skipped").strip())
        print("0 passed, 0 failed, 1 skipped")
        return 77

    if a.expect_nonpv:
        return check_nonpv(d)
    if a.expect_ringbuf_loss:
        return check_ringbuf_loss(d, pre, tag, want_rc)

    # --- the guest ---
    info = read(d, "guest-info") or ""
    gi = dict(line.split("=", 1) for line in info.splitlines() if "=" in line)
    if a.expect_release:
        check(gi.get("uname_r") == a.expect_release, f"{tag}guest runs kernel {a.expect_release}",
              f"uname -r {gi.get('uname_r')!r}")
    if a.expect_cmdline:
        check(a.expect_cmdline in gi.get("cmdline", "").split(),
              f"{tag}guest kernel command line has {a.expect_cmdline}", f"cmdline {gi.get('cmdline')!r}")

    if a.expect_fault:
        pf = (read(d, pre + "pin-fault") or "").splitlines()
        check(rc(d, pre + "pin-fault") == 0 and pf[:1] == [a.expect_fault]
              and f'injecting pagetable pin fault "{a.expect_fault}"' in "".join(pf[1:]),
              f"{tag}xen_pin_fault switched to {a.expect_fault} at run time, kernel says so",
              f"rc {rc(d, pre + 'pin-fault')}, section {pf}")

    # --- the JSON run ---
    prc = rc(d, pre + "live-json")
    err = (read(d, pre + "live-json-stderr") or "").strip().splitlines()
    check(prc == want_rc, f"{tag}pinscope -d N --json exited {want_rc}",
          f"exit {prc}; stderr tail: {' | '.join(err[-3:])}")
    doc = None
    try:
        doc = json.loads(read(d, pre + "live-json") or "")
        check(True, f"{tag}live JSON parses")
    except ValueError as e:
        check(False, f"{tag}live JSON parses", str(e))
    wl = read(d, pre + "workload-json") or ""
    m = re.search(r"WORKLOAD-SUMMARY processes=(\d+)", wl)
    check(m is not None and rc(d, pre + "workload-json") == 0, f"{tag}workload ran during the JSON run",
          wl.strip().splitlines()[-1] if wl.strip() else "no output")
    procs = int(m.group(1)) if m else None

    if doc is not None:
        check(doc.get("mode") == a.mode, f"{tag}attach mode {a.mode}", f"mode {doc.get('mode')!r}")
        check(doc.get("exit_code") == want_rc, f"{tag}JSON exit_code {want_rc}", f"{doc.get('exit_code')!r}")
        ops = doc.get("ops", {})
        if procs is not None:
            check(ops.get("pins", 0) >= procs, f"{tag}pgd pins >= processes started ({procs})",
                  f"pins {ops.get('pins')}")
            check(ops.get("unpins", 0) >= procs, f"{tag}pgd unpins >= processes started ({procs})",
                  f"unpins {ops.get('unpins')}")
        # visibility proven at attach (docs/verdict.md): every per-operation
        # rule's steps seen on the probe's operations, both pgds of each
        vis = doc.get("visibility") or {}
        vops = vis.get("pins", 0) + vis.get("unpins", 0)
        vr = vis.get("rules", {})
        check(vis.get("proven") is True and vops > 0 and vis.get("pgd_pages") == 2 * vops
              and all(vr.get(r) == "seen" for r in ("pgd-last", "l4-after-walk", "locks-bounded")),
              f"{tag}visibility proven at attach: pgd-last, l4-after-walk, locks-bounded seen, "
              "PGD pages = 2 x probe operations", f"visibility {vis}")
        # nothing judged from what was not seen, and every pgd of every operation seen
        unseen = {r: v.get("unseen") for r, v in doc.get("invariants", {}).items() if v.get("unseen")}
        check(not unseen, f"{tag}no rule unseen on any operation", f"unseen {unseen}")
        pg = ops.get("pages", {})
        npgd = sum((pg.get(k) or {}).get("PGD", 0) for k in ("pin", "unpin"))
        check(npgd == 2 * (ops.get("pins", 0) + ops.get("unpins", 0)),
              f"{tag}PGD pages = 2 x operations (the user pgd of each seen)",
              f"PGD {npgd}, pins {ops.get('pins')}, unpins {ops.get('unpins')}, pages {pg}")
        holds = doc.get("holds", {})
        for k in ("pin", "unpin"):
            ok, why = hist_ok(holds.get(k))
            if k == "pin" and a.expect_no_pin_holds:
                check(ok and holds[k].get("count") == 0,
                      f"{tag}{k} lock holds: none, the mode sees no release of them", why)
            else:
                check(ok and holds[k].get("count", 0) > 0,
                      f"{tag}{k} lock holds recorded, histogram total = count", why)
        if a.mode == "tracepoints":
            # the hold runs from xen_mmu_pte_lock to xen_mmu_pte_unlock: one
            # per split lock taken, none left open, none unmatched
            lt = ops.get("locks_taken", {})
            lost = doc.get("lost", {})
            for k in ("pin", "unpin"):
                hc = (holds.get(k) or {}).get("count")
                check(hc == lt.get(k), f"{tag}{k} holds = split locks taken ({lt.get(k)}): "
                      "each hold is one lock/unlock pair", f"holds {hc}, locks taken {lt.get(k)}")
            check(lost.get("unmatched_unlock", 0) == 0 and lost.get("held_full", 0) == 0,
                  f"{tag}no unmatched unlock, no untracked lock",
                  f"unmatched_unlock {lost.get('unmatched_unlock')}, held_full {lost.get('held_full')}")
        if a.expect_suspend:
            sus = read(d, pre + "suspend") or ""
            check(rc(d, pre + "suspend") == 0 and "resumed: yes" in sus,
                  f"{tag}the domU was suspended (saved, restored) during the run and resumed",
                  sus.strip()[-600:])
            bp = ops.get("by_path", {})
            lost = doc.get("lost", {})
            check("suspend" in bp and "ordinary" in bp and lost.get("ringbuf", 0) == 0
                  and lost.get("input_gaps", 0) == 0,
                  f"{tag}pinscope ran on across it: operations by path, no record or input lost",
                  f"by_path {bp}, lost {lost}")
            if a.expect_suspend_pins:
                sp = bp.get("suspend", {})
                mm = doc.get("invariants", {}).get("mm-lock-held", {})
                check("spare mm before: 1" in sus and sp.get("pins", 0) >= 1
                      and sp.get("unpins", 0) >= 1 and sp.get("locks_taken", 0) >= 1
                      and mm.get("checked", 0) >= sp.get("locks_taken", 0),
                      f"{tag}the suspend path pinned and unpinned the mm under construction, "
                      f"its split locks judged by mm-lock-held ({sp.get('locks_taken')})",
                      f"suspend {sp}, mm-lock-held {mm}")
            print(f"info - {tag}suspend path: {bp.get('suspend')}, ordinary: {bp.get('ordinary')}, "
                  f"clock back {lost.get('clock_back', 0)}")
            # each path's holds a distribution of its own: in tracepoints mode
            # one hold per split lock the path's operations took
            hp = holds.get("by_path", {})
            if a.mode == "tracepoints":
                per = {p: sum((hp.get(p, {}).get(k) or {}).get("count", -1) for k in ("pin", "unpin"))
                       for p in ("ordinary", "suspend")}
                check(all(per[p] == bp.get(p, {}).get("locks_taken") for p in per),
                      f"{tag}each path's holds are its own (suspend {per['suspend']}, ordinary "
                      f"{per['ordinary']}: one per split lock of the path)",
                      f"holds by path {per}, by_path {bp}")
            print(f"info - {tag}suspend path holds: "
                  + ", ".join(f"{k} count {(hp.get('suspend', {}).get(k) or {}).get('count')} max "
                              f"{(hp.get('suspend', {}).get(k) or {}).get('max_ns')} ns"
                              for k in ("pin", "unpin"))
                  + f"; most locks held per suspend op {bp.get('suspend', {}).get('locks_held_max')}")
            # the restore as pinscope counted it from the guest's clocks and
            # online cpus (docs/json.md "restores"): a count, never a verdict
            rs = doc.get("restores", {})
            keys = ("seen", "suspended_ns", "suspended_max_ns", "monotonic_step_max_ns",
                    "realtime_step_max_ns", "cpus_renumbered", "cpus_gone", "cpus_unread")
            check(all(isinstance(rs.get(k), int) and rs[k] >= 0 for k in keys)
                  and lost.get("clock_back", 0) == 0,
                  f"{tag}restores counted (seen {rs.get('seen')}, cpus back renumbered "
                  f"{rs.get('cpus_renumbered')}, gone {rs.get('cpus_gone')}), no interval backwards",
                  f"restores {rs}, clock back {lost.get('clock_back')}")
            m = re.search(r"clock before: (\d+) s .*uptime ([\d.]+) s.*\n(?:.*\n)*?clock after: "
                          r"(\d+) s .*uptime ([\d.]+) s", sus)
            seen = (f"the guest's own record: CLOCK_REALTIME +{int(m[3]) - int(m[1])} s, uptime "
                    f"+{float(m[4]) - float(m[2]):.2f} s" if m else "no clock lines in the guest's record")
            print(f"info - {tag}restores: seen {rs.get('seen')}, suspended "
                  f"{rs.get('suspended_ns', 0) / 1e9:.3f} s in all (largest "
                  f"{rs.get('suspended_max_ns', 0) / 1e9:.3f} s), across it CLOCK_MONOTONIC "
                  f"+{rs.get('monotonic_step_max_ns', 0) / 1e9:.3f} s, CLOCK_REALTIME "
                  f"+{rs.get('realtime_step_max_ns', 0) / 1e9:.3f} s; cpus renumbered "
                  f"{rs.get('cpus_renumbered')}, gone {rs.get('cpus_gone')}, unread "
                  f"{rs.get('cpus_unread')}; {seen}")
        if a.expect_lean:
            # tracepoints mode: the kernels of this matrix run the current
            # series (xen_mmu_pgd_done), where --lean hooks no flush return
            want = ["processes", "idle_flushes"] + (["flush_latency"] if a.mode == "tracepoints" else [])
            check(doc.get("not_recorded") == want and not ops.get("top"),
                  f"{tag}--lean: not recorded, {', '.join(want)}; no process counted",
                  f"not_recorded {doc.get('not_recorded')}, top {ops.get('top')}")
            if a.mode == "tracepoints":
                check("latency" not in doc.get("flushes", {}),
                      f"{tag}--lean: no flush latency (fexit/xen_mc_flush not attached)",
                      f"flushes.latency {doc.get('flushes', {}).get('latency')}")
        fl = doc.get("flushes", {})
        reasons = fl.get("reasons", {})
        check(fl.get("count", 0) > 0 and reasons.get("BATCH", 0) > 0,
              f"{tag}flushes recorded with reasons (BATCH early flushes seen)",
              f"count {fl.get('count')}, reasons {reasons}")
        inv = doc.get("invariants", {})
        bad = {k: v.get("violated") for k, v in inv.items() if v.get("violated")}
        if a.expect_rule:
            listed = sorted({v.get("invariant") for v in doc.get("violations", [])})
            check(len(inv) >= 7 and list(bad) == [a.expect_rule]
                  and doc.get("violations_total", 0) == bad.get(a.expect_rule)
                  and listed == [a.expect_rule],
                  f"{tag}violations of {a.expect_rule} and of no other rule ({bad.get(a.expect_rule)})",
                  f"violated {bad}, listed {listed}, total {doc.get('violations_total')}")
        else:
            check(len(inv) >= 7 and not bad and doc.get("violations_total", 0) == 0
                  and not doc.get("violations"), f"{tag}zero violations",
                  f"violated {bad}, total {doc.get('violations_total')}, {len(inv)} rules")
        # no-split-no-l1-pin is vacuous when the kernel uses split PTE locks
        # (every PTE page then has one): it is checked only on PTE pages without
        split = sum(doc.get("ops", {}).get("locks_taken", {}).values()) > 0
        unchecked = [k for k, v in inv.items() if v.get("checked", 0) == 0
                     and v.get("coverage") != "not checked"
                     and not (split and k == "no-split-no-l1-pin")]
        check(not unchecked, f"{tag}every rule that the mode checks was checked at least once", f"{unchecked}")
        if a.expect_mm_lock:
            mm = inv.get("mm-lock-held", {})
            want_cov = "exact" if a.mode == "tracepoints" else "approx"
            nlocks = sum(ops.get("locks_taken", {}).values())
            check(mm.get("coverage") == want_cov and mm.get("checked", 0) > 0 and
                  (a.mode != "tracepoints" or mm.get("checked") == nlocks),
                  f"{tag}mm-lock-held checked ({want_cov}"
                  f"{', once per split lock taken' if a.mode == 'tracepoints' else ''})",
                  f"mm-lock-held {mm}, locks taken {nlocks}")
        summary(tag, doc, "live")

    # --- the --html page of the JSON run: renders, its numbers are the JSON's ---
    page = os.path.join(d, pre + "live-html")
    if doc is not None and os.path.exists(page):
        hr = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                          "html_report.py"), "--page", page,
                             "--json", os.path.join(d, pre + "live-json")],
                            capture_output=True, text=True)
        check(hr.returncode == 0, f"{tag}live --html page renders in Chromium and matches the JSON",
              (hr.stdout + hr.stderr).strip()[-400:])

    # --- the text run ---
    txt = read(d, "live-text") if not a.run else None
    if txt is not None:
        check(rc(d, "live-text") == want_rc and len(txt.strip()) > 0,
              f"text run exited {want_rc} with a report", f"exit {rc(d, 'live-text')}")
        wt = read(d, "workload-text") or ""
        check(rc(d, "workload-text") == 0 and "WORKLOAD-SUMMARY processes=" in wt,
              "workload ran during the text run (exit 0)",
              f"exit {rc(d, 'workload-text')}: {wt.strip().splitlines()[-1] if wt.strip() else 'no output'}")

    # --- unprivileged ---
    up = read(d, "unpriv") if not a.run else None
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
        check(rc(d, sect) == 0 and not left, f"{tag}no BPF {sect.split('-')[-1]}s left after pinscope exited",
              "; ".join(left[:3]))

    # --- the tracefs record of the window ---
    trace = read(d, pre + "live-trace")
    if doc is not None and trace is not None:
        nlock = len(re.findall(r" xen_mmu_pte_lock: ", trace))
        nunlock = len(re.findall(r" xen_mmu_pte_unlock: ", trace))
        holds = doc.get("holds", {})
        nhold = sum((holds.get(k) or {}).get("count", 0) for k in ("pin", "unpin"))
        if a.mode == "tracepoints":
            check(nlock == nhold and nunlock == nhold,
                  f"{tag}trace of the window: xen_mmu_pte_lock and _unlock lines = live holds ({nhold})",
                  f"{nlock} lock lines, {nunlock} unlock lines, {nhold} holds")
        elif nlock:
            print(f"info - {tag}trace of the window: {nlock} xen_mmu_pte_lock, {nunlock} xen_mmu_pte_unlock "
                  f"lines; {a.mode} holds {nhold}")

    # --- live vs replay ---
    if doc is not None and trace is not None and a.pinscope:
        p = subprocess.run([a.pinscope, "replay", "-j", os.path.join(d, pre + "live-trace")]
                           + (["--lean"] if a.expect_lean else []), capture_output=True, text=True)
        try:
            rep = json.loads(p.stdout)
        except ValueError:
            check(False, f"{tag}replay of the live window's trace gives JSON",
                  f"exit {p.returncode}: {p.stderr.strip()[:300]}")
            rep = None
        if rep is not None:
            lo, ro = doc.get("ops", {}), rep.get("ops", {})
            lf, rf = doc.get("flushes", {}).get("reasons", {}), rep.get("flushes", {}).get("reasons", {})
            pairs = [("pins", lo.get("pins"), ro.get("pins")),
                     ("unpins", lo.get("unpins"), ro.get("unpins")),
                     ("deferred unlocks", lo.get("deferred_unlocks"), ro.get("deferred_unlocks"))]
            pairs += [(f"{r} flushes", lf.get(r, 0), rf.get(r, 0)) for r in ("BATCH", "ARGS", "CALLBACK")]
            if a.mode == "tracepoints" and rep.get("source") == "tracepoints":
                lh, rh = doc.get("holds", {}), rep.get("holds", {})
                lt, rt = lo.get("locks_taken", {}), ro.get("locks_taken", {})
                for k in ("pin", "unpin"):
                    pairs.append((f"{k} holds", (lh.get(k) or {}).get("count"), (rh.get(k) or {}).get("count")))
                    pairs.append((f"{k} split locks taken", lt.get(k), rt.get(k)))
            for what, lv, rv in pairs:
                check(lv == rv, f"{tag}live and replay agree on {what} ({lv})", f"live {lv}, replay {rv}")
            print(f"info - {tag}flushes in all: live {doc.get('flushes', {}).get('count')}, "
                  f"replay {rep.get('flushes', {}).get('count')} (live also counts idle "
                  "context-switch flushes outside the traced window)")
            lbad = sorted(k for k, v in doc.get("invariants", {}).items() if v.get("violated"))
            rbad = sorted(k for k, v in rep.get("invariants", {}).items() if v.get("violated"))
            if a.expect_replay_rule:
                check(p.returncode == 3 and rbad == [a.expect_replay_rule] and lbad == [a.expect_rule],
                      f"{tag}replay of the live window: exit 3, {a.expect_replay_rule} only, where "
                      f"live {a.mode} judged {a.expect_rule}",
                      f"replay exit {p.returncode}, violated {rbad}; live violated {lbad}")
            elif a.expect_rule:
                check(p.returncode == 3 and rbad == [a.expect_rule] and rbad == lbad,
                      f"{tag}replay of the live window: exit 3, same verdict as live ({', '.join(rbad)})",
                      f"replay exit {p.returncode}, violated {rbad}; live violated {lbad}")
            else:
                check(p.returncode == 0 and rep.get("violations_total", 0) == 0 and rbad == lbad,
                      f"{tag}replay of the live window: exit 0, zero violations (same verdict as live)",
                      f"replay exit {p.returncode}, {rep.get('violations_total')} violations {rbad}")
            vi = {k: v.get("violated") for k, v in rep.get("invariants", {}).items() if v.get("violated")}
            print(f"info - {tag}replay ({rep.get('source')} events) violated {vi or 'nothing'}")
            summary(tag, rep, "replay")

    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
