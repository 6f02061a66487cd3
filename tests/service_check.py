#!/usr/bin/env python3
"""What pinscope.service relies on, checked on the results of the guest's
metrics scenario (guest/init/metrics.sh): SIGTERM ends pinscope with its final
report and a verdict exit code; with only the unit's CapabilityBoundingSet it
attaches and judges operations; its live 0.0.4 output (--prometheus, a GET
/metrics) passes promtool check metrics; without any one of those capabilities
it fails with exit 1 (each is needed, and the bounding set really bounds); no
BPF program is left after the runs.
Usage: service_check.py RESULTS_DIR"""
import os, re, subprocess, sys

d = sys.argv[1]
bad = 0


def read(name):
    p = os.path.join(d, name)
    return open(p).read() if os.path.exists(p) else None


def rc(name):
    s = read(name + ".rc")
    return int(s) if s and s.strip().lstrip("-").isdigit() else None


def check(ok, what, detail=""):
    global bad
    print(f"{'ok  ' if ok else 'FAIL'} {what}{'' if ok else ': ' + detail}")
    bad += not ok


check(rc("metrics-ndjson") in (0, 3, 4), "SIGTERM: pinscope --metrics exits with a verdict",
      f"exit {rc('metrics-ndjson')}")
u = read("unit-caps") or ""
m = re.search(r'^pinscope_operations_total\{op="pin"\} (\d+)$', u, re.M)
check(rc("unit-caps") in (0, 3) and m and int(m[1]) > 0,
      "with only the unit's capabilities: attached, operations judged",
      f"exit {rc('unit-caps')}: {(read('unit-caps-stderr') or '')[-300:]}")
# live output in the 0.0.4 format: the final --prometheus report, a GET
for sect in ("unit-caps", "metrics-get"):
    p = subprocess.run(["promtool", "check", "metrics"], input=read(sect) or "",
                       capture_output=True, text=True)
    check(bool(read(sect)) and p.returncode == 0, f"promtool check metrics: live {sect}",
          (p.stdout + p.stderr)[-300:])
unit = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools",
                         "pinscope.service.in")).read()
caps = re.search(r"^CapabilityBoundingSet=(.*)$", unit, re.M)[1].split()
for cap in caps:
    sect = f"unit-caps-no-{cap}"
    check(rc(sect) == 1, f"without {cap}: exit 1 (the unit needs it)",
          f"exit {rc(sect)}: {(read(sect + '-stderr') or '')[-200:]}")
progs = read("bpf-after")
left = [l for l in (progs or "").splitlines() if re.match(r"^\d+:", l)]
check(progs is not None and not left, "no BPF programs left after the runs", "; ".join(left[:3]))
sys.exit(1 if bad else 0)
