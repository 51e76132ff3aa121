// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap(1): what the subcommands share: the test hooks, number and time
 * parsing and formatting, JSON strings, device lookup and opening with the
 * CLI's messages, signals.
 */
#include "cli.h"
#include "../lib/parse-u64.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *prog = "irqcap";

void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

/* The library takes its roots from the caller; the CLI from its test hooks. */
const struct irqcap_roots *cli_roots(void)
{
	static struct irqcap_roots roots;

	roots.sysfs = env_or("IRQCAP_SYSFS_ROOT", "/sys");
	roots.dev = env_or("IRQCAP_DEV_ROOT", "/dev");
	return &roots;
}

void debugfs_root(char *buf, size_t len)
{
	const char *v = getenv("IRQCAP_DEBUGFS_ROOT");

	if (v && *v)
		snprintf(buf, len, "%s", v);
	else
		snprintf(buf, len, "%s/kernel/debug", cli_roots()->sysfs);
}

/* Strict decimal unsigned parse: digits only, no sign, no spaces. */
int parse_u64(const char *s, unsigned long long *out)
{
	uint64_t v;
	int rc = irqcap_parse_u64_strict(s, &v);

	if (!rc)
		*out = v;
	return rc;
}

/* Seconds as a non-negative decimal ("2", "0.5"); returns nanoseconds. */
int parse_seconds(const char *s, unsigned long long *ns)
{
	unsigned long long whole = 0, frac = 0, scale = 100000000ULL;
	const char *p = s;
	bool digits = false;

	if (!s || !*s)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		if (whole > 1000000000ULL)
			return -ERANGE;
		whole = whole * 10 + (unsigned int)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			frac += (unsigned int)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p || !digits)
		return -EINVAL;
	*ns = whole * 1000000000ULL + frac;
	return 0;
}

/* "1234.000000567" from nanoseconds */
void fmt_ts(char *buf, size_t len, unsigned long long ns)
{
	snprintf(buf, len, "%llu.%09llu", ns / 1000000000ULL, ns % 1000000000ULL);
}

/* Short human duration: 0ns, 512ns, 1.0us, 16.4us, 2.1ms, 1.07s */
void fmt_dur(char *buf, size_t len, unsigned long long ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%lluns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", ns / 1e9);
}

/* Write s as a JSON string (with quotes). */
void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void json_str_or_null(FILE *f, const char *s)
{
	if (s)
		json_str(f, s);
	else
		fputs("null", f);
}

int parse_format(const char *s, enum fmt *f, bool allow_csv)
{
	if (!strcmp(s, "text"))
		*f = FMT_TEXT;
	else if (!strcmp(s, "json"))
		*f = FMT_JSON;
	else if (allow_csv && !strcmp(s, "csv"))
		*f = FMT_CSV;
	else
		return -EINVAL;
	return 0;
}

static void explain_nodev(const char *name)
{
	char names[256], **list;
	size_t off = 0;
	int n, i;

	names[0] = 0;
	n = irqcap_list_devices(cli_roots(), &list);
	for (i = 0; i < n && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
					i ? " " : "", list[i]);
	if (n >= 0)
		irqcap_names_free(list);
	if (names[0])
		err("%s: no such device (irqcap devices present: %s)", name, names);
	else
		err("%s: no such device (no irqcap devices at all: is the irqcap module loaded? try 'modprobe irqcap')",
		    name);
}

/* Resolve DEV; prints the error itself.  Returns an exit code. */
int resolve_dev(const char *spec, struct irqcap_device **devp)
{
	const char *base = strrchr(spec, '/');
	unsigned long long n;
	char name[64];
	int rc = irqcap_device_find(cli_roots(), spec, devp);

	if (!rc)
		return EXIT_OK;
	if (rc == -IRQCAP_E_BADNAME) {
		err("'%s' is not an irqcap device name or label (use irqcapN, /dev/irqcapN, N or a label from 'irqcap list')",
		    spec);
		return EXIT_USAGE;
	}
	if (rc == -ENODEV) {
		base = base ? base + 1 : spec;
		if (parse_u64(base, &n) == 0)
			snprintf(name, sizeof(name), "irqcap%llu", n);
		else
			snprintf(name, sizeof(name), "%.60s", base);
		explain_nodev(name);
		return EXIT_NODEV;
	}
	err("%s: %s", spec, irqcap_strerror(rc));
	return EXIT_ERR;
}

/* Open a reader; on failure print a message naming device and cause. */
int open_reader(struct irqcap_device *dev, const struct irqcap_reader_opts *opts,
		struct irqcap_reader **rp)
{
	const char *name = irqcap_device_name(dev), *node = irqcap_device_node(dev);
	int rc = irqcap_reader_open(dev, opts, rp);

	switch (-rc) {
	case 0:
		return EXIT_OK;
	case EACCES:
	case EPERM:
		err("%s: cannot open %s: %s: the node is root-only (mode 0600) unless the udev rule 60-irqcap-tools.rules gives group 'irqcap' access; run as root, or install irqcap-tools and add yourself to the group ('sudo usermod -aG irqcap $USER', then log in again)",
		    name, node, strerror(-rc));
		return EXIT_PERM;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		err("%s: cannot open %s: %s (device gone? 'irqcap list' shows what is there)",
		    name, node, strerror(-rc));
		return EXIT_NODEV;
	case IRQCAP_E_ABI:
		err("%s: install irqcap-tools and irqcap-dkms of the same version",
		    irqcap_device_errmsg(dev));
		return EXIT_ERR;
	case EOPNOTSUPP:
		err("%s (use --read-mode read or auto)", irqcap_device_errmsg(dev));
		return EXIT_USAGE;
	default:
		err("%s", irqcap_device_errmsg(dev));
		return EXIT_ERR;
	}
}

const char *dev_display_name(const struct irqcap_device *dev)
{
	const char *label = irqcap_device_label(dev);

	return label ? label : irqcap_device_name(dev);
}

volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}
