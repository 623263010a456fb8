#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Turn dupg-bench's JSON lines into bench/RESULTS.md and a cost plot (SVG, gnuplot).

    report.py --results results.jsonl [--durations FILE] --markdown OUT.md --plot OUT.svg
              [--notes bench/notes.md] [--command "make bench"]
"""
import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.0f GiB" % (kb / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    cc = os.environ.get("CC", "cc").split()[0]
    libs = ", ".join("%s %s" % (p, v) for p, v in
                     ((p, sh(["pkg-config", "--modversion", p])) for p in
                      ("libarchive", "libxxhash", "json-c", "zlib", "libzstd")) if v)
    return [
        ("CPU", "%s, %d cores" % (model or platform.processor() or "?", os.cpu_count() or 0)),
        ("Memory", mem or "?"),
        ("System", "%s %s" % (platform.system(), platform.release())),
        ("Compiler", (sh([cc, "--version"]).splitlines() or ["?"])[0] + ", -O2 (configure's default CFLAGS)"),
        ("Libraries", libs),
    ]


def num(v, digits=3):
    """A figure with `digits` significant digits, thousands separated."""
    if v is None:
        return "n/a"
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 10 ** digits:
        return "{:,.0f}".format(v)
    decimals = max(0, digits - 1 - int(("%e" % a).split("e")[1]))
    return "{:,.{}f}".format(v, decimals)


def size(v):
    if v >= 1000 and v % 1000 == 0:
        for exp in range(12, 2, -1):
            if v % (10 ** exp) == 0:
                m = v // (10 ** exp)
                return "%de%d" % (m, exp) if m != 1 else "1e%d" % exp
    return "{:,}".format(v)


def mb(kb):
    return "%s MB" % num(kb / 1024.0) if kb is not None else "n/a"


def ratio(v):
    return "%s×" % num(v) if v is not None else "n/a"


def sampled(row, text):
    if row.get("naive_sampled"):
        return text + " *"
    return text


def met(row):
    if row.get("target_met") is None:
        return ""
    return "yes" if row["target_met"] else "**no**"


def table(rows, cols):
    out = ["| " + " | ".join(c[0] for c in cols) + " |",
           "|" + "|".join("---:" if c[2] else "---" for c in cols) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c[1](r) for c in cols) + " |")
    return "\n".join(out)


def tables(rows):
    by = lambda b, v=None: [r for r in rows if r["bench"] == b and (v is None or r.get("variant") == v)]
    parts = []

    match = by("match")
    if match:
        parts.append(("match: dupg_match, one site at a time (item: a (site, hardware type) pair)", table(match, [
            ("sites N", lambda r: size(r["size"]), True),
            ("packages M", lambda r: size(r["packages"]), True),
            ("pairs", lambda r: "{:,}".format(r["items"]), True),
            ("ns/pair", lambda r: num(r["ns_per_item"]), True),
            ("pairs/s", lambda r: num(r["items_per_s"]), True),
            ("naive ns/pair", lambda r: sampled(r, num(r["naive_ns_per_item"])), True),
            ("vs naive", lambda r: ratio(r["ratio_naive"]), True),
            ("limit ns/pair", lambda r: num(r["limit_ns_per_item"]), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("index build", lambda r: "%s ms" % num(r["index_ms"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
            ("target met", met, False),
        ])))
    comp = by("prune", "compute")
    if comp:
        parts.append(("prune, compute: dupg_prune_compute (item: an entry of the second list)", table(comp, [
            ("entries", lambda r: size(r["size"]), True),
            ("types", lambda r: "{:,}".format(r["types"]), True),
            ("deletable", lambda r: "{:,}".format(r["deletable"]), True),
            ("time", lambda r: "%s ms" % num(r["total_ms"]), True),
            ("ns/entry", lambda r: num(r["ns_per_item"]), True),
            ("naive ns/entry", lambda r: sampled(r, num(r["naive_ns_per_item"])), True),
            ("vs naive", lambda r: ratio(r["ratio_naive"]), True),
            ("limit ns/entry", lambda r: num(r["limit_ns_per_item"]), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("list build", lambda r: "%s ms" % num(r["list_build_ms"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
            ("target met", met, False),
        ])))
    store = by("prune", "store")
    if store:
        parts.append(("prune, store: dupg_store_prune applied, with fsync, to a store of real packages", table(store, [
            ("entries", lambda r: size(r["size"]), True),
            ("deletable", lambda r: "{:,}".format(r["deletable"]), True),
            ("apply", lambda r: "%s ms" % num(r["total_ms"]), True),
            ("µs/entry", lambda r: num(r["ns_per_item"] / 1000), True),
            ("limit", lambda r: "%s ms" % num(r["limit_ns_per_item"] * r["items"] / 1e6), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("store open", lambda r: "%s ms" % num(r["open_ms"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
        ])))
    merge = by("merge")
    if merge:
        parts.append(("merge: dupg_merge of one site (item: a device)", table(merge, [
            ("devices", lambda r: size(r["size"]), True),
            ("time", lambda r: "%s ms" % num(r["total_ms"]), True),
            ("ns/device", lambda r: num(r["ns_per_item"]), True),
            ("naive ns/device", lambda r: num(r["naive_ns_per_item"]), True),
            ("vs naive", lambda r: ratio(r["ratio_naive"]), True),
            ("limit ns/device", lambda r: num(r["limit_ns_per_item"]), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
        ])))
    vc = by("vercmp")
    if vc:
        parts.append(("vercmp: dupg_vercmp (item: a comparison)", table(vc, [
            ("comparisons", lambda r: size(r["size"]), True),
            ("ns/comparison", lambda r: num(r["ns_per_item"]), True),
            ("comparisons/s", lambda r: num(r["items_per_s"]), True),
            ("strcmp ns", lambda r: num(r["limit_ns_per_item"]), True),
            ("vs strcmp", lambda r: ratio(r["ratio_limit"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
            ("target met", met, False),
        ])))
    man = by("verify")
    if man:
        man_rows = [r for r in man if r["op"] == "manifest"]
        ver_rows = [r for r in man if r["op"] == "verify"]
        sig_rows = [r for r in man if r["op"] == "sigcheck"]
        parts.append(("verify, manifest: dupg_package_read_manifest_ext, the signature checked (item: one read)", table(man_rows, [
            ("payload", lambda r: "%s MB" % num(r["size"] / 1e6), True),
            ("format", lambda r: r["format"], False),
            ("archive", lambda r: "%s MB" % num(r["archive_bytes"] / 1e6), True),
            ("read", lambda r: "%s µs" % num(r["ns_per_item"] / 1000), True),
            ("limit: first entry", lambda r: "%s µs" % num(r["limit_ns_per_item"] / 1000), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
            ("target met", met, False),
        ])))
        parts.append(("verify, signature: dupg_trust_check alone (item: one check)", table(sig_rows, [
            ("payload", lambda r: "%s MB" % num(r["size"] / 1e6), True),
            ("format", lambda r: r["format"], False),
            ("check", lambda r: "%s µs" % num(r["ns_per_item"] / 1000), True),
            ("limit: one EVP_DigestVerify", lambda r: "%s µs" % num(r["limit_ns_per_item"] / 1000), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("target met", met, False),
        ])))
        parts.append(("verify, full: dupg_package_verify_ext under a trust store, SHA-256 included (item: a payload byte)", table(ver_rows, [
            ("payload", lambda r: "%s MB" % num(r["size"] / 1e6), True),
            ("format", lambda r: r["format"], False),
            ("time", lambda r: "%s ms" % num(r["total_ms"]), True),
            ("MB/s", lambda r: num(r["mb_per_s"]), True),
            ("limit: decompress + SHA-256 MB/s", lambda r: num(r["limit_mb_per_s"]), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
            ("target met", met, False),
        ])))
    group = by("txn", "group")
    if group:
        parts.append(("txn, group: the coordinator on instant devices, a linked group of 4 sites "
                      "(item: an event; every action is answered at once)", table(group, [
            ("devices", lambda r: size(r["size"]), True),
            ("events", lambda r: "{:,}".format(r["events"]), True),
            ("ns/event", lambda r: num(r["ns_per_item"]), True),
            ("of which setup, ns/device", lambda r: num(r["new_ns_per_device"]), True),
            ("limit ns/event", lambda r: num(r["limit_ns_per_item"]), True),
            ("vs limit", lambda r: ratio(r["ratio_limit"]), True),
            ("with journal ns/event", lambda r: num(r["journal_ns_per_item"]), True),
            ("vs limit", lambda r: ratio(r["journal_ratio_limit"]), True),
            ("journal B/event", lambda r: num(r["journal_bytes_per_event"]), True),
            ("allocations after 10%", lambda r: "n/a" if r["steady_allocations"] is None else
             "%d / %d" % (r["steady_allocations"], r["journal_steady_allocations"]), True),
            ("peak RSS", lambda r: mb(r["peak_rss_kb"]), True),
            ("target met", met, False),
        ])))
    big = [r for r in rows if r["bench"] == "txn" and r.get("variant") in ("site", "cascade")]
    if big:
        parts.append(("txn, site and cascade: built, planned and run through the transaction "
                      "(with its journal in memory) on instant devices", table(big, [
            ("shape", lambda r: r["variant"], False),
            ("devices", lambda r: size(r["size"]), True),
            ("depth", lambda r: "{:,}".format(r["depth"]), True),
            ("topology", lambda r: "%s ms" % num(r["build_ms"]), True),
            ("plan", lambda r: "%s ms" % num(r["plan_ms"]), True),
            ("run", lambda r: "%s ms" % num(r["run_ms"]), True),
            ("journal writes", lambda r: "{:,}".format(r["journal_writes"]), True),
            ("plan + run, ns/device", lambda r: num(r["ns_per_item"]), True),
            ("plain walk, ns/device", lambda r: num(r["limit_ns_per_item"]), True),
            ("peak RSS: topology / +plan / +txn", lambda r: "%s / %s / %s" % (
                mb(r["rss_topology_kb"]), mb(r["rss_plan_kb"]), mb(r["rss_txn_kb"])), False),
            ("walk peak RSS", lambda r: mb(r["limit_peak_rss_kb"]), True),
        ])))
    sim = [r for r in rows if r["bench"] == "txn" and r.get("variant") in ("sim-site", "sim-cascade")]
    if sim:
        parts.append(("txn, sim-site and sim-cascade: the same trees through `dupg-sim run` (a "
                      "one-site recipe, every device upgraded: store, plan, transaction with its "
                      "journal file, simulated devices, report)", table(sim, [
            ("shape", lambda r: r["variant"], False),
            ("devices", lambda r: size(r["size"]), True),
            ("depth", lambda r: "{:,}".format(r["depth"]), True),
            ("simulated run", lambda r: "%s ms" % num(r["sim_ms"]), True),
            ("ns/device", lambda r: num(r["ns_per_item"]), True),
            ("plain walk, ns/device", lambda r: num(r["limit_ns_per_item"]), True),
            ("peak RSS", lambda r: mb(r["sim_peak_rss_kb"]), True),
            ("walk peak RSS", lambda r: mb(r["limit_peak_rss_kb"]), True),
        ])))
    parts += server_tables(rows)
    return parts


def rate(f):
    """requests/s of one wrk figure."""
    return f["requests"] / (f["duration_us"] / 1e6) if f and f.get("duration_us") else None


def mbps(f):
    return f["bytes"] / 1e6 / (f["duration_us"] / 1e6) if f and f.get("duration_us") else None


def server_tables(rows):
    parts = []
    srv = lambda v: next((r for r in rows if r["bench"] == "server" and r.get("variant") == v), None)
    d = srv("description")
    if d:
        items = [("POST /v1/sites/SITE/description (random sites, random descriptions)", d["description"]),
                 ("GET /v1/health (the cheapest endpoint: the limit)", d["limit"])]
        parts.append(("server, sessions: %s connections on loopback, %s sites, %s packages, %s s each (wrk)"
                      % ("{:,}".format(d["connections"]), "{:,}".format(d["sites"]), "{:,}".format(d["packages"]),
                         d["seconds"]), table(items, [
            ("endpoint", lambda r: r[0], False),
            ("requests", lambda r: "{:,}".format(r[1]["requests"]), True),
            ("requests/s", lambda r: num(rate(r[1])), True),
            ("p50", lambda r: "%s ms" % num(r[1]["p50_us"] / 1000), True),
            ("p99", lambda r: "%s ms" % num(r[1]["p99_us"] / 1000), True),
            ("errors", lambda r: "{:,}".format(r[1]["errors"]), True),
        ])))
    st = srv("status")
    if st:
        parts.append(("server, status writes: each acknowledged once committed and synced (%s)" % st["durability"],
                      table([st], [
            ("connections", lambda r: "{:,}".format(r["connections"]), True),
            ("writes", lambda r: "{:,}".format(r["status"]["requests"]), True),
            ("writes/s", lambda r: num(rate(r["status"])), True),
            ("p50", lambda r: "%s ms" % num(r["status"]["p50_us"] / 1000), True),
            ("p99", lambda r: "%s ms" % num(r["status"]["p99_us"] / 1000), True),
            ("errors", lambda r: "{:,}".format(r["status"]["errors"]), True),
        ])))
    f = srv("files")
    if f:
        items = [("dupg-server", f["server"])] + ([("nginx (sendfile)", f["nginx"])] if f.get("nginx") else [])
        parts.append(("server, package files: a %s MB package, %s connections, %s s (wrk)"
                      % (f["package_mb"], f["connections"], f["seconds"]), table(items, [
            ("server", lambda r: r[0], False),
            ("downloads", lambda r: "{:,}".format(r[1]["requests"]), True),
            ("MB/s", lambda r: num(mbps(r[1])), True),
            ("p50", lambda r: "%s ms" % num(r[1]["p50_us"] / 1000), True),
            ("p99", lambda r: "%s ms" % num(r[1]["p99_us"] / 1000), True),
            ("errors", lambda r: "{:,}".format(r[1]["errors"]), True),
        ])))
    return parts


def server_targets(rows, one):
    srv = lambda v: next((r for r in rows if r["bench"] == "server" and r.get("variant") == v), None)
    d = srv("description")
    x = d and rate(d["description"]) / rate(d["limit"])
    one("server: descriptions at ≥ 0.5× the cheapest endpoint's requests/s (1,000 sessions, 1e4 packages)", d,
        x is not None and x >= 0.5, d and "%s× (%s against %s requests/s)" % (num(x), num(rate(d["description"])),
                                                                              num(rate(d["limit"]))))
    f = srv("files")
    y = f and f.get("nginx") and mbps(f["server"]) / mbps(f["nginx"])
    one("server: 100 MB packages at ≥ 0.8× nginx's throughput", f if f and f.get("nginx") else None,
        y is not None and y >= 0.8, y and "%s× (%s against %s MB/s)" % (num(y), num(mbps(f["server"])),
                                                                        num(mbps(f["nginx"]))))
    st = srv("status")
    one("server: status writes, durable (figure only)", st, st is not None,
        st and "%s writes/s" % num(rate(st["status"])))


def fetch_targets(rows, one):
    f = next((r for r in rows if r["bench"] == "fetch"), None)
    one("fetch: a 100 MB package from dupg-server at ≥ 0.9× curl's throughput to disk, verification "
        "included (neither fsyncs)", f, f and f["ratio"] >= 0.9,
        f and "%s× (%s against %s MB/s)" % (num(f["ratio"]), num(f["fetch_nofsync_mb_s"]), num(f["curl_mb_s"])))
    one("fetch, durable: against curl then an fsync of the file (figure only)", f, f is not None,
        f and "%s× (%s against %s MB/s; %s× plain curl)" % (num(f["ratio_durable"]), num(f["fetch_mb_s"]),
                                                           num(f["curl_fsync_mb_s"]),
                                                           num(f["ratio_fetch_vs_curl"])))


# The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008): told apart
# with every common colour-vision deficiency. Its yellow (#F0E442) is left out: it
# cannot be read on white.
OKABE_ITO = {
    "blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "orange": "#E69F00",
    "purple": "#CC79A7", "sky": "#56B4E9", "black": "#000000",
}
BAR_COLOURS = ("blue", "orange", "green", "purple", "sky", "vermillion")


def fit_log(values, margin=1.25):
    """An axis range on a log scale fitted to the data: a quarter step beyond each end."""
    vals = [v for v in values if v is not None and v > 0]
    if not vals:
        return None
    lo, hi = min(vals), max(vals)
    if lo == hi:
        return lo / 2, hi * 2
    return lo / margin, hi * margin


def log_tics(lo, hi):
    """Tic values for a log axis over [lo, hi]: 1-2-5 steps, decades only when those are many."""
    import math
    k = math.floor(math.log10(lo)) - 1
    steps = []
    while 10 ** k <= hi * 10:
        for m in (1, 2, 5):
            v = m * 10 ** k
            if lo <= v <= hi:
                steps.append(v)
        k += 1
    decades = [v for v in steps if ("%g" % v).startswith("1")]
    if len(steps) > 9 and len(decades) >= 2:
        return decades
    if len(steps) >= 2:
        return steps
    # a range narrower than one 1-2-5 step: linear tics, a 1-2-5 step apart, three or more
    step = 10 ** math.floor(math.log10(hi - lo))
    for m in (1, 0.5, 0.2, 0.1):
        if math.floor(hi / (step * m)) - math.ceil(lo / (step * m)) >= 2:
            step *= m
            break
    first = math.ceil(lo / step)
    return [round(i * step, 12) for i in range(first, int(math.floor(hi / step)) + 1)]


def tic_label(v):
    """1e3, 2e5, 50, 0.2: short labels in the style of the x axis."""
    if v >= 1000:
        m, e = ("%e" % v).split("e")
        return "%ge%d" % (float(m), int(e))
    return "%g" % v


def server_script(rows, svg, tmp):
    """The gnuplot script of plot_server(): bars from zero, each panel's axis up to its tallest bar."""
    srv = lambda v: next((r for r in rows if r["bench"] == "server" and r.get("variant") == v), None)
    d, f, st = srv("description"), srv("files"), srv("status")
    panels = []
    if d:
        panels.append(("sessions: requests/s", [("description", rate(d["description"])),
                                               ("health (limit)", rate(d["limit"]))]))
    if f:
        panels.append(("100 MB package: MB/s", [("dupg-server", mbps(f["server"]))] +
                       ([("nginx", mbps(f["nginx"]))] if f.get("nginx") else [])))
    if st:
        panels.append(("durable status writes/s", [("status", rate(st["status"]))]))
    if not panels:
        return None
    # bars are lengths: their axis starts at zero, and ends just above the tallest one
    script = ['set terminal svg size 1200,400 font "sans,10" background "white"', 'set output "%s"' % svg,
              "set multiplot layout 1,%d" % len(panels), "set style fill solid 0.8 border -1",
              "set boxwidth 0.6", "set grid ytics", "unset key"]
    for i, (title, bars) in enumerate(panels):
        path = os.path.join(tmp, "s%d.dat" % i)
        with open(path, "w") as fh:
            for j, (name, v) in enumerate(bars):
                fh.write('%d "%s" %g\n' % (j, name, v or 0))
        top = max((v or 0) for _, v in bars)
        # one plot element per bar, each in its own colour
        each = ['"%s" every ::%d::%d using 1:3:xtic(2) with boxes lc rgb "%s"'
                % (path, j, j, OKABE_ITO[BAR_COLOURS[j % len(BAR_COLOURS)]]) for j in range(len(bars))]
        script += ['set title "%s"' % title, "set xrange [-0.6:%g]" % (len(bars) - 0.4),
                   "set yrange [0:%g]" % (top * 1.1 if top > 0 else 1),
                   "plot " + ", ".join(each)]
    script.append("unset multiplot")
    return script


def plot_server(rows, svg):
    """Bars: descriptions beside the limit, files beside nginx, status writes."""
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        return False
    tmp = tempfile.mkdtemp(prefix="dupg-plot-")
    try:
        script = server_script(rows, svg, tmp)
        if script is None:
            return False
        subprocess.run([gnuplot], input="\n".join(script) + "\n", text=True, check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


def targets(rows):
    out = []

    def one(text, row, verdict, figure):
        if row is None:
            out.append("| %s | not run | |" % text)
        else:
            out.append("| %s | %s | %s |" % (text, figure, "yes" if verdict else "**no**"))

    m = next((r for r in rows if r["bench"] == "match" and r["size"] == 100000 and r["packages"] == 10000), None)
    one("match, N = 1e5, M = 1e4: ≥ 100× faster than naive", m, m and m["ratio_naive"] >= 100,
        m and ratio(m["ratio_naive"]))
    one("match, N = 1e5, M = 1e4: within 2.5× of raw lookups", m, m and m["ratio_limit"] <= 2.5,
        m and "%s (%s pairs/s)" % (ratio(m["ratio_limit"]), num(m["items_per_s"])))
    comp = sorted((r for r in rows if r["bench"] == "prune" and r.get("variant") == "compute"),
                  key=lambda r: r["size"])
    p = next((r for r in comp if r["size"] == 1000000), None)
    one("prune, 1e6 entries: under 100 ms", p, p and p["total_ms"] < 100, p and "%s ms" % num(p["total_ms"]))
    one("prune, 1e6 entries: within 3× of one pass", p, p and p["ratio_limit"] <= 3, p and ratio(p["ratio_limit"]))
    if len(comp) >= 2:
        g = comp[-1]["ns_per_item"] / comp[0]["ns_per_item"]
        one("prune: cost grows linearly (ns/entry from %s to %s within 2×)" % (size(comp[0]["size"]),
            size(comp[-1]["size"])), comp[-1], g <= 2, "ns/entry × %s" % num(g))
    for fmt in ("tar", "tar.gz", "tar.zst"):
        r = next((r for r in rows if r["bench"] == "verify" and r["op"] == "manifest" and
                  r["format"] == fmt and r["size"] == 100000000), None)
        one("manifest of a 100 MB %s read in under 1 ms" % fmt, r, r and r["ns_per_item"] < 1e6,
            r and "%s µs" % num(r["ns_per_item"] / 1000))
    for fmt in ("tar", "tar.gz", "tar.zst"):
        r = next((r for r in rows if r["bench"] == "verify" and r["op"] == "verify" and
                  r["format"] == fmt and r["size"] == 100000000), None)
        one("verification of a 100 MB %s within 1.3× of decompression and SHA-256" % fmt, r,
            r and r["ratio_limit"] <= 1.3, r and ratio(r["ratio_limit"]))
    for fmt in ("tar", "tar.gz", "tar.zst"):
        r = next((r for r in rows if r["bench"] == "verify" and r["op"] == "sigcheck" and
                  r["format"] == fmt and r["size"] == 100000000), None)
        one("signature check of a 100 MB %s's manifest in under 1 ms" % fmt, r,
            r and r["ns_per_item"] < 1e6, r and "%s µs" % num(r["ns_per_item"] / 1000))
    g = next((r for r in rows if r["bench"] == "txn" and r.get("variant") == "group" and
              r["size"] == 10000), None)
    one("txn, 10,000-device group: coordinator within 3× of a plain loop over the plans", g,
        g and g["ratio_limit"] <= 3, g and "%s (%s ns/event)" % (ratio(g["ratio_limit"]), num(g["ns_per_item"])))
    one("txn, 10,000-device group: no allocation per event in the steady state", g,
        g and g["steady_allocations"] == 0 and g["journal_steady_allocations"] == 0,
        g and "%s allocations without, %s with the journal" % (g["steady_allocations"],
                                                            g["journal_steady_allocations"]))
    for shape in ("site", "cascade"):
        r = next((r for r in rows if r["bench"] == "txn" and r.get("variant") == shape and
                  r["size"] == 100000), None)
        one("txn, 100,000-device %s: planned and run to the end" % shape, r, r and r["identical"],
            r and "%s ms" % num(r["build_ms"] + r["plan_ms"] + r["run_ms"]))
    for shape in ("site", "cascade"):
        r = next((r for r in rows if r["bench"] == "txn" and r.get("variant") == "sim-" + shape and
                  r["size"] == 100001), None)
        one("txn, 100,001-device %s through the simulator: every device upgraded" % shape, r,
            r and r["identical"], r and "%s ms, %s" % (num(r["sim_ms"]), mb(r["sim_peak_rss_kb"])))
    vc = [r for r in rows if r["bench"] == "vercmp"]
    worst = min(vc, key=lambda r: r["items_per_s"]) if vc else None
    one("version comparison above 20 million/s (every size)", worst, worst and worst["items_per_s"] > 2e7,
        worst and "%s/s at worst" % num(worst["items_per_s"]))
    if any(r["bench"] == "server" for r in rows):
        server_targets(rows, one)
    fetch_targets(rows, one)
    return "\n".join(["| target | measured | met |", "|---|---:|---|"] + out)


def cost_panels(rows):
    """The cost plot's panels: (title, x label, [(name, points, colour, is_limit)])."""
    panels = []

    def series(name, pick, key, colour, limit=False):
        pts = sorted((r["size"], r[key]) for r in rows if pick(r) and r.get(key) is not None)
        return (name, pts, OKABE_ITO[colour], limit)

    # the same role has the same colour in every panel; limits are thin, with open points
    lib, naive, limit = "blue", "vermillion", "black"
    m = lambda r: r["bench"] == "match" and r["packages"] == 10000
    panels.append(("match (M = 1e4): ns per (site, type) pair", "sites N", [
        series("libdupg", m, "ns_per_item", lib), series("naive (seed)", m, "naive_ns_per_item", naive),
        series("limit: hash lookups", m, "limit_ns_per_item", limit, True)]))
    pc = lambda r: r["bench"] == "prune" and r.get("variant") == "compute"
    panels.append(("prune compute: ns per list entry", "entries", [
        series("libdupg", pc, "ns_per_item", lib), series("naive (seed)", pc, "naive_ns_per_item", naive),
        series("limit: one pass", pc, "limit_ns_per_item", limit, True)]))
    ps = lambda r: r["bench"] == "prune" and r.get("variant") == "store"
    panels.append(("prune store (applied, fsync): ns per entry", "entries", [
        series("libdupg", ps, "ns_per_item", lib),
        series("limit: file-system work", ps, "limit_ns_per_item", limit, True)]))
    mg = lambda r: r["bench"] == "merge"
    panels.append(("merge: ns per device", "devices", [
        series("libdupg", mg, "ns_per_item", lib), series("naive", mg, "naive_ns_per_item", naive),
        series("limit: type lookups", mg, "limit_ns_per_item", limit, True)]))
    vc = lambda r: r["bench"] == "vercmp"
    panels.append(("vercmp: ns per comparison", "comparisons", [
        series("libdupg", vc, "ns_per_item", lib),
        series("limit: strcmp", vc, "limit_ns_per_item", limit, True)]))
    vs = []
    for colour, fmt in zip(("blue", "orange", "green"), ("tar", "tar.gz", "tar.zst")):
        f = lambda r, fmt=fmt: r["bench"] == "verify" and r["op"] == "verify" and r["format"] == fmt
        vs.append(series("verify " + fmt, f, "ns_per_item", colour))
        vs.append(series("limit: decompress " + fmt, f, "limit_ns_per_item", colour, True))
    panels.append(("verify: ns per payload byte (filled points: libdupg)", "payload bytes", vs))
    return panels


def cost_script(rows, svg, tmp):
    """The gnuplot script of plot(): log-log panels, each axis fitted to its panel's data."""
    script = ['set terminal svg size 1200,1000 font "sans,10" background "white"',
              'set output "%s"' % svg, "set multiplot layout 2,3",
              "set logscale xy", "set grid",
              'set key below font ",9"', 'set ylabel "ns per item"']
    for i, (title, xlabel, ss) in enumerate(cost_panels(rows)):
        plots = []
        xs = [x for _, pts, _, _ in ss for x, _ in pts]
        ys = [y for _, pts, _, _ in ss for _, y in pts]
        for j, (name, pts, colour, limit) in enumerate(ss):
            if not pts:
                continue
            path = os.path.join(tmp, "p%d_%d.dat" % (i, j))
            with open(path, "w") as f:
                for x, y in pts:
                    f.write("%g %g\n" % (x, y))
            # Limits: thin lines with open points (dashes render badly in some SVG viewers).
            plots.append('"%s" using 1:2 with linespoints lc rgb "%s" lw %s pt %d ps 0.6 title "%s"'
                         % (path, colour, "1" if limit else "2", 6 if limit else 7, name))
        script.append('set title "%s"' % title)
        script.append('set xlabel "%s"' % xlabel)
        for axis, vals in (("x", xs), ("y", ys)):
            r = fit_log(vals)
            if r is None:
                # an empty panel (a partial run): a fixed frame, so that nothing is autoscaled
                script += ["set %srange [1:10]" % axis, "set %stics autofreq" % axis]
                continue
            tics = log_tics(*r)
            script.append("set %srange [%g:%g]" % (axis, r[0], r[1]))
            script.append("set %stics (%s)" % (axis, ", ".join('"%s" %g' % (tic_label(v), v)
                                                               for v in tics)))
        if plots:
            script.append("plot " + ", ".join(plots))
        else:
            script += ['set label 1 "not run" at graph 0.5, graph 0.5 center', 'plot 1/0 notitle lc rgb "%s"' % OKABE_ITO["black"],
                       "unset label 1"]
    script.append("unset multiplot")
    return script


def plot(rows, svg):
    """ns per item against size, log-log: a flat line is linear growth."""
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        print("report.py: gnuplot not found, no plot", file=sys.stderr)
        return False
    tmp = tempfile.mkdtemp(prefix="dupg-plot-")
    try:
        subprocess.run([gnuplot], input="\n".join(cost_script(rows, svg, tmp)) + "\n", text=True,
                       check=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--durations")
    ap.add_argument("--markdown", required=True)
    ap.add_argument("--plot", required=True)
    ap.add_argument("--plot-server")
    ap.add_argument("--notes")
    ap.add_argument("--command", default="make bench")
    a = ap.parse_args()

    rows = []
    with open(a.results) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    durations = []
    if a.durations and os.path.exists(a.durations):
        with open(a.durations) as f:
            durations = [l.split() for l in f if l.strip()]

    md = ["# libdupg benchmarks", "",
          "Generated by `%s` (bench/run.sh) on %s; `make bench-results` also copies this file and "
          "`cost.svg` into the source tree. Raw figures: one JSON line per size from "
          "`bench/dupg-bench NAME`." % (a.command, time.strftime("%Y-%m-%d")), "",
          "## Machine", ""]
    md += ["- **%s:** %s" % kv for kv in machine()]
    if durations:
        md.append("- **Run time:** " + ", ".join("%s %s s" % (n, s) for n, s in durations))
    md += ["", "## Commands", "", "```",
           "make -j2 && make bench            # every table below, printed (under 10 minutes)",
           "make bench-results                # the same, then bench/RESULTS.md and bench/cost.svg rewritten",
           "bench/dupg-bench NAME [--size N] [--packages M] [--variant V]   # one benchmark, JSON lines",
           "bench/dupg-bench NAME --check     # the smoke mode `make check` runs",
           "bench/server/run.sh [--check]     # the management server under wrk, JSON lines",
           "```", "", "## Targets", "", targets(rows), ""]
    md += ["## Results", "",
           "Ratios: *vs naive* is naive time / libdupg time (higher is better); *vs limit* is "
           "libdupg time / limit time (1× would be the limit itself). \\* marks a naive figure "
           "estimated from a sample (see Method). Peak RSS is the high-water mark of the child "
           "process that measured that size, data generation included.", ""]
    for title, t in tables(rows):
        md += ["### " + title, "", t, ""]
    if plot(rows, a.plot):
        md += ["## Cost against size", "",
               "ns per item, log-log; a flat line is linear growth.", "",
               "![cost against size](cost.svg)", ""]
    if a.plot_server and plot_server(rows, a.plot_server):
        md += ["## The management server", "",
               "Requests/s of descriptions beside the cheapest endpoint, package throughput beside nginx, "
               "durable status writes/s (bench/server/run.sh).", "",
               "![the management server](%s)" % os.path.basename(a.plot_server), ""]
    if a.notes and os.path.exists(a.notes):
        with open(a.notes) as f:
            md += [f.read().rstrip(), ""]
    with open(a.markdown, "w") as f:
        f.write("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
