#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
"""Print a device's records the way `irqcap monitor` does (its text format).

usage: irqcap-monitor.py [--clock CLOCK] [--mode auto|read|mmap] [--count N]
                         [--timeout S] [--no-header] DEV

DEV is irqcapN, N, a node path or a label.  IRQCAP_SYSFS_ROOT and
IRQCAP_DEV_ROOT name a fake sysfs and /dev tree, as for the CLI.
"""

import argparse
import os
import sys

import irqcap
from irqcap import EventType


def ts(ns: int) -> str:
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"


def line(dev: str, ev: irqcap.Event) -> str:
    kind = (ev.edge.name.lower() if ev.type == EventType.IRQ and ev.edge
            else EventType(ev.type).name.lower() if ev.type in EventType.__members__.values()
            else "unknown")
    iv = "+" + ts(ev.interval_ns) if ev.interval_ns is not None else "-"
    s = f"{dev:<8} {ts(ev.timestamp_ns):<20} {ev.seqno:6}  {kind:<8}  {iv:<14} "
    pl = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"  # noqa: E731
    if ev.gap and ev.after_overflow:
        s += (f" seqno jumped {ev.gap_from} -> {ev.seqno}: "
              f"{pl(ev.gap, 'interrupt')} lost in the overflow")
    elif ev.gap:
        s += f" LOST {pl(ev.gap, 'interrupt')} (seqno jumped {ev.gap_from} -> {ev.seqno})"
    notes = {
        EventType.OVERFLOW: lambda: (f" LOST {pl(ev.data, 'record')} (this reader fell behind;"
                                     " the ring overwrote them)"),
        EventType.TIMEOUT: lambda: f" idle timeout: no interrupt for {ts(ev.data)}s",
        EventType.MARKER: lambda: f" marker value {ev.data} (0x{ev.data:x})",
        EventType.SUSPEND: lambda: " capture stopped for a system suspend",
        EventType.RESUME: lambda: f" capture resumed after {ts(ev.data)}s suspended",
        EventType.THROTTLED: lambda: (f" interrupt storm: the line was disabled for "
                                      f"{ts(ev.data)}s (storm_limit)"),
    }
    if ev.type != EventType.IRQ:
        note = notes.get(ev.type)  # type: ignore[call-overload]
        s += note() if note else f" unknown record type, data {ev.data}"
    return s.rstrip(" ")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev")
    ap.add_argument("--clock", default="monotonic")
    ap.add_argument("--mode", default="auto")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=None,
                    help="stop after S seconds without a record")
    ap.add_argument("--no-header", action="store_true")
    a = ap.parse_args()
    try:
        with irqcap.open(a.dev, mode=a.mode, clock=a.clock,
                         sysfs_root=os.environ.get("IRQCAP_SYSFS_ROOT"),
                         dev_root=os.environ.get("IRQCAP_DEV_ROOT")) as dev:
            if not a.no_header:
                print(f"{'DEVICE':<8} {'TIMESTAMP_S':<20} {'SEQNO':>6}  {'TYPE':<8}  "
                      f"{'INTERVAL_S':<14}  NOTE")
            n = 0
            for ev in dev.events(timeout=a.timeout):
                print(line(dev.label or dev.name, ev), flush=True)
                n += 1
                if a.count and n >= a.count:
                    break
    except irqcap.IrqcapError as e:
        print(f"irqcap-monitor: {e.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
