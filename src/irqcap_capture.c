// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap capture pipeline: the hard IRQ handler stages each event in the
 * ring; a bottom half, chosen per device and switchable at run time, commits
 * the staged records to readers and wakes them.
 *
 * Staging writes the record into its final slot and advances @reserve;
 * committing publishes @head = @reserve.  A commit therefore copies nothing
 * and is idempotent: whichever bottom half runs after a mode switch commits
 * everything staged before it, so no event is lost or duplicated.
 *
 * The bottom half exists to take the wake-up out of the hard IRQ handler.
 * When nobody sleeps on the device and nobody asked for SIGIO, there is
 * nothing to wake: the handler then commits itself (a store-release) and
 * schedules no bottom half.  A reader that keeps up, or reads a burst in
 * batches, costs one bottom-half run per sleep instead of one per interrupt.
 *
 * A reader that keeps up with a burst still sleeps after nearly every event
 * and costs a wake-up (an IPI to its CPU) for each.  With a wake-up hold-off
 * (wakeup_holdoff_us), a wake-up is followed by a quiet period: events are
 * published at once (an awake reader takes them without sleeping) and one
 * soft hrtimer at the end of the period wakes a sleeping reader.  An
 * isolated event is still woken at once; in a burst, delivery waits at most
 * the hold-off; timestamps are unaffected.
 *
 * The IRQ is requested IRQF_NO_THREAD, so that the kernels that force-thread
 * handlers (PREEMPT_RT, and any kernel booted with threadirqs) still run
 * irqcap_hardirq() in hard IRQ context.  Forced threading would make the
 * primary handler irq_default_primary_handler(), which only wakes the thread
 * (IRQTF_RUNTHREAD is one bit): N interrupts before the thread runs would
 * become one record, silently, stamped when the thread ran, and the line
 * would be masked while it ran (IRQF_ONESHOT).  The handler is fit for
 * hard IRQ context on PREEMPT_RT too: a raw spinlock, hrtimer_start(),
 * mod_timer(), tasklet_schedule(), queue_work() and irq_work_queue() only.
 * What is not (wake_up() and kill_fasync() take sleeping locks there) is
 * the hardirq mode's wake-up, which PREEMPT_RT gets through an irq_work.
 */
#include <linux/bitops.h>
#include <linux/fs.h>
#include <linux/gpio/consumer.h>
#include <linux/irq.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/sched.h>

#include "irqcap.h"

const char * const irqcap_bh_names[IRQCAP_BH_NR] = {
	[IRQCAP_BH_HARDIRQ]	= "hardirq",
	[IRQCAP_BH_THREADED]	= "threaded",
	[IRQCAP_BH_TASKLET]	= "tasklet",
	[IRQCAP_BH_WORKQUEUE]	= "workqueue",
};

void irqcap_hist_add(struct irqcap_hist *hist, u64 ns)
{
	unsigned int idx = min_t(unsigned int, fls64(ns), IRQCAP_HIST_BUCKETS - 1);
	s64 max = atomic64_read(&hist->max_ns);

	atomic_long_inc(&hist->bucket[idx]);
	while ((u64)max < ns) {
		s64 old = atomic64_cmpxchg(&hist->max_ns, max, ns);

		if (old == max)
			break;
		max = old;
	}
}

/*
 * The same for the histogram with a single writer (hist_commit: prod_lock):
 * no locked read-modify-write, which costs more than the rest of a commit
 * together.  Readers (debugfs) still see whole values.
 */
void irqcap_hist_add_locked(struct irqcap_hist *hist, u64 ns)
{
	unsigned int idx = min_t(unsigned int, fls64(ns), IRQCAP_HIST_BUCKETS - 1);

	atomic_long_set(&hist->bucket[idx], atomic_long_read(&hist->bucket[idx]) + 1);
	if ((u64)atomic64_read(&hist->max_ns) < ns)
		atomic64_set(&hist->max_ns, ns);
}

/**
 * irqcap_waiters_add() - count a waiter in or out
 * @idev: device
 * @count: &idev->sleepers (a reader in read()'s wait) or &idev->pollers (a
 *	file that has poll()ed, counted until it is closed: poll() cannot say
 *	when it stops waiting)
 * @n: 1 before the wait, -1 after
 *
 * Process context.  Under @prod_lock, so that the handler sees the count
 * in its own critical section, without a barrier: if it runs after this,
 * it wakes the waiter; if before, the waiter, taking the lock after it,
 * sees what it published and does not sleep.
 */
void irqcap_waiters_add(struct irqcap_dev *idev, unsigned int *count, int n)
{
	raw_spin_lock_irq(&idev->prod_lock);
	*count += n;
	raw_spin_unlock_irq(&idev->prod_lock);
}

/*
 * Is there anyone for a commit to wake?  prod_lock held.  Readers in read()
 * are counted under the lock; poll() waiters only on the wait queue, which
 * needs wq_has_sleeper()'s full barrier, paid only while a file that ever
 * poll()ed is open.  Called after publishing, it tells exactly; called
 * before, a "no" must be asked again after publishing.
 */
static bool irqcap_wake_needed_locked(struct irqcap_dev *idev)
{
	lockdep_assert_held(&idev->prod_lock);
	return idev->sleepers || READ_ONCE(idev->fasync) ||
	       (idev->pollers && wq_has_sleeper(&idev->wait));
}

/*
 * Wake everyone who may wait for what was just published, from any context.
 * The full barrier in wq_has_sleeper() pairs with the one a sleeper has
 * between joining the wait queue and checking the ring.
 */
void irqcap_wake_readers(struct irqcap_dev *idev)
{
	if (wq_has_sleeper(&idev->wait))
		wake_up_interruptible(&idev->wait);
	if (READ_ONCE(idev->fasync))
		kill_fasync(&idev->fasync, SIGIO, POLL_IN);
}

/*
 * The same, once irqcap_wake_needed_locked() said yes after publishing:
 * no barrier; wake_up() takes the queue's lock, which orders it against a
 * sleeper that joins the queue at the same time.
 */
static void irqcap_wake_needed_readers(struct irqcap_dev *idev)
{
	wake_up_interruptible(&idev->wait);
	if (READ_ONCE(idev->fasync))
		kill_fasync(&idev->fasync, SIGIO, POLL_IN);
}

/*
 * The hardirq mode's wake-up on PREEMPT_RT, where it cannot be done in hard
 * IRQ context: the irq_work thread runs this.  Everything it wakes readers
 * for is published already.
 */
static void irqcap_wake_work_fn(struct irq_work *work)
{
	irqcap_wake_readers(container_of(work, struct irqcap_dev, wake_work));
}

/* Hand the wake-up to the bottom half of @mode (threaded: IRQ_WAKE_THREAD). */
static irqreturn_t irqcap_bh_kick(struct irqcap_dev *idev,
				  enum irqcap_bh_mode mode)
{
	switch (mode) {
	case IRQCAP_BH_HARDIRQ:
		if (IS_ENABLED(CONFIG_PREEMPT_RT))
			irq_work_queue(&idev->wake_work);
		else
			irqcap_wake_needed_readers(idev);
		break;
	case IRQCAP_BH_THREADED:
		return IRQ_WAKE_THREAD;
	case IRQCAP_BH_TASKLET:
		irqcap_softirq_bh_schedule(&idev->softirq_bh);
		break;
	default:
		queue_work(system_highpri_wq, &idev->commit_work);
		break;
	}
	return IRQ_HANDLED;
}

/* Was there a wake-up less than @holdoff_ns before @now?  prod_lock held. */
static bool irqcap_wake_held_locked(struct irqcap_dev *idev, u64 now,
				    u64 holdoff_ns)
{
	lockdep_assert_held(&idev->prod_lock);
	return holdoff_ns && now - idev->last_wake_ns < holdoff_ns;
}

/*
 * The end of a hold-off: wake whoever slept meanwhile.  A soft hrtimer, so
 * this runs in softirq context (on PREEMPT_RT in the softirq thread), never
 * in hard IRQ context, whatever the mode.  It wakes readers itself rather
 * than through the mode's bottom half: everything is published already, so
 * only the wake-up is left, and a timer cannot return IRQ_WAKE_THREAD.
 */
static enum hrtimer_restart irqcap_holdoff_fn(struct hrtimer *timer)
{
	struct irqcap_dev *idev = container_of(timer, struct irqcap_dev, holdoff_timer);
	unsigned long flags;

	/* under the lock: a 32-bit CPU could not write it whole otherwise */
	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	idev->last_wake_ns = ktime_get_ns();
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	irqcap_wake_readers(idev);
	return HRTIMER_NORESTART;
}

/*
 * Wake a sleeper at @end, the end of the current hold-off.  Only the handler
 * arms the timer; if the timer is running its callback, arming again costs
 * at most one early wake-up.
 */
static void irqcap_holdoff_arm(struct irqcap_dev *idev, u64 end)
{
	if (!hrtimer_is_queued(&idev->holdoff_timer))
		hrtimer_start(&idev->holdoff_timer, ns_to_ktime(end),
			      HRTIMER_MODE_ABS_SOFT);
}

/**
 * irqcap_commit() - the bottom half: commit staged records and wake readers
 * @idev: device
 *
 * Runs in any context (thread, softirq, process, or from sysfs).  Wakes
 * readers even when the hard IRQ handler already committed everything: it
 * schedules a bottom half only for a reader that went to sleep meanwhile.
 */
void irqcap_commit(struct irqcap_dev *idev)
{
	unsigned long flags, n;
	u64 last_irq_ns;

	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	n = irqcap_commit_locked(idev, ktime_get_ns());
	last_irq_ns = idev->last_irq_ns;
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	if (n)
		irqcap_idle_arm(idev, last_irq_ns);
	irqcap_wake_readers(idev);
}

/**
 * irqcap_edge_setup() - decide how IRQ records learn their edge
 * @idev: device, its interrupt requested (the trigger is then in force)
 *
 * The trigger in force, not the one asked for: a controller without
 * irq_set_type (x86's IO-APIC) keeps the firmware's and ignores
 * IRQF_TRIGGER_*, so irqcap,trigger = "both" on it is the firmware's one
 * edge, and records say so.
 *
 * From the trigger the controller was given: one edge names it; both edges
 * are told apart by the line's level only on a GPIO whose chip can be read
 * in hard IRQ context.  The raw level, not the logical one: the trigger
 * (irqcap,trigger, IRQF_TRIGGER_*) is electrical, whatever the line's
 * GPIO_ACTIVE_LOW flag, so "rising" means the same in both.  The level is
 * read when the handler runs: an edge followed by the opposite one before
 * that (a pulse shorter than the interrupt latency) reads as the second.
 */
void irqcap_edge_setup(struct irqcap_dev *idev)
{
	u8 mode;

	switch (irq_get_trigger_type(idev->irq) & IRQ_TYPE_EDGE_BOTH) {
	case IRQ_TYPE_EDGE_RISING:
		mode = IRQCAP_EDGE_MODE_RISING;
		break;
	case IRQ_TYPE_EDGE_FALLING:
		mode = IRQCAP_EDGE_MODE_FALLING;
		break;
	case IRQ_TYPE_EDGE_BOTH:
		mode = idev->gpio && !gpiod_cansleep(idev->gpio) ?
		       IRQCAP_EDGE_MODE_LEVEL : IRQCAP_EDGE_MODE_UNKNOWN;
		break;
	default:
		mode = IRQCAP_EDGE_MODE_UNKNOWN;
		break;
	}
	WRITE_ONCE(idev->edge_mode, mode); /* the handler may run already */
}

/* The edge of the interrupt being handled: enum irqcap_edge. */
static inline u8 irqcap_irq_edge(const struct irqcap_dev *idev)
{
	u8 mode = READ_ONCE(idev->edge_mode);
	int level;

	if (likely(mode != IRQCAP_EDGE_MODE_LEVEL))
		return mode;
	level = gpiod_get_raw_value(idev->gpio);
	if (level < 0)
		return IRQCAP_EDGE_UNKNOWN;
	return level ? IRQCAP_EDGE_RISING : IRQCAP_EDGE_FALLING;
}

/* Stage an IRQ record with its edge.  prod_lock held. */
static inline void irqcap_stage_irq_locked(struct irqcap_dev *idev, u64 now,
					   u8 edge)
{
	struct irqcap_ring *ring = &idev->ring;

	irqcap_stage_locked(idev, IRQCAP_EVENT_IRQ, now, 0);
	ring->slots[irqcap_ring_slot(ring->hdr->reserve - 1, ring->size)].edge = edge;
}

/**
 * irqcap_hardirq() - the top half
 * @irq: interrupt number
 * @data: the irqcap_dev
 *
 * Takes the timestamp first thing under the producer lock, applies
 * debounce, stages the record and hands over to the bottom half, or commits
 * it here when there is nobody for the bottom half to wake.  Always in hard
 * IRQ context (IRQF_NO_THREAD).  Never sleeps, never allocates; the only
 * lock is the raw producer lock.
 */
irqreturn_t irqcap_hardirq(int irq, void *data)
{
	struct irqcap_dev *idev = data;
	enum irqcap_bh_mode mode;
	u64 now, debounce_ns, holdoff_ns, holdoff_end;
	bool direct, held, wake = true;
	u8 edge = irqcap_irq_edge(idev); /* the level, as soon as possible */

	raw_spin_lock(&idev->prod_lock);
	/*
	 * Under the lock, so that no record staged by another producer (the
	 * idle timer, write()) between this clock read and this record's
	 * staging can carry a later time: timestamps never decrease in ring
	 * order.  The lock is contended only by those rare producers.
	 */
	now = ktime_get_ns();
	irqcap_storm_check_locked(idev, now); /* debounced ones count too */
	debounce_ns = (u64)READ_ONCE(idev->debounce_us) * NSEC_PER_USEC;
	if (debounce_ns && idev->seqno &&
	    now - idev->last_irq_ns < debounce_ns) {
		idev->debounced++;
		raw_spin_unlock(&idev->prod_lock);
		return IRQ_HANDLED;
	}
	idev->last_irq_ns = now; /* the idle timer measures from it */
	idev->seqno++;
	irqcap_stage_irq_locked(idev, now, edge);

	mode = READ_ONCE(idev->bh_mode);
	holdoff_ns = (u64)READ_ONCE(idev->wakeup_holdoff_us) * NSEC_PER_USEC;
	held = irqcap_wake_held_locked(idev, now, holdoff_ns);
	holdoff_end = idev->last_wake_ns + holdoff_ns;
	/* nobody to wake, or the wake-up held off: publish here */
	direct = mode == IRQCAP_BH_HARDIRQ || held || !irqcap_wake_needed_locked(idev);
	if (direct) {
		irqcap_commit_new_locked(idev, now);
		wake = irqcap_wake_needed_locked(idev);
	}
	/* a wake-up goes out now: the next hold-off starts */
	if (holdoff_ns && wake && !held)
		idev->last_wake_ns = now;
	raw_spin_unlock(&idev->prod_lock);

	if (direct) {
		irqcap_idle_arm(idev, now);
		if (!wake)
			return IRQ_HANDLED;
		if (held) {
			irqcap_holdoff_arm(idev, holdoff_end);
			return IRQ_HANDLED;
		}
	}
	return irqcap_bh_kick(idev, mode);
}

irqreturn_t irqcap_thread(int irq, void *data)
{
	irqcap_commit(data);
	return IRQ_HANDLED;
}

static void irqcap_softirq_fn(irqcap_softirq_bh_arg arg)
{
	struct irqcap_dev *idev = irqcap_softirq_bh_from(idev, arg, softirq_bh);

	irqcap_commit(idev);
}

static void irqcap_work_fn(struct work_struct *work)
{
	irqcap_commit(container_of(work, struct irqcap_dev, commit_work));
}

void irqcap_bh_init(struct irqcap_dev *idev)
{
	irqcap_softirq_bh_init(&idev->softirq_bh, irqcap_softirq_fn);
	INIT_WORK(&idev->commit_work, irqcap_work_fn);
	init_irq_work(&idev->wake_work, irqcap_wake_work_fn);
	hrtimer_setup(&idev->holdoff_timer, irqcap_holdoff_fn, CLOCK_MONOTONIC,
		      HRTIMER_MODE_ABS_SOFT);
}

/*
 * Called after the IRQ is freed: nothing can schedule them, or arm the
 * hold-off timer, any more.
 */
void irqcap_bh_kill(struct irqcap_dev *idev)
{
	hrtimer_cancel(&idev->holdoff_timer);
	irqcap_softirq_bh_kill(&idev->softirq_bh);
	cancel_work_sync(&idev->commit_work);
	irq_work_sync(&idev->wake_work);
}

/**
 * irqcap_set_bh_mode() - switch the bottom half while events flow
 * @idev: device
 * @mode: new mode
 *
 * Bottom halves already scheduled under the old mode still run and commit;
 * the commit below publishes anything staged in between, so readers never
 * wait for a bottom half that will not come.
 *
 * Return: 0.
 */
int irqcap_set_bh_mode(struct irqcap_dev *idev, enum irqcap_bh_mode mode)
{
	WRITE_ONCE(idev->bh_mode, mode);
	irqcap_commit(idev);
	return 0;
}
