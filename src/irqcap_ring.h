/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure ring arithmetic for irqcap: positions, cursors, losses and the
 * allocation plan for the ring's storage.  Nothing here touches a device,
 * a lock or memory, so KUnit tests it directly (kunit/irqcap_ring_test.c).
 *
 * Positions are free-running unsigned long counters, the widest a 32-bit
 * CPU publishes with one store (smp_store_release() refuses anything wider);
 * the slot of position p is p & (size - 1).  All comparisons are done on
 * differences, so they stay right when the counters wrap (at 2^32 on 32-bit
 * kernels, where a reader lagging by 2^31 records or more would be
 * misjudged: at the ring's 2^20 records maximum, never).
 *
 * The ring has one producer side, serialised by the device's producer lock,
 * and any number of lock-free readers:
 *   reserve: positions handed out by the producer (slot write in progress
 *            or done; published before the slot is written)
 *   head:    positions committed to readers (published after the slot)
 * A reader at position pos may read [pos, head); a slot is overwritten once
 * reserve - pos > size, which the reader checks again after copying.
 */
#ifndef _IRQCAP_RING_H
#define _IRQCAP_RING_H

#include <linux/types.h>

#define IRQCAP_RING_MIN		16U
#define IRQCAP_RING_MAX		1048576U
#define IRQCAP_RING_DEFAULT	1024U

/**
 * enum irqcap_store_kind - where the ring's storage comes from
 * @IRQCAP_STORE_SLAB: smaller than a page: a slab object (kzalloc)
 * @IRQCAP_STORE_PAGES: 2^order contiguous pages from the buddy allocator,
 *	for orders up to PAGE_ALLOC_COSTLY_ORDER, which the allocator tries
 *	hard to satisfy
 * @IRQCAP_STORE_VMALLOC: above that order: virtually contiguous pages
 */
enum irqcap_store_kind {
	IRQCAP_STORE_SLAB,
	IRQCAP_STORE_PAGES,
	IRQCAP_STORE_VMALLOC,
};

/**
 * struct irqcap_alloc_plan - how to allocate a ring
 * @kind: allocator to use
 * @order: buddy order covering @bytes (2^order pages)
 * @bytes: bytes the records need (slots * record size)
 * @alloc_bytes: bytes actually allocated (>= @bytes)
 */
struct irqcap_alloc_plan {
	enum irqcap_store_kind kind;
	unsigned int order;
	size_t bytes;
	size_t alloc_bytes;
};

bool irqcap_ring_size_valid(u32 slots);
unsigned int irqcap_bytes_to_order(size_t bytes);
int irqcap_ring_plan(u32 slots, size_t rec_size,
		     struct irqcap_alloc_plan *plan);

/**
 * irqcap_ring_slot() - slot index of a position
 * @pos: free-running position
 * @slots: ring size, a power of two
 */
static inline u32 irqcap_ring_slot(unsigned long pos, u32 slots)
{
	return (u32)(pos & (slots - 1));
}

/**
 * irqcap_ring_pending() - records committed but not yet read
 * @head: committed position
 * @pos: reader position (may be ahead of @head after a skip)
 */
static inline unsigned long irqcap_ring_pending(unsigned long head,
						unsigned long pos)
{
	return (long)(head - pos) > 0 ? head - pos : 0;
}

/**
 * irqcap_ring_reader_skip() - move a lagging reader to the oldest live record
 * @reserve: producer reserve position
 * @slots: ring size
 * @pos: reader position, advanced when it lags by more than @slots
 *
 * Inline: every read() calls it.
 *
 * Return: the number of records the reader lost (0 when it keeps up).
 */
static inline unsigned long irqcap_ring_reader_skip(unsigned long reserve,
						    u32 slots, unsigned long *pos)
{
	unsigned long lag = reserve - *pos;

	if ((long)lag <= 0 || lag <= slots)
		return 0;
	*pos = reserve - slots;
	return lag - slots;
}

/**
 * irqcap_ring_slot_intact() - was the slot of @pos left alone while read?
 * @reserve: reserve position read after copying the slot
 * @pos: the position that was copied
 * @slots: ring size
 */
static inline bool irqcap_ring_slot_intact(unsigned long reserve,
					   unsigned long pos, u32 slots)
{
	return reserve - pos <= slots;
}

#endif /* _IRQCAP_RING_H */
