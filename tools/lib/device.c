// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libirqcap: finding devices and what sysfs and the ioctls say about them.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const char *root_sysfs(const struct irqcap_roots *roots)
{
	return roots && roots->sysfs && *roots->sysfs ? roots->sysfs : "/sys";
}

static const char *root_dev(const struct irqcap_roots *roots)
{
	return roots && roots->dev && *roots->dev ? roots->dev : "/dev";
}

static int cmp_index(const void *a, const void *b)
{
	int x, y, p;

	x = irqcap__parse_name(*(char *const *)a, &p);
	y = irqcap__parse_name(*(char *const *)b, &p);
	return (x > y) - (x < y);
}

IRQCAP_EXPORT void irqcap_names_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

IRQCAP_EXPORT int irqcap_list_devices(const struct irqcap_roots *roots, char ***namesp)
{
	char path[IRQCAP_PATH_LEN], **names = NULL, **grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int is_path;

	*namesp = NULL;
	snprintf(path, sizeof(path), "%s/class/misc", root_sysfs(roots));
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (irqcap__parse_name(de->d_name, &is_path) < 0 ||
		    strncmp(de->d_name, "irqcap", 6))
			continue;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				goto nomem;
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto nomem;
		names[++n] = NULL;
	}
	closedir(dir);
	if (!names) {
		names = calloc(1, sizeof(*names));
		if (!names)
			return -ENOMEM;
	}
	qsort(names, n, sizeof(*names), cmp_index);
	*namesp = names;
	return (int)n;
nomem:
	closedir(dir);
	if (names)
		names[n] = NULL;
	irqcap_names_free(names);
	return -ENOMEM;
}

/* The label: the driver's sysfs attribute, else the DT node's property. */
static void load_label(struct irqcap_device *d)
{
	char path[IRQCAP_PATH_LEN + 32];

	snprintf(path, sizeof(path), "%s/label", d->sysdir);
	if (irqcap__read_text(path, d->label, sizeof(d->label)) == 0 && d->label[0])
		return;
	snprintf(path, sizeof(path), "%s/of_node/label", d->sysdir);
	if (irqcap__read_text(path, d->label, sizeof(d->label)) != 0)
		d->label[0] = 0;
}

static void device_init(struct irqcap_device *d, const struct irqcap_roots *roots,
			int index, const char *node)
{
	memset(d, 0, sizeof(*d));
	d->index = index;
	snprintf(d->name, sizeof(d->name), "irqcap%d", index);
	snprintf(d->sysfs, sizeof(d->sysfs), "%s", root_sysfs(roots));
	if (node)
		snprintf(d->node, sizeof(d->node), "%s", node);
	else
		snprintf(d->node, sizeof(d->node), "%s/%s", root_dev(roots), d->name);
	snprintf(d->sysdir, sizeof(d->sysdir), "%s/class/misc/%s/device", d->sysfs, d->name);
	load_label(d);
}

/* Which device has this label?  Its index, -ENODEV, or -errno. */
static int find_label(const struct irqcap_roots *roots, const char *label)
{
	struct irqcap_device *d;
	char **names;
	int n, i, found = -ENODEV, is_path;

	n = irqcap_list_devices(roots, &names);
	if (n < 0)
		return n == -ENOENT ? -ENODEV : n;
	d = malloc(sizeof(*d));
	if (!d) {
		irqcap_names_free(names);
		return -ENOMEM;
	}
	for (i = 0; i < n && found < 0; i++) {
		device_init(d, roots, irqcap__parse_name(names[i], &is_path), NULL);
		if (d->label[0] && !strcmp(d->label, label))
			found = d->index;
	}
	free(d);
	irqcap_names_free(names);
	return found;
}

IRQCAP_EXPORT int irqcap_device_find(const struct irqcap_roots *roots, const char *spec,
				     struct irqcap_device **devp)
{
	struct irqcap_device *d;
	char real[PATH_MAX];
	struct stat sb;
	int is_path, i;

	*devp = NULL;
	if (!spec || !*spec)
		return -IRQCAP_E_BADNAME;
	i = irqcap__parse_name(spec, &is_path);
	if (i < 0 && is_path && realpath(spec, real)) {
		/* a link such as /dev/irqcap/by-label/NAME -> ../../irqcap0 */
		int dummy;

		i = irqcap__parse_name(real, &dummy);
	}
	if (i < 0 && !is_path) {
		i = find_label(roots, spec);
		if (i == -ENODEV)
			return -IRQCAP_E_BADNAME;
		if (i < 0)
			return i;
	}
	if (i < 0)
		return -IRQCAP_E_BADNAME;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	device_init(d, roots, i, is_path ? spec : NULL);
	if (stat(d->sysdir, &sb) != 0) {
		free(d);
		return -ENODEV;
	}
	*devp = d;
	return 0;
}

IRQCAP_EXPORT void irqcap_device_free(struct irqcap_device *dev)
{
	free(dev);
}

IRQCAP_EXPORT const char *irqcap_device_name(const struct irqcap_device *dev)
{
	return dev->name;
}

IRQCAP_EXPORT const char *irqcap_device_node(const struct irqcap_device *dev)
{
	return dev->node;
}

IRQCAP_EXPORT const char *irqcap_device_sysfs_dir(const struct irqcap_device *dev)
{
	return dev->sysdir;
}

IRQCAP_EXPORT const char *irqcap_device_label(const struct irqcap_device *dev)
{
	return dev->label[0] ? dev->label : NULL;
}

IRQCAP_EXPORT const char *irqcap_device_errmsg(const struct irqcap_device *dev)
{
	return dev->msg;
}

IRQCAP_EXPORT int irqcap_device_firmware_node(const struct irqcap_device *d, char *buf,
					      size_t len)
{
	char path[IRQCAP_PATH_LEN + 64], real[PATH_MAX], base[PATH_MAX], fw[256];
	const char *plat = "?";

	if (!len)
		return -ERANGE;
	if (realpath(d->sysdir, real)) {
		plat = strrchr(real, '/');
		plat = plat ? plat + 1 : real;
	}
	snprintf(path, sizeof(path), "%s/firmware_node/path", d->sysdir);
	if (irqcap__read_text(path, fw, sizeof(fw)) != 0)
		fw[0] = 0;
	if (!fw[0]) {
		char ofroot[IRQCAP_PATH_LEN + 64], ofreal[PATH_MAX];

		snprintf(path, sizeof(path), "%s/of_node", d->sysdir);
		snprintf(ofroot, sizeof(ofroot), "%s/firmware/devicetree/base", d->sysfs);
		if (realpath(path, ofreal) && realpath(ofroot, base) &&
		    !strncmp(ofreal, base, strlen(base)))
			snprintf(fw, sizeof(fw), "%s", ofreal[strlen(base)] ?
				 ofreal + strlen(base) : "/");
	}
	if (fw[0])
		snprintf(buf, len, "%.200s (%.200s)", fw, plat);
	else
		snprintf(buf, len, "%.400s", plat);
	return 0;
}

IRQCAP_EXPORT int irqcap_device_get(struct irqcap_device *dev, const char *key, char *buf,
				    size_t len)
{
	char path[IRQCAP_PATH_LEN + 64];
	int rc;

	if (!key || !*key || strchr(key, '/'))
		return irqcap__fail(dev->msg, -EINVAL, "%s: '%s' is not an attribute name",
				    dev->name, key ? key : "");
	snprintf(path, sizeof(path), "%s/%s", dev->sysdir, key);
	rc = irqcap__read_text(path, buf, len);
	if (rc)
		return irqcap__fail(dev->msg, rc, "%s: reading %s: %s", dev->name, path,
				    irqcap_strerror(rc));
	return 0;
}

IRQCAP_EXPORT int irqcap_device_get_u64(struct irqcap_device *dev, const char *key,
					uint64_t *value)
{
	char buf[64];
	int rc = irqcap_device_get(dev, key, buf, sizeof(buf));

	if (rc)
		return rc;
	rc = irqcap_parse_u64_strict(buf, value);
	if (rc)
		return irqcap__fail(dev->msg, -EINVAL, "%s: %s: '%s' is not a decimal number",
				    dev->name, key, buf);
	return 0;
}

IRQCAP_EXPORT int irqcap_device_set(struct irqcap_device *dev, const char *key,
				    const char *value)
{
	char path[IRQCAP_PATH_LEN + 64];
	struct stat sb;
	ssize_t w;
	int fd, e;

	if (!key || !*key || strchr(key, '/') || !value)
		return irqcap__fail(dev->msg, -EINVAL, "%s: bad setting", dev->name);
	snprintf(path, sizeof(path), "%s/%s", dev->sysdir, key);
	/* O_TRUNC like "echo VALUE > attr": sysfs ignores it, plain files need it */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT && stat(dev->sysdir, &sb) != 0)
			e = ENODEV;
		return irqcap__fail(dev->msg, -e, "%s: cannot set %s: %s: %s", dev->name, key,
				    path, strerror(e));
	}
	w = write(fd, value, strlen(value));
	e = errno;
	close(fd);
	if (w < 0)
		return irqcap__fail(dev->msg, -e, "%s: the driver rejected %s = %s: %s",
				    dev->name, key, value, strerror(e));
	return 0;
}

/* Open the node for one ioctl. */
static int ioctl_once(struct irqcap_device *dev, unsigned long req, void *arg,
		      const char *what)
{
	int fd = open(dev->node, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;

	if (fd < 0) {
		e = errno;
		return irqcap__fail(dev->msg, -e, "%s: cannot open %s: %s", dev->name,
				    dev->node, strerror(e));
	}
	if (ioctl(fd, req, arg) != 0) {
		e = errno;
		close(fd);
		return irqcap__fail(dev->msg, -e, "%s: %s on %s: %s", dev->name, what,
				    dev->node, strerror(e));
	}
	close(fd);
	return 0;
}

IRQCAP_EXPORT int irqcap_device_info(struct irqcap_device *dev, struct irqcap_info *info)
{
	int rc;

	memset(info, 0, sizeof(*info));
	rc = ioctl_once(dev, IRQCAP_IOC_INFO, info, "IRQCAP_IOC_INFO");
	if (rc)
		return rc;
	if (irqcap__abi_ok(info))
		return irqcap__fail(dev->msg, -IRQCAP_E_ABI,
				    "%s: the driver speaks uAPI ABI %u with %u-byte records, this library ABI %d with %zu-byte records",
				    dev->name, info->abi_version, info->event_size,
				    IRQCAP_ABI_VERSION, sizeof(struct irqcap_event));
	return 0;
}

IRQCAP_EXPORT int irqcap_device_stats(struct irqcap_device *dev, struct irqcap_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	return ioctl_once(dev, IRQCAP_IOC_STATS, stats, "IRQCAP_IOC_STATS");
}

IRQCAP_EXPORT int irqcap_device_source(struct irqcap_device *dev, struct irqcap_source *src)
{
	memset(src, 0, sizeof(*src));
	return ioctl_once(dev, IRQCAP_IOC_SOURCE, src, "IRQCAP_IOC_SOURCE");
}
