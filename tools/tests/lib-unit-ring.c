// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * Unit tests of libirqcap's mapped ring (tools/lib/ring.c) against crafted
 * pages in a memfd, with IRQCAP_IOC_INFO and IRQCAP_IOC_CONSUME answered as
 * the driver does: the 32-bit position wrap, a lapped reader, torn slots,
 * flush, the clock, refusals, and a producer thread lapping the reader.
 * Part of tests/lib-unit.
 */
#include "unit.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* ---- the mapped ring, against crafted pages ---------------------------- */

#define FAKE_PAGE	4096

static struct {
	int fd;
	unsigned char *mem;
	size_t len;
	uint32_t ring, flags, page_ring;
	struct irqcap_mmap_page *page;
	uint64_t consumed;
	int consumes;
	uint64_t cursor, drv_lost;	/* the driver's view, as irqcap_ioctl_consume() keeps it */
	int einval;
} fr;

static int ring_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd;
	if (req == IRQCAP_IOC_INFO) {
		fake_info(arg, IRQCAP_ABI_VERSION, fr.ring, fr.flags, FAKE_PAGE);
		return 0;
	}
	if (req == IRQCAP_IOC_CONSUME) {
		/* the mmap branch's rules: low 32 bits, never ahead of head or behind the cursor */
		uint64_t v = *(uint64_t *)arg, head = fr.page->head, to, rs = fr.page->reserve;

		fr.consumed = v;
		fr.consumes++;
		if ((int32_t)((uint32_t)v - (uint32_t)head) > 0)
			return fr.einval++, errno = EINVAL, -1;
		to = head - (uint32_t)((uint32_t)head - (uint32_t)v);
		if ((int64_t)(to - fr.cursor) < 0)
			return fr.einval++, errno = EINVAL, -1;
		if (rs - to > fr.ring) {
			fr.drv_lost += rs - fr.ring - to;
			to = rs - fr.ring;
		}
		fr.cursor = to;
		return 0;
	}
	return FAKE_PASS;
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
	if (fr.fd < 0 || ftruncate(fr.fd, (off_t)fr.len))
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
	fake_ioctl = ring_ioctl;
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

static struct irqcap_reader *ring_reader(unsigned int mode, unsigned int clock, int *rc)
{
	struct irqcap_reader_opts o = { .mode = mode, .clock = clock,
					.flags = IRQCAP_READER_EXACT_LOSS };
	struct irqcap_reader *r = NULL;

	*rc = irqcap_reader_open_fd(dup(fr.fd), "irqcap0", &o, &r);
	return r;
}

void test_mmap(void)
{
	const uint64_t start = 0x1fffffff8ULL;	/* the low 32 bits wrap soon */
	struct irqcap_record rec;
	struct irqcap_counts c;
	struct irqcap_reader *r;
	uint64_t seq = 1, want;
	int rc, n, ok;

	ring_make(8, start);
	r = ring_reader(IRQCAP_MODE_AUTO, 0, &rc);
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_MMAP, "auto: mapped (rc %d)", rc);
	if (!r)
		return;
	CHECK(irqcap_reader_next(r, &rec, 0) == 0 && fr.consumes == 1 && fr.consumed == start,
	      "empty: CONSUME with the full position %#llx (got %#llx, %d calls)",
	      (unsigned long long)start, (unsigned long long)fr.consumed, fr.consumes);
	CHECK(irqcap_reader_next(r, &rec, 0) == 0 && fr.consumes == 1, "no CONSUME again");

	/* plain records, across the 32-bit wrap of the positions */
	produce(&seq, 5);
	for (n = 0, ok = 1; irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= rec.ev.seqno == (uint64_t)n + 1 && !rec.violations &&
		      rec.ev.type == IRQCAP_EVENT_IRQ;
	CHECK(n == 5 && ok, "5 records in order: %d", n);
	CHECK(fr.consumed == start + 5, "CONSUME at %#llx: %#llx", (unsigned long long)(start + 5),
	      (unsigned long long)fr.consumed);

	/* the producer laps the reader: lost without copying */
	produce(&seq, 20);	/* seqnos 6..25 in a ring of 8: 18..25 remain */
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.type == IRQCAP_EVENT_OVERFLOW && rec.ev.data == 12 &&
	      rec.ev.seqno == 5 && rec.ev.timestamp_ns == 5000 && rec.lost == 12,
	      "OVERFLOW as read() makes it: type %u data %llu seqno %llu ts %llu", rec.ev.type,
	      (unsigned long long)rec.ev.data, (unsigned long long)rec.ev.seqno,
	      (unsigned long long)rec.ev.timestamp_ns);
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.seqno == 18 && rec.gap == 12 && rec.after_overflow &&
	      !rec.violations, "then seqno 18, the gap accounted: %llu gap %llu v %#x",
	      (unsigned long long)rec.ev.seqno, (unsigned long long)rec.gap, rec.violations);
	for (n = 0; irqcap_reader_next(r, &rec, 0) == 1; n++)
		;
	CHECK(n == 7 && rec.ev.seqno == 25, "19..25: %d", n);

	/*
	 * torn slots: 4 records committed, then the producer reserves 6 more
	 * while the reader copies: the slots of the first 2 are being
	 * overwritten, so they are discarded and counted lost.
	 */
	want = fr.page->reserve;
	produce(&seq, 4);	/* 26..29 */
	ring_reserve(6);	/* 30..35 reserved, being written, not committed */
	rc = irqcap_reader_next(r, &rec, 0);
	irqcap_reader_counts(r, &c);
	CHECK(rc == 1 && rec.ev.type == IRQCAP_EVENT_OVERFLOW && rec.ev.data == 2 &&
	      rec.ev.seqno == 25 && c.torn == 2,
	      "torn: OVERFLOW of 2 after seqno 25: type %u data %llu seqno %llu torn %llu",
	      rec.ev.type, (unsigned long long)rec.ev.data, (unsigned long long)rec.ev.seqno,
	      (unsigned long long)c.torn);
	rc = irqcap_reader_next(r, &rec, 0);
	CHECK(rc == 1 && rec.ev.seqno == 28 && rec.gap == 2 && !rec.violations,
	      "then 28: %llu v %#x", (unsigned long long)rec.ev.seqno, rec.violations);
	irqcap_reader_next(r, &rec, 0);
	CHECK(rec.ev.seqno == 29 && irqcap_reader_next(r, &rec, 0) == 0,
	      "29, then nothing: the reserved slots are not committed");
	for (uint32_t i = 0; i < 6; i++)
		ring_write(want + 4 + i, seq + i, (seq + i) * 1000);
	seq += 6;
	ring_commit();
	for (n = 0, ok = 1; irqcap_reader_next(r, &rec, 0) == 1; n++)
		ok &= !rec.violations && rec.ev.seqno == 30 + (uint64_t)n;
	irqcap_reader_counts(r, &c);
	CHECK(n == 6 && ok && c.irqs == 5 + 8 + 2 + 6 && c.lost == 14 && !c.bad &&
	      c.overflows == 2 && !irqcap_reader_stream_error(r),
	      "the rest: %d, irqs %llu lost %llu bad %llu: %s", n, (unsigned long long)c.irqs,
	      (unsigned long long)c.lost, (unsigned long long)c.bad,
	      irqcap_reader_stream_error(r) ? irqcap_reader_stream_error(r) : "");
	CHECK(fr.drv_lost == c.lost && !fr.einval,
	      "the driver counted the same loss (told the position before each): %llu, %d EINVAL",
	      (unsigned long long)fr.drv_lost, fr.einval);
	CHECK(c.irqs + c.lost == seq - 1, "every record read or counted lost: %llu + %llu of %llu",
	      (unsigned long long)c.irqs, (unsigned long long)c.lost,
	      (unsigned long long)(seq - 1));
	CHECK(irqcap_reader_flush(r) == 0, "flush of an empty ring");
	produce(&seq, 3);
	CHECK(irqcap_reader_flush(r) == 3 && irqcap_reader_next(r, &rec, 0) == 0,
	      "flush drops 3");
	irqcap_reader_close(r);

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
	CHECK(r && irqcap_reader_mode(r) == IRQCAP_MODE_READ, "auto falls back to read()");
	irqcap_reader_close(r);
	fake_ioctl = NULL;
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

void test_mmap_concurrent(void)
{
	struct irqcap_record rec;
	struct irqcap_counts c;
	struct irqcap_reader *r;
	uint64_t last = 0;
	pthread_t t;
	int rc, order = 1, errors = 0;

	ring_make(16, 0xfffff000ULL);
	r = ring_reader(IRQCAP_MODE_MMAP, 0, &rc);
	if (!r) {
		CHECK(0, "reader: %d", rc);
		return;
	}
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
	irqcap_reader_counts(r, &c);
	printf("# concurrent: %llu records, %llu irqs read, %llu lost in %llu overflows, %llu torn slots\n",
	       (unsigned long long)c.records, (unsigned long long)c.irqs,
	       (unsigned long long)c.lost, (unsigned long long)c.overflows,
	       (unsigned long long)c.torn);
	printf("# concurrent: the driver counted %llu lost, %d CONSUMEs behind its cursor refused\n",
	       (unsigned long long)fr.drv_lost, fr.einval);
	CHECK(!errors && fr.drv_lost >= c.lost,
	      "driver's loss %llu >= the reader's %llu; reader errors %d: %s",
	      (unsigned long long)fr.drv_lost, (unsigned long long)c.lost, errors,
	      irqcap_reader_errmsg(r));
	CHECK(order && !c.bad && c.irqs + c.lost == CONC_N,
	      "irqs %llu + lost %llu == %llu, bad %llu: %s", (unsigned long long)c.irqs,
	      (unsigned long long)c.lost, CONC_N, (unsigned long long)c.bad,
	      irqcap_reader_stream_error(r) ? irqcap_reader_stream_error(r) : "");
	irqcap_reader_close(r);
	fake_ioctl = NULL;
}

