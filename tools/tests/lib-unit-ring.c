// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * Unit tests of libirqcap's mapped ring (tools/lib/ring.c) against crafted
 * pages in a memfd, with the reader page, IRQCAP_IOC_INFO, _STATS,
 * _CONSUME and poll() answered as the driver does: the reader page's tail
 * (and CONSUME where the page cannot be mapped), the 32-bit position wrap, a
 * lapped reader, torn slots, flush, the clock, refusals, and a producer
 * thread lapping the reader.
 * Part of tests/lib-unit.
 */
#include "unit.h"

#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* ---- the mapped ring, against crafted pages ---------------------------- */

#define FAKE_PAGE	4096

/*
 * The fake driver: the memfd holds the ring at offset 0 and, sparse, the
 * reader page (struct irqcap_mmap_reader) at IRQCAP_MMAP_READER_OFFSET.  Its
 * answers follow src/irqcap_cdev.c: every ioctl first takes over the reader
 * page's tail (irqcap_reader_sync()) once the library has mapped it (seen in
 * /proc/self/maps), CONSUME and STATS as the driver's, and poll() (wrapped:
 * -Wl,--wrap=poll) reports POLLIN as irqcap_reader_ready() does: for records
 * past the tail, or past the cursor where the tail says nothing.
 */
static struct {
	int fd;
	bool active;
	unsigned char *mem;
	size_t len;
	uint32_t ring, flags, page_ring;
	struct irqcap_mmap_page *page;
	uint64_t consumed;
	int consumes, ioctls, polls;
	/* the driver's view of this file, as irqcap_reader_consume() keeps it */
	uint64_t cursor, drv_read, drv_lost;
	int einval;
} fr;

/* The library's mapping of the reader page, if it made one. */
static bool rpage_mapped(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		exit(1);
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long long off;

		if (strstr(line, "memfd:irqcap-ring") &&
		    sscanf(line, "%*s %*s %llx", &off) == 1 && off == IRQCAP_MMAP_READER_OFFSET)
			found = true;
	}
	fclose(f);
	return found;
}

/* What the library stored in the reader page. */
static uint32_t rpage_tail(void)
{
	struct irqcap_mmap_reader mr;

	if (pread(fr.fd, &mr, sizeof(mr), IRQCAP_MMAP_READER_OFFSET) != (ssize_t)sizeof(mr))
		exit(1);
	return mr.tail;
}

/* irqcap_reader_pos_of(): the low 32 bits @v as a position; false if refused */
static bool pos_of(uint32_t v, uint64_t head, uint64_t pos, uint64_t *to)
{
	if ((int32_t)(v - (uint32_t)head) > 0)
		return false;	/* ahead of the head */
	*to = head - (uint32_t)((uint32_t)head - v);
	return (int64_t)(*to - pos) >= 0;	/* not behind the cursor */
}

/* irqcap_reader_tail(): the tail, if it says a position ahead of @pos */
static bool drv_tail(uint64_t pos, uint64_t *to)
{
	return rpage_mapped() && pos_of(rpage_tail(), fr.page->head, pos, to) && *to != pos;
}

/* irqcap_reader_consume() */
static void drv_consume(uint64_t to)
{
	uint64_t rs = fr.page->reserve;

	fr.drv_read += to - fr.cursor;
	if (rs - to > fr.ring) {
		fr.drv_lost += rs - fr.ring - to;
		to = rs - fr.ring;
	}
	fr.cursor = to;
}

/* irqcap_reader_ready(): what poll() says */
static bool drv_ready(void)
{
	uint64_t pos = fr.cursor, to;

	if (drv_tail(pos, &to))
		pos = to;
	return fr.page->head != pos || fr.page->reserve - pos > fr.ring;
}

static int ring_ioctl(int fd, unsigned long req, void *arg)
{
	uint64_t to;

	(void)fd;
	fr.ioctls++;
	/* irqcap_ioctl(): irqcap_reader_sync() before every command */
	if (drv_tail(fr.cursor, &to))
		drv_consume(to);
	if (req == IRQCAP_IOC_INFO) {
		fake_info(arg, IRQCAP_ABI_VERSION, fr.ring, fr.flags, FAKE_PAGE);
		return 0;
	}
	if (req == IRQCAP_IOC_STATS) {
		struct irqcap_stats *st = arg;
		uint64_t pend = fr.page->head - fr.cursor;

		memset(st, 0, sizeof(*st));
		st->reader_pending = pend < fr.ring ? pend : fr.ring;
		st->reader_read = fr.drv_read;
		st->reader_lost = fr.drv_lost;
		return 0;
	}
	if (req == IRQCAP_IOC_CONSUME) {
		uint64_t v = *(uint64_t *)arg;

		fr.consumed = v;
		fr.consumes++;
		if (!pos_of((uint32_t)v, fr.page->head, fr.cursor, &to))
			return fr.einval++, errno = EINVAL, -1;
		drv_consume(to);
		return 0;
	}
	return FAKE_PASS;
}

int __real_poll(struct pollfd *fds, nfds_t n, int timeout);
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout);

/* the fake's file never sleeps: ready now or a timeout */
int __wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (!fr.active || n != 1)
		return __real_poll(fds, n, timeout);
	fr.polls++;
	fds[0].revents = drv_ready() ? POLLIN : 0;
	return fds[0].revents ? 1 : 0;
}

/* A fresh ring of @ring records whose positions start at @start. */
static void ring_make(uint32_t ring, uint64_t start)
{
	if (fr.mem)
		munmap(fr.mem, fr.len);
	if (fr.fd > 0)
		close(fr.fd);
	memset(&fr, 0, sizeof(fr));
	fr.ring = ring;
	fr.page_ring = ring;
	fr.flags = IRQCAP_INFO_MMAP;
	fr.len = FAKE_PAGE + (size_t)ring * sizeof(struct irqcap_event);
	fr.fd = memfd_create("irqcap-ring", MFD_CLOEXEC);
	/* sparse: the reader page, zeroed, past the ring */
	if (fr.fd < 0 ||
	    ftruncate(fr.fd, (off_t)IRQCAP_MMAP_READER_OFFSET + sysconf(_SC_PAGESIZE)))
		exit(1);
	fr.mem = mmap(NULL, fr.len, PROT_READ | PROT_WRITE, MAP_SHARED, fr.fd, 0);
	if (fr.mem == MAP_FAILED)
		exit(1);
	fr.page = (struct irqcap_mmap_page *)fr.mem;
	fr.page->abi_version = IRQCAP_ABI_VERSION;
	fr.page->event_size = sizeof(struct irqcap_event);
	fr.page->ring_size = ring;
	fr.page->data_offset = FAKE_PAGE;
	fr.page->head = start;
	fr.page->reserve = start;
	fr.cursor = start;	/* the file's cursor: the head at open */
	fr.active = true;
	fake_ioctl = ring_ioctl;
}

static void ring_done(void)
{
	fake_ioctl = NULL;
	fr.active = false;
}

static struct irqcap_event *slot(uint64_t p)
{
	return (struct irqcap_event *)(fr.mem + FAKE_PAGE) + (p & (fr.ring - 1));
}

/* The producer's side: reserve, (write), commit; split for torn slots. */
static void ring_reserve(uint32_t n)
{
	__atomic_store_n(&fr.page->reserve, fr.page->reserve + n, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void ring_write(uint64_t p, uint64_t seq, uint64_t ts)
{
	struct irqcap_event e = ev(IRQCAP_EVENT_IRQ, ts, seq, 0);

	memcpy(slot(p), &e, sizeof(e));
}

static void ring_commit(void)
{
	__atomic_store_n(&fr.page->head, fr.page->reserve, __ATOMIC_RELEASE);
}

static void produce(uint64_t *seq, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t p = fr.page->reserve;

		ring_reserve(1);
		ring_write(p, *seq, *seq * 1000);
		(*seq)++;
		ring_commit();
	}
}

/*
 * A reader of the fake's file; @ro: through a read-only file (as open(2)
 * O_RDONLY of a device), which cannot map the reader page (EACCES).
 */
static struct irqcap_reader *ring_reader_fd(unsigned int mode, unsigned int clock, bool ro,
					    int *rc)
{
	struct irqcap_reader_opts o = { .mode = mode, .clock = clock,
					.flags = IRQCAP_READER_EXACT_LOSS };
	struct irqcap_reader *r = NULL;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fr.fd);
	fd = ro ? open(path, O_RDONLY | O_CLOEXEC) : dup(fr.fd);
	if (fd < 0)
		exit(1);
	*rc = irqcap_reader_open_fd(fd, "irqcap0", &o, &r);
	return r;
}

static struct irqcap_reader *ring_reader(unsigned int mode, unsigned int clock, int *rc)
{
	return ring_reader_fd(mode, clock, false, rc);
}

/*
 * The same reader through a file that maps the reader page (@ro false:
 * positions stored in its tail, no system call but poll()) and one that
 * cannot (@ro: IRQCAP_IOC_CONSUME), checked against what the driver then
 * knows: its cursor (the full position), poll()'s answer, STATS.
 */
static void ring_scenario(bool ro)
{
	const uint64_t start = 0x1fffffff8ULL;	/* the low 32 bits wrap soon */
	const char *how = ro ? "CONSUME" : "page";
	struct irqcap_record rec;
	struct irqcap_counts c;
	struct irqcap_stats st;
	struct irqcap_reader *r;
	uint64_t seq = 1, want;
	int rc, n, ok, io;

	ring_make(8, start);
	r = ring_reader_fd(IRQCAP_MODE_AUTO, 0, ro, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_MMAP, "%s: auto: mapped (rc %d)", how, rc);
	if (!r)
		return;
	CHECK(rpage_mapped() == !ro && (ro || rpage_tail() == (uint32_t)start),
	      "%s: reader page mapped %d, tail %#x", how, rpage_mapped(), rpage_tail());
	io = fr.ioctls;
	rc = irqcap_reader_next(r, &rec, 0);
	if (ro)
		CHECK(rc == 0 && fr.consumes == 1 && fr.consumed == start,
		      "%s: empty: CONSUME with the full position %#llx (got %#llx, %d calls)", how,
		      (unsigned long long)start, (unsigned long long)fr.consumed, fr.consumes);
	else
		CHECK(rc == 0 && fr.ioctls == io && rpage_tail() == (uint32_t)start,
		      "%s: empty: tail %#x stored, %d ioctls", how, rpage_tail(), fr.ioctls - io);
	CHECK(irqcap_reader_next(r, &rec, 0) == 0 && fr.consumes == ro && (ro || fr.ioctls == io),
	      "%s: no CONSUME again: %d", how, fr.consumes);
	CHECK(!drv_ready(), "%s: poll() sleeps at the empty ring", how);

	/* plain records; no system call while they flow (and at the empty ring) */
	produce(&seq, 5);
	CHECK(drv_ready(), "%s: poll() wakes for 5 records", how);
	io = fr.ioctls;
	for (n = 0, ok = 1; irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= rec.ev.seqno == (uint64_t)n + 1 && !rec.violations &&
		      rec.ev.type == IRQCAP_EVENT_IRQ;
	CHECK(n == 5 && ok, "%s: 5 records in order: %d", how, n);
	if (ro)
		CHECK(fr.consumed == start + 5 && fr.consumes == 2 && fr.cursor == start + 5,
		      "%s: CONSUME at %#llx: %#llx", how, (unsigned long long)(start + 5),
		      (unsigned long long)fr.consumed);
	else
		CHECK(rpage_tail() == (uint32_t)(start + 5) && fr.ioctls == io &&
		      fr.cursor == start, "%s: tail %#x, %d ioctls, the cursor not moved", how,
		      rpage_tail(), fr.ioctls - io);
	CHECK(!drv_ready(), "%s: poll() sleeps again", how);
	/* irqcap_reader_next() with a timeout at the empty ring: one poll() that sleeps */
	fr.polls = 0;
	CHECK(irqcap_reader_next(r, &rec, 20) == 0 && fr.polls == 1,
	      "%s: next(20 ms) at the empty ring: %d poll() calls", how, fr.polls);

	/*
	 * Records read, the ring not found empty since (no position stored),
	 * then a lap: the driver must count the loss from after them (12), not
	 * from the position stored at the last empty ring (that would be 15).
	 */
	produce(&seq, 3);	/* 6..8: the positions' low 32 bits wrap after 8 */
	for (n = 0, ok = 1; n < 3; n++)
		ok &= irqcap_reader_next(r, &rec, 0) == 1 && rec.ev.seqno == 6 + (uint64_t)n;
	CHECK(ok, "%s: 6..8", how);
	io = fr.ioctls;
	produce(&seq, 20);	/* seqnos 9..28 in a ring of 8: 21..28 remain */
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.type == IRQCAP_EVENT_OVERFLOW && rec.ev.data == 12 &&
	      rec.ev.seqno == 8 && rec.ev.timestamp_ns == 8000 && rec.lost == 12,
	      "%s: OVERFLOW as read() makes it: type %u data %llu seqno %llu ts %llu", how,
	      rec.ev.type, (unsigned long long)rec.ev.data, (unsigned long long)rec.ev.seqno,
	      (unsigned long long)rec.ev.timestamp_ns);
	CHECK(fr.consumed == start + 8 && fr.drv_lost == 12 && fr.drv_read == 8 &&
	      fr.cursor == start + 20,
	      "%s: the driver told %#llx before the loss: read %llu lost %llu cursor %#llx", how,
	      (unsigned long long)fr.consumed, (unsigned long long)fr.drv_read,
	      (unsigned long long)fr.drv_lost, (unsigned long long)fr.cursor);
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.seqno == 21 && rec.gap == 12 && rec.after_overflow &&
	      !rec.violations, "%s: then seqno 21, the gap accounted: %llu gap %llu v %#x", how,
	      (unsigned long long)rec.ev.seqno, (unsigned long long)rec.gap, rec.violations);
	io = fr.ioctls;
	for (n = 0; irqcap_reader_next(r, &rec, 0) == 1; n++)
		;
	CHECK(n == 7 && rec.ev.seqno == 28, "%s: 22..28: %d", how, n);
	/* past the wrap: the driver takes the low 32 bits as the full position */
	if (!ro)
		CHECK(rpage_tail() == (uint32_t)(start + 28) && fr.ioctls == io,
		      "%s: tail %#x past the wrap, %d ioctls", how, rpage_tail(), fr.ioctls - io);
	io = fr.ioctls;
	rc = irqcap_reader_stats(r, &st);
	CHECK(!rc && fr.ioctls == io + 1 && fr.cursor == start + 28 && !st.reader_pending &&
	      st.reader_read == 16 && st.reader_lost == 12,
	      "%s: STATS (%d ioctls): cursor %#llx, read %llu lost %llu pending %llu", how,
	      fr.ioctls - io, (unsigned long long)fr.cursor, (unsigned long long)st.reader_read,
	      (unsigned long long)st.reader_lost, (unsigned long long)st.reader_pending);

	/*
	 * torn slots: 4 records committed, then the producer reserves 6 more
	 * while the reader copies: the slots of the first 2 are being
	 * overwritten, so they are discarded and counted lost.
	 */
	want = fr.page->reserve;
	produce(&seq, 4);	/* 29..32 */
	ring_reserve(6);	/* 33..38 reserved, being written, not committed */
	rc = irqcap_reader_next(r, &rec, 0);
	irqcap_reader_counts(r, &c);
	CHECK(rc == 1 && rec.ev.type == IRQCAP_EVENT_OVERFLOW && rec.ev.data == 2 &&
	      rec.ev.seqno == 28 && c.torn == 2,
	      "%s: torn: OVERFLOW of 2 after seqno 28: type %u data %llu seqno %llu torn %llu",
	      how, rec.ev.type, (unsigned long long)rec.ev.data, (unsigned long long)rec.ev.seqno,
	      (unsigned long long)c.torn);
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.seqno == 31 && rec.gap == 2 && !rec.violations,
	      "%s: then 31: %llu v %#x", how, (unsigned long long)rec.ev.seqno, rec.violations);
	irqcap_reader_next(r, &rec, 0);
	CHECK(rec.ev.seqno == 32 && irqcap_reader_next(r, &rec, 0) == 0 && !drv_ready(),
	      "%s: 32, then nothing: the reserved slots are not committed", how);
	for (uint32_t i = 0; i < 6; i++)
		ring_write(want + 4 + i, seq + i, (seq + i) * 1000);
	seq += 6;
	ring_commit();
	CHECK(drv_ready(), "%s: poll() wakes for the 6 committed", how);
	for (n = 0, ok = 1; irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= !rec.violations && rec.ev.seqno == 33 + (uint64_t)n;
	irqcap_reader_counts(r, &c);
	CHECK(n == 6 && ok && c.irqs == 5 + 3 + 8 + 2 + 6 && c.lost == 14 && !c.bad &&
	      c.overflows == 2 && !irqcap_reader_stream_error(r),
	      "%s: the rest: %d, irqs %llu lost %llu bad %llu: %s", how, n,
	      (unsigned long long)c.irqs, (unsigned long long)c.lost, (unsigned long long)c.bad,
	      irqcap_reader_stream_error(r) ? irqcap_reader_stream_error(r) : "");
	rc = irqcap_reader_stats(r, &st);
	/* CONSUME refused: only after the page's position, which made the driver's count */
	CHECK(!rc && st.reader_lost == c.lost && st.reader_read == c.irqs &&
	      fr.cursor == fr.page->head && (!ro || !fr.einval),
	      "%s: the driver counted the same loss (told the position before each): read %llu lost %llu, %d EINVAL",
	      how, (unsigned long long)st.reader_read, (unsigned long long)st.reader_lost,
	      fr.einval);
	CHECK(c.irqs + c.lost == seq - 1,
	      "%s: every record read or counted lost: %llu + %llu of %llu", how,
	      (unsigned long long)c.irqs, (unsigned long long)c.lost,
	      (unsigned long long)(seq - 1));
	CHECK(irqcap_reader_flush(r) == 0, "%s: flush of an empty ring", how);
	produce(&seq, 3);
	io = fr.ioctls;
	CHECK(irqcap_reader_flush(r) == 3 && irqcap_reader_next(r, &rec, 0) == 0 && !drv_ready() &&
	      (ro ? fr.consumed == fr.page->head :
		    fr.ioctls == io && rpage_tail() == (uint32_t)fr.page->head),
	      "%s: flush drops 3, the driver told (%d ioctls)", how, fr.ioctls - io);
	irqcap_reader_close(r);
	CHECK(!rpage_mapped(), "%s: close unmaps the reader page", how);
	ring_done();
}

/* Without CAP_DAC_OVERRIDE in effect (as root): file modes apply.  @on restores it. */
static void dac_override(bool on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return;
	if (on)
		d[0].effective |= d[0].permitted & (1U << CAP_DAC_OVERRIDE);
	else
		d[0].effective &= ~(1U << CAP_DAC_OVERRIDE);
	syscall(SYS_capset, &h, d);
}

/* @dev/irqcap0: a link to the fake's memfd */
static void node_link(const char *dev)
{
	char target[64], node[128];

	snprintf(target, sizeof(target), "/proc/%d/fd/%d", (int)getpid(), fr.fd);
	snprintf(node, sizeof(node), "%s/irqcap0", dev);
	unlink(node);
	if (symlink(target, node))
		exit(1);
}

/*
 * irqcap_reader_open() of a device node (a link to the fake's memfd): the
 * mapped modes open it O_RDWR, as the reader page's writable shared mapping
 * needs; a node the user may only read is opened O_RDONLY and read with
 * CONSUME; read() mode opens O_RDONLY.
 */
static void ring_device_open(void)
{
	char dir[] = "/tmp/irqcap-ring-XXXXXX", sys[64], dev[64], path[192];
	struct irqcap_reader_opts o = { .mode = IRQCAP_MODE_MMAP };
	struct irqcap_roots roots = { sys, dev };
	struct irqcap_device *d = NULL;
	struct irqcap_record rec;
	struct irqcap_reader *r = NULL;
	uint64_t seq = 1;
	int rc, io, acc;

	ring_make(8, 0x1000);
	if (!mkdtemp(dir))
		exit(1);
	snprintf(sys, sizeof(sys), "%s/sys", dir);
	snprintf(dev, sizeof(dev), "%s/dev", dir);
	snprintf(path, sizeof(path), "mkdir -p %s/class/misc/irqcap0/device %s", sys, dev);
	if (system(path))
		exit(1);
	node_link(dev);
	CHECK(irqcap_device_find(&roots, "0", &d) == 0 && d, "the fake's device node");
	if (!d)
		return;
	rc = irqcap_reader_open(d, &o, &r);
	acc = r ? fcntl(irqcap_reader_fd(r), F_GETFL) & O_ACCMODE : -1;
	CHECK(!rc && acc == O_RDWR && rpage_mapped(), "mmap: O_RDWR (%d), the reader page mapped %d",
	      acc, rpage_mapped());
	produce(&seq, 2);
	io = fr.ioctls;
	for (rc = 0; irqcap_reader_next(r, &rec, 0) == 1; rc++)
		;
	CHECK(rc == 2 && fr.ioctls == io && rpage_tail() == 0x1002,
	      "2 records, tail %#x, %d ioctls", rpage_tail(), fr.ioctls - io);
	irqcap_reader_close(r);
	o.mode = IRQCAP_MODE_READ;
	rc = irqcap_reader_open(d, &o, &r);
	acc = r ? fcntl(irqcap_reader_fd(r), F_GETFL) & O_ACCMODE : -1;
	CHECK(!rc && acc == O_RDONLY, "read(): O_RDONLY (%d)", acc);
	irqcap_reader_close(r);

	/* a node this user may only read */
	ring_make(8, 0x1000);
	node_link(dev);
	fchmod(fr.fd, 0444);
	dac_override(false);
	o.mode = IRQCAP_MODE_AUTO;
	rc = irqcap_reader_open(d, &o, &r);
	dac_override(true);
	acc = r ? fcntl(irqcap_reader_fd(r), F_GETFL) & O_ACCMODE : -1;
	CHECK(!rc && irqcap_reader_mode(r) == IRQCAP_MODE_MMAP && acc == O_RDONLY && !rpage_mapped(),
	      "read-only node: mapped (rc %d), O_RDONLY (%d), no reader page", rc, acc);
	if (r) {
		CHECK(irqcap_reader_next(r, &rec, 0) == 0 && fr.consumes == 1 && fr.consumed == 0x1000,
		      "read-only node: CONSUME at the empty ring: %d", fr.consumes);
		irqcap_reader_close(r);
	}
	irqcap_device_free(d);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		exit(1);
	ring_done();
}

void test_mmap(void)
{
	struct irqcap_record rec;
	struct irqcap_reader *r;
	uint64_t seq = 1;
	int rc, n, ok;

	ring_scenario(false);
	ring_scenario(true);
	ring_device_open();

	/*
	 * Records committed after open(), before the mapping, across a 2^32
	 * boundary of the positions: all the reader's.  (The reader page is
	 * zeroed when mapped: its tail 0 is a valid position here, the one
	 * after the boundary, which the driver would take over at STATS.)
	 */
	ring_make(8, 0xfffffffcULL);
	produce(&seq, 6);
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	for (n = 0, ok = 1; r && irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= rec.ev.seqno == (uint64_t)n + 1;
	CHECK(r && n == 6 && ok && !fr.drv_read,
	      "6 records from before the mapping, across the wrap: %d (driver read %llu)", n,
	      (unsigned long long)fr.drv_read);
	irqcap_reader_close(r);
	ring_done();

	/* the clock: the library converts mapped records */
	ring_make(8, 0);
	r = ring_reader(IRQCAP_MODE_MMAP, IRQCAP_CLOCK_BOOTTIME, &rc);
	seq = 1;
	produce(&seq, 1);
	{
		struct timespec b, m;
		int64_t off;

		clock_gettime(CLOCK_BOOTTIME, &b);
		clock_gettime(CLOCK_MONOTONIC, &m);
		off = (b.tv_sec - m.tv_sec) * 1000000000LL + (b.tv_nsec - m.tv_nsec);
		rc = irqcap_reader_next(r, &rec, 0);
		CHECK(rc == 1 && rec.ev.clock == IRQCAP_CLOCK_BOOTTIME &&
		      llabs((int64_t)rec.ev.timestamp_ns - 1000 - off) < 1000000,
		      "BOOTTIME: %llu, offset %lld", (unsigned long long)rec.ev.timestamp_ns,
		      (long long)off);
	}
	irqcap_reader_close(r);

	/* no mapped ring: auto reads, mmap refuses; a page that disagrees */
	ring_make(8, 0);
	fr.flags = 0;
	r = ring_reader(IRQCAP_MODE_AUTO, 0, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_READ, "auto without INFO_MMAP: read()");
	irqcap_reader_close(r);
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	CHECK(!r && rc == -EOPNOTSUPP, "mmap without INFO_MMAP: %d", rc);
	fr.flags = IRQCAP_INFO_MMAP;
	fr.page->ring_size = 16;
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	CHECK(!r && rc == -EPROTO, "page disagrees with INFO: %d", rc);
	r = ring_reader(IRQCAP_MODE_AUTO, 0, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_READ && !rpage_mapped(),
	      "auto falls back to read(), without the reader page");
	irqcap_reader_close(r);
	ring_done();
}

/* A producer thread laps a reader in a small ring: nothing is miscounted. */
#define CONC_N	200000ULL

static atomic_bool producer_done;
static _Atomic uint64_t reader_last;

static void *producer(void *arg)
{
	uint64_t seq = 1;

	(void)arg;
	while (seq <= CONC_N) {
		/* bursts and pauses: the reader keeps up at times, is lapped at others */
		uint32_t burst = 1 + (uint32_t)(seq % 7);

		if (burst > CONC_N + 1 - seq)
			burst = (uint32_t)(CONC_N + 1 - seq);
		/* every other 1000 records, wait for the reader: no loss there */
		while ((seq / 1000) % 2 && seq - atomic_load(&reader_last) > 8 &&
		       !atomic_load(&producer_done))
			sched_yield();
		produce(&seq, burst);
		for (volatile unsigned int k = 0; k < (seq % 97) * 20; k++)
			;
	}
	atomic_store(&producer_done, true);
	return NULL;
}

static void concurrent(bool ro)
{
	const char *how = ro ? "CONSUME" : "page";
	struct irqcap_record rec;
	struct irqcap_counts c;
	struct irqcap_stats st;
	struct irqcap_reader *r;
	uint64_t last = 0;
	pthread_t t;
	int rc, order = 1, errors = 0, io;

	ring_make(16, 0xfffff000ULL);
	atomic_store(&producer_done, false);
	atomic_store(&reader_last, 0);
	r = ring_reader_fd(IRQCAP_MODE_MMAP, 0, ro, &rc);
	if (!r) {
		CHECK(0, "%s: reader: %d", how, rc);
		return;
	}
	io = fr.ioctls;
	pthread_create(&t, NULL, producer, NULL);
	for (;;) {
		rc = irqcap_reader_next(r, &rec, 0);
		if (rc == 1) {
			if (rec.ev.type == IRQCAP_EVENT_IRQ) {
				order &= rec.ev.seqno > last;
				last = rec.ev.seqno;
				atomic_store(&reader_last, last);
			}
			continue;
		}
		if (rc < 0)
			errors++;
		if (last == CONC_N || errors > 100)
			break;
	}
	pthread_join(t, NULL);
	io = fr.ioctls - io;
	irqcap_reader_counts(r, &c);
	rc = irqcap_reader_stats(r, &st);
	printf("# concurrent (%s): %llu records, %llu irqs read, %llu lost in %llu overflows, %llu torn slots\n",
	       how, (unsigned long long)c.records, (unsigned long long)c.irqs,
	       (unsigned long long)c.lost, (unsigned long long)c.overflows,
	       (unsigned long long)c.torn);
	printf("# concurrent (%s): %d ioctls while reading; the driver counted %llu read, %llu lost, %d CONSUMEs behind its cursor refused\n",
	       how, io, (unsigned long long)st.reader_read, (unsigned long long)st.reader_lost,
	       fr.einval);
	CHECK(!errors && !rc && st.reader_lost >= c.lost && st.reader_read + st.reader_lost == CONC_N,
	      "%s: driver's loss %llu >= the reader's %llu, read + lost %llu; reader errors %d: %s",
	      how, (unsigned long long)st.reader_lost, (unsigned long long)c.lost,
	      (unsigned long long)(st.reader_read + st.reader_lost), errors,
	      irqcap_reader_errmsg(r));
	CHECK(order && !c.bad && c.irqs + c.lost == CONC_N,
	      "%s: irqs %llu + lost %llu == %llu, bad %llu: %s", how, (unsigned long long)c.irqs,
	      (unsigned long long)c.lost, CONC_N, (unsigned long long)c.bad,
	      irqcap_reader_stream_error(r) ? irqcap_reader_stream_error(r) : "");
	/* with the page, an ioctl only for a loss (the position before it) */
	if (!ro)
		CHECK(io <= (int)c.overflows, "%s: %d ioctls for %llu losses", how, io,
		      (unsigned long long)c.overflows);
	irqcap_reader_close(r);
	ring_done();
}

void test_mmap_concurrent(void)
{
	concurrent(false);
	concurrent(true);
}
