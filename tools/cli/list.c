// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap list: every irqcap device with its label, IRQ, settings, rates,
 * drops and firmware node.
 */
#include "cli.h"

#include <stdint.h>
#include <string.h>

static unsigned long long attr(struct irqcap_device *d, const char *key)
{
	uint64_t v;

	return irqcap_device_get_u64(d, key, &v) ? 0 : v;
}

static void list_one(struct irqcap_device *d, enum fmt fmt)
{
	const char *label = irqcap_device_label(d);
	char bh[32], fw[PATH_LEN];

	if (irqcap_device_get(d, "bottom_half", bh, sizeof(bh)))
		strcpy(bh, "?");
	irqcap_device_firmware_node(d, fw, sizeof(fw));
	if (fmt == FMT_JSON) {
		printf("{\"device\":\"%s\",\"label\":", irqcap_device_name(d));
		json_str_or_null(stdout, label);
		fputs(",\"node\":", stdout);
		json_str(stdout, irqcap_device_node(d));
		printf(",\"irq\":%llu,\"bottom_half\":", attr(d, "irq"));
		json_str(stdout, bh);
		printf(",\"ring_size\":%llu,\"rate\":%llu,\"rate_avg\":%llu,\"events_committed\":%llu,\"dropped\":%llu,\"firmware_node\":",
		       attr(d, "ring_size"), attr(d, "rate"), attr(d, "rate_avg"),
		       attr(d, "events_committed"), attr(d, "dropped"));
		json_str(stdout, fw);
		printf("}\n");
		return;
	}
	printf("%-8s %-12s %4llu  %-11s %7llu %8llu %8llu %10llu %8llu  %s\n",
	       irqcap_device_name(d), label ? label : "-", attr(d, "irq"), bh,
	       attr(d, "ring_size"), attr(d, "rate"), attr(d, "rate_avg"),
	       attr(d, "events_committed"), attr(d, "dropped"), fw);
}

int cmd_list(int argc, char **argv)
{
	enum fmt fmt = FMT_TEXT;
	char **names;
	int n, i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (parse_format(argv[++i], &fmt, false)) {
				err("list: unknown format '%s' (text or json)", argv[i]);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--json")) {
			fmt = FMT_JSON;
		} else {
			err("list: unexpected argument '%s' (see 'irqcap --help')", argv[i]);
			return EXIT_USAGE;
		}
	}
	n = irqcap_list_devices(cli_roots(), &names);
	if (n <= 0) {
		if (n == 0)
			irqcap_names_free(names);
		err("no irqcap devices found (is the irqcap module loaded? try 'modprobe irqcap'; devices come from firmware: DT compatible or ACPI PRP0001 \"irqcap,event-capture\")");
		return EXIT_NODEV;
	}
	if (fmt == FMT_TEXT)
		printf("%-8s %-12s %4s  %-11s %7s %8s %8s %10s %8s  %s\n", "DEVICE", "LABEL", "IRQ",
		       "BOTTOM_HALF", "RING", "RATE/s", "AVG/s", "EVENTS", "DROPPED",
		       "FIRMWARE_NODE");
	for (i = 0; i < n; i++) {
		struct irqcap_device *d;

		if (irqcap_device_find(cli_roots(), names[i], &d))
			continue;	/* gone since the scan */
		list_one(d, fmt);
		irqcap_device_free(d);
	}
	irqcap_names_free(names);
	return EXIT_OK;
}
