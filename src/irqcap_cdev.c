// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap character device: /dev/irqcapN.
 *
 * Every open file is a reader with its own cursor into the device's ring
 * and sees every record; it never holds the producer back.  A reader that
 * falls more than the ring size behind skips to the oldest record still
 * there and gets one IRQCAP_EVENT_OVERFLOW record saying how many it lost.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "irqcap.h"
#include "irqcap_time.h"

#define IRQCAP_READ_BATCH	64
#define IRQCAP_WRITE_CHUNK	16	/* markers copied from user space at once */

static_assert(sizeof(struct irqcap_event) == 32);
static_assert(sizeof(struct irqcap_info) == 32);
static_assert(sizeof(struct irqcap_stats) == 96);
static_assert(sizeof(struct irqcap_source) == 288);
static_assert(sizeof(struct irqcap_mmap_page) == 128);
static_assert(offsetof(struct irqcap_event, edge) == 28);
static_assert(offsetof(struct irqcap_mmap_page, head) == 64);

/**
 * struct irqcap_reader - one open file
 * @idev: the device, referenced
 * @lock: serialises read() and ioctl() on this file (the cursor); never
 *	held while read() sleeps, so ioctl() does not wait for an interrupt
 * @pos: next ring position to read (WRITE_ONCE: poll() reads it unlocked)
 * @lost_pending: records lost and not yet reported by an overflow record
 * @read: records read, overflow records not counted
 * @lost: records lost
 * @last_seqno: seqno of the last record read
 * @last_ts: timestamp of the last record read, an overflow record's time
 * @flags: IRQCAP_READER_POLLED: counted in the device's pollers
 * @clock: enum irqcap_clock of the records read() returns
 * @map_page: the reader page (struct irqcap_mmap_reader), allocated by the
 *	first mmap() of it and set once (cmpxchg(): mmap() holds mmap_lock,
 *	so it cannot take @lock, which read() holds across copy_to_user())
 * @batch: bounce buffer: records are copied here lock-free, checked, and
 *	only then copied to user space
 */
struct irqcap_reader {
	struct irqcap_dev *idev;
	struct mutex lock;	/* the cursor fields below */
	unsigned long pos;
	u64 lost_pending;
	u64 read;
	u64 lost;
	u64 last_seqno;
	u64 last_ts;
	unsigned long flags;
	u32 clock;
	struct page *map_page;
	struct irqcap_event batch[IRQCAP_READ_BATCH];
};

#define IRQCAP_READER_POLLED	0

static struct kmem_cache *irqcap_reader_cache;

/*
 * The last reference: the header page goes with the device, not at unbind
 * (the records do), so that the positions in it stay readable for files
 * still open: poll() and the ioctls read them without @lifetime.
 */
static void irqcap_release_dev(struct kref *ref)
{
	struct irqcap_dev *idev = container_of(ref, struct irqcap_dev, ref);

	irqcap_ring_free(&idev->ring);
	kfree(idev);
}

void irqcap_get(struct irqcap_dev *idev)
{
	kref_get(&idev->ref);
}

void irqcap_put(struct irqcap_dev *idev)
{
	kref_put(&idev->ref, irqcap_release_dev);
}

static int irqcap_open(struct inode *inode, struct file *file)
{
	/* misc_open() holds misc_mtx, so the device cannot be deregistered */
	struct irqcap_dev *idev = container_of(file->private_data,
					       struct irqcap_dev, misc);
	struct irqcap_reader *r;

	r = kmem_cache_zalloc(irqcap_reader_cache, GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	r->idev = idev;
	irqcap_get(idev);
	/* a new reader starts with the next event; pairs with commit's release */
	r->pos = smp_load_acquire(&idev->ring.hdr->head);
	atomic_inc(&idev->readers);
	file->private_data = r;
	return stream_open(inode, file);
}

static int irqcap_release(struct inode *inode, struct file *file)
{
	struct irqcap_reader *r = file->private_data;
	struct irqcap_dev *idev = r->idev;

	irqcap_fasync_set(idev, -1, file, 0);
	if (test_bit(IRQCAP_READER_POLLED, &r->flags))
		irqcap_waiters_add(idev, &idev->pollers, -1);
	atomic_dec(&idev->readers);
	/* a mapping keeps the file open: the page is no longer mapped here */
	if (r->map_page)
		__free_page(r->map_page);
	mutex_destroy(&r->lock);
	kmem_cache_free(irqcap_reader_cache, r);
	irqcap_put(idev);
	return 0;
}

/*
 * Losses are counted in r->lost and the device's dropped counter only when
 * the overflow record reaches user space (irqcap_account_read()), so a read
 * that faults and is retried cannot count them twice.
 */
static void irqcap_note_loss(struct irqcap_reader *r, u64 lost)
{
	/* poll() and a sleeping read() test it without r->lock */
	WRITE_ONCE(r->lost_pending, r->lost_pending + lost);
}

/*
 * Where the reader page (struct irqcap_mmap_reader) says the mapped reader
 * is, if it says a valid position ahead of the cursor @pos.  The page is
 * the reader's to write at any time: one READ_ONCE() of it, checked.
 */
static bool irqcap_reader_tail(const struct irqcap_reader *r, unsigned long pos,
			       unsigned long *to)
{
	struct page *page = READ_ONCE(r->map_page);
	const struct irqcap_mmap_reader *mr;
	unsigned long head;

	if (!page)
		return false;
	mr = page_address(page);
	/* pairs with irqcap_ring_commit() */
	head = smp_load_acquire(&r->idev->ring.hdr->head);
	return irqcap_ring_pos_from_low(READ_ONCE(mr->tail), head, pos, to) &&
	       *to != pos;
}

/*
 * The position poll() and a sleeping read() judge the reader by: the
 * cursor, or the reader page's tail ahead of it (not yet taken over by
 * irqcap_reader_sync(), which needs @lock).
 */
static unsigned long irqcap_reader_pos(const struct irqcap_reader *r)
{
	unsigned long pos = READ_ONCE(r->pos), to;

	return irqcap_reader_tail(r, pos, &to) ? to : pos;
}

static bool irqcap_reader_ready(struct irqcap_reader *r)
{
	struct irqcap_dev *idev = r->idev;

	return READ_ONCE(idev->dead) || READ_ONCE(r->lost_pending) ||
	       irqcap_ring_readable(&idev->ring, irqcap_reader_pos(r));
}

/*
 * r->lock held: the cursor moves to @to, a valid position at or ahead of
 * it (irqcap_ring_pos_from_low()): the records before it count as read, and
 * those of them the ring overwrote first as lost, as read() would count
 * them.
 */
static void irqcap_reader_consume(struct irqcap_reader *r, unsigned long to)
{
	struct irqcap_dev *idev = r->idev;
	unsigned long lost;

	r->read += to - r->pos;
	/* a position older than the ring: lost, as read() would count it */
	lost = irqcap_ring_reader_skip(READ_ONCE(idev->ring.hdr->reserve),
				       idev->ring.size, &to);
	r->lost += r->lost_pending + lost;
	atomic64_add(r->lost_pending + lost, &idev->dropped);
	WRITE_ONCE(r->lost_pending, 0);
	WRITE_ONCE(r->pos, to);
}

/* r->lock held: take over the reader page's position (IRQCAP_IOC_CONSUME's) */
static void irqcap_reader_sync(struct irqcap_reader *r)
{
	unsigned long to;

	if (irqcap_reader_tail(r, r->pos, &to))
		irqcap_reader_consume(r, to);
}

/*
 * Copy up to @max records for @r into r->batch: the ring's records
 * (irqcap_ring_copy(), lock-free against the producer), and an OVERFLOW
 * record where the ring reports a loss.  @lifetime keeps the ring's storage
 * while it is copied.  Return the number of records, or -ENODEV.
 */
static int irqcap_reader_fill(struct irqcap_reader *r, unsigned int max)
{
	struct irqcap_dev *idev = r->idev;
	unsigned int n = 0;

	down_read(&idev->lifetime);
	if (idev->dead) {
		up_read(&idev->lifetime);
		return -ENODEV;
	}
	while (n < max) {
		struct irqcap_event *ev = &r->batch[n];
		unsigned long lost;
		unsigned int got;

		/* with a loss pending, only add what was lost since */
		got = irqcap_ring_copy(&idev->ring, &r->pos, ev,
				       r->lost_pending ? 0 : max - n, &lost);
		irqcap_note_loss(r, lost);
		if (got) {
			r->last_seqno = ev[got - 1].seqno;
			r->last_ts = ev[got - 1].timestamp_ns;
			n += got;
		}
		/* no loss: the ring is drained, or the batch is full */
		if (!r->lost_pending || n == max)
			break;
		ev = &r->batch[n];
		memset(ev, 0, sizeof(*ev));
		/* where the loss happened: never later than what follows */
		ev->timestamp_ns = r->last_ts;
		ev->seqno = r->last_seqno;
		ev->data = r->lost_pending;
		ev->type = IRQCAP_EVENT_OVERFLOW;
		WRITE_ONCE(r->lost_pending, 0);
		n++;
	}
	up_read(&idev->lifetime);
	return n;
}

/*
 * The reader's clock minus CLOCK_MONOTONIC now: the offset of one batch.
 * The ring's times are CLOCK_MONOTONIC; a step of the other clock between
 * an interrupt and this read() is the conversion's error (uapi/irqcap.h).
 */
static s64 irqcap_reader_offset(const struct irqcap_reader *r)
{
	if (r->clock == IRQCAP_CLOCK_MONOTONIC)
		return 0;
	return ktime_to_ns(ktime_mono_to_any(0, irqcap_clock_tk_offs(r->clock)));
}

/* @offset: that of the batch, so the latency is measured on its clock */
static void irqcap_account_read(struct irqcap_reader *r, unsigned int n,
				s64 offset)
{
	struct irqcap_dev *idev = r->idev;
	u64 now = ktime_get_ns(), now_clock = irqcap_time_to_clock(now, offset);
	bool sampled = false;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct irqcap_event *ev = &r->batch[i];

		if (ev->type == IRQCAP_EVENT_OVERFLOW) {
			r->lost += ev->data;
			atomic64_add(ev->data, &idev->dropped);
			continue;
		}
		r->read++;
		if (ev->type == IRQCAP_EVENT_IRQ && !sampled) {
			irqcap_hist_add(&idev->hist_read, now_clock - ev->timestamp_ns);
			sampled = true;
		}
	}
	irqcap_hist_add(&idev->hist_wake, now - atomic64_read(&idev->last_commit_ns));
}

static ssize_t irqcap_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct irqcap_reader *r = file->private_data;
	size_t want = count / sizeof(struct irqcap_event);
	ssize_t done = 0;
	int ret = 0;

	if (!want)
		return -EINVAL;
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	irqcap_reader_sync(r);

	while (want) {
		unsigned long saved_pos = r->pos;
		u64 saved_lost = r->lost_pending, saved_seqno = r->last_seqno;
		u64 saved_ts = r->last_ts;
		unsigned int batch = min_t(size_t, want, IRQCAP_READ_BATCH);
		size_t bytes;
		s64 offset;

		ret = irqcap_reader_fill(r, batch);
		if (ret < 0)
			break;
		if (!ret) {
			if (done)
				break;
			if (file->f_flags & O_NONBLOCK) {
				ret = -EAGAIN;
				break;
			}
			/* not held while asleep: ioctl() on this file goes on */
			mutex_unlock(&r->lock);
			irqcap_waiters_add(r->idev, &r->idev->sleepers, 1);
			ret = wait_event_interruptible(r->idev->wait,
						       irqcap_reader_ready(r));
			irqcap_waiters_add(r->idev, &r->idev->sleepers, -1);
			if (ret)
				return ret; /* nothing read yet */
			if (mutex_lock_interruptible(&r->lock))
				return -ERESTARTSYS;
			continue;
		}
		offset = irqcap_reader_offset(r);
		irqcap_events_to_clock(r->batch, ret, r->clock, offset);
		bytes = ret * sizeof(struct irqcap_event);
		if (copy_to_user(buf + done, r->batch, bytes)) {
			/* nothing is lost: the records stay for the next read */
			WRITE_ONCE(r->pos, saved_pos);
			WRITE_ONCE(r->lost_pending, saved_lost);
			r->last_seqno = saved_seqno;
			r->last_ts = saved_ts;
			ret = -EFAULT;
			break;
		}
		irqcap_account_read(r, ret, offset);
		done += bytes;
		want -= ret;
		/* fewer than asked for: the ring is drained, do not scan it again */
		if (ret < batch)
			break;
	}
	mutex_unlock(&r->lock);
	return done ? done : ret;
}

/*
 * Stage and publish @n markers.  Their commits also publish any interrupt
 * record staged before them, whose bottom half then finds nothing to
 * commit: so the idle timer is armed here for them.  Return 0 or -ENODEV.
 */
static int irqcap_write_markers(struct irqcap_dev *idev, const u64 *values,
				size_t n)
{
	bool irqs_published = false;
	unsigned long flags;
	u64 last_irq_ns = 0;
	size_t i;

	down_read(&idev->lifetime);
	if (idev->dead) {
		up_read(&idev->lifetime);
		return -ENODEV;
	}
	/* the role once for the chunk; interrupts off for one marker at a time */
	irqcap_prod_enter(idev);
	for (i = 0; i < n; i++) {
		u64 now;

		raw_spin_lock_irqsave(&idev->prod_lock, flags);
		now = ktime_get_ns();
		irqcap_stage_locked(idev, IRQCAP_EVENT_MARKER, now, values[i]);
		if (irqcap_commit_new_locked(idev, now)) {
			irqs_published = true;
			last_irq_ns = idev->last_irq_ns;
		}
		raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	}
	irqcap_prod_exit(idev);
	up_read(&idev->lifetime);
	if (irqs_published)
		irqcap_idle_arm(idev, last_irq_ns);
	irqcap_wake_readers(idev);
	return 0;
}

/*
 * Each whole __u64 written becomes a MARKER record for every reader.  The
 * values are copied from user space before @lifetime is taken: a fault that
 * never resolves (userfaultfd, FUSE) must not hold up unbind.
 */
static ssize_t irqcap_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct irqcap_reader *r = file->private_data;
	size_t done = 0, n = count / sizeof(u64);
	u64 values[IRQCAP_WRITE_CHUNK];
	int ret = 0;

	if (!n || count % sizeof(u64))
		return -EINVAL;
	n = min_t(size_t, n, IRQCAP_READ_BATCH);

	while (done < n) {
		size_t chunk = min_t(size_t, n - done, IRQCAP_WRITE_CHUNK);
		size_t left = copy_from_user(values, (const u64 __user *)buf + done,
					     chunk * sizeof(u64));

		/* the whole values before a fault are written */
		chunk -= DIV_ROUND_UP(left, sizeof(u64));
		if (chunk) {
			ret = irqcap_write_markers(r->idev, values, chunk);
			if (ret)
				break;
			done += chunk;
		}
		if (left) {
			ret = -EFAULT;
			break;
		}
	}
	return done ? done * sizeof(u64) : ret;
}

static __poll_t irqcap_poll(struct file *file, poll_table *wait)
{
	struct irqcap_reader *r = file->private_data;
	struct irqcap_dev *idev = r->idev;

	/*
	 * From the first poll() on, the handler checks the wait queue for this
	 * file's waiters (irqcap_capture.c); counted before queueing.
	 */
	if (!test_bit(IRQCAP_READER_POLLED, &r->flags) &&
	    !test_and_set_bit(IRQCAP_READER_POLLED, &r->flags))
		irqcap_waiters_add(idev, &idev->pollers, 1);
	irqcap_poll_wait(file, &idev->wait, wait);
	if (READ_ONCE(idev->dead))
		return EPOLLHUP | EPOLLERR;
	/* write() never blocks */
	return EPOLLOUT | EPOLLWRNORM |
	       (irqcap_reader_ready(r) ? EPOLLIN | EPOLLRDNORM : 0);
}

/*
 * The reader page (struct irqcap_mmap_reader): one zeroed page of this
 * file's, shared and writable, allocated at its first mmap().  Every
 * mapping holds its own reference to it (vm_insert_page()) and the file
 * (vma->vm_file), so release() frees the file's only when none is left.
 */
static int irqcap_mmap_reader_page(struct irqcap_reader *r,
				   struct vm_area_struct *vma)
{
	struct page *page = READ_ONCE(r->map_page), *new;

	/* VM_MAYSHARE: mmap() clears VM_SHARED for a read-only file's MAP_SHARED */
	if (vma_pages(vma) != 1 || !(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (!page) {
		/* user space makes one per open file: charged to it */
		new = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!new)
			return -ENOMEM;
		/*
		 * Not 0: that is a valid position once the head's low 32 bits
		 * have wrapped.  The cursor says "nothing consumed yet".
		 */
		((struct irqcap_mmap_reader *)page_address(new))->tail =
			(u32)READ_ONCE(r->pos);
		/* full barrier: the page's contents before its pointer */
		page = cmpxchg(&r->map_page, NULL, new);
		if (page)
			__free_page(new);	/* another mmap() was first */
		else
			page = new;
	}
	irqcap_vm_flags_mod(vma, VM_DONTEXPAND, 0);
	return vm_insert_page(vma, vma->vm_start, page);
}

/*
 * At offset 0 the ring, read-only: the header page, then the records
 * (struct irqcap_mmap_page; irqcap_ring_mmap()).  @lifetime keeps the
 * storage while it is mapped; the pages then stay for as long as the
 * mapping does, also after unbind, when they hold the last records staged.
 * At IRQCAP_MMAP_READER_OFFSET the reader page.
 */
static int irqcap_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct irqcap_reader *r = file->private_data;
	struct irqcap_dev *idev = r->idev;
	int ret;

	down_read(&idev->lifetime);
	if (idev->dead)
		ret = -ENODEV;
	else if (vma->vm_pgoff == IRQCAP_MMAP_READER_OFFSET >> PAGE_SHIFT)
		ret = irqcap_mmap_reader_page(r, vma);
	else
		ret = irqcap_ring_mmap(&idev->ring, vma);
	up_read(&idev->lifetime);
	return ret;
}

static int irqcap_fasync(int fd, struct file *file, int on)
{
	struct irqcap_reader *r = file->private_data;

	return irqcap_fasync_set(r->idev, fd, file, on);
}

static long irqcap_ioctl_stats(struct irqcap_reader *r, void __user *arg)
{
	struct irqcap_dev *idev = r->idev;
	struct irqcap_stats st = { };
	struct irqcap_counters c;
	unsigned long flags;

	irqcap_prod_lock(idev, &flags);
	irqcap_counters_read_locked(idev, &c);
	/* records already overwritten are lost, not pending (as in FLUSH) */
	st.reader_pending = min_t(u64, irqcap_ring_pending(idev->ring.hdr->head, r->pos),
				  idev->ring.size);
	irqcap_prod_unlock(idev, flags);
	st.irqs_seen = c.irqs_seen;
	st.events_committed = c.events_committed;
	st.debounced = c.debounced;
	st.timeouts = c.timeouts;
	st.dropped = atomic64_read(&idev->dropped);
	st.reader_read = r->read;
	st.reader_lost = r->lost;
	st.throttled = c.throttled;
	st.suspends = c.suspends;
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

/* r->lock held: read() converts a whole batch with one clock */
static long irqcap_ioctl_set_clock(struct irqcap_reader *r, void __user *arg)
{
	u32 clock;

	if (get_user(clock, (u32 __user *)arg))
		return -EFAULT;
	if (!irqcap_clock_valid(clock))
		return -EINVAL;
	r->clock = clock;
	return 0;
}

/*
 * IRQCAP_IOC_CONSUME: a mapped reader's position becomes this file's cursor.
 * Only the position's low 32 bits count (a 32-bit program keeps no more,
 * struct irqcap_mmap_page): it is taken as the position at most 2^31 behind
 * the head with those bits.  The cursor only moves forward.
 */
static long irqcap_ioctl_consume(struct irqcap_reader *r, const u64 __user *arg)
{
	unsigned long head, to;
	u64 v;

	if (get_user(v, arg))
		return -EFAULT;
	/* pairs with irqcap_ring_commit() */
	head = smp_load_acquire(&r->idev->ring.hdr->head);
	if (!irqcap_ring_pos_from_low((u32)v, head, r->pos, &to))
		return -EINVAL;		/* ahead of the head or behind the cursor */
	irqcap_reader_consume(r, to);
	return 0;
}

static long irqcap_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct irqcap_reader *r = file->private_data;
	struct irqcap_dev *idev = r->idev;
	void __user *uarg = (void __user *)arg;
	struct irqcap_info info = { };
	unsigned long lost;
	long ret;

	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	if (READ_ONCE(idev->dead)) {
		ret = -ENODEV;
		goto out;
	}
	/* STATS, FLUSH and CONSUME start from where the reader page says */
	irqcap_reader_sync(r);
	switch (cmd) {
	case IRQCAP_IOC_INFO:
		irqcap_info_fill(idev, &info);
		ret = copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
		break;
	case IRQCAP_IOC_FLUSH:
		/*
		 * What was overwritten before this file read it is lost, not
		 * discarded: counted as a read() would have reported it.
		 */
		ret = irqcap_ring_flush(&idev->ring, &r->pos, &lost);
		r->lost += r->lost_pending + lost;
		atomic64_add(r->lost_pending + lost, &idev->dropped);
		WRITE_ONCE(r->lost_pending, 0);
		break;
	case IRQCAP_IOC_STATS:
		ret = irqcap_ioctl_stats(r, uarg);
		break;
	case IRQCAP_IOC_SET_CLOCK:
		ret = irqcap_ioctl_set_clock(r, uarg);
		break;
	case IRQCAP_IOC_GET_CLOCK:
		ret = put_user(r->clock, (u32 __user *)uarg);
		break;
	case IRQCAP_IOC_SOURCE:
		/* set at probe; compat_ptr_ioctl: the same layout for 32-bit */
		ret = copy_to_user(uarg, &idev->source, sizeof(idev->source)) ? -EFAULT : 0;
		break;
	case IRQCAP_IOC_CONSUME:
		ret = irqcap_ioctl_consume(r, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
out:
	mutex_unlock(&r->lock);
	return ret;
}

const struct file_operations irqcap_fops = {
	.owner		= THIS_MODULE,
	.open		= irqcap_open,
	.release	= irqcap_release,
	.read		= irqcap_read,
	.write		= irqcap_write,
	.poll		= irqcap_poll,
	.fasync		= irqcap_fasync,
	.mmap		= irqcap_mmap,
	.unlocked_ioctl	= irqcap_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

int irqcap_cdev_init(void)
{
	/* hardened usercopy: only the bounce buffer may reach user space */
	irqcap_reader_cache =
		kmem_cache_create_usercopy("irqcap_reader",
					   sizeof(struct irqcap_reader), 0,
					   SLAB_HWCACHE_ALIGN,
					   offsetof(struct irqcap_reader, batch),
					   sizeof_field(struct irqcap_reader, batch),
					   NULL);
	return irqcap_reader_cache ? 0 : -ENOMEM;
}

void irqcap_cdev_exit(void)
{
	kmem_cache_destroy(irqcap_reader_cache);
}
