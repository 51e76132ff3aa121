// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure ring arithmetic for irqcap; see irqcap_ring.h.
 */
#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>

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
