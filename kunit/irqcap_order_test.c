// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for irqcap's buddy-order math, ring allocation plan and ring
 * allocation (irqcap_bytes_to_order(), irqcap_ring_plan(),
 * irqcap_ring_alloc() and irqcap_ring_free() in src/irqcap_ring.c), checked
 * against the kernel's own get_order() and allocators.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "irqcap_compat.h"
#include "irqcap_ring.h"
#include "uapi/irqcap.h"

/* The largest ring the plan accepts, in bytes (see irqcap_ring_plan()). */
#define PLAN_LIMIT	(((size_t)PAGE_SIZE << IRQCAP_MAX_PAGE_ORDER) * 16)

/* Every size from 1 byte to a few pages, byte by byte. */
static void order_every_small_size_test(struct kunit *test)
{
	size_t b;

	for (b = 1; b <= 4 * PAGE_SIZE + 1; b++) {
		unsigned int got = irqcap_bytes_to_order(b);

		if (got != get_order(b)) {
			KUNIT_FAIL(test, "bytes=%zu: order %u, get_order() %d",
				   b, got, get_order(b));
			return;
		}
	}
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(1), 0U);
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(PAGE_SIZE), 0U);
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(PAGE_SIZE + 1), 1U);
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(2 * PAGE_SIZE), 1U);
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(2 * PAGE_SIZE + 1), 2U);
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(4 * PAGE_SIZE + 1), 3U);
}

/* Every power of two, and its neighbours, up to the top of size_t. */
static void order_pow2_neighbours_test(struct kunit *test)
{
	unsigned int shift;
	int d;

	for (shift = 1; shift < BITS_PER_LONG; shift++) {
		for (d = -1; d <= 1; d++) {
			size_t b = ((size_t)1 << shift) + d;

			KUNIT_EXPECT_EQ_MSG(test, (int)irqcap_bytes_to_order(b),
					    get_order(b), "bytes=2^%u%+d", shift, d);
		}
	}
	KUNIT_EXPECT_EQ(test, (int)irqcap_bytes_to_order(SIZE_MAX),
			get_order(SIZE_MAX));
	KUNIT_EXPECT_EQ(test, irqcap_bytes_to_order(SIZE_MAX),
			(unsigned int)(BITS_PER_LONG - PAGE_SHIFT));
}

/* The block of the returned order holds the bytes; one order less does not. */
static void order_is_smallest_test(struct kunit *test)
{
	unsigned int shift;
	int d;

	for (shift = PAGE_SHIFT; shift < BITS_PER_LONG - 1; shift++) {
		for (d = -1; d <= 1; d++) {
			size_t b = ((size_t)1 << shift) + d;
			unsigned int o = irqcap_bytes_to_order(b);

			KUNIT_EXPECT_GE_MSG(test, (u64)PAGE_SIZE << o, (u64)b,
					    "bytes=2^%u%+d order %u", shift, d, o);
			if (o)
				KUNIT_EXPECT_LT_MSG(test, (u64)PAGE_SIZE << (o - 1),
						    (u64)b, "bytes=2^%u%+d order %u",
						    shift, d, o);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The allocation plan                                                 */

struct plan_case {
	const char *name;
	u32 slots;
	size_t rec;
	int err;
	enum irqcap_store_kind kind;
	unsigned int order;
};

#define REC	sizeof(struct irqcap_event)
#define PS	PAGE_SIZE
#define MAXO	IRQCAP_MAX_PAGE_ORDER
#define COSTLY	PAGE_ALLOC_COSTLY_ORDER

static const struct plan_case plan_cases[] = {
	{ "min ring", IRQCAP_RING_MIN, REC, 0, IRQCAP_STORE_PAGES, 0 },
	{ "default ring", IRQCAP_RING_DEFAULT, REC, 0, IRQCAP_STORE_PAGES,
	  COSTLY },
	{ "max ring", IRQCAP_RING_MAX, REC, 0, IRQCAP_STORE_VMALLOC,
	  20 + 5 - PAGE_SHIFT },
	{ "one byte under a page", 1, PS - 1, 0, IRQCAP_STORE_PAGES, 0 },
	{ "one byte", 1, 1, 0, IRQCAP_STORE_PAGES, 0 },
	{ "three pages", 3, PS, 0, IRQCAP_STORE_PAGES, 2 },
	{ "one page", 1, PS, 0, IRQCAP_STORE_PAGES, 0 },
	{ "one page + 1", 1, PS + 1, 0, IRQCAP_STORE_PAGES, 1 },
	{ "costly order", 1, PS << COSTLY, 0, IRQCAP_STORE_PAGES, COSTLY },
	{ "costly order - 1 byte", 1, (PS << COSTLY) - 1, 0, IRQCAP_STORE_PAGES,
	  COSTLY },
	{ "costly order + 1 byte", 1, (PS << COSTLY) + 1, 0,
	  IRQCAP_STORE_VMALLOC, COSTLY + 1 },
	{ "max order", 1, PS << MAXO, 0, IRQCAP_STORE_VMALLOC, MAXO },
	{ "max order + 1 byte", 1, (PS << MAXO) + 1, 0, IRQCAP_STORE_VMALLOC,
	  MAXO + 1 },
	{ "plan limit", 1, PLAN_LIMIT, 0, IRQCAP_STORE_VMALLOC, MAXO + 4 },
	{ "plan limit + 1", 1, PLAN_LIMIT + 1, -EOVERFLOW },
	{ "16 x limit/16 + 1", 16, PLAN_LIMIT / 16 + 1, -EOVERFLOW },
	{ "zero slots", 0, REC, -EINVAL },
	{ "zero record", IRQCAP_RING_MIN, 0, -EINVAL },
	{ "zero both", 0, 0, -EINVAL },
	{ "product wraps size_t", 2, SIZE_MAX / 2 + 1, -EOVERFLOW },
	{ "product wraps to 0", 16, SIZE_MAX / 16 + 1, -EOVERFLOW },
	{ "huge both", U32_MAX, SIZE_MAX, -EOVERFLOW },
};

static void plan_case_desc(const struct plan_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(plan, plan_cases, plan_case_desc);

/* The invariants every successful plan must satisfy. */
static void check_plan(struct kunit *test, u32 slots, size_t rec,
		       const struct irqcap_alloc_plan *p)
{
	KUNIT_EXPECT_EQ(test, p->bytes, (size_t)slots * rec);
	KUNIT_EXPECT_GE(test, p->alloc_bytes, p->bytes);
	KUNIT_EXPECT_EQ(test, (int)p->order, get_order(p->bytes));
	/* whole pages, and no more than the last one's slack: mmap() maps pages */
	KUNIT_EXPECT_EQ(test, p->alloc_bytes, PAGE_ALIGN(p->bytes));
	KUNIT_EXPECT_EQ(test, offset_in_page(p->alloc_bytes), 0UL);
	KUNIT_EXPECT_LT(test, p->alloc_bytes - p->bytes, (size_t)PAGE_SIZE);
	switch (p->kind) {
	case IRQCAP_STORE_PAGES:
		KUNIT_EXPECT_LE(test, p->order, (unsigned int)PAGE_ALLOC_COSTLY_ORDER);
		KUNIT_EXPECT_LE(test, p->order, (unsigned int)IRQCAP_MAX_PAGE_ORDER);
		KUNIT_EXPECT_LE(test, p->alloc_bytes, (size_t)PAGE_SIZE << p->order);
		break;
	case IRQCAP_STORE_VMALLOC:
		KUNIT_EXPECT_GT(test, p->order, (unsigned int)PAGE_ALLOC_COSTLY_ORDER);
		break;
	default:
		KUNIT_FAIL(test, "unknown store kind %d", p->kind);
	}
}

static void plan_table_test(struct kunit *test)
{
	const struct plan_case *c = test->param_value;
	struct irqcap_alloc_plan p;
	int ret;

	memset(&p, 0x5a, sizeof(p));
	ret = irqcap_ring_plan(c->slots, c->rec, &p);
	KUNIT_ASSERT_EQ(test, ret, c->err);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, p.kind, c->kind);
	KUNIT_EXPECT_EQ(test, p.order, c->order);
	check_plan(test, c->slots, c->rec, &p);
}

/* Every valid ring size with several record sizes. */
static void plan_all_sizes_test(struct kunit *test)
{
	static const size_t recs[] = { 1, 8, 24, REC, 48, 64, 4096, 4097 };
	unsigned int i;
	u32 s;

	for (s = IRQCAP_RING_MIN; s <= IRQCAP_RING_MAX; s <<= 1) {
		for (i = 0; i < ARRAY_SIZE(recs); i++) {
			struct irqcap_alloc_plan p;
			size_t bytes = (size_t)s * recs[i];
			int ret = irqcap_ring_plan(s, recs[i], &p);

			if (bytes > PLAN_LIMIT) {
				KUNIT_EXPECT_EQ_MSG(test, ret, -EOVERFLOW,
						    "slots=%u rec=%zu", s, recs[i]);
				continue;
			}
			KUNIT_ASSERT_EQ_MSG(test, ret, 0, "slots=%u rec=%zu",
					    s, recs[i]);
			check_plan(test, s, recs[i], &p);
		}
	}
	/* the driver's own record always fits */
	for (s = IRQCAP_RING_MIN; s <= IRQCAP_RING_MAX; s <<= 1) {
		struct irqcap_alloc_plan p;

		KUNIT_EXPECT_EQ_MSG(test, irqcap_ring_plan(s, REC, &p), 0,
				    "slots=%u", s);
	}
}

/*
 * irqcap_ring_alloc() allocates what the plan says, with the allocator it
 * names, zeroed, and the header page, filled in; write every byte the ring needs: under KASAN an undersized
 * plan is a report.  irqcap_ring_free() frees it with the same allocator
 * (KASAN and the allocators' own checks catch a mismatch).
 */
static const u32 alloc_slots[] = { IRQCAP_RING_MIN, 128, IRQCAP_RING_DEFAULT,
				   2048, 65536, IRQCAP_RING_MAX };

static void u32_slots_desc(const u32 *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "slots=%u", *v);
}

KUNIT_ARRAY_PARAM(alloc, alloc_slots, u32_slots_desc);

static void plan_allocate_test(struct kunit *test)
{
	u32 s = *(const u32 *)test->param_value;
	struct irqcap_ring ring = { .size = 7 };
	struct irqcap_alloc_plan p;
	unsigned long i, npages;
	u8 *mem;

	KUNIT_ASSERT_EQ(test, irqcap_ring_plan(s, REC, &p), 0);
	KUNIT_ASSERT_EQ(test, irqcap_ring_alloc(&ring, s), 0);
	mem = (u8 *)ring.slots;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mem);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ring.hdr);
	KUNIT_EXPECT_EQ(test, ring.size, s);
	KUNIT_EXPECT_EQ(test, ring.hdr->reserve, 0UL);
	KUNIT_EXPECT_EQ(test, ring.hdr->head, 0UL);
	KUNIT_EXPECT_EQ(test, ring.plan.kind, p.kind);
	KUNIT_EXPECT_EQ(test, ring.plan.order, p.order);
	KUNIT_EXPECT_EQ(test, ring.plan.bytes, p.bytes);
	KUNIT_EXPECT_EQ(test, ring.plan.alloc_bytes, p.alloc_bytes);
	/* the header page as struct irqcap_mmap_page tells user space */
	KUNIT_EXPECT_EQ(test, offset_in_page(ring.hdr), 0UL);
	KUNIT_EXPECT_EQ(test, ring.hdr->abi_version, (u32)IRQCAP_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, ring.hdr->event_size, (u32)REC);
	KUNIT_EXPECT_EQ(test, ring.hdr->ring_size, s);
	KUNIT_EXPECT_EQ(test, ring.hdr->data_offset, (u32)PAGE_SIZE);
	/* the allocator the plan names */
	KUNIT_EXPECT_EQ(test, is_vmalloc_addr(mem), p.kind == IRQCAP_STORE_VMALLOC);
	KUNIT_EXPECT_EQ(test, offset_in_page(mem), 0UL);
	/* zeroed: the first and the last record's last byte, and the slack */
	KUNIT_EXPECT_EQ(test, mem[0], 0);
	KUNIT_EXPECT_EQ(test, mem[(size_t)s * REC - 1], 0);
	KUNIT_EXPECT_EQ(test, mem[p.alloc_bytes - 1], 0);
	memset(mem, 0xa5, p.alloc_bytes);
	/* the last record's last byte is inside the allocation */
	KUNIT_EXPECT_EQ(test, mem[(size_t)s * REC - 1], (u8)0xa5);
	/*
	 * The pages a mapping inserts: the header page first, then every page
	 * of the records in order, each a page of its own (a reference count
	 * of its own: vm_insert_pages() takes one), never a slab page.
	 */
	npages = irqcap_ring_map_pages(&ring);
	KUNIT_EXPECT_EQ(test, npages, 1 + (p.alloc_bytes >> PAGE_SHIFT));
	KUNIT_EXPECT_PTR_EQ(test, irqcap_ring_page(&ring, 0), virt_to_page(ring.hdr));
	for (i = 1; i < npages; i++) {
		struct page *pg = irqcap_ring_page(&ring, i);
		u8 *va = (u8 *)page_address(pg);

		if (!va || va[0] != 0xa5 || page_ref_count(pg) < 1 || PageSlab(pg) ||
		    PageCompound(pg) ||
		    (i > 1 && pg == irqcap_ring_page(&ring, i - 1))) {
			KUNIT_FAIL(test, "page %lu of %lu: va %p ref %d slab %d compound %d",
				   i, npages, va, page_ref_count(pg), PageSlab(pg),
				   PageCompound(pg));
			break;
		}
		/* the same memory as the kernel's view of the records */
		va[1] = 0x3c;
		if (mem[((i - 1) << PAGE_SHIFT) + 1] != 0x3c) {
			KUNIT_FAIL(test, "page %lu is not records page %lu", i, i - 1);
			break;
		}
	}
	irqcap_ring_free(&ring);
	KUNIT_EXPECT_NULL(test, ring.slots);
	KUNIT_EXPECT_NULL(test, ring.hdr);
	/* freeing again, or a ring that never got storage, is harmless */
	irqcap_ring_free(&ring);
}

/*
 * irqcap_ring_free_records() frees the records and keeps the header page,
 * whose positions stay readable; irqcap_ring_free() then frees that.
 */
static void ring_free_records_test(struct kunit *test)
{
	struct irqcap_ring ring;

	KUNIT_ASSERT_EQ(test, irqcap_ring_alloc(&ring, IRQCAP_RING_DEFAULT), 0);
	ring.hdr->reserve = 5;
	ring.hdr->head = 4;
	irqcap_ring_free_records(&ring);
	KUNIT_EXPECT_NULL(test, ring.slots);
	KUNIT_ASSERT_NOT_NULL(test, ring.hdr);
	KUNIT_EXPECT_TRUE(test, irqcap_ring_readable(&ring, 3));
	KUNIT_EXPECT_FALSE(test, irqcap_ring_readable(&ring, 4));
	irqcap_ring_free_records(&ring);
	irqcap_ring_free(&ring);
	KUNIT_EXPECT_NULL(test, ring.hdr);
}

/* Sizes the ring cannot have: no storage, and the plan's error. */
static void ring_alloc_invalid_test(struct kunit *test)
{
	static const u32 bad[] = { 0, 1, IRQCAP_RING_MIN - 1, IRQCAP_RING_MIN + 1,
				   IRQCAP_RING_DEFAULT + 1, IRQCAP_RING_MAX * 2,
				   U32_MAX };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct irqcap_ring ring = { };

		KUNIT_EXPECT_EQ_MSG(test, irqcap_ring_alloc(&ring, bad[i]), -EINVAL,
				    "slots=%u", bad[i]);
		KUNIT_EXPECT_NULL_MSG(test, ring.slots, "slots=%u", bad[i]);
		KUNIT_EXPECT_NULL_MSG(test, ring.hdr, "slots=%u", bad[i]);
		irqcap_ring_free(&ring);
	}
}

/* IRQCAP_MAX_PAGE_ORDER is the buddy allocator's largest order. */
static void max_page_order_test(struct kunit *test)
{
	struct page *pg;

	pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN, IRQCAP_MAX_PAGE_ORDER + 1);
	KUNIT_EXPECT_NULL(test, pg);
	if (pg)
		__free_pages(pg, IRQCAP_MAX_PAGE_ORDER + 1);

	pg = alloc_pages(GFP_KERNEL | __GFP_NOWARN | __GFP_RETRY_MAYFAIL,
			 IRQCAP_MAX_PAGE_ORDER);
	if (!pg)
		kunit_skip(test, "no free block of order %d right now",
			   IRQCAP_MAX_PAGE_ORDER);
	__free_pages(pg, IRQCAP_MAX_PAGE_ORDER);
}

static struct kunit_case irqcap_order_cases[] = {
	KUNIT_CASE(order_every_small_size_test),
	KUNIT_CASE(order_pow2_neighbours_test),
	KUNIT_CASE(order_is_smallest_test),
	KUNIT_CASE_PARAM(plan_table_test, plan_gen_params),
	KUNIT_CASE(plan_all_sizes_test),
	KUNIT_CASE_PARAM(plan_allocate_test, alloc_gen_params),
	KUNIT_CASE(ring_alloc_invalid_test),
	KUNIT_CASE(ring_free_records_test),
	KUNIT_CASE(max_page_order_test),
	{}
};

static struct kunit_suite irqcap_order_suite = {
	.name = "irqcap_order",
	.test_cases = irqcap_order_cases,
};

kunit_test_suite(irqcap_order_suite);

MODULE_LICENSE("GPL");
