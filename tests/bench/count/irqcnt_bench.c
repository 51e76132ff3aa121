// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcnt_bench: the cost floor for irqcap's benchmark.  An interrupt-cnt
 * style handler (drivers/counter/interrupt-cnt.c): atomic_inc() and nothing
 * else.  Binds to "irqcap,bench-count" (ACPI PRP0001 or DT); the count is
 * the platform device's sysfs attribute "count" (write anything to zero it).
 * "stamp" adds pieces of irqcap's top half, to price them one by one:
 *   1  a ktime_get_ns() per interrupt (stored in "last_ns")
 *   2  and a raw spinlock taken and released around it
 *   3  and a full barrier (what wq_has_sleeper() costs when nobody sleeps)
 */
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/kstrtox.h>
#include <linux/ktime.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>

struct irqcnt_bench {
	atomic_long_t count;
	unsigned int stamp;
	raw_spinlock_t lock;	/* stamp >= 2: serialises nothing, costs */
	u64 last_ns;
};

static irqreturn_t irqcnt_bench_isr(int irq, void *data)
{
	struct irqcnt_bench *p = data;

	unsigned int stamp = READ_ONCE(p->stamp);

	if (stamp >= 2)
		raw_spin_lock(&p->lock);
	if (stamp)
		WRITE_ONCE(p->last_ns, ktime_get_ns());
	if (stamp >= 2)
		raw_spin_unlock(&p->lock);
	if (stamp >= 3)
		smp_mb(); /* priced, not needed */
	atomic_long_inc(&p->count);
	return IRQ_HANDLED;
}

static ssize_t count_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct irqcnt_bench *p = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&p->count));
}

static ssize_t count_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	struct irqcnt_bench *p = dev_get_drvdata(dev);

	atomic_long_set(&p->count, 0);
	return len;
}
static DEVICE_ATTR_RW(count);

static ssize_t stamp_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct irqcnt_bench *p = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(p->stamp));
}

static ssize_t stamp_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t len)
{
	struct irqcnt_bench *p = dev_get_drvdata(dev);
	unsigned int level;
	int ret = kstrtouint(buf, 0, &level);

	if (ret)
		return ret;
	if (level > 3)
		return -EINVAL;
	WRITE_ONCE(p->stamp, level);
	return len;
}
static DEVICE_ATTR_RW(stamp);

static ssize_t last_ns_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct irqcnt_bench *p = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", READ_ONCE(p->last_ns));
}
static DEVICE_ATTR_RO(last_ns);

static struct attribute *irqcnt_bench_attrs[] = {
	&dev_attr_count.attr,
	&dev_attr_stamp.attr,
	&dev_attr_last_ns.attr,
	NULL
};
ATTRIBUTE_GROUPS(irqcnt_bench);

static int irqcnt_bench_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct irqcnt_bench *p;
	int irq, ret;

	p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	raw_spin_lock_init(&p->lock);
	platform_set_drvdata(pdev, p);
	ret = devm_request_irq(dev, irq, irqcnt_bench_isr, IRQF_TRIGGER_RISING,
			       "irqcnt_bench", p);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request irq %d\n", irq);
	dev_info(dev, "counting irq %d\n", irq);
	return 0;
}

static const struct of_device_id irqcnt_bench_of_match[] = {
	{ .compatible = "irqcap,bench-count" },
	{ }
};
MODULE_DEVICE_TABLE(of, irqcnt_bench_of_match);

static struct platform_driver irqcnt_bench_driver = {
	.probe = irqcnt_bench_probe,
	.driver = {
		.name = "irqcnt_bench",
		.of_match_table = irqcnt_bench_of_match,
		.dev_groups = irqcnt_bench_groups,
	},
};
module_platform_driver(irqcnt_bench_driver);

MODULE_DESCRIPTION("Counting-only interrupt handler: irqcap benchmark floor");
MODULE_LICENSE("GPL");
