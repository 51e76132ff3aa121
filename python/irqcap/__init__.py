# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
"""irqcap: read timestamped interrupt records from /dev/irqcapN.

A thin binding of libirqcap (libirqcap.so.1) through ctypes: device lookup
(by ``irqcapN``, number, node path or label), info, statistics and settings
with the driver's errors, and a reader that delivers records through read()
or the mapped ring with the library's stream rules (seqno continuity,
OVERFLOW accounting, timestamps only forward) - the rules exist only there.

    import irqcap

    with irqcap.open("irqcap0") as dev:
        print(dev.info())
        for ev in dev.events(timeout=1.0):
            print(ev.type.name, ev.seqno, ev.timestamp_ns, ev.edge.name)

Errors raise :class:`IrqcapError` (an :class:`OSError`) carrying the
library's errno value and its message with context.
"""

from __future__ import annotations

import asyncio
import ctypes
import enum
import os
from dataclasses import dataclass, fields
from typing import AsyncIterator, Iterator, Optional, Union

from . import _lib

__all__ = [
    "Clock", "Counts", "Device", "Edge", "Event", "EventType", "Info", "IrqcapError",
    "Mode", "Source", "Stats", "E_ABI", "E_BADNAME", "E_END", "library_version",
    "list_devices", "open",
]

E_ABI = _lib.E_ABI
"""errno of :class:`IrqcapError` when the driver speaks another uAPI ABI."""
E_BADNAME = _lib.E_BADNAME
"""errno of :class:`IrqcapError` when a spec is no device name, path or label."""
E_END = _lib.E_END
"""The end of a recording (never raised: the iterators stop)."""

PathArg = Union[str, "os.PathLike[str]"]

_libc: Optional[ctypes.CDLL] = None


def _l() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = _lib.load()
    return _libc


class EventType(enum.IntEnum):
    """enum irqcap_event_type.  Records of types this module does not know
    keep their number as :attr:`Event.type` (an int)."""
    IRQ = 1
    TIMEOUT = 2
    OVERFLOW = 3
    MARKER = 4
    SUSPEND = 5
    RESUME = 6
    THROTTLED = 7


class Edge(enum.IntEnum):
    """enum irqcap_edge: which edge an IRQ record is for (UNKNOWN: not known)."""
    UNKNOWN = 0
    RISING = 1
    FALLING = 2


class Clock(enum.IntEnum):
    """enum irqcap_clock: the clock of a reader's timestamps."""
    MONOTONIC = 0
    BOOTTIME = 1
    REALTIME = 2
    TAI = 3


class Mode(enum.IntEnum):
    """How a reader reads: AUTO (mapped ring if offered, else read()), READ, MMAP."""
    AUTO = 0
    READ = 1
    MMAP = 2


class IrqcapError(OSError):
    """A failure of libirqcap or of the driver.

    :attr:`errno` is the errno value the driver or the library gave (EINVAL
    for a value the driver rejected, EACCES, ENODEV, ...) or one of
    :data:`E_ABI`, :data:`E_BADNAME`; :attr:`strerror` is the library's
    message with its context (e.g. ``"irqcap0: bottom_half: Invalid
    argument"``).
    """

    def __init__(self, err: int, message: str, filename: Optional[str] = None):
        super().__init__(abs(err), message)
        if filename is not None:
            self.filename = filename


def _strerror(err: int) -> str:
    return _lib.fsdecode(_l().irqcap_strerror(err)) or ""


def _raise(err: int, ctx: bytes | None = None, what: str = "") -> "IrqcapError":
    msg = _lib.fsdecode(ctx) if ctx else ""
    if not msg:
        msg = (what + ": " if what else "") + _strerror(err)
    return IrqcapError(err, msg)


def _enum(cls: type[enum.IntEnum], v: int) -> int:
    try:
        return cls(v)
    except ValueError:
        return v


@dataclass(frozen=True)
class Event:
    """One record and what it means in its stream.

    type: :class:`EventType` (an int for a type this module does not know);
    seqno: the number of the last interrupt at the time of the record;
    timestamp_ns: on :attr:`clock`; edge: :class:`Edge` (IRQ records);
    clock: :class:`Clock`; data: the type's value (marker value, timeout or
    suspend length, ...); lost: for an OVERFLOW record the records lost,
    else None; gap: interrupts missing by seqno right before this record,
    gap_from: the seqno before the gap; interval_ns: for an IRQ record the
    time since the previous IRQ record when known, else None;
    after_overflow: the record follows an OVERFLOW record; violations: the
    library's IRQCAP_V_* bits of stream rules this record broke (0 from a
    correct driver).
    """
    type: int
    seqno: int
    timestamp_ns: int
    edge: Edge
    clock: Clock
    data: int
    lost: Optional[int]
    gap: int
    gap_from: int
    interval_ns: Optional[int]
    after_overflow: bool
    violations: int

    @classmethod
    def _from(cls, r: _lib.CRecord) -> "Event":
        e = r.ev
        t = _enum(EventType, e.type)
        return cls(t, e.seqno, e.timestamp_ns, _enum(Edge, e.edge),  # type: ignore[arg-type]
                   _enum(Clock, e.clock), e.data,  # type: ignore[arg-type]
                   r.lost if t == EventType.OVERFLOW else None, r.gap, r.gap_from,
                   r.interval_ns if r.have_interval else None, r.after_overflow,
                   r.violations)


def _copy(cls: type, c: ctypes.Structure) -> object:
    return cls(**{f.name: getattr(c, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Info:
    """IRQCAP_IOC_INFO (struct irqcap_info)."""
    abi_version: int
    event_size: int
    ring_size: int
    irq: int
    trigger: int
    flags: int
    mmap_data_offset: int


@dataclass(frozen=True)
class Stats:
    """IRQCAP_IOC_STATS (struct irqcap_stats); reader_* are the reader's."""
    irqs_seen: int
    events_committed: int
    debounced: int
    dropped: int
    timeouts: int
    reader_read: int
    reader_lost: int
    reader_pending: int
    throttled: int
    suspends: int


@dataclass(frozen=True)
class Source:
    """IRQCAP_IOC_SOURCE (struct irqcap_source): where the interrupt comes from."""
    label: str
    fwnode: str
    irqchip: str
    gpiochip: str
    hwirq: int
    gpio_line: int
    trigger: int


@dataclass(frozen=True)
class Counts:
    """What a reader delivered so far (struct irqcap_counts)."""
    records: int
    irqs: int
    timeouts: int
    markers: int
    overflows: int
    others: int
    lost: int
    gap_total: int
    gap_unreported: int
    backward: int
    bad: int
    torn: int
    truncated: int


def library_version() -> str:
    """libirqcap's version at run time ("MAJOR.MINOR")."""
    return _lib.fsdecode(_l().irqcap_version()) or ""


def _roots(sysfs_root: Optional[PathArg], dev_root: Optional[PathArg]) -> _lib.Roots:
    return _lib.Roots(_lib.fsencode(sysfs_root), _lib.fsencode(dev_root))


def list_devices(*, sysfs_root: Optional[PathArg] = None,
                 dev_root: Optional[PathArg] = None) -> list[str]:
    """The names of every irqcap device ("irqcap0", ...), sorted by number.

    sysfs_root/dev_root: where sysfs and the device nodes are (default /sys
    and /dev; a fake tree of the same layout for tests).  No devices: [].
    """
    names = ctypes.POINTER(ctypes.c_char_p)()
    roots = _roots(sysfs_root, dev_root)
    n = _l().irqcap_list_devices(ctypes.byref(roots), ctypes.byref(names))
    if n == -2:  # ENOENT: no misc class at all
        return []
    if n < 0:
        raise _raise(n, None, "list devices")
    try:
        return [os.fsdecode(names[i]) for i in range(n)]
    finally:
        _l().irqcap_names_free(names)


def _clock_arg(clock: Union[str, int]) -> int:
    if isinstance(clock, str):
        v = _l().irqcap_clock_parse(clock.lower().encode())
        if v < 0:
            raise IrqcapError(-v, f"clock {clock!r}: {_strerror(v)}")
        return int(v)
    return int(clock)


def _mode_arg(mode: Union[str, int]) -> int:
    if isinstance(mode, str):
        try:
            return int(Mode[mode.upper()])
        except KeyError:
            raise ValueError(f"mode {mode!r}: not auto, read or mmap") from None
    return int(mode)


class Device:
    """An irqcap device and, unless opened with ``reader=False``, a reader on
    it that sees the records staged from the time of :func:`open` on.

    Not thread-safe: use one Device from one thread (or lock around it).
    Close it (or use it as a context manager) to release the file.
    """

    def __init__(self, spec: PathArg, *, mode: Union[str, int] = "auto",
                 clock: Union[str, int] = "monotonic", reader: bool = True,
                 sysfs_root: Optional[PathArg] = None, dev_root: Optional[PathArg] = None):
        lib = _l()
        self._dev: Optional[int] = None
        self._rd: Optional[int] = None
        roots = _roots(sysfs_root, dev_root)
        p = ctypes.c_void_p()
        err = lib.irqcap_device_find(ctypes.byref(roots), _lib.fsencode(spec), ctypes.byref(p))
        if err < 0:
            raise IrqcapError(err, f"{os.fsdecode(spec)}: {_strerror(err)}", os.fsdecode(spec))
        self._dev = p.value
        self._rec = _lib.CRecord()
        if reader:
            opts = _lib.ReaderOpts(_mode_arg(mode), _clock_arg(clock), 0)
            r = ctypes.c_void_p()
            err = lib.irqcap_reader_open(self._dev, ctypes.byref(opts), ctypes.byref(r))
            if err < 0:
                e = _raise(err, lib.irqcap_device_errmsg(self._dev), self.name)
                self.close()
                raise e
            self._rd = r.value

    # -- lifetime --------------------------------------------------------
    def close(self) -> None:
        """Close the reader and free the device (idempotent)."""
        lib = _l()
        if self._rd is not None:
            lib.irqcap_reader_close(self._rd)
            self._rd = None
        if self._dev is not None:
            lib.irqcap_device_free(self._dev)
            self._dev = None

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __repr__(self) -> str:
        if self._dev is None:
            return "<irqcap.Device closed>"
        return f"<irqcap.Device {self.name} label={self.label!r}>"

    def _d(self) -> int:
        if self._dev is None:
            raise ValueError("I/O operation on a closed irqcap.Device")
        return self._dev

    def _r(self) -> int:
        if self._rd is None:
            self._d()
            raise ValueError("irqcap.Device opened with reader=False has no reader")
        return self._rd

    # -- the device --------------------------------------------------------
    @property
    def name(self) -> str:
        """The kernel's name, "irqcapN"."""
        return _lib.fsdecode(_l().irqcap_device_name(self._d())) or ""

    @property
    def node(self) -> str:
        """The device node's path."""
        return _lib.fsdecode(_l().irqcap_device_node(self._d())) or ""

    @property
    def sysfs_dir(self) -> str:
        """The sysfs directory holding the device's attributes."""
        return _lib.fsdecode(_l().irqcap_device_sysfs_dir(self._d())) or ""

    @property
    def label(self) -> Optional[str]:
        """The device's label (sysfs, or the Device Tree property), or None."""
        return _lib.fsdecode(_l().irqcap_device_label(self._d()))

    def firmware_node(self) -> str:
        """Where the device comes from, as text (ACPI path or DT node)."""
        buf = ctypes.create_string_buffer(512)
        err = _l().irqcap_device_firmware_node(self._d(), buf, len(buf))
        if err < 0:
            raise _raise(err, _l().irqcap_device_errmsg(self._d()), self.name)
        return os.fsdecode(buf.value)

    def get(self, key: str) -> str:
        """A sysfs attribute's value as text ("bottom_half", "ring_size", ...).

        Raises IrqcapError (errno ENOENT) for an attribute the driver lacks.
        """
        d = self._d()
        buf = ctypes.create_string_buffer(4096)
        err = _l().irqcap_device_get(d, key.encode(), buf, len(buf))
        if err < 0:
            raise _raise(err, _l().irqcap_device_errmsg(d), f"{self.name}: {key}")
        return buf.value.decode(errors="replace")

    def get_int(self, key: str) -> int:
        """A numeric sysfs attribute (decimal)."""
        v = self.get(key)
        try:
            return int(v, 10)
        except ValueError:
            raise IrqcapError(22, f"{self.name}: {key}: not a number: {v!r}") from None

    def set(self, key: str, value: Union[str, int]) -> None:
        """Write a setting; the driver validates it and its error is raised
        as it is (errno EINVAL or ERANGE: rejected, nothing changed)."""
        d = self._d()
        err = _l().irqcap_device_set(d, key.encode(), str(value).encode())
        if err < 0:
            raise _raise(err, _l().irqcap_device_errmsg(d), f"{self.name}: {key}")

    def info(self) -> Info:
        """IRQCAP_IOC_INFO.  Raises IrqcapError with errno E_ABI when the
        driver speaks another ABI, ENOTTY on a recording."""
        d = self._d()
        c = _lib.CInfo()
        err = _l().irqcap_device_info(d, ctypes.byref(c))
        if err < 0:
            raise _raise(err, _l().irqcap_device_errmsg(d), self.name)
        return _copy(Info, c)  # type: ignore[return-value]

    def stats(self) -> Stats:
        """IRQCAP_IOC_STATS; with a reader its reader_* fields are the reader's."""
        lib = _l()
        c = _lib.CStats()
        if self._rd is not None:
            err = lib.irqcap_reader_stats(self._rd, ctypes.byref(c))
            ctx = lib.irqcap_reader_errmsg(self._rd) if err < 0 else None
        else:
            err = lib.irqcap_device_stats(self._d(), ctypes.byref(c))
            ctx = lib.irqcap_device_errmsg(self._d()) if err < 0 else None
        if err < 0:
            raise _raise(err, ctx, self.name)
        return _copy(Stats, c)  # type: ignore[return-value]

    def source(self) -> Source:
        """IRQCAP_IOC_SOURCE (errno ENOTTY from a driver without it)."""
        d = self._d()
        c = _lib.CSource()
        err = _l().irqcap_device_source(d, ctypes.byref(c))
        if err < 0:
            raise _raise(err, _l().irqcap_device_errmsg(d), self.name)
        def dec(b: bytes) -> str:
            return b.decode(errors="replace")

        return Source(dec(c.label), dec(c.fwnode), dec(c.irqchip), dec(c.gpiochip),
                      c.hwirq, c.gpio_line, c.trigger)

    # -- the reader --------------------------------------------------------
    def fileno(self) -> int:
        """The reader's file descriptor, for selectors, poll and asyncio:
        readable means :meth:`read_event` has a record.  Do not read() it."""
        return int(_l().irqcap_reader_fd(self._r()))

    @property
    def mode(self) -> Mode:
        """How the reader reads: Mode.READ or Mode.MMAP."""
        return Mode(_l().irqcap_reader_mode(self._r()))

    @property
    def clock(self) -> Clock:
        """The clock of the records' timestamps."""
        return Clock(_l().irqcap_reader_clock(self._r()))

    def set_clock(self, clock: Union[str, int]) -> None:
        """Choose the records' clock ("monotonic", "boottime", "realtime", "tai")."""
        r = self._r()
        err = _l().irqcap_reader_set_clock(r, _clock_arg(clock))
        if err < 0:
            raise _raise(err, _l().irqcap_reader_errmsg(r), self.name)

    def expect(self, seqno: int) -> None:
        """The seqno the next IRQ record should have (else the first is the baseline)."""
        _l().irqcap_reader_expect(self._r(), seqno)

    def read_event(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next record, waiting up to timeout seconds (None: forever,
        0: not at all).  None when none came in time, a signal ended the
        wait, or a recording ended (see :attr:`ended`)."""
        r = self._r()
        ms = -1 if timeout is None else max(0, int(timeout * 1000 + 0.999))
        n = _l().irqcap_reader_next(r, ctypes.byref(self._rec), ms)
        if n == 1:
            return Event._from(self._rec)
        if n == 0:
            return None
        if n == -E_END:
            self._ended = True
            return None
        raise _raise(n, _l().irqcap_reader_errmsg(r), self.name)

    _ended = False

    @property
    def ended(self) -> bool:
        """A recording (a regular file or FIFO as node) has ended."""
        return self._ended

    def events(self, timeout: Optional[float] = None) -> Iterator[Event]:
        """Iterate over records until none came for timeout seconds (None:
        never stop), or a recording ended."""
        while True:
            ev = self.read_event(timeout)
            if ev is None:
                return
            yield ev

    def __iter__(self) -> Iterator[Event]:
        return self.events(None)

    def pending(self) -> bool:
        """Records are buffered: :meth:`read_event` (0) returns one without waiting."""
        return bool(_l().irqcap_reader_pending(self._r()))

    async def aevents(self, timeout: Optional[float] = None) -> AsyncIterator[Event]:
        """Async iterator over records (asyncio's loop watches :meth:`fileno`);
        stops when none came for timeout seconds (None: never) or at the
        end of a recording."""
        loop = asyncio.get_running_loop()
        fd = self.fileno()
        while True:
            ev = self.read_event(0)
            if ev is not None:
                yield ev
                continue
            if self._ended:
                return
            ready: asyncio.Future[None] = loop.create_future()

            def wake() -> None:
                if not ready.done():
                    ready.set_result(None)

            loop.add_reader(fd, wake)
            try:
                await asyncio.wait_for(ready, timeout)
            except asyncio.TimeoutError:
                return
            finally:
                loop.remove_reader(fd)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self.aevents(None)

    def counts(self) -> Counts:
        """What the reader delivered so far."""
        c = _lib.CCounts()
        _l().irqcap_reader_counts(self._r(), ctypes.byref(c))
        return _copy(Counts, c)  # type: ignore[return-value]

    def stream_error(self) -> Optional[str]:
        """The first stream rule broken ("record N: ..."), or None."""
        return _lib.fsdecode(_l().irqcap_reader_stream_error(self._r()))

    def flush(self) -> int:
        """Drop the reader's backlog; the number of records dropped."""
        r = self._r()
        n = _l().irqcap_reader_flush(r)
        if n < 0:
            raise _raise(n, _l().irqcap_reader_errmsg(r), self.name)
        return int(n)


def open(spec: PathArg, *, mode: Union[str, int] = "auto",  # noqa: A001
         clock: Union[str, int] = "monotonic", reader: bool = True,
         sysfs_root: Optional[PathArg] = None, dev_root: Optional[PathArg] = None) -> Device:
    """Open a device by "irqcapN", number, node path or label.

    mode: "auto" (the mapped ring when the driver offers it, else read()),
    "read" or "mmap"; clock: the records' clock; reader=False looks the
    device up without opening its node (info(), stats(), get()/set() work).
    sysfs_root/dev_root: a fake tree in place of /sys and /dev.
    """
    return Device(spec, mode=mode, clock=clock, reader=reader, sysfs_root=sysfs_root,
                  dev_root=dev_root)
