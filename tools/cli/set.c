// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * irqcap set DEV KEY VALUE: validated here, written through libirqcap, whose
 * errors are the driver's.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>

static const char *const bh_choices[] = { "hardirq", "threaded", "tasklet", "workqueue" };

const struct setting settings[] = {
	{ "bottom_half", "bottom-half", 0, NULL },
	{ "debounce_us", "debounce-us", 1000000ULL, "microseconds" },
	{ "idle_timeout_ms", "idle-timeout-ms", 3600000ULL, "milliseconds (0 = off)" },
	{ "wakeup_holdoff_us", "wakeup-holdoff-us", 100000ULL, "microseconds (0 = off)" },
};
const unsigned int n_settings = sizeof(settings) / sizeof(settings[0]);

/*
 * Validate KEY VALUE; on success *set points at the setting and canon holds
 * the value to write.  Returns 0 or an exit code with msg filled in.
 */
int validate_setting(const char *key, const char *value, const struct setting **set,
		     char *canon, size_t clen, char *msg, size_t mlen)
{
	unsigned long long v = 0;
	unsigned int i;
	int rc;

	*set = NULL;
	for (i = 0; i < n_settings; i++)
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

int cmd_set(int argc, char **argv)
{
	const struct setting *set;
	char canon[32], msg[256], old[64], now[64];
	struct irqcap_device *d;
	const char *name;
	int rc;

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
	name = irqcap_device_name(d);
	if (irqcap_device_get(d, set->key, old, sizeof(old)))
		strcpy(old, "?");
	rc = irqcap_device_set(d, set->key, canon);
	switch (-rc) {
	case 0:
		if (irqcap_device_get(d, set->key, now, sizeof(now)))
			snprintf(now, sizeof(now), "%s", canon);
		printf("%s: %s: %s -> %s\n", name, set->key, old, now);
		rc = EXIT_OK;
		break;
	case EACCES:
	case EPERM:
		err("%s: sysfs settings are writable by root only (try 'sudo irqcap set %s %s %s')",
		    irqcap_device_errmsg(d), name, set->key, canon);
		rc = EXIT_PERM;
		break;
	case ENOENT:
		/* the device is there, the attribute is not: an older driver */
		err("%s (this irqcap driver is too old to have the setting; nothing changed)",
		    irqcap_device_errmsg(d));
		rc = EXIT_USAGE;
		break;
	case EINVAL:
	case ERANGE:
		err("%s (nothing changed)", irqcap_device_errmsg(d));
		rc = EXIT_USAGE;
		break;
	case ENODEV:
		err("%s (device gone? 'irqcap list' shows what is there)", irqcap_device_errmsg(d));
		rc = EXIT_NODEV;
		break;
	default:
		err("%s", irqcap_device_errmsg(d));
		rc = EXIT_ERR;
		break;
	}
	irqcap_device_free(d);
	return rc;
}
