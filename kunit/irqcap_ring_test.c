// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for irqcap's ring (src/irqcap_ring.{h,c}).
 *
 * The arithmetic is tested directly, then the ring itself: struct
 * irqcap_ring with the storage irqcap_ring_alloc() gives it, the producer's
 * irqcap_ring_stage() and irqcap_ring_commit(), and the reader's lock-free
 * irqcap_ring_copy() (the same calls the device and the char device make),
 * single-threaded, stepped by hand around a torn copy, and on kthreads: one
 * producer and up to three readers.  See the protocol atop irqcap_ring.h.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "irqcap_ring.h"

/* ------------------------------------------------------------------ */
/* Ring sizes                                                          */

struct size_case {
	u32 slots;
	bool valid;
};

static const struct size_case size_cases[] = {
	{ 0, false },
	{ 1, false },
	{ 2, false },
	{ 8, false },
	{ IRQCAP_RING_MIN - 1, false },
	{ IRQCAP_RING_MIN, true },
	{ IRQCAP_RING_MIN + 1, false },
	{ 24, false },
	{ 32, true },
	{ 48, false },
	{ IRQCAP_RING_DEFAULT - 1, false },
	{ IRQCAP_RING_DEFAULT, true },
	{ IRQCAP_RING_DEFAULT + 1, false },
	{ IRQCAP_RING_MAX / 2, true },
	{ IRQCAP_RING_MAX - 1, false },
	{ IRQCAP_RING_MAX, true },
	{ IRQCAP_RING_MAX + 1, false },
	{ IRQCAP_RING_MAX * 2, false },
	{ 1U << 31, false },
	{ U32_MAX, false },
};

static void size_case_desc(const struct size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "slots=%u", c->slots);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_case_desc);

static void ring_size_valid_test(struct kunit *test)
{
	const struct size_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, irqcap_ring_size_valid(c->slots), c->valid);
}

/* Every power of two and its neighbours: valid exactly for 2^4 .. 2^20. */
static void ring_size_pow2_sweep_test(struct kunit *test)
{
	unsigned int k;

	for (k = 0; k < 32; k++) {
		u32 p = 1U << k;
		bool in_range = p >= IRQCAP_RING_MIN && p <= IRQCAP_RING_MAX;

		KUNIT_EXPECT_EQ_MSG(test, irqcap_ring_size_valid(p), in_range,
				    "slots=2^%u", k);
		if (p > 2) {
			KUNIT_EXPECT_FALSE_MSG(test, irqcap_ring_size_valid(p - 1),
					       "slots=2^%u-1", k);
			KUNIT_EXPECT_FALSE_MSG(test, irqcap_ring_size_valid(p + 1),
					       "slots=2^%u+1", k);
		}
	}
	/* the default is accepted and the bounds are powers of two */
	KUNIT_EXPECT_TRUE(test, is_power_of_2(IRQCAP_RING_MIN));
	KUNIT_EXPECT_TRUE(test, is_power_of_2(IRQCAP_RING_MAX));
	KUNIT_EXPECT_TRUE(test, irqcap_ring_size_valid(IRQCAP_RING_DEFAULT));
}

/* ------------------------------------------------------------------ */
/* Slot index and pending count across counter wraps                   */

static const u64 wrap_points[] = {
	0,
	1,
	(u64)U32_MAX - 1,
	(u64)U32_MAX,
	(u64)U32_MAX + 1,
	(u64)U32_MAX + 2,
	U64_MAX / 2,
	U64_MAX - 2,
	U64_MAX - 1,
	U64_MAX,
};

static void ring_slot_wrap_test(struct kunit *test)
{
	static const u32 sizes[] = { IRQCAP_RING_MIN, 64, IRQCAP_RING_DEFAULT,
				     IRQCAP_RING_MAX };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 s = sizes[i];

		for (j = 0; j < ARRAY_SIZE(wrap_points); j++) {
			u64 p = wrap_points[j];
			u32 slot = irqcap_ring_slot(p, s);

			KUNIT_EXPECT_LT(test, slot, s);
			KUNIT_EXPECT_EQ_MSG(test, (u64)slot, p % s,
					    "pos=%llu slots=%u", p, s);
			/* the next position is the next slot, modulo size */
			KUNIT_EXPECT_EQ_MSG(test, irqcap_ring_slot(p + 1, s),
					    (slot + 1) & (s - 1),
					    "pos=%llu+1 slots=%u", p, s);
			/* a lap later, the same slot */
			KUNIT_EXPECT_EQ_MSG(test, irqcap_ring_slot(p + s, s), slot,
					    "pos=%llu+size slots=%u", p, s);
		}
		/* 2^64 - 1 and 0 are neighbours */
		KUNIT_EXPECT_EQ(test, irqcap_ring_slot(U64_MAX, s), s - 1);
		KUNIT_EXPECT_EQ(test, irqcap_ring_slot(0, s), 0U);
		/* 2^32 does not truncate the position to 32 bits first */
		KUNIT_EXPECT_EQ(test, irqcap_ring_slot((u64)U32_MAX + 1 + 5, s), 5U);
	}
}

struct pending_case {
	const char *name;
	u64 head;
	u64 pos;
	u64 pending;
};

static const struct pending_case pending_cases[] = {
	{ "empty", 0, 0, 0 },
	{ "five", 5, 0, 5 },
	{ "reader-ahead", 0, 5, 0 },
	{ "across-2^32", (u64)U32_MAX + 2, (u64)U32_MAX - 1, 3 },
	{ "across-2^64", 2, U64_MAX - 1, 4 },
	{ "at-2^64", U64_MAX, U64_MAX - 3, 3 },
	{ "ahead-across-2^64", U64_MAX, 1, 0 },
	{ "full-1M", (u64)IRQCAP_RING_MAX + 7, 7, IRQCAP_RING_MAX },
};

static void pending_case_desc(const struct pending_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pending, pending_cases, pending_case_desc);

static void ring_pending_test(struct kunit *test)
{
	const struct pending_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, irqcap_ring_pending(c->head, c->pos), c->pending);
}

/* ------------------------------------------------------------------ */
/* Reader skip: exact loss count                                       */

struct skip_case {
	const char *name;
	u64 pos;	/* reader position */
	u32 slots;
	u64 lag;	/* reserve = pos + lag */
	u64 lost;
	u64 new_pos;
};

static const struct skip_case skip_cases[] = {
	{ "lag0", 100, 16, 0, 0, 100 },
	{ "lag1", 100, 16, 1, 0, 100 },
	{ "lag=cap-1", 100, 16, 15, 0, 100 },
	{ "lag=cap", 100, 16, 16, 0, 100 },
	{ "lag=cap+1", 100, 16, 17, 1, 101 },
	{ "lag=2cap", 100, 16, 32, 16, 116 },
	{ "lag=10cap", 100, 16, 160, 144, 244 },
	{ "lag=10cap+3", 100, 16, 163, 147, 247 },
	{ "1M:lag=cap", 0, IRQCAP_RING_MAX, IRQCAP_RING_MAX, 0, 0 },
	{ "1M:lag=cap+1", 0, IRQCAP_RING_MAX, IRQCAP_RING_MAX + 1, 1, 1 },
	{ "1M:lag=10cap", 0, IRQCAP_RING_MAX, 10ULL * IRQCAP_RING_MAX,
	  9ULL * IRQCAP_RING_MAX, 9ULL * IRQCAP_RING_MAX },
	{ "lag=2^32", 0, 1024, 1ULL << 32, (1ULL << 32) - 1024,
	  (1ULL << 32) - 1024 },
	{ "wrap64:lag=cap", U64_MAX - 5, 16, 16, 0, U64_MAX - 5 },
	{ "wrap64:lag=cap+1", U64_MAX - 5, 16, 17, 1, U64_MAX - 4 },
	{ "wrap64:lag=10cap", U64_MAX - 5, 16, 160, 144, U64_MAX - 5 + 144 },
	{ "wrap32:lag=cap+1", (u64)U32_MAX - 3, 64, 65, 1, (u64)U32_MAX - 2 },
	/* a reader ahead of the producer (after a flush) loses nothing */
	{ "reader-ahead", 105, 16, -5ULL, 0, 105 },
	{ "reader-ahead-wrap", 2, 16, -4ULL, 0, 2 },
	{ "lag4-wrap64", U64_MAX - 1, 16, 4, 0, U64_MAX - 1 },
	{ "reader-far-ahead", 1ULL << 63, 16, 1ULL << 63, 0, 1ULL << 63 },
};

static void skip_case_desc(const struct skip_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(skip, skip_cases, skip_case_desc);

static void ring_reader_skip_test(struct kunit *test)
{
	const struct skip_case *c = test->param_value;
	unsigned long reserve = c->pos + c->lag;
	unsigned long pos = c->pos;
	u64 lost;

	lost = irqcap_ring_reader_skip(reserve, c->slots, &pos);
	KUNIT_EXPECT_EQ(test, lost, c->lost);
	KUNIT_EXPECT_EQ(test, pos, c->new_pos);
	/* whatever happened, the reader now has at most a full ring to read */
	KUNIT_EXPECT_LE(test, irqcap_ring_pending(reserve, pos), (u64)c->slots);
	/* and skipping again loses nothing more */
	KUNIT_EXPECT_EQ(test, irqcap_ring_reader_skip(reserve, c->slots, &pos), 0ULL);
	KUNIT_EXPECT_EQ(test, pos, c->new_pos);
}

/* ------------------------------------------------------------------ */
/* A mapped reader's position from its low 32 bits (CONSUME, reader page) */

struct low_case {
	const char *name;
	u64 head, cursor;
	u32 low;
	bool valid;
	u64 to;
};

static const struct low_case low_cases[] = {
	{ "at-head", 100, 90, 100, true, 100 },
	{ "at-cursor", 100, 90, 90, true, 90 },
	{ "between", 100, 90, 95, true, 95 },
	{ "behind-cursor", 100, 90, 89, false, 0 },
	{ "ahead-1", 100, 90, 101, false, 0 },
	{ "ahead-2^31-1", 100, 90, 100 + 0x7fffffffU, false, 0 },
	/* a reader that never read: only the head says this is ahead */
	{ "ahead-lagging-cursor", 1ULL << 33, 0, 1, false, 0 },
	/* a 32-bit kernel's positions wrap at 2^32: that lag reads as ahead there */
	{ "behind-lagging-cursor", 1ULL << 33, 0, 0xffffffffU, BITS_PER_LONG == 64,
	  (1ULL << 33) - 1 },
	/* 2^31 ahead reads as 2^31 behind: behind this cursor */
	{ "2^31-behind", 100, 90, 100 + 0x80000000U, false, 0 },
	/* the low word wrapped since the reader stored it */
	{ "wrap32", (1ULL << 32) + 5, (1ULL << 32) - 10, 0xfffffffeU, true, (1ULL << 32) - 2 },
	{ "wrap32-at-2^32", (1ULL << 32) + 5, (1ULL << 32) - 10, 0, true, 1ULL << 32 },
	{ "wrap32-behind", (1ULL << 32) + 5, (1ULL << 32) - 10, 0xfffffff0U, false, 0 },
	{ "wrap32-ahead", (1ULL << 32) + 5, (1ULL << 32) - 10, 6, false, 0 },
	/* a cursor 2^31 behind the head: the oldest position still taken */
	{ "far", 0x80000000ULL + 7, 7, 7, true, 7 },
	{ "wrap64", U64_MAX - 1, U64_MAX - 3, (u32)(U64_MAX - 2), true, U64_MAX - 2 },
	{ "wrap64-head", 2, U64_MAX - 3, 1, true, 1 },
};

static void low_case_desc(const struct low_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(low, low_cases, low_case_desc);

static void ring_pos_from_low_test(struct kunit *test)
{
	const struct low_case *c = test->param_value;
	unsigned long to = 0x5a5a;
	bool valid;

	/* a 32-bit kernel keeps positions of 32 bits: the cases wrapped to it */
	valid = irqcap_ring_pos_from_low(c->low, (unsigned long)c->head,
					 (unsigned long)c->cursor, &to);
	KUNIT_EXPECT_EQ(test, valid, c->valid);
	if (c->valid) {
		KUNIT_EXPECT_EQ(test, (u64)to, (u64)(unsigned long)c->to);
		/* the low bits given, at or before the head, at or after the cursor */
		KUNIT_EXPECT_EQ(test, (u32)to, c->low);
		KUNIT_EXPECT_LE(test, (u64)((unsigned long)c->head - to), (u64)U32_MAX);
	}
}

/* ------------------------------------------------------------------ */
/* Slot intact: the exact overwrite boundary                           */

static void ring_slot_intact_test(struct kunit *test)
{
	static const u32 sizes[] = { IRQCAP_RING_MIN, IRQCAP_RING_DEFAULT,
				     IRQCAP_RING_MAX };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 s = sizes[i];

		for (j = 0; j < ARRAY_SIZE(wrap_points); j++) {
			u64 p = wrap_points[j];

			/* reserve == p + 1: p itself was the last one written */
			KUNIT_EXPECT_TRUE(test, irqcap_ring_slot_intact(p + 1, p, s));
			/* p + size - 1 reserved: p's slot not yet reused */
			KUNIT_EXPECT_TRUE_MSG(test,
					      irqcap_ring_slot_intact(p + s, p, s),
					      "pos=%llu slots=%u", p, s);
			/* p + size reserved: it reuses p's slot */
			KUNIT_EXPECT_FALSE_MSG(test,
					       irqcap_ring_slot_intact(p + s + 1, p, s),
					       "pos=%llu slots=%u", p, s);
			KUNIT_EXPECT_FALSE(test,
					   irqcap_ring_slot_intact(p + 10ULL * s, p, s));
		}
	}
}

/* ------------------------------------------------------------------ */
/* The driver's ring: struct irqcap_ring and its operations            */

/*
 * Every field of a record derives from its sequence number, so a copy that
 * mixes two records shows.  The producer side is the driver's own
 * irqcap_ring_stage() and irqcap_ring_commit(), the reader side its own
 * irqcap_ring_copy() (or its two steps, irqcap_ring_peek() and
 * irqcap_ring_keep(), when a test interleaves the producer between them).
 */
#define TREC_MUL	0x9e3779b97f4a7c15ULL

static void tstage(struct irqcap_ring *r, u64 seq)
{
	u64 ts = seq * TREC_MUL;

	irqcap_ring_stage(r, upper_32_bits(ts), ts, seq, ~seq, IRQCAP_EDGE_UNKNOWN);
}

static void tpush(struct irqcap_ring *r, u64 seq)
{
	tstage(r, seq);
	irqcap_ring_commit(r, r->hdr->reserve);
}

static bool trec_whole(const struct irqcap_event *t)
{
	return t->timestamp_ns == t->seqno * TREC_MUL && t->data == ~t->seqno &&
	       t->type == upper_32_bits(t->timestamp_ns) && !t->reserved;
}

/* The ring's storage comes from irqcap_ring_alloc(), freed by KUnit. */
static int tring_init(struct kunit_resource *res, void *context)
{
	struct irqcap_ring *r = kzalloc(sizeof(*r), GFP_KERNEL);
	int ret;

	if (!r)
		return -ENOMEM;
	ret = irqcap_ring_alloc(r, *(const u32 *)context);
	if (ret) {
		kfree(r);
		return ret;
	}
	res->data = r;
	return 0;
}

static void tring_release(struct kunit_resource *res)
{
	struct irqcap_ring *r = res->data;

	irqcap_ring_free(r);
	kfree(r);
}

static struct irqcap_ring *tring_alloc(struct kunit *test, u32 slots,
				       unsigned long start)
{
	struct irqcap_ring *r;

	r = kunit_alloc_resource(test, tring_init, tring_release, GFP_KERNEL,
				 &slots);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	KUNIT_ASSERT_EQ(test, r->size, slots);
	KUNIT_ASSERT_EQ(test, r->hdr->reserve, 0UL);
	KUNIT_ASSERT_EQ(test, r->hdr->head, 0UL);
	r->hdr->reserve = start;
	r->hdr->head = start;
	return r;
}

#define TREAD_BATCH_MAX	64	/* irqcap_cdev.c's read() batch */

struct treader {
	unsigned long pos;	/* a ring position, as the driver's */
	unsigned int batch;	/* records per irqcap_ring_copy(); 0: 1 */
	u64 lost;
	u64 lost_checked;	/* losses already matched against a seq gap */
	struct irqcap_event buf[TREAD_BATCH_MAX];
};

static struct treader *treader_new(struct kunit *test, unsigned long pos,
				   unsigned int batch)
{
	struct treader *rd = kunit_kzalloc(test, sizeof(*rd), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rd);
	rd->pos = pos;
	rd->batch = batch;
	return rd;
}

/*
 * One irqcap_ring_copy() into rd->buf; records lost after those copied are
 * added to rd->lost (after the caller checked the records: they come
 * first).  Returns the number copied; *@lost: what was lost.
 */
static unsigned int tread(struct irqcap_ring *r, struct treader *rd,
			  unsigned long *lost)
{
	return irqcap_ring_copy(r, &rd->pos, rd->buf, rd->batch ?: 1, lost);
}

/* One record, through any losses; 0 when empty. */
static int tread_one(struct irqcap_ring *r, struct treader *rd,
		     struct irqcap_event *out)
{
	unsigned int batch = rd->batch, got;
	unsigned long lost;

	rd->batch = 1;
	do {
		got = tread(r, rd, &lost);
		rd->lost += lost;
	} while (!got && lost);
	rd->batch = batch;
	if (got)
		*out = rd->buf[0];
	return got;
}

/*
 * Drain @rd, checking that records are whole and that sequence numbers
 * follow each other exactly, with gaps equal to the losses reported.
 * @next_seq: the sequence number expected next (updated)
 * Returns the number of records read.
 */
static u64 tring_drain_check(struct kunit *test, struct irqcap_ring *r,
			     struct treader *rd, u64 *next_seq)
{
	unsigned long lost;
	unsigned int got, i;
	u64 n = 0;

	do {
		got = tread(r, rd, &lost);
		KUNIT_EXPECT_LE(test, got, rd->batch ?: 1);
		for (i = 0; i < got; i++) {
			const struct irqcap_event *t = &rd->buf[i];

			KUNIT_EXPECT_TRUE_MSG(test, trec_whole(t),
					      "torn record seq=%llu", t->seqno);
			/* the gap is exactly the losses counted since the last record */
			KUNIT_EXPECT_EQ_MSG(test, t->seqno,
					    *next_seq + (rd->lost - rd->lost_checked),
					    "after %llu records", n);
			rd->lost_checked = rd->lost;
			*next_seq = t->seqno + 1;
			n++;
		}
		rd->lost += lost;
	} while (got || lost);
	return n;
}

/* Batches: one record at a time, odd runs, and the driver's read() batch. */
static const unsigned int tread_batches[] = { 1, 5, TREAD_BATCH_MAX };

static const u32 model_sizes[] = { IRQCAP_RING_MIN, 64, IRQCAP_RING_DEFAULT };

static void u32_desc(const u32 *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "slots=%u", *v);
}

KUNIT_ARRAY_PARAM(model_size, model_sizes, u32_desc);

/* Empty, one-before-full, full, full plus one; in every batch size. */
static void ring_model_fill_test(struct kunit *test)
{
	u32 s = *(const u32 *)test->param_value;
	static const unsigned int extra[] = { 0, 1, 2 };	/* cap-1, cap, cap+1 */
	unsigned int i, b;

	for (b = 0; b < ARRAY_SIZE(tread_batches); b++) {
		for (i = 0; i < ARRAY_SIZE(extra); i++) {
			struct irqcap_ring *r = tring_alloc(test, s, 0);
			struct treader *rd = treader_new(test, 0, tread_batches[b]);
			struct irqcap_event t;
			u64 n = s - 1 + extra[i];
			u64 seq, next = 0, got;

			/* empty */
			KUNIT_EXPECT_EQ(test, tread_one(r, rd, &t), 0);
			KUNIT_EXPECT_FALSE(test, irqcap_ring_readable(r, rd->pos));
			KUNIT_EXPECT_EQ(test, irqcap_ring_pending(r->hdr->head, rd->pos), 0UL);
			KUNIT_EXPECT_EQ(test, rd->lost, 0ULL);

			for (seq = 0; seq < n; seq++)
				tpush(r, seq);
			KUNIT_EXPECT_EQ(test, irqcap_ring_pending(r->hdr->head, rd->pos), n);
			KUNIT_EXPECT_TRUE(test, irqcap_ring_readable(r, rd->pos));

			got = tring_drain_check(test, r, rd, &next);
			KUNIT_EXPECT_EQ_MSG(test, got, min_t(u64, n, s),
					    "pushed %llu batch %u", n, rd->batch);
			KUNIT_EXPECT_EQ_MSG(test, rd->lost, n > s ? n - s : 0,
					    "pushed %llu batch %u", n, rd->batch);
			KUNIT_EXPECT_EQ(test, next, n);
			KUNIT_EXPECT_EQ(test, rd->pos, r->hdr->head);
			/* empty again */
			KUNIT_EXPECT_EQ(test, tread_one(r, rd, &t), 0);
			KUNIT_EXPECT_FALSE(test, irqcap_ring_readable(r, rd->pos));
		}
	}
}

struct lag_case {
	u32 slots;
	u64 lag;
	u64 start;
};

static const struct lag_case lag_cases[] = {
	{ 16, 0, 0 },
	{ 16, 1, 0 },
	{ 16, 15, 0 },
	{ 16, 16, 0 },
	{ 16, 17, 0 },
	{ 16, 160, 0 },
	{ 16, 167, 0 },
	{ 1024, 1024, 0 },
	{ 1024, 1025, 0 },
	{ 1024, 10240, 0 },
	{ 16, 16, U64_MAX - 20 },
	{ 16, 17, U64_MAX - 20 },
	{ 16, 160, U64_MAX - 20 },
	{ 64, 65, (u64)U32_MAX - 40 },
	{ 64, 640, (u64)U32_MAX - 40 },
};

static void lag_case_desc(const struct lag_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "slots=%u lag=%llu start=%#llx",
		 c->slots, c->lag, c->start);
}

KUNIT_ARRAY_PARAM(lag, lag_cases, lag_case_desc);

/* A reader that lags by @lag records loses exactly max(0, lag - slots). */
static void ring_model_lag_test(struct kunit *test)
{
	const struct lag_case *c = test->param_value;
	u64 lost = c->lag > c->slots ? c->lag - c->slots : 0;
	unsigned int b;

	for (b = 0; b < ARRAY_SIZE(tread_batches); b++) {
		struct irqcap_ring *r = tring_alloc(test, c->slots, c->start);
		struct treader *rd = treader_new(test, c->start, tread_batches[b]);
		u64 seq, next = 0, got;

		for (seq = 0; seq < c->lag; seq++)
			tpush(r, seq);
		got = tring_drain_check(test, r, rd, &next);
		KUNIT_EXPECT_EQ_MSG(test, rd->lost, lost, "batch %u", rd->batch);
		KUNIT_EXPECT_EQ_MSG(test, got, c->lag - lost, "batch %u", rd->batch);
		KUNIT_EXPECT_EQ(test, got + rd->lost, c->lag);
		KUNIT_EXPECT_EQ(test, next, c->lag);
		KUNIT_EXPECT_EQ(test, rd->pos, c->start + c->lag);
	}
}

/*
 * Many readers, each with its own cursor, reading at different paces and
 * in different batches while the positions cross 2^64: each one sees every
 * record exactly once or counts it as lost, never both.
 */
#define NREADERS	8

static void ring_model_readers_test(struct kunit *test)
{
	const u32 s = 32;
	const u64 start = U64_MAX - 1000;
	const u64 total = 50 * s + 3;
	struct irqcap_ring *r = tring_alloc(test, s, start);
	struct treader *rd;
	u64 next[NREADERS] = { 0 }, got[NREADERS] = { 0 };
	u64 seq;
	unsigned int i;

	rd = kunit_kcalloc(test, NREADERS, sizeof(*rd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rd);
	for (i = 0; i < NREADERS; i++) {
		rd[i].pos = start;
		rd[i].batch = tread_batches[i % ARRAY_SIZE(tread_batches)];
	}

	for (seq = 0; seq < total; seq++) {
		tpush(r, seq);
		/* reader i drains every (i * 9 + 1) records: 1 .. 64 */
		for (i = 0; i < NREADERS; i++)
			if ((seq + 1) % (i * 9 + 1) == 0)
				got[i] += tring_drain_check(test, r, &rd[i], &next[i]);
	}
	for (i = 0; i < NREADERS; i++) {
		u64 pace = i * 9 + 1;

		got[i] += tring_drain_check(test, r, &rd[i], &next[i]);
		KUNIT_EXPECT_EQ_MSG(test, got[i] + rd[i].lost, total, "reader %u", i);
		KUNIT_EXPECT_EQ_MSG(test, next[i], total, "reader %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rd[i].pos, start + total, "reader %u", i);
		/* readers that keep up lose nothing; the others lose exactly */
		if (pace <= s)
			KUNIT_EXPECT_EQ_MSG(test, rd[i].lost, 0ULL, "reader %u", i);
		else
			KUNIT_EXPECT_EQ_MSG(test, rd[i].lost,
					    (total / pace) * (pace - s) +
					    (total % pace > s ? total % pace - s : 0),
					    "reader %u", i);
	}
}

/*
 * Torn records: step the reader (irqcap_ring_peek(), then
 * irqcap_ring_keep(), the two halves of irqcap_ring_copy()) and the
 * producer by hand so the producer overwrites the slot between the
 * reader's copy and its re-check.
 */
static struct irqcap_ring *torn_begin(struct kunit *test, u32 s,
				      unsigned long st, struct irqcap_event *t)
{
	struct irqcap_ring *r = tring_alloc(test, s, st);

	/* record 0 committed, and copied by a reader at @st */
	tpush(r, 0);
	KUNIT_ASSERT_EQ(test, irqcap_ring_peek(r, r->hdr->head, st, t, 1), 1UL);
	KUNIT_EXPECT_EQ(test, t->seqno, 0ULL);
	return r;
}

static void ring_model_torn_test(struct kunit *test)
{
	const u32 s = 16;
	static const u64 starts[] = { 0, (u64)U32_MAX - 3, U64_MAX - 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		unsigned long st = starts[i], lost, pos;
		struct irqcap_ring *r;
		struct treader *rd = treader_new(test, 0, 1);
		struct irqcap_event t;
		u64 k;

		/* overwritten by a full lap during the copy: rejected */
		r = torn_begin(test, s, st, &t);
		pos = st;
		lost = 0;
		for (k = 1; k <= s; k++)
			tpush(r, k);
		KUNIT_EXPECT_FALSE(test, irqcap_ring_keep(r, &pos, 1, &lost));
		/* the reader counts the lost record and reads the next one */
		KUNIT_EXPECT_EQ(test, lost, 1UL);
		KUNIT_EXPECT_EQ(test, pos, st + 1);
		rd->pos = pos;
		KUNIT_EXPECT_EQ(test, tread_one(r, rd, &t), 1);
		KUNIT_EXPECT_EQ(test, rd->lost, 0ULL);
		KUNIT_EXPECT_EQ(test, t.seqno, 1ULL);
		KUNIT_EXPECT_TRUE(test, trec_whole(&t));

		/* a copy of a run: its oldest record overwritten, all rejected */
		r = tring_alloc(test, s, st);
		pos = st;
		lost = 0;
		for (k = 0; k < 4; k++)
			tpush(r, k);
		KUNIT_ASSERT_EQ(test, irqcap_ring_peek(r, r->hdr->head, pos, rd->buf, 4), 4UL);
		for (; k <= s; k++)
			tpush(r, k);
		KUNIT_EXPECT_FALSE(test, irqcap_ring_keep(r, &pos, 4, &lost));
		KUNIT_EXPECT_EQ(test, lost, 1UL);
		KUNIT_EXPECT_EQ(test, pos, st + 1);

		/* one short of a lap during the copy: the copy is kept */
		r = torn_begin(test, s, st, &t);
		pos = st;
		lost = 0;
		for (k = 1; k < s; k++)
			tpush(r, k);
		KUNIT_EXPECT_TRUE(test, irqcap_ring_keep(r, &pos, 1, &lost));
		KUNIT_EXPECT_EQ(test, t.seqno, 0ULL);
		KUNIT_EXPECT_TRUE(test, trec_whole(&t));
		KUNIT_EXPECT_EQ(test, pos, st + 1);
		KUNIT_EXPECT_EQ(test, lost, 0UL);

		/*
		 * The slot is staged for the next lap but not yet committed:
		 * the reader cannot know how far the producer got, so the copy
		 * is rejected.
		 */
		r = torn_begin(test, s, st, &t);
		pos = st;
		lost = 0;
		for (k = 1; k < s; k++)
			tpush(r, k);
		KUNIT_EXPECT_FALSE(test, irqcap_ring_overrun(r));
		tstage(r, s);
		KUNIT_EXPECT_EQ(test, r->hdr->head, st + s);
		KUNIT_EXPECT_FALSE(test, irqcap_ring_keep(r, &pos, 1, &lost));
		/* the copy was indeed stale: the slot holds the next lap's record */
		KUNIT_EXPECT_EQ(test, r->slots[irqcap_ring_slot(st, s)].seqno, (u64)s);
		KUNIT_EXPECT_EQ(test, lost, 1UL);
		irqcap_ring_commit(r, r->hdr->reserve);
		/* the reader lost record 0 and goes on with 1 */
		rd->pos = pos;
		rd->lost = 0;
		KUNIT_EXPECT_EQ(test, tread_one(r, rd, &t), 1);
		KUNIT_EXPECT_EQ(test, t.seqno, 1ULL);
		KUNIT_EXPECT_EQ(test, rd->lost, 0ULL);
	}
}

/*
 * The producer's bookkeeping: an overrun is a whole ring staged and not
 * committed; the oldest staged record is the first one, or the oldest left.
 */
static void ring_producer_test(struct kunit *test)
{
	const u32 s = 16;
	static const u64 starts[] = { 0, (u64)U32_MAX - 3, U64_MAX - 3 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		struct irqcap_ring *r = tring_alloc(test, s, starts[i]);
		u64 k;

		KUNIT_EXPECT_EQ(test, irqcap_ring_staged(r), 0UL);
		for (k = 0; k < s; k++) {
			KUNIT_EXPECT_FALSE_MSG(test, irqcap_ring_overrun(r), "k=%llu", k);
			tstage(r, k);
			KUNIT_EXPECT_EQ(test, irqcap_ring_oldest_staged(r)->seqno, 0ULL);
		}
		KUNIT_EXPECT_EQ(test, irqcap_ring_staged(r), (unsigned long)s);
		/* nothing is published before the commit */
		KUNIT_EXPECT_FALSE(test, irqcap_ring_readable(r, starts[i]));
		KUNIT_EXPECT_TRUE(test, irqcap_ring_overrun(r));
		tstage(r, s);
		tstage(r, s + 1);
		/* records 0 and 1 are overwritten: the oldest left is 2 */
		KUNIT_EXPECT_EQ(test, irqcap_ring_oldest_staged(r)->seqno, 2ULL);
		irqcap_ring_commit(r, r->hdr->reserve);
		KUNIT_EXPECT_EQ(test, irqcap_ring_staged(r), 0UL);
		KUNIT_EXPECT_FALSE(test, irqcap_ring_overrun(r));
		KUNIT_EXPECT_TRUE(test, irqcap_ring_readable(r, starts[i]));
		KUNIT_EXPECT_EQ(test, r->hdr->head, (unsigned long)(starts[i] + s + 2));
	}
}

/*
 * FLUSH: what is committed and still there is discarded, what was
 * overwritten before the reader read it is lost.
 */
struct flush_case {
	const char *name;
	u32 slots;
	u64 start;
	u64 pushed;
	u64 read;	/* by the reader before the flush */
	u64 discarded;
	u64 lost;
};

static const struct flush_case flush_cases[] = {
	{ "empty", 16, 0, 0, 0, 0, 0 },
	{ "five", 16, 0, 5, 0, 5, 0 },
	{ "read-two", 16, 0, 5, 2, 3, 0 },
	{ "full", 16, 0, 16, 0, 16, 0 },
	{ "full+1", 16, 0, 17, 0, 16, 1 },
	{ "10laps", 16, 0, 160, 0, 16, 144 },
	{ "wrap64", 16, U64_MAX - 5, 20, 0, 16, 4 },
	{ "wrap32", 64, (u64)U32_MAX - 3, 70, 3, 64, 3 },
};

static void flush_case_desc(const struct flush_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(flush, flush_cases, flush_case_desc);

static void ring_flush_test(struct kunit *test)
{
	const struct flush_case *c = test->param_value;
	struct irqcap_ring *r = tring_alloc(test, c->slots, c->start);
	struct treader *rd = treader_new(test, c->start, 1);
	struct irqcap_event t;
	unsigned long lost;
	u64 k;

	for (k = 0; k < c->read; k++) {
		tpush(r, k);
		KUNIT_ASSERT_EQ(test, tread_one(r, rd, &t), 1);
	}
	for (; k < c->pushed; k++)
		tpush(r, k);
	KUNIT_EXPECT_EQ(test, irqcap_ring_flush(r, &rd->pos, &lost), c->discarded);
	KUNIT_EXPECT_EQ(test, (u64)lost, c->lost);
	KUNIT_EXPECT_EQ(test, rd->pos, r->hdr->head);
	KUNIT_EXPECT_EQ(test, c->read + c->discarded + c->lost, c->pushed);
	/* nothing left: a second flush finds nothing */
	KUNIT_EXPECT_EQ(test, irqcap_ring_flush(r, &rd->pos, &lost), 0UL);
	KUNIT_EXPECT_EQ(test, lost, 0UL);
	KUNIT_EXPECT_EQ(test, tread_one(r, rd, &t), 0);
	/* and the next record is read */
	tpush(r, c->pushed);
	KUNIT_EXPECT_EQ(test, tread_one(r, rd, &t), 1);
	KUNIT_EXPECT_EQ(test, t.seqno, c->pushed);
}

/* ------------------------------------------------------------------ */
/* Concurrent producer and readers on kthreads                         */

/*
 * Workers never call KUNIT_*: they record what they saw and the test
 * thread checks it after they are done.
 */
#define SMP_READERS_MAX	3
#define SMP_MAX_IDLE_COPIES	BIT(20)

struct smp_reader {
	struct treader rd;
	u64 pos_pub;		/* rd.pos, published for the throttled producer */
	u64 received;
	u64 reads;		/* irqcap_ring_copy() calls */
	u64 idle_copies;	/* in a row, finding nothing with records there */
	bool stuck;		/* gave up: see smp_reader_fn() */
	u64 bad_order;		/* seq != previous + 1 + losses in between */
	u64 torn;
	u64 first_bad_seq;
	u64 expected_at_bad;
	struct completion done;
	struct task_struct *task;
	struct smp_ctx *ctx;
};

struct smp_ctx {
	struct irqcap_ring *ring;
	u64 total;
	bool throttle;		/* producer waits for the slowest reader */
	unsigned int nreaders;
	bool producer_done;
	bool abort;
	wait_queue_head_t data_wq;
	wait_queue_head_t space_wq;
	struct completion prod_done;
	struct task_struct *prod;
	struct smp_reader rd[SMP_READERS_MAX];
};

/*
 * Handoffs between the workers.  The ring itself is ordered by its own
 * protocol; these order the bookkeeping around it.
 */
static bool smp_producer_done(struct smp_ctx *c)
{
	/* the last head is visible once done is: pairs with smp_producer() */
	return smp_load_acquire(&c->producer_done);
}

static u64 smp_reader_pos(struct smp_reader *sr)
{
	/* the reader is done with the slots below: pairs with smp_reader_fn() */
	return smp_load_acquire(&sr->pos_pub);
}

static u64 smp_slowest(struct smp_ctx *c)
{
	u64 min_pos = smp_reader_pos(&c->rd[0]);
	unsigned int i;

	for (i = 1; i < c->nreaders; i++) {
		u64 p = smp_reader_pos(&c->rd[i]);

		if ((s64)(p - min_pos) < 0)
			min_pos = p;
	}
	return min_pos;
}

static bool smp_has_space(struct smp_ctx *c)
{
	return c->ring->hdr->reserve - smp_slowest(c) < c->ring->size ||
	       READ_ONCE(c->abort) || kthread_should_stop();
}

static int smp_producer(void *arg)
{
	struct smp_ctx *c = arg;
	u64 seq;

	for (seq = 0; seq < c->total; seq++) {
		if (READ_ONCE(c->abort) || kthread_should_stop())
			break;
		while (c->throttle && !smp_has_space(c))
			wait_event_timeout(c->space_wq, smp_has_space(c), HZ / 10);
		tpush(c->ring, seq);
		if (wq_has_sleeper(&c->data_wq))
			wake_up(&c->data_wq);
		if (!(seq & 255))
			cond_resched();
	}
	/* every push before done: pairs with smp_producer_done() */
	smp_store_release(&c->producer_done, true);
	wake_up(&c->data_wq);
	complete(&c->prod_done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static bool smp_reader_can_go(struct smp_reader *sr)
{
	struct smp_ctx *c = sr->ctx;

	return irqcap_ring_readable(c->ring, sr->rd.pos) ||
	       smp_producer_done(c) || READ_ONCE(c->abort) ||
	       kthread_should_stop();
}

static int smp_reader_fn(void *arg)
{
	struct smp_reader *sr = arg;
	struct smp_ctx *c = sr->ctx;
	u64 next = 0;

	while (!READ_ONCE(c->abort) && !kthread_should_stop()) {
		unsigned long lost;
		unsigned int got, i;

		got = tread(c->ring, &sr->rd, &lost);
		if (!got && !lost) {
			bool readable = irqcap_ring_readable(c->ring, sr->rd.pos);

			if (smp_producer_done(c) && !readable)
				break;
			/*
			 * Records there, and the copy took none and lost none:
			 * once is a commit between the two, a million times is
			 * a broken ring.  Give up, and the checks fail instead
			 * of the kernel hanging (UML does not preempt).
			 */
			if (readable && ++sr->idle_copies >= SMP_MAX_IDLE_COPIES) {
				sr->stuck = true;
				/* a throttled producer would wait for it */
				WRITE_ONCE(c->abort, true);
				wake_up(&c->space_wq);
				break;
			}
			wait_event_timeout(c->data_wq, smp_reader_can_go(sr), HZ / 10);
			continue;
		}
		sr->idle_copies = 0;
		for (i = 0; i < got; i++) {
			const struct irqcap_event *t = &sr->rd.buf[i];
			/* losses may have been reported by copies that found nothing */
			u64 expected = next + (sr->rd.lost - sr->rd.lost_checked);

			if (!trec_whole(t))
				sr->torn++;
			sr->rd.lost_checked = sr->rd.lost;
			if (t->seqno != expected) {
				if (!sr->bad_order) {
					sr->first_bad_seq = t->seqno;
					sr->expected_at_bad = expected;
				}
				sr->bad_order++;
			}
			next = t->seqno + 1;
			sr->received++;
		}
		/* lost after the records copied */
		sr->rd.lost += lost;
		/* copy done before the slot may be reused: pairs with smp_reader_pos() */
		smp_store_release(&sr->pos_pub, sr->rd.pos);
		if (wq_has_sleeper(&c->space_wq))
			wake_up(&c->space_wq);
		if (!(++sr->reads & 255))
			cond_resched();
	}
	complete(&sr->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/* batch: of reader 0; the others take the next ones of tread_batches[] */
struct smp_case {
	const char *name;
	bool throttle;
	unsigned int readers;
	u32 slots;
	unsigned int batch;
};

static const struct smp_case smp_cases[] = {
	{ "keep-up 1 reader", true, 1, 64, 0 },
	{ "keep-up 3 readers", true, 3, 64, 0 },
	{ "lossy 1 reader", false, 1, 16, 0 },
	{ "lossy 3 readers", false, 3, 64, 0 },
	{ "keep-up 1 reader batch 64", true, 1, 64, 2 },
	{ "lossy 1 reader batch 64", false, 1, 16, 2 },
};

static void smp_case_desc(const struct smp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(smp, smp_cases, smp_case_desc);

static void ring_smp_test(struct kunit *test)
{
	const struct smp_case *p = test->param_value;
	/* UML and -smp 1 switch threads only at ticks or when blocking */
	u64 total = num_online_cpus() > 1 ? 100000 : 20000;
	struct smp_ctx *c;
	unsigned int i, started = 0;
	bool timed_out = false;

	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	c->ring = tring_alloc(test, p->slots, U64_MAX - 5000);
	c->total = total;
	c->throttle = p->throttle;
	c->nreaders = p->readers;
	init_waitqueue_head(&c->data_wq);
	init_waitqueue_head(&c->space_wq);
	init_completion(&c->prod_done);
	kunit_info(test, "%u CPUs online, %llu records", num_online_cpus(), total);

	for (i = 0; i < c->nreaders; i++) {
		struct smp_reader *sr = &c->rd[i];

		sr->ctx = c;
		sr->rd.pos = c->ring->hdr->head;
		sr->rd.batch = tread_batches[(p->batch + i) % ARRAY_SIZE(tread_batches)];
		sr->pos_pub = sr->rd.pos;
		init_completion(&sr->done);
	}
	for (i = 0; i < c->nreaders; i++) {
		struct smp_reader *sr = &c->rd[i];

		sr->task = kthread_run(smp_reader_fn, sr, "irqcap_rd%u", i);
		if (IS_ERR(sr->task))
			break;
		started++;
	}
	c->prod = started == c->nreaders ?
		  kthread_run(smp_producer, c, "irqcap_prod") : ERR_PTR(-EAGAIN);
	if (IS_ERR(c->prod))
		WRITE_ONCE(c->abort, true);
	else if (!wait_for_completion_timeout(&c->prod_done, 60 * HZ))
		timed_out = true;
	for (i = 0; i < started; i++)
		if (!wait_for_completion_timeout(&c->rd[i].done, 60 * HZ))
			timed_out = true;
	WRITE_ONCE(c->abort, true);
	if (!IS_ERR(c->prod))
		kthread_stop(c->prod);
	for (i = 0; i < started; i++)
		kthread_stop(c->rd[i].task);

	KUNIT_ASSERT_EQ(test, started, c->nreaders);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->prod));
	KUNIT_ASSERT_FALSE_MSG(test, timed_out, "workers did not finish in 60 s");

	for (i = 0; i < c->nreaders; i++) {
		struct smp_reader *sr = &c->rd[i];

		KUNIT_EXPECT_FALSE_MSG(test, sr->stuck, "reader %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sr->torn, 0ULL, "reader %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sr->bad_order, 0ULL,
				    "reader %u: first bad seq %llu, expected %llu",
				    i, sr->first_bad_seq, sr->expected_at_bad);
		KUNIT_EXPECT_EQ_MSG(test, sr->received + sr->rd.lost, total,
				    "reader %u: received %llu lost %llu", i,
				    sr->received, sr->rd.lost);
		KUNIT_EXPECT_EQ_MSG(test, sr->rd.pos, c->ring->hdr->head, "reader %u", i);
		if (p->throttle)
			KUNIT_EXPECT_EQ_MSG(test, sr->rd.lost, 0ULL, "reader %u", i);
		kunit_info(test, "reader %u (batch %u): received %llu lost %llu in %llu copies",
			   i, sr->rd.batch, sr->received, sr->rd.lost, sr->reads);
	}
}

static struct kunit_case irqcap_ring_cases[] = {
	KUNIT_CASE_PARAM(ring_size_valid_test, size_gen_params),
	KUNIT_CASE(ring_size_pow2_sweep_test),
	KUNIT_CASE(ring_slot_wrap_test),
	KUNIT_CASE_PARAM(ring_pending_test, pending_gen_params),
	KUNIT_CASE_PARAM(ring_reader_skip_test, skip_gen_params),
	KUNIT_CASE_PARAM(ring_pos_from_low_test, low_gen_params),
	KUNIT_CASE(ring_slot_intact_test),
	KUNIT_CASE_PARAM(ring_model_fill_test, model_size_gen_params),
	KUNIT_CASE_PARAM(ring_model_lag_test, lag_gen_params),
	KUNIT_CASE(ring_model_readers_test),
	KUNIT_CASE(ring_model_torn_test),
	KUNIT_CASE(ring_producer_test),
	KUNIT_CASE_PARAM(ring_flush_test, flush_gen_params),
	KUNIT_CASE_PARAM(ring_smp_test, smp_gen_params),
	{}
};

static struct kunit_suite irqcap_ring_suite = {
	.name = "irqcap_ring",
	.test_cases = irqcap_ring_cases,
};

kunit_test_suite(irqcap_ring_suite);

MODULE_LICENSE("GPL");
