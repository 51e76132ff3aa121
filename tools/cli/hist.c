// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap(1): the latency histograms of debugfs's "latency" file: a pure
 * parser, text bars and JSON.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>

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
int hist_parse(const char *text, struct hist *h, int max)
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
void hist_draw(FILE *f, const struct hist *h, int width)
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

void hist_json(FILE *f, const struct hist *h, int nh)
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

