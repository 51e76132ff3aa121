#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What the host did during each benchmark run (docs/bench.md, "host-side
sampler").  Started by scripts/bench.sh beside QEMU; exits when QEMU is gone
or on SIGTERM.

usage: hoststat.py PARENT_PID CONSOLE_LOG BOOT OUT_FILE

PARENT_PID is irqcap_qemu --bg's pid (the timeout whose child is QEMU).
Every HOSTSTAT_INTERVAL_MS (default 20) it samples /proc/stat (per host CPU:
busy = user+nice+system+irq+softirq, steal) and every QEMU thread
(/proc/QEMU/task/TID: schedstat's CPU time and run-queue wait in ns, stat's
last CPU; for the "CPU n/TCG" threads also sched's voluntary and involuntary
switches and migrations).  It watches CONSOLE_LOG (inotify) and stamps the
host CLOCK_MONOTONIC at which the first byte of each RES line arrived.  For
each RES line it appends one line to OUT_FILE:

  HOST boot=B contender=C rep=R test=T win_ms=... steal0=... busy0=...
       other0=... (per host CPU n) qemu=... main=... vcpu0=... vcpu0_wait=...
       vcpu0_vol=... vcpu0_invol=... vcpu0_mig=... vcpu0_on=... (per vCPU)
       probe0=... (per host CPU) self=... arrival=...

over the run's raising window [arrival - elapsed_ns, that + raised / raise_s]
(irqbench prints RES right after the run; elapsed_ns runs from the first edge
to the last event read, or to the last edge without a reader).  Percentages
are of one host CPU: steal, busy (from /proc/stat, USER_HZ ticks: +-10 ms a
CPU, so coarse over a 40 ms burst), other = busy - QEMU's threads last seen on
that CPU; vcpuN / vcpuN_wait: the thread's CPU time and time runnable but not
running (ns, linearly interpolated at the window's ends); _vol, _invol, _mig:
counts between the samples just outside the window; vcpuN_on: its host CPU at
the window's end; probeN: the mean in the window of a fixed loop's time (us,
the faster of two, at each sample) pinned to host CPU N: that CPU's speed
(HOSTSTAT_PROBE=0: none; it takes ~0.1-0.2 ms of each CPU per sample); self:
this sampler's CPU time.  HOSTSTAT_SAMPLES=FILE: every sample's vCPU CPU ns
and probes, to check the windows.
"""
import bisect
import ctypes
import os
import re
import select
import signal
import sys
import threading
import time
from collections import deque

parent, logpath, boot, outpath = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
interval = float(os.environ.get("HOSTSTAT_INTERVAL_MS", "20")) / 1000
HZ = os.sysconf("SC_CLK_TCK")
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)


fds = {}       # path -> fd, kept open: /proc files re-read with pread()


def read(path, keep=False):
    try:
        fd = fds.get(path)
        if fd is None:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            if keep:
                fds[path] = fd
        try:
            return os.pread(fd, 65536, 0).decode(errors="replace")
        finally:
            if not keep:
                os.close(fd)
    except OSError:
        fd = fds.pop(path, None)
        if fd is not None:
            os.close(fd)
        return None


def find_qemu():
    for _ in range(200):
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            s = read(f"/proc/{p}/stat")
            if s and s[s.rindex(")") + 2:].split()[1] == str(parent) and \
                    s[s.index("(") + 1:s.rindex(")")].startswith("qemu-system"):
                return int(p)
        if not os.path.exists(f"/proc/{parent}"):
            break
        time.sleep(0.05)
    return None


qemu = find_qemu()
if qemu is None:
    sys.exit("hoststat: no QEMU child of %d" % parent)
selfstat = f"/proc/{os.getpid()}/schedstat"
comm = {}      # tid -> thread name
last = {}      # tid -> last (cpu_ns, wait_ns, vol, invol, mig): threads that exited keep theirs


class Probe(threading.Thread):
    """a fixed loop on one host CPU, timed: how fast that CPU runs code now
    (the host is a VM: a slower physical CPU shows as neither steal nor load)"""

    def __init__(self, cpu):
        super().__init__(daemon=True)
        self.cpu, self.go, self.done, self.ns = cpu, threading.Event(), threading.Event(), 0
        self.start()

    def run(self):
        os.sched_setaffinity(0, {self.cpu})
        while True:
            self.go.wait()
            self.go.clear()
            best = None
            for _ in range(2):   # the faster of two: a preemption spoils one
                a, x = time.perf_counter_ns(), 0
                for i in range(1000):
                    x += i
                d = time.perf_counter_ns() - a
                best = d if best is None else min(best, d)
            self.ns = best
            self.done.set()


probes = [Probe(c) for c in range(os.cpu_count() or 1)] \
    if os.environ.get("HOSTSTAT_PROBE", "1") != "0" else []


def probe():
    r = {}
    for p in probes:
        p.done.clear()
        p.go.set()
        p.done.wait(1)
        r[p.cpu] = p.ns
    return r


def sample():
    """(t, {cpu: (busy_s, steal_s)}, {tid: (cpu_ns, wait_ns, vol, invol, mig, processor)}, self_ns,
    {cpu: probe_ns})"""
    pr = probe()
    t = time.monotonic()
    cpus = {}
    for ln in (read("/proc/stat", True) or "").splitlines():
        m = re.match(r"cpu(\d+) (.*)", ln)
        if m:
            v = [int(x) for x in m.group(2).split()]
            # user nice system idle iowait irq softirq steal
            cpus[int(m.group(1))] = ((v[0] + v[1] + v[2] + v[5] + v[6]) / HZ, v[7] / HZ)
    th = {}
    try:
        tids = os.listdir(f"/proc/{qemu}/task")
    except OSError:
        tids = []
    for tid in tids:
        d = f"/proc/{qemu}/task/{tid}"
        if tid not in comm:
            comm[tid] = (read(d + "/comm") or "?").strip()
        ss, st = read(d + "/schedstat", True), read(d + "/stat", True)
        if not ss or not st:
            continue
        run_ns, wait_ns = (int(x) for x in ss.split()[:2])
        proc = int(st[st.rindex(")") + 2:].split()[36])  # field 39, processor
        vol = invol = mig = 0
        if re.match(r"CPU \d+/", comm[tid]):
            sc = read(d + "/sched", True) or ""
            g = lambda k: int(re.search(r"^%s\s*:\s*(\d+)" % re.escape(k), sc, re.M).group(1)) \
                if re.search(r"^%s\s*:" % re.escape(k), sc, re.M) else 0
            vol, invol, mig = g("nr_voluntary_switches"), g("nr_involuntary_switches"), g("se.nr_migrations")
        th[tid] = (run_ns, wait_ns, vol, invol, mig, proc)
        last[tid] = th[tid]
    for tid, v in last.items():
        th.setdefault(tid, v)   # exited: its CPU time stays counted
    me = read(selfstat, True)
    return t, cpus, th, int(me.split()[0]) if me else 0, pr


samples = deque()
win = []       # the samples around the run being written


def at(x, get):
    """a cumulative value at time x, interpolated between the samples around it"""
    s = win
    if x <= s[0][0]:
        return get(s[0])
    for a, b in zip(s, s[1:]):
        if a[0] <= x <= b[0]:
            va, vb = get(a), get(b)
            return va + (vb - va) * (x - a[0]) / (b[0] - a[0]) if b[0] > a[0] else vb
    return get(s[-1])


def outside(x0, x1):
    """the last sample at or before x0 and the first at or after x1"""
    s = win
    a = max((p for p in s if p[0] <= x0), key=lambda p: p[0], default=s[0])
    b = min((p for p in s if p[0] >= x1), key=lambda p: p[0], default=s[-1])
    return a, b


def thv(p, tid, i):
    v = p[2].get(tid)
    return v[i] if v else 0


def host_line(res, arrival):
    global win
    kv = dict(x.split("=", 1) for x in res[4:].split() if "=" in x)
    try:
        elapsed = int(kv["elapsed_ns"]) / 1e9
        raise_s = float(kv["raise_s"])
        raised = int(kv["raised"])
    except (KeyError, ValueError):
        return None
    t0 = arrival - elapsed
    t1 = t0 + (raised / raise_s if raise_s > 0 else elapsed)
    dt = t1 - t0
    if dt <= 0 or samples[0][0] > t0:
        return None
    s = list(samples)
    ts = [p[0] for p in s]
    win = s[max(bisect.bisect_right(ts, t0) - 1, 0):bisect.bisect_left(ts, t1) + 1]
    f = [f"HOST boot={boot}", f"contender={kv.get('contender')}", f"rep={kv.get('rep')}",
         f"test={kv.get('test')}", f"win_ms={dt * 1e3:.1f}"]
    end = outside(t1, t1)[1]
    tids = sorted(end[2])
    qemu_ns = lambda p, cpu=None: sum(v[0] for t, v in p[2].items()
                                      if cpu is None or end[2].get(t, v)[5] == cpu)
    for cpu in sorted(end[1]):
        busy = at(t1, lambda p: p[1][cpu][0]) - at(t0, lambda p: p[1][cpu][0])
        steal = at(t1, lambda p: p[1][cpu][1]) - at(t0, lambda p: p[1][cpu][1])
        mine = (at(t1, lambda p: qemu_ns(p, cpu)) - at(t0, lambda p: qemu_ns(p, cpu))) / 1e9
        f += [f"steal{cpu}={steal / dt * 100:.0f}", f"busy{cpu}={busy / dt * 100:.0f}",
              f"other{cpu}={(busy - mine) / dt * 100:.0f}"]
    f.append(f"qemu={(at(t1, qemu_ns) - at(t0, qemu_ns)) / 1e9 / dt * 100:.0f}")
    a, b = outside(t0, t1)
    for tid in tids:
        name = comm.get(tid, "")
        m = re.match(r"CPU (\d+)/", name)
        if m:
            n = m.group(1)
            run = at(t1, lambda p: thv(p, tid, 0)) - at(t0, lambda p: thv(p, tid, 0))
            wait = at(t1, lambda p: thv(p, tid, 1)) - at(t0, lambda p: thv(p, tid, 1))
            f += [f"vcpu{n}={run / 1e9 / dt * 100:.0f}", f"vcpu{n}_wait={wait / 1e9 / dt * 100:.0f}",
                  f"vcpu{n}_vol={thv(b, tid, 2) - thv(a, tid, 2)}",
                  f"vcpu{n}_invol={thv(b, tid, 3) - thv(a, tid, 3)}",
                  f"vcpu{n}_mig={thv(b, tid, 4) - thv(a, tid, 4)}", f"vcpu{n}_on={thv(end, tid, 5)}"]
        elif tid == str(qemu):
            run = at(t1, lambda p: thv(p, tid, 0)) - at(t0, lambda p: thv(p, tid, 0))
            f.append(f"main={run / 1e9 / dt * 100:.0f}")
    for cpu in sorted(end[4]):
        # the probe's mean over the samples in the window (or the one just after):
        # a run the CPU's slow spell covers in part lies between the two speeds
        v = [p[4][cpu] for p in win if t0 <= p[0] <= t1 and cpu in p[4]] or [end[4][cpu]]
        f.append(f"probe{cpu}={sum(v) / len(v) / 1e3:.0f}")
    me = at(t1, lambda p: p[3]) - at(t0, lambda p: p[3])
    f.append(f"self={me / 1e9 / dt * 100:.0f}")
    f.append(f"arrival={arrival:.4f}")
    return " ".join(f)


# inotify on the console log: the arrival time of a line's first byte
libc = ctypes.CDLL(None, use_errno=True)
ino = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
for _ in range(100):
    if os.path.exists(logpath):
        break
    time.sleep(0.05)
if ino < 0 or libc.inotify_add_watch(ino, logpath.encode(), 0x2) < 0:  # IN_MODIFY
    if ino >= 0:
        os.close(ino)
    ino = -1   # then the log is read at each sample: arrival +- one interval
log = open(logpath, "rb")
out = open(outpath, "a")
buf, line_t = b"", None
pending = []   # (RES line, arrival): written once a sample follows the arrival
nxt = time.monotonic()
# HOSTSTAT_SAMPLES=FILE: every sample's time and vCPU threads' CPU ns (to check the windows)
dump = open(os.environ["HOSTSTAT_SAMPLES"], "w") if os.environ.get("HOSTSTAT_SAMPLES") else None


def read_log():
    global buf, line_t
    data = log.read()
    if not data:
        return
    now = time.monotonic()
    if line_t is None:
        line_t = now
    buf += data
    while b"\n" in buf:
        ln, buf = buf.split(b"\n", 1)
        s = ln.decode(errors="replace").strip("\r")
        if s.startswith("RES "):
            pending.append((s, line_t))
        line_t = now if buf else None


while True:
    now = time.monotonic()
    if now >= nxt or stop:
        samples.append(sample())
        if dump:
            t, cpus, th, _, pr = samples[-1]
            dump.write(f"{t:.4f} " + " ".join(f"{comm[k].replace(' ', '_')}={v[0]}"
                                               for k, v in th.items() if comm[k].startswith("CPU "))
                       + "".join(f" probe{c}={v}" for c, v in pr.items()) + "\n")
        while samples and samples[0][0] < now - 120:
            samples.popleft()
        nxt = max(nxt + interval, now + interval / 2)
        read_log()
        for res, arr in pending:
            h = host_line(res, arr)
            if h:
                out.write(h + "\n")
        out.flush()
        pending = []
        if stop or not os.path.exists(f"/proc/{qemu}"):
            if dump:
                dump.close()
            break
        continue
    timeout = max(nxt - now, 0)
    if ino >= 0:
        try:
            r, _, _ = select.select([ino], [], [], timeout)
        except InterruptedError:
            continue
        if r:
            try:
                os.read(ino, 4096)
            except BlockingIOError:
                pass
            read_log()
            time.sleep(0.001)   # a byte per write(): let them gather
    else:
        time.sleep(timeout)
