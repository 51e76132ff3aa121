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

#include "reader.h"

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

#define fail irqcap__reader_fail

int irqcap__reader_fail(struct irqcap_reader *r, int err, const char *fmt, ...)
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

void irqcap__convert(struct irqcap_reader *r, size_t from)
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
	irqcap__convert(r, 0);
	return (int)r->n;
}

/* ---- the reader --------------------------------------------------------- */

static int fetch(struct irqcap_reader *r)
{
	return r->mode == IRQCAP_MODE_MMAP ? irqcap__map_fetch(r) : read_fetch(r);
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
		rc = irqcap__map_open(r, &info);
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
	int fd = -1, e, rc;
	struct irqcap_reader *r;

	*rp = NULL;
	/*
	 * A mapped reader's page (struct irqcap_mmap_reader) is a writable
	 * shared mapping: only a file open for writing may have it.  Without
	 * write permission the ring is read without it (IRQCAP_IOC_CONSUME);
	 * any other failure of O_RDWR is O_RDONLY's too, which reports it.
	 */
	if (!opts || opts->mode != IRQCAP_MODE_READ)
		fd = open(dev->node, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		fd = open(dev->node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
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
	if (r->rpage)
		munmap(r->rpage, r->rpage_len);
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
		/*
		 * mapped: map_fetch() told the driver our position (the reader
		 * page's tail, or CONSUME), so poll() wakes for new records only
		 */
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
		if (r->mode == IRQCAP_MODE_MMAP && irqcap__map_head(r) == r->mpos &&
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
	c->others = r->chk.others + r->chk.pm + r->chk.throttles;
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
		rc = irqcap__map_consume(r);
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
		uint32_t h = irqcap__map_head(r);

		dropped += (int)(uint32_t)(h - r->mpos);
		r->mpos = h;
		r->consumed = false;
		rc = irqcap__map_consume(r);
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
