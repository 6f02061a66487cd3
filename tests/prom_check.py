#!/usr/bin/env python3
"""Compare pinscope's metrics with its own JSON report (docs/metrics.md).

  prom_check.py text REPORT.json METRICS.prom
      the 0.0.4 text of --prometheus against the JSON of the same replay
  prom_check.py scrape --target HOST:PORT REPORT.json -- CMD...
      start Debian's Prometheus (1 s scrapes of HOST:PORT, its own temporary
      data dir, a free port on 127.0.0.1), run CMD (pinscope serving
      --metrics, then writing REPORT.json), then check through the HTTP API
      (/api/v1/query) at the time of the last scrape: up is 1, the series
      equal the report, histogram_quantile(0.9) is within one bucket of p90.
      Prometheus is stopped afterwards.  Exit 0 ok, 1 mismatch or failure.
  prom_check.py free-port
      print a TCP port of 127.0.0.1 free now (tests pick theirs at run time)
"""
import json, math, os, re, shutil, socket, subprocess, sys, tempfile, time
import urllib.parse, urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"')


def key(name, labels):
    return (name, tuple(sorted(labels.items())))


def parse_text(text):
    out = {}
    for line in text.splitlines():
        if line.startswith('#') or not line:
            continue
        m = SAMPLE.match(line)
        if not m:
            raise SystemExit(f"unparsable sample line: {line!r}")
        out[key(m[1], dict(LABEL.findall(m[2] or '')))] = float(m[3])
    return out


def expected(rep):
    """(name, labels) -> value, from the JSON report"""
    want = {}
    for op, k in (("pin", "pins"), ("unpin", "unpins")):
        for path in ("ordinary", "suspend"):
            want[key("pinscope_operations_total", {"op": op, "path": path})] = \
                rep["ops"]["by_path"][path][k]
        for path in ("ordinary", "suspend"):   # each path's holds, a series of its own
            h = rep["holds"]["by_path"][path][op]
            lab = {"op": op, "path": path}
            want[key("pinscope_split_lock_hold_seconds_count", lab)] = h["count"]
            want[key("pinscope_split_lock_hold_seconds_sum", lab)] = h["sum_ns"] / 1e9
            # a bucket le=2^i-1 ns holds the JSON buckets below 2^i ns
            for i in (8, 12, 16, 20):
                n = sum(b["count"] for b in h["buckets"] if b["to_ns"] < 2 ** i)
                le = f"{(2 ** i - 1) // 10**9}.{(2 ** i - 1) % 10**9:09d}"
                want[key("pinscope_split_lock_hold_seconds_bucket", dict(lab, le=le))] = n
    for path in ("ordinary", "suspend"):
        lm = rep["ops"]["by_path"][path]["locks_held_max"]
        want[key("pinscope_locks_held_max", {"path": path})] = max(map(int, lm), default=0)
    for rule, v in rep["invariants"].items():
        want[key("pinscope_invariant_checks_total", {"rule": rule})] = v["checked"]
        want[key("pinscope_invariant_violations_total", {"rule": rule})] = v["violated"]
    for r, n in rep["flushes"]["reasons"].items():
        want[key("pinscope_multicall_flushes_total", {"reason": r})] = n
    for what in ("ringbuf", "held_full", "procs_full", "unmatched_unlock", "bad_cpu", "ops_cut"):
        want[key("pinscope_lost_total", {"what": what})] = rep["lost"][what]
    return want


# multicall flushes happen outside pin/unpin too (any batched page table
# update): live, they go on after the workload, so a scrape may be behind
GROWING = ("pinscope_multicall_flushes_total",)


def compare(want, got, live=False):
    bad = 0
    for k, v in sorted(want.items()):
        g = got.get(k)
        if live and k[0] in GROWING and g is not None and g <= v:
            continue
        if g is None or not math.isclose(g, v, rel_tol=1e-9, abs_tol=1e-9):
            print(f"FAIL {k[0]}{dict(k[1])}: metrics {g}, JSON report {v}")
            bad += 1
    print(f"{len(want) - bad} of {len(want)} series equal the JSON report"
          f"{' (flush counters: at most)' if live else ''}")
    return bad


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Prometheus:
    def __init__(self, target):
        self.dir = tempfile.mkdtemp(prefix="pinscope-prom.")
        self.port = free_port()
        with open(f"{self.dir}/prometheus.yml", "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: pinscope\n"
                    f"    static_configs:\n      - targets: ['{target}']\n")
        self.log = open(f"{self.dir}/log", "w")
        self.proc = subprocess.Popen(
            ["prometheus", f"--config.file={self.dir}/prometheus.yml",
             f"--storage.tsdb.path={self.dir}/data",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.5)
        self.stop(show_log=True)
        raise SystemExit("Failed to start Prometheus (log above)")

    def query(self, q, t=None):
        args = {"query": q}
        if t is not None:
            args["time"] = repr(t)
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode(args)
        d = json.load(urllib.request.urlopen(url, timeout=10))
        if d["status"] != "success":
            raise SystemExit(f"query {q} failed: {d}")
        return d["data"]

    def stop(self, show_log=False):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        if show_log:
            sys.stdout.write(open(f"{self.dir}/log").read()[-3000:])
        shutil.rmtree(self.dir, ignore_errors=True)


def bucket(ns):
    """pinscope's log2 bucket of a value in ns"""
    return max(int(ns), 1).bit_length() - 1


def check_scrape(prom, rep):
    # the time of the last successful scrape: after it the target went away
    d = prom.query('up{job="pinscope"}[1h]')
    times = [float(t) for r in d["result"] for t, v in r["values"] if v == "1"]
    if not times:
        print("FAIL Prometheus never scraped pinscope (up was never 1)")
        return 1
    t = max(times)
    print(f"{len(times)} successful scrapes; checking the last one")
    got = {}
    for r in prom.query('{__name__=~"pinscope_.*|up"}', t)["result"]:
        m = dict(r["metric"])
        name = m.pop("__name__")
        m.pop("job", None)
        m.pop("instance", None)
        got[key(name, m)] = float(r["value"][1])
    bad = 0
    if got.get(key("up", {})) != 1.0:
        print(f"FAIL up is {got.get(key('up', {}))} at the last scrape")
        bad += 1
    bad += compare(expected(rep), got, live=True)
    for op in ("pin", "unpin"):
        h = rep["holds"][op]
        if not h["count"]:
            continue
        # every path's holds: the sum over the path label (docs/metrics.md)
        q = prom.query(f'histogram_quantile(0.9, sum without (path) '
                       f'(pinscope_split_lock_hold_seconds_bucket{{op="{op}"}}))', t)["result"]
        p90 = float(q[0]["value"][1]) * 1e9 if q else float("nan")
        ok = not math.isnan(p90) and abs(bucket(p90) - bucket(h["p90_ns"])) <= 1
        print(f"{'ok  ' if ok else 'FAIL'} {op}: histogram_quantile(0.9) = {p90:.0f} ns, "
              f"pinscope p90 = {h['p90_ns']} ns")
        bad += not ok
    return bad


def main():
    if sys.argv[1:] == ["free-port"]:
        print(free_port())
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "text":
        rep = json.load(open(sys.argv[2]))
        return 1 if compare(expected(rep), parse_text(open(sys.argv[3]).read())) else 0
    if len(sys.argv) > 5 and sys.argv[1:3] == ["scrape", "--target"] and sys.argv[5] == "--":
        target, report, cmd = sys.argv[3], sys.argv[4], sys.argv[6:]
        prom = Prometheus(target)
        try:
            rc = subprocess.call(cmd)
            if rc:
                print(f"FAIL {' '.join(cmd)}: exit {rc}")
                return 1
            return 1 if check_scrape(prom, json.load(open(report))) else 0
        finally:
            prom.stop()
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
