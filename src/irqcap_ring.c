// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ring of irqcap records: its size checks, allocation plan, storage
 * and the lock-free copy for readers; see irqcap_ring.h.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "irqcap_compat.h"
#include "irqcap_ring.h"

/**
 * irqcap_ring_size_valid() - is @slots an accepted ring size?
 * @slots: requested number of records
 *
 * Return: true for powers of two from IRQCAP_RING_MIN to IRQCAP_RING_MAX.
 */
bool irqcap_ring_size_valid(u32 slots)
{
	return slots >= IRQCAP_RING_MIN && slots <= IRQCAP_RING_MAX &&
	       is_power_of_2(slots);
}

/**
 * irqcap_bytes_to_order() - smallest buddy order whose block holds @bytes
 * @bytes: size in bytes, at least 1
 *
 * Return: the order, as get_order() computes it.
 */
unsigned int irqcap_bytes_to_order(size_t bytes)
{
	if (bytes <= PAGE_SIZE)
		return 0;
	return fls_long((bytes - 1) >> PAGE_SHIFT);
}

/**
 * irqcap_ring_plan() - choose the allocator and size for a ring
 * @slots: ring size in records (need not be valid: checked here)
 * @rec_size: size of one record
 * @plan: filled on success
 *
 * Return: 0, -EINVAL for a zero size or invalid ring size, or -EOVERFLOW
 * when the ring cannot be represented.
 */
int irqcap_ring_plan(u32 slots, size_t rec_size, struct irqcap_alloc_plan *plan)
{
	size_t bytes;

	if (!slots || !rec_size)
		return -EINVAL;
	if (check_mul_overflow((size_t)slots, rec_size, &bytes))
		return -EOVERFLOW;
	if (bytes > ((size_t)PAGE_SIZE << IRQCAP_MAX_PAGE_ORDER) * 16)
		return -EOVERFLOW;

	plan->bytes = bytes;
	plan->order = irqcap_bytes_to_order(bytes);
	if (bytes < PAGE_SIZE) {
		plan->kind = IRQCAP_STORE_SLAB;
		plan->alloc_bytes = bytes;
	} else if (plan->order <= PAGE_ALLOC_COSTLY_ORDER) {
		plan->kind = IRQCAP_STORE_PAGES;
		plan->alloc_bytes = (size_t)PAGE_SIZE << plan->order;
	} else {
		plan->kind = IRQCAP_STORE_VMALLOC;
		plan->alloc_bytes = PAGE_ALIGN(bytes);
	}
	return 0;
}

/**
 * irqcap_ring_alloc() - allocate a ring's storage per its plan
 * @ring: the ring to set up; positions start at 0
 * @size: number of records (checked: irqcap_ring_plan())
 *
 * Preallocated, zeroed storage, so the producer never allocates.
 * Context: process; may sleep.
 *
 * Return: 0, -EINVAL for a size irqcap_ring_size_valid() refuses, -ENOMEM,
 * or irqcap_ring_plan()'s error; on error @ring has no storage.
 */
int irqcap_ring_alloc(struct irqcap_ring *ring, u32 size)
{
	struct irqcap_alloc_plan *plan = &ring->plan;
	int ret;

	ring->slots = NULL;
	ring->reserve = 0;
	ring->head = 0;
	if (!irqcap_ring_size_valid(size))
		return -EINVAL;
	ret = irqcap_ring_plan(size, sizeof(*ring->slots), plan);
	if (ret)
		return ret;
	switch (plan->kind) {
	case IRQCAP_STORE_SLAB:
		ring->slots = kzalloc(plan->bytes, GFP_KERNEL);
		break;
	case IRQCAP_STORE_PAGES:
		ring->slots = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
						       plan->order);
		break;
	default:
		ring->slots = vzalloc(plan->bytes);
		break;
	}
	if (!ring->slots)
		return -ENOMEM;
	ring->size = size;
	return 0;
}

/**
 * irqcap_ring_free() - free a ring's storage
 * @ring: the ring; no producer or reader may touch it any more (that is the
 *	caller's business: irqcap excludes readers with its lifetime lock)
 *
 * Safe on a ring without storage.
 */
void irqcap_ring_free(struct irqcap_ring *ring)
{
	void *slots = ring->slots;

	ring->slots = NULL;
	if (!slots)
		return;
	switch (ring->plan.kind) {
	case IRQCAP_STORE_SLAB:
		kfree(slots);
		break;
	case IRQCAP_STORE_PAGES:
		free_pages((unsigned long)slots, ring->plan.order);
		break;
	default:
		vfree(slots);
		break;
	}
}

/**
 * irqcap_ring_copy() - copy committed records for a lock-free reader
 * @ring: the ring; its storage must stay allocated meanwhile
 * @pos: the reader's position, advanced past what is copied and lost
 * @buf: where to copy
 * @max: room in @buf; 0 only looks for a loss
 * @lost: set to the number of records lost after those copied: overwritten
 *	before this reader could copy them
 *
 * Copies until @buf is full or nothing committed is left, and stops at a
 * loss, so that the caller can report it where it happened: after the
 * records copied, before those the next call copies.  A record is used only
 * if @reserve shows that its slot was not reused while it was copied.
 *
 * Return: the number of records copied into @buf.
 */
unsigned int irqcap_ring_copy(const struct irqcap_ring *ring,
			      unsigned long *pos, struct irqcap_event *buf,
			      unsigned int max, unsigned long *lost)
{
	/* slots before head are written; pairs with irqcap_ring_commit() */
	unsigned long head = smp_load_acquire(&ring->head);
	unsigned int n = 0;

	*lost = irqcap_ring_reader_skip(READ_ONCE(ring->reserve), ring->size, pos);
	if (*lost)
		return 0;
	/* every pass copies a run or ends: the loop is bounded by @max */
	while (n < max) {
		unsigned long run = irqcap_ring_peek(ring, head, *pos, buf + n,
						     max - n);

		if (!run || !irqcap_ring_keep(ring, pos, run, lost))
			break;
		n += run;
	}
	return n;
}

/**
 * irqcap_ring_flush() - move a reader to the newest committed position
 * @ring: the ring
 * @pos: the reader's position, moved (WRITE_ONCE)
 * @lost: set to the number of records overwritten before the reader read
 *	them: lost, not discarded
 *
 * A reader ahead of @head stays where it is.
 *
 * Return: the number of records discarded: committed and still there.
 */
unsigned long irqcap_ring_flush(const struct irqcap_ring *ring,
				unsigned long *pos, unsigned long *lost)
{
	/* pairs with irqcap_ring_commit() */
	unsigned long head = smp_load_acquire(&ring->head);
	unsigned long p = *pos, discarded;

	*lost = irqcap_ring_reader_skip(READ_ONCE(ring->reserve), ring->size, &p);
	discarded = irqcap_ring_pending(head, p);
	WRITE_ONCE(*pos, (long)(head - p) > 0 ? head : p);
	return discarded;
}
