// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap timers: the idle timeout and the 1 s rate window.
 *
 * The idle timer is armed lazily: committing events arms it only when it is
 * not pending, and when it fires early (events came since) it re-arms itself
 * for the deadline of the latest event.  So the interrupt path never pays
 * for mod_timer() more than once per timeout period.
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>

#include "irqcap.h"
#include "irqcap_time.h"

/* irqcap_idle_arm() (irqcap.h) found the timeout on and the timer idle. */
void irqcap_idle_arm_timer(struct irqcap_dev *idev, u32 timeout_ms)
{
	mod_timer(&idev->idle_timer,
		  irqcap_idle_deadline(READ_ONCE(idev->last_irq_jiffies),
				       irqcap_ms_to_jiffies_hz(timeout_ms, HZ)));
}

static void irqcap_idle_fn(struct timer_list *t)
{
	struct irqcap_dev *idev = timer_container_of(idev, t, idle_timer);
	u32 timeout_ms = READ_ONCE(idev->idle_timeout_ms);
	unsigned long timeout = irqcap_ms_to_jiffies_hz(timeout_ms, HZ);
	unsigned long flags, deadline = 0;
	bool emitted = false;
	u64 now;

	if (!timeout)
		return;
	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	if (idev->idle_open) {
		deadline = irqcap_idle_deadline(idev->last_irq_jiffies, timeout);
		now = ktime_get_ns();
		/*
		 * jiffies can lag the clock of the timestamps (a tick handled
		 * late on the CPU that counts them; seen under QEMU: a record
		 * 0.9 ms short), so the idle time itself is checked too: a
		 * record never reports less than the timeout.  If only that is
		 * short, the timer comes back at the next tick.
		 */
		if (irqcap_deadline_reached(jiffies, deadline) &&
		    now - idev->last_irq_ns >= (u64)timeout_ms * NSEC_PER_MSEC) {
			irqcap_stage_locked(idev, IRQCAP_EVENT_TIMEOUT, now,
					    now - idev->last_irq_ns);
			idev->timeouts++;
			idev->idle_open = false;
			irqcap_commit_locked(idev, now);
			emitted = true;
		}
	}
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);

	if (emitted)
		irqcap_wake_readers(idev);
	else if (deadline)
		mod_timer(&idev->idle_timer,
			  irqcap_deadline_reached(jiffies, deadline) ? jiffies + 1 : deadline);
}

static void irqcap_rate_fn(struct timer_list *t)
{
	struct irqcap_dev *idev = timer_container_of(idev, t, rate_timer);
	unsigned long now = jiffies, flags;
	u64 count, rate;

	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	count = idev->events_committed;
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);

	rate = irqcap_rate_per_sec(count - idev->rate_last_count,
				   now - idev->rate_last_jiffies, HZ);
	WRITE_ONCE(idev->rate, rate);
	WRITE_ONCE(idev->rate_avg, irqcap_rate_smooth(idev->rate_avg, rate));
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
