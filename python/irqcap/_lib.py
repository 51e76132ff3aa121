# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
"""ctypes declarations of libirqcap.so.1 (<irqcap/irqcap.h>); internal."""

from __future__ import annotations

import ctypes
import os
from ctypes import (POINTER, Structure, c_bool, c_char, c_char_p, c_int,
                    c_int32, c_size_t, c_uint, c_uint8, c_uint16, c_uint32,
                    c_uint64, c_void_p)

SONAME = "libirqcap.so.1"

# Library-specific errors (positive here; the library returns them negated)
E_ABI = 4096
E_BADNAME = 4097
E_END = 4098


class Roots(Structure):
    _fields_ = [("sysfs", c_char_p), ("dev", c_char_p)]


class CEvent(Structure):
    _fields_ = [("timestamp_ns", c_uint64), ("seqno", c_uint64), ("data", c_uint64),
                ("type", c_uint32), ("edge", c_uint8), ("clock", c_uint8),
                ("reserved", c_uint16)]


class CInfo(Structure):
    _fields_ = [(n, c_uint32) for n in ("abi_version", "event_size", "ring_size", "irq",
                                        "trigger", "flags", "mmap_data_offset",
                                        "reserved")]


class CStats(Structure):
    _fields_ = [(n, c_uint64) for n in ("irqs_seen", "events_committed", "debounced",
                                        "dropped", "timeouts", "reader_read",
                                        "reader_lost", "reader_pending", "throttled",
                                        "suspends")] + [("reserved", c_uint64 * 2)]


class CSource(Structure):
    _fields_ = [("label", c_char * 64), ("fwnode", c_char * 128), ("irqchip", c_char * 32),
                ("gpiochip", c_char * 32), ("hwirq", c_uint64), ("gpio_line", c_int32),
                ("trigger", c_uint32), ("reserved", c_uint32 * 4)]


class ReaderOpts(Structure):
    _fields_ = [("mode", c_uint), ("clock", c_uint), ("flags", c_uint),
                ("reserved", c_uint * 5)]


class CRecord(Structure):
    _fields_ = [("ev", CEvent), ("gap", c_uint64), ("gap_from", c_uint64),
                ("lost", c_uint64), ("interval_ns", c_uint64), ("have_interval", c_bool),
                ("after_overflow", c_bool), ("violations", c_uint),
                ("reserved", c_uint64 * 2)]


COUNT_FIELDS = ("records", "irqs", "timeouts", "markers", "overflows", "others", "lost",
                "gap_total", "gap_unreported", "backward", "bad", "torn", "truncated")


class CCounts(Structure):
    _fields_ = [(n, c_uint64) for n in COUNT_FIELDS] + [("reserved", c_uint64 * 3)]


# name: (restype, argtypes)
_PROTOS = {
    "irqcap_version": (c_char_p, []),
    "irqcap_strerror": (c_char_p, [c_int]),
    "irqcap_list_devices": (c_int, [POINTER(Roots), POINTER(POINTER(c_char_p))]),
    "irqcap_names_free": (None, [POINTER(c_char_p)]),
    "irqcap_device_find": (c_int, [POINTER(Roots), c_char_p, POINTER(c_void_p)]),
    "irqcap_device_free": (None, [c_void_p]),
    "irqcap_device_name": (c_char_p, [c_void_p]),
    "irqcap_device_node": (c_char_p, [c_void_p]),
    "irqcap_device_sysfs_dir": (c_char_p, [c_void_p]),
    "irqcap_device_label": (c_char_p, [c_void_p]),
    "irqcap_device_firmware_node": (c_int, [c_void_p, c_char_p, c_size_t]),
    "irqcap_device_errmsg": (c_char_p, [c_void_p]),
    "irqcap_device_get": (c_int, [c_void_p, c_char_p, c_char_p, c_size_t]),
    "irqcap_device_set": (c_int, [c_void_p, c_char_p, c_char_p]),
    "irqcap_device_info": (c_int, [c_void_p, POINTER(CInfo)]),
    "irqcap_device_stats": (c_int, [c_void_p, POINTER(CStats)]),
    "irqcap_device_source": (c_int, [c_void_p, POINTER(CSource)]),
    "irqcap_reader_open": (c_int, [c_void_p, POINTER(ReaderOpts), POINTER(c_void_p)]),
    "irqcap_reader_close": (None, [c_void_p]),
    "irqcap_reader_fd": (c_int, [c_void_p]),
    "irqcap_reader_mode": (c_int, [c_void_p]),
    "irqcap_reader_clock": (c_int, [c_void_p]),
    "irqcap_reader_set_clock": (c_int, [c_void_p, c_uint]),
    "irqcap_reader_next": (c_int, [c_void_p, POINTER(CRecord), c_int]),
    "irqcap_reader_pending": (c_bool, [c_void_p]),
    "irqcap_reader_counts": (None, [c_void_p, POINTER(CCounts)]),
    "irqcap_reader_stream_error": (c_char_p, [c_void_p]),
    "irqcap_reader_expect": (None, [c_void_p, c_uint64]),
    "irqcap_reader_stats": (c_int, [c_void_p, POINTER(CStats)]),
    "irqcap_reader_flush": (c_int, [c_void_p]),
    "irqcap_reader_errmsg": (c_char_p, [c_void_p]),
    "irqcap_clock_parse": (c_int, [c_char_p]),
}


def load(path: str | None = None) -> ctypes.CDLL:
    """Load libirqcap by its soname (the dynamic loader's search path:
    LD_LIBRARY_PATH, then the system's), or from @path."""
    lib = ctypes.CDLL(path or SONAME, use_errno=True)
    for name, (res, args) in _PROTOS.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


def fsencode(s: str | os.PathLike[str] | None) -> bytes | None:
    return None if s is None else os.fsencode(s)


def fsdecode(b: bytes | None) -> str | None:
    return None if b is None else os.fsdecode(b)
