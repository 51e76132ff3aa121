// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libirqcap: the reader.  Records come from read() or from the mapped ring
 * (struct irqcap_mmap_page protocol of the uAPI header); either way every
 * record goes through the one implementation of the stream rules
 * (irqcap-stream.c) before it is delivered.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "irqcap-stream.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

#define BATCH	256

struct irqcap_reader {
	int fd;
	unsigned int mode, clock, flags;
	bool is_chr;		/* a device node, not a recording */
	bool user_clock;	/* the library converts timestamps */
	char name[64];
	char msg[IRQCAP_MSG_LEN];

	/* the stream rules and what records mean */
	struct irqcap_stream chk;
	bool have_irq;
	uint64_t last_irq_ns;	/* CLOCK_MONOTONIC (or the driver's clock) */

	/* records fetched, not yet delivered: buf[pos..n) */
	size_t pos, n;
	struct irqcap_event buf[BATCH + 2];
	uint64_t raw_ts[BATCH + 2];	/* their timestamps before conversion */
	size_t partial;		/* read(): bytes of a partial record after buf[n] */

	/* the mapped ring */
	void *map;
	size_t map_len;
	const struct irqcap_mmap_page *page;
	const unsigned char *data;
	uint32_t ring, mpos;
	bool have_last;
	uint64_t last_seqno, last_ts;	/* of the last record taken from the ring */
	bool consumed;		/* IRQCAP_IOC_CONSUME told the driver mpos */

	uint64_t torn, truncated;
};

static int fail(struct irqcap_reader *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct irqcap_reader *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return err;
}

static const clockid_t clock_ids[] = {
	[IRQCAP_CLOCK_MONOTONIC]	= CLOCK_MONOTONIC,
	[IRQCAP_CLOCK_BOOTTIME]		= CLOCK_BOOTTIME,
	[IRQCAP_CLOCK_REALTIME]		= CLOCK_REALTIME,
	[IRQCAP_CLOCK_TAI]		= CLOCK_TAI,
};

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The offset from CLOCK_MONOTONIC to @clock now: the middle of two
 * MONOTONIC reads around the other clock's read.
 */
static int64_t clock_offset(unsigned int clock)
{
	int64_t a, b, c;

	a = clock_ns(CLOCK_MONOTONIC);
	b = clock_ns(clock_ids[clock]);
	c = clock_ns(CLOCK_MONOTONIC);
	return b - (a + (c - a) / 2);
}

/* Convert buf[from..n) to the reader's clock where the library has to. */
static void convert(struct irqcap_reader *r, size_t from)
{
	int64_t off = 0;
	size_t i;

	for (i = from; i < r->n; i++)
		r->raw_ts[i] = r->buf[i].timestamp_ns;
	if (!r->user_clock)
		return;
	off = clock_offset(r->clock);
	for (i = from; i < r->n; i++) {
		if (r->buf[i].clock != IRQCAP_CLOCK_MONOTONIC)
			continue;	/* the driver converted this one */
		r->buf[i].timestamp_ns = (uint64_t)((int64_t)r->buf[i].timestamp_ns + off);
		r->buf[i].clock = (uint8_t)r->clock;
	}
}

/* ---- read() ------------------------------------------------------------ */

/* Fetch what read() has now: >0 records, 0 none, -IRQCAP_E_END, -errno. */
static int read_fetch(struct irqcap_reader *r)
{
	unsigned char *bytes = (unsigned char *)r->buf;
	ssize_t got;

	/* keep a partial record (recordings, FIFOs) at the front */
	if (r->partial)
		memmove(bytes, bytes + r->n * sizeof(struct irqcap_event), r->partial);
	r->pos = r->n = 0;
	got = read(r->fd, bytes + r->partial, BATCH * sizeof(struct irqcap_event) - r->partial);
	if (got < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return fail(r, -errno, "%s: read: %s", r->name, strerror(errno));
	}
	if (got == 0) {
		r->truncated += r->partial;
		r->partial = 0;
		return -IRQCAP_E_END;
	}
	got += (ssize_t)r->partial;
	r->n = (size_t)got / sizeof(struct irqcap_event);
	r->partial = (size_t)got % sizeof(struct irqcap_event);
	convert(r, 0);
	return (int)r->n;
}

/* ---- the mapped ring ---------------------------------------------------- */

static uint32_t pos_acquire(const __u64 *field)
{
	return __atomic_load_n(IRQCAP_MMAP_POS(*field), __ATOMIC_ACQUIRE);
}

static uint32_t pos_relaxed(const __u64 *field)
{
	return __atomic_load_n(IRQCAP_MMAP_POS(*field), __ATOMIC_RELAXED);
}

/*
 * The driver's full position for the 32-bit @pos: its head's high bits,
 * read around the low ones (a 32-bit program cannot load 64 bits at once).
 */
static uint64_t full_pos(const struct irqcap_reader *r, uint32_t pos)
{
	const uint32_t *lo = IRQCAP_MMAP_POS(r->page->head);
	const uint32_t *hi = (const uint32_t *)&r->page->head + (lo == (const uint32_t *)&r->page->head);
	uint32_t h1, l, h2;

	do {
		h1 = __atomic_load_n(hi, __ATOMIC_ACQUIRE);
		l = __atomic_load_n(lo, __ATOMIC_ACQUIRE);
		h2 = __atomic_load_n(hi, __ATOMIC_ACQUIRE);
	} while (h1 != h2);
	return (((uint64_t)h1 << 32) | l) - (uint32_t)(l - pos);
}

static int consume_at(struct irqcap_reader *r, uint32_t pos)
{
	uint64_t p = full_pos(r, pos);

	if (ioctl(r->fd, IRQCAP_IOC_CONSUME, &p) != 0)
		return fail(r, -errno, "%s: IRQCAP_IOC_CONSUME %llu: %s", r->name,
			    (unsigned long long)p, strerror(errno));
	return 0;
}

static int map_consume(struct irqcap_reader *r)
{
	int rc;

	if (r->consumed)
		return 0;
	rc = consume_at(r, r->mpos);
	if (!rc)
		r->consumed = true;
	return rc;
}

/*
 * The header's protocol: copy [mpos, head) after an acquire load of head,
 * then a read fence and reserve; a copied record the producer may have
 * overwritten meanwhile ((u32)(reserve - p) > ring) is discarded with those
 * before it, and counted lost, as a reader falling behind is.
 */
static int map_fetch(struct irqcap_reader *r)
{
	struct irqcap_event *out = r->buf + 1;	/* buf[0]: room for an OVERFLOW */
	uint32_t h, n, rs, i, from = r->mpos;
	uint64_t lost = 0;

	r->pos = r->n = 0;
	for (;;) {
		h = pos_acquire(&r->page->head);
		n = h - r->mpos;
		if (!n)
			break;
		if (n > r->ring) {
			__atomic_thread_fence(__ATOMIC_ACQUIRE);
			rs = pos_relaxed(&r->page->reserve);
			lost += (uint32_t)(rs - r->ring - r->mpos);
			r->mpos = rs - r->ring;
			continue;
		}
		if (n > BATCH)
			n = BATCH;
		for (i = 0; i < n; i++)
			memcpy(&out[i], r->data + (size_t)((r->mpos + i) & (r->ring - 1)) *
			       sizeof(struct irqcap_event), sizeof(struct irqcap_event));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		rs = pos_relaxed(&r->page->reserve);
		for (i = 0; i < n && (uint32_t)(rs - (r->mpos + i)) > r->ring; i++)
			;
		if (i) {
			r->torn += i;
			lost += (uint32_t)(rs - r->ring - r->mpos);
			r->mpos = rs - r->ring;
			if (i == n)
				continue;	/* every copied record was overwritten */
			memmove(out, out + i, (n - i) * sizeof(*out));
			n -= i;
		}
		r->mpos += n;
		r->n = n + 1;
		break;
	}
	if (!r->n && !lost)
		return map_consume(r);	/* poll() wakes for records past mpos only */
	r->consumed = false;
	if (lost) {
		/*
		 * The driver counts a loss (STATS reader_lost, sysfs dropped) when
		 * told a position older than its ring: the one before the loss.
		 * Its cursor then moves to its own reserve - ring_size, at most
		 * where the records kept here are, so that later CONSUMEs of
		 * positions this reader reached (when it finds the ring empty)
		 * never go behind it.  In a lap right after another the driver may
		 * have moved its cursor past @from already and refuses (EINVAL):
		 * it has counted those records lost then, and that is ignored.
		 */
		consume_at(r, from);
		/* what read() would have given: after the last record read */
		memset(&r->buf[0], 0, sizeof(r->buf[0]));
		r->buf[0].type = IRQCAP_EVENT_OVERFLOW;
		r->buf[0].seqno = r->have_last ? r->last_seqno : 0;
		r->buf[0].timestamp_ns = r->have_last ? r->last_ts : 0;
		r->buf[0].data = lost;
		if (!r->n)
			r->n = 1;
	} else {
		r->pos = 1;
	}
	if (r->n > 1) {
		r->have_last = true;
		r->last_seqno = r->buf[r->n - 1].seqno;
		r->last_ts = r->buf[r->n - 1].timestamp_ns;
	}
	convert(r, r->pos);
	return (int)(r->n - r->pos);
}

static int map_open(struct irqcap_reader *r, const struct irqcap_info *info)
{
	const struct irqcap_mmap_page *pg;
	size_t len;
	void *m;

	if (!(info->flags & IRQCAP_INFO_MMAP) || !info->mmap_data_offset || !info->ring_size ||
	    (info->ring_size & (info->ring_size - 1)))
		return fail(r, -EOPNOTSUPP, "%s: the driver offers no mapped ring", r->name);
	len = info->mmap_data_offset + (size_t)info->ring_size * sizeof(struct irqcap_event);
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, r->fd, 0);
	if (m == MAP_FAILED)
		return fail(r, -errno, "%s: mmap: %s", r->name, strerror(errno));
	pg = m;
	if (pg->abi_version != info->abi_version || pg->event_size != sizeof(struct irqcap_event) ||
	    pg->ring_size != info->ring_size || pg->data_offset != info->mmap_data_offset) {
		fail(r, -EPROTO, "%s: the mapped header (ABI %u, %u-byte records, ring %u, data at %u) disagrees with IRQCAP_IOC_INFO",
		     r->name, pg->abi_version, pg->event_size, pg->ring_size, pg->data_offset);
		munmap(m, len);
		return -EPROTO;
	}
	r->map = m;
	r->map_len = len;
	r->page = pg;
	r->data = (const unsigned char *)m + pg->data_offset;
	r->ring = pg->ring_size;
	/* like a new read() file: from the next record on */
	r->mpos = pos_acquire(&pg->head);
	r->mode = IRQCAP_MODE_MMAP;
	return 0;
}

/* ---- the reader --------------------------------------------------------- */

static int fetch(struct irqcap_reader *r)
{
	return r->mode == IRQCAP_MODE_MMAP ? map_fetch(r) : read_fetch(r);
}

static int apply_clock(struct irqcap_reader *r, unsigned int clock)
{
	__u32 c = clock;

	if (clock > IRQCAP_CLOCK_TAI)
		return fail(r, -EINVAL, "%s: clock %u does not exist", r->name, clock);
	r->clock = clock;
	r->user_clock = false;
	if (r->mode == IRQCAP_MODE_MMAP || !r->is_chr) {
		r->user_clock = clock != IRQCAP_CLOCK_MONOTONIC;
		return 0;
	}
	if (ioctl(r->fd, IRQCAP_IOC_SET_CLOCK, &c) == 0)
		return 0;
	if (errno == ENOTTY) {
		/* a driver without IRQCAP_IOC_SET_CLOCK: convert here */
		r->user_clock = clock != IRQCAP_CLOCK_MONOTONIC;
		return 0;
	}
	return fail(r, -errno, "%s: IRQCAP_IOC_SET_CLOCK %s: %s", r->name,
		    irqcap_clock_name(clock), strerror(errno));
}

/* On failure, @errmsg (IRQCAP_MSG_LEN bytes, may be NULL) says why. */
static int reader_open(int fd, const char *name, const struct irqcap_reader_opts *opts,
		       struct irqcap_reader **rp, char *errmsg)
{
	static const struct irqcap_reader_opts none;
	struct irqcap_reader *r;
	struct irqcap_info info;
	struct stat st;
	int rc, fl;

	*rp = NULL;
	if (!opts)
		opts = &none;
	if (opts->mode > IRQCAP_MODE_MMAP || opts->clock > IRQCAP_CLOCK_TAI) {
		close(fd);
		return -EINVAL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	r->fd = fd;
	r->flags = opts->flags;
	r->mode = IRQCAP_MODE_READ;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "irqcap");
	irqcap_stream_init(&r->chk, opts->flags & IRQCAP_READER_EXACT_LOSS ?
			   IRQCAP_STREAM_EXACT_LOSS : 0);
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0 && !(fl & O_NONBLOCK))
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	r->is_chr = fstat(fd, &st) == 0 && S_ISCHR(st.st_mode);

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, IRQCAP_IOC_INFO, &info) == 0) {
		if (irqcap__abi_ok(&info)) {
			rc = fail(r, -IRQCAP_E_ABI, "%s: the driver speaks uAPI ABI %u with %u-byte records, this library ABI %d with %zu-byte records",
				  r->name, info.abi_version, info.event_size,
				  IRQCAP_ABI_VERSION, sizeof(struct irqcap_event));
			goto out;
		}
	} else if (r->is_chr) {
		if (errno == ENOTTY)
			rc = fail(r, -IRQCAP_E_ABI, "%s: the driver does not know this library's ioctls (uAPI ABI %d): it speaks another ABI (ABI 1 drivers use ioctl code 0xB6)",
				  r->name, IRQCAP_ABI_VERSION);
		else
			rc = fail(r, -errno, "%s: IRQCAP_IOC_INFO: %s", r->name, strerror(errno));
		goto out;
	}
	/* else a recording: no ioctls, read() only */

	if (opts->mode != IRQCAP_MODE_READ) {
		rc = map_open(r, &info);
		if (rc && opts->mode == IRQCAP_MODE_MMAP)
			goto out;
	}
	rc = apply_clock(r, opts->clock);
	if (rc)
		goto out;
	*rp = r;
	return 0;
out:
	if (errmsg)
		memcpy(errmsg, r->msg, IRQCAP_MSG_LEN);
	irqcap_reader_close(r);
	return rc;
}

IRQCAP_EXPORT int irqcap_reader_open_fd(int fd, const char *name,
					const struct irqcap_reader_opts *opts,
					struct irqcap_reader **rp)
{
	return reader_open(fd, name, opts, rp, NULL);
}

IRQCAP_EXPORT int irqcap_reader_open(struct irqcap_device *dev,
				     const struct irqcap_reader_opts *opts,
				     struct irqcap_reader **rp)
{
	int fd = open(dev->node, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e, rc;
	struct irqcap_reader *r;

	*rp = NULL;
	if (fd < 0) {
		e = errno;
		return irqcap__fail(dev->msg, -e, "%s: cannot open %s: %s", dev->name, dev->node,
				    strerror(e));
	}
	rc = reader_open(fd, dev->name, opts, &r, dev->msg);
	if (rc)
		return rc;
	*rp = r;
	return 0;
}

IRQCAP_EXPORT void irqcap_reader_close(struct irqcap_reader *r)
{
	if (!r)
		return;
	if (r->map)
		munmap(r->map, r->map_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

IRQCAP_EXPORT int irqcap_reader_fd(const struct irqcap_reader *r)
{
	return r->fd;
}

IRQCAP_EXPORT int irqcap_reader_mode(const struct irqcap_reader *r)
{
	return (int)r->mode;
}

IRQCAP_EXPORT int irqcap_reader_clock(const struct irqcap_reader *r)
{
	return (int)r->clock;
}

IRQCAP_EXPORT int irqcap_reader_set_clock(struct irqcap_reader *r, unsigned int clock)
{
	return apply_clock(r, clock);
}

IRQCAP_EXPORT const char *irqcap_reader_errmsg(const struct irqcap_reader *r)
{
	return r->msg;
}

IRQCAP_EXPORT void irqcap_reader_expect(struct irqcap_reader *r, uint64_t seqno)
{
	irqcap_stream_expect(&r->chk, seqno);
}

/* Check buf[pos] against the stream rules and say what it means. */
static void deliver(struct irqcap_reader *r, struct irqcap_record *rec)
{
	struct irqcap_event *ev = &r->buf[r->pos];
	uint64_t ts = r->raw_ts[r->pos];
	struct irqcap_event checked = *ev;
	struct irqcap_stream_rec sr;

	r->pos++;
	memset(rec, 0, sizeof(*rec));
	rec->ev = *ev;
	/* the rules hold on the ring's clock: check the record as it came */
	checked.timestamp_ns = ts;
	rec->violations = irqcap_stream_feed(&r->chk, &checked, &sr);
	rec->gap = sr.gap;
	rec->gap_from = sr.gap_from;
	rec->after_overflow = sr.after_overflow;
	/* seqno went back: a new device instance; no interval across it */
	if (rec->violations & IRQCAP_STREAM_V_SEQ_BACK)
		r->have_irq = false;
	switch (ev->type) {
	case IRQCAP_EVENT_IRQ:
		if (r->have_irq && !sr.gap && ts >= r->last_irq_ns) {
			rec->have_interval = true;
			rec->interval_ns = ts - r->last_irq_ns;
		}
		r->have_irq = true;
		r->last_irq_ns = ts;
		break;
	case IRQCAP_EVENT_OVERFLOW:
		rec->lost = ev->data;
		r->have_irq = false;	/* the IRQ after a loss has no interval */
		break;
	case IRQCAP_EVENT_SUSPEND:
	case IRQCAP_EVENT_RESUME:
	case IRQCAP_EVENT_THROTTLED:
		r->have_irq = false;	/* an interval across these says nothing */
		break;
	default:
		break;
	}
	if (sr.gap && ev->type != IRQCAP_EVENT_IRQ)
		r->have_irq = false;
}

IRQCAP_EXPORT bool irqcap_reader_pending(const struct irqcap_reader *r)
{
	return r->pos < r->n;
}

IRQCAP_EXPORT int irqcap_reader_peek_ts(struct irqcap_reader *r, uint64_t *ts)
{
	int rc;

	if (r->pos >= r->n) {
		rc = fetch(r);
		if (rc <= 0)
			return rc;
	}
	*ts = r->buf[r->pos].timestamp_ns;
	return 1;
}

static int64_t mono_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

IRQCAP_EXPORT int irqcap_reader_next(struct irqcap_reader *r, struct irqcap_record *rec,
				     int timeout_ms)
{
	int64_t deadline = timeout_ms > 0 ? mono_ms() + timeout_ms : 0;
	struct pollfd pfd;
	int rc, wait;

	for (;;) {
		if (r->pos < r->n) {
			deliver(r, rec);
			return 1;
		}
		rc = fetch(r);
		if (rc > 0)
			continue;
		if (rc < 0)
			return rc;
		if (!timeout_ms)
			return 0;
		/* mapped: map_fetch() told the driver our position (CONSUME) */
		wait = -1;
		if (timeout_ms > 0) {
			int64_t left = deadline - mono_ms();

			if (left <= 0)
				return 0;
			wait = (int)(left > 1000000 ? 1000000 : left);
		}
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		rc = poll(&pfd, 1, wait);
		if (rc < 0)
			return errno == EINTR ? 0 : fail(r, -errno, "%s: poll: %s", r->name,
							 strerror(errno));
		if (!rc)
			return 0;
		if (pfd.revents & (POLLERR | POLLNVAL) ||
		    (r->is_chr && (pfd.revents & POLLHUP) && !(pfd.revents & POLLIN))) {
			rc = fetch(r);
			if (rc > 0)
				continue;
			return rc < 0 ? rc : fail(r, -ENODEV, "%s: device removed", r->name);
		}
		if (r->mode == IRQCAP_MODE_MMAP && pos_acquire(&r->page->head) == r->mpos &&
		    (pfd.revents & POLLHUP))
			return fail(r, -ENODEV, "%s: device removed", r->name);
	}
}

IRQCAP_EXPORT void irqcap_reader_counts(const struct irqcap_reader *r, struct irqcap_counts *c)
{
	memset(c, 0, sizeof(*c));
	c->records = r->chk.records;
	c->irqs = r->chk.irqs;
	c->timeouts = r->chk.timeouts;
	c->markers = r->chk.markers;
	c->overflows = r->chk.overflows;
	c->others = r->chk.others;
	c->lost = r->chk.lost;
	c->gap_total = r->chk.gap_total;
	c->gap_unreported = r->chk.gap_unreported;
	c->backward = r->chk.backward;
	c->bad = r->chk.bad;
	c->torn = r->torn;
	c->truncated = r->truncated;
}

IRQCAP_EXPORT const char *irqcap_reader_stream_error(const struct irqcap_reader *r)
{
	return irqcap_stream_error(&r->chk);
}

IRQCAP_EXPORT int irqcap_reader_stats(struct irqcap_reader *r, struct irqcap_stats *stats)
{
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (r->mode == IRQCAP_MODE_MMAP) {
		rc = map_consume(r);
		if (rc)
			return rc;
	}
	if (ioctl(r->fd, IRQCAP_IOC_STATS, stats) != 0)
		return fail(r, -errno, "%s: IRQCAP_IOC_STATS: %s", r->name, strerror(errno));
	return 0;
}

IRQCAP_EXPORT int irqcap_reader_flush(struct irqcap_reader *r)
{
	int dropped = (int)(r->n - r->pos), rc;

	r->pos = r->n = 0;
	if (r->mode == IRQCAP_MODE_MMAP) {
		uint32_t h = pos_acquire(&r->page->head);

		dropped += (int)(uint32_t)(h - r->mpos);
		r->mpos = h;
		r->consumed = false;
		rc = map_consume(r);
		return rc ? rc : dropped;
	}
	rc = ioctl(r->fd, IRQCAP_IOC_FLUSH);
	if (rc < 0)
		return fail(r, -errno, "%s: IRQCAP_IOC_FLUSH: %s", r->name, strerror(errno));
	return dropped + rc;
}

_Static_assert(IRQCAP_V_GAP == IRQCAP_STREAM_V_GAP && IRQCAP_V_LOSS == IRQCAP_STREAM_V_LOSS &&
	       IRQCAP_V_SEQ_BACK == IRQCAP_STREAM_V_SEQ_BACK &&
	       IRQCAP_V_OVF_SEQ == IRQCAP_STREAM_V_OVF_SEQ &&
	       IRQCAP_V_TS_BACK == IRQCAP_STREAM_V_TS_BACK &&
	       IRQCAP_V_RESERVED == IRQCAP_STREAM_V_RESERVED &&
	       IRQCAP_V_TYPE == IRQCAP_STREAM_V_TYPE, "violation bits are the checker's");
