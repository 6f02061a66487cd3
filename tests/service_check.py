#!/usr/bin/env python3
"""What pinscope.service relies on, checked on the results of the guest's
metrics scenario (guest/init/metrics.sh): SIGTERM ends pinscope with its final
report and a verdict exit code; with only the unit's CapabilityBoundingSet it
attaches and judges operations; its live 0.0.4 output (--prometheus, a GET
/metrics) passes promtool check metrics; without any one of those capabilities
it fails with exit 1 (each is needed, and the bounding set really bounds); no
BPF program is left after the runs; scrapes while it ends (held after its
final snapshot) show no counter above its final report.
Usage: service_check.py RESULTS_DIR"""
import os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prom_check import parse_text  # noqa: E402

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
m = re.search(r'^pinscope_operations_total\{op="pin",path="ordinary"\} (\d+)$', u, re.M)
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
# the final report and the last scrape agree: held after the final snapshot,
# pinscope serves nothing newer than it (counters only: gauges may fall)
COUNTER = re.compile(r"_(total|bucket|count|sum)$")


def above(final, scrape):
    """the counter samples of scrape above (or missing from) the final report"""
    return [f"{k[0]}{dict(k[1])}: scraped {v}, final {final.get(k)}"
            for k, v in sorted(parse_text(scrape).items())
            if COUNTER.search(k[0]) and (k not in final or v > final[k] + 1e-9)]


final = parse_text(read("shutdown") or "")
check(rc("shutdown") in (0, 3, 4) and final, "shutdown: the final --prometheus report, a verdict exit",
      f"exit {rc('shutdown')}: {(read('shutdown-stderr') or '')[-300:]}")
check(rc("shutdown-held") == 0, "shutdown: pinscope held after its final snapshot (in openat of "
      "the --html FIFO)", read("shutdown-held") or "no section")
before = read("shutdown-before") or ""
check(rc("shutdown-before") == 0 and final and not above(final, before),
      "shutdown: a scrape before SIGTERM is at most the final report",
      f"wget exit {rc('shutdown-before')}; " + "; ".join(above(final, before)[:3]))
served = 0
for n in (1, 2, 3):
    sect = f"shutdown-scrape-{n}"
    if rc(sect) != 0:
        continue
    served += 1
    high = above(final, read(sect) or "")
    check(final and not high, f"shutdown: scrape {n} after the final snapshot is at most the "
          "final report", "; ".join(high[:3]))
print(f"     shutdown: {served} of 3 scrapes after the final snapshot answered "
      "(0: the server stopped before the snapshot)")

progs = read("bpf-after")
left = [l for l in (progs or "").splitlines() if re.match(r"^\d+:", l)]
check(progs is not None and not left, "no BPF programs left after the runs", "; ".join(left[:3]))
sys.exit(1 if bad else 0)
