// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libirqcap: the mapped ring, as the uAPI header's struct irqcap_mmap_page
 * protocol says: positions of 32 bits, acquire head, copy, read fence,
 * reserve; torn copies discarded, losses delivered as the OVERFLOW record
 * read() would make.  The driver is told where the reader is by a store of
 * its position in the file's reader page (struct irqcap_mmap_reader @tail),
 * or with IRQCAP_IOC_CONSUME where that page cannot be mapped.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "reader.h"

#define fail irqcap__reader_fail

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

/* The reader page's @tail: the driver takes it over at its next read()/ioctl(). */
static void store_tail(struct irqcap_reader *r, uint32_t pos)
{
	__atomic_store_n(&r->rpage->tail, pos, __ATOMIC_RELEASE);
}

int irqcap__map_consume(struct irqcap_reader *r)
{
	int rc;

	if (r->rpage) {
		store_tail(r, r->mpos);	/* no system call */
		return 0;
	}
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
int irqcap__map_fetch(struct irqcap_reader *r)
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
		return irqcap__map_consume(r);	/* poll() wakes for records past mpos only */
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
		 *
		 * With the reader page, @tail is first set to @from: the driver
		 * takes the page's position over at every ioctl before it runs
		 * it, and a @tail left behind from the last empty ring (ahead of
		 * its cursor, behind @from) would have it count the records
		 * between that @tail and @from lost, though they were read.
		 * After the ioctl @tail is behind the driver's cursor, which
		 * it ignores, until the next empty ring stores mpos.
		 */
		if (r->rpage)
			store_tail(r, from);
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
	irqcap__convert(r, r->pos);
	return (int)(r->n - r->pos);
}

int irqcap__map_open(struct irqcap_reader *r, const struct irqcap_info *info)
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
	/*
	 * Like a new read() file: from the file's own cursor, which open() set,
	 * not from the head now: records committed between open() and this
	 * mmap() are this reader's too (a caller that waited for the driver to
	 * count the reader, then raised edges, lost the first ones silently).
	 * STATS says head - cursor; heads read before and after it that agree
	 * make that difference exact.  Without STATS: the head now.
	 */
	r->mpos = pos_acquire(&pg->head);
	for (int i = 0; i < 100; i++) {
		struct irqcap_stats st;
		uint32_t h = pos_acquire(&pg->head);

		if (ioctl(r->fd, IRQCAP_IOC_STATS, &st) != 0)
			break;
		if (pos_acquire(&pg->head) == h) {
			r->mpos = h - (uint32_t)st.reader_pending;
			break;
		}
	}
	/*
	 * The reader page, mapped after STATS: it is zeroed when mapped, and
	 * the driver would take @tail 0 over at the next ioctl as a position
	 * (the nearest behind the head with low bits 0), so mpos is stored
	 * before any.  Where it cannot be mapped (a file opened read-only:
	 * EACCES; a driver without it: EINVAL) IRQCAP_IOC_CONSUME does its work.
	 */
	r->rpage_len = (size_t)sysconf(_SC_PAGESIZE);
	m = mmap(NULL, r->rpage_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		 IRQCAP_MMAP_READER_OFFSET);
	if (m != MAP_FAILED) {
		r->rpage = m;
		store_tail(r, r->mpos);
	}
	r->mode = IRQCAP_MODE_MMAP;
	return 0;
}

uint32_t irqcap__map_head(const struct irqcap_reader *r)
{
	return pos_acquire(&r->page->head);
}
