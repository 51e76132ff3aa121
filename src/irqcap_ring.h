/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ring of irqcap records, as one unit in the style of lib/kfifo.c:
 * struct irqcap_ring (storage, size, allocation plan, positions) and its
 * operations: allocate and free per the order plan, stage and commit (the
 * producer), and the lock-free copy for a reader.  The device
 * (irqcap.h, irqcap_capture.c, irqcap_timers.c, irqcap_main.c) and the
 * char device (irqcap_cdev.c) call these; KUnit tests them directly
 * (kunit/irqcap_ring_test.c, kunit/irqcap_bench_test.c).  Nothing here
 * knows a device or a lock: the producer's caller holds its own lock.
 *
 * Positions are free-running unsigned long counters, the widest a 32-bit
 * CPU publishes with one store (smp_store_release() refuses anything wider);
 * the slot of position p is p & (size - 1).  All comparisons are done on
 * differences, so they stay right when the counters wrap (at 2^32 on 32-bit
 * kernels, where a reader lagging by 2^31 records or more would be
 * misjudged: at the ring's 2^20 records maximum, never).
 *
 * The ring has one producer side, serialised by the caller's producer lock,
 * and any number of lock-free readers:
 *   reserve: positions handed out by the producer (slot write in progress
 *            or done; published before the slot is written)
 *   head:    positions committed to readers (published after the slot)
 * A reader at position pos may read [pos, head); a slot is overwritten once
 * reserve - pos > size, which the reader checks again after copying.
 *
 *   producer (one at a time):  irqcap_ring_stage(): WRITE_ONCE(reserve,
 *                              pos + 1); smp_wmb(); write the slot;
 *                              irqcap_ring_commit(): smp_store_release(&head)
 *   reader (lock-free):        irqcap_ring_copy(): smp_load_acquire(&head);
 *                              irqcap_ring_peek() copies a run of slots;
 *                              irqcap_ring_keep(): smp_rmb(), re-read reserve
 *                              and keep the copy only if
 *                              irqcap_ring_slot_intact(); a reader that lags
 *                              too far calls irqcap_ring_reader_skip()
 */
#ifndef _IRQCAP_RING_H
#define _IRQCAP_RING_H

#include <linux/align.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <asm/page.h>

#include "uapi/irqcap.h"

#define IRQCAP_RING_MIN		16U
#define IRQCAP_RING_MAX		1048576U
#define IRQCAP_RING_DEFAULT	1024U

/**
 * enum irqcap_store_kind - where the ring's records come from
 * @IRQCAP_STORE_PAGES: contiguous pages from the buddy allocator
 *	(alloc_pages_exact(): every page has its own reference count, so that
 *	it can be mapped), for orders up to PAGE_ALLOC_COSTLY_ORDER, which
 *	the allocator tries hard to satisfy; a ring smaller than a page
 *	takes one page (mmap() maps whole pages)
 * @IRQCAP_STORE_VMALLOC: above that order: vmalloc_user()
 *
 * Both are mapped page by page with vm_insert_pages() (irqcap_ring_mmap()).
 * The header page (struct irqcap_ring_hdr) is one more page of its own.
 */
enum irqcap_store_kind {
	IRQCAP_STORE_PAGES = 1,
	IRQCAP_STORE_VMALLOC,
};

/*
 * Where the records start in a mapping: after the header page
 * (struct irqcap_info @mmap_data_offset, struct irqcap_mmap_page
 * @data_offset).
 */
#define IRQCAP_RING_DATA_OFFSET	ALIGN(sizeof(struct irqcap_mmap_page), PAGE_SIZE)

/**
 * struct irqcap_ring_hdr - the kernel's view of the header page, struct
 * irqcap_mmap_page, shared by the producer and every mapped reader
 * @abi_version: see struct irqcap_mmap_page; set once at allocation
 * @event_size: likewise
 * @ring_size: likewise
 * @data_offset: likewise
 * @reserved0: zero
 * @head: positions committed to readers (producer lock;
 *	smp_store_release() for readers)
 * @reserve: positions handed out by the producer (producer lock;
 *	WRITE_ONCE() for readers)
 *
 * The ring's positions live here and nowhere else: the producer stores each
 * once, for read() and mapped readers alike.  They are unsigned long (one
 * store on every CPU) at the low half of the page's __u64 fields: the
 * whole field on 64-bit kernels; on 32-bit ones the high half stays 0.
 */
struct irqcap_ring_hdr {
	u32 abi_version;
	u32 event_size;
	u32 ring_size;
	u32 data_offset;
	u32 reserved0[12];
#if BITS_PER_LONG == 64
	unsigned long head;
	unsigned long reserve;
#elif defined(__BIG_ENDIAN)
	u32 head_high;
	unsigned long head;
	u32 reserve_high;
	unsigned long reserve;
#else
	unsigned long head;
	u32 head_high;
	unsigned long reserve;
	u32 reserve_high;
#endif
};

/* the low half of a __u64 position field, where the kernel's is */
#if BITS_PER_LONG == 32 && defined(__BIG_ENDIAN)
#define IRQCAP_RING_POS_LOW	4
#else
#define IRQCAP_RING_POS_LOW	0
#endif
static_assert(offsetof(struct irqcap_ring_hdr, head) ==
	      offsetof(struct irqcap_mmap_page, head) + IRQCAP_RING_POS_LOW);
static_assert(offsetof(struct irqcap_ring_hdr, reserve) ==
	      offsetof(struct irqcap_mmap_page, reserve) + IRQCAP_RING_POS_LOW);
static_assert(offsetof(struct irqcap_ring_hdr, data_offset) ==
	      offsetof(struct irqcap_mmap_page, data_offset));
static_assert(sizeof(struct irqcap_ring_hdr) <= sizeof(struct irqcap_mmap_page));

/**
 * struct irqcap_alloc_plan - how to allocate a ring
 * @kind: allocator to use
 * @order: buddy order covering @bytes (2^order pages)
 * @bytes: bytes the records need (slots * record size)
 * @alloc_bytes: bytes allocated for the records (>= @bytes): whole pages,
 *	PAGE_ALIGN(@bytes); the header page comes on top
 */
struct irqcap_alloc_plan {
	enum irqcap_store_kind kind;
	unsigned int order;
	size_t bytes;
	size_t alloc_bytes;
};

/**
 * struct irqcap_ring - records, one producer side, lock-free readers
 * @slots: the records' storage, @size of them; allocated per @plan
 * @hdr: the header page, which holds the positions (@hdr->reserve,
 *	@hdr->head) and is mapped first by irqcap_ring_mmap()
 * @size: number of slots, a power of two (irqcap_ring_size_valid())
 * @plan: how @slots was allocated, for irqcap_ring_free() and debugfs
 *
 * The producer reads @slots, @hdr and @size and writes @hdr->reserve and
 * @hdr->head for every record; readers read them all: they come first, on
 * one cache line wherever the ring is embedded on a line of its own (the
 * positions are on the header page's line).  @plan is cold.
 */
struct irqcap_ring {
	struct irqcap_event *slots;
	struct irqcap_ring_hdr *hdr;
	u32 size;
	struct irqcap_alloc_plan plan;
};

bool irqcap_ring_size_valid(u32 slots);
unsigned int irqcap_bytes_to_order(size_t bytes);
int irqcap_ring_plan(u32 slots, size_t rec_size,
		     struct irqcap_alloc_plan *plan);
int irqcap_ring_alloc(struct irqcap_ring *ring, u32 size);
void irqcap_ring_free_records(struct irqcap_ring *ring);
void irqcap_ring_free(struct irqcap_ring *ring);
unsigned int irqcap_ring_copy(const struct irqcap_ring *ring,
			      unsigned long *pos, struct irqcap_event *buf,
			      unsigned int max, unsigned long *lost);
unsigned long irqcap_ring_flush(const struct irqcap_ring *ring,
				unsigned long *pos, unsigned long *lost);
unsigned long irqcap_ring_map_pages(const struct irqcap_ring *ring);
struct page *irqcap_ring_page(const struct irqcap_ring *ring, unsigned long i);
struct vm_area_struct;
int irqcap_ring_mmap(const struct irqcap_ring *ring, struct vm_area_struct *vma);

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
 * irqcap_ring_pos_from_low() - a mapped reader's position from its low bits
 * @low: the low 32 bits of the position (all a 32-bit program keeps,
 *	struct irqcap_mmap_page)
 * @head: the ring's committed position
 * @cursor: the reader's position in the driver, which only moves forward
 * @to: set to the position nearest behind (or at) @head with those bits
 *
 * Pure: IRQCAP_IOC_CONSUME and the reader page (struct irqcap_mmap_reader)
 * take their positions through it.
 *
 * Return: false if that position is ahead of @head (more than 2^31 behind
 * it reads as ahead) or behind @cursor.
 */
static inline bool irqcap_ring_pos_from_low(u32 low, unsigned long head,
					    unsigned long cursor,
					    unsigned long *to)
{
	if ((s32)(low - (u32)head) > 0)
		return false;
	*to = head - (u32)((u32)head - low);
	return (long)(*to - cursor) >= 0;
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

/* ------------------------------------------------------------------ */
/* Producer: the caller holds its producer lock                        */

/**
 * irqcap_ring_stage() - write one record into the next slot
 * @ring: the ring; the caller holds its producer lock
 * @type: enum irqcap_event_type
 * @ts: timestamp in ns
 * @seqno: sequence number of the record
 * @data: type-specific value
 * @edge: enum irqcap_edge (IRQCAP_EDGE_UNKNOWN but for IRQ records)
 *
 * Readers are lock-free: @reserve is advanced before the slot is written so
 * a reader that copied the old contents of this slot sees the overwrite when
 * it checks @reserve again (irqcap_ring_keep()).  Inline: it is the hard
 * IRQ handler's hot path.
 */
static inline void irqcap_ring_stage(struct irqcap_ring *ring, u32 type,
				     u64 ts, u64 seqno, u64 data, u8 edge)
{
	unsigned long pos = ring->hdr->reserve;
	struct irqcap_event *ev = &ring->slots[irqcap_ring_slot(pos, ring->size)];

	WRITE_ONCE(ring->hdr->reserve, pos + 1);
	smp_wmb(); /* reserve before slot; pairs with smp_rmb() in irqcap_ring_keep() */
	/* one assignment: the compiler merges the 32-byte record's stores */
	*ev = (struct irqcap_event){
		.timestamp_ns = ts,
		.seqno = seqno,
		.data = data,
		.type = type,
		.edge = edge,
		.clock = IRQCAP_CLOCK_MONOTONIC,
	};
}

/**
 * irqcap_ring_staged() - records staged and not yet committed
 * @ring: the ring; the caller holds its producer lock
 */
static inline unsigned long irqcap_ring_staged(const struct irqcap_ring *ring)
{
	return ring->hdr->reserve - ring->hdr->head;
}

/**
 * irqcap_ring_overrun() - would the next record overwrite an uncommitted one?
 * @ring: the ring; the caller holds its producer lock
 *
 * Return: true if a whole ring of records is staged and not yet committed:
 * the next irqcap_ring_stage() reuses the slot of the oldest, which is then
 * lost to every reader.
 */
static inline bool irqcap_ring_overrun(const struct irqcap_ring *ring)
{
	return ring->hdr->reserve - ring->hdr->head >= ring->size;
}

/**
 * irqcap_ring_oldest_staged() - the oldest record a commit would publish
 * @ring: the ring, with records staged; the caller holds its producer lock
 *
 * The first staged record, or, when more than a ring of them is staged,
 * the oldest that was not overwritten.
 */
static inline const struct irqcap_event *
irqcap_ring_oldest_staged(const struct irqcap_ring *ring)
{
	unsigned long reserve = ring->hdr->reserve, head = ring->hdr->head;
	unsigned long oldest = reserve - head > ring->size ?
			       reserve - ring->size : head;

	return &ring->slots[irqcap_ring_slot(oldest, ring->size)];
}

/**
 * irqcap_ring_commit() - publish the staged records to readers
 * @ring: the ring; the caller holds its producer lock
 * @reserve: @ring->hdr->reserve as the caller read it under that lock
 *
 * Copies nothing: the records are in their slots already.  Everything the
 * caller stored before is ordered before @head too.
 */
static inline void irqcap_ring_commit(struct irqcap_ring *ring,
				      unsigned long reserve)
{
	smp_store_release(&ring->hdr->head, reserve); /* slots before head */
}

/* ------------------------------------------------------------------ */
/* Readers: lock-free                                                  */

/**
 * irqcap_ring_readable() - has a reader at @pos anything to read?
 * @ring: the ring
 * @pos: the reader's position
 *
 * Return: true if records are committed at @pos, or the reader lags so
 * far that it lost some (it has a loss to report).
 */
static inline bool irqcap_ring_readable(const struct irqcap_ring *ring,
					unsigned long pos)
{
	/* pairs with irqcap_ring_commit() */
	unsigned long head = smp_load_acquire(&ring->hdr->head);

	return irqcap_ring_pending(head, pos) ||
	       READ_ONCE(ring->hdr->reserve) - pos > ring->size;
}

/**
 * irqcap_ring_peek() - copy the committed records at a reader's position
 * @ring: the ring
 * @head: @ring->hdr->head as the reader loaded it, with smp_load_acquire()
 * @pos: the reader's position
 * @buf: where to copy
 * @max: room in @buf
 *
 * Copies the contiguous run at @pos at once: up to @max records, up to
 * @head and up to the end of the storage.  The copy may be torn: only
 * irqcap_ring_keep() says whether it can be used.
 *
 * Return: the number of records copied, 0 if nothing is committed at @pos.
 */
static inline unsigned long irqcap_ring_peek(const struct irqcap_ring *ring,
					     unsigned long head,
					     unsigned long pos,
					     struct irqcap_event *buf,
					     unsigned long max)
{
	u32 slot = irqcap_ring_slot(pos, ring->size);
	unsigned long run = min3(max, irqcap_ring_pending(head, pos),
				 (unsigned long)(ring->size - slot));

	if (!run)
		return 0;
	/*
	 * An intended race: the producer may be reusing these slots while they
	 * are copied.  irqcap_ring_keep() detects it from @reserve and throws
	 * the copy away, so KCSAN is told not to report it.
	 */
	data_race(memcpy(buf, &ring->slots[slot], run * sizeof(*buf)));
	return run;
}

/**
 * irqcap_ring_keep() - keep the copy of irqcap_ring_peek() if it is intact
 * @ring: the ring
 * @pos: the reader's position, the one the copy was made at
 * @run: the number of records copied
 * @lost: records lost, added to
 *
 * The oldest record of the run is the first the producer reuses, so if it
 * is intact after the copy, all of them are.
 *
 * Return: true if the copy is good: @pos is advanced past it (WRITE_ONCE:
 * others may read it).  False if the producer reused a slot while it was
 * copied: the copy is garbage, @pos moves to the oldest live record and
 * the records skipped are added to @lost (at least one).
 */
static inline bool irqcap_ring_keep(const struct irqcap_ring *ring,
				    unsigned long *pos, unsigned long run,
				    unsigned long *lost)
{
	smp_rmb(); /* slots before reserve; pairs with irqcap_ring_stage() */
	if (!irqcap_ring_slot_intact(READ_ONCE(ring->hdr->reserve), *pos, ring->size)) {
		*lost += irqcap_ring_reader_skip(READ_ONCE(ring->hdr->reserve),
						 ring->size, pos);
		return false;
	}
	WRITE_ONCE(*pos, *pos + run);
	return true;
}

#endif /* _IRQCAP_RING_H */
