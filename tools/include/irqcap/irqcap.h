/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libirqcap: find irqcap devices, read their info, statistics and settings,
 * and read their timestamped interrupt records with the stream rules checked
 * once, through read() or the mapped ring.
 *
 *   #include <irqcap/irqcap.h>      pkg-config --cflags --libs irqcap
 *
 * Conventions, for every function below:
 *  - Functions returning int return 0 (or a count) on success and a negative
 *    errno value on failure; functions returning a pointer return NULL and set
 *    errno.  irqcap_strerror() turns any of these into a message; the device
 *    and reader objects also keep a message with the context of their last
 *    failure (irqcap_device_errmsg(), irqcap_reader_errmsg()).
 *  - The library has no global state: everything lives in the objects the
 *    caller holds.  It never reads the environment and never installs signal
 *    handlers.
 *  - Thread safety: distinct objects may be used from distinct threads at
 *    the same time.  One object must not be used by two threads at once
 *    unless a function says otherwise ("thread-safe" below).
 *  - The library's version is LIBIRQCAP_VERSION (compile time) and
 *    irqcap_version() (run time); the uAPI it speaks is IRQCAP_ABI_VERSION of
 *    <irqcap/irqcap-uapi.h> (the kernel header src/uapi/irqcap.h).
 */
#ifndef IRQCAP_IRQCAP_H
#define IRQCAP_IRQCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irqcap-uapi.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LIBIRQCAP_VERSION_MAJOR	1
#define LIBIRQCAP_VERSION_MINOR	0
#define LIBIRQCAP_VERSION	"1.0"

/* Library-specific errors, beyond errno values (negative, like them). */
#define IRQCAP_E_ABI		4096	/* the driver speaks another uAPI ABI */
#define IRQCAP_E_BADNAME	4097	/* not a device name, path or label */
#define IRQCAP_E_END		4098	/* the stream ended (a recording's end) */

/**
 * irqcap_version() - the library's version at run time
 *
 * Return: "MAJOR.MINOR", as LIBIRQCAP_VERSION was when the library was built.
 * Thread-safe.
 */
const char *irqcap_version(void);

/**
 * irqcap_strerror() - the message for an error code
 * @err: a negative errno value or -IRQCAP_E_* as returned by this library
 *	(the sign is ignored)
 *
 * Return: a static string; never NULL.  Thread-safe.
 */
const char *irqcap_strerror(int err);

/**
 * struct irqcap_roots - where sysfs and the device nodes are
 * @sysfs: sysfs mount point; NULL for "/sys"
 * @dev: directory of the device nodes; NULL for "/dev"
 *
 * For tests and containers: a fake tree with the same layout works
 * everywhere (the CLI's IRQCAP_SYSFS_ROOT and IRQCAP_DEV_ROOT).  A NULL
 * struct irqcap_roots pointer means both defaults.
 */
struct irqcap_roots {
	const char *sysfs;
	const char *dev;
};

/**
 * irqcap_list_devices() - the names of every irqcap device
 * @roots: see struct irqcap_roots; may be NULL
 * @names: set to a NULL-terminated array of names ("irqcap0", ...), sorted
 *	by number; free it with irqcap_names_free()
 *
 * Return: the number of devices (0 if there are none), or -errno: -ENOENT
 * when sysfs has no misc class (no sysfs, or no misc devices at all).
 * Thread-safe.
 */
int irqcap_list_devices(const struct irqcap_roots *roots, char ***names);

/**
 * irqcap_names_free() - free what irqcap_list_devices() returned
 * @names: the array, or NULL
 */
void irqcap_names_free(char **names);

struct irqcap_device;

/**
 * irqcap_device_find() - look up a device by name, number, path or label
 * @roots: see struct irqcap_roots; may be NULL
 * @spec: "irqcapN", "N", a node path ("/dev/irqcapN", a udev link such as
 *	"/dev/irqcap/by-label/NAME"), or a label (the firmware's "label"
 *	property, as sysfs shows it)
 * @devp: set to the device; free it with irqcap_device_free()
 *
 * Only sysfs is consulted: the node is not opened (irqcap_device_info() and
 * irqcap_reader_open() open it).  A spec that is a well-formed name takes
 * precedence over a label of the same spelling.
 *
 * Return: 0; -IRQCAP_E_BADNAME if @spec is neither a name nor a path nor
 * any device's label; -ENODEV if it names a device that is not there;
 * -ENOMEM.  Thread-safe.
 */
int irqcap_device_find(const struct irqcap_roots *roots, const char *spec,
		       struct irqcap_device **devp);

/**
 * irqcap_device_free() - free a device object
 * @dev: the device, or NULL
 *
 * Readers opened on it stay valid: they keep their own copy of what they need.
 */
void irqcap_device_free(struct irqcap_device *dev);

/**
 * irqcap_device_name() - the kernel's name of the device
 * @dev: the device
 *
 * Return: "irqcapN"; valid as long as @dev.
 */
const char *irqcap_device_name(const struct irqcap_device *dev);

/**
 * irqcap_device_node() - the device node's path
 * @dev: the device
 *
 * Return: "/dev/irqcapN" (under struct irqcap_roots @dev), or the path given
 * to irqcap_device_find(); valid as long as @dev.
 */
const char *irqcap_device_node(const struct irqcap_device *dev);

/**
 * irqcap_device_sysfs_dir() - the device's sysfs directory
 * @dev: the device
 *
 * Return: "<sysfs>/class/misc/irqcapN/device", where the attributes are;
 * valid as long as @dev.
 */
const char *irqcap_device_sysfs_dir(const struct irqcap_device *dev);

/**
 * irqcap_device_label() - the device's label
 * @dev: the device
 *
 * The sysfs attribute "label" of the device, or where the driver has none,
 * the Device Tree node's "label" property.
 *
 * Return: the label, or NULL when the device has none; valid as long as @dev.
 */
const char *irqcap_device_label(const struct irqcap_device *dev);

/**
 * irqcap_device_firmware_node() - where the device comes from, as text
 * @dev: the device
 * @buf: filled with "\\_SB_.IQC0 (PRP0001:00)" (ACPI), "/soc/irqcap@0
 *	(irqcap.0)" (Device Tree) or just the platform device's name
 * @len: size of @buf
 *
 * Return: 0 or -errno (-ERANGE if @len is too small for anything).
 */
int irqcap_device_firmware_node(const struct irqcap_device *dev, char *buf, size_t len);

/**
 * irqcap_device_errmsg() - the context of the last failure on @dev
 * @dev: the device
 *
 * Return: a message such as "irqcap0: cannot open /dev/irqcap0: Permission
 * denied", or "" if no call on @dev failed yet; valid until the next call on
 * @dev.
 */
const char *irqcap_device_errmsg(const struct irqcap_device *dev);

/**
 * irqcap_device_get() - read a sysfs attribute of the device
 * @dev: the device
 * @key: the attribute ("bottom_half", "ring_size", ...)
 * @buf: filled with its value, trailing newline and spaces removed
 * @len: size of @buf
 *
 * Return: 0 or -errno: -ENOENT if this driver has no such attribute.
 */
int irqcap_device_get(struct irqcap_device *dev, const char *key, char *buf, size_t len);

/**
 * irqcap_device_get_u64() - read a numeric sysfs attribute
 * @dev: the device
 * @key: the attribute
 * @value: set to its value (plain decimal)
 *
 * Return: 0 or -errno: -ENOENT as irqcap_device_get(), -EINVAL if the value
 * is not a decimal number.
 */
int irqcap_device_get_u64(struct irqcap_device *dev, const char *key, uint64_t *value);

/**
 * irqcap_device_set() - write a setting (sysfs attribute)
 * @dev: the device
 * @key: the attribute ("bottom_half", "debounce_us", ...)
 * @value: the value, as text
 *
 * No validation beyond the driver's own: its error is returned as it is.
 *
 * Return: 0 or -errno: -EINVAL or -ERANGE when the driver rejected the
 * value (nothing changed), -EACCES/-EPERM without permission, -ENOENT when
 * the driver has no such attribute (an older driver), -ENODEV when the
 * device is gone.
 */
int irqcap_device_set(struct irqcap_device *dev, const char *key, const char *value);

/**
 * irqcap_device_info() - IRQCAP_IOC_INFO
 * @dev: the device
 * @info: filled by the driver
 *
 * Opens the node for the call.  Return: 0 or -errno; -IRQCAP_E_ABI when the
 * driver speaks another ABI (@info is filled all the same when the driver
 * answered), -ENOTTY when the node is not a character device (a recording).
 */
int irqcap_device_info(struct irqcap_device *dev, struct irqcap_info *info);

/**
 * irqcap_device_stats() - IRQCAP_IOC_STATS on a file opened for the call
 * @dev: the device
 * @stats: filled by the driver; its reader_* fields are those of that file
 *	(zero): use irqcap_reader_stats() for a reader's own
 *
 * Return: 0 or -errno.
 */
int irqcap_device_stats(struct irqcap_device *dev, struct irqcap_stats *stats);

/**
 * irqcap_device_source() - IRQCAP_IOC_SOURCE: where the interrupt comes from
 * @dev: the device
 * @src: filled by the driver
 *
 * Return: 0 or -errno (-ENOTTY from a driver without IRQCAP_IOC_SOURCE).
 */
int irqcap_device_source(struct irqcap_device *dev, struct irqcap_source *src);

/* struct irqcap_reader_opts @mode */
enum irqcap_read_mode {
	IRQCAP_MODE_AUTO = 0,	/* the mapped ring when the driver offers it, else read() */
	IRQCAP_MODE_READ = 1,	/* read() */
	IRQCAP_MODE_MMAP = 2,	/* the mapped ring, or fail with -EOPNOTSUPP */
};

/* struct irqcap_reader_opts @flags */
#define IRQCAP_READER_EXACT_LOSS	0x1u	/* the stream rules' EXACT_LOSS: only IRQ records flow */

/**
 * struct irqcap_reader_opts - how to read
 * @mode: enum irqcap_read_mode
 * @clock: enum irqcap_clock of the records' timestamps
 * @flags: IRQCAP_READER_* bits
 * @reserved: zero
 *
 * A NULL pointer means all zero: automatic mode, CLOCK_MONOTONIC.
 */
struct irqcap_reader_opts {
	unsigned int mode;
	unsigned int clock;
	unsigned int flags;
	unsigned int reserved[5];
};

/* struct irqcap_record @violations: which stream rule a record broke */
#define IRQCAP_V_GAP		0x01u	/* seqno gap no OVERFLOW accounts for */
#define IRQCAP_V_LOSS		0x02u	/* EXACT_LOSS: OVERFLOW loss != the gap */
#define IRQCAP_V_SEQ_BACK	0x04u	/* seqno below the previous one (IRQ: repeated) */
#define IRQCAP_V_OVF_SEQ	0x08u	/* OVERFLOW seqno is not the last read */
#define IRQCAP_V_TS_BACK	0x10u	/* timestamp below the previous record's */
#define IRQCAP_V_RESERVED	0x20u	/* reserved != 0 */
#define IRQCAP_V_TYPE		0x40u	/* record type this library does not know */

/**
 * struct irqcap_record - one record and what it means in its stream
 * @ev: the record as the driver produced it, its @timestamp_ns on the
 *	reader's clock (@ev.clock says which); in mapped mode, an OVERFLOW
 *	record is made by the library exactly as read() would have made it
 * @gap: interrupts missing by seqno right before this record
 * @gap_from: the seqno before the gap
 * @lost: for an OVERFLOW record, the records lost (@ev.data), else 0
 * @interval_ns: for an IRQ record, the time since the previous IRQ record
 *	when @have_interval
 * @have_interval: @interval_ns is valid (no loss or gap since the previous
 *	IRQ record, which exists)
 * @after_overflow: the record follows an OVERFLOW record (its @gap is what
 *	the overflow reported)
 * @violations: IRQCAP_V_* bits: the stream rules this record broke (0 from
 *	a correct driver)
 * @reserved: zero
 */
struct irqcap_record {
	struct irqcap_event ev;
	uint64_t gap;
	uint64_t gap_from;
	uint64_t lost;
	uint64_t interval_ns;
	bool have_interval;
	bool after_overflow;
	unsigned int violations;
	uint64_t reserved[2];
};

/**
 * struct irqcap_counts - what a reader has delivered so far
 * @records: records delivered
 * @irqs: IRQ records
 * @timeouts: TIMEOUT records
 * @markers: MARKER records
 * @overflows: OVERFLOW records
 * @others: records of other types (SUSPEND, RESUME, THROTTLED, unknown)
 * @lost: records lost, the sum of the OVERFLOW records' data
 * @gap_total: interrupts missing by seqno
 * @gap_unreported: of those, beyond what OVERFLOW records reported
 * @backward: records whose timestamp went backwards
 * @bad: records that broke any stream rule
 * @torn: mapped mode: records discarded because the producer overwrote
 *	them while they were copied (counted in @lost as well)
 * @truncated: bytes of a partial record at the end of a recording
 * @reserved: zero
 */
struct irqcap_counts {
	uint64_t records, irqs, timeouts, markers, overflows, others;
	uint64_t lost, gap_total, gap_unreported, backward, bad;
	uint64_t torn, truncated;
	uint64_t reserved[3];
};

struct irqcap_reader;

/**
 * irqcap_reader_open() - open a reader on a device
 * @dev: the device
 * @opts: how to read; may be NULL
 * @rp: set to the reader; close it with irqcap_reader_close()
 *
 * Opens the node non-blocking (read-write unless @opts mode is
 * IRQCAP_MODE_READ: the mapped reader's page, struct irqcap_mmap_reader, is
 * a writable mapping; read-only where the user may not write it), checks
 * the driver's ABI, chooses read() or the mapped ring (@opts mode) and sets
 * the clock.  The reader sees records
 * staged from now on.  A node that is a regular file or a FIFO is read as a
 * recording of raw struct irqcap_event records (read() mode; its end is
 * -IRQCAP_E_END).
 *
 * Return: 0 or -errno: -EACCES/-EPERM, -ENOENT/-ENODEV, -IRQCAP_E_ABI,
 * -EOPNOTSUPP (IRQCAP_MODE_MMAP without a mappable driver), -EINVAL (a clock
 * or mode that does not exist).
 */
int irqcap_reader_open(struct irqcap_device *dev, const struct irqcap_reader_opts *opts,
		       struct irqcap_reader **rp);

/**
 * irqcap_reader_open_fd() - a reader on a file descriptor already open
 * @fd: an open /dev/irqcapN (non-blocking or not) or a recording; the
 *	reader owns it from now on, also on failure.  Mapped, a file open
 *	read-write has the reader page (no system call at an empty ring but
 *	poll()); read-only, the reader tells the driver its position with
 *	IRQCAP_IOC_CONSUME
 * @name: the name to use in messages (e.g. "irqcap0"); may be NULL
 * @opts: as irqcap_reader_open()
 * @rp: set to the reader
 *
 * Return: as irqcap_reader_open().
 */
int irqcap_reader_open_fd(int fd, const char *name, const struct irqcap_reader_opts *opts,
			  struct irqcap_reader **rp);

/**
 * irqcap_reader_close() - close a reader and its file descriptor
 * @r: the reader, or NULL
 */
void irqcap_reader_close(struct irqcap_reader *r);

/**
 * irqcap_reader_fd() - the file descriptor to poll
 * @r: the reader
 *
 * POLLIN (EPOLLIN) on it means irqcap_reader_next() has a record; POLLHUP or
 * POLLERR that the device went away.  Use it in poll(), epoll or an event
 * loop; do not read() from it.  Poll it after irqcap_reader_next() or
 * irqcap_reader_peek_ts() returned 0 (in mapped mode that call told the driver
 * the reader's position, in the reader page or with IRQCAP_IOC_CONSUME, so
 * that poll() wakes for new records only), and not while
 * irqcap_reader_pending() is true.
 *
 * Return: the descriptor.
 */
int irqcap_reader_fd(const struct irqcap_reader *r);

/**
 * irqcap_reader_mode() - how the reader reads
 * @r: the reader
 *
 * Return: IRQCAP_MODE_READ or IRQCAP_MODE_MMAP.
 */
int irqcap_reader_mode(const struct irqcap_reader *r);

/**
 * irqcap_reader_clock() - the clock of the records' timestamps
 * @r: the reader
 *
 * Return: enum irqcap_clock.
 */
int irqcap_reader_clock(const struct irqcap_reader *r);

/**
 * irqcap_reader_set_clock() - choose the clock of the records' timestamps
 * @r: the reader
 * @clock: enum irqcap_clock
 *
 * In read() mode the driver converts (IRQCAP_IOC_SET_CLOCK); in mapped mode,
 * or with a driver that cannot, the library converts each record with the
 * offset between CLOCK_MONOTONIC and @clock at the time it delivers it,
 * which has the error bound enum irqcap_clock documents.  Records already
 * read from the driver but not yet delivered keep the clock they had.
 *
 * Return: 0 or -EINVAL.
 */
int irqcap_reader_set_clock(struct irqcap_reader *r, unsigned int clock);

/**
 * irqcap_reader_next() - the next record
 * @r: the reader
 * @rec: filled with the record and what it means
 * @timeout_ms: how long to wait for one: 0 not at all, -1 forever
 *
 * Waits with poll() on irqcap_reader_fd(); EINTR ends the wait (return 0),
 * so that a signal handler's flag can be looked at.
 *
 * Return: 1 with a record in @rec; 0 when none came in time; -IRQCAP_E_END
 * at the end of a recording; -ENODEV when the device went away; -errno.
 */
int irqcap_reader_next(struct irqcap_reader *r, struct irqcap_record *rec, int timeout_ms);

/**
 * irqcap_reader_pending() - records delivered without waiting
 * @r: the reader
 *
 * Return: true when irqcap_reader_next() with @timeout_ms 0 will return a
 * record already fetched from the driver (its buffer is not empty).
 */
bool irqcap_reader_pending(const struct irqcap_reader *r);

/**
 * irqcap_reader_peek_ts() - the timestamp of the next buffered record
 * @r: the reader
 * @ts: set to it
 *
 * For merging several readers by time: fetches what is available without
 * waiting.
 *
 * Return: 1 with @ts set, 0 if no record is available now, or as
 * irqcap_reader_next() for the end of the stream and errors.
 */
int irqcap_reader_peek_ts(struct irqcap_reader *r, uint64_t *ts);

/**
 * irqcap_reader_counts() - what the reader delivered so far
 * @r: the reader
 * @c: filled
 */
void irqcap_reader_counts(const struct irqcap_reader *r, struct irqcap_counts *c);

/**
 * irqcap_reader_stream_error() - the first stream rule broken
 * @r: the reader
 *
 * Return: "record N: ..." describing the first violation, or NULL while the
 * stream kept every rule.
 */
const char *irqcap_reader_stream_error(const struct irqcap_reader *r);

/**
 * irqcap_reader_expect() - the seqno the next IRQ record should have
 * @r: the reader
 * @seqno: e.g. 1 on a device nobody raised yet
 *
 * Without it the first record read is the baseline.
 */
void irqcap_reader_expect(struct irqcap_reader *r, uint64_t seqno);

/**
 * irqcap_reader_stats() - IRQCAP_IOC_STATS on the reader's file
 * @r: the reader
 * @stats: filled; @reader_* are this reader's (in mapped mode, as of its
 *	position: the reader tells the driver all it has taken from the ring
 *	first)
 *
 * Return: 0 or -errno.
 */
int irqcap_reader_stats(struct irqcap_reader *r, struct irqcap_stats *stats);

/**
 * irqcap_reader_flush() - drop the reader's backlog
 * @r: the reader
 *
 * Return: the number of records dropped, or -errno.
 */
int irqcap_reader_flush(struct irqcap_reader *r);

/**
 * irqcap_reader_errmsg() - the context of the reader's last failure
 * @r: the reader
 *
 * Return: a message, or "" if none failed yet; valid until the next call.
 */
const char *irqcap_reader_errmsg(const struct irqcap_reader *r);

/**
 * irqcap_event_type_name() - a record type's name
 * @type: enum irqcap_event_type
 *
 * Return: "irq", "timeout", "overflow", "marker", "suspend", "resume",
 * "throttled" or "unknown".  Thread-safe.
 */
const char *irqcap_event_type_name(unsigned int type);

/**
 * irqcap_edge_name() - an edge's name
 * @edge: enum irqcap_edge
 *
 * Return: "rising", "falling", or NULL for unknown.  Thread-safe.
 */
const char *irqcap_edge_name(unsigned int edge);

/**
 * irqcap_clock_name() - a clock's name
 * @clock: enum irqcap_clock
 *
 * Return: "monotonic", "boottime", "realtime", "tai", or NULL.  Thread-safe.
 */
const char *irqcap_clock_name(unsigned int clock);

/**
 * irqcap_clock_parse() - a clock by name
 * @name: "monotonic", "boottime", "realtime" or "tai"
 *
 * Return: enum irqcap_clock, or -EINVAL.  Thread-safe.
 */
int irqcap_clock_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* IRQCAP_IRQCAP_H */
