# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
"""python3-irqcap against the CLI tests' fake sysfs/dev tree (no driver)."""

import asyncio
import ctypes
import errno
import os
import selectors
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import irqcap
from irqcap import Clock, Edge, EventType, IrqcapError, _lib

from conftest import IRQCAP0, rec

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXAMPLE = HERE.parent / "examples/irqcap-monitor.py"


def header_dir():
    for d in (REPO / "tools/include", Path("/usr/include")):
        if (d / "irqcap/irqcap.h").exists():
            return d
    return None


def test_struct_layout_matches_header(tmp_path):
    """Every ctypes struct has the C header's size and field offsets."""
    inc = header_dir()
    cc = shutil.which(os.environ.get("CC", "cc"))
    if inc is None or cc is None:
        pytest.skip("no <irqcap/irqcap.h> or no C compiler")
    checks = {
        "irqcap_event": (_lib.CEvent, ["timestamp_ns", "seqno", "data", "type", "edge", "clock"]),
        "irqcap_info": (_lib.CInfo, ["ring_size", "trigger", "flags", "mmap_data_offset"]),
        "irqcap_stats": (_lib.CStats, ["reader_read", "throttled", "suspends", "reserved"]),
        "irqcap_source": (_lib.CSource, ["fwnode", "irqchip", "gpiochip", "hwirq",
                                          "gpio_line", "trigger"]),
        "irqcap_reader_opts": (_lib.ReaderOpts, ["clock", "flags", "reserved"]),
        "irqcap_record": (_lib.CRecord, ["gap", "lost", "interval_ns", "have_interval",
                                          "after_overflow", "violations", "reserved"]),
        "irqcap_counts": (_lib.CCounts, list(_lib.COUNT_FIELDS) + ["reserved"]),
        "irqcap_roots": (_lib.Roots, ["sysfs", "dev"]),
    }
    src = ["#include <stdio.h>", "#include <stddef.h>", "#include <irqcap/irqcap.h>",
           "int main(void) {"]
    want = []
    for s, (cls, flds) in checks.items():
        src.append(f'printf("%zu\\n", sizeof(struct {s}));')
        want.append(ctypes.sizeof(cls))
        for f in flds:
            src.append(f'printf("%zu\\n", offsetof(struct {s}, {f}));')
            want.append(getattr(cls, f).offset)
    src.append("return 0; }")
    c = tmp_path / "layout.c"
    c.write_text("\n".join(src))
    subprocess.run([cc, f"-I{inc}", "-o", str(tmp_path / "layout"), str(c)], check=True)
    got = subprocess.run([str(tmp_path / "layout")], check=True, capture_output=True,
                         text=True).stdout.split()
    assert [int(x) for x in got] == want


def test_list_devices(tree):
    assert irqcap.list_devices(sysfs_root=tree.sys, dev_root=tree.dev) == ["irqcap0", "irqcap1"]
    empty = tree.root / "empty"
    empty.mkdir()
    assert irqcap.list_devices(sysfs_root=empty) == []


@pytest.mark.parametrize("spec", ["irqcap0", "0", "door", "DEVPATH"])
def test_open_by_name_number_label_path(tree, spec):
    if spec == "DEVPATH":
        spec = tree.dev / "irqcap0"
    with tree.open(spec, reader=False) as dev:
        assert dev.name == "irqcap0"
        assert dev.label == "door"
        assert dev.sysfs_dir.endswith("class/misc/irqcap0/device")
        assert "IQC0" in dev.firmware_node()


def test_label_from_device_tree(tree):
    (tree.sys / "firmware/devicetree/base/soc/irqcap@1/label").write_bytes(b"bell\0")
    with tree.open("bell", reader=False) as dev:
        assert dev.name == "irqcap1" and dev.label == "bell"


def test_open_errors(tree):
    with pytest.raises(IrqcapError) as e:
        tree.open("nosuch")
    assert e.value.errno == irqcap.E_BADNAME and "nosuch" in e.value.strerror
    with pytest.raises(IrqcapError) as e:
        tree.open("irqcap9")
    assert e.value.errno == errno.ENODEV
    assert isinstance(e.value, OSError)
    with pytest.raises(ValueError):
        tree.open("irqcap0", mode="sideways")
    with pytest.raises(IrqcapError) as e:
        tree.open("irqcap0", clock="sundial")
    assert e.value.errno == errno.EINVAL


def test_get_set(tree):
    with tree.open("irqcap1", reader=False) as dev:
        assert dev.get("bottom_half") == "workqueue"
        assert dev.get_int("ring_size") == 1024
        dev.set("bottom_half", "tasklet")
        assert (tree.p1 / "bottom_half").read_text().strip() == "tasklet"
        assert dev.get("bottom_half") == "tasklet"
        dev.set("debounce_us", 25)
        assert dev.get_int("debounce_us") == 25
        with pytest.raises(IrqcapError) as e:
            dev.get("no_such_attr")
        assert e.value.errno == errno.ENOENT
        with pytest.raises(IrqcapError) as e:
            dev.set("no_such_attr", "1")
        assert e.value.errno == errno.ENOENT and "no_such_attr" in e.value.strerror


def test_set_passes_the_drivers_error(tree):
    """A write the system refuses (the attribute is a directory: EISDIR)
    raises that errno as it came, not one of the library's own."""
    (tree.p0 / "storm_limit").mkdir()
    with tree.open("irqcap0", reader=False) as dev:
        with pytest.raises(IrqcapError) as e:
            dev.set("storm_limit", "5")
    assert e.value.errno == errno.EISDIR


def test_events_from_recording(tree):
    with tree.open("irqcap0") as dev:
        evs = list(dev.events(timeout=1.0))
        assert dev.ended
        c = dev.counts()
        err = dev.stream_error()
    assert [e.type for e in evs] == [EventType.IRQ] * 3 + [EventType.OVERFLOW, EventType.IRQ,
                                                            EventType.MARKER, EventType.TIMEOUT]
    assert [e.seqno for e in evs] == [1, 2, 5, 5, 13, 13, 13]
    assert evs[0].timestamp_ns == 1000000000 and evs[0].interval_ns is None
    assert evs[1].interval_ns == 10000000 and evs[1].edge is Edge.RISING
    assert evs[2].edge is Edge.FALLING and evs[0].edge is Edge.UNKNOWN
    assert (evs[2].gap, evs[2].gap_from, evs[2].interval_ns) == (2, 2, None)
    assert evs[3].lost == 7 and evs[0].lost is None
    assert evs[4].after_overflow and evs[4].gap == 7
    assert evs[5].data == 42 and evs[6].data == 1000000000
    assert all(e.clock is Clock.MONOTONIC for e in evs)
    # the recording's 2 -> 5 jump has no OVERFLOW: the one violation (GAP)
    assert [e.violations for e in evs] == [0, 0, 0x01, 0, 0, 0, 0]
    assert err and err.startswith("record 2: ")
    assert (c.records, c.irqs, c.overflows, c.markers, c.timeouts) == (7, 4, 1, 1, 1)
    assert (c.lost, c.gap_total, c.gap_unreported) == (7, 9, 2)


def test_stream_rules_flag_a_bad_driver(tree):
    """The library's rules, not a copy: timestamps backwards, seqno
    backwards and a reserved word set are reported per record."""
    tree.recording(0, [rec(1, 2000, 1), rec(1, 1000, 2), rec(1, 3000, 1),
                       rec(1, 4000, 3, reserved=5)])
    with tree.open("irqcap0") as dev:
        evs = list(dev.events(timeout=0))
        err = dev.stream_error()
        c = dev.counts()
    v = [e.violations for e in evs]
    assert v[0] == 0 and v[1] & 0x10 and v[2] & 0x04 and v[3] & 0x20
    assert err and err.startswith("record 1: ")
    assert c.backward == 1 and c.bad == 3


def test_info_on_recording_is_enotty(tree):
    with tree.open("irqcap0") as dev:
        with pytest.raises(IrqcapError) as e:
            dev.info()
    assert e.value.errno == errno.ENOTTY


def test_closed_device(tree):
    dev = tree.open("irqcap0")
    dev.close()
    dev.close()
    with pytest.raises(ValueError):
        dev.get("irq")
    with tree.open("irqcap0", reader=False) as d2, pytest.raises(ValueError):
        d2.fileno()


def _fifo_device(tree):
    fifo = tree.dev / "irqcap2"
    os.mkfifo(fifo)
    tree.add_misc(2, tree.p0)
    keep = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # no EOF while we write
    return fifo, keep


def test_fileno_with_selectors_and_timeout(tree):
    fifo, keep = _fifo_device(tree)
    try:
        with tree.open("irqcap2") as dev:
            t0 = time.monotonic()
            assert dev.read_event(timeout=0.2) is None
            assert 0.15 < time.monotonic() - t0 < 5
            sel = selectors.DefaultSelector()
            sel.register(dev, selectors.EVENT_READ)
            assert sel.select(timeout=0) == []
            os.write(keep, rec(1, 5, 1) + rec(1, 6, 2))
            assert len(sel.select(timeout=5)) == 1
            assert [e.seqno for e in dev.events(timeout=0)] == [1, 2]
            sel.close()
    finally:
        os.close(keep)


def test_async_iterator(tree):
    fifo, keep = _fifo_device(tree)

    def writer():
        for i in range(1, 6):
            time.sleep(0.02)
            os.write(keep, rec(1, 1000 * i, i))

    async def main():
        with tree.open("irqcap2") as dev:
            th = threading.Thread(target=writer)
            th.start()
            got = [ev.seqno async for ev in dev.aevents(timeout=2.0)]
            th.join()
            return got

    try:
        assert asyncio.run(main()) == [1, 2, 3, 4, 5]
    finally:
        os.close(keep)


def cli_binary():
    c = REPO / "tools/irqcap"
    return str(c) if os.access(c, os.X_OK) else shutil.which("irqcap")


def test_example_prints_like_irqcap_monitor(tree):
    cli = cli_binary()
    if cli is None:
        pytest.skip("no irqcap CLI to compare with")
    env = tree.env()
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent)] + sys.path)
    for dev in ("irqcap0", "irqcap1"):
        want = subprocess.run([cli, "monitor", dev], env=env, capture_output=True, text=True)
        got = subprocess.run([sys.executable, str(EXAMPLE), dev], env=env,
                             capture_output=True, text=True)
        assert want.returncode == 0 and got.returncode == 0, got.stderr
        assert got.stdout == want.stdout
        assert len(got.stdout.splitlines()) == 1 + (7 if dev == "irqcap0" else 3)


def test_example_error_message(tree):
    env = tree.env()
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent)] + sys.path)
    p = subprocess.run([sys.executable, str(EXAMPLE), "nosuch"], env=env,
                       capture_output=True, text=True)
    assert p.returncode == 1 and "nosuch" in p.stderr


def test_unknown_type_kept_as_int(tree):
    tree.recording(0, [rec(1, 1, 1), rec(99, 2, 1, 5)])
    with tree.open("irqcap0") as dev:
        evs = list(dev.events(timeout=0))
    assert evs[1].type == 99 and not isinstance(evs[1].type, EventType)
    assert len(IRQCAP0) == 7
