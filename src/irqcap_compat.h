/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every kernel API difference irqcap meets, from 6.1 on, and nothing else.
 * Macros are probed with #ifdef; functions and variables by src/Kbuild,
 * which greps the target kernel's own headers and defines IRQCAP_HAVE_*
 * (stable and distro trees backport APIs, so versions would mislead).
 */
#ifndef _IRQCAP_COMPAT_H
#define _IRQCAP_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/log2.h>
#include <linux/mm_types.h>
#include <linux/mmzone.h>
#include <linux/poll.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

/*
 * The largest buddy order.  MAX_ORDER was exclusive until 6.4, inclusive
 * after, and 6.8 renamed it MAX_PAGE_ORDER; MAX_ORDER_NR_PAGES kept its
 * meaning (pages in the largest block) throughout.
 */
#define IRQCAP_MAX_PAGE_ORDER	ilog2(MAX_ORDER_NR_PAGES)

/* 6.16: from_timer() became timer_container_of() */
#ifndef timer_container_of
#define timer_container_of(var, callback_timer, timer_fieldname) \
	from_timer(var, callback_timer, timer_fieldname)
#endif

/*
 * 6.2: del_timer_sync() became timer_delete_sync(), removed in 6.15, and
 * timer_shutdown_sync() appeared.  Both were backported to 6.1.y (Debian's
 * 6.1.192 has them), where mapping timer_shutdown_sync() to del_timer_sync()
 * would silently drop the "cannot be re-armed" guarantee, so src/Kbuild
 * probes the target's timer.h; kernels without them get del_timer_sync().
 */
#ifndef IRQCAP_HAVE_TIMER_SHUTDOWN
#define timer_delete_sync(t)	del_timer_sync(t)
#define timer_shutdown_sync(t)	del_timer_sync(t)
#endif

/*
 * 6.13: hrtimer_setup() sets the callback with the rest; hrtimer_init(),
 * which left it to the caller, was removed in 6.15.  Probed by src/Kbuild.
 */
#ifndef IRQCAP_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/*
 * 6.13 (and the stable kernels it was backported to, 6.1.y among them):
 * poll_wait() ends with a full barrier, so that a poll() that checks its
 * condition after queueing pairs with wq_has_sleeper() on the waking side.
 * irqcap issues its own on every kernel, whether poll_wait() has one or
 * not: telling them apart would take a probe of poll.h, and a wrong answer
 * would silently lose a wake-up, while a second barrier costs next to
 * nothing on a path that is not the hot one.
 */
static inline void irqcap_poll_wait(struct file *filp, wait_queue_head_t *queue,
				    poll_table *pt)
{
	poll_wait(filp, queue, pt);
	smp_mb(); /* pairs with wq_has_sleeper() */
}

/*
 * The "tasklet" bottom half.  6.9 added BH workqueues, which run in the
 * same softirq context and replace the deprecated tasklets; use them there.
 */
#ifdef IRQCAP_HAVE_BH_WQ
struct irqcap_softirq_bh {
	struct work_struct work;
};

static inline void irqcap_softirq_bh_init(struct irqcap_softirq_bh *bh,
					  work_func_t fn)
{
	INIT_WORK(&bh->work, fn);
}

static inline void irqcap_softirq_bh_schedule(struct irqcap_softirq_bh *bh)
{
	queue_work(system_bh_wq, &bh->work);
}

static inline void irqcap_softirq_bh_kill(struct irqcap_softirq_bh *bh)
{
	cancel_work_sync(&bh->work);
}

#define irqcap_softirq_bh_arg		struct work_struct *
#define irqcap_softirq_bh_from(var, arg, field) \
	container_of(arg, typeof(*(var)), field.work)
#else
struct irqcap_softirq_bh {
	struct tasklet_struct tasklet;
};

static inline void irqcap_softirq_bh_init(struct irqcap_softirq_bh *bh,
					  void (*fn)(struct tasklet_struct *))
{
	tasklet_setup(&bh->tasklet, fn);
}

static inline void irqcap_softirq_bh_schedule(struct irqcap_softirq_bh *bh)
{
	tasklet_schedule(&bh->tasklet);
}

static inline void irqcap_softirq_bh_kill(struct irqcap_softirq_bh *bh)
{
	tasklet_kill(&bh->tasklet);
}

#define irqcap_softirq_bh_arg		struct tasklet_struct *
#define irqcap_softirq_bh_from(var, arg, field) \
	container_of(arg, typeof(*(var)), field.tasklet)
#endif

/*
 * 6.3 made vma->vm_flags read-only outside mm/ (vm_flags_mod() and
 * friends); before, drivers set it directly.
 */
#ifdef IRQCAP_HAVE_VM_FLAGS_MOD
#define irqcap_vm_flags_mod(vma, set, clear)	vm_flags_mod(vma, set, clear)
#else
static inline void irqcap_vm_flags_mod(struct vm_area_struct *vma,
				       unsigned long set, unsigned long clear)
{
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
}
#endif

#endif /* _IRQCAP_COMPAT_H */
