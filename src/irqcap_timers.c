// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap timers: the idle timeout and the 1 s rate window.
 *
 * The idle timer is armed lazily: committing events arms it only when it is
 * not pending, and when it fires early (events came since) it re-arms itself
 * for the end of the latest event's timeout.  So the interrupt path never
 * pays for mod_timer() more than once per timeout period.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/minmax.h>

#include "irqcap.h"
#include "irqcap_time.h"

/* irqcap_idle_arm() (irqcap.h) found the timeout on and the timer idle. */
void irqcap_idle_arm_timer(struct irqcap_dev *idev, u32 timeout_ms,
			   u64 last_irq_ns)
{
	/* the clock read after the timestamp: the difference is never negative */
	u64 idle_ns = ktime_get_ns() - last_irq_ns;

	mod_timer(&idev->idle_timer,
		  jiffies + max(irqcap_idle_wait_jiffies(idle_ns, timeout_ms, HZ), 1UL));
}

/*
 * An idle period is open from an accepted interrupt until its timeout
 * record: @idle_seqno is the sequence number the last record closed, so the
 * interrupt path itself writes nothing for the timer but the timestamp.
 */
static void irqcap_idle_fn(struct timer_list *t)
{
	struct irqcap_dev *idev = timer_container_of(idev, t, idle_timer);
	u32 timeout_ms = READ_ONCE(idev->idle_timeout_ms);
	unsigned long flags, wait = 0;
	bool emitted = false;
	u64 now, idle_ns;

	if (!timeout_ms)
		return;
	irqcap_prod_lock(idev, &flags);
	if (idev->seqno != idev->idle_seqno) {
		now = ktime_get_ns();
		idle_ns = now - idev->last_irq_ns;
		wait = irqcap_idle_wait_jiffies(idle_ns, timeout_ms, HZ);
		if (!wait) {
			irqcap_stage_locked(idev, IRQCAP_EVENT_TIMEOUT, now, idle_ns);
			idev->timeouts++;
			idev->idle_seqno = idev->seqno;
			irqcap_commit_new_locked(idev, now);
			emitted = true;
		}
	}
	irqcap_prod_unlock(idev, flags);

	if (emitted)
		irqcap_wake_readers(idev);
	else if (wait)
		mod_timer(&idev->idle_timer, jiffies + wait);
}

static void irqcap_rate_fn(struct timer_list *t)
{
	struct irqcap_dev *idev = timer_container_of(idev, t, rate_timer);
	unsigned long now = jiffies, flags;
	u64 count, rate;

	irqcap_prod_lock(idev, &flags);
	count = irqcap_events_committed_locked(idev);
	irqcap_prod_unlock(idev, flags);

	rate = irqcap_rate_per_sec(count - idev->rate_last_count,
				   now - idev->rate_last_jiffies, HZ);
	/* atomic64: sysfs reads them whole on 32-bit kernels too */
	atomic64_set(&idev->rate, rate);
	atomic64_set(&idev->rate_avg,
		     irqcap_rate_smooth(atomic64_read(&idev->rate_avg), rate));
	idev->rate_last_count = count;
	idev->rate_last_jiffies = now;
	mod_timer(&idev->rate_timer, now + HZ);
}

void irqcap_timers_init(struct irqcap_dev *idev)
{
	timer_setup(&idev->idle_timer, irqcap_idle_fn, 0);
	timer_setup(&idev->rate_timer, irqcap_rate_fn, 0);
}

void irqcap_timers_start(struct irqcap_dev *idev)
{
	idev->rate_last_jiffies = jiffies;
	mod_timer(&idev->rate_timer, jiffies + HZ);
}

/* Both timers re-arm themselves; timer_shutdown_sync() stops that too. */
void irqcap_timers_stop(struct irqcap_dev *idev)
{
	timer_shutdown_sync(&idev->rate_timer);
	timer_shutdown_sync(&idev->idle_timer);
}
