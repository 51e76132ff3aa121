// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap(1): one record as text, JSON or CSV.  What a record means (gaps,
 * losses, intervals) comes from libirqcap's struct irqcap_record.
 */
#include "cli.h"

#include <string.h>

void print_text_header(FILE *f, unsigned int clock)
{
	static const char *const cols[] = {
		[IRQCAP_CLOCK_MONOTONIC]	= "TIMESTAMP_S",
		[IRQCAP_CLOCK_BOOTTIME]		= "BOOTTIME_S ",
		[IRQCAP_CLOCK_REALTIME]		= "REALTIME_S ",
		[IRQCAP_CLOCK_TAI]		= "TAI_S      ",
	};

	fprintf(f, "DEVICE   %s           SEQNO  TYPE      INTERVAL_S      NOTE\n",
		cols[clock <= IRQCAP_CLOCK_TAI ? clock : 0]);
}

/* text: the TYPE column shows the edge of an IRQ record, as gpiomon does */
static const char *text_type(const struct irqcap_record *rec)
{
	const char *edge = irqcap_edge_name(rec->ev.edge);

	if (rec->ev.type == IRQCAP_EVENT_IRQ && edge)
		return edge;
	return irqcap_event_type_name(rec->ev.type);
}

static void print_text(FILE *f, const char *dev, const struct irqcap_record *rec)
{
	const struct irqcap_event *e = &rec->ev;
	unsigned long long seq = e->seqno, data = e->data, gap = rec->gap;
	char ts[32], iv[32], d[32], line[320];
	size_t o;

	fmt_ts(ts, sizeof(ts), e->timestamp_ns);
	if (rec->have_interval) {
		iv[0] = '+';
		fmt_ts(iv + 1, sizeof(iv) - 1, rec->interval_ns);
	} else {
		strcpy(iv, "-");
	}
	o = (size_t)snprintf(line, sizeof(line), "%-8s %-20s %6llu  %-8s  %-14s ",
			     dev, ts, seq, text_type(rec), iv);
	if (gap && rec->after_overflow)
		o += (size_t)snprintf(line + o, sizeof(line) - o,
				      " seqno jumped %llu -> %llu: %llu interrupt%s lost in the overflow",
				      (unsigned long long)rec->gap_from, seq, gap,
				      gap == 1 ? "" : "s");
	else if (gap)
		o += (size_t)snprintf(line + o, sizeof(line) - o,
				      " LOST %llu interrupt%s (seqno jumped %llu -> %llu)",
				      gap, gap == 1 ? "" : "s",
				      (unsigned long long)rec->gap_from, seq);
	if (o >= sizeof(line))
		o = sizeof(line) - 1;
	switch (e->type) {
	case IRQCAP_EVENT_IRQ:
		break;
	case IRQCAP_EVENT_OVERFLOW:
		snprintf(line + o, sizeof(line) - o,
			 " LOST %llu record%s (this reader fell behind; the ring overwrote them)",
			 data, data == 1 ? "" : "s");
		break;
	case IRQCAP_EVENT_TIMEOUT:
		fmt_ts(d, sizeof(d), data);
		snprintf(line + o, sizeof(line) - o, " idle timeout: no interrupt for %ss", d);
		break;
	case IRQCAP_EVENT_MARKER:
		snprintf(line + o, sizeof(line) - o, " marker value %llu (0x%llx)", data, data);
		break;
	case IRQCAP_EVENT_SUSPEND:
		snprintf(line + o, sizeof(line) - o, " capture stopped for a system suspend");
		break;
	case IRQCAP_EVENT_RESUME:
		fmt_ts(d, sizeof(d), data);
		snprintf(line + o, sizeof(line) - o, " capture resumed after %ss suspended", d);
		break;
	case IRQCAP_EVENT_THROTTLED:
		fmt_ts(d, sizeof(d), data);
		snprintf(line + o, sizeof(line) - o,
			 " interrupt storm: the line was disabled for %ss (storm_limit)", d);
		break;
	default:
		snprintf(line + o, sizeof(line) - o, " unknown record type, data %llu", data);
		break;
	}
	o = strlen(line);
	while (o && line[o - 1] == ' ')
		line[--o] = 0;
	fprintf(f, "%s\n", line);
}

void print_event(FILE *f, enum fmt fmt, const char *dev, const char *label,
		 const struct irqcap_record *rec)
{
	const struct irqcap_event *e = &rec->ev;
	const char *edge = irqcap_edge_name(e->edge), *clock = irqcap_clock_name(e->clock);

	switch (fmt) {
	case FMT_JSON:
		fputs("{\"device\":", f);
		json_str(f, dev);
		fprintf(f, ",\"type\":\"%s\",\"timestamp_ns\":%llu,\"seqno\":%llu,",
			irqcap_event_type_name(e->type), (unsigned long long)e->timestamp_ns,
			(unsigned long long)e->seqno);
		if (rec->have_interval)
			fprintf(f, "\"interval_ns\":%llu,", (unsigned long long)rec->interval_ns);
		else
			fputs("\"interval_ns\":null,", f);
		fprintf(f, "\"lost\":%llu,\"seq_gap\":%llu,\"data\":%llu,\"edge\":",
			(unsigned long long)rec->lost, (unsigned long long)rec->gap,
			(unsigned long long)e->data);
		json_str_or_null(f, edge);
		fputs(",\"clock\":", f);
		json_str_or_null(f, clock);
		fputs(",\"label\":", f);
		json_str_or_null(f, label);
		fputs("}\n", f);
		break;
	case FMT_CSV:
		fprintf(f, "%s,%s,%llu,%llu,", dev, irqcap_event_type_name(e->type),
			(unsigned long long)e->timestamp_ns, (unsigned long long)e->seqno);
		if (rec->have_interval)
			fprintf(f, "%llu", (unsigned long long)rec->interval_ns);
		fprintf(f, ",%llu,%llu,%llu,%s,%s\n", (unsigned long long)rec->lost,
			(unsigned long long)rec->gap, (unsigned long long)e->data,
			edge ? edge : "", clock ? clock : "");
		break;
	case FMT_TEXT:
		print_text(f, label ? label : dev, rec);
		break;
	}
}
