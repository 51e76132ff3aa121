// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap sysfs attributes (on the platform device; documented in
 * docs/sysfs-irqcap, ABI style) and debugfs latency histograms.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "irqcap.h"
#include "irqcap_time.h"

static struct dentry *irqcap_debugfs_root;

/*
 * Producer-side counters: one snapshot under the producer lock
 * (irqcap_counters_read_locked(), some are derived).  Each attribute
 * carries the offset of its counter in struct irqcap_counters.
 */
static ssize_t irqcap_counter_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct dev_ext_attribute *ea = container_of(attr, struct dev_ext_attribute, attr);
	struct irqcap_dev *idev = dev_get_drvdata(dev);
	struct irqcap_counters c;
	unsigned long flags;

	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	irqcap_counters_read_locked(idev, &c);
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	return sysfs_emit(buf, "%llu\n", *(const u64 *)((const void *)&c + (uintptr_t)ea->var));
}

static struct dev_ext_attribute irqcap_counters[] = {
	{ __ATTR(irqs_seen, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, irqs_seen) },
	{ __ATTR(events_committed, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, events_committed) },
	{ __ATTR(debounced, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, debounced) },
	{ __ATTR(timeouts, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, timeouts) },
	{ __ATTR(overruns, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, overruns) },
	{ __ATTR(commits, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, commits) },
	{ __ATTR(throttled, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, throttled) },
	{ __ATTR(suspends, 0444, irqcap_counter_show, NULL),
	  (void *)offsetof(struct irqcap_counters, suspends) },
};

static ssize_t dropped_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n", atomic64_read(&idev->dropped));
}
static DEVICE_ATTR_RO(dropped);

static ssize_t readers_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", atomic_read(&idev->readers));
}
static DEVICE_ATTR_RO(readers);

static ssize_t ring_size_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", idev->ring.size);
}
static DEVICE_ATTR_RO(ring_size);

static ssize_t irq_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", idev->irq);
}
static DEVICE_ATTR_RO(irq);

static ssize_t rate_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", (u64)atomic64_read(&idev->rate));
}
static DEVICE_ATTR_RO(rate);

static ssize_t rate_avg_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", (u64)atomic64_read(&idev->rate_avg));
}
static DEVICE_ATTR_RO(rate_avg);

static ssize_t bottom_half_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", irqcap_bh_names[READ_ONCE(idev->bh_mode)]);
}

static ssize_t bottom_half_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);
	int mode = sysfs_match_string(irqcap_bh_names, buf);

	if (mode < 0)
		return mode;
	mutex_lock(&idev->cfg_lock);
	irqcap_set_bh_mode(idev, mode);
	mutex_unlock(&idev->cfg_lock);
	return count;
}
static DEVICE_ATTR_RW(bottom_half);

/*
 * A sysfs number, decimal only (base 0 would read "0100" as octal 64):
 * -EINVAL when malformed, -ERANGE above @max.
 */
static int irqcap_parse_u32(const char *buf, u32 max, u32 *val)
{
	int ret = kstrtou32(buf, 10, val);

	if (ret)
		return ret;
	return *val > max ? -ERANGE : 0;
}

/*
 * The u32 settings: shown as they are, stored after irqcap_parse_u32()
 * under @cfg_lock, then @changed (if any) runs under the lock too.  Each
 * attribute carries its field's offset in struct irqcap_dev and its limit.
 */
struct irqcap_u32_attr {
	struct device_attribute attr;
	size_t offset;
	u32 max;
	void (*changed)(struct irqcap_dev *idev);
};

static u32 *irqcap_u32_field(struct device *dev, struct device_attribute *attr)
{
	struct irqcap_u32_attr *ua = container_of(attr, struct irqcap_u32_attr, attr);

	return (void *)dev_get_drvdata(dev) + ua->offset;
}

static ssize_t irqcap_u32_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(*irqcap_u32_field(dev, attr)));
}

static ssize_t irqcap_u32_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct irqcap_u32_attr *ua = container_of(attr, struct irqcap_u32_attr, attr);
	struct irqcap_dev *idev = dev_get_drvdata(dev);
	u32 val;
	int ret;

	ret = irqcap_parse_u32(buf, ua->max, &val);
	if (ret)
		return ret;
	mutex_lock(&idev->cfg_lock);
	WRITE_ONCE(*irqcap_u32_field(dev, attr), val);
	if (ua->changed)
		ua->changed(idev);
	mutex_unlock(&idev->cfg_lock);
	return count;
}

/* Let the idle timer re-evaluate the current idle period under the new value. */
static void irqcap_idle_timeout_changed(struct irqcap_dev *idev)
{
	u64 last_irq_ns;

	timer_delete_sync(&idev->idle_timer);
	raw_spin_lock_irq(&idev->prod_lock);
	last_irq_ns = idev->last_irq_ns;
	raw_spin_unlock_irq(&idev->prod_lock);
	irqcap_idle_arm(idev, last_irq_ns);
}

static struct irqcap_u32_attr irqcap_attr_debounce_us = {
	.attr = __ATTR(debounce_us, 0644, irqcap_u32_show, irqcap_u32_store),
	.offset = offsetof(struct irqcap_dev, debounce_us),
	.max = IRQCAP_DEBOUNCE_MAX_US,
};

static struct irqcap_u32_attr irqcap_attr_idle_timeout_ms = {
	.attr = __ATTR(idle_timeout_ms, 0644, irqcap_u32_show, irqcap_u32_store),
	.offset = offsetof(struct irqcap_dev, idle_timeout_ms),
	.max = IRQCAP_IDLE_TIMEOUT_MAX_MS,
	.changed = irqcap_idle_timeout_changed,
};

/* A pending hold-off timer keeps its expiry: at worst one wake-up is late. */
static struct irqcap_u32_attr irqcap_attr_wakeup_holdoff_us = {
	.attr = __ATTR(wakeup_holdoff_us, 0644, irqcap_u32_show, irqcap_u32_store),
	.offset = offsetof(struct irqcap_dev, wakeup_holdoff_us),
	.max = IRQCAP_WAKEUP_HOLDOFF_MAX_US,
};

/* A new limit applies from the next interrupt; a hold in progress ends as it was set. */
static struct irqcap_u32_attr irqcap_attr_storm_limit = {
	.attr = __ATTR(storm_limit, 0644, irqcap_u32_show, irqcap_u32_store),
	.offset = offsetof(struct irqcap_dev, storm_limit),
	.max = IRQCAP_STORM_LIMIT_MAX,
	.changed = irqcap_storm_set_limit,
};

static struct irqcap_u32_attr irqcap_attr_storm_hold_ms = {
	.attr = __ATTR(storm_hold_ms, 0644, irqcap_u32_show, irqcap_u32_store),
	.offset = offsetof(struct irqcap_dev, storm_hold_ms),
	.max = IRQCAP_STORM_HOLD_MAX_MS,
};

static struct attribute *irqcap_attrs[] = {
	&irqcap_counters[0].attr.attr,
	&irqcap_counters[1].attr.attr,
	&irqcap_counters[2].attr.attr,
	&irqcap_counters[3].attr.attr,
	&irqcap_counters[4].attr.attr,
	&irqcap_counters[5].attr.attr,
	&irqcap_counters[6].attr.attr,
	&irqcap_counters[7].attr.attr,
	&dev_attr_dropped.attr,
	&dev_attr_readers.attr,
	&dev_attr_ring_size.attr,
	&dev_attr_irq.attr,
	&dev_attr_rate.attr,
	&dev_attr_rate_avg.attr,
	&dev_attr_bottom_half.attr,
	&irqcap_attr_debounce_us.attr.attr,
	&irqcap_attr_idle_timeout_ms.attr.attr,
	&irqcap_attr_wakeup_holdoff_us.attr.attr,
	&irqcap_attr_storm_limit.attr.attr,
	&irqcap_attr_storm_hold_ms.attr.attr,
	NULL
};

static const struct attribute_group irqcap_group = {
	.attrs = irqcap_attrs,
};

const struct attribute_group *irqcap_groups[] = {
	&irqcap_group,
	NULL
};

static void irqcap_hist_show(struct seq_file *s, const char *name,
			     const long *bucket, s64 max_ns)
{
	unsigned int i;

	seq_printf(s, "%s max_ns %lld\n", name, max_ns);
	for (i = 0; i < IRQCAP_HIST_BUCKETS - 1; i++)
		if (bucket[i])
			seq_printf(s, "%s lt_ns %llu %ld\n", name,
				   i ? 1ULL << i : 1ULL, bucket[i]);
	/* the top bucket has no upper bound: everything from 2^(top-1) ns */
	if (bucket[i])
		seq_printf(s, "%s ge_ns %llu %ld\n", name, 1ULL << (i - 1), bucket[i]);
}

static void irqcap_hist_snapshot(struct irqcap_hist *hist, long *bucket)
{
	unsigned int i;

	for (i = 0; i < IRQCAP_HIST_BUCKETS; i++)
		bucket[i] = atomic_long_read(&hist->bucket[i]);
}

static int irqcap_latency_show(struct seq_file *s, void *unused)
{
	struct irqcap_dev *idev = s->private;
	long bucket[IRQCAP_HIST_BUCKETS];
	unsigned long flags;
	unsigned int i;
	u64 commits;

	/*
	 * Commits of age 0 are not sampled (irqcap_commit_locked()): they are
	 * the commits the other buckets do not count, read under the lock
	 * that serialises the histogram's only writer.
	 */
	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	irqcap_hist_snapshot(&idev->hist_commit, bucket);
	commits = idev->commits;
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	for (i = 1; i < IRQCAP_HIST_BUCKETS; i++)
		commits -= bucket[i];
	bucket[0] = commits;
	irqcap_hist_show(s, "irq_to_commit", bucket,
			 atomic64_read(&idev->hist_commit.max_ns));
	irqcap_hist_snapshot(&idev->hist_read, bucket);
	irqcap_hist_show(s, "irq_to_read", bucket, atomic64_read(&idev->hist_read.max_ns));
	irqcap_hist_snapshot(&idev->hist_wake, bucket);
	irqcap_hist_show(s, "commit_to_read", bucket, atomic64_read(&idev->hist_wake.max_ns));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(irqcap_latency);

static int irqcap_state_show(struct seq_file *s, void *unused)
{
	struct irqcap_dev *idev = s->private;
	unsigned long flags;
	unsigned long reserve, head;
	u64 seqno;

	raw_spin_lock_irqsave(&idev->prod_lock, flags);
	reserve = idev->ring.hdr->reserve;
	head = idev->ring.hdr->head;
	seqno = idev->seqno;
	raw_spin_unlock_irqrestore(&idev->prod_lock, flags);
	seq_printf(s, "reserve %lu\nhead %lu\nseqno %llu\nstorage %s\norder %u\nbytes %zu\n",
		   reserve, head, seqno,
		   idev->ring.plan.kind == IRQCAP_STORE_PAGES ? "pages" : "vmalloc",
		   idev->ring.plan.order, idev->ring.plan.alloc_bytes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(irqcap_state);

void irqcap_debugfs_add(struct irqcap_dev *idev)
{
	idev->debugfs = debugfs_create_dir(idev->name, irqcap_debugfs_root);
	debugfs_create_file("latency", 0400, idev->debugfs, idev,
			    &irqcap_latency_fops);
	debugfs_create_file("state", 0400, idev->debugfs, idev,
			    &irqcap_state_fops);
}

void irqcap_debugfs_remove(struct irqcap_dev *idev)
{
	debugfs_remove_recursive(idev->debugfs);
}

void irqcap_debugfs_init(void)
{
	irqcap_debugfs_root = debugfs_create_dir("irqcap", NULL);
}

void irqcap_debugfs_exit(void)
{
	debugfs_remove_recursive(irqcap_debugfs_root);
}
