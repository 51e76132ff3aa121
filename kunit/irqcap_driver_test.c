// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the irqcap driver core, built in with the driver.
 *
 * Each test registers a platform device named "irqcap" with software-node
 * properties and an interrupt from an irq_sim domain, so the real driver
 * probes it.  Interrupts are raised with irq_set_irqchip_state(), which
 * runs the generic IRQ layer (handle_simple_irq()) from irq_work.  Readers
 * open the real misc device through a device node made on rootfs, and read
 * into user memory of an mm attached to the test thread.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/irq_sim.h>
#include <linux/irqdomain.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mman.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "irqcap.h"
#include "uapi/irqcap.h"

#define SIM_IRQS	8
#define SIM_HW_LEVEL	(SIM_IRQS - 1)	/* left level-triggered by a test */
#define WAIT_MS		3000

static struct fwnode_handle *sim_fwnode;
static struct irq_domain *sim_domain;
static unsigned int sim_virq[SIM_IRQS];

/* Why the simulated interrupts are missing, if they are: tests skip. */
static const char *sim_error;

static int irqcap_driver_suite_init(struct kunit_suite *suite)
{
	unsigned int i;

	sim_fwnode = irq_domain_alloc_named_fwnode("irqcap-kunit");
	if (!sim_fwnode) {
		sim_error = "irq_domain_alloc_named_fwnode() failed";
		return 0;
	}
	sim_domain = irq_domain_create_sim(sim_fwnode, SIM_IRQS);
	if (IS_ERR(sim_domain)) {
		sim_error = "irq_domain_create_sim() failed";
		sim_domain = NULL;
		return 0;
	}
	for (i = 0; i < SIM_IRQS; i++) {
		sim_virq[i] = irq_create_mapping(sim_domain, i);
		if (!sim_virq[i]) {
			pr_warn("irqcap_driver: no virq for hwirq %u (nr_irqs %u)\n",
				i, nr_irqs);
			sim_error = "irq_create_mapping() found no free IRQ descriptor";
			return 0;
		}
	}
	return 0;
}

static void irqcap_driver_suite_exit(struct kunit_suite *suite)
{
	unsigned int i;

	for (i = 0; i < SIM_IRQS; i++)
		if (sim_virq[i])
			irq_dispose_mapping(sim_virq[i]);
	if (sim_domain)
		irq_domain_remove_sim(sim_domain);
	if (sim_fwnode)
		irq_domain_free_fwnode(sim_fwnode);
}

/* ------------------------------------------------------------------ */
/* Per-test state, torn down by .exit even after a failed assertion    */

#define MAX_PDEVS	2
#define MAX_FILES	4
#define UBUF_SIZE	(4 * PAGE_SIZE)

struct drv_ctx {
	struct platform_device *pdev[MAX_PDEVS];
	struct file *file[MAX_FILES];
	struct mm_struct *mm;
	unsigned long ubuf;	/* user address, UBUF_SIZE bytes */
	char *page;		/* sysfs buffer */
};

static int irqcap_driver_init(struct kunit *test)
{
	struct drv_ctx *ctx;

	if (sim_error)
		kunit_skip(test, "no simulated interrupts: %s", sim_error);
	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->page = (char *)get_zeroed_page(GFP_KERNEL);
	if (!ctx->page)
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void irqcap_driver_exit(struct kunit *test)
{
	struct drv_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < MAX_FILES; i++)
		if (ctx->file[i])
			__fput_sync(ctx->file[i]);
	for (i = 0; i < MAX_PDEVS; i++)
		if (ctx->pdev[i])
			platform_device_unregister(ctx->pdev[i]);
	/* after an aborted case the mm went away with its thread */
	if (ctx->mm && current->mm == ctx->mm) {
		kthread_unuse_mm(ctx->mm);
		mmput(ctx->mm);
	}
	free_page((unsigned long)ctx->page);
}

/* Register "irqcap" with @props and the simulated interrupt @hw. */
static struct platform_device *drv_add(struct kunit *test,
				       const struct property_entry *props,
				       int hw, unsigned long irq_flags)
{
	struct drv_ctx *ctx = test->priv;
	struct resource res = DEFINE_RES_IRQ(hw >= 0 ? sim_virq[hw] : 0);
	struct platform_device_info info = {
		.name = "irqcap",
		.id = PLATFORM_DEVID_AUTO,
		.res = &res,
		.num_res = hw >= 0 ? 1 : 0,
		.properties = props,
	};
	struct platform_device *pdev;
	unsigned int i;

	res.flags |= irq_flags;
	for (i = 0; i < MAX_PDEVS && ctx->pdev[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, (unsigned int)MAX_PDEVS);
	pdev = platform_device_register_full(&info);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	ctx->pdev[i] = pdev;
	return pdev;
}

static void drv_del(struct kunit *test, struct platform_device *pdev)
{
	struct drv_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < MAX_PDEVS; i++)
		if (ctx->pdev[i] == pdev)
			ctx->pdev[i] = NULL;
	platform_device_unregister(pdev);
}

static struct irqcap_dev *drv_bound(struct kunit *test,
				    struct platform_device *pdev)
{
	KUNIT_ASSERT_TRUE_MSG(test, device_is_bound(&pdev->dev),
			      "%s did not bind", dev_name(&pdev->dev));
	KUNIT_ASSERT_NOT_NULL(test, platform_get_drvdata(pdev));
	return platform_get_drvdata(pdev);
}

/* The driver's sysfs attributes, called directly (sysfs is not mounted). */
static struct device_attribute *drv_attr(struct kunit *test, const char *name)
{
	const struct attribute_group **g;
	struct attribute **a;

	for (g = irqcap_groups; *g; g++)
		for (a = (*g)->attrs; *a; a++)
			if (!strcmp((*a)->name, name))
				return container_of(*a, struct device_attribute, attr);
	/* "label": added in probe, before the misc device (irqcap_source.c) */
	for (a = irqcap_source_group.attrs; *a; a++)
		if (!strcmp((*a)->name, name))
			return container_of(*a, struct device_attribute, attr);
	KUNIT_FAIL(test, "no sysfs attribute %s", name);
	return NULL;
}

static const char *drv_show(struct kunit *test, struct platform_device *pdev,
			    const char *name)
{
	struct drv_ctx *ctx = test->priv;
	struct device_attribute *da = drv_attr(test, name);
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, da);
	memset(ctx->page, 0, PAGE_SIZE);
	n = da->show(&pdev->dev, da, ctx->page);
	KUNIT_ASSERT_GT_MSG(test, n, (ssize_t)0, "%s", name);
	strim(ctx->page);
	return ctx->page;
}

static u64 drv_counter(struct kunit *test, struct platform_device *pdev,
		       const char *name)
{
	u64 v;

	KUNIT_ASSERT_EQ_MSG(test, kstrtou64(drv_show(test, pdev, name), 10, &v), 0,
			    "%s", name);
	return v;
}

static ssize_t drv_store(struct kunit *test, struct platform_device *pdev,
			 const char *name, const char *val)
{
	struct device_attribute *da = drv_attr(test, name);

	KUNIT_ASSERT_NOT_NULL(test, da);
	KUNIT_ASSERT_NOT_NULL(test, da->store);
	return da->store(&pdev->dev, da, val, strlen(val));
}

/* Wait until counter @name reaches @want; returns the last value. */
static u64 drv_wait_counter(struct kunit *test, struct platform_device *pdev,
			    const char *name, u64 want)
{
	unsigned long end = jiffies + msecs_to_jiffies(WAIT_MS);
	u64 v;

	for (;;) {
		v = drv_counter(test, pdev, name);
		if (v >= want || time_after(jiffies, end))
			return v;
		usleep_range(500, 1000);
	}
}

/* ------------------------------------------------------------------ */
/* Readers: the real misc device, and user memory to read into         */

static void drv_attach_mm(struct kunit *test)
{
	struct drv_ctx *ctx = test->priv;
	struct mm_struct *mm;

	if (ctx->mm)
		return;
	KUNIT_ASSERT_NULL(test, current->mm);
	mm = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm);
	mm->task_size = TASK_SIZE;
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
	kthread_use_mm(mm);
	ctx->mm = mm;
	ctx->ubuf = vm_mmap(NULL, 0, UBUF_SIZE, PROT_READ | PROT_WRITE,
			    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(ctx->ubuf), "vm_mmap: %ld",
			       (long)ctx->ubuf);
}

/* 6.3 passes a struct mnt_idmap; kunit/Kbuild.tree probes for it */
#ifdef IRQCAP_KUNIT_HAVE_MNT_IDMAP
#define DRV_IDMAP	(&nop_mnt_idmap)
#else
#define DRV_IDMAP	(&init_user_ns)
#endif

/* Open /dev/irqcapN through a node of our own: devtmpfs is not mounted. */
static struct file *drv_open(struct kunit *test, struct irqcap_dev *idev,
			     int flags)
{
	struct drv_ctx *ctx = test->priv;
	dev_t devt = MKDEV(MISC_MAJOR, idev->misc.minor);
	struct dentry *dentry;
	struct path parent;
	struct file *f;
	char path[40];
	unsigned int i;
	int err = 0;

	for (i = 0; i < MAX_FILES && ctx->file[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, (unsigned int)MAX_FILES);
	snprintf(path, sizeof(path), "/irqcap-kunit-%u-%u", MAJOR(devt),
		 MINOR(devt));
	dentry = kern_path_create(AT_FDCWD, path, &parent, 0);
	if (!IS_ERR(dentry)) {
		err = vfs_mknod(DRV_IDMAP, d_inode(parent.dentry), dentry,
				S_IFCHR | 0600, devt);
		done_path_create(&parent, dentry);
	} else if (PTR_ERR(dentry) != -EEXIST) {
		err = PTR_ERR(dentry);
	}
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "mknod %s", path);
	f = filp_open(path, flags, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	ctx->file[i] = f;
	return f;
}

static void drv_close(struct kunit *test, struct file *f)
{
	struct drv_ctx *ctx = test->priv;
	unsigned int i;

	if (!ctx)
		return;
	for (i = 0; i < MAX_FILES; i++)
		if (ctx->file[i] == f)
			ctx->file[i] = NULL;
	__fput_sync(f);
}

/* read() into user memory, then copy the records out to @ev. */
static ssize_t drv_read(struct kunit *test, struct file *f,
			struct irqcap_event *ev, unsigned int n)
{
	struct drv_ctx *ctx = test->priv;
	size_t bytes = n * sizeof(*ev);
	loff_t pos = 0;
	ssize_t ret;

	drv_attach_mm(test);
	KUNIT_ASSERT_LE(test, bytes, (size_t)UBUF_SIZE);
	ret = f->f_op->read(f, (char __user *)ctx->ubuf, bytes, &pos);
	if (ret > 0)
		KUNIT_ASSERT_EQ(test, copy_from_user(ev, (void __user *)ctx->ubuf,
						     ret), 0UL);
	return ret;
}

static void drv_fire(struct kunit *test, int hw)
{
	KUNIT_ASSERT_EQ(test, irq_set_irqchip_state(sim_virq[hw],
						    IRQCHIP_STATE_PENDING, true), 0);
}

/* Raise one interrupt and wait until the driver has committed it. */
static void drv_fire_and_wait(struct kunit *test, struct platform_device *pdev,
			      int hw)
{
	u64 before = drv_counter(test, pdev, "events_committed");

	drv_fire(test, hw);
	KUNIT_ASSERT_GE_MSG(test,
			    drv_wait_counter(test, pdev, "events_committed", before + 1),
			    before + 1, "interrupt not committed in %d ms", WAIT_MS);
}

/* ------------------------------------------------------------------ */
/* Tests                                                               */

static void probe_defaults_test(struct kunit *test)
{
	struct drv_ctx *ctx = test->priv;
	struct platform_device *pdev = drv_add(test, NULL, 0, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct irqcap_info info;
	struct file *f;
	char want[16];
	long ret;

	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "ring_size"), "1024");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "bottom_half"), "hardirq");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "debounce_us"), "0");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "idle_timeout_ms"), "0");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "wakeup_holdoff_us"), "0");
	snprintf(want, sizeof(want), "%u", sim_virq[0]);
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "irq"), want);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "irqs_seen"), 0ULL);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "readers"), 0ULL);
	KUNIT_EXPECT_PTR_EQ(test, idev->misc.parent, &pdev->dev);
	KUNIT_EXPECT_EQ(test, strncmp(idev->misc.name, "irqcap", 6), 0);

	f = drv_open(test, idev, O_RDWR | O_NONBLOCK);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "readers"), 1ULL);
	drv_attach_mm(test);
	ret = f->f_op->unlocked_ioctl(f, IRQCAP_IOC_INFO, ctx->ubuf);
	KUNIT_ASSERT_EQ(test, ret, 0L);
	KUNIT_ASSERT_EQ(test, copy_from_user(&info, (void __user *)ctx->ubuf,
					     sizeof(info)), 0UL);
	KUNIT_EXPECT_EQ(test, info.abi_version, (u32)IRQCAP_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, info.event_size, (u32)sizeof(struct irqcap_event));
	KUNIT_EXPECT_EQ(test, info.ring_size, 1024U);
	KUNIT_EXPECT_EQ(test, info.irq, sim_virq[0]);
	/* nothing to read yet */
	KUNIT_EXPECT_EQ(test, drv_read(test, f, (struct irqcap_event *)ctx->page, 4),
			(ssize_t)-EAGAIN);
	drv_close(test, f);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "readers"), 0ULL);
}

static const char * const bh_modes[] = { "hardirq", "threaded", "tasklet",
					 "workqueue" };

static void bh_desc(const char * const *m, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "bottom-half=%s", *m);
}

KUNIT_ARRAY_PARAM(bh, bh_modes, bh_desc);

#define NFIRE	5

/* Check @n IRQ records read from @f, seqnos following @first_seq. */
static void expect_irq_records(struct kunit *test, struct file *f,
			       unsigned int n, u64 *first_seq)
{
	struct drv_ctx *ctx = test->priv;
	struct irqcap_event *ev = (struct irqcap_event *)ctx->page;
	ssize_t got;
	unsigned int i;

	got = drv_read(test, f, ev, n + 1);
	KUNIT_ASSERT_EQ(test, got, (ssize_t)(n * sizeof(*ev)));
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ev[i].type, (u32)IRQCAP_EVENT_IRQ,
				    "record %u", i);
		if (i) {
			KUNIT_EXPECT_EQ_MSG(test, ev[i].seqno, ev[i - 1].seqno + 1,
					    "record %u", i);
			KUNIT_EXPECT_GE_MSG(test, ev[i].timestamp_ns,
					    ev[i - 1].timestamp_ns, "record %u", i);
		}
		KUNIT_EXPECT_NE(test, ev[i].timestamp_ns, 0ULL);
	}
	if (first_seq && n)
		*first_seq = ev[0].seqno;
}

/* Interrupts reach a reader in every bottom-half mode. */
static void irq_delivery_test(struct kunit *test)
{
	const char *mode = *(const char * const *)test->param_value;
	const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("irqcap,bottom-half", mode),
		PROPERTY_ENTRY_STRING("irqcap,trigger", "rising"),
		{ }
	};
	struct platform_device *pdev = drv_add(test, props, 1, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *f;
	unsigned int i;
	u64 first = 0;

	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "bottom_half"), mode);
	f = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	for (i = 0; i < NFIRE; i++)
		drv_fire_and_wait(test, pdev, 1);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "irqs_seen"), (u64)NFIRE);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "events_committed"),
			(u64)NFIRE);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "dropped"), 0ULL);
	expect_irq_records(test, f, NFIRE, &first);
	/* IRQ seqnos count from 1 on each device */
	KUNIT_EXPECT_EQ(test, first, 1ULL);
	/* and the reader is empty again */
	KUNIT_EXPECT_EQ(test, drv_read(test, f, (struct irqcap_event *)
				       ((struct drv_ctx *)test->priv)->page, 1),
			(ssize_t)-EAGAIN);
}

/* Switching the bottom half at run time, with a reader open. */
static void bh_switch_test(struct kunit *test)
{
	struct platform_device *pdev = drv_add(test, NULL, 2, IORESOURCE_IRQ_LOWEDGE);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *f = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	u64 seq, prev_seq = 0;
	unsigned int round, i;

	for (round = 0; round < 2; round++) {
		for (i = 0; i < ARRAY_SIZE(bh_modes); i++) {
			KUNIT_ASSERT_EQ(test, drv_store(test, pdev, "bottom_half",
							bh_modes[i]),
					(ssize_t)strlen(bh_modes[i]));
			KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "bottom_half"),
					   bh_modes[i]);
			drv_fire_and_wait(test, pdev, 2);
			drv_fire_and_wait(test, pdev, 2);
			expect_irq_records(test, f, 2, &seq);
			if (round || i)
				KUNIT_EXPECT_EQ_MSG(test, seq, prev_seq + 2, "mode %s",
						    bh_modes[i]);
			prev_seq = seq;
		}
	}
}

/*
 * The producer role (issue 18 §2): while a rare producer has it
 * (irqcap_prod_lock()), the hard IRQ handler must not touch the ring.  A
 * kthread on one CPU takes the role and, with it held, waits 20 ms after an
 * interrupt was raised on the other CPU before staging a marker; the
 * handler must wait for the role, so its record comes after the marker,
 * with a later timestamp.  A handler that ignored the role staged its
 * record 20 ms earlier, before the marker.  Needs 2 CPUs (x86_64 run).
 */
struct role_holder {
	struct irqcap_dev *idev;
	struct completion held, done;
	bool fired;
	u64 marker_ts;
};

static int role_holder_fn(void *arg)
{
	struct role_holder *rh = arg;
	struct irqcap_dev *idev = rh->idev;
	unsigned long flags;

	irqcap_prod_lock(idev, &flags);
	complete(&rh->held);
	while (!READ_ONCE(rh->fired))
		cpu_relax();
	mdelay(20);
	rh->marker_ts = ktime_get_ns();
	irqcap_stage_locked(idev, IRQCAP_EVENT_MARKER, rh->marker_ts, 0x1234);
	irqcap_commit_new_locked(idev, rh->marker_ts);
	irqcap_prod_unlock(idev, flags);
	complete(&rh->done);
	return 0;
}

static void prod_role_test(struct kunit *test)
{
	const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("irqcap,bottom-half", "hardirq"),
		{ }
	};
	struct drv_ctx *ctx = test->priv;
	struct irqcap_event *ev = (struct irqcap_event *)ctx->page;
	struct role_holder rh = { };
	struct platform_device *pdev;
	struct task_struct *t;
	unsigned int me, other;
	struct file *f;
	u64 before;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs 2 CPUs");
	pdev = drv_add(test, props, 4, 0);
	rh.idev = drv_bound(test, pdev);
	f = drv_open(test, rh.idev, O_RDONLY | O_NONBLOCK);
	/* the lock-free path first */
	drv_fire_and_wait(test, pdev, 4);
	KUNIT_ASSERT_EQ(test, drv_read(test, f, ev, 4), (ssize_t)sizeof(*ev));
	KUNIT_EXPECT_EQ(test, atomic_read(&rh.idev->prod_rare), 0);

	init_completion(&rh.held);
	init_completion(&rh.done);
	migrate_disable();	/* the simulated interrupt runs on this CPU */
	me = smp_processor_id();
	other = cpumask_any_but(cpu_online_mask, me);
	t = kthread_create(role_holder_fn, &rh, "irqcap-role");
	if (IS_ERR(t)) {
		migrate_enable();
		KUNIT_FAIL(test, "kthread_create: %ld", PTR_ERR(t));
		return;
	}
	kthread_bind(t, other);
	wake_up_process(t);
	wait_for_completion(&rh.held);
	before = ktime_get_ns();
	/* first: the handler may run (and wait for the role) before this returns */
	WRITE_ONCE(rh.fired, true);
	if (irq_set_irqchip_state(sim_virq[4], IRQCHIP_STATE_PENDING, true))
		KUNIT_FAIL(test, "irq_set_irqchip_state");
	migrate_enable();
	KUNIT_ASSERT_NE_MSG(test, wait_for_completion_timeout(&rh.done,
							      msecs_to_jiffies(WAIT_MS)),
			    0UL, "the role holder did not finish");
	KUNIT_ASSERT_GE(test, drv_wait_counter(test, pdev, "events_committed", 2), 2ULL);
	KUNIT_ASSERT_EQ(test, drv_read(test, f, ev, 4), (ssize_t)(2 * sizeof(*ev)));
	KUNIT_EXPECT_EQ_MSG(test, ev[0].type, (u32)IRQCAP_EVENT_MARKER,
			    "the handler staged its record while the role was taken");
	KUNIT_EXPECT_EQ(test, ev[1].type, (u32)IRQCAP_EVENT_IRQ);
	KUNIT_EXPECT_EQ(test, ev[1].seqno, 2ULL);
	KUNIT_EXPECT_GE(test, ev[1].timestamp_ns, rh.marker_ts);
	KUNIT_EXPECT_GE(test, rh.marker_ts, before);
	KUNIT_EXPECT_EQ(test, atomic_read(&rh.idev->prod_rare), 0);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "irqs_seen"), 2ULL);
}

/* The adaptive wake-up hold-off's decision (irqcap_holdoff_decide()). */
static void holdoff_decide_test(struct kunit *test)
{
	const u64 h = 100000;	/* 100 us */
	u64 wake = 0, end;

	/* the first event on a quiet line: at once, a hold-off starts */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(1000000, 0, &wake, h),
			IRQCAP_WAKE_NOW);
	KUNIT_EXPECT_EQ(test, wake, 1000000ULL);
	/* a burst: the next event inside it arms the timer for its end */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(1003000, 1000000, &wake, h),
			IRQCAP_WAKE_HELD);
	end = 1000000 + h;
	KUNIT_EXPECT_EQ(test, wake, end);
	/* the rest of the burst before the end: the timer is armed */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(1006000, 1003000, &wake, h),
			IRQCAP_WAKE_NONE);
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(end - 1, end - 3000, &wake, h),
			IRQCAP_WAKE_NONE);
	KUNIT_EXPECT_EQ(test, wake, end);
	/* still bursting after the timer's wake-up: one more timer, a hold-off later */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(end + 2000, end - 1, &wake, h),
			IRQCAP_WAKE_HELD);
	KUNIT_EXPECT_EQ(test, wake, end + h);
	/* the burst ended; an isolated event a hold-off after the last one: at once */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(end + 2000 + h, end + 2000, &wake, h),
			IRQCAP_WAKE_NOW);
	KUNIT_EXPECT_EQ(test, wake, end + 2000 + h);
	/* two events a little apart after a quiet line: the second waits */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(end + 2000 + h + 50000,
						    end + 2000 + h, &wake, h),
			IRQCAP_WAKE_HELD);
	/* a quiet line wakes at once even inside a hold-off (a late timer) */
	wake = 5000000;
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(5050000, 4900000, &wake, h),
			IRQCAP_WAKE_NOW);
	KUNIT_EXPECT_EQ(test, wake, 5050000ULL);
	/* exactly a hold-off after the last wake-up: at once */
	KUNIT_EXPECT_EQ(test, irqcap_holdoff_decide(5050000 + h, 5050000 + h - 1, &wake, h),
			IRQCAP_WAKE_NOW);
}

/* Bad sysfs writes fail and change nothing. */
static void sysfs_bad_writes_test(struct kunit *test)
{
	static const struct {
		const char *attr;
		const char *val;
	} bad[] = {
		{ "bottom_half", "bogus" },
		{ "bottom_half", "" },
		{ "bottom_half", "hardirqs" },
		{ "debounce_us", "1000001" },
		{ "debounce_us", "-1" },
		{ "debounce_us", "abc" },
		{ "debounce_us", "99999999999" },
		{ "idle_timeout_ms", "3600001" },
		{ "idle_timeout_ms", "1x" },
		{ "wakeup_holdoff_us", "100001" },
		{ "wakeup_holdoff_us", "1ms" },
		/* decimal only (issue 15 §3.7): no hex */
		{ "debounce_us", "0x10" },
		{ "idle_timeout_ms", "0x10" },
		{ "wakeup_holdoff_us", "0x10" },
	};
	struct platform_device *pdev = drv_add(test, NULL, 3, 0);
	unsigned int i;

	drv_bound(test, pdev);
	KUNIT_ASSERT_EQ(test, drv_store(test, pdev, "debounce_us", "250\n"), 4L);
	KUNIT_ASSERT_EQ(test, drv_store(test, pdev, "idle_timeout_ms", "1000"), 4L);
	KUNIT_ASSERT_EQ(test, drv_store(test, pdev, "bottom_half", "tasklet\n"), 8L);
	KUNIT_ASSERT_EQ(test, drv_store(test, pdev, "wakeup_holdoff_us", "50"), 2L);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ssize_t ret = drv_store(test, pdev, bad[i].attr, bad[i].val);

		KUNIT_EXPECT_LT_MSG(test, ret, 0L, "%s <- \"%s\"", bad[i].attr,
				    bad[i].val);
		/* the documented error for a bad write is -EINVAL */
		if (strcmp(bad[i].val, "1000001") && strcmp(bad[i].val, "3600001") &&
		    strcmp(bad[i].val, "100001") && strcmp(bad[i].val, "99999999999"))
			KUNIT_EXPECT_EQ_MSG(test, ret, (ssize_t)-EINVAL,
					    "%s <- \"%s\"", bad[i].attr, bad[i].val);
	}
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "debounce_us"), "250");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "idle_timeout_ms"), "1000");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "bottom_half"), "tasklet");
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "wakeup_holdoff_us"), "50");
	/* the limits themselves are accepted */
	KUNIT_EXPECT_EQ(test, drv_store(test, pdev, "debounce_us", "1000000"), 7L);
	KUNIT_EXPECT_EQ(test, drv_store(test, pdev, "idle_timeout_ms", "3600000"), 7L);
	KUNIT_EXPECT_EQ(test, drv_store(test, pdev, "wakeup_holdoff_us", "100000"), 6L);
	/* a leading zero is not octal */
	KUNIT_EXPECT_EQ(test, drv_store(test, pdev, "debounce_us", "0100"), 4L);
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "debounce_us"), "100");
	KUNIT_EXPECT_EQ(test, drv_store(test, pdev, "idle_timeout_ms", "010\n"), 4L);
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "idle_timeout_ms"), "10");
}

struct bad_prop_case {
	const char *name;
	struct property_entry props[3];
	int hw;
	unsigned long irq_flags;
	int err;
};

static const struct bad_prop_case bad_prop_cases[] = {
	{ "ring-size not a power of two",
	  { PROPERTY_ENTRY_U32("irqcap,ring-size", 1000) }, 4, 0, -EINVAL },
	{ "ring-size below 16",
	  { PROPERTY_ENTRY_U32("irqcap,ring-size", 8) }, 4, 0, -ERANGE },
	{ "ring-size above 2^20",
	  { PROPERTY_ENTRY_U32("irqcap,ring-size", 1 << 21) }, 4, 0, -ERANGE },
	{ "bottom-half unknown",
	  { PROPERTY_ENTRY_STRING("irqcap,bottom-half", "softirq") }, 4, 0, -EINVAL },
	{ "debounce-us too large",
	  { PROPERTY_ENTRY_U32("irqcap,debounce-us", 1000001) }, 4, 0, -ERANGE },
	{ "idle-timeout-ms too large",
	  { PROPERTY_ENTRY_U32("irqcap,idle-timeout-ms", 3600001) }, 4, 0, -ERANGE },
	{ "wakeup-holdoff-us too large",
	  { PROPERTY_ENTRY_U32("irqcap,wakeup-holdoff-us", 100001) }, 4, 0, -ERANGE },
	{ "trigger level",
	  { PROPERTY_ENTRY_STRING("irqcap,trigger", "high") }, 4, 0, -EINVAL },
	{ "label with a slash",
	  { PROPERTY_ENTRY_STRING("label", "door/bell") }, 4, 0, -EINVAL },
	{ "label with a space",
	  { PROPERTY_ENTRY_STRING("label", "door bell") }, 4, 0, -EINVAL },
	{ "label ..",
	  { PROPERTY_ENTRY_STRING("label", "..") }, 4, 0, -EINVAL },
	{ "label starting with -",
	  { PROPERTY_ENTRY_STRING("label", "-door") }, 4, 0, -EINVAL },
	{ "label empty",
	  { PROPERTY_ENTRY_STRING("label", "") }, 4, 0, -EINVAL },
	{ "label of 64 characters",
	  { PROPERTY_ENTRY_STRING("label",
		"a123456789b123456789c123456789d123456789e123456789f123456789g123") },
	  4, 0, -EINVAL },
	{ "label not a string",
	  { PROPERTY_ENTRY_U32("label", 7) }, 4, 0, -EPROTO },
	{ "no interrupt, no gpios", { }, -1, 0, -ENODEV },
	{ "level-triggered interrupt", { }, SIM_HW_LEVEL,
	  IORESOURCE_IRQ_HIGHLEVEL, -EINVAL },
};

static void bad_prop_desc(const struct bad_prop_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_prop, bad_prop_cases, bad_prop_desc);

/* Bad firmware properties fail probe with the error the driver documents. */
static void probe_bad_property_test(struct kunit *test)
{
	const struct bad_prop_case *c = test->param_value;
	struct platform_device *pdev = drv_add(test, c->props, c->hw, c->irq_flags);
	struct device_driver *drv;

	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
	drv = driver_find("irqcap", &platform_bus_type);
	KUNIT_ASSERT_NOT_NULL(test, drv);
	/* probe again, this time to see the error */
	KUNIT_EXPECT_EQ(test, device_driver_attach(drv, &pdev->dev), c->err);
	KUNIT_EXPECT_FALSE(test, device_is_bound(&pdev->dev));
}

/* A level-triggered firmware interrupt is fine with an explicit edge. */
static void probe_trigger_override_test(struct kunit *test)
{
	static const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("irqcap,trigger", "both"),
		PROPERTY_ENTRY_U32("irqcap,ring-size", 16),
		{ }
	};
	struct platform_device *pdev = drv_add(test, props, 5,
					       IORESOURCE_IRQ_HIGHLEVEL);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *f = drv_open(test, idev, O_RDONLY | O_NONBLOCK);

	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "ring_size"), "16");
	KUNIT_EXPECT_EQ(test, irq_get_trigger_type(sim_virq[5]),
			(u32)IRQ_TYPE_EDGE_BOTH);
	drv_fire_and_wait(test, pdev, 5);
	expect_irq_records(test, f, 1, NULL);
}

/* A label of 63 portable file-name characters is the device's sysfs label. */
static void probe_label_test(struct kunit *test)
{
	static const char label[] =
		"Door-bell_2.a56789b123456789c123456789d123456789e123456789f1234";
	static const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("label", label),
		{ }
	};
	struct platform_device *pdev = drv_add(test, props, 4, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);

	KUNIT_EXPECT_EQ(test, strlen(label), 63UL);
	KUNIT_EXPECT_STREQ(test, drv_show(test, pdev, "label"), label);
	KUNIT_EXPECT_STREQ(test, idev->source.label, label);
	KUNIT_EXPECT_EQ(test, idev->source.gpio_line, -1);
	KUNIT_EXPECT_EQ(test, idev->source.trigger, (u32)IRQCAP_TRIGGER_RISING);
}

/* A reader that falls a whole ring behind gets an overflow record. */
static void reader_overflow_test(struct kunit *test)
{
	static const struct property_entry props[] = {
		PROPERTY_ENTRY_U32("irqcap,ring-size", 16),
		PROPERTY_ENTRY_STRING("irqcap,bottom-half", "hardirq"),
		{ }
	};
	struct drv_ctx *ctx = test->priv;
	struct irqcap_event *ev = (struct irqcap_event *)ctx->page;
	struct platform_device *pdev = drv_add(test, props, 6, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *f = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	unsigned int i, irqs = 0, overflows = 0;
	ssize_t got;

	for (i = 0; i < 16 + 5; i++)
		drv_fire_and_wait(test, pdev, 6);
	got = drv_read(test, f, ev, 64);
	KUNIT_ASSERT_GT(test, got, 0L);
	for (i = 0; i < got / sizeof(*ev); i++) {
		if (ev[i].type == IRQCAP_EVENT_IRQ)
			irqs++;
		else if (ev[i].type == IRQCAP_EVENT_OVERFLOW)
			overflows++;
	}
	KUNIT_EXPECT_EQ(test, overflows, 1U);
	KUNIT_EXPECT_LE(test, irqs, 16U);
	KUNIT_EXPECT_GT(test, irqs, 0U);
	/* first the overflow: nothing read before it, 21 - irqs lost */
	KUNIT_EXPECT_EQ(test, ev[0].type, (u32)IRQCAP_EVENT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, ev[0].seqno, 0ULL);
	KUNIT_EXPECT_EQ(test, ev[0].data, 21ULL - irqs);
	/* then the newest interrupts, in order, up to the last one */
	KUNIT_EXPECT_EQ(test, ev[1].seqno, 21ULL - irqs + 1);
	KUNIT_EXPECT_EQ(test, ev[got / sizeof(*ev) - 1].type, (u32)IRQCAP_EVENT_IRQ);
	KUNIT_EXPECT_EQ(test, ev[got / sizeof(*ev) - 1].seqno, 21ULL);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "dropped") + irqs, 21ULL);
}

struct blocked_reader {
	struct file *file;
	struct mm_struct *mm;
	unsigned long ubuf;
	ssize_t ret;
	struct completion started;
	struct completion done;
};

static int blocked_reader_fn(void *arg)
{
	struct blocked_reader *br = arg;
	loff_t pos = 0;

	kthread_use_mm(br->mm);
	complete(&br->started);
	br->ret = br->file->f_op->read(br->file, (char __user *)br->ubuf,
				       sizeof(struct irqcap_event), &pos);
	kthread_unuse_mm(br->mm);
	mmput(br->mm);
	complete(&br->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

/*
 * Unbind while one reader has records pending and another is asleep in
 * read(): both see the device gone, and closing afterwards is clean.
 */
static void unbind_with_readers_test(struct kunit *test)
{
	struct drv_ctx *ctx = test->priv;
	struct platform_device *pdev = drv_add(test, NULL, 3, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *pending = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	struct file *sleeper = drv_open(test, idev, O_RDONLY);
	struct blocked_reader *br;
	struct task_struct *t;
	unsigned long end;
	bool asleep = false;

	drv_attach_mm(test);
	drv_fire_and_wait(test, pdev, 3);

	/* the sleeper has already consumed the event: it will block */
	br = kunit_kzalloc(test, sizeof(*br), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, br);
	KUNIT_ASSERT_EQ(test, drv_read(test, sleeper, (struct irqcap_event *)ctx->page,
				       1), (ssize_t)sizeof(struct irqcap_event));
	br->file = sleeper;
	br->mm = ctx->mm;
	br->ubuf = ctx->ubuf;
	init_completion(&br->started);
	init_completion(&br->done);
	mmget(ctx->mm);
	t = kthread_run(blocked_reader_fn, br, "irqcap_kunit_rd");
	if (IS_ERR(t))
		mmput(ctx->mm);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	wait_for_completion(&br->started);
	end = jiffies + msecs_to_jiffies(WAIT_MS);
	while (!(asleep = wq_has_sleeper(&idev->wait)) && time_before(jiffies, end))
		usleep_range(500, 1000);

	drv_del(test, pdev);	/* unbind and unregister */

	if (!wait_for_completion_timeout(&br->done, msecs_to_jiffies(WAIT_MS))) {
		/* leave the thread and its file alone: they are still in use */
		ctx->file[1] = NULL;
		KUNIT_FAIL(test, "blocked reader not woken by unbind");
		return;
	}
	kthread_stop(t);
	KUNIT_EXPECT_TRUE(test, asleep);
	KUNIT_EXPECT_EQ(test, br->ret, (ssize_t)-ENODEV);
	/* the pending records are gone with the device */
	KUNIT_EXPECT_EQ(test, drv_read(test, pending, (struct irqcap_event *)ctx->page,
				       1), (ssize_t)-ENODEV);
	drv_close(test, pending);
	drv_close(test, sleeper);
}

/* An idle timeout produces a TIMEOUT record after the last interrupt. */
static void idle_timeout_test(struct kunit *test)
{
	static const struct property_entry props[] = {
		PROPERTY_ENTRY_U32("irqcap,idle-timeout-ms", 30),
		{ }
	};
	struct drv_ctx *ctx = test->priv;
	struct irqcap_event *ev = (struct irqcap_event *)ctx->page;
	struct platform_device *pdev = drv_add(test, props, 4, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *f = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	ssize_t got;

	drv_fire_and_wait(test, pdev, 4);
	KUNIT_ASSERT_GE(test, drv_wait_counter(test, pdev, "timeouts", 1), 1ULL);
	got = drv_read(test, f, ev, 8);
	KUNIT_ASSERT_EQ(test, got, (ssize_t)(2 * sizeof(*ev)));
	KUNIT_EXPECT_EQ(test, ev[0].type, (u32)IRQCAP_EVENT_IRQ);
	KUNIT_EXPECT_EQ(test, ev[1].type, (u32)IRQCAP_EVENT_TIMEOUT);
	/* a TIMEOUT carries the seqno of the last interrupt */
	KUNIT_EXPECT_EQ(test, ev[0].seqno, 1ULL);
	KUNIT_EXPECT_EQ(test, ev[1].seqno, ev[0].seqno);
	/* never early: at least 30 ms after the interrupt */
	KUNIT_EXPECT_GE(test, ev[1].timestamp_ns - ev[0].timestamp_ns,
			30ULL * NSEC_PER_MSEC);
	KUNIT_EXPECT_GE(test, ev[1].data, 30ULL * NSEC_PER_MSEC);
	/* one per idle period */
	msleep(100);
	KUNIT_EXPECT_EQ(test, drv_counter(test, pdev, "timeouts"), 1ULL);
}

/*
 * irqs_seen and events_committed are derived under the producer lock
 * (irqcap_counters_read_locked()), not counted per interrupt: records a
 * bottom half has not committed yet are not counted as committed, and a
 * timeout or marker record is no interrupt.  No device: the producer
 * calls themselves, on a ring of 16.
 */
static void counters_derived_test(struct kunit *test)
{
	struct irqcap_dev *idev = kunit_kzalloc(test, sizeof(*idev), GFP_KERNEL);
	struct irqcap_counters c;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, idev);
	idev->ring.size = 16;
	idev->ring.slots = kunit_kcalloc(test, idev->ring.size,
					 sizeof(*idev->ring.slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, idev->ring.slots);
	idev->ring.hdr = kunit_kzalloc(test, sizeof(*idev->ring.hdr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, idev->ring.hdr);
	raw_spin_lock_init(&idev->prod_lock);

	raw_spin_lock_irq(&idev->prod_lock);
	/* five interrupts: the handler commits three, two wait for a bottom half */
	for (i = 0; i < 5; i++) {
		idev->seqno++;
		irqcap_stage_locked(idev, IRQCAP_EVENT_IRQ, 1000 + i, 0);
		if (i < 3)
			irqcap_commit_new_locked(idev, 1000 + i);
	}
	idev->debounced = 4;
	irqcap_counters_read_locked(idev, &c);
	KUNIT_EXPECT_EQ(test, c.irqs_seen, 9ULL);
	KUNIT_EXPECT_EQ(test, c.events_committed, 3ULL);
	KUNIT_EXPECT_EQ(test, c.commits, 3ULL);
	/* the idle timer's record is committed with the two before it */
	irqcap_stage_locked(idev, IRQCAP_EVENT_TIMEOUT, 2000, 0);
	irqcap_commit_new_locked(idev, 2000);
	irqcap_counters_read_locked(idev, &c);
	KUNIT_EXPECT_EQ(test, c.irqs_seen, 9ULL);
	KUNIT_EXPECT_EQ(test, c.events_committed, 5ULL);
	KUNIT_EXPECT_EQ(test, c.commits, 4ULL);
	KUNIT_EXPECT_EQ(test, idev->ring.hdr->head, 6UL);
	/* a write() marker */
	irqcap_stage_locked(idev, IRQCAP_EVENT_MARKER, 3000, 42);
	irqcap_commit_new_locked(idev, 3000);
	irqcap_counters_read_locked(idev, &c);
	KUNIT_EXPECT_EQ(test, c.events_committed, 5ULL);
	raw_spin_unlock_irq(&idev->prod_lock);
	/*
	 * Only the commit that published older records sampled an age: the
	 * oldest it published, 2000 - 1003.  The handler's own commits and the
	 * marker's are age 0.
	 */
	KUNIT_EXPECT_EQ(test, atomic64_read(&idev->hist_commit.max_ns), 997LL);
	for (i = 1; i < IRQCAP_HIST_BUCKETS; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&idev->hist_commit.bucket[i]),
				    i == fls64(997) ? 1L : 0L, "bucket %u", i);
}

/* ------------------------------------------------------------------ */
/* Edge and clock (ABI 3)                                              */

struct edge_case {
	const char *trigger;
	u8 edge;
	u32 info_flags;
};

/* an "interrupts" source: both edges cannot be told apart */
static const struct edge_case edge_cases[] = {
	{ "rising", IRQCAP_EDGE_RISING, IRQCAP_INFO_EDGE },
	{ "falling", IRQCAP_EDGE_FALLING, IRQCAP_INFO_EDGE },
	{ "both", IRQCAP_EDGE_UNKNOWN, 0 },
};

static void edge_case_desc(const struct edge_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "irqcap,trigger=%s", c->trigger);
}

KUNIT_ARRAY_PARAM(edge, edge_cases, edge_case_desc);

static void drv_info(struct kunit *test, struct file *f, struct irqcap_info *info)
{
	struct drv_ctx *ctx = test->priv;

	drv_attach_mm(test);
	KUNIT_ASSERT_EQ(test, f->f_op->unlocked_ioctl(f, IRQCAP_IOC_INFO, ctx->ubuf), 0L);
	KUNIT_ASSERT_EQ(test, copy_from_user(info, (void __user *)ctx->ubuf,
					     sizeof(*info)), 0UL);
}

/*
 * The edge mode's decision (irqcap_edge_mode_of()): one edge names itself;
 * both edges are read from the level only on a GPIO that can be read in
 * hard IRQ context, and never on PREEMPT_RT, where the chip's get() may
 * take a spinlock_t, a sleeping lock there.
 */
static void edge_mode_of_test(struct kunit *test)
{
	static const struct {
		unsigned int trigger;
		bool gpio_atomic, rt;
		u8 mode;
	} c[] = {
		{ IRQ_TYPE_EDGE_RISING, false, false, IRQCAP_EDGE_MODE_RISING },
		{ IRQ_TYPE_EDGE_RISING, true, true, IRQCAP_EDGE_MODE_RISING },
		{ IRQ_TYPE_EDGE_FALLING, true, false, IRQCAP_EDGE_MODE_FALLING },
		{ IRQ_TYPE_EDGE_FALLING, false, true, IRQCAP_EDGE_MODE_FALLING },
		{ IRQ_TYPE_EDGE_BOTH, true, false, IRQCAP_EDGE_MODE_LEVEL },
		{ IRQ_TYPE_EDGE_BOTH, true, true, IRQCAP_EDGE_MODE_UNKNOWN },
		{ IRQ_TYPE_EDGE_BOTH, false, false, IRQCAP_EDGE_MODE_UNKNOWN },
		{ IRQ_TYPE_LEVEL_HIGH, true, false, IRQCAP_EDGE_MODE_UNKNOWN },
		{ IRQ_TYPE_NONE, true, false, IRQCAP_EDGE_MODE_UNKNOWN },
		/* the level bits beside an edge do not change it */
		{ IRQ_TYPE_EDGE_RISING | IRQ_TYPE_LEVEL_LOW, false, false,
		  IRQCAP_EDGE_MODE_RISING },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ_MSG(test, irqcap_edge_mode_of(c[i].trigger, c[i].gpio_atomic,
							      c[i].rt),
				    c[i].mode, "case %u: trigger %#x gpio_atomic %d rt %d", i,
				    c[i].trigger, c[i].gpio_atomic, c[i].rt);
}

/*
 * IRQ records carry the edge the trigger names, UNKNOWN for both edges on
 * an "interrupts" source; INFO says whether they carry one; a marker among
 * them is UNKNOWN (the slot's edge does not leak into other records).
 */
static void edge_from_trigger_test(struct kunit *test)
{
	const struct edge_case *c = test->param_value;
	const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("irqcap,trigger", c->trigger),
		PROPERTY_ENTRY_STRING("irqcap,bottom-half", "hardirq"),
		PROPERTY_ENTRY_U32("irqcap,ring-size", 16),
		{ }
	};
	struct drv_ctx *ctx = test->priv;
	struct platform_device *pdev = drv_add(test, props, 4, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *f = drv_open(test, idev, O_RDWR | O_NONBLOCK);
	struct irqcap_event *ev = (struct irqcap_event *)ctx->page;
	struct irqcap_info info;
	u64 marker = 42;
	loff_t pos = 0;
	unsigned int i, n = 0;

	drv_info(test, f, &info);
	KUNIT_EXPECT_EQ(test, info.flags & IRQCAP_INFO_EDGE, c->info_flags);
	/*
	 * 20 rounds of two interrupts and a marker on a 16-slot ring: the
	 * period 3 is prime to 16, so markers land in slots IRQ records had.
	 */
	for (i = 0; i < 20; i++) {
		drv_fire_and_wait(test, pdev, 4);
		drv_fire_and_wait(test, pdev, 4);
		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)ctx->ubuf, &marker,
						   sizeof(marker)), 0UL);
		KUNIT_ASSERT_EQ(test, f->f_op->write(f, (const char __user *)ctx->ubuf,
						     sizeof(marker), &pos),
				(ssize_t)sizeof(marker));
		KUNIT_ASSERT_EQ(test, drv_read(test, f, ev, 8), (ssize_t)(3 * sizeof(*ev)));
		KUNIT_EXPECT_EQ(test, ev[0].type, (u32)IRQCAP_EVENT_IRQ);
		KUNIT_EXPECT_EQ(test, ev[1].type, (u32)IRQCAP_EVENT_IRQ);
		KUNIT_EXPECT_EQ_MSG(test, ev[0].edge, c->edge, "IRQ %u", 2 * i);
		KUNIT_EXPECT_EQ_MSG(test, ev[1].edge, c->edge, "IRQ %u", 2 * i + 1);
		KUNIT_EXPECT_EQ(test, ev[2].type, (u32)IRQCAP_EVENT_MARKER);
		KUNIT_EXPECT_EQ_MSG(test, ev[2].edge, (u8)IRQCAP_EDGE_UNKNOWN,
				    "marker %u", i);
		KUNIT_EXPECT_EQ(test, ev[0].clock, (u8)IRQCAP_CLOCK_MONOTONIC);
		KUNIT_EXPECT_EQ(test, ev[0].reserved, 0);
		n += (ev[0].edge == c->edge) + (ev[1].edge == c->edge);
	}
	KUNIT_EXPECT_EQ(test, n, 40U);
}

static u32 drv_clock_ioctl(struct kunit *test, struct file *f, unsigned int cmd,
			   u32 val, long *ret)
{
	struct drv_ctx *ctx = test->priv;
	u32 out = 0xdead;

	drv_attach_mm(test);
	KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)ctx->ubuf, &val,
					   sizeof(val)), 0UL);
	*ret = f->f_op->unlocked_ioctl(f, cmd, ctx->ubuf);
	KUNIT_ASSERT_EQ(test, copy_from_user(&out, (void __user *)ctx->ubuf,
					     sizeof(out)), 0UL);
	return out;
}

/*
 * Two readers of one device with different clocks: the same records, each
 * on its clock, within that clock's readings around the interrupt; a bad
 * clock is refused and changes nothing.
 */
static void reader_clock_test(struct kunit *test)
{
	static const struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("irqcap,trigger", "rising"),
		{ }
	};
	struct drv_ctx *ctx = test->priv;
	struct platform_device *pdev = drv_add(test, props, 3, 0);
	struct irqcap_dev *idev = drv_bound(test, pdev);
	struct file *fm = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	struct file *fr = drv_open(test, idev, O_RDONLY | O_NONBLOCK);
	struct irqcap_event *ev = (struct irqcap_event *)ctx->page;
	struct irqcap_event mono, real;
	u64 r0, r1, m0, m1;
	long ret;

	KUNIT_EXPECT_EQ(test, drv_clock_ioctl(test, fr, IRQCAP_IOC_GET_CLOCK, 0, &ret),
			(u32)IRQCAP_CLOCK_MONOTONIC);
	KUNIT_EXPECT_EQ(test, ret, 0L);
	drv_clock_ioctl(test, fr, IRQCAP_IOC_SET_CLOCK, IRQCAP_CLOCK_REALTIME, &ret);
	KUNIT_EXPECT_EQ(test, ret, 0L);
	drv_clock_ioctl(test, fr, IRQCAP_IOC_SET_CLOCK, 4, &ret);
	KUNIT_EXPECT_EQ(test, ret, (long)-EINVAL);
	drv_clock_ioctl(test, fr, IRQCAP_IOC_SET_CLOCK, U32_MAX, &ret);
	KUNIT_EXPECT_EQ(test, ret, (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, drv_clock_ioctl(test, fr, IRQCAP_IOC_GET_CLOCK, 0, &ret),
			(u32)IRQCAP_CLOCK_REALTIME);
	KUNIT_EXPECT_EQ(test, drv_clock_ioctl(test, fm, IRQCAP_IOC_GET_CLOCK, 0, &ret),
			(u32)IRQCAP_CLOCK_MONOTONIC);

	r0 = ktime_get_real_ns();
	m0 = ktime_get_ns();
	drv_fire_and_wait(test, pdev, 3);
	m1 = ktime_get_ns();
	r1 = ktime_get_real_ns();
	KUNIT_ASSERT_EQ(test, drv_read(test, fm, ev, 4), (ssize_t)sizeof(*ev));
	mono = ev[0];
	KUNIT_ASSERT_EQ(test, drv_read(test, fr, ev, 4), (ssize_t)sizeof(*ev));
	real = ev[0];
	KUNIT_EXPECT_EQ(test, mono.seqno, real.seqno);
	KUNIT_EXPECT_EQ(test, mono.clock, (u8)IRQCAP_CLOCK_MONOTONIC);
	KUNIT_EXPECT_EQ(test, real.clock, (u8)IRQCAP_CLOCK_REALTIME);
	KUNIT_EXPECT_GE(test, mono.timestamp_ns, m0);
	KUNIT_EXPECT_LE(test, mono.timestamp_ns, m1);
	KUNIT_EXPECT_GE(test, real.timestamp_ns, r0);
	KUNIT_EXPECT_LE(test, real.timestamp_ns, r1);
	KUNIT_EXPECT_EQ(test, real.edge, (u8)IRQCAP_EDGE_RISING);
}

static struct kunit_case irqcap_driver_cases[] = {
	KUNIT_CASE(probe_defaults_test),
	KUNIT_CASE_PARAM(irq_delivery_test, bh_gen_params),
	KUNIT_CASE(bh_switch_test),
	KUNIT_CASE(prod_role_test),
	KUNIT_CASE(holdoff_decide_test),
	KUNIT_CASE(sysfs_bad_writes_test),
	KUNIT_CASE_PARAM(probe_bad_property_test, bad_prop_gen_params),
	KUNIT_CASE(probe_trigger_override_test),
	KUNIT_CASE(probe_label_test),
	KUNIT_CASE(reader_overflow_test),
	KUNIT_CASE(unbind_with_readers_test),
	KUNIT_CASE(idle_timeout_test),
	KUNIT_CASE(counters_derived_test),
	KUNIT_CASE(edge_mode_of_test),
	KUNIT_CASE_PARAM(edge_from_trigger_test, edge_gen_params),
	KUNIT_CASE(reader_clock_test),
	{}
};

static struct kunit_suite irqcap_driver_suite = {
	.name = "irqcap_driver",
	.suite_init = irqcap_driver_suite_init,
	.suite_exit = irqcap_driver_suite_exit,
	.init = irqcap_driver_init,
	.exit = irqcap_driver_exit,
	.test_cases = irqcap_driver_cases,
};

kunit_test_suite(irqcap_driver_suite);

MODULE_LICENSE("GPL");
