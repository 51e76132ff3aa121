// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap_gpiosim_bench: puts irqcap on a gpio-sim line for scripts/bench.sh.
 * irqcap binds through "interrupts" or "gpios" firmware properties; a
 * gpio-sim chip made through configfs has no ACPI node an SSDT could point
 * at, and 6.1 has no software-node GPIO lookup.  So this module requests
 * line @irqcap_line of the gpio-sim chip labelled @label as an input (gpio-sim
 * raises a line's interrupt only while it is requested as an input) and
 * registers a platform device "irqcap" whose IRQ resource is that line's
 * interrupt, with "irqcap,trigger" = "both" and a 65536-record ring.  irqcap
 * binds to it by name (its id_table), as board files do.
 *
 * Read-only parameters for the benchmark: irq_cdev (the interrupt of line
 * @cdev_line, which gpio-cdev requests later: the mapping is created here so
 * its number is known) and irq_irqcap.
 */
#include <linux/err.h>
#include <linux/gpio.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/string.h>

static char *label = "irqbench";
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "gpio-sim bank label (configfs \"label\")");
static unsigned int cdev_line;
module_param(cdev_line, uint, 0444);
MODULE_PARM_DESC(cdev_line, "the line gpio-cdev watches");
static unsigned int irqcap_line = 1;
module_param(irqcap_line, uint, 0444);
MODULE_PARM_DESC(irqcap_line, "the line irqcap watches");
static int irq_cdev = -1;
module_param(irq_cdev, int, 0444);
MODULE_PARM_DESC(irq_cdev, "interrupt of cdev_line (read-only)");
static int irq_irqcap = -1;
module_param(irq_irqcap, int, 0444);
MODULE_PARM_DESC(irq_irqcap, "interrupt of irqcap_line (read-only)");

static struct platform_device *bench_pdev;
static unsigned int bench_gpio;

static int match_label(struct gpio_chip *gc, void *data)
{
	return gc->label && !strcmp(gc->label, data);
}

static const struct property_entry bench_props[] = {
	PROPERTY_ENTRY_STRING("irqcap,trigger", "both"),
	PROPERTY_ENTRY_U32("irqcap,ring-size", 65536),
	{ }
};

static int __init irqcap_gpiosim_bench_init(void)
{
	struct platform_device_info info = {
		.name = "irqcap",
		.id = PLATFORM_DEVID_AUTO,
		.properties = bench_props,
		.num_res = 1,
	};
	struct resource res = { .name = "irqcap-gpiosim" };
	struct gpio_chip *gc;
	int ret;

	gc = gpiochip_find(label, match_label);
	if (!gc || cdev_line >= gc->ngpio || irqcap_line >= gc->ngpio)
		return -ENODEV;
	irq_cdev = gpiod_to_irq(gpio_to_desc(gc->base + cdev_line));
	if (irq_cdev < 0)
		return irq_cdev;
	bench_gpio = gc->base + irqcap_line;
	ret = gpio_request_one(bench_gpio, GPIOF_IN, "irqcap-bench");
	if (ret)
		return ret;
	irq_irqcap = gpio_to_irq(bench_gpio);
	if (irq_irqcap < 0) {
		ret = irq_irqcap;
		goto err_gpio;
	}
	res.start = irq_irqcap;
	res.end = irq_irqcap;
	res.flags = IORESOURCE_IRQ;
	info.res = &res;
	bench_pdev = platform_device_register_full(&info);
	if (IS_ERR(bench_pdev)) {
		ret = PTR_ERR(bench_pdev);
		goto err_gpio;
	}
	return 0;

err_gpio:
	gpio_free(bench_gpio);
	return ret;
}
module_init(irqcap_gpiosim_bench_init);

static void __exit irqcap_gpiosim_bench_exit(void)
{
	platform_device_unregister(bench_pdev);
	gpio_free(bench_gpio);
}
module_exit(irqcap_gpiosim_bench_exit);

MODULE_DESCRIPTION("irqcap benchmark: irqcap on a gpio-sim line");
MODULE_LICENSE("GPL");
