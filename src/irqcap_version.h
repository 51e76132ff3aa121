/* SPDX-License-Identifier: GPL-2.0-only */
/* Checked against CHANGELOG by scripts/check-version.sh. */
#ifndef _IRQCAP_VERSION_H
#define _IRQCAP_VERSION_H

#define IRQCAP_VERSION "0.1.0"

#endif /* _IRQCAP_VERSION_H */
