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
 * irqcap_ring_plan() - choose the allocator and size for a ring's records
 * @slots: ring size in records (need not be valid: checked here)
 * @rec_size: size of one record
 * @plan: filled on success
 *
 * Whole pages, whatever the size: the records are mapped into user space
 * (irqcap_ring_mmap()), and a page is the unit of a mapping.
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
	plan->alloc_bytes = PAGE_ALIGN(bytes);
	if (plan->order <= PAGE_ALLOC_COSTLY_ORDER)
		plan->kind = IRQCAP_STORE_PAGES;
	else
		plan->kind = IRQCAP_STORE_VMALLOC;
	return 0;
}

/**
 * irqcap_ring_alloc() - allocate a ring's header page and records per its plan
 * @ring: the ring to set up; positions start at 0
 * @size: number of records (checked: irqcap_ring_plan())
 *
 * Preallocated, zeroed storage, so the producer never allocates.  The
 * header page is filled in for mapped readers (struct irqcap_mmap_page).
 * Context: process; may sleep.
 *
 * Return: 0, -EINVAL for a size irqcap_ring_size_valid() refuses, -ENOMEM,
 * or irqcap_ring_plan()'s error; on error @ring has no storage.
 */
int irqcap_ring_alloc(struct irqcap_ring *ring, u32 size)
{
	struct irqcap_alloc_plan *plan = &ring->plan;
	struct irqcap_ring_hdr *hdr;
	int ret;

	ring->slots = NULL;
	ring->hdr = NULL;
	if (!irqcap_ring_size_valid(size))
		return -EINVAL;
	ret = irqcap_ring_plan(size, sizeof(*ring->slots), plan);
	if (ret)
		return ret;
	hdr = (void *)get_zeroed_page(GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	if (plan->kind == IRQCAP_STORE_PAGES)
		ring->slots = alloc_pages_exact(plan->alloc_bytes,
						GFP_KERNEL | __GFP_ZERO);
	else
		ring->slots = vmalloc_user(plan->alloc_bytes);
	if (!ring->slots) {
		free_page((unsigned long)hdr);
		return -ENOMEM;
	}
	hdr->abi_version = IRQCAP_ABI_VERSION;
	hdr->event_size = sizeof(struct irqcap_event);
	hdr->ring_size = size;
	hdr->data_offset = IRQCAP_RING_DATA_OFFSET;
	ring->hdr = hdr;
	ring->size = size;
	return 0;
}

/**
 * irqcap_ring_free_records() - free a ring's records, keep its header page
 * @ring: the ring; no reader may copy records any more (that is the
 *	caller's business: irqcap excludes readers with its lifetime lock)
 *
 * Positions stay readable (irqcap_ring_readable() and the like, which
 * touch no record) until irqcap_ring_free().  Safe on a ring without
 * records.  Pages still mapped into user space (irqcap_ring_mmap()) stay
 * allocated until the last mapping of them is gone: every mapped page
 * holds a reference of its own, which the allocator's free only drops.
 */
void irqcap_ring_free_records(struct irqcap_ring *ring)
{
	void *slots = ring->slots;

	ring->slots = NULL;
	if (!slots)
		return;
	if (ring->plan.kind == IRQCAP_STORE_PAGES)
		free_pages_exact(slots, ring->plan.alloc_bytes);
	else
		vfree(slots);
}

/**
 * irqcap_ring_free() - free a ring's records and header page
 * @ring: the ring; no producer or reader may touch it any more
 *
 * Safe on a ring without storage, and after irqcap_ring_free_records().
 * Mapped pages stay as irqcap_ring_free_records() says.
 */
void irqcap_ring_free(struct irqcap_ring *ring)
{
	irqcap_ring_free_records(ring);
	if (ring->hdr)
		free_page((unsigned long)ring->hdr);
	ring->hdr = NULL;
}

/**
 * irqcap_ring_map_pages() - the size of a whole mapping, in pages
 * @ring: the ring, with storage
 *
 * Return: the header page plus the records' pages.
 */
unsigned long irqcap_ring_map_pages(const struct irqcap_ring *ring)
{
	return (IRQCAP_RING_DATA_OFFSET + ring->plan.alloc_bytes) >> PAGE_SHIFT;
}

/**
 * irqcap_ring_page() - the page at @i in a mapping of the ring
 * @ring: the ring, with storage
 * @i: page index in the mapping, below irqcap_ring_map_pages()
 *
 * Return: the header page for 0, else the records' page @i - 1.
 */
struct page *irqcap_ring_page(const struct irqcap_ring *ring, unsigned long i)
{
	const u8 *p;

	if (i < IRQCAP_RING_DATA_OFFSET >> PAGE_SHIFT)
		return virt_to_page((const u8 *)ring->hdr + (i << PAGE_SHIFT));
	p = (const u8 *)ring->slots + (i << PAGE_SHIFT) - IRQCAP_RING_DATA_OFFSET;
	if (ring->plan.kind == IRQCAP_STORE_VMALLOC)
		return vmalloc_to_page(p);
	return virt_to_page(p);
}

#define IRQCAP_MMAP_BATCH	16	/* pages per vm_insert_pages() call */

/**
 * irqcap_ring_mmap() - map the header page and the records, read-only
 * @ring: the ring, with storage (the caller keeps it allocated meanwhile)
 * @vma: the mapping: offset 0 and the whole size only
 *
 * The mapping cannot be made writable (no VM_WRITE, VM_MAYWRITE cleared:
 * mprotect() refuses too), expanded (mremap()) or dumped.  Every page is
 * inserted with its own reference (vm_insert_pages()), so the pages outlive
 * irqcap_ring_free() for as long as they stay mapped.
 * Context: the mmap() file operation (mmap_lock held for writing).
 *
 * Return: 0, -EINVAL for an offset other than 0 or a size other than
 * irqcap_ring_map_pages(), -EPERM for a writable mapping, or
 * vm_insert_pages()' error (the caller's mmap() fails and unmaps).
 */
int irqcap_ring_mmap(const struct irqcap_ring *ring, struct vm_area_struct *vma)
{
	unsigned long want = irqcap_ring_map_pages(ring), done = 0;
	struct page *pages[IRQCAP_MMAP_BATCH];

	if (vma->vm_pgoff || vma_pages(vma) != want)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	irqcap_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP, VM_MAYWRITE);
	while (done < want) {
		unsigned long n = min_t(unsigned long, want - done,
					IRQCAP_MMAP_BATCH), i, left = n;
		int ret;

		for (i = 0; i < n; i++)
			pages[i] = irqcap_ring_page(ring, done + i);
		ret = vm_insert_pages(vma, vma->vm_start + (done << PAGE_SHIFT),
				      pages, &left);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
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
	unsigned long head = smp_load_acquire(&ring->hdr->head);
	unsigned int n = 0;

	*lost = irqcap_ring_reader_skip(READ_ONCE(ring->hdr->reserve), ring->size, pos);
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
	unsigned long head = smp_load_acquire(&ring->hdr->head);
	unsigned long p = *pos, discarded;

	*lost = irqcap_ring_reader_skip(READ_ONCE(ring->hdr->reserve), ring->size, &p);
	discarded = irqcap_ring_pending(head, p);
	WRITE_ONCE(*pos, (long)(head - p) > 0 ? head : p);
	return discarded;
}
