/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * irqcap: capture hardware interrupts as timestamped events for user space.
 * The device state shared by the driver's files.
 */
#ifndef _IRQCAP_H
#define _IRQCAP_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "irqcap_compat.h"
#include "irqcap_ring.h"
#include "irqcap_storm.h"
#include "uapi/irqcap.h"

#define IRQCAP_DEBOUNCE_MAX_US		1000000U
#define IRQCAP_WAKEUP_HOLDOFF_MAX_US	100000U
/*
 * The default wake-up policy (issue 18, measured: docs/bench.md, "why the
 * default hold-off stays 0"): with the adaptive 100 us hold-off a reader
 * sleeping in poll() slows bursts to 0.56-0.71 of the counting handler
 * (0.83-0.87 without); read() readers are level.
 */
#define IRQCAP_BH_DEFAULT		IRQCAP_BH_HARDIRQ
#define IRQCAP_WAKEUP_HOLDOFF_DEFAULT_US	0U
#define IRQCAP_HIST_BUCKETS		32

/**
 * enum irqcap_bh_mode - how events staged by the hard IRQ handler are
 * committed to readers
 *
 * Whatever the mode, and whatever the kernel (PREEMPT_RT and threadirqs
 * included: the IRQ is IRQF_NO_THREAD), every interrupt is timestamped,
 * numbered and staged in hard IRQ context.  The mode only says where the
 * commit and the wake-up happen.
 *
 * @IRQCAP_BH_HARDIRQ: in the hard IRQ handler itself (the baseline).  On
 *	PREEMPT_RT, where wake_up() and kill_fasync() take sleeping locks,
 *	the handler still commits, and the wake-up goes to an irq_work, which
 *	PREEMPT_RT runs in its irq_work thread.
 * @IRQCAP_BH_THREADED: in the IRQ thread
 * @IRQCAP_BH_TASKLET: in softirq context: a tasklet, or a BH workqueue on
 *	kernels that have them (6.9+)
 * @IRQCAP_BH_WORKQUEUE: in process context on system_highpri_wq
 */
enum irqcap_bh_mode {
	IRQCAP_BH_HARDIRQ,
	IRQCAP_BH_THREADED,
	IRQCAP_BH_TASKLET,
	IRQCAP_BH_WORKQUEUE,
	IRQCAP_BH_NR,
};

extern const char * const irqcap_bh_names[IRQCAP_BH_NR];

/**
 * enum irqcap_edge_mode - how the hard IRQ handler knows an IRQ record's
 * edge; decided at probe from the trigger in force (irq_get_trigger_type())
 * and the source, so that the handler takes one branch
 * @IRQCAP_EDGE_MODE_UNKNOWN: both edges (or no edge type) on an
 *	"interrupts" source or on a GPIO whose chip sleeps: IRQCAP_EDGE_UNKNOWN
 * @IRQCAP_EDGE_MODE_RISING: rising only: every record IRQCAP_EDGE_RISING
 * @IRQCAP_EDGE_MODE_FALLING: falling only: every record IRQCAP_EDGE_FALLING
 * @IRQCAP_EDGE_MODE_LEVEL: both edges on a GPIO whose chip does not sleep
 *	(!gpiod_cansleep()), not on PREEMPT_RT: the handler reads the line's
 *	raw (electrical) level, high for a rising edge, low for a falling one
 *
 * The first three are the enum irqcap_edge values they give.
 */
enum irqcap_edge_mode {
	IRQCAP_EDGE_MODE_UNKNOWN	= IRQCAP_EDGE_UNKNOWN,
	IRQCAP_EDGE_MODE_RISING		= IRQCAP_EDGE_RISING,
	IRQCAP_EDGE_MODE_FALLING	= IRQCAP_EDGE_FALLING,
	IRQCAP_EDGE_MODE_LEVEL,
};

/**
 * struct irqcap_hist - log2 latency histogram, updated locklessly
 * @bucket: bucket i counts latencies in [2^(i-1), 2^i) ns; bucket 0 is 0 ns
 * @max_ns: largest latency seen
 */
struct irqcap_hist {
	atomic_long_t bucket[IRQCAP_HIST_BUCKETS];
	atomic64_t max_ns;
};

/**
 * struct irqcap_dev - one capture device
 *
 * Lifetime: allocated in probe and reference counted; every open file holds
 * a reference, so the structure outlives unbind.  Everything the hardware or
 * the ring storage needs is torn down at unbind (devm actions); files left
 * open then see @dead and get -ENODEV.
 *
 * Locks:
 * The producer side of @ring (staging, committing) and the counters marked
 * "producer" below have one owner at a time, the *producer role*:
 * - the hard IRQ handler, lock-free, while @prod_rare is 0: one IRQ line's
 *   handler never runs concurrently with itself (the IRQ core's
 *   IRQD_IRQ_INPROGRESS, set and cleared under the descriptor's lock);
 * - otherwise the holder of @prod_lock (raw: the handler takes it when it
 *   finds @prod_rare set, so it must not sleep on PREEMPT_RT).  The rare
 *   producers (idle timer, write() markers, snapshots of the counters, and
 *   any new record type staged outside the handler) take the role with
 *   irqcap_prod_lock(): count themselves in @prod_rare, wait out a handler
 *   in progress (synchronize_hardirq()), then take @prod_lock.  From then on
 *   every handler takes @prod_lock too, until the count drops back to 0.
 * Every record's timestamp is taken by the role's owner, so timestamps
 * never decrease in ring order.  Readers take no lock against the producer:
 * irqcap_ring_copy() reads the ring's head with acquire semantics and
 * checks its reserve again after copying.  A reader counts itself in
 * @sleepers (or @pollers) and then waits out a handler in progress, before
 * it checks the ring and sleeps: a handler either ran before and published
 * what the reader then finds, or runs after and sees the count (see
 * irqcap_waiters_add()).
 * @lifetime is held for reading by readers while they touch the ring's
 * storage, and for writing before it is freed.
 * @cfg_lock serialises configuration changes from sysfs.
 */
struct irqcap_dev {
	/* set up at probe, or configuration: read-mostly */
	struct kref ref;
	struct device *dev;
	int id;
	char name[16];
	struct miscdevice misc;
	int irq;
	unsigned long irq_flags;
	unsigned int fw_trigger;	/* IRQ_TYPE_* restored at unbind, see main.c */
	struct gpio_desc *gpio;		/* the source, if a GPIO; else NULL */
	u8 edge_mode;			/* enum irqcap_edge_mode */
	struct fasync_struct *fasync;
	bool dead;
	struct dentry *debugfs;
	struct irqcap_source source;	/* set at probe, irqcap_source.c */

	/* configuration; written under @cfg_lock, read with READ_ONCE() */
	struct mutex cfg_lock;
	enum irqcap_bh_mode bh_mode;
	u32 debounce_us;
	u32 idle_timeout_ms;
	u32 wakeup_holdoff_us;
	u32 storm_limit;		/* interrupts/s, 0: off (irqcap_pm.c) */
	u32 storm_hold_ms;
	struct irqcap_storm_cfg storm;	/* from @storm_limit; read by the handler */

	/* bottom halves */
	struct irqcap_softirq_bh softirq_bh;
	struct work_struct commit_work;
	struct hrtimer holdoff_timer;	/* the wake-up held off, see capture.c */
	struct irq_work wake_work;	/* hardirq mode's wake-up on PREEMPT_RT */
	struct hrtimer unthrottle_timer;	/* the end of a storm hold ... */
	struct work_struct unthrottle_work; /* ... re-enables the line */

	/* timers */
	struct timer_list idle_timer;
	struct timer_list rate_timer;
	u64 rate_last_count;		/* rate timer only */
	unsigned long rate_last_jiffies;/* rate timer only */
	atomic64_t rate;		/* events/s, last 1 s window */
	atomic64_t rate_avg;		/* events/s, smoothed */

	/*
	 * Producer side: written for every interrupt, on cache lines of its
	 * own.  The ring is embedded here, its hot fields (storage, size,
	 * reserve, head) next to the lock: the handler reads and writes them
	 * on the line it takes for the lock anyway, and readers, who read
	 * them all, find them on one line.  Nothing readers write shares
	 * these lines (a reader's read() would otherwise take the line from
	 * the interrupt's CPU every time).
	 */
	raw_spinlock_t prod_lock ____cacheline_aligned_in_smp;
	atomic_t prod_rare;		/* rare producers taking or holding the role */
	struct irqcap_ring ring;	/* producer role for the producer side */
	u64 seqno;			/* producer */
	u64 last_irq_ns;		/* producer: last accepted IRQ */
	u64 idle_seqno;			/* producer: @seqno at the last timeout record */
	u64 debounced;			/* producer */
	u64 timeouts;			/* producer */
	u64 overruns;			/* producer: uncommitted slots reused */
	u64 commits;			/* producer: commits that published records */
	atomic64_t last_commit_ns;	/* written by the producer, read by readers */
	atomic_t sleepers;		/* readers in read()'s wait */
	atomic_t pollers;		/* files that poll()ed */
	atomic_t waiters;		/* sleepers + pollers + SIGIO files: 0, nobody to wake */
	u64 last_wake_ns;		/* handler: the last wake-up, for the hold-off */
	struct irqcap_hist hist_commit;	/* IRQ -> bottom half commit */
	/* storm throttling and suspend (irqcap_pm.c) */
	struct irqcap_storm_win storm_win; /* producer */
	bool throttling;		/* producer: the line is disabled by the limit */
	bool storm_stopped;		/* producer: unbinding, throttle no more */
	u64 throttled_at;		/* producer: when it was disabled */
	u64 throttled;			/* producer: times it was disabled */
	u64 suspends;			/* producer */
	u64 suspend_boot_off;		/* producer: BOOTTIME - MONOTONIC at suspend */

	/* sleeping readers: written when one sleeps, read for every interrupt */
	wait_queue_head_t wait ____cacheline_aligned_in_smp;

	/* readers: written for every read() */
	struct rw_semaphore lifetime ____cacheline_aligned_in_smp;
	atomic_t readers;
	atomic64_t dropped;		/* records lost by readers, summed */
	struct irqcap_hist hist_read;	/* IRQ -> read() returns */
	struct irqcap_hist hist_wake;	/* commit -> read() returns */
};

/**
 * irqcap_stage_prod() - write one record into the next slot
 * @idev: device; the caller has the producer role (the handler)
 * @type: enum irqcap_event_type
 * @ts: timestamp in ns
 * @data: type-specific value
 * @edge: enum irqcap_edge (IRQCAP_EDGE_UNKNOWN but for IRQ records)
 *
 * The record carries the current @seqno; see irqcap_ring_stage().  Inline:
 * it is the hard IRQ handler's hot path.
 */
static inline void irqcap_stage_prod(struct irqcap_dev *idev, u32 type,
				     u64 ts, u64 data, u8 edge)
{
	if (unlikely(irqcap_ring_overrun(&idev->ring)))
		idev->overruns++;
	irqcap_ring_stage(&idev->ring, type, ts, idev->seqno, data, edge);
}

/* The same for a rare producer (irqcap_prod_lock()). */
static inline void irqcap_stage_locked(struct irqcap_dev *idev, u32 type,
				       u64 ts, u64 data)
{
	lockdep_assert_held(&idev->prod_lock);
	irqcap_stage_prod(idev, type, ts, data, IRQCAP_EDGE_UNKNOWN);
}

/**
 * irqcap_edge_mode_of() - the edge mode for a trigger and a source
 * @trigger: the trigger in force, irq_get_trigger_type() & IRQ_TYPE_EDGE_BOTH
 * @gpio_atomic: the source is a GPIO whose chip does not sleep
 *	(!gpiod_cansleep())
 * @preempt_rt: the kernel is PREEMPT_RT
 *
 * Both edges are told apart only by reading the line's level in the hard
 * IRQ handler (IRQF_NO_THREAD: hard IRQ context on every kernel).  On
 * PREEMPT_RT a spinlock_t is a sleeping lock, and !gpiod_cansleep() does
 * not promise that the chip's get() takes none, so there the records of a
 * both-edge trigger say UNKNOWN rather than risk sleeping in hard IRQ
 * context.  Pure, for KUnit.
 *
 * Return: enum irqcap_edge_mode.
 */
static inline u8 irqcap_edge_mode_of(unsigned int trigger, bool gpio_atomic,
				     bool preempt_rt)
{
	switch (trigger & IRQ_TYPE_EDGE_BOTH) {
	case IRQ_TYPE_EDGE_RISING:
		return IRQCAP_EDGE_MODE_RISING;
	case IRQ_TYPE_EDGE_FALLING:
		return IRQCAP_EDGE_MODE_FALLING;
	case IRQ_TYPE_EDGE_BOTH:
		return gpio_atomic && !preempt_rt ? IRQCAP_EDGE_MODE_LEVEL :
		       IRQCAP_EDGE_MODE_UNKNOWN;
	default:
		return IRQCAP_EDGE_MODE_UNKNOWN;
	}
}

/* IRQCAP_INFO_EDGE if IRQ records carry a known edge (struct irqcap_info) */
static inline u32 irqcap_edge_info_flags(const struct irqcap_dev *idev)
{
	return READ_ONCE(idev->edge_mode) != IRQCAP_EDGE_MODE_UNKNOWN ?
	       IRQCAP_INFO_EDGE : 0;
}

/* irqcap_capture.c */
void irqcap_edge_setup(struct irqcap_dev *idev);
void irqcap_prod_enter(struct irqcap_dev *idev);
void irqcap_prod_exit(struct irqcap_dev *idev);
void irqcap_prod_lock(struct irqcap_dev *idev, unsigned long *flags)
	__acquires(&idev->prod_lock);
void irqcap_prod_unlock(struct irqcap_dev *idev, unsigned long flags)
	__releases(&idev->prod_lock);
void irqcap_waiters_add(struct irqcap_dev *idev, atomic_t *count, int n);
int irqcap_fasync_set(struct irqcap_dev *idev, int fd, struct file *file, int on);
irqreturn_t irqcap_hardirq(int irq, void *data);
irqreturn_t irqcap_thread(int irq, void *data);
void irqcap_commit(struct irqcap_dev *idev);
void irqcap_wake_readers(struct irqcap_dev *idev);
void irqcap_bh_init(struct irqcap_dev *idev);
void irqcap_bh_kill(struct irqcap_dev *idev);
int irqcap_set_bh_mode(struct irqcap_dev *idev, enum irqcap_bh_mode mode);
void irqcap_hist_add(struct irqcap_hist *hist, u64 ns);
void irqcap_hist_add_locked(struct irqcap_hist *hist, u64 ns);

/**
 * struct irqcap_counters - the producer's counters as sysfs and the STATS
 * ioctl show them; a snapshot taken with the producer role (irqcap_prod_lock())
 * @irqs_seen: interrupts the handler ran for, debounced ones included
 * @events_committed: interrupt records published to readers
 * @debounced: interrupts dropped by debounce
 * @timeouts: idle-timeout records
 * @overruns: uncommitted slots reused
 * @commits: commits that published records
 * @throttled: times the storm limit disabled the line
 * @suspends: system suspends capture stopped for
 */
struct irqcap_counters {
	u64 irqs_seen;
	u64 events_committed;
	u64 debounced;
	u64 timeouts;
	u64 overruns;
	u64 commits;
	u64 throttled;
	u64 suspends;
};

/*
 * Derived, not counted on the interrupt path.  Every interrupt is either
 * accepted (numbered by @seqno) or debounced.  Every record staged but not
 * yet committed is an interrupt's: the idle timer and write() commit their
 * own record in the critical section that stages it.
 */
static inline u64 irqcap_events_committed_locked(const struct irqcap_dev *idev)
{
	return idev->seqno - irqcap_ring_staged(&idev->ring);
}

static inline void irqcap_counters_read_locked(const struct irqcap_dev *idev,
					       struct irqcap_counters *c)
{
	c->irqs_seen = idev->seqno + idev->debounced;
	c->events_committed = irqcap_events_committed_locked(idev);
	c->debounced = idev->debounced;
	c->timeouts = idev->timeouts;
	c->overruns = idev->overruns;
	c->commits = idev->commits;
	c->throttled = idev->throttled;
	c->suspends = idev->suspends;
}

/* The bookkeeping of a commit that publishes up to @reserve. */
static inline void irqcap_publish_locked(struct irqcap_dev *idev,
					 unsigned long reserve, u64 now)
{
	idev->commits++;
	atomic64_set(&idev->last_commit_ns, now); /* whole on 32-bit too */
	irqcap_ring_commit(&idev->ring, reserve); /* all of the above before head */
}

/**
 * irqcap_commit_locked() - publish every staged record to readers
 * @idev: device; the caller has the producer role
 * @now: current time in ns, for the latency histogram
 *
 * Copies nothing: the records are in their slots already.  A bottom half's
 * commit: it samples the age of the oldest record it publishes.
 *
 * Return: the number of records published.
 */
static inline unsigned long irqcap_commit_locked(struct irqcap_dev *idev, u64 now)
{
	unsigned long n = irqcap_ring_staged(&idev->ring);
	u64 age;

	if (!n)
		return 0;
	/*
	 * One sample per commit: the age of the oldest record it publishes.
	 * Age 0 (published by the handler that took the event) is the common
	 * case; bucket 0 is derived from @commits instead (irqcap_sysfs.c).
	 */
	age = now - irqcap_ring_oldest_staged(&idev->ring)->timestamp_ns;
	if (age)
		irqcap_hist_add_locked(&idev->hist_commit, age);
	irqcap_publish_locked(idev, idev->ring.hdr->reserve, now);
	return n;
}

/**
 * irqcap_commit_new_prod() - publish the record just staged, and any
 * staged before it
 * @idev: device; the caller has the producer role
 * @now: the timestamp of the record just staged
 *
 * The commit of the hard IRQ handler for its own event (and of the idle
 * timer and write() for theirs).  When that record is the only one staged,
 * its age is 0 by construction: nothing to sample, and nothing to look up.
 * Inline: the handler publishes every event itself when nobody waits.
 *
 * Return: true if records staged before it were published too.
 */
static inline bool irqcap_commit_new_prod(struct irqcap_dev *idev, u64 now)
{
	unsigned long reserve = idev->ring.hdr->reserve;

	if (unlikely(reserve - idev->ring.hdr->head != 1)) {
		irqcap_commit_locked(idev, now);
		return true;
	}
	irqcap_publish_locked(idev, reserve, now);
	return false;
}

/* The same for a rare producer (irqcap_prod_lock()). */
static inline bool irqcap_commit_new_locked(struct irqcap_dev *idev, u64 now)
{
	lockdep_assert_held(&idev->prod_lock);
	return irqcap_commit_new_prod(idev, now);
}

/**
 * enum irqcap_wake - what the hard IRQ handler has left to do once its
 * record is published
 * @IRQCAP_WAKE_NONE: nobody to wake, or a hold-off timer will
 * @IRQCAP_WAKE_HELD: arm the hold-off timer for its end
 * @IRQCAP_WAKE_NOW: hand the wake-up to the bottom half
 * @IRQCAP_WAKE_DEBOUNCED: no record
 */
enum irqcap_wake {
	IRQCAP_WAKE_NONE,
	IRQCAP_WAKE_HELD,
	IRQCAP_WAKE_NOW,
	IRQCAP_WAKE_DEBOUNCED,
};

/**
 * irqcap_holdoff_decide() - adaptive batching of wake-ups
 * @now: the event's timestamp
 * @prev: the previous accepted event's timestamp (0: none)
 * @last_wake: the last wake-up, or the one a hold-off timer is armed for
 *	(then later than @now); updated
 * @holdoff_ns: the hold-off, not 0
 *
 * Wake at once when the line was quiet (no event for the hold-off before
 * this one) or the last wake-up is a hold-off old; coalesce while a burst
 * runs: an event inside the hold-off after a wake-up waits for one timer at
 * the hold-off's end, armed by the first such event (@last_wake then
 * becomes that end, so the next ones know it is armed).  Pure, for KUnit.
 *
 * Return: IRQCAP_WAKE_NOW, IRQCAP_WAKE_NONE (the timer is armed), or
 * IRQCAP_WAKE_HELD (arm it for the new @last_wake).
 */
static inline enum irqcap_wake irqcap_holdoff_decide(u64 now, u64 prev,
						     u64 *last_wake,
						     u64 holdoff_ns)
{
	s64 since = now - *last_wake;

	if (since >= (s64)holdoff_ns || now - prev >= holdoff_ns) {
		*last_wake = now;	/* a hold-off starts */
		return IRQCAP_WAKE_NOW;
	}
	if (since < 0)
		return IRQCAP_WAKE_NONE;
	*last_wake += holdoff_ns;
	return IRQCAP_WAKE_HELD;
}

/**
 * irqcap_stage_publish_prod() - stage an interrupt's record and publish it
 * @idev: device; the caller has the producer role (the handler)
 * @ts: the record's timestamp
 * @edge: enum irqcap_edge of the interrupt
 *
 * irqcap_stage_prod() and irqcap_commit_new_prod() in one, for the hard IRQ
 * handler's record: when nothing is staged before it (every producer
 * publishes what it stages, so nearly always), the record cannot overrun
 * an uncommitted one and is the only one the commit publishes; the
 * positions are read once.  Otherwise the two, one after the other.
 */
static __always_inline void irqcap_stage_publish_prod(struct irqcap_dev *idev,
						      u64 ts, u8 edge)
{
	struct irqcap_ring *ring = &idev->ring;
	unsigned long pos = ring->hdr->reserve;

	if (unlikely(pos != ring->hdr->head)) {
		irqcap_stage_prod(idev, IRQCAP_EVENT_IRQ, ts, 0, edge);
		irqcap_commit_new_prod(idev, ts);
		return;
	}
	/* the edge in the same store as the type: the slot is computed once */
	irqcap_ring_stage(ring, IRQCAP_EVENT_IRQ, ts, idev->seqno, 0, edge);
	idev->commits++;
	atomic64_set(&idev->last_commit_ns, ts);
	irqcap_ring_commit(ring, pos + 1); /* all of the above before head */
}

/* irqcap_timers.c */
void irqcap_timers_init(struct irqcap_dev *idev);
void irqcap_timers_start(struct irqcap_dev *idev);
void irqcap_timers_stop(struct irqcap_dev *idev);
void irqcap_idle_arm_timer(struct irqcap_dev *idev, u32 timeout_ms,
			   u64 last_irq_ns);

/**
 * irqcap_idle_arm() - make sure the idle timer will look at the current
 * idle period
 * @idev: device
 * @last_irq_ns: @idev->last_irq_ns, read by the producer role's owner
 *	(a 32-bit CPU cannot read it whole outside the role)
 *
 * Any context.  Inline because the hard IRQ handler calls it for every
 * event, and it nearly always has nothing to do: the timeout is off, or
 * the timer is already pending.
 */
static inline void irqcap_idle_arm(struct irqcap_dev *idev, u64 last_irq_ns)
{
	u32 timeout_ms = READ_ONCE(idev->idle_timeout_ms);

	if (timeout_ms && !timer_pending(&idev->idle_timer))
		irqcap_idle_arm_timer(idev, timeout_ms, last_irq_ns);
}

/* irqcap_pm.c */
extern const struct dev_pm_ops irqcap_pm_ops;
int irqcap_pm_setup(struct irqcap_dev *idev);
void irqcap_pm_init(struct irqcap_dev *idev);
void irqcap_storm_set_limit(struct irqcap_dev *idev);
void irqcap_storm_count_prod(struct irqcap_dev *idev, u64 now);

/**
 * irqcap_storm_check_prod() - the storm limit's check in the hard handler
 * @idev: device; the handler, with the producer role (lock-free or under
 *	prod_lock: irqcap_hardirq())
 * @now: the interrupt's timestamp
 *
 * With the limit off (the default) one compare; see irqcap_pm.c.
 */
static __always_inline void irqcap_storm_check_prod(struct irqcap_dev *idev, u64 now)
{
	if (unlikely(READ_ONCE(idev->storm.budget)))
		irqcap_storm_count_prod(idev, now);
}

/* irqcap_cdev.c */
extern const struct file_operations irqcap_fops;
int irqcap_cdev_init(void);
void irqcap_cdev_exit(void);
void irqcap_get(struct irqcap_dev *idev);
void irqcap_put(struct irqcap_dev *idev);

/* irqcap_source.c */
struct gpio_desc;
int irqcap_source_parse_label(struct irqcap_dev *idev);
void irqcap_source_set_gpio(struct irqcap_dev *idev, struct gpio_desc *gpio);
int irqcap_source_init(struct irqcap_dev *idev);
void irqcap_info_fill(struct irqcap_dev *idev, struct irqcap_info *info);
extern const struct attribute_group irqcap_source_group;

/* irqcap_sysfs.c */
extern const struct attribute_group *irqcap_groups[];
void irqcap_debugfs_init(void);
void irqcap_debugfs_exit(void);
void irqcap_debugfs_add(struct irqcap_dev *idev);
void irqcap_debugfs_remove(struct irqcap_dev *idev);

#endif /* _IRQCAP_H */
