// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap - command-line tool for the irqcap interrupt capture driver.
 *
 *   irqcap list
 *   irqcap monitor [DEV...] [--format text|json|csv] [--count N] [--timeout S]
 *   irqcap stats DEV [--watch] [--interval S] [--count N] [--format text|json]
 *   irqcap set DEV KEY VALUE
 *
 * Dependency-free C11 + POSIX.  See irqcap(1) and docs/cli.md.
 *
 * Test hooks (documented): IRQCAP_SYSFS_ROOT (default /sys), IRQCAP_DEV_ROOT
 * (default /dev) and IRQCAP_DEBUGFS_ROOT (default $IRQCAP_SYSFS_ROOT/kernel/debug)
 * let the tool run against a fake tree.  A device node that is a regular file
 * or FIFO is read as a recording of raw struct irqcap_event records; end of
 * file ends that device's stream.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "irqcap.h"	/* src/uapi/irqcap.h, installed as <linux/irqcap.h> */
#include "lib/irqcap-stream.h"	/* the stream rules, shared with tests/ */

#ifndef IRQCAP_TOOL_VERSION
#define IRQCAP_TOOL_VERSION "unknown"
#endif

/* Exit codes (documented in irqcap(1) and docs/cli.md). */
enum {
	EXIT_OK		= 0,	/* success */
	EXIT_ERR	= 1,	/* runtime error: I/O failure, device vanished */
	EXIT_USAGE	= 2,	/* bad command line, unknown key, invalid value */
	EXIT_NODEV	= 3,	/* no such irqcap device / module not loaded */
	EXIT_PERM	= 4,	/* permission denied */
	EXIT_TIMEOUT	= 5,	/* monitor: --timeout expired before --count records */
};

#define MAX_DEVS	64
#define PATH_LEN	512

static const char *prog = "irqcap";

/* ------------------------------------------------------------------ */
/* Environment and paths                                               */

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static const char *sysfs_root(void)
{
	return env_or("IRQCAP_SYSFS_ROOT", "/sys");
}

static const char *dev_root(void)
{
	return env_or("IRQCAP_DEV_ROOT", "/dev");
}

static void debugfs_root(char *buf, size_t len)
{
	const char *v = getenv("IRQCAP_DEBUGFS_ROOT");

	if (v && *v)
		snprintf(buf, len, "%s", v);
	else
		snprintf(buf, len, "%s/kernel/debug", sysfs_root());
}

static void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------------ */
/* Pure helpers (unit-tested in tools/tests/unit.c)                    */

/* Strict decimal unsigned parse: digits only, no sign, no spaces. */
static int parse_u64(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (ULLONG_MAX - (unsigned)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Seconds as a non-negative decimal ("2", "0.5"); returns nanoseconds. */
static int parse_seconds(const char *s, unsigned long long *ns)
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
		whole = whole * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			digits = true;
			frac += (unsigned)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p || !digits)
		return -EINVAL;
	*ns = whole * 1000000000ULL + frac;
	return 0;
}

/*
 * DEV may be "3", "irqcap3" or a path ending in "irqcap3".  Returns the
 * index or -1.  *is_path says whether the spec named a node path.
 */
static int parse_dev_spec(const char *spec, bool *is_path)
{
	const char *base = strrchr(spec, '/');
	unsigned long long n;

	*is_path = base != NULL;
	base = base ? base + 1 : spec;
	if (!*is_path && parse_u64(base, &n) == 0)
		return n < 1000000 ? (int)n : -1;
	if (strncmp(base, "irqcap", 6) != 0)
		return -1;
	if (parse_u64(base + 6, &n) || n >= 1000000)
		return -1;
	/* reject "irqcap007": names have no leading zeros */
	if (base[6] == '0' && base[7])
		return -1;
	return (int)n;
}

/* "1234.000000567" from nanoseconds */
static void fmt_ts(char *buf, size_t len, unsigned long long ns)
{
	snprintf(buf, len, "%llu.%09llu", ns / 1000000000ULL, ns % 1000000000ULL);
}

/* Short human duration: 0ns, 512ns, 1.0us, 16.4us, 2.1ms, 1.07s */
static void fmt_dur(char *buf, size_t len, unsigned long long ns)
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

static const char *event_type_name(unsigned int type)
{
	switch (type) {
	case IRQCAP_EVENT_IRQ:		return "irq";
	case IRQCAP_EVENT_TIMEOUT:	return "timeout";
	case IRQCAP_EVENT_OVERFLOW:	return "overflow";
	case IRQCAP_EVENT_MARKER:	return "marker";
	default:			return "unknown";
	}
}

/* Write s as a JSON string (with quotes). */
static void json_str(FILE *f, const char *s)
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

/* ------------------------------------------------------------------ */
/* Per-stream event bookkeeping (pure)                                 */

struct stream_state {
	struct irqcap_stream chk;	/* the stream rules: seqnos, losses, counts */
	bool have_irq;
	unsigned long long last_irq_ns;	/* timestamp of the last IRQ record */
};

/* What one record means once put in context. */
struct event_view {
	const char *type;
	unsigned long long ts, seqno, data;
	bool have_interval;
	unsigned long long interval_ns;	/* IRQ records: since the previous IRQ */
	unsigned long long lost;	/* OVERFLOW records: records lost */
	unsigned long long seq_gap;	/* interrupts missing before this record */
	unsigned long long gap_from;	/* seqno seen before the gap */
	bool gap_reported;		/* the gap follows an OVERFLOW record */
};

static void stream_account(struct stream_state *st, const struct irqcap_event *ev,
			   struct event_view *v)
{
	struct irqcap_stream_rec r;
	unsigned int bad;

	memset(v, 0, sizeof(*v));
	v->type = event_type_name(ev->type);
	v->ts = ev->timestamp_ns;
	v->seqno = ev->seqno;
	v->data = ev->data;

	bad = irqcap_stream_feed(&st->chk, ev, &r);
	v->seq_gap = r.gap;
	v->gap_from = r.gap_from;
	v->gap_reported = r.gap && r.after_overflow;
	/* seqno went backwards: a new device instance; no interval across it */
	if (bad & IRQCAP_STREAM_V_SEQ_BACK)
		st->have_irq = false;

	switch (ev->type) {
	case IRQCAP_EVENT_IRQ:
		if (st->have_irq && !v->seq_gap && ev->timestamp_ns >= st->last_irq_ns) {
			v->have_interval = true;
			v->interval_ns = ev->timestamp_ns - st->last_irq_ns;
		}
		st->have_irq = true;
		st->last_irq_ns = ev->timestamp_ns;
		break;
	case IRQCAP_EVENT_OVERFLOW:
		v->lost = ev->data;
		/* the IRQ after a loss has no meaningful interval */
		st->have_irq = false;
		break;
	default:
		break;
	}
	/* an interval spanning lost interrupts would be misleading */
	if (v->seq_gap && ev->type != IRQCAP_EVENT_IRQ)
		st->have_irq = false;
}

enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV };

static int parse_format(const char *s, enum fmt *f, bool allow_csv)
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

#define MONITOR_CSV_HEADER \
	"device,type,timestamp_ns,seqno,interval_ns,lost,seq_gap,data"
#define MONITOR_TEXT_HEADER \
	"DEVICE   TIMESTAMP_S           SEQNO  TYPE      INTERVAL_S      NOTE"

static void print_event(FILE *f, enum fmt fmt, const char *dev,
			const struct event_view *v)
{
	char ts[32], iv[32], d[32];

	switch (fmt) {
	case FMT_JSON:
		fputs("{\"device\":", f);
		json_str(f, dev);
		fprintf(f, ",\"type\":\"%s\",\"timestamp_ns\":%llu,\"seqno\":%llu,",
			v->type, v->ts, v->seqno);
		if (v->have_interval)
			fprintf(f, "\"interval_ns\":%llu,", v->interval_ns);
		else
			fputs("\"interval_ns\":null,", f);
		fprintf(f, "\"lost\":%llu,\"seq_gap\":%llu,\"data\":%llu}\n",
			v->lost, v->seq_gap, v->data);
		break;
	case FMT_CSV:
		fprintf(f, "%s,%s,%llu,%llu,", dev, v->type, v->ts, v->seqno);
		if (v->have_interval)
			fprintf(f, "%llu", v->interval_ns);
		fprintf(f, ",%llu,%llu,%llu\n", v->lost, v->seq_gap, v->data);
		break;
	case FMT_TEXT: {
		char line[320];
		size_t o;

		fmt_ts(ts, sizeof(ts), v->ts);
		if (v->have_interval) {
			iv[0] = '+';
			fmt_ts(iv + 1, sizeof(iv) - 1, v->interval_ns);
		} else {
			strcpy(iv, "-");
		}
		o = (size_t)snprintf(line, sizeof(line), "%-8s %-20s %6llu  %-8s  %-14s ",
				     dev, ts, v->seqno, v->type, iv);
		if (v->seq_gap && v->gap_reported)
			o += (size_t)snprintf(line + o, sizeof(line) - o,
					      " seqno jumped %llu -> %llu: %llu interrupt%s lost in the overflow",
					      v->gap_from, v->seqno, v->seq_gap,
					      v->seq_gap == 1 ? "" : "s");
		else if (v->seq_gap)
			o += (size_t)snprintf(line + o, sizeof(line) - o,
					      " LOST %llu interrupt%s (seqno jumped %llu -> %llu)",
					      v->seq_gap, v->seq_gap == 1 ? "" : "s",
					      v->gap_from, v->seqno);
		if (o >= sizeof(line))
			o = sizeof(line) - 1;
		if (!strcmp(v->type, "overflow")) {
			snprintf(line + o, sizeof(line) - o,
				 " LOST %llu record%s (this reader fell behind; the ring overwrote them)",
				 v->lost, v->lost == 1 ? "" : "s");
		} else if (!strcmp(v->type, "timeout")) {
			fmt_ts(d, sizeof(d), v->data);
			snprintf(line + o, sizeof(line) - o,
				 " idle timeout: no interrupt for %ss", d);
		} else if (!strcmp(v->type, "marker")) {
			snprintf(line + o, sizeof(line) - o, " marker value %llu (0x%llx)",
				 v->data, v->data);
		} else if (!strcmp(v->type, "unknown")) {
			snprintf(line + o, sizeof(line) - o,
				 " unknown record type, data %llu", v->data);
		}
		o = strlen(line);
		while (o && line[o - 1] == ' ')
			line[--o] = 0;
		fprintf(f, "%s\n", line);
		break;
	}
	}
}

/* ------------------------------------------------------------------ */
/* Latency histograms (debugfs "latency" file, pure parser)            */

#define HIST_MAX	3
#define HIST_BUCKETS	40

struct hist {
	char name[32];
	unsigned long long max_ns;
	int n;
	unsigned long long lt_ns[HIST_BUCKETS];
	unsigned long long count[HIST_BUCKETS];
	int open_bit;	/* the top bucket "ge_ns 2^open_bit": no upper bound; -1 none */
};

static const char *hist_desc(const char *name)
{
	if (!strcmp(name, "irq_to_commit"))
		return "interrupt -> event committed by the bottom half";
	if (!strcmp(name, "irq_to_read"))
		return "interrupt -> read() returned it to a reader";
	if (!strcmp(name, "commit_to_read"))
		return "event committed -> read() returned (wake-up latency)";
	return "";
}

static struct hist *hist_get(struct hist *h, int *nh, const char *name)
{
	int i;

	for (i = 0; i < *nh; i++)
		if (!strcmp(h[i].name, name))
			return &h[i];
	if (*nh >= HIST_MAX)
		return NULL;
	memset(&h[*nh], 0, sizeof(h[*nh]));
	h[*nh].open_bit = -1;
	snprintf(h[*nh].name, sizeof(h[*nh].name), "%s", name);
	return &h[(*nh)++];
}

/*
 * Lines: "<name> max_ns <N>", "<name> lt_ns <bound> <count>" and, for the
 * top bucket, which has no upper bound, "<name> ge_ns <2^k> <count>"
 * (stored as the bucket below 2^(k+1), flagged open).
 * Returns the number of histograms, or -EINVAL on a malformed line.
 */
static int hist_parse(const char *text, struct hist *h, int max)
{
	int nh = 0;
	const char *line = text;

	(void)max;
	while (*line) {
		char name[32], key[16];
		unsigned long long a, b;
		const char *nl = strchr(line, '\n');
		char buf[160];
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		struct hist *x;
		int k;

		if (len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, line, len);
		buf[len] = 0;
		line = nl ? nl + 1 : line + len;
		if (!len)
			continue;
		k = sscanf(buf, "%31s %15s %llu %llu", name, key, &a, &b);
		if (k < 3)
			return -EINVAL;
		x = hist_get(h, &nh, name);
		if (!x)
			return -EINVAL;
		if (!strcmp(key, "max_ns") && k == 3) {
			x->max_ns = a;
		} else if (!strcmp(key, "lt_ns") && k == 4) {
			if (x->n >= HIST_BUCKETS)
				return -EINVAL;
			x->lt_ns[x->n] = a;
			x->count[x->n] = b;
			x->n++;
		} else if (!strcmp(key, "ge_ns") && k == 4) {
			int bit = 0;

			while (bit < 62 && (1ULL << bit) < a)
				bit++;
			if (x->n >= HIST_BUCKETS || (1ULL << bit) != a)
				return -EINVAL;
			x->open_bit = bit + 1;
			x->lt_ns[x->n] = 1ULL << (bit + 1);
			x->count[x->n] = b;
			x->n++;
		} else {
			return -EINVAL;
		}
	}
	return nh;
}

static unsigned long long hist_count_at(const struct hist *h, unsigned long long bound)
{
	unsigned long long c = 0;
	int i;

	for (i = 0; i < h->n; i++)
		if (h->lt_ns[i] == bound)
			c += h->count[i];
	return c;
}

/* "0ns" for bucket 0, else "[2^(from-1), 2^to)" as "lo..hi" */
static void hist_label(char *label, size_t len, int from, int to)
{
	char lo[32], hi[32];

	if (from == 0 && to == 0) {
		snprintf(label, len, "0ns");
		return;
	}
	fmt_dur(lo, sizeof(lo), from ? 1ULL << (from - 1) : 0);
	fmt_dur(hi, sizeof(hi), 1ULL << to);
	snprintf(label, len, "%s..%s", lo, hi);
}

/* Draw one histogram as text bars; bucket "lt_ns X" covers [X/2, X). */
static void hist_draw(FILE *f, const struct hist *h, int width)
{
	unsigned long long total = 0, peak = 0;
	char m[32], label[80];
	int i, lo_i = -1, hi_i = -1, bit;

	for (i = 0; i < h->n; i++) {
		total += h->count[i];
		if (h->count[i] > peak)
			peak = h->count[i];
	}
	fmt_dur(m, sizeof(m), h->max_ns);
	fprintf(f, "latency %s (%s): %llu samples, max %s\n", h->name,
		hist_desc(h->name), total, m);
	if (!total) {
		fprintf(f, "  (no samples yet)\n");
		return;
	}
	/* draw every power of two between the lowest and highest bucket */
	for (i = 0; i < h->n; i++) {
		if (!h->count[i])
			continue;
		for (bit = 0; bit < 64 && (1ULL << bit) < h->lt_ns[i]; bit++)
			;
		if (lo_i < 0 || bit < lo_i)
			lo_i = bit;
		if (bit > hi_i)
			hi_i = bit;
	}
	for (bit = lo_i; bit <= hi_i; bit++) {
		unsigned long long c = hist_count_at(h, 1ULL << bit);
		int len, run = 0;

		/* a run of 3+ empty buckets becomes one line covering all of it */
		while (!c && bit + run <= hi_i && !hist_count_at(h, 1ULL << (bit + run)))
			run++;
		if (run >= 3) {
			hist_label(label, sizeof(label), bit, bit + run - 1);
			fprintf(f, "  %17s |%*s 0\n", label, width, "");
			bit += run - 1;
			continue;
		}
		if (bit == h->open_bit) {
			char lo[32];

			fmt_dur(lo, sizeof(lo), 1ULL << (bit - 1));
			snprintf(label, sizeof(label), ">=%s", lo);
		} else {
			hist_label(label, sizeof(label), bit, bit);
		}
		len = (int)((c * (unsigned long long)width + peak - 1) / peak);
		fprintf(f, "  %17s |", label);
		for (i = 0; i < len; i++)
			fputc('#', f);
		fprintf(f, "%*s %llu\n", width - len, "", c);
	}
}

static void hist_json(FILE *f, const struct hist *h, int nh)
{
	int i, j;

	fputc('{', f);
	for (i = 0; i < nh; i++) {
		fprintf(f, "%s\"%s\":{\"max_ns\":%llu,\"buckets\":[", i ? "," : "",
			h[i].name, h[i].max_ns);
		for (j = 0; j < h[i].n; j++)
			if (h[i].open_bit > 0 && h[i].lt_ns[j] == 1ULL << h[i].open_bit)
				fprintf(f, "%s{\"ge_ns\":%llu,\"count\":%llu}", j ? "," : "",
					1ULL << (h[i].open_bit - 1), h[i].count[j]);
			else
				fprintf(f, "%s{\"lt_ns\":%llu,\"count\":%llu}", j ? "," : "",
					h[i].lt_ns[j], h[i].count[j]);
		fputs("]}", f);
	}
	fputc('}', f);
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */

struct dev {
	int index;
	char name[24];		/* irqcapN */
	char node[PATH_LEN];	/* /dev/irqcapN (or the path given) */
	char sysdir[PATH_LEN];	/* <sysfs>/class/misc/irqcapN/device */
};

static void dev_init(struct dev *d, int index, const char *node)
{
	memset(d, 0, sizeof(*d));
	d->index = index;
	snprintf(d->name, sizeof(d->name), "irqcap%d", index);
	if (node)
		snprintf(d->node, sizeof(d->node), "%s", node);
	else
		snprintf(d->node, sizeof(d->node), "%s/%s", dev_root(), d->name);
	snprintf(d->sysdir, sizeof(d->sysdir), "%s/class/misc/%s/device",
		 sysfs_root(), d->name);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Indices of every irqcap device in sysfs, sorted.  -errno on failure. */
static int scan_devices(int *idx, int max)
{
	char path[PATH_LEN];
	struct dirent *de;
	DIR *dir;
	int n = 0;

	snprintf(path, sizeof(path), "%s/class/misc", sysfs_root());
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && n < max) {
		bool is_path;
		int i;

		if (strncmp(de->d_name, "irqcap", 6))
			continue;
		i = parse_dev_spec(de->d_name, &is_path);
		if (i >= 0)
			idx[n++] = i;
	}
	closedir(dir);
	qsort(idx, (size_t)n, sizeof(int), cmp_int);
	return n;
}

static void list_names(char *buf, size_t len)
{
	int idx[MAX_DEVS], n, i;
	size_t off = 0;

	buf[0] = 0;
	n = scan_devices(idx, MAX_DEVS);
	for (i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%sirqcap%d",
					i ? " " : "", idx[i]);
}

static void explain_nodev(const char *name)
{
	char names[256];

	list_names(names, sizeof(names));
	if (names[0])
		err("%s: no such device (irqcap devices present: %s)", name, names);
	else
		err("%s: no such device (no irqcap devices at all: is the irqcap module loaded? try 'modprobe irqcap')",
		    name);
}

/* Resolve DEV; prints the error itself.  Returns an exit code. */
static int resolve_dev(const char *spec, struct dev *d)
{
	struct stat sb;
	bool is_path;
	int i = parse_dev_spec(spec, &is_path);

	if (i < 0) {
		err("'%s' is not an irqcap device name (use irqcapN, /dev/irqcapN or N)", spec);
		return EXIT_USAGE;
	}
	dev_init(d, i, is_path ? spec : NULL);
	if (stat(d->sysdir, &sb) != 0) {
		explain_nodev(d->name);
		return EXIT_NODEV;
	}
	return EXIT_OK;
}

/* Read a sysfs attribute, newline stripped.  0 or -errno. */
static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

static int read_attr(const struct dev *d, const char *attr, char *buf, size_t len)
{
	char path[PATH_LEN + 64];

	snprintf(path, sizeof(path), "%s/%s", d->sysdir, attr);
	return read_file(path, buf, len);
}

static unsigned long long attr_u64(const struct dev *d, const char *attr, bool *ok)
{
	char buf[64];
	unsigned long long v;

	if (read_attr(d, attr, buf, sizeof(buf)) || parse_u64(buf, &v)) {
		if (ok)
			*ok = false;
		return 0;
	}
	return v;
}

/* "\_SB_.IQC0 (PRP0001:00)" or "/soc/irqcap@0 (irqcap.0)" or "irqcap.0" */
static void firmware_node(const struct dev *d, char *buf, size_t len)
{
	char path[PATH_LEN + 64], real[PATH_MAX], base[PATH_MAX], fw[256];
	const char *plat = "?";

	if (realpath(d->sysdir, real)) {
		plat = strrchr(real, '/');
		plat = plat ? plat + 1 : real;
	}
	fw[0] = 0;
	snprintf(path, sizeof(path), "%s/firmware_node/path", d->sysdir);
	if (read_file(path, fw, sizeof(fw)) != 0)
		fw[0] = 0;
	if (!fw[0]) {
		char ofroot[PATH_LEN + 64], ofreal[PATH_MAX];

		snprintf(path, sizeof(path), "%s/of_node", d->sysdir);
		snprintf(ofroot, sizeof(ofroot), "%s/firmware/devicetree/base",
			 sysfs_root());
		if (realpath(path, ofreal) && realpath(ofroot, base) &&
		    !strncmp(ofreal, base, strlen(base)))
			snprintf(fw, sizeof(fw), "%s", ofreal[strlen(base)] ?
				 ofreal + strlen(base) : "/");
	}
	if (fw[0])
		snprintf(buf, len, "%.200s (%.200s)", fw, plat);
	else
		snprintf(buf, len, "%.400s", plat);
}

/* Open the node; on failure print a message naming device and cause. */
static int open_dev(const struct dev *d, int flags, int *fd_out)
{
	int fd = open(d->node, flags | O_CLOEXEC);
	int e = errno;

	if (fd >= 0) {
		*fd_out = fd;
		return EXIT_OK;
	}
	switch (e) {
	case EACCES:
	case EPERM:
		err("%s: cannot open %s: %s: the node is root-only (mode 0600) unless the udev rule 60-irqcap-tools.rules gives group 'irqcap' access; run as root, or install irqcap-tools and add yourself to the group ('sudo usermod -aG irqcap $USER', then log in again)",
		    d->name, d->node, strerror(e));
		return EXIT_PERM;
	case ENOENT:
	case ENODEV:
	case ENXIO:
		err("%s: cannot open %s: %s (device gone? 'irqcap list' shows what is there)",
		    d->name, d->node, strerror(e));
		return EXIT_NODEV;
	default:
		err("%s: cannot open %s: %s", d->name, d->node, strerror(e));
		return EXIT_ERR;
	}
}

/*
 * Do the driver behind @fd and this tool speak the same uAPI?  A driver of
 * another ABI says so in INFO, or, when the ioctl numbers moved (ABI 1 used
 * code 0xB6, ABI 2 uses 0xD4), does not know this tool's INFO at all:
 * ENOTTY from a character device.  Recordings (regular files, FIFOs) have
 * no ioctls, which is fine.
 */
static int abi_check(int fd, const char *name)
{
	struct irqcap_info info;
	struct stat st;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, IRQCAP_IOC_INFO, &info) == 0) {
		if (info.abi_version == IRQCAP_ABI_VERSION &&
		    info.event_size == sizeof(struct irqcap_event))
			return EXIT_OK;
		err("%s: the driver speaks uAPI ABI %u with %u-byte records, this tool ABI %d with %zu-byte records: install irqcap-tools and irqcap-dkms of the same version",
		    name, info.abi_version, info.event_size,
		    IRQCAP_ABI_VERSION, sizeof(struct irqcap_event));
		return EXIT_ERR;
	}
	if (errno == ENOTTY && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode)) {
		err("%s: the driver does not know this tool's ioctls (uAPI ABI %d): it speaks another ABI (ABI 1 drivers use ioctl code 0xB6); install irqcap-tools and irqcap-dkms of the same version",
		    name, IRQCAP_ABI_VERSION);
		return EXIT_ERR;
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* Signals                                                             */

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* irqcap list                                                         */

static int cmd_list(int argc, char **argv)
{
	enum fmt fmt = FMT_TEXT;
	int idx[MAX_DEVS], n, i;

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
	n = scan_devices(idx, MAX_DEVS);
	if (n <= 0) {
		err("no irqcap devices found (is the irqcap module loaded? try 'modprobe irqcap'; devices come from firmware: DT compatible or ACPI PRP0001 \"irqcap,event-capture\")");
		return EXIT_NODEV;
	}
	if (fmt == FMT_TEXT)
		printf("%-8s %4s  %-11s %7s %8s %8s %10s %8s  %s\n", "DEVICE", "IRQ",
		       "BOTTOM_HALF", "RING", "RATE/s", "AVG/s", "EVENTS", "DROPPED",
		       "FIRMWARE_NODE");
	for (i = 0; i < n; i++) {
		struct dev d;
		char bh[32], fw[PATH_LEN];

		dev_init(&d, idx[i], NULL);
		if (read_attr(&d, "bottom_half", bh, sizeof(bh)))
			strcpy(bh, "?");
		firmware_node(&d, fw, sizeof(fw));
		if (fmt == FMT_JSON) {
			printf("{\"device\":\"%s\",\"node\":", d.name);
			json_str(stdout, d.node);
			printf(",\"irq\":%llu,\"bottom_half\":", attr_u64(&d, "irq", NULL));
			json_str(stdout, bh);
			printf(",\"ring_size\":%llu,\"rate\":%llu,\"rate_avg\":%llu,\"events_committed\":%llu,\"dropped\":%llu,\"firmware_node\":",
			       attr_u64(&d, "ring_size", NULL), attr_u64(&d, "rate", NULL),
			       attr_u64(&d, "rate_avg", NULL),
			       attr_u64(&d, "events_committed", NULL),
			       attr_u64(&d, "dropped", NULL));
			json_str(stdout, fw);
			printf("}\n");
		} else {
			printf("%-8s %4llu  %-11s %7llu %8llu %8llu %10llu %8llu  %s\n",
			       d.name, attr_u64(&d, "irq", NULL), bh,
			       attr_u64(&d, "ring_size", NULL), attr_u64(&d, "rate", NULL),
			       attr_u64(&d, "rate_avg", NULL),
			       attr_u64(&d, "events_committed", NULL),
			       attr_u64(&d, "dropped", NULL), fw);
		}
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* irqcap monitor                                                      */

struct mon_dev {
	struct dev d;
	int fd;
	bool open;
	struct stream_state st;
	struct irqcap_event buf[256];
	size_t n, pos;
	size_t partial;		/* bytes of a partial record (recordings) */
};

static int cmp_pending(const struct mon_dev *a, const struct mon_dev *b)
{
	unsigned long long x = a->buf[a->pos].timestamp_ns, y = b->buf[b->pos].timestamp_ns;

	return (x > y) - (x < y);
}

/* Read what is available; returns 1 if the stream ended, 0 ok, <0 error. */
static int mon_fill(struct mon_dev *m)
{
	ssize_t r;

	m->n = m->pos = 0;
	r = read(m->fd, m->buf, sizeof(m->buf));
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return -errno;
	}
	if (r == 0)
		return 1;
	if (r % (ssize_t)sizeof(struct irqcap_event))
		m->partial = (size_t)r % sizeof(struct irqcap_event);
	m->n = (size_t)r / sizeof(struct irqcap_event);
	return 0;
}

static int cmd_monitor(int argc, char **argv)
{
	static struct mon_dev mons[MAX_DEVS];
	struct pollfd pfd[MAX_DEVS];
	unsigned long long count = 0, timeout_ns = 0, printed = 0, start, deadline = 0;
	bool have_count = false, have_timeout = false, header = true;
	enum fmt fmt = FMT_TEXT;
	int nm = 0, i, rc, live, ret = EXIT_OK;
	const char *specs[MAX_DEVS], *timeout_arg = "";
	int nspec = 0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
			if (i + 1 >= argc || parse_format(argv[++i], &fmt, true)) {
				err("monitor: --format needs text, json or csv");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--json")) {
			fmt = FMT_JSON;
		} else if (!strcmp(a, "--count") || !strcmp(a, "-n")) {
			if (i + 1 >= argc || parse_u64(argv[++i], &count) || !count) {
				err("monitor: --count needs a positive integer");
				return EXIT_USAGE;
			}
			have_count = true;
		} else if (!strcmp(a, "--timeout") || !strcmp(a, "-t")) {
			if (i + 1 >= argc || parse_seconds(argv[++i], &timeout_ns)) {
				err("monitor: --timeout needs seconds (e.g. 5 or 0.5)");
				return EXIT_USAGE;
			}
			timeout_arg = argv[i];
			have_timeout = true;
		} else if (!strcmp(a, "--no-header")) {
			header = false;
		} else if (a[0] == '-' && a[1]) {
			err("monitor: unknown option '%s' (see 'irqcap --help')", a);
			return EXIT_USAGE;
		} else {
			if (nspec >= MAX_DEVS) {
				err("monitor: too many devices");
				return EXIT_USAGE;
			}
			specs[nspec++] = a;
		}
	}

	if (!nspec) {
		int idx[MAX_DEVS], n = scan_devices(idx, MAX_DEVS);

		if (n <= 0) {
			err("no irqcap devices found (is the irqcap module loaded? try 'modprobe irqcap')");
			return EXIT_NODEV;
		}
		for (i = 0; i < n; i++)
			dev_init(&mons[nm++].d, idx[i], NULL);
	} else {
		for (i = 0; i < nspec; i++) {
			int j;

			rc = resolve_dev(specs[i], &mons[nm].d);
			if (rc)
				return rc;
			for (j = 0; j < nm; j++)
				if (mons[j].d.index == mons[nm].d.index)
					break;
			if (j == nm)
				nm++;
		}
	}
	for (i = 0; i < nm; i++) {
		rc = open_dev(&mons[i].d, O_RDONLY | O_NONBLOCK, &mons[i].fd);
		if (rc) {
			while (i--)
				close(mons[i].fd);
			return rc;
		}
		mons[i].open = true;
		irqcap_stream_init(&mons[i].st.chk, 0);
		rc = abi_check(mons[i].fd, mons[i].d.name);
		if (rc) {
			for (i = 0; i < nm; i++)
				close(mons[i].fd);
			return rc;
		}
	}

	install_signals();
	if (fmt == FMT_TEXT && header)
		puts(MONITOR_TEXT_HEADER);
	else if (fmt == FMT_CSV && header)
		puts(MONITOR_CSV_HEADER);
	fflush(stdout);
	{
		char names[256];
		size_t off = 0;

		for (i = 0; i < nm && off < sizeof(names); i++)
			off += (size_t)snprintf(names + off, sizeof(names) - off, " %s",
						mons[i].d.name);
		if (isatty(STDERR_FILENO))
			fprintf(stderr, "%s: monitoring%s (Ctrl-C to stop)\n", prog, names);
	}

	start = mono_ns();
	if (have_timeout)
		deadline = start + timeout_ns;
	live = nm;
	while (live && !stop_requested && !(have_count && printed >= count)) {
		int wait_ms = -1, npfd = 0, map[MAX_DEVS];

		if (have_timeout) {
			unsigned long long now = mono_ns();

			if (now >= deadline)
				break;
			wait_ms = (int)((deadline - now + 999999) / 1000000);
			if (wait_ms > 1000)
				wait_ms = 1000;	/* no int overflow for long timeouts */
		}
		for (i = 0; i < nm; i++) {
			if (!mons[i].open)
				continue;
			pfd[npfd].fd = mons[i].fd;
			pfd[npfd].events = POLLIN;
			pfd[npfd].revents = 0;
			map[npfd++] = i;
		}
		rc = poll(pfd, (nfds_t)npfd, wait_ms);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			err("poll: %s", strerror(errno));
			ret = EXIT_ERR;
			break;
		}
		if (rc == 0)
			continue;
		/* gather from every ready device, then print merged by time */
		for (i = 0; i < npfd; i++) {
			struct mon_dev *m = &mons[map[i]];

			if (!pfd[i].revents)
				continue;
			rc = mon_fill(m);
			if (rc == 1 || rc == -ENODEV ||
			    (rc == 0 && !m->n && (pfd[i].revents & (POLLHUP | POLLERR)))) {
				if (rc == -ENODEV || (pfd[i].revents & POLLERR)) {
					err("%s: device removed (driver unbound or module unloaded)",
					    m->d.name);
					ret = EXIT_ERR;
				}
				close(m->fd);
				m->open = false;
				live--;
			} else if (rc < 0) {
				err("%s: read %s: %s", m->d.name, m->d.node, strerror(-rc));
				close(m->fd);
				m->open = false;
				live--;
				ret = EXIT_ERR;
			}
			if (m->partial) {
				err("%s: truncated record (%zu bytes) ignored", m->d.name, m->partial);
				m->partial = 0;
			}
		}
		for (;;) {
			struct mon_dev *best = NULL;
			struct event_view v;

			if (have_count && printed >= count)
				break;
			for (i = 0; i < nm; i++)
				if (mons[i].pos < mons[i].n &&
				    (!best || cmp_pending(&mons[i], best) < 0))
					best = &mons[i];
			if (!best)
				break;
			stream_account(&best->st, &best->buf[best->pos++], &v);
			print_event(stdout, fmt, best->d.name, &v);
			printed++;
		}
		fflush(stdout);
	}
	for (i = 0; i < nm; i++)
		if (mons[i].open)
			close(mons[i].fd);

	if (fmt == FMT_TEXT) {
		for (i = 0; i < nm; i++) {
			struct irqcap_stream *s = &mons[i].st.chk;

			fprintf(stderr, "%s: %llu records (%llu irq, %llu timeout, %llu marker, %llu overflow); lost %llu records in overflows; %llu interrupts missing by seqno (%llu not reported by an overflow)\n",
				mons[i].d.name,
				(unsigned long long)s->records, (unsigned long long)s->irqs,
				(unsigned long long)s->timeouts, (unsigned long long)s->markers,
				(unsigned long long)s->overflows, (unsigned long long)s->lost,
				(unsigned long long)s->gap_total,
				(unsigned long long)s->gap_unreported);
		}
	}
	if (ret == EXIT_OK && have_count && printed < count && !stop_requested) {
		if (have_timeout && live) {
			err("timeout: got %llu of %llu records in %s s", printed, count, timeout_arg);
			ret = EXIT_TIMEOUT;
		}
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* irqcap stats                                                        */

static const char *const counter_names[] = {
	"irqs_seen", "events_committed", "debounced", "dropped", "timeouts",
	"overruns", "commits", "readers",
};
#define N_COUNTERS (sizeof(counter_names) / sizeof(counter_names[0]))

static const char *const counter_help[] = {
	"hard interrupts handled (incl. debounced)",
	"interrupt events delivered to the ring",
	"interrupts rejected by debounce_us",
	"records lost by slow readers (all readers)",
	"idle-timeout records emitted",
	"staged events overwritten before commit",
	"bottom-half runs (events are committed in batches)",
	"open readers right now",
};

struct snapshot {
	unsigned long long c[N_COUNTERS];
	bool have[N_COUNTERS];
	unsigned long long ring, irq, rate, rate_avg, debounce_us, idle_ms;
	unsigned long long holdoff_us;	/* wakeup_holdoff_us */
	bool have_holdoff;		/* false: a driver from before wakeup_holdoff_us */
	char bh[32];
	bool ioctl_ok;
	int ioctl_errno;
	unsigned long long t_ns;
};

static int take_snapshot(const struct dev *d, struct snapshot *s)
{
	struct irqcap_stats st;
	unsigned int i;
	int fd;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < N_COUNTERS; i++) {
		bool ok = true;

		s->c[i] = attr_u64(d, counter_names[i], &ok);
		s->have[i] = ok;
	}
	s->ring = attr_u64(d, "ring_size", NULL);
	s->irq = attr_u64(d, "irq", NULL);
	s->rate = attr_u64(d, "rate", NULL);
	s->rate_avg = attr_u64(d, "rate_avg", NULL);
	s->debounce_us = attr_u64(d, "debounce_us", NULL);
	s->idle_ms = attr_u64(d, "idle_timeout_ms", NULL);
	s->have_holdoff = true;
	s->holdoff_us = attr_u64(d, "wakeup_holdoff_us", &s->have_holdoff);
	if (read_attr(d, "bottom_half", s->bh, sizeof(s->bh)))
		strcpy(s->bh, "?");

	/* one consistent snapshot of the producer counters from the driver */
	fd = open(d->node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		s->ioctl_errno = errno;
	} else {
		memset(&st, 0, sizeof(st));
		if (ioctl(fd, IRQCAP_IOC_STATS, &st) == 0) {
			s->ioctl_ok = true;
			s->c[0] = st.irqs_seen;
			s->c[1] = st.events_committed;
			s->c[2] = st.debounced;
			s->c[3] = st.dropped;
			s->c[4] = st.timeouts;
			for (i = 0; i < 5; i++)
				s->have[i] = true;
		} else {
			s->ioctl_errno = errno;
		}
		close(fd);
	}
	s->t_ns = mono_ns();
	for (i = 0; i < N_COUNTERS; i++)
		if (s->have[i])
			return 0;
	return -ENOENT;
}

static int load_hists(const struct dev *d, struct hist *h, int *nh, char *why, size_t wlen)
{
	char root[PATH_LEN], path[PATH_LEN + 64];
	static char text[16384];
	ssize_t n;
	int fd;

	debugfs_root(root, sizeof(root));
	snprintf(path, sizeof(path), "%s/irqcap/%s/latency", root, d->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		if (e == EACCES || e == EPERM)
			snprintf(why, wlen, "%s: %s (debugfs is root-only)", path, strerror(e));
		else
			snprintf(why, wlen, "%s: %s (is debugfs mounted? 'mount -t debugfs none /sys/kernel/debug', as root)",
				 path, strerror(e));
		return -e;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0) {
		snprintf(why, wlen, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	text[n] = 0;
	*nh = hist_parse(text, h, HIST_MAX);
	if (*nh < 0) {
		snprintf(why, wlen, "%s: unexpected format", path);
		return -EINVAL;
	}
	return 0;
}

static void stats_print(const struct dev *d, enum fmt fmt, const struct snapshot *s,
			const struct snapshot *prev, bool with_hist)
{
	struct hist h[HIST_MAX];
	char why[PATH_LEN + 160];
	int nh = 0, hrc = -1;
	unsigned int i;
	double measured = -1;

	if (prev && s->t_ns > prev->t_ns)
		measured = (double)(s->c[1] - prev->c[1]) * 1e9 / (double)(s->t_ns - prev->t_ns);
	why[0] = 0;
	if (with_hist)
		hrc = load_hists(d, h, &nh, why, sizeof(why));

	if (fmt == FMT_JSON) {
		printf("{\"device\":\"%s\",\"irq\":%llu,\"bottom_half\":", d->name, s->irq);
		json_str(stdout, s->bh);
		printf(",\"ring_size\":%llu,\"debounce_us\":%llu,\"idle_timeout_ms\":%llu",
		       s->ring, s->debounce_us, s->idle_ms);
		/* null like a missing counter: older drivers have no hold-off */
		if (s->have_holdoff)
			printf(",\"wakeup_holdoff_us\":%llu", s->holdoff_us);
		else
			printf(",\"wakeup_holdoff_us\":null");
		for (i = 0; i < N_COUNTERS; i++) {
			if (s->have[i])
				printf(",\"%s\":%llu", counter_names[i], s->c[i]);
			else
				printf(",\"%s\":null", counter_names[i]);
		}
		printf(",\"rate\":%llu,\"rate_avg\":%llu", s->rate, s->rate_avg);
		if (measured >= 0)
			printf(",\"rate_measured\":%.3f", measured);
		else
			printf(",\"rate_measured\":null");
		printf(",\"source\":\"%s\",\"latency\":", s->ioctl_ok ? "ioctl" : "sysfs");
		if (hrc == 0)
			hist_json(stdout, h, nh);
		else
			printf("null");
		printf("}\n");
		return;
	}

	printf("%s: irq %llu, bottom_half %s, ring %llu records, debounce_us %llu, idle_timeout_ms %llu",
	       d->name, s->irq, s->bh, s->ring, s->debounce_us, s->idle_ms);
	if (s->have_holdoff)
		printf(", wakeup_holdoff_us %llu\n", s->holdoff_us);
	else
		printf(", wakeup_holdoff_us ?\n");
	for (i = 0; i < N_COUNTERS; i++) {
		if (s->have[i])
			printf("  %-18s %12llu   %s\n", counter_names[i], s->c[i], counter_help[i]);
		else
			printf("  %-18s %12s   %s\n", counter_names[i], "?", counter_help[i]);
	}
	printf("  %-18s %12llu   %s\n", "rate", s->rate, "events/s in the driver's last 1 s window");
	printf("  %-18s %12llu   %s\n", "rate_avg", s->rate_avg, "events/s, smoothed");
	if (measured >= 0)
		printf("  %-18s %12.1f   %s\n", "rate_measured", measured,
		       "events/s since the previous refresh");
	if (!s->ioctl_ok && s->ioctl_errno == ENOTTY)
		printf("  (counters from sysfs only; %s does not know this tool's IRQCAP_IOC_STATS: the driver speaks another uAPI ABI than this tool's %d)\n",
		       d->node, IRQCAP_ABI_VERSION);
	else if (!s->ioctl_ok)
		printf("  (counters from sysfs only; IRQCAP_IOC_STATS on %s: %s)\n",
		       d->node, strerror(s->ioctl_errno));
	if (!with_hist)
		return;
	if (hrc) {
		printf("latency histograms: not available (%s)\n", why);
		return;
	}
	for (i = 0; i < (unsigned int)nh; i++)
		hist_draw(stdout, &h[i], 40);
}

static int cmd_stats(int argc, char **argv)
{
	unsigned long long interval_ns = 1000000000ULL, count = 0, done = 0;
	bool watch = false, have_count = false, with_hist = true;
	enum fmt fmt = FMT_TEXT;
	const char *spec = NULL;
	struct snapshot s, prev;
	struct dev d;
	int i, rc;

	memset(&prev, 0, sizeof(prev));

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--watch") || !strcmp(a, "-w")) {
			watch = true;
		} else if (!strcmp(a, "--interval") || !strcmp(a, "-i")) {
			if (i + 1 >= argc || parse_seconds(argv[++i], &interval_ns) ||
			    interval_ns < 10000000ULL) {
				err("stats: --interval needs seconds >= 0.01");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--count") || !strcmp(a, "-n")) {
			if (i + 1 >= argc || parse_u64(argv[++i], &count) || !count) {
				err("stats: --count needs a positive integer");
				return EXIT_USAGE;
			}
			have_count = true;
		} else if (!strcmp(a, "--format") || !strcmp(a, "-f")) {
			if (i + 1 >= argc || parse_format(argv[++i], &fmt, false)) {
				err("stats: --format needs text or json");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--json")) {
			fmt = FMT_JSON;
		} else if (!strcmp(a, "--no-latency")) {
			with_hist = false;
		} else if (a[0] == '-' && a[1]) {
			err("stats: unknown option '%s' (see 'irqcap --help')", a);
			return EXIT_USAGE;
		} else if (spec) {
			err("stats: one device at a time ('%s' and '%s')", spec, a);
			return EXIT_USAGE;
		} else {
			spec = a;
		}
	}
	if (!spec) {
		err("stats: which device? usage: irqcap stats DEV [--watch]");
		return EXIT_USAGE;
	}
	rc = resolve_dev(spec, &d);
	if (rc)
		return rc;
	if (!watch && !have_count)
		count = 1;
	else if (!watch)
		watch = true;

	install_signals();
	for (;;) {
		if (take_snapshot(&d, &s)) {
			err("%s: cannot read counters in %s", d.name, d.sysdir);
			return done ? EXIT_ERR : EXIT_NODEV;
		}
		if (watch && fmt == FMT_TEXT) {
			if (isatty(STDOUT_FILENO))
				fputs("\033[H\033[2J", stdout);
			else if (done)
				putchar('\n');
		}
		stats_print(&d, fmt, &s, done ? &prev : NULL, with_hist);
		fflush(stdout);
		done++;
		prev = s;
		if ((count && done >= count) || stop_requested || (!watch))
			break;
		{
			struct timespec ts = {
				.tv_sec = (time_t)(interval_ns / 1000000000ULL),
				.tv_nsec = (long)(interval_ns % 1000000000ULL),
			};

			while (nanosleep(&ts, &ts) && errno == EINTR && !stop_requested)
				;
		}
		if (stop_requested)
			break;
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------------ */
/* irqcap set                                                          */

struct setting {
	const char *key;
	const char *alias;
	unsigned long long max;	/* 0: string choice */
	const char *unit;
};

static const char *const bh_choices[] = { "hardirq", "threaded", "tasklet", "workqueue" };

static const struct setting settings[] = {
	{ "bottom_half", "bottom-half", 0, NULL },
	{ "debounce_us", "debounce-us", 1000000ULL, "microseconds" },
	{ "idle_timeout_ms", "idle-timeout-ms", 3600000ULL, "milliseconds (0 = off)" },
	{ "wakeup_holdoff_us", "wakeup-holdoff-us", 100000ULL, "microseconds (0 = off)" },
};

/*
 * Validate KEY VALUE; on success *set points at the setting and canon holds
 * the value to write.  Returns 0 or an exit code with msg filled in.
 */
static int validate_setting(const char *key, const char *value,
			    const struct setting **set, char *canon, size_t clen,
			    char *msg, size_t mlen)
{
	unsigned long long v = 0;
	unsigned int i;
	int rc;

	*set = NULL;
	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (!strcmp(key, settings[i].key) || !strcmp(key, settings[i].alias))
			*set = &settings[i];
	if (!*set) {
		snprintf(msg, mlen, "unknown setting '%s' (settable: bottom_half, debounce_us, idle_timeout_ms, wakeup_holdoff_us)",
			 key);
		return EXIT_USAGE;
	}
	if (!(*set)->max) {
		for (i = 0; i < sizeof(bh_choices) / sizeof(bh_choices[0]); i++)
			if (!strcmp(value, bh_choices[i])) {
				snprintf(canon, clen, "%s", value);
				return 0;
			}
		snprintf(msg, mlen, "bottom_half: '%s' is not a bottom-half mode (one of: hardirq, threaded, tasklet, workqueue)",
			 value);
		return EXIT_USAGE;
	}
	rc = parse_u64(value, &v);
	if (rc == -EINVAL) {
		snprintf(msg, mlen, "%s: '%s' is not a plain decimal integer (expected 0..%llu %s)",
			 (*set)->key, value, (*set)->max, (*set)->unit);
		return EXIT_USAGE;
	}
	if (rc || v > (*set)->max) {
		snprintf(msg, mlen, "%s: %s is out of range (0..%llu %s)", (*set)->key,
			 value, (*set)->max, (*set)->unit);
		return EXIT_USAGE;
	}
	/* canonical decimal: the kernel would read "010" as octal */
	snprintf(canon, clen, "%llu", v);
	return 0;
}

static int cmd_set(int argc, char **argv)
{
	const struct setting *set;
	char canon[32], msg[256], old[64], now[64], path[PATH_LEN + 64];
	struct stat sb;
	struct dev d;
	int rc, fd, e;
	ssize_t w;

	if (argc != 3) {
		err("set: usage: irqcap set DEV KEY VALUE (KEY: bottom_half, debounce_us, idle_timeout_ms, wakeup_holdoff_us)");
		return EXIT_USAGE;
	}
	rc = validate_setting(argv[1], argv[2], &set, canon, sizeof(canon), msg, sizeof(msg));
	if (rc) {
		err("%s", msg);
		return rc;
	}
	rc = resolve_dev(argv[0], &d);
	if (rc)
		return rc;
	if (read_attr(&d, set->key, old, sizeof(old)))
		strcpy(old, "?");
	snprintf(path, sizeof(path), "%s/%s", d.sysdir, set->key);
	/* O_TRUNC like "echo VALUE > attr": sysfs ignores it, plain files need it */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == EACCES || e == EPERM) {
			err("%s: cannot set %s: %s: %s: sysfs settings are writable by root only (try 'sudo irqcap set %s %s %s')",
			    d.name, set->key, path, strerror(e), d.name, set->key, canon);
			return EXIT_PERM;
		}
		if (e == ENOENT && stat(d.sysdir, &sb) == 0) {
			/* the device is there, the attribute is not: an older driver */
			err("%s: cannot set %s: %s: %s (this irqcap driver is too old to have the setting; nothing changed)",
			    d.name, set->key, path, strerror(e));
			return EXIT_USAGE;
		}
		err("%s: cannot set %s: %s: %s", d.name, set->key, path, strerror(e));
		return e == ENOENT ? EXIT_NODEV : EXIT_ERR;
	}
	w = write(fd, canon, strlen(canon));
	e = errno;
	close(fd);
	if (w < 0) {
		if (e == EINVAL || e == ERANGE) {
			err("%s: the driver rejected %s = %s: %s (nothing changed)", d.name,
			    set->key, canon, strerror(e));
			return EXIT_USAGE;
		}
		if (e == EACCES || e == EPERM) {
			err("%s: cannot set %s: %s (run as root)", d.name, set->key, strerror(e));
			return EXIT_PERM;
		}
		err("%s: writing %s to %s: %s", d.name, canon, path, strerror(e));
		return EXIT_ERR;
	}
	if (read_attr(&d, set->key, now, sizeof(now)))
		snprintf(now, sizeof(now), "%s", canon);
	printf("%s: %s: %s -> %s\n", d.name, set->key, old, now);
	return EXIT_OK;
}

/* ------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"usage: irqcap COMMAND [ARGS]\n"
"\n"
"Watch interrupts captured by the irqcap driver (/dev/irqcapN).\n"
"DEV is irqcapN, /dev/irqcapN or just N.\n"
"\n"
"commands:\n"
"  list [--format text|json]\n"
"        every irqcap device: IRQ, bottom half, ring size, rates, drops,\n"
"        firmware node\n"
"  monitor [DEV...] [--format text|json|csv] [--count N] [--timeout S] [--no-header]\n"
"        stream events (all devices when none is named): timestamp, seqno,\n"
"        interval since the device's previous interrupt; losses are shown\n"
"        explicitly.  Stops after N records or S seconds or Ctrl-C.\n"
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

#ifndef IRQCAP_MAIN
#define IRQCAP_MAIN main
#endif

/* "--format=json" -> "--format" "json"; returns the new argc */
static int split_long_opts(int argc, char **argv, char **out)
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

int IRQCAP_MAIN(int argc, char **argv)
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
