// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap_bench: the ring's push+pop cost per event next to the kernel's
 * kfifo, for the same 32-byte record, in the same run.  Prints times and
 * ratios; asserts nothing about them (they depend on the machine).
 *
 * Push is the driver's own code under the raw producer lock:
 * irqcap_stage_locked() (inline, irqcap.h), then either the hard IRQ
 * handler's commit of its own event, irqcap_commit_new_locked() (commit per
 * event: the hardirq bottom half, or any mode when nobody sleeps), or a
 * bottom half's irqcap_commit_locked() after several interrupts (commit per
 * batch).  Pop is the driver's own irqcap_ring_copy() (src/irqcap_ring.c),
 * which irqcap_reader_fill() calls: "bulk pop" is what read() does (one
 * call for the batch: one memcpy and one re-check of reserve per contiguous
 * run); the per-record pop calls it once per record (one acquire of head,
 * one copy, one re-check each).
 * kfifo gets the same lock around its producer side, which is what a driver
 * needs when the interrupt handler and process context both produce.
 *
 * Enabled by CONFIG_IRQCAP_KUNIT_BENCH, which is not in the default
 * .kunitconfig; scripts/bench.sh --kunit builds and runs it.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kfifo.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "irqcap.h"

#define BENCH_SLOTS	1024
#define BENCH_EVENTS	BIT(18)
#define BENCH_REPEAT	15

struct bench_ctx {
	struct irqcap_dev *idev;
	unsigned long pos;		/* the reader's cursor */
	unsigned long lost;		/* records the reader lost: none */
	struct irqcap_event out[64];	/* the reader's bounce buffer */
	DECLARE_KFIFO(fifo, struct irqcap_event, BENCH_SLOTS);
	raw_spinlock_t fifo_lock;
	u64 sink;
};

/* Per record: one irqcap_ring_copy() of one record each */
static unsigned int bench_irqcap_pop(struct bench_ctx *c, unsigned int max)
{
	unsigned long lost;
	unsigned int n;

	for (n = 0; n < max; n++) {
		if (!irqcap_ring_copy(&c->idev->ring, &c->pos, &c->out[n], 1, &lost))
			break;
		c->lost += lost;
	}
	return n;
}

/* What read() does: one irqcap_ring_copy() for the batch */
static unsigned int bench_irqcap_pop_bulk(struct bench_ctx *c, unsigned int max)
{
	unsigned long lost;
	unsigned int n;

	n = irqcap_ring_copy(&c->idev->ring, &c->pos, c->out, max, &lost);
	c->lost += lost;
	return n;
}

/* @batch events staged, one commit per @commit_every, then all popped */
static u64 bench_irqcap(struct bench_ctx *c, unsigned int batch,
			unsigned int commit_every, bool bulk)
{
	struct irqcap_dev *idev = c->idev;
	unsigned int staged = 0;
	u64 t0, i, j;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_EVENTS; i += batch) {
		for (j = 0; j < batch; j++) {
			raw_spin_lock(&idev->prod_lock);
			idev->seqno++;
			irqcap_stage_locked(idev, IRQCAP_EVENT_IRQ, i + j, 0);
			if (commit_every == 1) {
				/* the hard IRQ handler's commit of its own event */
				irqcap_commit_new_locked(idev, i + j);
			} else if (++staged == commit_every) {
				/* a bottom half's */
				irqcap_commit_locked(idev, i + j);
				staged = 0;
			}
			raw_spin_unlock(&idev->prod_lock);
		}
		c->sink += bulk ? bench_irqcap_pop_bulk(c, batch) : bench_irqcap_pop(c, batch);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_kfifo(struct bench_ctx *c, unsigned int batch)
{
	struct irqcap_event ev = { .type = IRQCAP_EVENT_IRQ };
	u64 t0, i, j;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_EVENTS; i += batch) {
		for (j = 0; j < batch; j++) {
			raw_spin_lock(&c->fifo_lock);
			ev.timestamp_ns = i + j;
			ev.seqno = i + j + 1;
			kfifo_put(&c->fifo, ev);
			raw_spin_unlock(&c->fifo_lock);
		}
		c->sink += kfifo_out(&c->fifo, c->out, batch);
	}
	return ktime_get_ns() - t0;
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Best run, in hundredths of a ns per event: on a shared machine a run can
 * only be slowed down, never sped up, so the fastest is the least disturbed.
 */
static u64 bench_best(u64 *t)
{
	sort(t, BENCH_REPEAT, sizeof(*t), bench_cmp_u64, NULL);
	return div_u64(t[0] * 100, BENCH_EVENTS);
}

static void bench_report(struct kunit *test, const char *what, u64 irqcap_c,
			 u64 kfifo_c)
{
	u64 ratio = div64_u64(irqcap_c * 100, kfifo_c ?: 1);

	kunit_info(test, "bench: %-34s irqcap %llu.%02llu ns/event  kfifo %llu.%02llu ns/event  ratio %llu.%02llu\n",
		   what, irqcap_c / 100, irqcap_c % 100, kfifo_c / 100,
		   kfifo_c % 100, ratio / 100, ratio % 100);
}

static void irqcap_bench_ring_vs_kfifo(struct kunit *test)
{
	static const struct {
		const char *name;
		unsigned int batch, commit_every;
		bool bulk;
	} cases[] = {
		{ "push+pop 1, commit each (hardirq)", 1, 1, false },
		{ "push 16 commit each, pop 16", 16, 1, false },
		{ "push 16 commit once, pop 16", 16, 16, false },
		{ "push 64 commit once, pop 64", 64, 64, false },
		{ "push 16 commit each, bulk pop 16", 16, 1, true },
		{ "push 16 commit once, bulk pop 16", 16, 16, true },
		{ "push 64 commit once, bulk pop 64", 64, 64, true },
	};
	struct bench_ctx *c;
	u64 ti[BENCH_REPEAT], tk[BENCH_REPEAT];
	unsigned int k, r;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	c->idev = kunit_kzalloc(test, sizeof(*c->idev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->idev);
	KUNIT_ASSERT_EQ(test, irqcap_ring_alloc(&c->idev->ring, BENCH_SLOTS), 0);
	raw_spin_lock_init(&c->idev->prod_lock);
	raw_spin_lock_init(&c->fifo_lock);
	INIT_KFIFO(c->fifo);

	kunit_info(test, "bench: %zu-byte records, %u-slot rings, %u events, best of %u runs\n",
		   sizeof(struct irqcap_event), BENCH_SLOTS, BENCH_EVENTS, BENCH_REPEAT);
	for (k = 0; k < ARRAY_SIZE(cases); k++) {
		/* interleave the two so that noise hits both alike */
		for (r = 0; r < BENCH_REPEAT; r++) {
			ti[r] = bench_irqcap(c, cases[k].batch, cases[k].commit_every,
					     cases[k].bulk);
			tk[r] = bench_kfifo(c, cases[k].batch);
		}
		bench_report(test, cases[k].name, bench_best(ti), bench_best(tk));
	}
	/* every pushed record was popped, by both */
	KUNIT_EXPECT_EQ(test, c->sink,
			(u64)2 * BENCH_EVENTS * BENCH_REPEAT * ARRAY_SIZE(cases));
	KUNIT_EXPECT_EQ(test, c->pos, c->idev->ring.hdr->head);
	KUNIT_EXPECT_EQ(test, c->lost, 0UL);
	irqcap_ring_free(&c->idev->ring);
}

static struct kunit_case irqcap_bench_cases[] = {
	KUNIT_CASE(irqcap_bench_ring_vs_kfifo),
	{ }
};

static struct kunit_suite irqcap_bench_suite = {
	.name = "irqcap_bench",
	.test_cases = irqcap_bench_cases,
};

kunit_test_suite(irqcap_bench_suite);

MODULE_DESCRIPTION("irqcap ring vs kfifo micro-benchmark");
MODULE_LICENSE("GPL");
