// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libirqcap: errors, names, parsing helpers.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

IRQCAP_EXPORT const char *irqcap_version(void)
{
	return LIBIRQCAP_VERSION;
}

IRQCAP_EXPORT const char *irqcap_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case IRQCAP_E_ABI:
		return "the driver speaks another irqcap uAPI ABI than this library";
	case IRQCAP_E_BADNAME:
		return "not an irqcap device name, path or label";
	case IRQCAP_E_END:
		return "end of the recorded stream";
	case 0:
		return "success";
	default:
		/* strerror() is not thread-safe in general; glibc's is for known codes */
		return strerror(err);
	}
}

static const char *const type_names[] = {
	[IRQCAP_EVENT_IRQ]	= "irq",
	[IRQCAP_EVENT_TIMEOUT]	= "timeout",
	[IRQCAP_EVENT_OVERFLOW]	= "overflow",
	[IRQCAP_EVENT_MARKER]	= "marker",
	[IRQCAP_EVENT_SUSPEND]	= "suspend",
	[IRQCAP_EVENT_RESUME]	= "resume",
	[IRQCAP_EVENT_THROTTLED] = "throttled",
};

IRQCAP_EXPORT const char *irqcap_event_type_name(unsigned int type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]) && type_names[type])
		return type_names[type];
	return "unknown";
}

IRQCAP_EXPORT const char *irqcap_edge_name(unsigned int edge)
{
	switch (edge) {
	case IRQCAP_EDGE_RISING:	return "rising";
	case IRQCAP_EDGE_FALLING:	return "falling";
	default:			return NULL;
	}
}

static const char *const clock_names[] = {
	[IRQCAP_CLOCK_MONOTONIC]	= "monotonic",
	[IRQCAP_CLOCK_BOOTTIME]		= "boottime",
	[IRQCAP_CLOCK_REALTIME]		= "realtime",
	[IRQCAP_CLOCK_TAI]		= "tai",
};

IRQCAP_EXPORT const char *irqcap_clock_name(unsigned int clock)
{
	return clock < 4 ? clock_names[clock] : NULL;
}

IRQCAP_EXPORT int irqcap_clock_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (name && !strcmp(name, clock_names[i]))
			return i;
	return -EINVAL;
}

int irqcap__parse_name(const char *spec, int *is_path)
{
	const char *base = strrchr(spec, '/');
	uint64_t n;

	*is_path = base != NULL;
	base = base ? base + 1 : spec;
	if (!*is_path && irqcap_parse_u64_strict(base, &n) == 0)
		return n < 1000000 ? (int)n : -1;
	if (strncmp(base, "irqcap", 6) != 0)
		return -1;
	if (irqcap_parse_u64_strict(base + 6, &n) || n >= 1000000)
		return -1;
	/* "irqcap007": names have no leading zeros */
	if (base[6] == '0' && base[7])
		return -1;
	return (int)n;
}

int irqcap__read_text(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, e;

	if (!len)
		return -ERANGE;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = 0;
	/* a DT property string ends in NUL; attributes in a newline */
	n = (ssize_t)strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int irqcap__fail(char *msg, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, IRQCAP_MSG_LEN, fmt, ap);
	va_end(ap);
	return err;
}

/*
 * ABI 2 and ABI 3 drivers have the same records and ioctl numbers (ABI 3
 * only fills what ABI 2 had reserved); other ABIs are refused.
 */
int irqcap__abi_ok(const struct irqcap_info *info)
{
	if (info->abi_version >= 2 && info->abi_version <= IRQCAP_ABI_VERSION &&
	    info->event_size == sizeof(struct irqcap_event))
		return 0;
	return -IRQCAP_E_ABI;
}
