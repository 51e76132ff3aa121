// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap: capture hardware interrupts as timestamped events for user space.
 *
 * Binds to "irqcap,event-capture" from Device Tree, or from ACPI through
 * PRP0001 and a _DSD "compatible"; all properties are read through
 * device_property_*(), so both are one code path.  Probe is devm-managed
 * end to end; the teardown order follows from the registration order:
 * char device (readers are woken and see the device gone), interrupt,
 * bottom halves, timers, ring storage, device reference.
 */
#include <linux/gpio/consumer.h>
#include <linux/idr.h>
#include <linux/irq.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "irqcap.h"
#include "irqcap_time.h"
#include "irqcap_version.h"

static DEFINE_IDA(irqcap_ida);

static const char * const irqcap_trigger_names[] = {
	"rising", "falling", "both",
};

static const unsigned long irqcap_trigger_flags[] = {
	IRQF_TRIGGER_RISING, IRQF_TRIGGER_FALLING,
	IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING,
};

static int irqcap_read_string_choice(struct device *dev, const char *prop,
				     const char * const *choices, int nr,
				     const char *accepted, int *out)
{
	const char *val = NULL;
	int ret;

	if (!device_property_present(dev, prop))
		return 0;
	ret = device_property_read_string(dev, prop, &val);
	/* 6.1 software nodes may return 0 without a string for a u32 */
	if (!ret && !val)
		ret = -EPROTO;
	if (ret)
		return dev_err_probe(dev, ret, "%s: must be a string, one of %s\n",
				     prop, accepted);
	ret = match_string(choices, nr, val);
	if (ret < 0)
		return dev_err_probe(dev, -EINVAL, "%s: \"%s\" is invalid, expected one of %s\n",
				     prop, val, accepted);
	*out = ret;
	return 0;
}

static int irqcap_read_u32_range(struct device *dev, const char *prop,
				 u32 min, u32 max, u32 *out)
{
	u32 val;
	int ret;

	if (!device_property_present(dev, prop))
		return 0;
	ret = device_property_read_u32(dev, prop, &val);
	if (ret)
		return dev_err_probe(dev, ret, "%s: must be a u32 in %u..%u\n",
				     prop, min, max);
	if (val < min || val > max)
		return dev_err_probe(dev, -ERANGE, "%s: %u is out of range %u..%u\n",
				     prop, val, min, max);
	*out = val;
	return 0;
}

static int irqcap_parse_properties(struct irqcap_dev *idev, u32 *ring_size,
				   int *trigger)
{
	struct device *dev = idev->dev;
	int mode = IRQCAP_BH_THREADED;
	int ret;

	ret = irqcap_read_string_choice(dev, "irqcap,bottom-half", irqcap_bh_names,
					IRQCAP_BH_NR,
					"hardirq, threaded, tasklet, workqueue", &mode);
	if (ret)
		return ret;
	idev->bh_mode = mode;

	*ring_size = IRQCAP_RING_DEFAULT;
	ret = irqcap_read_u32_range(dev, "irqcap,ring-size", IRQCAP_RING_MIN,
				    IRQCAP_RING_MAX, ring_size);
	if (ret)
		return ret;
	if (!irqcap_ring_size_valid(*ring_size))
		return dev_err_probe(dev, -EINVAL,
				     "irqcap,ring-size: %u is not a power of two in %u..%u\n",
				     *ring_size, IRQCAP_RING_MIN, IRQCAP_RING_MAX);

	ret = irqcap_read_u32_range(dev, "irqcap,debounce-us", 0,
				    IRQCAP_DEBOUNCE_MAX_US, &idev->debounce_us);
	if (ret)
		return ret;
	ret = irqcap_read_u32_range(dev, "irqcap,idle-timeout-ms", 0,
				    IRQCAP_IDLE_TIMEOUT_MAX_MS,
				    &idev->idle_timeout_ms);
	if (ret)
		return ret;
	ret = irqcap_read_u32_range(dev, "irqcap,wakeup-holdoff-us", 0,
				    IRQCAP_WAKEUP_HOLDOFF_MAX_US,
				    &idev->wakeup_holdoff_us);
	if (ret)
		return ret;

	*trigger = -1;
	return irqcap_read_string_choice(dev, "irqcap,trigger", irqcap_trigger_names,
					 ARRAY_SIZE(irqcap_trigger_names),
					 "rising, falling, both", trigger);
}

static void irqcap_restore_trigger(void *data)
{
	struct irqcap_dev *idev = data;

	irq_set_irq_type(idev->irq, idev->fw_trigger);
}

/*
 * irqcap,trigger overrides an "interrupts" source's firmware trigger: give
 * the line its firmware trigger back at unbind, after free_irq() (this
 * action is added before the IRQ is requested).  Else the next probe's
 * of_irq_get() finds the mapping's type differing from the node's, which
 * irq_create_fwspec_mapping() refuses ("type mismatch"): a rebind, or a
 * reload of the module, would find no interrupt.  Seen on the arm64 board
 * with interrupts = <3 IRQ_TYPE_EDGE_RISING> and irqcap,trigger = "both".
 */
static int irqcap_keep_fw_trigger(struct irqcap_dev *idev, unsigned int type)
{
	if (type == IRQ_TYPE_NONE || type == (idev->irq_flags & IRQF_TRIGGER_MASK))
		return 0;
	idev->fw_trigger = type;
	return devm_add_action_or_reset(idev->dev, irqcap_restore_trigger, idev);
}

/* The interrupt: "interrupts" first, else a GPIO, as interrupt-cnt does. */
static int irqcap_get_irq(struct platform_device *pdev, struct irqcap_dev *idev,
			  int trigger)
{
	struct device *dev = &pdev->dev;
	struct gpio_desc *gpio;
	unsigned int type;
	int irq;

	irq = platform_get_irq_optional(pdev, 0);
	if (irq < 0 && irq != -ENXIO)
		return dev_err_probe(dev, irq, "failed to get interrupt\n");
	if (irq == -ENXIO) {
		gpio = devm_gpiod_get_optional(dev, NULL, GPIOD_IN);
		if (IS_ERR(gpio))
			return dev_err_probe(dev, PTR_ERR(gpio), "failed to get GPIO\n");
		if (!gpio)
			return dev_err_probe(dev, -ENODEV,
					     "no interrupt: the firmware node needs \"interrupts\" or \"gpios\"\n");
		irq = gpiod_to_irq(gpio);
		if (irq < 0)
			return dev_err_probe(dev, irq, "GPIO cannot interrupt\n");
		idev->gpio = gpio;
		if (trigger < 0)
			trigger = 0; /* a GPIO has no firmware trigger: rising */
	}
	idev->irq = irq;

	type = irq_get_trigger_type(irq);
	if (trigger >= 0) {
		idev->irq_flags = irqcap_trigger_flags[trigger];
		return idev->gpio ? 0 : irqcap_keep_fw_trigger(idev, type);
	}
	/* keep the firmware's trigger; edges only: a level source needs a driver to ack it */
	if (type & IRQ_TYPE_LEVEL_MASK)
		return dev_err_probe(dev, -EINVAL,
				     "irq %d is level-triggered: irqcap captures edges; set irqcap,trigger\n",
				     irq);
	/*
	 * No trigger at all (e.g. interrupts = <3 IRQ_TYPE_NONE>): some chips
	 * keep such a line on handle_bad_irq, which never acks it.  Rising.
	 */
	if (type == IRQ_TYPE_NONE)
		idev->irq_flags = IRQF_TRIGGER_RISING;
	return 0;
}

static void irqcap_ring_release(void *data)
{
	struct irqcap_dev *idev = data;

	/* readers that got past the check of @dead are done with the ring */
	down_write(&idev->lifetime);
	idev->dead = true;
	up_write(&idev->lifetime);
	/* the header page stays until the last file is closed (irqcap_cdev.c) */
	irqcap_ring_free_records(&idev->ring);
}

/*
 * Ring storage, preallocated so the interrupt path never allocates.  Kept
 * out of devm memory because its size picks the allocator; the devm action
 * frees it only after readers are excluded.
 */
static int irqcap_ring_setup(struct irqcap_dev *idev, u32 size)
{
	int ret;

	ret = irqcap_ring_alloc(&idev->ring, size);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return dev_err_probe(idev->dev, ret, "ring of %u records\n", size);
	return devm_add_action_or_reset(idev->dev, irqcap_ring_release, idev);
}

static void irqcap_put_action(void *data)
{
	irqcap_put(data);
}

static void irqcap_ida_free(void *data)
{
	struct irqcap_dev *idev = data;

	ida_free(&irqcap_ida, idev->id);
}

static void irqcap_deferred_stop(void *data)
{
	struct irqcap_dev *idev = data;

	irqcap_bh_kill(idev);
	irqcap_timers_stop(idev);
}

static void irqcap_debugfs_action(void *data)
{
	irqcap_debugfs_remove(data);
}

/* First to run at unbind: no new opens; sleepers wake and see the device gone. */
static void irqcap_misc_unregister(void *data)
{
	struct irqcap_dev *idev = data;

	misc_deregister(&idev->misc);
	WRITE_ONCE(idev->dead, true);
	wake_up_interruptible_all(&idev->wait);
	kill_fasync(&idev->fasync, SIGIO, POLL_HUP);
}

static int irqcap_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct irqcap_dev *idev;
	int trigger, ret;
	u32 ring_size;

	idev = kzalloc(sizeof(*idev), GFP_KERNEL);
	if (!idev)
		return -ENOMEM;
	kref_init(&idev->ref);
	idev->dev = dev;
	raw_spin_lock_init(&idev->prod_lock);
	mutex_init(&idev->cfg_lock);
	init_rwsem(&idev->lifetime);
	init_waitqueue_head(&idev->wait);
	irqcap_bh_init(idev);
	irqcap_timers_init(idev);
	irqcap_pm_init(idev);
	ret = devm_add_action_or_reset(dev, irqcap_put_action, idev);
	if (ret)
		return ret;

	ret = irqcap_parse_properties(idev, &ring_size, &trigger);
	if (ret)
		return ret;
	ret = irqcap_get_irq(pdev, idev, trigger);
	if (ret)
		return ret;
	ret = irqcap_ring_setup(idev, ring_size);
	if (ret)
		return ret;

	ret = ida_alloc(&irqcap_ida, GFP_KERNEL);
	if (ret < 0)
		return ret;
	idev->id = ret;
	ret = devm_add_action_or_reset(dev, irqcap_ida_free, idev);
	if (ret)
		return ret;
	snprintf(idev->name, sizeof(idev->name), "irqcap%d", idev->id);
	platform_set_drvdata(pdev, idev);

	ret = devm_add_action_or_reset(dev, irqcap_deferred_stop, idev);
	if (ret)
		return ret;
	irqcap_debugfs_add(idev);
	ret = devm_add_action_or_reset(dev, irqcap_debugfs_action, idev);
	if (ret)
		return ret;

	/*
	 * IRQF_NO_THREAD: every interrupt is stamped and staged in hard IRQ
	 * context, also where handlers are force-threaded (PREEMPT_RT,
	 * threadirqs), which would merge interrupts that arrive before the
	 * thread runs; see irqcap_capture.c.  No IRQF_ONESHOT: the primary
	 * handler quiets nothing, and masking the line would lose edges.
	 */
	ret = devm_request_threaded_irq(dev, idev->irq, irqcap_hardirq, irqcap_thread,
					idev->irq_flags | IRQF_NO_THREAD,
					idev->name, idev);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request irq %d\n", idev->irq);
	ret = irqcap_pm_setup(idev);
	if (ret)
		return ret;
	/*
	 * Before any reader: a record staged meanwhile says UNKNOWN, which is
	 * true.  The handler reads @edge_mode unlocked; it never changes again.
	 */
	irqcap_edge_setup(idev);
	irqcap_timers_start(idev);

	idev->misc.minor = MISC_DYNAMIC_MINOR;
	idev->misc.name = idev->name;
	idev->misc.fops = &irqcap_fops;
	idev->misc.parent = dev;
	idev->misc.mode = 0600;
	ret = misc_register(&idev->misc);
	if (ret)
		return dev_err_probe(dev, ret, "failed to register /dev/%s\n", idev->name);
	ret = devm_add_action_or_reset(dev, irqcap_misc_unregister, idev);
	if (ret)
		return ret;

	dev_info(dev, "/dev/%s: irq %d, %s bottom half, %u-record ring\n",
		 idev->name, idev->irq, irqcap_bh_names[idev->bh_mode],
		 idev->ring.size);
	return 0;
}

static const struct of_device_id irqcap_of_match[] = {
	{ .compatible = "irqcap,event-capture" },
	{ }
};
MODULE_DEVICE_TABLE(of, irqcap_of_match);

/* board files and KUnit instantiate "irqcap" by name */
static const struct platform_device_id irqcap_id_table[] = {
	{ .name = "irqcap" },
	{ }
};
MODULE_DEVICE_TABLE(platform, irqcap_id_table);

static struct platform_driver irqcap_driver = {
	.probe = irqcap_probe,
	.id_table = irqcap_id_table,
	.driver = {
		.name = "irqcap",
		/* not of_match_ptr(): ACPI PRP0001 matches it with CONFIG_OF=n */
		.of_match_table = irqcap_of_match,
		.dev_groups = irqcap_groups,
		.pm = pm_sleep_ptr(&irqcap_pm_ops),
	},
};

static int __init irqcap_init(void)
{
	int ret;

	ret = irqcap_cdev_init();
	if (ret)
		return ret;
	irqcap_debugfs_init();
	ret = platform_driver_register(&irqcap_driver);
	if (ret) {
		irqcap_debugfs_exit();
		irqcap_cdev_exit();
	}
	return ret;
}
module_init(irqcap_init);

static void __exit irqcap_exit(void)
{
	platform_driver_unregister(&irqcap_driver);
	irqcap_debugfs_exit();
	irqcap_cdev_exit();
	ida_destroy(&irqcap_ida);
}
module_exit(irqcap_exit);

MODULE_DESCRIPTION("Capture hardware interrupts as timestamped events for user space");
MODULE_AUTHOR("irqcap developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(IRQCAP_VERSION);
