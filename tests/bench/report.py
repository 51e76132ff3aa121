#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn irqbench's RES/CDF lines (OUT/console.log) into OUT/table.txt,
runs.csv, summary.csv, summary.json, cdf.dat and latency.gp (gnuplot).

usage: report.py OUT DATE MACHINE
Medians over every repetition (and boot) of a contender and test; the
"vs count" column is the sustained rate relative to the counting-only
handler in the same test.
"""
import csv
import json
import os
import re
import statistics
import sys

out, date, machine = sys.argv[1], sys.argv[2], sys.argv[3]
# idle=poll: an idle vCPU spins, and under TCG that slows the other vCPU's
# chunks of the counter (measured: the counter's alt rate fell by ~40 %), so
# rate ratios against it are no verdict there; latencies are what it is for
idle_poll = os.environ.get("IRQCAP_BENCH_IDLE_POLL") == "yes"
if idle_poll:
    machine += ", guest idle=poll"
ORDER = ["count", "count-ktime", "count-busy", "count-ktime-busy", "count-lock", "count-mb", "irqcap-hardirq", "irqcap-hardirq-noreader", "irqcap-threaded", "irqcap-tasklet",
         "irqcap-workqueue", "irqcap-hardirq-h100", "irqcap-threaded-h100", "irqcap-tasklet-h100",
         "irqcap-workqueue-h100", "uio", "counter", "counter-maxq", "gpio-cdev", "irqcap-gpio",
         "gpio-cdev-rising", "gpio-cdev-1024", "irqcap-mmap", "irqcap-mmap-h100"]
# the peers: their losses are measured, not targets
PEERS = ("uio", "counter", "gpio-cdev")

runs, cdf, unmeasured, host = [], {}, {}, {}
with open(f"{out}/console.log", errors="replace") as f:
    for line in f:
        line = line.strip()
        m = re.match(r"# (\S+): not measured: (.*)", line)
        if m:
            unmeasured[m.group(1)] = m.group(2)
        if line.startswith("RES "):
            runs.append(dict(kv.split("=", 1) for kv in line[4:].split()))
        elif line.startswith("HOST "):
            # the host during the run (tests/bench/hoststat.py), joined below
            d = dict(kv.split("=", 1) for kv in line[5:].split())
            host[(d.pop("boot"), d.pop("contender"), d.pop("rep"), d.pop("test"))] = d
        elif line.startswith("CDF "):
            d = dict(kv.split("=", 1) for kv in line[4:].split())
            # the last CDF of a contender/test wins (last boot's last rep)
            key = (d["contender"], d["test"])
            if d["pct"] == "0":
                cdf[key] = []
            cdf.setdefault(key, []).append((float(d["pct"]), int(d["ns"]) / 1000))
if not runs:
    sys.exit("report.py: no RES lines in console.log")

num = lambda v: float(v) if re.fullmatch(r"-?[0-9.]+", v) else v
for r in runs:
    h = host.get((r.get("boot", "1"), r["contender"], r["rep"], r["test"]), {})
    for k in list(r):
        r[k] = num(r[k])
    r.update({"host_" + k: num(v) for k, v in h.items()})

# guest instructions per edge from a --insns run into the same OUT (insns.txt)
insns = {}
try:
    with open(f"{out}/insns.txt") as f:
        for line in f:
            m = re.match(r"(\S+): (\d+) bursts, (\d+) instructions per edge"
                         r"(?:, (\d+) per delivered event)?", line)
            if m:
                insns[m.group(1)] = (int(m.group(3)),
                                     int(m.group(4)) if m.group(4) else None)
except OSError:
    pass

fieldnames = []
for r in runs:
    fieldnames += [k for k in r if k not in fieldnames]
with open(f"{out}/runs.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fieldnames)
    w.writeheader()
    w.writerows(runs)


def test_key(t):
    return ((0, 0) if t == "burst" else (0, 1) if t == "alt" else (1, 0) if t == "ping"
            else (2, int(t[4:])))


tests = sorted({r["test"] for r in runs}, key=test_key)
names = {r["contender"] for r in runs}
conts = []
for c in ORDER:  # each base contender, then its A/B variants (irqcap-MODE/TAG)
    conts += sorted(n for n in names if n == c or n.startswith(c + "/"))
conts += sorted(names - set(conts))
med = statistics.median


def floor(c):
    """the counting handler's rows (no reader); not the counter chrdev's"""
    return c == "count" or c.startswith("count-")


def has_rdr(c):
    return not floor(c) and "noreader" not in c


summary = []
for t in tests:
    for c in conts:
        rs = [r for r in runs if r["contender"] == c and r["test"] == t]
        if not rs:
            continue
        deliv = [max(r["delivered"], 1) for r in rs]
        # the loss columns of one run, the one with the median loss, so that
        # lost = merged + dropped and lost = visible + silent hold in the row
        mr = sorted(rs, key=lambda r: r["lost"])[(len(rs) - 1) // 2]
        lat = [r for r in rs if r["lat_n"] > 0]
        s = {
            "contender": c, "test": t, "runs": len(rs),
            "raised": int(med(r["raised"] for r in rs)),
            "seen": int(med(r["seen"] for r in rs)),
            "delivered": int(med(r["delivered"] for r in rs)),
            "lost": int(med(r["lost"] for r in rs)),
            "lost_max": int(max(r["lost"] for r in rs)),
            "kernel_lost_max": int(max(r["kernel_lost"] + r["reader_lost"] for r in rs)),
            "late_max": int(max(r.get("late", 0) for r in rs)),
            "raise_per_s": med(r["raise_s"] for r in rs),
            "events_per_s": med(r["rate_s"] for r in rs),
            "end_to_end_per_s": med(r["overall_s"] for r in rs),
            "p50_us": med(r["p50_ns"] for r in lat) / 1000 if lat else None,
            "p99_us": med(r["p99_ns"] for r in lat) / 1000 if lat else None,
            "max_us": med(r["max_ns"] for r in lat) / 1000 if lat else None,
            "latency_from": lat[0]["lat_from"] if lat else "-",
            "sys_us_per_event": med(r["sys_ns"] / d for r, d in zip(rs, deliv)) / 1000,
            "reader_sys_us_per_event": (med(r["reader_sys_ns"] / d for r, d in zip(rs, deliv)) / 1000
                                        if not floor(c) and "noreader" not in c else None),
            "reads_per_event": (med(r["reads"] / d for r, d in zip(rs, deliv))
                                if not floor(c) and "noreader" not in c else None),
            # edges that never became an event of their own (pc-testdev: never
            # an interrupt, UIO's masked line; gpio-cdev: before its IRQ thread ran)
            "lost_run": int(mr["lost"]),
            "merged": int(mr.get("merged", 0)),
            "merged_max": int(max(r.get("merged", 0) for r in rs)),
            # losses the reader can count from what it got (irqcap OVERFLOW,
            # gpio-cdev line_seqno gaps, counter count-value gaps)
            "visible": int(mr.get("visible", 0)),
            "silent": int(mr["lost"] - mr.get("visible", 0)),
            "silent_max": int(max(r["lost"] - r.get("visible", 0) for r in rs)),
            "syscalls_per_event": (med(r.get("sysc", r["reads"]) / d for r, d in zip(rs, deliv))
                                   if not floor(c) and "noreader" not in c else None),
            # the reader thread's CLOCK_THREAD_CPUTIME_ID (user + system, ns-exact)
            "reader_cpu_us_per_event": (med(r["reader_cpu_ns"] / d for r, d in zip(rs, deliv)) / 1000
                                        if "reader_cpu_ns" in rs[0] and has_rdr(c) else None),
            "insns_per_edge": insns[c][0] if t == "burst" and c in insns else None,
            "insns_per_event": insns[c][1] if t == "burst" and c in insns else None,
            "joint": int(max(r.get("joint", 1) for r in rs)),
        }
        summary.append(s)
for s in summary:
    base = [b for b in summary if b["test"] == s["test"] and b["contender"] == "count"]
    s["vs_count"] = (s["events_per_s"] / base[0]["events_per_s"]
                     if base and base[0]["events_per_s"] else None)
    if s["test"] == "alt":
        # the counting handler's chunks alternated with this contender's, in each run
        ratios = sorted(r["rate_s"] / r["alt_count_s"] for r in runs
                        if r["contender"] == s["contender"] and r["test"] == "alt"
                        and r.get("alt_count_s") and r["rate_s"])
        s["vs_count"] = statistics.median(ratios) if ratios else None
        s["alt_ratios"] = ratios

fields = list(summary[0].keys())
with open(f"{out}/summary.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    w.writerows(summary)


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


hdr = ("contender", "test", "raised", "seen", "deliv", "lost", "merged", "visible", "silent",
       "events/s", "vs cnt", "p50 us", "p99 us", "max us", "sys us/ev", "rdr us/ev", "sysc/ev",
       "insns/edge", "insns/ev")
rows = []
for s in summary:
    rows.append((s["contender"] + ("*" if s["joint"] > 1 else ""), s["test"], str(s["raised"]),
                 str(s["seen"]), str(s["delivered"]), str(s["lost_run"]), str(s["merged"]),
                 str(s["visible"]), str(s["silent"]), fmt(s["events_per_s"], ".0f"),
                 fmt(s["vs_count"], ".2f"), fmt(s["p50_us"], ".1f"), fmt(s["p99_us"], ".1f"),
                 fmt(s["max_us"], ".0f"), fmt(s["sys_us_per_event"], ".2f"),
                 fmt(s["reader_sys_us_per_event"], ".2f"), fmt(s["syscalls_per_event"], ".3f"),
                 fmt(s["insns_per_edge"], "d"), fmt(s["insns_per_event"], "d")))
width = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
line = lambda r: "| " + " | ".join(v.ljust(width[i]) if i < 2 else v.rjust(width[i])
                                   for i, v in enumerate(r)) + " |"
table = [f"irqcap benchmark, {date}; {machine}",
         f"medians of {max(s['runs'] for s in summary)} runs per row; latency: "
         "raise -> read() returns (ping: one edge at a time; rateN: N edges/s),\n"
         "in bursts the event's own kernel timestamp (irqcap's, counter_event's, gpio-cdev's hard-IRQ one) -> read();\n"
         "burst events/s: median over 500-edge chunks of the raising\n"
         "CPU's rate (handler + bottom half), all delivered; sys us/ev: /proc/stat system+irq+softirq of both CPUs\n"
         "lost = raised - delivered, of which merged (never an event of its own: no interrupt, or before\n"
         "gpio-cdev's IRQ thread ran); visible: losses the reader can count from what it got (irqcap OVERFLOW,\n"
         "gpio-cdev line_seqno gaps, counter count-value gaps); silent = lost - visible; these four from the run\n"
         "with the median loss; sysc/ev: the reader's syscalls per event; insns/edge, insns/ev: guest\n"
         "instructions (both vCPUs) per raised edge and per delivered event in the bursts of an --insns boot\n"
         "(insns.txt: its own boot, 1 repetition)\n"
         "* gpio-cdev and irqcap-gpio: one raiser toggles both gpio-sim lines in the same loop, one reader each;\n"
         "  their sys us/ev is the whole run's (both lines, the toggling writes included)",
         line(hdr), "|" + "|".join("-" * (w + 2) for w in width) + "|"]
table += [line(r) for r in rows]
for c, why in unmeasured.items():
    table.append(f"{c}: not measured: {why}")

# targets
def quart(p):
    """median and quartiles of sorted ratios, in percent"""
    return (f"median {med(p) * 100:.0f}% (quartiles {p[len(p) // 4] * 100:.0f}-"
            f"{p[(3 * len(p)) // 4] * 100:.0f}%, n={len(p)})")


verdict = []


def row(c, t):
    return next((x for x in summary if x["contender"] == c and x["test"] == t), None)


# irqcap's rows on the pc-testdev line (irqcap-gpio is on a gpio-sim line, beside gpio-cdev)
modes = [c for c in conts if c.startswith("irqcap-") and not c.startswith("irqcap-gpio")]
bad = [f"{s['contender']}/{s['test']} ({s['kernel_lost_max']})" for s in summary
       if not s["contender"].startswith(PEERS) and s["kernel_lost_max"] > 0]
late = [f"{s['contender']}/{s['test']} ({s['late_max']})" for s in summary if s["late_max"] > 0
        and not s["contender"].startswith(PEERS)]
verdict.append(("0 lost by the kernel/driver when the reader keeps up (every run)",
                not bad, ("lost in: " + ", ".join(bad) if bad else "0 in every run") +
                ("; still queued (late, not lost) when the run stopped waiting: " + ", ".join(late)
                 if late else "")))
mine = [s for s in summary if s["contender"].startswith("irqcap-") and s["test"] == "burst"]
if mine:
    worst = [f"{s['contender']} (lost {s['lost_max']}, merged {s['merged_max']})" for s in mine
             if s["lost_max"] > 0 or s["merged_max"] > 0]
    verdict.append(("irqcap loses and merges nothing in any mode at the full burst rate",
                    not worst, ", ".join(worst) if worst else
                    f"0 lost, 0 merged in {sum(s['runs'] for s in mine)} burst runs of "
                    f"{len(mine)} irqcap rows"))
for s in summary:
    if s["test"] == "burst" and s["contender"].startswith(PEERS):
        verdict.append((f"{s['contender']} in the same bursts", None,
                        f"lost {s['lost_run']} of {s['raised']} (the median run; max {s['lost_max']}): "
                        f"merged {s['merged']}, visible {s['visible']}, silent {s['silent']}"))
# the loss accounting itself, run by run: merges and the reader-visible drops
# are parts of the loss and never overlap (a merge leaves no gap to see)
odd = [f"{r['contender']}/{r['test']}/rep{int(r['rep'])}" for r in runs
       if not (0 <= r.get("merged", 0) <= r["lost"]
               and 0 <= r.get("visible", 0) <= r["lost"] - r.get("merged", 0))]
verdict.append(("loss accounting adds up in every run (0 <= merged, visible; merged + visible <= lost)",
                not odd, ", ".join(odd[:10]) if odd else f"{len(runs)} runs"))
# gpio-cdev: where its IRQ thread ran, run by run, against what merged and dropped
for c in conts:
    if not c.startswith("gpio-cdev"):
        continue
    for t in tests:
        rs = [r for r in runs if r["contender"] == c and r["test"] == t and "irq_thread_cpu" in r]
        if rs:
            verdict.append((f"{c} {t}: IRQ thread's CPU, merged, dropped per run", None,
                            "; ".join(f"CPU {int(r['irq_thread_cpu'])}: {int(r['merged'])} merged, "
                                      f"{int(r['lost'] - r['merged'])} dropped" for r in rs)))
for m in modes:
    s = next((x for x in summary if x["contender"] == m and x["test"] == "alt"), None)
    if s and s.get("alt_ratios"):
        p = s["alt_ratios"]
        verdict.append((f"{m} sustained rate >= 95% of count (alt: chunks alternate in one run)",
                        None if idle_poll else med(p) >= 0.95,
                        "per-run ratio " + quart(p)
                        + ("; idle=poll slows the counter's chunks: not a verdict"
                           if idle_poll else "")))
for t in tests:
    for m in modes:
        s = next((x for x in summary if x["contender"] == m and x["test"] == t), None)
        if s and s["vs_count"] is not None and t == "burst":
            kt = next((x for x in summary if x["contender"] == "count-ktime" and x["test"] == t), None)
            extra = (f"; {s['events_per_s'] / kt['events_per_s'] * 100:.0f}% of count-ktime"
                     if kt and kt["events_per_s"] else "")
            # paired: this contender over a baseline in the same boot and repetition
            def paired(base):
                cnt = {(r["boot"], r["rep"]): r["rate_s"] for r in runs
                       if r["contender"] == base and r["test"] == t and r["rate_s"]}
                return sorted(r["rate_s"] / cnt[(r["boot"], r["rep"])] for r in runs
                              if r["contender"] == m and r["test"] == t
                              and (r["boot"], r["rep"]) in cnt)

            # separate runs spread 2x under TCG: with an alt figure, these only inform
            has_alt = any(x["contender"] == m and x["test"] == "alt" and x.get("alt_ratios")
                          for x in summary)
            ok = s["vs_count"] >= 0.95
            pairs = paired("count")
            if pairs:
                extra += "; per-repetition ratio " + quart(pairs)
                s["vs_count_paired"] = med(pairs)
                ok = ok and med(pairs) >= 0.95
            busy = paired("count-busy")
            if busy:
                # the same host load: a reader keeps CPU 1 busy, so does count-busy
                s["vs_count_busy_paired"] = med(busy)
                verdict.append((f"{m} sustained rate >= 95% of count-busy ({t}, CPU 1 busy in both)",
                                None if has_alt or idle_poll else med(busy) >= 0.95,
                                "per-repetition ratio " + quart(busy)))
            verdict.append((f"{m} sustained rate >= 95% of count ({t})",
                            None if has_alt or idle_poll else ok,
                            f"medians {s['vs_count'] * 100:.0f}%{extra}"
                            + ("; separate runs, see alt for the verdict" if has_alt else "")))
for t in tests:
    u = next((x for x in summary if x["contender"] == "uio" and x["test"] == t), None)
    if not u:
        continue
    for m in modes:
        s = next((x for x in summary if x["contender"] == m and x["test"] == t), None)
        if not s:
            continue
        if u["p99_us"] is not None and s["p99_us"] is not None and t != "burst":
            verdict.append((f"{m} p99 < uio ({t})", s["p99_us"] < u["p99_us"],
                            f"{s['p99_us']:.1f} vs {u['p99_us']:.1f} us"))
        if t == "ping" or s["reads_per_event"] is None:
            continue  # ping: one edge per read() for everyone, by construction
        verdict.append((f"{m} read()/event < uio ({t})",
                        s["reads_per_event"] < u["reads_per_event"],
                        f"{s['reads_per_event']:.3f} vs {u['reads_per_event']:.3f}"))
# the mapped reader (issue 18) against read() in the same mode (hardirq)
for mm in ("irqcap-mmap", "irqcap-mmap-h100"):
    for t in tests:
        s, b = row(mm, t), row("irqcap-hardirq", t)
        if not s or not b or t == "ping":
            continue
        rs = [x for x in runs if x["contender"] == mm and x["test"] == t]
        other = max((int(x.get("sysc", x["reads"]) - x["reads"]) for x in rs), default=None)
        # its only system call is the poll() of irqcap_map_wait(), made only
        # when a pass over the mapping found nothing (r->reads); anything else
        # (sysc - reads) would be a call while records flow
        verdict.append((f"{mm} no system call while events flow, poll() only at an empty ring ({t})",
                        other == 0,
                        f"other system calls {other} in the worst run; poll() at an empty ring "
                        f"{s['syscalls_per_event']:.3f} per event vs read() {b['syscalls_per_event']:.3f} "
                        f"read() calls per event"))
        if t == "rate50000" and s["reader_cpu_us_per_event"] is not None \
                and b["reader_cpu_us_per_event"]:
            q = s["reader_cpu_us_per_event"] / b["reader_cpu_us_per_event"]
            verdict.append((f"{mm} reader CPU per event at 50000/s <= 0.25x read()'s", q <= 0.25,
                            f"{s['reader_cpu_us_per_event']:.2f} vs {b['reader_cpu_us_per_event']:.2f} "
                            f"us (thread CPU clock): {q:.2f}x"))
try:
    with open(f"{out}/kunit-bench.txt") as f:
        for kl in f:
            m = re.search(r"bench: (.*?)\s+irqcap ([0-9.]+) ns/event\s+kfifo ([0-9.]+) ns/event\s+ratio ([0-9.]+)", kl)
            if m:
                verdict.append((f"ring push+pop within 1.2x kfifo: {m.group(1).strip()}",
                                float(m.group(4)) <= 1.2,
                                f"{m.group(2)} vs {m.group(3)} ns ({m.group(4)}x)"))
except OSError:
    pass
table.append("")
table.append("targets:")
for name, ok, why in verdict:
    table.append(f"  [{'info' if ok is None else 'met' if ok else 'MISSED'}] {name}: {why}")
# the host during each burst and alt run (HOST lines of tests/bench/hoststat.py)
hruns = [r for r in runs if r["test"] in ("burst", "alt") and "host_win_ms" in r]
if hruns:
    def hv(r, k, spec=".0f"):
        v = r.get("host_" + k)
        return "-" if not isinstance(v, float) else format(v, spec)

    def cmed(r):
        c = [x["rate_s"] for x in runs if x["contender"] == "count" and x["test"] == r["test"]
             and x.get("boot") == r.get("boot") and x["rate_s"]]
        return med(c) if c else None

    def per_edge(r):
        # the raising vCPU thread's host CPU time per edge raised (alt: both lines')
        v, w = r.get("host_vcpu0"), r.get("host_win_ms")
        if not isinstance(v, float) or not isinstance(w, float):
            return "-"
        return f"{v / 100 * w * 1e3 / (r['raised'] * (2 if r['test'] == 'alt' else 1)):.2f}"

    hhdr = ("boot", "contender", "rep", "test", "events/s", "vs cnt", "cnt alt/s", "win ms",
            "steal% 0/1", "other% 0/1", "vcpu0%", "wait0%", "vcpu0 us/edge", "vcpu1%", "main%",
            "vol0", "invol0", "invol1", "mig 0/1", "probe us 0/1", "self%")
    hrows = []
    for t in ("burst", "alt"):
        for c in conts:
            for r in sorted((x for x in hruns if x["contender"] == c and x["test"] == t),
                            key=lambda x: (x.get("boot", 1), x["rep"])):
                cm = cmed(r)
                hrows.append((str(int(r.get("boot", 1))), c, str(int(r["rep"])), t,
                              f"{r['rate_s']:.0f}", fmt(r["rate_s"] / cm if cm else None, ".2f"),
                              f"{r['alt_count_s']:.0f}" if t == "alt" else "-", hv(r, "win_ms", ".1f"),
                              f"{hv(r, 'steal0')}/{hv(r, 'steal1')}", f"{hv(r, 'other0')}/{hv(r, 'other1')}",
                              hv(r, "vcpu0"), hv(r, "vcpu0_wait"), per_edge(r), hv(r, "vcpu1"),
                              hv(r, "main"), hv(r, "vcpu0_vol"), hv(r, "vcpu0_invol"),
                              hv(r, "vcpu1_invol"), f"{hv(r, 'vcpu0_mig')}/{hv(r, 'vcpu1_mig')}",
                              f"{hv(r, 'probe0')}/{hv(r, 'probe1')}", hv(r, "self")))
    hw = [max(len(h), *(len(x[i]) for x in hrows)) for i, h in enumerate(hhdr)]
    hline = lambda x: "| " + " | ".join(v.ljust(hw[i]) if i in (1, 3) else v.rjust(hw[i])
                                        for i, v in enumerate(x)) + " |"
    table += ["", "the host during each run (tests/bench/hoststat.py, sampled every ~20 ms; window: the raising,",
              "from the RES line's arrival - elapsed_ns; % of one host CPU): vs cnt: events/s over the median of",
              "count's in the same boot and test; cnt alt/s: the counting line's chunks in the same run;",
              "steal, other (busy - QEMU's threads on that CPU): host CPU 0/1 from /proc/stat, 10 ms ticks, so",
              "+-25% over a 40 ms window; vcpuN, wait0: the 'CPU N/TCG' thread's CPU time and time runnable",
              "but not running (schedstat, ns); vcpu0 us/edge: its CPU time per raised edge; main: QEMU's main",
              "loop; vol0, invol0/1, mig: the vCPU threads' context switches and migrations; probe: a fixed",
              "loop's time on host CPU 0/1 (mean in the window; higher: that CPU runs code slower); self: the sampler",
              hline(hhdr), "|" + "|".join("-" * (w + 2) for w in hw) + "|"]
    table += [hline(x) for x in hrows]
with open(f"{out}/table.txt", "w") as f:
    f.write("\n".join(table) + "\n")
with open(f"{out}/summary.json", "w") as f:
    json.dump({"date": date, "machine": machine, "rows": summary, "not_measured": unmeasured,
               "targets": [{"target": n, "met": ok, "detail": w} for n, ok, w in verdict],
               "cdf_us": {f"{c}/{t}": v for (c, t), v in cdf.items()}}, f, indent=1)

# latency CDFs: one panel per test, one curve per contender
with open(f"{out}/cdf.dat", "w") as f:
    idx = []
    for t in tests:
        for c in conts:
            if (c, t) in cdf:
                f.write(f"# {c} {t}\n")
                for p, us in cdf[(c, t)]:
                    f.write(f"{max(us, 0.01):.3f} {p}\n")
                f.write("\n\n")
                idx.append((c, t))
panels = [t for t in tests if any(k[1] == t for k in idx)]
with open(f"{out}/latency.gp", "w") as f:
    f.write(f"""set terminal pngcairo size 1400,{420 * ((len(panels) + 1) // 2)} font ",10"
set output "{out}/latency.png"
set multiplot layout {(len(panels) + 1) // 2},2 title "irqcap benchmark: IRQ-to-user latency CDF ({date})"
set logscale x
set xlabel "latency (us, log)"
set ylabel "percentile"
set key bottom right
set grid
""")
    for t in panels:
        what = "hard-IRQ timestamp -> read()" if t == "burst" else "raise -> read()"
        plots = [f'"{out}/cdf.dat" index {i} using 1:2 with linespoints title "{c}"'
                 for i, (c, tt) in enumerate(idx) if tt == t]
        f.write(f'set title "{t}: {what}"\nplot ' + ", \\\n     ".join(plots) + "\n")
    f.write("unset multiplot\n")
print(f"report: {len(runs)} runs, {len(summary)} rows", file=sys.stderr)

# two condensed Markdown tables for docs/performance.md (OUT/performance.md):
# the bursts, and the fixed rates with ping
def row(c, t):
    return next((x for x in summary if x["contender"] == c and x["test"] == t), None)


def md_num(v, spec):
    return "-" if v is None else format(v, spec)


md = [f"Measured {date}; {machine}; medians of {max(s['runs'] for s in summary)} runs per row.", "",
      f"Bursts of {row(conts[0], 'burst')['raised'] if row(conts[0], 'burst') else '?'} edges "
      "(loss columns: the run with the median loss):", "",
      "| contender | interrupts taken | delivered | lost | merged (silent) | dropped, visible | "
      "dropped, silent | events/s | vs count (`alt`) | p50 / p99 µs | sys µs/event | syscalls/event | "
      "guest insns/edge, /event |",
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for c in conts:
    b = row(c, "burst")
    if not b:
        continue
    a = row(c, "alt")
    dropped_silent = b["silent"] - b["merged"]
    md.append(f"| `{c}`{' *' if b['joint'] > 1 else ''} | {b['seen']} | {b['delivered']} | {b['lost_run']} | "
              f"{b['merged']} | {b['visible']} | {dropped_silent} | {b['events_per_s']:.0f} | "
              f"{md_num(a['vs_count'] if a else None, '.2f')} | "
              f"{md_num(b['p50_us'], '.0f')} / {md_num(b['p99_us'], '.0f')} | "
              f"{b['sys_us_per_event']:.2f} | {md_num(b['syscalls_per_event'], '.3f')} | "
              f"{md_num(b['insns_per_edge'], 'd')}, {md_num(b['insns_per_event'], 'd')} |")
for c, why in unmeasured.items():
    md.append(f"| `{c}` | not measured: {why} |||||||||||| ")
rtests = [t for t in tests if t.startswith("rate")]
md += ["", "Fixed rates (lost of raised; latency raise -> `read()` returns, p50 / p99 µs; "
       "syscalls per event) and `ping` (one edge at a time):", "",
       "| contender | " + " | ".join(f"{t[4:]}/s: lost, p50 / p99, syscalls" for t in rtests)
       + " | ping p50 / p99 |",
       "|---|" + "---:|" * (len(rtests) + 1)]
for c in conts:
    if floor(c) or "noreader" in c:
        continue  # no reader: no loss, latency or syscalls to show
    cells = []
    for t in rtests:
        r = row(c, t)
        cells.append("-" if not r else
                     f"{r['lost_run']} of {r['raised']}, {md_num(r['p50_us'], '.0f')} / "
                     f"{md_num(r['p99_us'], '.0f')}, {md_num(r['syscalls_per_event'], '.2f')}")
    p = row(c, "ping")
    if all(x == "-" for x in cells) and not p:
        continue
    cells.append("-" if not p else f"{md_num(p['p50_us'], '.0f')} / {md_num(p['p99_us'], '.0f')}")
    md.append(f"| `{c}` | " + " | ".join(cells) + " |")
with open(f"{out}/performance.md", "w") as f:
    f.write("\n".join(md) + "\n")

# the mapped reader against read() in the same (hardirq) mode: OUT/performance.md
mrows = [(c, t) for c in ("irqcap-hardirq", "irqcap-hardirq-h100", "irqcap-mmap", "irqcap-mmap-h100")
         for t in tests if row(c, t)]
if any(c.startswith("irqcap-mmap") for c, _ in mrows):
    md += ["", "irqcap through the mapping (docs/mmap-reader.c's reader; sleeps with "
           "its position into the reader page, then poll(), only at an empty ring) against `read()`, hardirq mode "
           "(reader CPU: the reader thread's CLOCK_THREAD_CPUTIME_ID, user + system):", "",
           "| contender | test | delivered of raised | lost (late) | syscalls/event | "
           "reader CPU µs/event | p50 / p99 µs |",
           "|---|---|---:|---:|---:|---:|---:|"]
    for c, t in mrows:
        r = row(c, t)
        md.append(f"| `{c}` | {t} | {r['delivered']} of {r['raised']} | {r['lost_max']} "
                  f"({r['late_max']}) | {md_num(r['syscalls_per_event'], '.3f')} | "
                  f"{md_num(r['reader_cpu_us_per_event'], '.2f')} | "
                  f"{md_num(r['p50_us'], '.0f')} / {md_num(r['p99_us'], '.0f')} |")
    with open(f"{out}/performance.md", "w") as f:
        f.write("\n".join(md) + "\n")
