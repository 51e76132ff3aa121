// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * irqcap-stream: the one checker of the event-stream rules; see
 * irqcap-stream.h for the rules and the API.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "irqcap-stream.h"

void irqcap_stream_init(struct irqcap_stream *s, unsigned int flags)
{
	memset(s, 0, sizeof(*s));
	s->flags = flags;
}

void irqcap_stream_expect(struct irqcap_stream *s, uint64_t seqno)
{
	s->have_seqno = true;
	s->last_seqno = seqno - 1;
}

static void violation(struct irqcap_stream *s, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (s->first[0])
		return;
	s->first_index = s->records;
	len = snprintf(s->first, sizeof(s->first), "record %llu: ",
		       (unsigned long long)s->records);
	va_start(ap, fmt);
	vsnprintf(s->first + len, sizeof(s->first) - len, fmt, ap);
	va_end(ap);
}

unsigned int irqcap_stream_feed(struct irqcap_stream *s, const struct irqcap_event *ev,
				struct irqcap_stream_rec *r)
{
	struct irqcap_stream_rec rec = { .after_overflow = s->after_overflow };
	unsigned long long seq = ev->seqno;
	uint64_t expect;

	switch (ev->type) {
	case IRQCAP_EVENT_IRQ:
		s->irqs++;
		break;
	case IRQCAP_EVENT_TIMEOUT:
		s->timeouts++;
		break;
	case IRQCAP_EVENT_MARKER:
		s->markers++;
		break;
	case IRQCAP_EVENT_OVERFLOW:
		s->overflows++;
		break;
	case IRQCAP_EVENT_SUSPEND:	/* ABI 3: known, say nothing about seqnos */
	case IRQCAP_EVENT_RESUME:
	case IRQCAP_EVENT_THROTTLED:
		s->others++;
		break;
	default:
		s->others++;
		rec.violations |= IRQCAP_STREAM_V_TYPE;
		violation(s, "type %u unknown", ev->type);
		break;
	}
	if (ev->reserved) {
		rec.violations |= IRQCAP_STREAM_V_RESERVED;
		violation(s, "type %u seqno %llu: reserved %u, not zero", ev->type, seq,
			  ev->reserved);
	}
	if (s->have_ts && ev->timestamp_ns < s->last_ts) {
		rec.violations |= IRQCAP_STREAM_V_TS_BACK;
		s->backward++;
		violation(s, "type %u seqno %llu: timestamp %llu below the previous record's %llu",
			  ev->type, seq, (unsigned long long)ev->timestamp_ns,
			  (unsigned long long)s->last_ts);
	}
	s->have_ts = true;
	s->last_ts = ev->timestamp_ns;

	if (ev->type == IRQCAP_EVENT_OVERFLOW) {
		/* the seqno of the last record read (0 if none): no baseline */
		if (s->have_read && seq != s->last_seqno) {
			rec.violations |= IRQCAP_STREAM_V_OVF_SEQ;
			violation(s, "OVERFLOW seqno %llu, the last record read has %llu",
				  seq, (unsigned long long)s->last_seqno);
		}
		s->lost += ev->data;
		s->pending_lost += ev->data;
		s->after_overflow = true;
		goto out;
	}
	if (ev->type != IRQCAP_EVENT_IRQ && ev->type != IRQCAP_EVENT_TIMEOUT &&
	    ev->type != IRQCAP_EVENT_MARKER)
		goto out;	/* an unknown record says nothing about seqnos */

	if (s->have_seqno) {
		expect = s->last_seqno + (ev->type == IRQCAP_EVENT_IRQ ? 1 : 0);
		if (seq > expect) {
			rec.gap = seq - expect;
			rec.gap_from = s->last_seqno;
			s->gap_total += rec.gap;
			if (rec.gap > s->pending_lost) {
				s->gap_unreported += rec.gap - s->pending_lost;
				rec.violations |= IRQCAP_STREAM_V_GAP;
				s->gaps++;
				violation(s, "type %u: seqno %llu after %llu: %llu interrupts missing, %llu reported lost by OVERFLOW",
					  ev->type, seq, (unsigned long long)s->last_seqno,
					  (unsigned long long)rec.gap,
					  (unsigned long long)s->pending_lost);
			}
		} else if (seq < expect) {
			/* an IRQ record repeating the previous seqno counts too */
			rec.violations |= IRQCAP_STREAM_V_SEQ_BACK;
			violation(s, "type %u: seqno %llu after %llu: went back", ev->type, seq,
				  (unsigned long long)s->last_seqno);
		}
		if ((s->flags & IRQCAP_STREAM_EXACT_LOSS) && s->pending_lost &&
		    rec.gap != s->pending_lost && !(rec.violations & IRQCAP_STREAM_V_GAP)) {
			rec.violations |= IRQCAP_STREAM_V_LOSS;
			violation(s, "type %u: seqno %llu after %llu: OVERFLOW reported %llu lost, the seqnos say %llu",
				  ev->type, seq, (unsigned long long)s->last_seqno,
				  (unsigned long long)s->pending_lost, (unsigned long long)rec.gap);
		}
	}
	s->have_seqno = true;
	s->have_read = true;
	s->last_seqno = seq;
	s->pending_lost = 0;
	s->after_overflow = false;
out:
	if (rec.violations)
		s->bad++;
	s->records++;
	if (r)
		*r = rec;
	return rec.violations;
}

size_t irqcap_stream_feed_n(struct irqcap_stream *s, const struct irqcap_event *ev, size_t n)
{
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		if (irqcap_stream_feed(s, &ev[i], NULL))
			bad++;
	return bad;
}

unsigned int irqcap_stream_finish(struct irqcap_stream *s)
{
	if (!(s->flags & IRQCAP_STREAM_EXACT_LOSS) || !s->pending_lost)
		return 0;
	violation(s, "end: OVERFLOW reported %llu lost, no record after it shows the gap",
		  (unsigned long long)s->pending_lost);
	s->bad++;
	return IRQCAP_STREAM_V_LOSS;
}

const char *irqcap_stream_error(const struct irqcap_stream *s)
{
	return s->first[0] ? s->first : NULL;
}
