// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap - command-line tool for the irqcap interrupt capture driver.
 *
 *   irqcap list
 *   irqcap monitor [DEV...] [--format text|json|csv] [--count N] [--timeout S]
 *                  [--clock C] [--read-mode M]
 *   irqcap stats DEV [--watch] [--interval S] [--count N] [--format text|json]
 *   irqcap set DEV KEY VALUE
 *
 * Built on libirqcap.  See irqcap(1) and docs/cli.md.
 *
 * Test hooks (documented): IRQCAP_SYSFS_ROOT (default /sys), IRQCAP_DEV_ROOT
 * (default /dev) and IRQCAP_DEBUGFS_ROOT (default $IRQCAP_SYSFS_ROOT/kernel/debug)
 * let the tool run against a fake tree.  A device node that is a regular file
 * or FIFO is read as a recording of raw struct irqcap_event records; end of
 * file ends that device's stream.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
"usage: irqcap COMMAND [ARGS]\n"
"\n"
"Watch interrupts captured by the irqcap driver (/dev/irqcapN).\n"
"DEV is irqcapN, /dev/irqcapN, just N, or the device's label.\n"
"\n"
"commands:\n"
"  list [--format text|json]\n"
"        every irqcap device: label, IRQ, bottom half, ring size, rates,\n"
"        drops, firmware node\n"
"  monitor [DEV...] [--format text|json|csv] [--count N] [--timeout S] [--no-header]\n"
"          [--clock monotonic|boottime|realtime|tai] [--read-mode auto|read|mmap]\n"
"        stream events (all devices when none is named): timestamp, seqno,\n"
"        edge, interval since the device's previous interrupt; losses are\n"
"        shown explicitly.  Stops after N records or S seconds or Ctrl-C.\n"
"  stats DEV [--watch] [--interval S] [--count N] [--format text|json] [--no-latency]\n"
"        counters, rates and latency histograms (debugfs, root only)\n"
"  set DEV KEY VALUE\n"
"        bottom_half  hardirq|threaded|tasklet|workqueue\n"
"        debounce_us  0..1000000\n"
"        idle_timeout_ms  0..3600000 (0 = off)\n"
"        wakeup_holdoff_us  0..100000 (0 = off)\n"
"  help, --help, -h      this text\n"
"  version, --version    print the version\n"
"\n"
"exit status: 0 ok, 1 runtime error, 2 usage or invalid value, 3 no such\n"
"device, 4 permission denied, 5 monitor --timeout expired before --count.\n"
"See irqcap(1).\n");
}

/* "--format=json" -> "--format" "json"; returns the new argc */
int split_long_opts(int argc, char **argv, char **out)
{
	int i, n = 0;

	for (i = 0; i < argc; i++) {
		char *eq = argv[i][0] == '-' && argv[i][1] == '-' ? strchr(argv[i], '=') : NULL;

		if (eq && eq != argv[i] + 2) {
			*eq = 0;
			out[n++] = argv[i];
			out[n++] = eq + 1;
		} else {
			out[n++] = argv[i];
		}
	}
	out[n] = NULL;
	return n;
}

int irqcap_cli_main(int argc, char **argv)
{
	const char *cmd;
	char **args = calloc((size_t)argc * 2 + 1, sizeof(char *));

	if (!args) {
		err("out of memory");
		return EXIT_ERR;
	}
	argc = split_long_opts(argc, argv, args);
	argv = args;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
		printf("irqcap %s (uAPI ABI %d)\n", IRQCAP_TOOL_VERSION, IRQCAP_ABI_VERSION);
		return EXIT_OK;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return EXIT_OK;
		}
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(cmd, "monitor") || !strcmp(cmd, "mon"))
		return cmd_monitor(argc - 2, argv + 2);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc - 2, argv + 2);
	if (!strcmp(cmd, "set"))
		return cmd_set(argc - 2, argv + 2);
	err("unknown command '%s' (commands: list, monitor, stats, set; see 'irqcap --help')", cmd);
	return EXIT_USAGE;
}
