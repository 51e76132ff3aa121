# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
"""The fake sysfs/dev tree of the CLI tests (tools/tests/run.sh), in Python."""

import os
import struct
from pathlib import Path

import pytest

REC = struct.Struct("<QQQIBBH")


def rec(type_, ts, seq, data=0, edge=0, clock=0, reserved=0):
    return REC.pack(ts, seq, data, type_, edge, clock, reserved)


# irqcap0: irq 1, irq 2 (+10 ms), irq 5 (3, 4 missing), overflow of 7,
# irq 13, marker 42, idle timeout after 1 s (the CLI tests' recording)
IRQCAP0 = [rec(1, 1000000000, 1), rec(1, 1010000000, 2, 0, 1), rec(1, 1020000000, 5, 0, 2),
           rec(3, 1030000000, 5, 7), rec(1, 1040000000, 13), rec(4, 1050000000, 13, 42),
           rec(2, 2040000000, 13, 1000000000)]
IRQCAP1 = [rec(1, 1005000000, 8), rec(1, 1025000000, 9), rec(1, 1045000000, 10)]


class Tree:
    def __init__(self, root: Path):
        self.root = root
        self.sys = root / "sys"
        self.dev = root / "dev"
        s = self.sys
        (s / "class/misc").mkdir(parents=True)
        self.dev.mkdir()
        self.p0 = s / "devices/platform/PRP0001:00"
        self.p1 = s / "devices/platform/irqcap.1"
        (self.p0 / "firmware_node").mkdir(parents=True)
        self.p1.mkdir(parents=True)
        (s / "firmware/devicetree/base/soc/irqcap@1").mkdir(parents=True)
        for p, (irq, bh, ring) in ((self.p0, (5, "threaded", 256)),
                                   (self.p1, (7, "workqueue", 1024))):
            for k, v in (("irq", irq), ("bottom_half", bh), ("ring_size", ring),
                         ("irqs_seen", 120), ("debounce_us", 0), ("dropped", 0)):
                (p / k).write_text(f"{v}\n")
        (self.p0 / "firmware_node/path").write_text("\\_SB_.IQC0\n")
        (self.p0 / "label").write_text("door\n")
        (self.p1 / "of_node").symlink_to(s / "firmware/devicetree/base/soc/irqcap@1")
        for n, p in ((0, self.p0), (1, self.p1)):
            self.add_misc(n, p)
        (s / "class/misc/cpu_dma_latency").mkdir()
        self.recording(0, IRQCAP0)
        self.recording(1, IRQCAP1)

    def add_misc(self, n, platform):
        (self.sys / f"class/misc/irqcap{n}").mkdir()
        (self.sys / f"class/misc/irqcap{n}/device").symlink_to(platform)

    def recording(self, n, records):
        (self.dev / f"irqcap{n}").write_bytes(b"".join(records))

    def open(self, spec, **kw):
        import irqcap
        return irqcap.open(spec, sysfs_root=self.sys, dev_root=self.dev, **kw)

    def env(self):
        e = dict(os.environ)
        e.update(IRQCAP_SYSFS_ROOT=str(self.sys), IRQCAP_DEV_ROOT=str(self.dev))
        e.pop("IRQCAP_DEBUGFS_ROOT", None)
        return e


@pytest.fixture
def tree(tmp_path):
    return Tree(tmp_path)
