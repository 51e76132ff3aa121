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
 *	(!gpiod_cansleep()): the handler reads the line's raw (electrical)
 *	level, high for a rising edge, low for a falling one
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
 * @prod_lock (raw: taken in the hard IRQ handler, so it must not sleep on
 * PREEMPT_RT) serialises the producer side of @ring: staging records,
 * committing them, and the counters marked "prod_lock" below.  Readers take
 * no lock against the producer: irqcap_ring_copy() reads the ring's head
 * with acquire semantics and checks its reserve again after copying.  A
 * reader takes it only to count itself in @sleepers before it sleeps, so
 * that the handler, which reads @sleepers under the lock after publishing,
 * needs no barrier to know whether anyone must be woken (see
 * irqcap_waiters_add()).  Every record's timestamp is taken under it, so
 * timestamps never decrease in ring order.
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
	struct irqcap_ring ring;	/* prod_lock for the producer side */
	u64 seqno;			/* prod_lock */
	u64 last_irq_ns;		/* prod_lock: last accepted IRQ */
	u64 idle_seqno;			/* prod_lock: @seqno at the last timeout record */
	u64 debounced;			/* prod_lock */
	u64 timeouts;			/* prod_lock */
	u64 overruns;			/* prod_lock: uncommitted slots reused */
	u64 commits;			/* prod_lock: commits that published records */
	atomic64_t last_commit_ns;	/* written under prod_lock, read by readers */
	unsigned int sleepers;		/* prod_lock: readers in read()'s wait */
	unsigned int pollers;		/* prod_lock: files that poll()ed */
	u64 last_wake_ns;		/* prod_lock: the last wake-up, for the hold-off */
	struct irqcap_hist hist_commit;	/* IRQ -> bottom half commit */
	/* storm throttling and suspend (irqcap_pm.c) */
	struct irqcap_storm_win storm_win; /* the handler only */
	bool throttling;		/* prod_lock: the line is disabled by the limit */
	bool storm_stopped;		/* prod_lock: unbinding, throttle no more */
	u64 throttled_at;		/* prod_lock: when it was disabled */
	u64 throttled;			/* prod_lock: times it was disabled */
	u64 suspends;			/* prod_lock */
	u64 suspend_boot_off;		/* prod_lock: BOOTTIME - MONOTONIC at suspend */

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
 * irqcap_stage_locked() - write one record into the next slot
 * @idev: device; prod_lock held
 * @type: enum irqcap_event_type
 * @ts: timestamp in ns
 * @data: type-specific value
 *
 * The record carries the current @seqno; see irqcap_ring_stage().  Inline:
 * it is the hard IRQ handler's hot path.
 */
static inline void irqcap_stage_locked(struct irqcap_dev *idev, u32 type,
				       u64 ts, u64 data)
{
	lockdep_assert_held(&idev->prod_lock);
	if (unlikely(irqcap_ring_overrun(&idev->ring)))
		idev->overruns++;
	irqcap_ring_stage(&idev->ring, type, ts, idev->seqno, data);
}

/* IRQCAP_INFO_EDGE if IRQ records carry a known edge (struct irqcap_info) */
static inline u32 irqcap_edge_info_flags(const struct irqcap_dev *idev)
{
	return READ_ONCE(idev->edge_mode) != IRQCAP_EDGE_MODE_UNKNOWN ?
	       IRQCAP_INFO_EDGE : 0;
}

/* irqcap_capture.c */
void irqcap_edge_setup(struct irqcap_dev *idev);
void irqcap_waiters_add(struct irqcap_dev *idev, unsigned int *count, int n);
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
 * ioctl show them; a snapshot taken under @prod_lock
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
 * @idev: device; prod_lock held
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

	lockdep_assert_held(&idev->prod_lock);
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
 * irqcap_commit_new_locked() - publish the record just staged, and any
 * staged before it
 * @idev: device; prod_lock held
 * @now: the timestamp of the record just staged
 *
 * The commit of the hard IRQ handler for its own event (and of the idle
 * timer and write() for theirs).  When that record is the only one staged,
 * its age is 0 by construction: nothing to sample, and nothing to look up.
 * Inline: the handler publishes every event itself when nobody waits.
 *
 * Return: true if records staged before it were published too.
 */
static inline bool irqcap_commit_new_locked(struct irqcap_dev *idev, u64 now)
{
	unsigned long reserve = idev->ring.hdr->reserve;

	lockdep_assert_held(&idev->prod_lock);
	if (unlikely(reserve - idev->ring.hdr->head != 1)) {
		irqcap_commit_locked(idev, now);
		return true;
	}
	irqcap_publish_locked(idev, reserve, now);
	return false;
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
 * @last_irq_ns: @idev->last_irq_ns, read under @prod_lock by the caller
 *	(a 32-bit CPU cannot read it whole without the lock)
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
void irqcap_storm_count_locked(struct irqcap_dev *idev, u64 now);

/**
 * irqcap_storm_check_locked() - the storm limit's check in the hard handler
 * @idev: device; prod_lock held
 * @now: the interrupt's timestamp
 *
 * With the limit off (the default) one compare; see irqcap_pm.c.
 */
static inline void irqcap_storm_check_locked(struct irqcap_dev *idev, u64 now)
{
	if (unlikely(READ_ONCE(idev->storm.budget)))
		irqcap_storm_count_locked(idev, now);
}

/* irqcap_cdev.c */
extern const struct file_operations irqcap_fops;
int irqcap_cdev_init(void);
void irqcap_cdev_exit(void);
void irqcap_get(struct irqcap_dev *idev);
void irqcap_put(struct irqcap_dev *idev);

/* irqcap_sysfs.c */
extern const struct attribute_group *irqcap_groups[];
void irqcap_debugfs_init(void);
void irqcap_debugfs_exit(void);
void irqcap_debugfs_add(struct irqcap_dev *idev);
void irqcap_debugfs_remove(struct irqcap_dev *idev);

#endif /* _IRQCAP_H */
