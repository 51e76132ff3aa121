/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * irqcap user-space ABI: timestamped interrupt events read from /dev/irqcapN.
 *
 * read() returns whole struct irqcap_event records, as many as fit in the
 * buffer.  Every open file has its own cursor and sees every record; a reader
 * that falls more than the ring size behind is told how many records it lost
 * by an IRQCAP_EVENT_OVERFLOW record placed where the loss happened.
 *
 * Ordering: records come in the order they were staged, and their
 * timestamps never decrease in that order, whatever their type (every
 * record's time is read under the lock that orders the staging; an
 * OVERFLOW record repeats the time of the record before it).
 *
 * ABI 2 moved the ioctls off 0xB6, which belongs to linux/fpga-dfl.h, to
 * 0xD4; the records and the ioctls' structures are those of ABI 1.  A
 * program built for ABI 1 gets ENOTTY from its ioctls and must be rebuilt;
 * its read() and write() still work.
 *
 * ABI 3 (this header) adds, without changing any size or offset of ABI 2:
 * the edge and the clock of each record (in what was its reserved word),
 * the record types SUSPEND, RESUME and THROTTLED, the reader's clock
 * (IRQCAP_IOC_SET_CLOCK), where the interrupt comes from (IRQCAP_IOC_SOURCE
 * and struct irqcap_info's former reserved words), two counters in struct
 * irqcap_stats, and the mapped ring (mmap(), struct irqcap_mmap_page,
 * struct irqcap_mmap_reader, IRQCAP_IOC_CONSUME).  A program built for ABI 2 keeps working: its
 * ioctls keep their numbers and sizes, and the records their layout.  What
 * it can meet that ABI 2 never sent: a non-zero former reserved word (edge
 * and clock) and the three new record types, which appear only after a
 * suspend or with a storm limit set.  Readers must skip record types they
 * do not know and ignore reserved fields.
 */
#ifndef _UAPI_LINUX_IRQCAP_H
#define _UAPI_LINUX_IRQCAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IRQCAP_ABI_VERSION	3

/**
 * enum irqcap_event_type - what a record describes
 * @IRQCAP_EVENT_IRQ: an interrupt; @timestamp_ns is taken in the hard
 *	interrupt handler, first thing under the producer lock (on every
 *	kernel: PREEMPT_RT and threadirqs included), @seqno counts accepted
 *	interrupts from 1.
 * @IRQCAP_EVENT_TIMEOUT: no interrupt arrived for the idle timeout;
 *	@data is the time since the last interrupt in nanoseconds.
 * @IRQCAP_EVENT_OVERFLOW: this reader fell behind; @data records were lost
 *	between the previous record it read and the next one.  Its @seqno and
 *	@timestamp_ns are those of the last record this reader read (0 if
 *	none yet): the loss happened after that time.
 * @IRQCAP_EVENT_MARKER: a user marker written with write(); @data is the
 *	64-bit value that was written.
 * @IRQCAP_EVENT_SUSPEND: capture stopped for a system suspend (the
 *	device's suspend callback); nothing is captured until the RESUME
 *	record.  @data is 0.
 * @IRQCAP_EVENT_RESUME: capture resumed after a system suspend; @data is
 *	the time the system was suspended, in nanoseconds (CLOCK_BOOTTIME
 *	advanced by it while CLOCK_MONOTONIC did not).  When the interrupt
 *	woke the system (a wake-up source), its IRQ record follows.
 * @IRQCAP_EVENT_THROTTLED: the line fired faster than its storm limit
 *	(sysfs storm_limit) and was disabled; this record is staged when it
 *	is enabled again.  @data is the time it was disabled, in nanoseconds.
 *	Every interrupt the handler ran for is an IRQ record (none is dropped
 *	by throttling); edges that came while the line was disabled were not
 *	taken, and the controller merges them into at most one interrupt
 *	delivered when the line is enabled again.
 *
 * Readers must skip record types they do not know: later ABIs add some.
 */
enum irqcap_event_type {
	IRQCAP_EVENT_IRQ	= 1,
	IRQCAP_EVENT_TIMEOUT	= 2,
	IRQCAP_EVENT_OVERFLOW	= 3,
	IRQCAP_EVENT_MARKER	= 4,
	IRQCAP_EVENT_SUSPEND	= 5,
	IRQCAP_EVENT_RESUME	= 6,
	IRQCAP_EVENT_THROTTLED	= 7,
};

/**
 * enum irqcap_edge - which edge an IRQ record is for (struct irqcap_event
 * @edge)
 * @IRQCAP_EDGE_UNKNOWN: not known, or not an IRQ record: an "interrupts"
 *	source triggered on both edges, or a GPIO whose chip sleeps (its
 *	level cannot be read in the hard handler).  Never a guess.
 * @IRQCAP_EDGE_RISING: a rising edge: the trigger is rising only, or the
 *	GPIO line read high in the hard handler with both edges triggering
 *	(its raw, electrical level, as the trigger is: GPIO_ACTIVE_LOW does
 *	not invert it)
 * @IRQCAP_EDGE_FALLING: a falling edge (as above, low)
 */
enum irqcap_edge {
	IRQCAP_EDGE_UNKNOWN	= 0,
	IRQCAP_EDGE_RISING	= 1,
	IRQCAP_EDGE_FALLING	= 2,
};

/**
 * enum irqcap_clock - the clock of a reader's timestamps
 * @IRQCAP_CLOCK_MONOTONIC: CLOCK_MONOTONIC, the default, and the clock
 *	the hard handler reads (one clock read per interrupt)
 * @IRQCAP_CLOCK_BOOTTIME: CLOCK_BOOTTIME: continues across suspend
 * @IRQCAP_CLOCK_REALTIME: CLOCK_REALTIME: wall time
 * @IRQCAP_CLOCK_TAI: CLOCK_TAI
 *
 * The ring holds CLOCK_MONOTONIC times; read() converts each record to
 * the reader's clock with the offset between the two clocks at the time of
 * the read().  The error bound: a record is off by any step of the offset
 * between its interrupt and its read() (a settimeofday()/`date -s` step of
 * the wall clock for REALTIME and TAI, a leap second for REALTIME, a
 * suspend for BOOTTIME); NTP's frequency slewing moves both clocks alike
 * and costs nothing.  A reader that keeps up reads within microseconds of
 * the interrupt.  Mapped readers read CLOCK_MONOTONIC records (libirqcap
 * converts them the same way).
 */
enum irqcap_clock {
	IRQCAP_CLOCK_MONOTONIC	= 0,
	IRQCAP_CLOCK_BOOTTIME	= 1,
	IRQCAP_CLOCK_REALTIME	= 2,
	IRQCAP_CLOCK_TAI	= 3,
};

/**
 * struct irqcap_event - one record, 32 bytes, naturally aligned
 * @timestamp_ns: time in nanoseconds on the clock @clock names
 *	(CLOCK_MONOTONIC unless the reader chose another)
 * @seqno: for IRQ records the per-device interrupt number (1, 2, ...);
 *	for TIMEOUT and MARKER records the seqno of the most recent
 *	interrupt; for OVERFLOW see enum irqcap_event_type
 * @data: type-specific value, see enum irqcap_event_type
 * @type: one of enum irqcap_event_type
 * @edge: enum irqcap_edge; IRQCAP_EDGE_UNKNOWN (0) for other record types
 * @clock: enum irqcap_clock of @timestamp_ns
 * @reserved: always zero
 *
 * ABI 2 had @edge, @clock and @reserved as one reserved __u32 (zero); the
 * default clock, MONOTONIC, is 0.
 */
struct irqcap_event {
	__aligned_u64 timestamp_ns;
	__aligned_u64 seqno;
	__aligned_u64 data;
	__u32 type;
	__u8 edge;
	__u8 clock;
	__u16 reserved;
};

/**
 * struct irqcap_info - IRQCAP_IOC_INFO
 * @abi_version: IRQCAP_ABI_VERSION
 * @event_size: sizeof(struct irqcap_event)
 * @ring_size: ring capacity in records
 * @irq: Linux interrupt number
 * @trigger: IRQCAP_TRIGGER_* bits: the edges the line is requested for
 * @flags: IRQCAP_INFO_* bits
 * @mmap_data_offset: offset in bytes of the records in the mapping
 *	(the size of struct irqcap_mmap_page rounded up to the kernel's page
 *	size); 0 if this driver cannot be mapped
 * @reserved: always zero
 *
 * ABI 2 had @trigger, @flags and @mmap_data_offset as reserved (zero).
 * Where the interrupt comes from, as text: IRQCAP_IOC_SOURCE.
 */
struct irqcap_info {
	__u32 abi_version;
	__u32 event_size;
	__u32 ring_size;
	__u32 irq;
	__u32 trigger;
	__u32 flags;
	__u32 mmap_data_offset;
	__u32 reserved;
};

#define IRQCAP_TRIGGER_RISING	0x1	/* as IRQF_TRIGGER_RISING */
#define IRQCAP_TRIGGER_FALLING	0x2	/* as IRQF_TRIGGER_FALLING */

#define IRQCAP_INFO_GPIO	0x1	/* the source is a GPIO line */
#define IRQCAP_INFO_EDGE	0x2	/* IRQ records carry the edge */
#define IRQCAP_INFO_WAKEUP	0x4	/* the line can wake the system */
#define IRQCAP_INFO_MMAP	0x8	/* mmap() gives the ring */

/**
 * struct irqcap_source - IRQCAP_IOC_SOURCE: where the interrupt comes from
 * @label: the firmware node's "label" property, or "" (NUL-terminated, as
 *	are all the strings here; truncated to fit)
 * @fwnode: the firmware node's full path (Device Tree: "/soc/irqcap@0";
 *	ACPI: "\\_SB.IRQC")
 * @irqchip: the name of the interrupt controller's irq_chip
 * @gpiochip: for a GPIO source, the GPIO chip's label, else ""
 * @hwirq: the interrupt's number in its controller's domain
 * @gpio_line: for a GPIO source, the line's offset in its chip, else -1
 * @trigger: IRQCAP_TRIGGER_* bits, as in struct irqcap_info
 * @reserved: always zero
 */
struct irqcap_source {
	char label[64];
	char fwnode[128];
	char irqchip[32];
	char gpiochip[32];
	__aligned_u64 hwirq;
	__s32 gpio_line;
	__u32 trigger;
	__u32 reserved[4];
};

/**
 * struct irqcap_stats - IRQCAP_IOC_STATS: device counters and this reader's
 * @irqs_seen: hard interrupts handled, including debounced ones
 * @events_committed: interrupt events made visible to readers
 * @debounced: interrupts rejected by the debounce interval
 * @dropped: records lost by all readers together (sum of their losses)
 * @timeouts: idle-timeout records emitted
 * @reader_read: records this file has read
 * @reader_lost: records this file has lost
 * @reader_pending: records waiting for this file now
 * @throttled: times the line was disabled by the storm limit
 * @suspends: system suspends capture stopped for
 * @reserved: always zero
 *
 * ABI 2 had @throttled and @suspends as reserved (zero).
 */
struct irqcap_stats {
	__aligned_u64 irqs_seen;
	__aligned_u64 events_committed;
	__aligned_u64 debounced;
	__aligned_u64 dropped;
	__aligned_u64 timeouts;
	__aligned_u64 reader_read;
	__aligned_u64 reader_lost;
	__aligned_u64 reader_pending;
	__aligned_u64 throttled;
	__aligned_u64 suspends;
	__aligned_u64 reserved[2];
};

/**
 * struct irqcap_mmap_page - the first page of a mapping of /dev/irqcapN
 * @abi_version: IRQCAP_ABI_VERSION
 * @event_size: sizeof(struct irqcap_event)
 * @ring_size: number of records in the ring, a power of two
 * @data_offset: offset in bytes of the records from the start of the
 *	mapping (struct irqcap_info @mmap_data_offset)
 * @reserved0: always zero
 * @head: position up to which records are committed (free-running)
 * @reserve: position up to which slots have been handed to the producer
 *	(free-running; >= @head)
 * @reserved: always zero
 *
 * mmap(NULL, data_offset + ring_size * event_size, PROT_READ, MAP_SHARED,
 * fd, 0) maps this page and the records; the mapping is read-only.  The
 * record at position p is at data_offset + (p & (ring_size - 1)) *
 * event_size.  Positions are unsigned counters that wrap; compare them by
 * their difference, and use only their low 32 bits (differences never
 * exceed the ring size, at most 2^20): a 32-bit kernel publishes 32-bit
 * positions, and a 32-bit program cannot load 64 bits at once.
 * IRQCAP_MMAP_POS() points at those bits.
 *
 * A reader at position pos (its own, kept in user space):
 *   1. h = *IRQCAP_MMAP_POS(head) with acquire ordering
 *      (__atomic_load_n(..., __ATOMIC_ACQUIRE));
 *   2. copy the records [pos, h) out of the mapping;
 *   3. read fence (__atomic_thread_fence(__ATOMIC_ACQUIRE)), then
 *      r = *IRQCAP_MMAP_POS(reserve) (relaxed);
 *   4. every copied record at position p with (__u32)(r - p) > ring_size
 *      was overwritten while copied: discard it and those before it; the
 *      reader lost (__u32)(r - ring_size - pos) records and continues at
 *      r - ring_size.  The rest are good.
 * A reader that finds (__u32)(h - pos) > ring_size lost records the same
 * way without copying.  Records keep CLOCK_MONOTONIC times (enum
 * irqcap_clock).  To sleep: store its position in its reader page (struct
 * irqcap_mmap_reader @tail), then poll(): EPOLLIN means records past that
 * position exist.  No system call is needed but that poll(), and only at an
 * empty ring.  A reader starts at @head as it loads it after mmap() (never
 * behind the file's cursor, which starts at the head when the file is
 * opened).
 *
 * The mapping must cover exactly data_offset + ring_size * event_size
 * bytes (rounded up to pages) at offset 0 (else EINVAL), without PROT_WRITE
 * (else EPERM); it cannot be made writable or grown.  After unbind it keeps
 * its pages, frozen with the last records, until it is unmapped; the file
 * reports the device gone (poll() EPOLLHUP, ioctls ENODEV).
 * docs/mmap-reader.c is a complete reader.
 */
struct irqcap_mmap_page {
	__u32 abi_version;
	__u32 event_size;
	__u32 ring_size;
	__u32 data_offset;
	__u32 reserved0[12];
	__aligned_u64 head;
	__aligned_u64 reserve;
	__aligned_u64 reserved[6];
};

/**
 * struct irqcap_mmap_reader - a mapped reader's own page
 * @tail: the low 32 bits of the reader's position: the records before it
 *	are consumed (read, or lost if the ring overwrote them first)
 * @reserved: ignored by the driver; zero when mapped
 *
 * @tail starts as the low 32 bits of this file's cursor when the page is
 * first mapped (not 0: that would be a valid position after the 32-bit
 * wrap of the head), so mapping it consumes nothing.
 *
 * mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
 * IRQCAP_MMAP_READER_OFFSET) maps one zeroed page private to this open
 * file (EINVAL for another size or without MAP_SHARED; a file not open
 * for writing maps it only without PROT_WRITE, mmap() gets EACCES; every
 * mapping of it through the same file is the same page).  The reader stores @tail
 * (__atomic_store_n(..., __ATOMIC_RELEASE)) instead of calling
 * IRQCAP_IOC_CONSUME: poll() then reports EPOLLIN only for records past
 * @tail, and the next read(), ioctl() or STATS moves this file's cursor to
 * it as CONSUME does.  The driver takes @tail as the position nearest behind
 * the head with those bits, and ignores it while it is ahead of the head
 * or behind the file's cursor (as CONSUME refuses those).  Losses are
 * counted exactly for the position stored: a reader that found itself
 * lapped reports its position before the loss with IRQCAP_IOC_CONSUME
 * (docs/mmap-reader.c).  The page outlives unbind and the file for as long
 * as it stays mapped; the driver no longer looks at it after release().
 */
struct irqcap_mmap_reader {
	__u32 tail;
	__u32 reserved[15];
};

/* The mmap() offset of the reader page: 1 GiB, page-aligned on every page size. */
#define IRQCAP_MMAP_READER_OFFSET	0x40000000

/*
 * The low 32 bits of a position field of struct irqcap_mmap_page, to load
 * with __atomic_load_n(IRQCAP_MMAP_POS(page->head), __ATOMIC_ACQUIRE).
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define IRQCAP_MMAP_POS(field)	((const __u32 *)&(field) + 1)
#else
#define IRQCAP_MMAP_POS(field)	((const __u32 *)&(field))
#endif

/*
 * Free in Documentation/userspace-api/ioctl/ioctl-number.rst from 6.1 to
 * 7.x; 0xB6, ABI 1's, is linux/fpga-dfl.h's (IRQCAP_IOC_FLUSH was
 * DFL_FPGA_CHECK_EXTENSION).
 */
#define IRQCAP_IOC_MAGIC	0xD4

/* Fill struct irqcap_info. */
#define IRQCAP_IOC_INFO		_IOR(IRQCAP_IOC_MAGIC, 0, struct irqcap_info)
/*
 * Discard this file's backlog; returns the number of records discarded.
 * Records the file had lost already (overwritten before it read them) are
 * counted in @reader_lost and @dropped, as read() would have reported them.
 */
#define IRQCAP_IOC_FLUSH	_IO(IRQCAP_IOC_MAGIC, 1)
/* Fill struct irqcap_stats. */
#define IRQCAP_IOC_STATS	_IOR(IRQCAP_IOC_MAGIC, 2, struct irqcap_stats)
/*
 * This file's clock (enum irqcap_clock) for the records read() returns from
 * now on; EINVAL for another value.  Each open file has its own.
 */
#define IRQCAP_IOC_SET_CLOCK	_IOW(IRQCAP_IOC_MAGIC, 3, __u32)
#define IRQCAP_IOC_GET_CLOCK	_IOR(IRQCAP_IOC_MAGIC, 4, __u32)
/* Fill struct irqcap_source. */
#define IRQCAP_IOC_SOURCE	_IOR(IRQCAP_IOC_MAGIC, 5, struct irqcap_source)
/*
 * A mapped reader's position: this file's cursor moves to it (records before
 * it count as read; a position older than the ring counts the difference as
 * lost, as read() would), so that poll() reports EPOLLIN only for records
 * past it, and STATS counts for the mapped reader.  EINVAL for a position
 * ahead of the ring's head or behind this file's cursor (it only moves
 * forward; read() goes on from it).  Only the position's low 32 bits count:
 * it is taken as the position nearest behind the head with those bits.
 */
#define IRQCAP_IOC_CONSUME	_IOW(IRQCAP_IOC_MAGIC, 6, __u64)

#endif /* _UAPI_LINUX_IRQCAP_H */
