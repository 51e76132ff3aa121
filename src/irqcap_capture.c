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
 * The handler's path takes no lock and no atomic read-modify-write: one IRQ
 * line's handler never runs concurrently with itself, so it owns the
 * producer side of the ring alone while no rare producer (idle timer,
 * write() markers, counter snapshots, a mode switch) wants it.  A rare
 * producer announces itself in @prod_rare, waits out a handler already in
 * progress with synchronize_hardirq(), and takes @prod_lock; a handler
 * that finds @prod_rare set takes @prod_lock too (irqcap_prod_lock()).
 * The handler always publishes its own record (a store-release): bottom
 * halves only wake readers, so they are no producers at all.
 *
 * The IRQ is requested IRQF_NO_THREAD, so that the kernels that force-thread
 * handlers (PREEMPT_RT, and any kernel booted with threadirqs) still run
 * irqcap_hardirq() in hard IRQ context.  Forced threading would make the
 * primary handler irq_default_primary_handler(), which only wakes the thread
 * (IRQTF_RUNTHREAD is one bit): N interrupts before the thread runs would
 * become one record, silently, stamped when the thread ran, and the line
 * would be masked while it ran (IRQF_ONESHOT).  The handler is fit for
 * hard IRQ context on PREEMPT_RT too: a raw spinlock (slow path), hrtimer_start(),
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
 * The same for the histogram with a single writer (hist_commit: the producer role):
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

/*
 * Wait until no handler of the device's IRQ is in progress on any CPU.
 * synchronize_hardirq() reads IRQD_IRQ_INPROGRESS under the IRQ
 * descriptor's lock, which the IRQ core also holds when it sets and clears
 * that flag around the handler: whatever a handler wrote is visible after
 * this returns, and whatever was written before this is visible to every
 * handler that starts after it.  Never from irqcap_hardirq() itself.
 */
static void irqcap_sync_handler(struct irqcap_dev *idev)
{
	synchronize_hardirq(idev->irq);
}

/**
 * irqcap_prod_enter() - take the producer role from the hard IRQ handler
 * @idev: device
 *
 * Any context but irqcap_hardirq().  From now on every handler takes
 * @prod_lock, and the handler that was in progress has finished: a caller
 * that holds @prod_lock (with interrupts off) owns the producer side of the
 * ring and the producer counters (irqcap.h).  The count goes up before the
 * wait and the lock is taken after it, so a handler that waits for
 * @prod_lock never waits for a caller that waits for the handler.
 */
void irqcap_prod_enter(struct irqcap_dev *idev)
{
	atomic_inc(&idev->prod_rare);
	irqcap_sync_handler(idev);
}

/**
 * irqcap_prod_exit() - give the producer role back to the handler
 * @idev: device; @prod_lock no longer held
 *
 * The count drops with release semantics, pairing with the handler's
 * acquire: a handler that finds it 0 sees everything the caller wrote.
 */
void irqcap_prod_exit(struct irqcap_dev *idev)
{
	atomic_dec_return_release(&idev->prod_rare);
}

/* Both at once, for one critical section: irqcap_prod_enter() and the lock. */
void irqcap_prod_lock(struct irqcap_dev *idev, unsigned long *flags)
	__acquires(&idev->prod_lock)
{
	irqcap_prod_enter(idev);
	raw_spin_lock_irqsave(&idev->prod_lock, *flags);
}

void irqcap_prod_unlock(struct irqcap_dev *idev, unsigned long flags)
	__releases(&idev->prod_lock)
{
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	irqcap_prod_exit(idev);
}

/**
 * irqcap_waiters_add() - count a waiter in or out
 * @idev: device
 * @count: &idev->sleepers (a reader in read()'s wait), &idev->pollers (a
 *	file that has poll()ed, counted until it is closed: poll() cannot say
 *	when it stops waiting), or NULL (a file that asked for SIGIO)
 * @n: 1 before the wait, -1 after
 *
 * Every waiter is also counted in @waiters, which is all the handler reads
 * while nobody waits (irqcap_wake_needed()).
 *
 * Process context.  Counting in is followed by irqcap_sync_handler(), so
 * that the handler needs no barrier between publishing a record and reading
 * the count: a handler that starts after the wait sees the count and wakes
 * the waiter; one that ran before it published its record before it
 * finished, and the waiter, checking the ring after the wait, finds it and
 * does not sleep.  Counting out needs no wait: a handler that still sees the
 * waiter wakes nobody, or someone who finds nothing and sleeps again.
 */
void irqcap_waiters_add(struct irqcap_dev *idev, atomic_t *count, int n)
{
	if (count)
		atomic_add(n, count);
	atomic_add(n, &idev->waiters);
	if (n > 0)
		irqcap_sync_handler(idev);
}

/*
 * The fasync() file operation: fasync_helper() says 1 when it added or
 * removed this file's entry, so every SIGIO file is counted in @waiters
 * once.  Also called at release() with @on 0.
 */
int irqcap_fasync_set(struct irqcap_dev *idev, int fd, struct file *file, int on)
{
	int ret = fasync_helper(fd, file, on, &idev->fasync);

	if (ret > 0)
		irqcap_waiters_add(idev, NULL, on ? 1 : -1);
	return ret;
}

/*
 * Is there anyone for the handler to wake?  While nobody waits, one load
 * of @waiters says no.  Readers in read() are counted; poll() waiters only
 * on the wait queue, which needs wq_has_sleeper()'s full barrier, paid only
 * while a file that ever poll()ed is open.  Called after publishing (see
 * irqcap_waiters_add()).
 */
static __always_inline bool irqcap_wake_needed(struct irqcap_dev *idev)
{
	if (likely(!atomic_read(&idev->waiters)))
		return false;
	return atomic_read(&idev->sleepers) || READ_ONCE(idev->fasync) ||
	       (atomic_read(&idev->pollers) && wq_has_sleeper(&idev->wait));
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
 * The same, once irqcap_wake_needed() said yes after publishing:
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

/*
 * The end of a hold-off: wake whoever slept meanwhile.  A soft hrtimer, so
 * this runs in softirq context (on PREEMPT_RT in the softirq thread), never
 * in hard IRQ context, whatever the mode.  It wakes readers itself rather
 * than through the mode's bottom half: everything is published already, so
 * only the wake-up is left, and a timer cannot return IRQ_WAKE_THREAD.
 * The handler has set @last_wake_ns to this timer's expiry already.
 */
static enum hrtimer_restart irqcap_holdoff_fn(struct hrtimer *timer)
{
	irqcap_wake_readers(container_of(timer, struct irqcap_dev, holdoff_timer));
	return HRTIMER_NORESTART;
}

/**
 * irqcap_commit() - commit anything staged and wake readers
 * @idev: device
 *
 * Any context but the hard IRQ handler (a mode switch from sysfs).  Every
 * producer publishes what it stages, so this normally finds nothing to
 * commit; it takes the producer role to be sure, then wakes readers.
 */
void irqcap_commit(struct irqcap_dev *idev)
{
	unsigned long flags, n;
	u64 last_irq_ns;

	irqcap_prod_lock(idev, &flags);
	n = irqcap_commit_locked(idev, ktime_get_ns());
	last_irq_ns = idev->last_irq_ns;
	irqcap_prod_unlock(idev, flags);
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
 * in hard IRQ context, and not on PREEMPT_RT (irqcap_edge_mode_of()).
 * The raw level, not the logical one: the trigger (irqcap,trigger,
 * IRQF_TRIGGER_*) is electrical, whatever the line's GPIO_ACTIVE_LOW flag,
 * so "rising" means the same in both.  The level is read when the handler
 * runs: an edge followed by the opposite one before that (a pulse shorter
 * than the interrupt latency) reads as the second.
 */
void irqcap_edge_setup(struct irqcap_dev *idev)
{
	bool gpio_atomic = idev->gpio && !gpiod_cansleep(idev->gpio);

	/* the handler may run already */
	WRITE_ONCE(idev->edge_mode,
		   irqcap_edge_mode_of(irq_get_trigger_type(idev->irq), gpio_atomic,
				       IS_ENABLED(CONFIG_PREEMPT_RT)));
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

/*
 * The handler's work with the producer role: stamp, debounce, stage and
 * publish the record, and decide the wake-up.  The timestamp is taken
 * with the role, so that no record another producer stages can carry a
 * later time: timestamps never decrease in ring order.
 *
 * The storm limit counts every interrupt, debounced ones too (they cost
 * the handler as much), with the same timestamp: irqcap_pm.c.  @edge
 * (irqcap_irq_edge()) was read before the role was taken, as early as
 * possible.
 *
 * Wake-up hold-off: irqcap_holdoff_decide() (irqcap.h).
 */
static __always_inline enum irqcap_wake
irqcap_hardirq_produce(struct irqcap_dev *idev, u8 edge, u64 *now, u64 *end)
{
	u64 ts = ktime_get_ns();
	u32 debounce_us = READ_ONCE(idev->debounce_us), holdoff_us;
	u64 prev = idev->last_irq_ns;
	enum irqcap_wake wake;

	irqcap_storm_check_prod(idev, ts);
	if (debounce_us && idev->seqno &&
	    ts - prev < (u64)debounce_us * NSEC_PER_USEC) {
		idev->debounced++;
		return IRQCAP_WAKE_DEBOUNCED;
	}
	*now = ts;
	idev->last_irq_ns = ts; /* the idle timer measures from it */
	idev->seqno++;
	irqcap_stage_publish_prod(idev, ts, edge);
	if (!irqcap_wake_needed(idev))
		return IRQCAP_WAKE_NONE;
	holdoff_us = READ_ONCE(idev->wakeup_holdoff_us);
	if (!holdoff_us)
		return IRQCAP_WAKE_NOW;
	wake = irqcap_holdoff_decide(ts, prev, &idev->last_wake_ns,
				     (u64)holdoff_us * NSEC_PER_USEC);
	*end = idev->last_wake_ns;
	return wake;
}

/**
 * irqcap_hardirq() - the top half
 * @irq: interrupt number
 * @data: the irqcap_dev
 *
 * Stamps, debounces, stages and publishes the record, and hands the
 * wake-up to the bottom half when someone waits.  Lock-free while no rare
 * producer wants the producer role; otherwise under @prod_lock (see
 * irqcap_prod_lock()).  Always in hard IRQ context (IRQF_NO_THREAD).
 * Never sleeps, never allocates.
 */
irqreturn_t irqcap_hardirq(int irq, void *data)
{
	struct irqcap_dev *idev = data;
	enum irqcap_wake wake;
	u64 now = 0, end = 0;
	u8 edge = irqcap_irq_edge(idev); /* the level, as soon as possible */

	/* pairs with irqcap_prod_unlock(): what the last rare producer wrote */
	if (likely(!atomic_read_acquire(&idev->prod_rare))) {
		wake = irqcap_hardirq_produce(idev, edge, &now, &end);
	} else {
		raw_spin_lock(&idev->prod_lock);
		wake = irqcap_hardirq_produce(idev, edge, &now, &end);
		raw_spin_unlock(&idev->prod_lock);
	}
	if (wake == IRQCAP_WAKE_DEBOUNCED)
		return IRQ_HANDLED;
	irqcap_idle_arm(idev, now);
	if (likely(wake == IRQCAP_WAKE_NONE))
		return IRQ_HANDLED;
	if (wake == IRQCAP_WAKE_HELD) {
		/*
		 * Still queued, the timer is late (its end, the last wake-up,
		 * has passed): it moves to @end, and the wake-up it owed goes
		 * out now, so that no record waits more than the hold-off.
		 */
		bool late = hrtimer_is_queued(&idev->holdoff_timer);

		hrtimer_start(&idev->holdoff_timer, ns_to_ktime(end),
			      HRTIMER_MODE_ABS_SOFT);
		if (likely(!late))
			return IRQ_HANDLED;
	}
	return irqcap_bh_kick(idev, READ_ONCE(idev->bh_mode));
}

/* The bottom halves: the handler published everything, only the wake-up is left. */
irqreturn_t irqcap_thread(int irq, void *data)
{
	irqcap_wake_readers(data);
	return IRQ_HANDLED;
}

static void irqcap_softirq_fn(irqcap_softirq_bh_arg arg)
{
	struct irqcap_dev *idev = irqcap_softirq_bh_from(idev, arg, softirq_bh);

	irqcap_wake_readers(idev);
}

static void irqcap_work_fn(struct work_struct *work)
{
	irqcap_wake_readers(container_of(work, struct irqcap_dev, commit_work));
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
