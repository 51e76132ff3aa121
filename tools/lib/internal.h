/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libirqcap internals: shared by device.c, reader.c and misc.c; not installed.
 */
#ifndef IRQCAP_LIB_INTERNAL_H
#define IRQCAP_LIB_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "../include/irqcap/irqcap.h"
#include "parse-u64.h"

#define IRQCAP_PATH_LEN		512
#define IRQCAP_MSG_LEN		512
#define IRQCAP_LABEL_LEN	128

#define IRQCAP_EXPORT	__attribute__((visibility("default")))

struct irqcap_device {
	int index;			/* N of irqcapN */
	char name[24];			/* irqcapN */
	char node[IRQCAP_PATH_LEN];	/* /dev/irqcapN or the path given */
	char sysdir[IRQCAP_PATH_LEN];	/* <sysfs>/class/misc/irqcapN/device */
	char sysfs[IRQCAP_PATH_LEN - 64];	/* the sysfs root */
	char label[IRQCAP_LABEL_LEN];	/* "" when none */
	char msg[IRQCAP_MSG_LEN];	/* the last failure's context */
};

/* "1", "irqcap1", ".../irqcap1": N, or -1.  *is_path: the spec had a '/'. */
int irqcap__parse_name(const char *spec, int *is_path);
/* Strict decimal: 0, -EINVAL, -ERANGE. */
/* Read a small text file, trailing newlines/spaces/NULs removed.  0 or -errno. */
int irqcap__read_text(const char *path, char *buf, size_t len);
/* snprintf into msg (a buffer of IRQCAP_MSG_LEN); returns err. */
int irqcap__fail(char *msg, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ABI check of an INFO answer: 0 or -IRQCAP_E_ABI. */
int irqcap__abi_ok(const struct irqcap_info *info);

#endif /* IRQCAP_LIB_INTERNAL_H */
