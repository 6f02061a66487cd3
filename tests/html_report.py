#!/usr/bin/env python3
"""`pinscope replay --html`: the page renders in headless Chromium, is not blank, fetches
nothing, and the numbers of its DOM are those of the JSON report of the same run.

Usage: tests/html_report.py PINSCOPE [--keep DIR] [TRACE...]   (as root; needs chromium)
       tests/html_report.py --page PAGE --json JSON [--keep DIR]  (a page and its run's JSON)
"""
import html.parser, json, lzma, os, shutil, struct, subprocess, sys, tempfile, zlib

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--hide-scrollbars"]
WIDTH, HEIGHT = 1200, 1500


def chromium(args, profile):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("tests/html_report.py: chromium not found: run 'make deps' (tools/deps.sh installs it)")
    return subprocess.run([exe] + CHROMIUM[1:] + [f"--user-data-dir={profile}"] + args,
                          capture_output=True, timeout=180)


def png_pixels(path):
    """RGB(A) rows of a non-interlaced 8-bit PNG: a tiny decoder (zlib + the 5 filters)"""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and not interlace, f"PNG type {ctype}/{depth}"
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    prev, rows = bytearray(stride), []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                line[i] = (line[i] + ((line[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


class Dom(html.parser.HTMLParser):
    """Elements with an id or data- attributes; the tags used"""
    def __init__(self):
        super().__init__()
        self.ids, self.slices, self.tags, self.refs = {}, [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        self.refs += [v for k, v in attrs if k in ("src", "href") or "url(" in (v or "")]
        if "id" in a:
            self.ids[a["id"]] = a
        if a.get("class") == "slice":
            self.slices.append(a)


def check(trace, pinscope, tmp, errs, keep):
    name = os.path.basename(trace)
    src = trace
    if trace.endswith(".xz"):
        src = os.path.join(tmp, name[:-3])
        with lzma.open(trace) as i, open(src, "wb") as o:
            shutil.copyfileobj(i, o)
    page = os.path.join(tmp, name + ".html")
    evdir = os.path.join(tmp, name + ".evidence")
    r = subprocess.run([pinscope, "replay", "-j", "--html", page, "--evidence", evdir, src],
                       capture_output=True)
    d = json.loads(r.stdout)
    if r.returncode != d["exit_code"]:
        errs.append(f"{name}: exit {r.returncode}, JSON says {d['exit_code']}")
    d["evidence_index"] = json.load(open(os.path.join(evdir, "index.json")))
    check_page(name, page, d, tmp, errs, keep)


def check_page(name, page, d, tmp, errs, keep):
    """the page against the JSON document d of the same run"""
    need = lambda ok, what: ok or errs.append(f"{name}: {what}")
    if not page.endswith(".html"):      # Chromium renders file:// pages by their suffix
        shutil.copy(page, os.path.join(tmp, name + ".html"))
        page = os.path.join(tmp, name + ".html")
    text = open(page).read()
    need("<script" not in text.lower(), "the page has a script")

    dom_out = chromium(["--dump-dom", "file://" + page], os.path.join(tmp, "profile"))
    dom = Dom()
    dom.feed(dom_out.stdout.decode())
    need("svg" in dom.tags and "table" in dom.tags, f"rendered DOM lacks svg/table: {dom.tags}")
    need(not dom.refs, f"the page refers to other resources: {dom.refs[:3]}")
    ids = dom.ids

    def same(elid, attr, want):
        got = ids.get(elid, {}).get(attr)
        need(got is not None and got == str(want), f"#{elid} {attr}={got}, JSON {want}")

    same("verdict", "data-exit-code", d["exit_code"])
    same("verdict", "data-violations", d["violations_total"])
    same("violations", "data-total", d["violations_total"])
    same("meta", "data-events", d["events"])
    same("meta", "data-duration-ns", d["duration_ns"])
    hists = [("holds-pin", d["holds"]["pin"]), ("holds-unpin", d["holds"]["unpin"]),
             ("ops-pin-time", d["ops"]["pin_time"]), ("ops-unpin-time", d["ops"]["unpin_time"])]
    if "latency" in d["flushes"]:
        hists.append(("flush-latency", d["flushes"]["latency"]))
    # each path's holds, once the suspend path was seen (docs/views.md)
    bp = d["holds"]["by_path"]
    need("holds-path" in ids, "no #holds-path")
    if d["ops"]["by_path"]["suspend"]["pins"] + d["ops"]["by_path"]["suspend"]["unpins"] + \
            bp["suspend"]["pin"]["count"] + bp["suspend"]["unpin"]["count"]:
        hists += [(f"holds-{p}-{k}", bp[p][k]) for p in ("ordinary", "suspend")
                  for k in ("pin", "unpin")]
    else:
        need("holds-suspend-pin" not in ids, "#holds-suspend-pin without the suspend path")
    for elid, h in hists:
        for k in ("count", "sum_ns", "max_ns", "p50_ns", "p90_ns", "p99_ns", "below_resolution"):
            same(elid, "data-" + k.replace("_", "-"), h[k])
    if d["holds"]["pin"]["resolution_ns"] > 1:
        same("clock", "data-resolution-ns", d["holds"]["pin"]["resolution_ns"])
    for rule, v in d["invariants"].items():
        same("inv-" + rule, "data-checked", v["checked"])
        same("inv-" + rule, "data-violated", v["violated"])
        same("inv-" + rule, "data-coverage", v["coverage"])
    same("flushes", "data-count", d["flushes"]["count"])
    for reason, n in d["flushes"]["reasons"].items():
        same("flush-reason-" + reason, "data-count", n)
    same("ops", "data-pins", d["ops"]["pins"])
    same("ops", "data-unpins", d["ops"]["unpins"])
    for rule, s in d["violation_summary"].items():
        same("vsum-" + rule, "data-violations", s["violations"])
        same("vsum-" + rule, "data-records", s["records"])
    need(len([i for i in ids if i.startswith("vsum-")]) == len(d["violation_summary"]),
         "one violation summary per violated rule")
    for k, v in d["lost"].items():
        if "lost-" + k in ids:
            same("lost-" + k, "data-count", v)
    # issue 26: the verdict line, the coverage next to the badge, the violations listed
    # with their lines, the snippets of --evidence drawn
    j = d["judged"]
    same("coverage", "data-rules-checked", j["rules_exact"] + j["rules_approx"])
    need("verdict-line" in ids, "no verdict line")
    need(f">Verdict: {'VIOLATED' if d['verdict'] == 'violated' else d['verdict']}:" in text,
         "the verdict line's text")
    if d["violations"]:
        same("violation-list", "data-listed", min(100, len(d["violations"])))
    if "evidence_index" in d:
        same("evidence", "data-snippets", len(d["evidence_index"]["evidence"]))
        for i, e in enumerate(d["evidence_index"]["evidence"]):
            same(f"evidence-{i + 1}", "data-events", e["events"])
            same(f"evidence-{i + 1}", "data-rule", e["invariant"])
    # the time slices add up to the totals: nothing lost by slicing and merging
    sl = dom.slices
    need(len(sl) == int(ids.get("slices", {}).get("data-slices", -1)), "slice count")
    for attr, want in (("data-pins", d["ops"]["pins"]), ("data-unpins", d["ops"]["unpins"]),
                       ("data-flushes", d["flushes"]["count"]),
                       ("data-violations", d["violations_total"]),
                       ("data-holds", d["holds"]["pin"]["count"] + d["holds"]["unpin"]["count"])):
        need(sum(int(s[attr]) for s in sl) == want, f"slices: sum of {attr} != {want}")

    png = os.path.join(keep or tmp, name + ".png")
    shot = chromium([f"--screenshot={png}", f"--window-size={WIDTH},{HEIGHT}", "file://" + page],
                    os.path.join(tmp, "profile"))
    if not os.path.exists(png):
        need(False, f"no screenshot: chromium exit {shot.returncode}: "
                    f"{shot.stderr.decode(errors='replace')[-300:]}")
        return
    w, h, bpp, rows = png_pixels(png)
    ink = blue = 0
    for row in rows:
        for i in range(0, len(row), bpp):
            r, g, b = row[i], row[i + 1], row[i + 2]
            ink += r + g + b < 600
            blue += abs(r - 0x3b) < 24 and abs(g - 0x6f) < 24 and abs(b - 0xb6) < 24
    need((w, h) == (WIDTH, HEIGHT), f"screenshot {w}x{h}")
    need(ink > 0.02 * w * h, f"screenshot nearly blank: {ink} dark pixels of {w * h}")
    need(blue > 500, f"screenshot: {blue} pixels of the histogram bars' colour")
    print(f"{'ok  ' if not errs else 'FAIL'} {name}: {len(ids)} elements with ids, "
          f"{len(sl)} time slices, screenshot {100.0 * ink / (w * h):.1f} % ink, {blue} bar pixels")


def opt(args, name):
    if name not in args:
        return None
    i = args.index(name)
    v = args[i + 1]
    del args[i:i + 2]
    return v


def main():
    args = sys.argv[1:]
    keep, page, jpath = opt(args, "--keep"), opt(args, "--page"), opt(args, "--json")
    if page:        # a page written elsewhere (live, in a guest) and its run's JSON
        errs = []
        with tempfile.TemporaryDirectory() as tmp:
            check_page(os.path.basename(page), page, json.load(open(jpath)), tmp, errs, keep)
        for e in errs:
            print("     | " + e)
        return 1 if errs else 0
    pinscope = os.path.abspath(args[0])
    here = os.path.dirname(os.path.abspath(__file__))
    traces = args[1:] or [os.path.join(here, "data", f) for f in
                          ("patched-6.1-early_unlock.trace", "debian-6.1-xen-4.17-workload.trace.xz",
                           "patched-6.1-live-save-restore.trace.xz")]
    errs = []
    with tempfile.TemporaryDirectory() as tmp:
        for t in traces:
            before = len(errs)
            check(t, pinscope, tmp, errs, keep)
            for e in errs[before:]:
                print("     | " + e)
    print(f"html: {len(traces)} pages checked, {len(errs)} problems")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
