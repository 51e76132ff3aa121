// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap: where capture stops on purpose.  System sleep (SUSPEND and
 * RESUME records, the line as a wake-up source) and storm throttling
 * (THROTTLED records).
 *
 * System sleep.  The callbacks are the noirq ones: the PM core runs
 * suspend_noirq after suspend_device_irqs() and resume_noirq before
 * resume_device_irqs() (dpm_suspend_noirq(), dpm_resume_noirq()), so the
 * handler cannot run between the SUSPEND and the RESUME record: without
 * wakeup-source the core has disabled the line (kernel/irq/pm.c,
 * suspend_device_irq(): an edge that comes meanwhile is left pending and
 * replayed when the line is enabled at resume); with wakeup-source and
 * power/wakeup "enabled", dev_pm_set_wake_irq() has the core call
 * enable_irq_wake() before it suspends the IRQs (device_wakeup_arm_wake_irqs()),
 * the line stays armed, and an edge wakes the system: irq_pm_check_wakeup()
 * takes it instead of the handler, marks it pending and disables the line,
 * which resume_device_irqs() enables again, replaying the edge.  So the
 * order is SUSPEND, RESUME, then the waking edge's IRQ record, stamped when
 * it is replayed (the core did not run the handler at the edge).
 * IRQF_NO_SUSPEND does not fit: it keeps the handler running through
 * suspend (records while "stopped") and does not make the line wake
 * anything.
 *
 * Storms.  With a limit set (sysfs storm_limit), the hard handler counts
 * interrupts in fixed windows (irqcap_storm.c) with the timestamp it took
 * anyway, debounced ones included (they cost the handler as much); the
 * interrupt that goes over the budget is recorded (or debounced) like every
 * other, and the handler disables the line (disable_irq_nosync()) and
 * starts a soft hrtimer for storm_hold_ms; it queues a work that stages the
 * THROTTLED record (data: the time disabled) and enables the line again.
 * An hrtimer, not a delayed work: jiffies lag CLOCK_MONOTONIC when the
 * tick is held up (a storm on the CPU that keeps it, or a vCPU the host
 * stops) and catch up in one step, so a jiffies timer can expire early;
 * seen in the x86 guest, a 100 ms hold lasting 11.4 ms.  Edges that
 * come while it is disabled are not taken (the flow handler marks the
 * interrupt pending, the controller merges them): the one it replays on
 * enable_irq() is the next IRQ record, after THROTTLED.  The work runs in
 * process context, so enable_irq() is fine for chips behind a slow bus too.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/pm.h>
#include <linux/pm_wakeirq.h>
#include <linux/property.h>
#include <linux/timekeeping.h>

#include "irqcap.h"

static unsigned int irqcap_storm_limit_default;
module_param_named(storm_limit, irqcap_storm_limit_default, uint, 0444);
MODULE_PARM_DESC(storm_limit,
		 "default storm_limit of new devices, interrupts per second (0: off, the default)");

static unsigned int irqcap_storm_hold_default = 100;
module_param_named(storm_hold_ms, irqcap_storm_hold_default, uint, 0444);
MODULE_PARM_DESC(storm_hold_ms,
		 "default storm_hold_ms of new devices: how long a throttled line stays disabled (100)");

/* Apply @idev->storm_limit; cfg_lock held (or probe). */
void irqcap_storm_set_limit(struct irqcap_dev *idev)
{
	struct irqcap_storm_cfg cfg;

	irqcap_storm_config(READ_ONCE(idev->storm_limit), &cfg);
	/* the window first: a handler that sees the new budget sees it too, or an old one once */
	WRITE_ONCE(idev->storm.window_ns, cfg.window_ns);
	smp_wmb(); /* pairs with the handler's read of budget, then window */
	WRITE_ONCE(idev->storm.budget, cfg.budget);
}

/**
 * irqcap_storm_count_locked() - count an interrupt against the storm limit
 * @idev: device; prod_lock held, in the hard handler, before the
 *	interrupt is debounced or staged
 * @now: its timestamp
 *
 * Over the limit: disable the line and schedule its re-enabling.
 */
void irqcap_storm_count_locked(struct irqcap_dev *idev, u64 now)
{
	struct irqcap_storm_cfg cfg;

	lockdep_assert_held(&idev->prod_lock);
	cfg.budget = READ_ONCE(idev->storm.budget);
	smp_rmb(); /* pairs with irqcap_storm_set_limit() */
	cfg.window_ns = READ_ONCE(idev->storm.window_ns);
	if (!cfg.budget || idev->throttling || idev->storm_stopped)
		return;
	if (!irqcap_storm_tick(&idev->storm_win, &cfg, now))
		return;
	idev->throttling = true;
	idev->throttled_at = now;
	idev->throttled++;
	disable_irq_nosync(idev->irq);
	hrtimer_start(&idev->unthrottle_timer,
		      ns_to_ktime(now + (u64)READ_ONCE(idev->storm_hold_ms) * NSEC_PER_MSEC),
		      HRTIMER_MODE_ABS_SOFT);
}

/*
 * End a hold now if there is one: the THROTTLED record, then the line
 * enabled again.  Process context; the timer and the work are not pending
 * (this is the work, or both were cancelled).
 */
static void irqcap_unthrottle(struct irqcap_dev *idev)
{
	unsigned long flags;
	bool was;
	u64 now;

	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	was = idev->throttling;
	if (was) {
		now = ktime_get_ns();
		irqcap_stage_locked(idev, IRQCAP_EVENT_THROTTLED, now,
				    now - idev->throttled_at);
		irqcap_commit_new_locked(idev, now);
		idev->throttling = false;
		idev->storm_win.start = 0; /* a fresh window after the hold */
	}
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	if (!was)
		return;
	irqcap_wake_readers(idev);
	/* after the record: an edge the controller kept comes after it */
	enable_irq(idev->irq);
}

static void irqcap_unthrottle_fn(struct work_struct *work)
{
	irqcap_unthrottle(container_of(work, struct irqcap_dev, unthrottle_work));
}

/* The hold is over (softirq context): the work enables the line. */
static enum hrtimer_restart irqcap_unthrottle_timer_fn(struct hrtimer *timer)
{
	struct irqcap_dev *idev = container_of(timer, struct irqcap_dev,
					       unthrottle_timer);

	queue_work(system_highpri_wq, &idev->unthrottle_work);
	return HRTIMER_NORESTART;
}

/* Stop a hold's timer and work; the hold, if any, is still on. */
static void irqcap_unthrottle_cancel(struct irqcap_dev *idev)
{
	hrtimer_cancel(&idev->unthrottle_timer);
	cancel_work_sync(&idev->unthrottle_work);
}

/*
 * Unbind: runs before the IRQ is freed (registered after it was requested),
 * so that the line is never enabled after free_irq(), and never left
 * disabled by a hold for the next user.
 */
static void irqcap_storm_stop(void *data)
{
	struct irqcap_dev *idev = data;

	raw_spin_lock_irq(&idev->prod_lock);
	idev->storm_stopped = true;
	raw_spin_unlock_irq(&idev->prod_lock);
	irqcap_unthrottle_cancel(idev);
	irqcap_unthrottle(idev);
}

static void irqcap_wakeup_release(void *data)
{
	struct device *dev = data;

	dev_pm_clear_wake_irq(dev);
	device_init_wakeup(dev, false);
}

void irqcap_pm_init(struct irqcap_dev *idev)
{
	INIT_WORK(&idev->unthrottle_work, irqcap_unthrottle_fn);
	hrtimer_setup(&idev->unthrottle_timer, irqcap_unthrottle_timer_fn,
		      CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	idev->storm_limit = min(irqcap_storm_limit_default, IRQCAP_STORM_LIMIT_MAX);
	idev->storm_hold_ms = min(irqcap_storm_hold_default, IRQCAP_STORM_HOLD_MAX_MS);
	irqcap_storm_set_limit(idev);
}

/**
 * irqcap_pm_setup() - the storm limit's teardown and the wake-up source
 * @idev: device, its IRQ requested
 *
 * "wakeup-source" (Device Tree, or ACPI _DSD through PRP0001: the same
 * device_property_read_bool()) makes the device wake-capable with wake-up
 * enabled (sysfs power/wakeup) and its IRQ the device's wake IRQ.
 *
 * Return: 0 or a negative errno.
 */
int irqcap_pm_setup(struct irqcap_dev *idev)
{
	struct device *dev = idev->dev;
	int ret;

	ret = devm_add_action_or_reset(dev, irqcap_storm_stop, idev);
	if (ret)
		return ret;
	if (!device_property_read_bool(dev, "wakeup-source"))
		return 0;
	ret = device_init_wakeup(dev, true);
	if (ret)
		return dev_err_probe(dev, ret, "wakeup-source: wake-up not set up\n");
	ret = dev_pm_set_wake_irq(dev, idev->irq);
	if (ret) {
		device_init_wakeup(dev, false);
		return dev_err_probe(dev, ret, "wakeup-source: irq %d not a wake IRQ\n",
				     idev->irq);
	}
	return devm_add_action_or_reset(dev, irqcap_wakeup_release, dev);
}

/*
 * CLOCK_BOOTTIME - CLOCK_MONOTONIC, exactly: the offset timekeeping adds,
 * read once (two clock reads would differ by the time between them).
 */
static u64 irqcap_boot_offset(u64 mono)
{
	return ktime_to_ns(ktime_mono_to_any(ns_to_ktime(mono), TK_OFFS_BOOT)) - mono;
}

/*
 * Capture stops: the IRQ is suspended (or armed for wake-up) already, and a
 * hold ends here, so the line is left as the core wants it.
 */
static int irqcap_suspend_noirq(struct device *dev)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);
	unsigned long flags;
	u64 now;

	irqcap_unthrottle_cancel(idev);
	irqcap_unthrottle(idev);
	timer_delete_sync(&idev->idle_timer);
	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	now = ktime_get_ns();
	idev->suspend_boot_off = irqcap_boot_offset(now);
	idev->suspends++;
	irqcap_stage_locked(idev, IRQCAP_EVENT_SUSPEND, now, 0);
	irqcap_commit_new_locked(idev, now);
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	irqcap_wake_readers(idev);
	return 0;
}

/*
 * Before resume_device_irqs(): the RESUME record comes before any edge the
 * core replays.  The time suspended: what CLOCK_BOOTTIME advanced and
 * CLOCK_MONOTONIC did not, i.e. how much the offset between them grew
 * (exactly 0 where timekeeping was not suspended: s2idle without a cpuidle
 * s2idle state).
 */
static int irqcap_resume_noirq(struct device *dev)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);
	unsigned long flags;
	u64 now, off, slept, last_irq_ns;

	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	now = ktime_get_ns();
	off = irqcap_boot_offset(now);
	/* the offset only grows; a first resume without a suspend reads 0 */
	slept = off > idev->suspend_boot_off ? off - idev->suspend_boot_off : 0;
	irqcap_stage_locked(idev, IRQCAP_EVENT_RESUME, now, slept);
	irqcap_commit_new_locked(idev, now);
	last_irq_ns = idev->last_irq_ns;
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	irqcap_wake_readers(idev);
	irqcap_idle_arm(idev, last_irq_ns);
	return 0;
}

const struct dev_pm_ops irqcap_pm_ops = {
	NOIRQ_SYSTEM_SLEEP_PM_OPS(irqcap_suspend_noirq, irqcap_resume_noirq)
};
