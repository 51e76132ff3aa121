// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap: where the interrupt comes from.  The firmware node's "label"
 * (sysfs "label", udev's /dev/irqcap/by-label/NAME), and the description
 * IRQCAP_IOC_SOURCE and IRQCAP_IOC_INFO report: firmware node path, irq
 * chip, hwirq, GPIO chip and line, trigger.  All of it is taken at probe:
 * nothing here changes while the device is bound, and the GPIO chip's
 * strings are copied, so the ioctls never look at another driver's data.
 */
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/irq.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "irqcap.h"

/*
 * A label names the device in /dev/irqcap/by-label/ and in the CLI, so it
 * must be one portable file name (POSIX's portable filename characters
 * A-Z a-z 0-9 . _ -), not starting with '.' or '-' (no "..", no hidden or
 * option-like names), and fit struct irqcap_source's @label.  Return the
 * offending character's offset, or -1 if @s is valid (length checked by
 * the caller).
 */
static int irqcap_label_bad_char(const char *s)
{
	int i;

	for (i = 0; s[i]; i++) {
		if (isalnum(s[i]) || s[i] == '_' ||
		    (i && (s[i] == '.' || s[i] == '-')))
			continue;
		return i;
	}
	return -1;
}

/**
 * irqcap_source_parse_label() - read and check the "label" property
 * @idev: device
 *
 * Return: 0 (no label is fine), or a probe error with a message naming the
 * property.
 */
int irqcap_source_parse_label(struct irqcap_dev *idev)
{
	struct device *dev = idev->dev;
	const char *label = NULL;
	size_t len;
	int ret, bad;

	if (!device_property_present(dev, "label"))
		return 0;
	ret = device_property_read_string(dev, "label", &label);
	if (!ret && !label)
		ret = -EPROTO;
	if (ret)
		return dev_err_probe(dev, ret, "label: must be a string\n");
	len = strlen(label);
	if (!len || len >= sizeof(idev->source.label))
		return dev_err_probe(dev, -EINVAL, "label: \"%s\" must be 1..%zu characters\n",
				     label, sizeof(idev->source.label) - 1);
	bad = irqcap_label_bad_char(label);
	if (bad >= 0)
		return dev_err_probe(dev, -EINVAL,
				     "label: \"%s\" is not a file name: character %d (0x%02x) is not one of A-Z a-z 0-9 _ and, after the first, . -\n",
				     label, bad + 1, (unsigned char)label[bad]);
	strscpy(idev->source.label, label, sizeof(idev->source.label));
	return 0;
}

/**
 * irqcap_source_set_gpio() - note the GPIO the interrupt comes from
 * @idev: device
 * @gpio: the line, requested by the driver (so its chip stays registered
 *	at least until unbind; the strings are copied anyway)
 */
void irqcap_source_set_gpio(struct irqcap_dev *idev, struct gpio_desc *gpio)
{
	struct irqcap_source *src = &idev->source;
#ifdef IRQCAP_HAVE_GPIO_DEVICE
	struct gpio_device *gdev = gpiod_to_gpio_device(gpio);

	/* 6.7: the chip's number space lives in struct gpio_device */
	strscpy(src->gpiochip, gpio_device_get_label(gdev) ?: "", sizeof(src->gpiochip));
	src->gpio_line = desc_to_gpio(gpio) - gpio_device_get_base(gdev);
#else
	struct gpio_chip *gc = gpiod_to_chip(gpio);

	strscpy(src->gpiochip, gc->label ?: "", sizeof(src->gpiochip));
	src->gpio_line = desc_to_gpio(gpio) - gc->base;
#endif
}

/*
 * The controller's name as /proc/interrupts shows it: the chip's
 * irq_print_chip() where it has one (PL061: its device name, "9030000.pl061";
 * its irq_chip has no name), else its name.  irq_print_chip() writes to a
 * seq_file: one on the stack over @buf takes its output, truncated.
 */
static void irqcap_irqchip_name(struct irq_data *d, char *buf, size_t len)
{
	struct seq_file s = { .buf = buf, .size = len - 1 };

	if (!d->chip)
		return;
	if (d->chip->irq_print_chip) {
		d->chip->irq_print_chip(d, &s);
		buf[min(s.count, len - 1)] = 0;
		strscpy(buf, strim(buf), len);
	} else if (d->chip->name) {
		strscpy(buf, d->chip->name, len);
	}
}

/**
 * irqcap_source_init() - describe the interrupt once it is requested, and
 * add the sysfs "label"
 * @idev: device; @irq requested (the trigger is the one in force); before
 *	the misc device is registered
 *
 * The label is not one of the driver's dev_groups: those appear only after
 * probe returns, while udev handles the misc device's "add" event, whose
 * rule reads device/label, as soon as misc_register() sends it (a rebind in
 * the integration guest left /dev/irqcap/by-label/ without the link).  Added
 * here, it exists before that event.
 *
 * Return: 0 or the error of adding the attribute.
 */
int irqcap_source_init(struct irqcap_dev *idev)
{
	struct irqcap_source *src = &idev->source;
	struct fwnode_handle *fwnode = dev_fwnode(idev->dev);
	struct irq_data *d = irq_get_irq_data(idev->irq);

	if (!idev->gpio)
		src->gpio_line = -1;
	/* %pfwf: the full path, "/soc/irqcap@0" or "\_SB.IQC0" */
	if (fwnode)
		snprintf(src->fwnode, sizeof(src->fwnode), "%pfwf", fwnode);
	if (d) {
		src->hwirq = irqd_to_hwirq(d);
		irqcap_irqchip_name(d, src->irqchip, sizeof(src->irqchip));
	}
	src->trigger = irq_get_trigger_type(idev->irq) & IRQ_TYPE_EDGE_BOTH;
	return devm_device_add_group(idev->dev, &irqcap_source_group);
}

static_assert(IRQCAP_TRIGGER_RISING == IRQ_TYPE_EDGE_RISING);
static_assert(IRQCAP_TRIGGER_FALLING == IRQ_TYPE_EDGE_FALLING);

/* IRQCAP_IOC_INFO: one function, so that each feature adds its line. */
void irqcap_info_fill(struct irqcap_dev *idev, struct irqcap_info *info)
{
	info->abi_version = IRQCAP_ABI_VERSION;
	info->event_size = sizeof(struct irqcap_event);
	info->ring_size = idev->ring.size;
	info->irq = idev->irq;
	info->trigger = idev->source.trigger;
	if (idev->gpio)
		info->flags |= IRQCAP_INFO_GPIO;
	info->flags |= irqcap_edge_info_flags(idev);
	if (device_may_wakeup(idev->dev))
		info->flags |= IRQCAP_INFO_WAKEUP;
	info->flags |= IRQCAP_INFO_MMAP;
	info->mmap_data_offset = IRQCAP_RING_DATA_OFFSET;
}

static ssize_t label_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct irqcap_dev *idev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%s\n", idev->source.label);
}
static DEVICE_ATTR_RO(label);

static struct attribute *irqcap_source_attrs[] = {
	&dev_attr_label.attr,
	NULL
};

const struct attribute_group irqcap_source_group = {
	.attrs = irqcap_source_attrs,
};
