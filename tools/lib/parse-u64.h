/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * The strict decimal parse that libirqcap (sysfs values, device names) and
 * the irqcap CLI (option values) share.  A header, not an exported symbol:
 * the CLI links libirqcap.so.1, whose internal functions it cannot call,
 * and a number parser is no part of the library's API.  Not installed.
 */
#ifndef IRQCAP_PARSE_U64_H
#define IRQCAP_PARSE_U64_H

#include <errno.h>
#include <stdint.h>

/* Digits only: no sign, no spaces, no base prefix; -EINVAL or -ERANGE. */
static inline int irqcap_parse_u64_strict(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned int)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	*out = v;
	return 0;
}

#endif /* IRQCAP_PARSE_U64_H */
