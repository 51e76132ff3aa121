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
 */
#ifndef _UAPI_LINUX_IRQCAP_H
#define _UAPI_LINUX_IRQCAP_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define IRQCAP_ABI_VERSION	2

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
 */
enum irqcap_event_type {
	IRQCAP_EVENT_IRQ	= 1,
	IRQCAP_EVENT_TIMEOUT	= 2,
	IRQCAP_EVENT_OVERFLOW	= 3,
	IRQCAP_EVENT_MARKER	= 4,
};

/**
 * struct irqcap_event - one record, 32 bytes, naturally aligned
 * @timestamp_ns: CLOCK_MONOTONIC time in nanoseconds
 * @seqno: for IRQ records the per-device interrupt number (1, 2, ...);
 *	for TIMEOUT and MARKER records the seqno of the most recent
 *	interrupt; for OVERFLOW see enum irqcap_event_type
 * @data: type-specific value, see enum irqcap_event_type
 * @type: one of enum irqcap_event_type
 * @reserved: always zero
 */
struct irqcap_event {
	__aligned_u64 timestamp_ns;
	__aligned_u64 seqno;
	__aligned_u64 data;
	__u32 type;
	__u32 reserved;
};

/**
 * struct irqcap_info - IRQCAP_IOC_INFO
 * @abi_version: IRQCAP_ABI_VERSION
 * @event_size: sizeof(struct irqcap_event)
 * @ring_size: ring capacity in records
 * @irq: Linux interrupt number
 * @reserved: always zero
 */
struct irqcap_info {
	__u32 abi_version;
	__u32 event_size;
	__u32 ring_size;
	__u32 irq;
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
 * @reserved: always zero
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
	__aligned_u64 reserved[4];
};

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

#endif /* _UAPI_LINUX_IRQCAP_H */
