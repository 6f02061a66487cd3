#!/usr/bin/env python3
"""Checks of the systemd rows (guest/systemd/pinscope-systemd-test's sections,
extracted by guest/boot.sh): pinscope.service under a real systemd as PID 1.
Default (a Xen PV guest): apt installs the .deb; enable --now leaves it active
and serving /metrics, which counts the workload's pins, and Prometheus
(Debian's, in the guest) stores every series with up=1; stop: Result=success,
pinscope itself exited with a verdict (0, 3, 4), its final report in the
journal, no BPF program or link of it left; restart: a new process, the old
one's final report in the journal, no automatic restart; apt install of the
newer .deb while it runs: restarted, new version, the old process's report
kept; apt remove: stopped, no process, its report, nothing attached.
--expect-nonpv (a plain VM): enable --now fails once with exit 5, no restart
loop (NRestarts=0 20 s later), systemctl status says "not a Xen PV guest".
--expect-verdict (pinscope_test=verdict): the verdict exits end the unit as
succeeded (SuccessExitStatus), never restarted, the verdict in the journal
and in systemctl status: live --require exact exits 4 ("inconclusive:
--require not met"), a replay of the synthetic early-unlock trace exits 3
(its VIOLATION line).  --expect-fault MODE (pinscope_test=fault, the patched
kernel built with systemd's options): the unit as shipped, live under the
xen_pin_fault MODE switched on at run time: exit 3, VIOLATION lines of MODE's
rule only, succeeded, not restarted, nothing attached after stop; then the
same through a drop-in with --evidence as the unit's comment gives it (a
directory per run in its StateDirectory, named by the invocation ID): the same
verdict, its directory sent back (section evidence-tar, whose snippets
guest/matrix.sh replays with tests/evidence.sh --live); a start with that
directory in place runs and ends with a verdict in a directory of its own,
the first one kept; /var/lib/pinscope and its directories are root's, 0700.
Prints each check and "N passed, M failed"; exit 1 if any failed.
Usage: check-systemd.py DIR [--expect-nonpv | --expect-verdict | --expect-fault MODE]"""
import json, os, re, sys

d = sys.argv[1]
nonpv = "--expect-nonpv" in sys.argv[2:]
verdict = "--expect-verdict" in sys.argv[2:]
fault = sys.argv[sys.argv.index("--expect-fault") + 1] if "--expect-fault" in sys.argv[2:] else None
# the rule each xen_pin_fault mode breaks (docs/kernel.md, Validation)
FAULT_RULE = {"pgd_first": "pgd-last", "early_unlock": "unlock-after-flush", "late_lock": "pte-lock-held"}
# units of the bookworm image that fail on the patched kernel with systemd's
# options (docs/kernel.md, "The systemd variant"), none of them pinscope's
TINY_FAILED = {
    "systemd-sysctl.service": "Debian's kernel.pid_max=4194304 is above the tiny kernel's limit (BASE_SMALL: 32768)",
    "e2scrub_reap.service": "its IOSchedulingClass= needs ioprio_set(), which needs CONFIG_BLOCK",
}
# the unit's CapabilityBoundingSet: CAP_SYSLOG, CAP_PERFMON, CAP_BPF
UNIT_CAPS = (1 << 34) | (1 << 38) | (1 << 39)
npass = nfail = 0


def read(name):
    p = os.path.join(d, name)
    return open(p, errors="replace").read() if os.path.exists(p) else None


def rc(name):
    s = read(name + ".rc")
    return int(s) if s and s.strip().lstrip("-").isdigit() else None


def check(ok, what, detail=""):
    global npass, nfail
    print(f"{'ok  ' if ok else 'FAIL'} - {what}{'' if ok else ': ' + str(detail)}")
    npass += bool(ok)
    nfail += not ok


def props(name):
    return dict(line.split("=", 1) for line in (read(name) or "").splitlines() if "=" in line)


def has_report(name, what):
    j = read(name) or ""
    vl = [line for line in j.splitlines() if line.startswith("Verdict:")]
    check("pinscope report:" in j and len(vl) == 1, f"{what}: the final report in the journal ({name})",
          f"{len(vl)} Verdict lines; last lines: {j.splitlines()[-3:]}")


def stopped(name, what):
    p = props(name)
    # ExecMainCode 1 = CLD_EXITED: pinscope ended itself on SIGTERM (2 = killed)
    check(p.get("ActiveState") == "inactive" and p.get("Result") == "success" and p.get("ExecMainCode") == "1"
          and p.get("ExecMainStatus") in ("0", "3", "4") and p.get("NRestarts") == "0",
          f"{what}: inactive, Result=success, pinscope exited with a verdict (0, 3, 4), NRestarts=0", p)


def verdict_exit(prefix, code, verdict_re, what):
    """The run PREFIX ended by pinscope's verdict CODE: the unit succeeded, was
    not restarted, and the journal and systemctl status carry the verdict"""
    p = props(f"{prefix}-show")
    check(p.get("ActiveState") == "inactive" and p.get("Result") == "success" and p.get("ExecMainCode") == "1"
          and p.get("ExecMainStatus") == str(code) and p.get("NRestarts") == "0",
          f"{what}: inactive, Result=success, ExecMainStatus={code}, NRestarts=0", p)
    j = read(f"{prefix}-journal") or ""
    vl = [line for line in j.splitlines() if line.startswith("Verdict:")]
    check(len(vl) == 1 and re.match(verdict_re, vl[0]), f"{what}: the journal has the verdict /{verdict_re}/",
          vl or j.splitlines()[-3:])
    st = read(f"{prefix}-status") or ""
    # status's journal lines have a prefix: "Dec 07 11:57:01 host pinscope[320]: Verdict: ..."
    check(f"status={code}" in st and re.search(verdict_re.lstrip("^"), st) is not None,
          f"{what}: systemctl status shows status={code} and the verdict", st[-500:])
    return j


def bpf_objects(name):
    """The "ID: type" of each program or link bpftool listed in section NAME"""
    return {m[0] for m in re.finditer(r"^\d+: \S+", read(name) or "", re.M)}


def nothing_attached(prefix, what):
    for kind in ("prog", "link"):
        s = read(f"{prefix}-{kind}")
        # systemd's own: cgroup programs (device policy, ...) it loads per
        # unit, and what it had loaded before pinscope first ran (bpf-before:
        # systemd 257's LSM program restrict_filesystems and its link)
        before = bpf_objects(f"bpf-before-{kind}")
        left = [line for line in (s or "").splitlines()
                if re.match(r"^\d+: ", line) and not re.match(r"^\d+: cgroup", line)
                and re.match(r"^\d+: \S+", line)[0] not in before]
        check(s is not None and rc(f"{prefix}-{kind}") == 0 and not left,
              f"{what}: no BPF {kind} of pinscope's kinds left (bpftool {kind} list)",
              left[:3] if s is not None else "section missing")


def prometheus(exposition, pins):
    """Prometheus itself scraped the unit (section prometheus: its answers to
    up and to every pinscope_ series, after a scrape later than curl's): up is 1, it
    stored every series curl saw, and its newest pin count is curl's or more
    (a counter: Prometheus scraped after curl)"""
    check(rc("prometheus-start") == 0, "Prometheus (Debian's) started in the guest, scraping the unit",
          (read("prometheus-start") or "")[-300:])
    answers = []
    for line in (read("prometheus") or "").splitlines():
        try:
            answers.append(json.loads(line))
        except ValueError:
            pass
    if rc("prometheus") != 0 or len(answers) != 2:
        check(False, "Prometheus answered the queries of up and of pinscope_ series",
              (read("prometheus") or "")[-300:])
        return
    up = [r["value"][1] for r in answers[0]["data"]["result"]]
    check(up == ["1"], "Prometheus: up{job=\"pinscope\"} is 1", answers[0])
    stored = {}
    for r in answers[1]["data"]["result"]:
        labels = dict(r["metric"])
        name = labels.pop("__name__")
        for k in ("job", "instance"):
            labels.pop(k, None)
        stored[(name, tuple(sorted(labels.items())))] = float(r["value"][1])
    seen = set()
    for line in exposition.splitlines():
        sm = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ", line)
        if sm:
            labels = tuple(sorted(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', sm[2] or "")))
            seen.add((sm[1], labels))
    missing = sorted(seen - set(stored))
    check(seen and not missing, f"Prometheus stored every series curl saw ({len(seen)})",
          f"{len(missing)} missing, e.g. {missing[:3]}")
    got = stored.get(("pinscope_operations_total", (("op", "pin"), ("path", "ordinary"))))
    check(pins is not None and got is not None and got >= pins,
          "Prometheus: pin operations stored, curl's count or more", f"Prometheus {got}, curl {pins}")


info = read("guest-info") or ""
check("pid1=systemd" in info, "systemd is PID 1", info[:200])
if not nonpv:
    check(rc("bpf-before-prog") == 0 and rc("bpf-before-link") == 0,
          "bpftool prog list, link list before pinscope first ran (systemd's own programs)",
          (rc("bpf-before-prog"), rc("bpf-before-link")))
check(rc("install") == 0 and "Setting up pinscope" in (read("install") or ""),
      "apt-get install ./pinscope.deb", (read("install") or "")[-300:])

if nonpv:
    check("guest_type=PV" not in info, "not a Xen PV guest", info[:200])
    p = props("show-nonpv")
    check(p.get("ActiveState") == "failed" and p.get("Result") == "exit-code" and p.get("ExecMainStatus") == "5",
          "enable --now outside a Xen PV guest: failed, exit 5", p)
    check(p.get("NRestarts") == "0", "no restart loop: NRestarts=0 20 s later (RestartSec=5s)", p)
    st = read("status") or ""
    check("not a Xen PV guest" in st and "status=5" in st,
          "systemctl status says why: 'not a Xen PV guest', status=5", st[-400:])
elif verdict:
    check("guest_type=PV" in info, "a Xen PV guest", info[:200])
    check(rc("require-wait") == 0, "live --require exact: active, /metrics served", read("require-wait"))
    check(rc("require-stop") == 0, "live --require exact: systemctl stop", read("require-stop"))
    verdict_exit("require", 4, r"^Verdict: inconclusive: --require not met", "live --require exact")
    nothing_attached("require-bpf", "live --require exact, after stop")
    j = verdict_exit("replay", 3, r"^Verdict: VIOLATED", "replay of a violation through the unit")
    check(re.search(r"^VIOLATION unlock-after-flush ", j, re.M), "replay: the VIOLATION line in the journal",
          j.splitlines()[-5:])
    check(read("guest.rc") is not None and read("guest.rc").strip() == "0", "the scenario ran to its end",
          read("guest.rc"))
elif fault:
    check("guest_type=PV" in info and re.search(r"^uname_r=\S+-pinscope-systemd$", info, re.M),
          "a Xen PV guest on the patched kernel with systemd's options (-pinscope-systemd)", info[:200])
    failed = set(re.findall(r"^(\S+\.\S+) +loaded failed", info, re.M))
    check(failed <= set(TINY_FAILED), "no failed unit but those the variant kernel explains",
          sorted(failed - set(TINY_FAILED)))
    for u in sorted(failed):
        print(f"info - failed at boot: {u}: {TINY_FAILED[u]}")
    check(rc("fault-param") == 0, "the kernel has the run-time switch xen_pin_fault", read("fault-param"))
    check(rc("fault-wait") == 0, f"live under {fault}: enabled unit started as shipped, /metrics served",
          read("fault-wait"))
    sb = dict(re.findall(r"^(\w+):\s*(\S+)", read("fault-sandbox") or "", re.M))
    check(sb.get("Seccomp") == "2" and sb.get("NoNewPrivs") == "1" and sb.get("CapEff")
          and int(sb["CapEff"], 16) == UNIT_CAPS,
          "the unit's sandbox in force: seccomp filter, no new privileges, exactly its 3 capabilities", sb)
    check((read("fault-fault-on") or "").strip() == fault and (read("fault-fault-off") or "").strip() == "none",
          f"xen_pin_fault switched to {fault} for the workload, then back to none",
          (read("fault-fault-on"), read("fault-fault-off")))
    check(rc("fault-workload") == 0, f"live under {fault}: the workload ran", (read("fault-workload") or "")[-200:])
    check(rc("fault-stop") == 0, f"live under {fault}: systemctl stop", read("fault-stop"))
    j = verdict_exit("fault", 3, r"^Verdict: VIOLATED", f"live under {fault}")
    rules = set(re.findall(r"^VIOLATION (\S+) ", j, re.M))
    check(rules == {FAULT_RULE[fault]}, f"live under {fault}: VIOLATION lines of {FAULT_RULE[fault]} only",
          rules or j.splitlines()[-5:])
    nothing_attached("fault-bpf", f"live under {fault}, after stop")

    ev = "/var/lib/pinscope/evidence"
    check(re.search(r"^ExecStart=\S+/pinscope --metrics 127\.0\.0\.1:9464 --evidence "
                    + re.escape(ev) + r"/\$\{INVOCATION_ID\}$", read("evidence-dropin") or "", re.M),
          "--evidence: the drop-in's ExecStart is the one the unit's comment gives", read("evidence-dropin"))
    check(rc("evidence-wait") == 0, f"--evidence under {fault}: started, /metrics served", read("evidence-wait"))
    j = verdict_exit("evidence", 3, r"^Verdict: VIOLATED", f"--evidence under {fault}")
    rules = set(re.findall(r"^VIOLATION (\S+) ", j, re.M))
    check(rules == {FAULT_RULE[fault]}, f"--evidence under {fault}: VIOLATION lines of {FAULT_RULE[fault]} only",
          rules or j.splitlines()[-5:])
    check(not re.search(r"^Failed to", j, re.M), f"--evidence under {fault}: no 'Failed to' in the journal",
          [line for line in j.splitlines() if line.startswith("Failed to")][:3])
    nothing_attached("evidence-bpf", f"--evidence under {fault}, after stop")
    ids = props("evidence-ids")
    check(rc("evidence-tar") == 0 and os.path.getsize(os.path.join(d, "evidence-tar")) > 0,
          "--evidence: the run's directory sent back (section evidence-tar)",
          f"rc {rc('evidence-tar')}, id {ids.get('evidence_id')!r}")
    # the next start, with the last run's directory (not empty) in place
    p = props("again-show")
    check(rc("again-start") == 0 and rc("again-wait") == 0 and rc("again-stop") == 0,
          "--evidence again, the last run's directory there: started, /metrics served, stopped",
          [rc(n) for n in ("again-start", "again-wait", "again-stop")] + [read("again-wait")])
    stopped("again-show", "--evidence again")
    one, two = ids.get("evidence_id"), ids.get("again_id")
    ls = read("evidence-ls") or ""
    modes = dict((m[3], (m[1], m[2])) for m in re.finditer(r"^(\S+) (\S+) (/\S+)$", ls, re.M))
    want = ["/var/lib/pinscope", ev, f"{ev}/{one}", f"{ev}/{two}"]
    check(one and two and one != two and set(modes) == set(want)
          and all(modes[k] == ("drwx------", "root") for k in want),
          "/var/lib/pinscope: a directory per run (both runs'), root's, 0700", ls)
    check(re.search(r"-rw------- .* index\.json", ls) and ls.count("index.json") == 2
          and re.search(r"-rw------- .* \d+-" + re.escape(FAULT_RULE[fault]) + r"\.trace", ls),
          "each run's index.json, the first one's snippets kept (0600: UMask=0077)", ls)
    check(read("guest.rc") is not None and read("guest.rc").strip() == "0", "the scenario ran to its end",
          read("guest.rc"))
else:
    check("guest_type=PV" in info, "a Xen PV guest", info[:200])
    check(rc("enable") == 0 and rc("start-wait") == 0, "systemctl enable --now pinscope: active, /metrics served",
          (read("enable") or "") + (read("start-wait") or ""))
    caps = re.search(r"^CapEff:\s*([0-9a-f]+)", read("caps") or "", re.M)
    check(caps and int(caps[1], 16) == UNIT_CAPS, "the running service has exactly CAP_BPF, CAP_PERFMON, CAP_SYSLOG",
          read("caps"))
    check(rc("workload") == 0, "the workload ran", (read("workload") or "")[-200:])
    m = re.search(r'^pinscope_operations_total\{op="pin",path="ordinary"\} (\d+)',
                  read("metrics") or "", re.M)
    check(rc("metrics") == 0 and m and int(m[1]) > 0, "curl /metrics: pin operations counted",
          m[0] if m else "no pinscope_operations_total{op=\"pin\",path=\"ordinary\"}")
    prometheus(read("metrics") or "", int(m[1]) if m else None)
    check(rc("stop") == 0, "systemctl stop pinscope", read("stop"))
    stopped("show-stop", "after stop")
    has_report("journal-stop", "stop")
    nothing_attached("bpf-after-stop", "after stop")

    ids = props("invocations")
    p = props("show-restart")
    check(rc("start") == 0 and rc("restart-wait") == 0 and rc("restart") == 0 and rc("restart-wait2") == 0,
          "systemctl start, then restart: /metrics served again each time",
          [rc(n) for n in ("start", "restart-wait", "restart", "restart-wait2")])
    check(p.get("ActiveState") == "active" and p.get("NRestarts") == "0" and ids.get("restart_old")
          and p.get("InvocationID") not in ("", None, ids.get("restart_old")),
          "restart: active, a new invocation, NRestarts=0", p)
    has_report("journal-restart", "restart (the old process)")

    p = props("show-upgrade")
    check(rc("upgrade") == 0 and "Setting up pinscope (" in (read("upgrade") or "")
          and "systemdtest1" in (read("version-upgrade") or ""),
          "apt-get install of the newer .deb over the running one", (read("upgrade") or "")[-300:])
    check(rc("upgrade-wait") == 0 and p.get("ActiveState") == "active"
          and ids.get("restart_new") and p.get("InvocationID") not in ("", None, ids.get("restart_new")),
          "upgrade: the running service restarted (a new invocation), active, /metrics served",
          f"{p}, before: {ids.get('restart_new')}")
    has_report("journal-upgrade", "upgrade (the old process)")

    p = props("show-remove")
    check(rc("remove") == 0 and "Removing pinscope" in (read("remove") or ""), "apt-get remove pinscope",
          (read("remove") or "")[-300:])
    check(p.get("ActiveState") == "inactive" and rc("ps-after-remove") == 1,
          "apt remove stops the service: inactive, no pinscope process (pidof)",
          f"{p}; pidof: rc {rc('ps-after-remove')} {read('ps-after-remove')!r}")
    has_report("journal-remove", "remove")
    nothing_attached("bpf-after-remove", "after remove")
    check(read("guest.rc") is not None and read("guest.rc").strip() == "0", "the scenario ran to its end",
          read("guest.rc"))

print(f"{npass} passed, {nfail} failed")
sys.exit(1 if nfail else 0)
