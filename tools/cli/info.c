// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap info DEV: what the driver says about a device through
 * IRQCAP_IOC_INFO and IRQCAP_IOC_SOURCE: ABI, ring, IRQ, trigger, flags,
 * and where the interrupt comes from (firmware node, irqchip, GPIO line).
 */
#include "cli.h"

#include <errno.h>
#include <string.h>

static void trigger_str(char *buf, size_t len, unsigned int t)
{
	snprintf(buf, len, "%s", t == (IRQCAP_TRIGGER_RISING | IRQCAP_TRIGGER_FALLING) ? "both" :
		 t == IRQCAP_TRIGGER_RISING ? "rising" : t == IRQCAP_TRIGGER_FALLING ? "falling" :
		 t ? "other" : "none");
}

static void flags_str(char *buf, size_t len, unsigned int f)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ IRQCAP_INFO_GPIO, "gpio" }, { IRQCAP_INFO_EDGE, "edge" },
		{ IRQCAP_INFO_WAKEUP, "wakeup" }, { IRQCAP_INFO_MMAP, "mmap" },
	};
	size_t o = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]) && o < len; i++)
		if (f & names[i].bit)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," : "", names[i].name);
}

static void print_json(struct irqcap_device *d, int irc, const struct irqcap_info *in, int src,
		       const struct irqcap_source *s)
{
	char t[16], f[64];

	printf("{\"device\":\"%s\",\"label\":", irqcap_device_name(d));
	json_str_or_null(stdout, irqcap_device_label(d));
	if (irc) {
		fputs(",\"info\":null", stdout);
	} else {
		trigger_str(t, sizeof(t), in->trigger);
		flags_str(f, sizeof(f), in->flags);
		printf(",\"info\":{\"abi_version\":%u,\"event_size\":%u,\"ring_size\":%u,\"irq\":%u,\"trigger\":\"%s\",\"flags\":\"%s\",\"mmap_data_offset\":%u}",
		       in->abi_version, in->event_size, in->ring_size, in->irq, t, f,
		       in->mmap_data_offset);
	}
	if (src) {
		fputs(",\"source\":null}\n", stdout);
		return;
	}
	trigger_str(t, sizeof(t), s->trigger);
	fputs(",\"source\":{\"label\":", stdout);
	json_str(stdout, s->label);
	fputs(",\"fwnode\":", stdout);
	json_str(stdout, s->fwnode);
	fputs(",\"irqchip\":", stdout);
	json_str(stdout, s->irqchip);
	fputs(",\"gpiochip\":", stdout);
	json_str(stdout, s->gpiochip);
	printf(",\"hwirq\":%llu,\"gpio_line\":%d,\"trigger\":\"%s\"}}\n",
	       (unsigned long long)s->hwirq, s->gpio_line, t);
}

static void print_text(struct irqcap_device *d, int irc, const char *why,
		       const struct irqcap_info *in, int src, const struct irqcap_source *s)
{
	const char *label = irqcap_device_label(d);
	char t[16], f[64];

	printf("%s%s%s%s\n", irqcap_device_name(d), label ? " (" : "", label ? label : "",
	       label ? ")" : "");
	if (irc) {
		printf("  info: %s\n", why);
	} else {
		trigger_str(t, sizeof(t), in->trigger);
		flags_str(f, sizeof(f), in->flags);
		printf("  abi %u, %u-byte records, ring %u records, irq %u, trigger %s, flags %s",
		       in->abi_version, in->event_size, in->ring_size, in->irq, t, f[0] ? f : "-");
		if (in->mmap_data_offset)
			printf(", mapped records at offset %u", in->mmap_data_offset);
		putchar('\n');
	}
	if (src) {
		printf("  source: %s\n", irqcap_strerror(src));
		return;
	}
	printf("  firmware node %s, irqchip %s, hwirq %llu", s->fwnode[0] ? s->fwnode : "-",
	       s->irqchip[0] ? s->irqchip : "-", (unsigned long long)s->hwirq);
	if (s->gpio_line >= 0)
		printf(", GPIO %s line %d", s->gpiochip, s->gpio_line);
	putchar('\n');
}

int cmd_info(int argc, char **argv)
{
	struct irqcap_source src;
	struct irqcap_info info;
	struct irqcap_device *d;
	enum fmt fmt = FMT_TEXT;
	const char *spec = NULL;
	int i, rc, irc, sourc;
	char why[512];

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f")) {
			if (i + 1 >= argc || parse_format(argv[++i], &fmt, false)) {
				err("info: --format needs text or json");
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--json")) {
			fmt = FMT_JSON;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			err("info: unknown option '%s' (see 'irqcap --help')", argv[i]);
			return EXIT_USAGE;
		} else if (spec) {
			err("info: one device at a time ('%s' and '%s')", spec, argv[i]);
			return EXIT_USAGE;
		} else {
			spec = argv[i];
		}
	}
	if (!spec) {
		err("info: which device? usage: irqcap info DEV");
		return EXIT_USAGE;
	}
	rc = resolve_dev(spec, &d);
	if (rc)
		return rc;
	irc = irqcap_device_info(d, &info);
	if (irc == -EACCES || irc == -EPERM) {
		err("%s (run as root or join the 'irqcap' group)", irqcap_device_errmsg(d));
		irqcap_device_free(d);
		return EXIT_PERM;
	}
	snprintf(why, sizeof(why), "%s", irqcap_device_errmsg(d));
	sourc = irc == -IRQCAP_E_ABI ? irc : irqcap_device_source(d, &src);
	if (fmt == FMT_JSON)
		print_json(d, irc, &info, sourc, &src);
	else
		print_text(d, irc, why, &info, sourc, &src);
	irqcap_device_free(d);
	return irc == -IRQCAP_E_ABI ? EXIT_ERR : EXIT_OK;
}
