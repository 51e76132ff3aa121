// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqcap's stable names and source description (issue 17), in the x86
 * integration guest, after irqcap-test.  The board (tests/ssdt.asl):
 * \_SB.IQC0 on IRQ 5 without a label -> /dev/irqcap0, \_SB.IQC1 on IRQ 7
 * labelled "doorbell" -> /dev/irqcap1.
 *
 *   source_ioctl    IRQCAP_IOC_SOURCE of both: label, ACPI path, irq chip
 *                   and hwirq as /proc/interrupts shows them, no GPIO,
 *                   trigger, reserved zero; INFO's trigger and flags
 *   source_sysfs    sysfs label: "doorbell" and ""
 *   source_udev     Debian's systemd-udevd with the packages' rule file
 *                   (/etc/udev/rules.d/60-irqcap.rules): /dev/irqcap/by-label/
 *                   doorbell -> ../../irqcap1, group irqcap, mode 0660; the
 *                   link follows an unbind (gone) and a bind (back)
 *   source_params   the policy defaults as module parameters: values
 *                   checked on write, and a device bound after a change
 *                   gets it (IQC1 has no ring-size property)
 * Built twice by tests/run-integration.sh: 64-bit, and 32-bit (-m32: the
 * ioctls through compat_ioctl; it prints its names with a "32" suffix and
 * skips source_udev and source_params, which test no ioctl).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/uapi/irqcap.h"
#include "guest-util.h"

static char why[512];
static const char *sfx = sizeof(long) == 4 ? "32" : "";

struct board_dev {
	int minor;		/* /dev/irqcapN */
	int irq;
	const char *label;
	const char *fwnode;
};

static const struct board_dev board[] = {
	{ 0, 5, "", "\\_SB.IQC0" },
	{ 1, 7, "doorbell", "\\_SB.IQC1" },
};

/*
 * /proc/interrupts' line of @irq: "  7:  0  1  IO-APIC  7-edge  irqcap1":
 * the chip name and the hwirq after the per-CPU counts.
 */
static bool proc_interrupts_chip(int irq, char *chip, size_t len, unsigned long long *hwirq)
{
	char line[512], *tok, *save;
	FILE *f = fopen("/proc/interrupts", "r");
	bool found = false;
	int ncpu = 0;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		for (tok = strtok_r(line, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
			ncpu++;
	while (!found && fgets(line, sizeof(line), f)) {
		tok = strtok_r(line, " \t\n", &save);
		if (!tok || atoi(tok) != irq || tok[strlen(tok) - 1] != ':')
			continue;
		for (int i = 0; i < ncpu && tok; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			break;
		snprintf(chip, len, "%s", tok);
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			break;
		*hwirq = strtoull(tok, NULL, 10);
		found = true;
	}
	fclose(f);
	return found;
}

static bool zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

static bool t_source_ioctl(void)
{
	for (unsigned int i = 0; i < sizeof(board) / sizeof(board[0]); i++) {
		const struct board_dev *b = &board[i];
		struct irqcap_source src;
		struct irqcap_info info;
		unsigned long long hwirq = ~0ull;
		char path[32], chip[64] = "";
		int fd;

		snprintf(path, sizeof(path), "/dev/irqcap%d", b->minor);
		fd = open(path, O_RDONLY);
		CHECK(fd >= 0, "open %s: %s", path, strerror(errno));
		memset(&src, 0xa5, sizeof(src));
		CHECK(ioctl(fd, IRQCAP_IOC_SOURCE, &src) == 0, "%s SOURCE: %s", path, strerror(errno));
		CHECK(ioctl(fd, IRQCAP_IOC_INFO, &info) == 0, "%s INFO: %s", path, strerror(errno));
		close(fd);
		CHECK(terminated(src.label, sizeof(src.label)) &&
		      terminated(src.fwnode, sizeof(src.fwnode)) &&
		      terminated(src.irqchip, sizeof(src.irqchip)) &&
		      terminated(src.gpiochip, sizeof(src.gpiochip)), "%s: a string is not terminated", path);
		CHECK(!strcmp(src.label, b->label), "%s label \"%s\", expected \"%s\"",
		      path, src.label, b->label);
		CHECK(!strcmp(src.fwnode, b->fwnode), "%s fwnode \"%s\", expected \"%s\"",
		      path, src.fwnode, b->fwnode);
		CHECK(proc_interrupts_chip(b->irq, chip, sizeof(chip), &hwirq),
		      "irq %d not in /proc/interrupts", b->irq);
		CHECK(!strcmp(src.irqchip, chip), "%s irqchip \"%s\", /proc/interrupts \"%s\"",
		      path, src.irqchip, chip);
		/* the I/O APIC's pin: the ISA line pc-testdev drives */
		CHECK(src.hwirq == hwirq && hwirq == (unsigned int)b->irq,
		      "%s hwirq %llu, /proc/interrupts %llu, expected %d", path,
		      (unsigned long long)src.hwirq, hwirq, b->irq);
		CHECK(src.gpiochip[0] == 0 && src.gpio_line == -1, "%s gpio \"%s\" line %d",
		      path, src.gpiochip, src.gpio_line);
		/* _CRS: Edge, ActiveHigh */
		CHECK(src.trigger == IRQCAP_TRIGGER_RISING, "%s trigger %#x", path, src.trigger);
		CHECK(zero(src.reserved, sizeof(src.reserved)), "%s reserved not zero", path);
		/* the bytes after each string's NUL are the kernel's zeroes, not ours */
		CHECK(zero(src.label + strlen(src.label), sizeof(src.label) - strlen(src.label)) &&
		      zero(src.fwnode + strlen(src.fwnode), sizeof(src.fwnode) - strlen(src.fwnode)),
		      "%s: bytes after a string not zero", path);
		CHECK(info.trigger == IRQCAP_TRIGGER_RISING, "%s INFO trigger %#x", path, info.trigger);
		CHECK(!(info.flags & IRQCAP_INFO_GPIO), "%s INFO flags %#x: GPIO", path, info.flags);
		CHECK(info.irq == (unsigned int)b->irq, "%s INFO irq %u", path, info.irq);
		printf("# %s: label \"%s\" fwnode %s irqchip %s hwirq %llu trigger %u\n", path,
		       src.label, src.fwnode, src.irqchip, (unsigned long long)src.hwirq, src.trigger);
	}
	return true;
}

static bool t_source_sysfs(void)
{
	char p[256], v[128];
	FILE *f;

	for (unsigned int i = 0; i < sizeof(board) / sizeof(board[0]); i++) {
		sysfs_path(board[i].minor, "label", p, sizeof(p));
		f = fopen(p, "r");
		CHECK(f, "%s: %s", p, strerror(errno));
		v[0] = 0;
		CHECK(fgets(v, sizeof(v), f), "%s: empty", p);
		fclose(f);
		CHECK(strlen(v) && v[strlen(v) - 1] == '\n', "%s: \"%s\" has no newline", p, v);
		v[strlen(v) - 1] = 0;
		CHECK(!strcmp(v, board[i].label), "%s \"%s\", expected \"%s\"", p, v, board[i].label);
		/* root opens a 0444 sysfs file; the write has no store to reach */
		CHECK(write_file(p, "x") < 0, "%s is writable", p);
	}
	return true;
}

#define IRQCAP_GID	990
static const char *link_path = "/dev/irqcap/by-label/doorbell";

/*
 * The link exists (@want) or not once udev has handled every uevent (settle
 * compares udevd's last handled seqnum with the kernel's).  If not, what udev
 * recorded for the device, as "# " lines.
 */
static bool link_state(bool want)
{
	struct stat st;

	system("udevadm settle --timeout=10");
	if ((lstat(link_path, &st) == 0) == want)
		return true;
	system("udevadm info --query=all --name=irqcap1 2>&1 | sed 's/^/# udev: /';"
	       "echo \"# label now: $(cat /sys/class/misc/irqcap1/device/label)\"");
	return false;
}

static bool udev_checks(void)
{
	char target[256], name[64];
	struct irqcap_source src;
	struct stat st;
	ssize_t n;
	int fd;

	if (access("/bin/udevadm", X_OK)) {
		printf("# source_udev: no udevadm in this guest\n");
		CHECK(0, "udevadm missing from the initramfs");
	}
	/* udevd hears the kernel's uevents on a netlink socket */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0 && (errno == ENOSYS || errno == EAFNOSUPPORT))
		GUEST_SKIP("this kernel has no netlink sockets (the debug kernels: CONFIG_NET=n), udevd cannot run");
	if (fd >= 0)
		close(fd);
	CHECK(system("/lib/systemd/systemd-udevd --daemon --resolve-names=late") == 0, "udevd");
	CHECK(system("udevadm trigger --action=add --subsystem-match=misc") == 0, "trigger");
	CHECK(link_state(true), "%s missing after udevadm settle", link_path);
	n = readlink(link_path, target, sizeof(target) - 1);
	CHECK(n > 0, "readlink: %s", strerror(errno));
	target[n] = 0;
	CHECK(!strcmp(target, "../../irqcap1"), "%s -> %s", link_path, target);
	fd = open(link_path, O_RDONLY);
	CHECK(fd >= 0, "open %s: %s", link_path, strerror(errno));
	CHECK(ioctl(fd, IRQCAP_IOC_SOURCE, &src) == 0 && !strcmp(src.label, "doorbell"),
	      "the link's device says label \"%s\"", src.label);
	close(fd);
	/*
	 * the packages' other rule: the irqcap group may read (gid 990 in the
	 * /etc/group of tests/lib/udev.sh; getgrnam() in a static program
	 * would want glibc's shared NSS modules)
	 */
	CHECK(stat("/dev/irqcap1", &st) == 0 && st.st_gid == IRQCAP_GID &&
	      (st.st_mode & 0777) == 0660, "/dev/irqcap1 gid %u mode %o", st.st_gid,
	      st.st_mode & 0777);
	/* only the labelled device has a link */
	CHECK(system("test $(ls /dev/irqcap/by-label | wc -l) = 1") == 0,
	      "other links in /dev/irqcap/by-label");
	CHECK(platform_name(1, name, sizeof(name)) == 0, "no platform device");
	CHECK(write_file("/sys/bus/platform/drivers/irqcap/unbind", name) == 0, "unbind");
	CHECK(link_state(false), "%s still there after unbind", link_path);
	CHECK(write_file("/sys/bus/platform/drivers/irqcap/bind", name) == 0, "bind");
	CHECK(link_state(true), "%s missing after bind", link_path);
	system("ls -l /dev/irqcap/by-label | sed 's/^/# /'");
	return true;
}

/* udevd runs for this test only: what runs next (the CLI tests) meets no udev */
static bool t_source_udev(void)
{
	bool ok = udev_checks();

	system("udevadm control --exit");
	return ok;
}

static bool t_source_params(void)
{
	const char *rs = "/sys/module/irqcap/parameters/ring_size";
	const char *bh = "/sys/module/irqcap/parameters/bottom_half";
	char name[64], v[32] = "";
	FILE *f;

	CHECK(read_ll(rs) == 1024, "ring_size parameter %lld", read_ll(rs));
	CHECK(write_file(rs, "1000") == -ERANGE, "ring_size 1000 accepted");
	CHECK(write_file(rs, "8") == -ERANGE, "ring_size 8 accepted");
	CHECK(write_file(rs, "2097152") == -ERANGE, "ring_size 2097152 accepted");
	CHECK(write_file(rs, "0x800") == -EINVAL, "ring_size 0x800 accepted");
	CHECK(read_ll(rs) == 1024, "ring_size changed to %lld", read_ll(rs));
	CHECK(write_file(bh, "fast") == -EINVAL, "bottom_half fast accepted");
	f = fopen(bh, "r");
	CHECK(f && fgets(v, sizeof(v), f) && !strcmp(v, "hardirq\n"), "bottom_half \"%s\"", v);
	fclose(f);
	CHECK(write_file("/sys/module/irqcap/parameters/idle_timeout_ms", "3600001") == -ERANGE,
	      "idle_timeout_ms 3600001 accepted");
	CHECK(write_file("/sys/module/irqcap/parameters/wakeup_holdoff_us", "100001") == -ERANGE,
	      "wakeup_holdoff_us 100001 accepted");
	/* a device bound from now on gets the new default; IQC0's property wins */
	CHECK(write_file(rs, "2048") == 0, "ring_size 2048 refused");
	CHECK(write_file(bh, "tasklet") == 0, "bottom_half tasklet refused");
	CHECK(write_file("/sys/module/irqcap/parameters/wakeup_holdoff_us", "50") == 0,
	      "wakeup_holdoff_us 50 refused");
	CHECK(platform_name(1, name, sizeof(name)) == 0, "no platform device");
	CHECK(write_file("/sys/bus/platform/drivers/irqcap/unbind", name) == 0, "unbind");
	CHECK(write_file("/sys/bus/platform/drivers/irqcap/bind", name) == 0, "bind");
	write_file(rs, "1024");
	write_file(bh, "hardirq");
	write_file("/sys/module/irqcap/parameters/wakeup_holdoff_us", "0");
	CHECK(sysfs_get(1, "ring_size") == 2048, "irqcap1 ring_size %lld after rebind",
	      sysfs_get(1, "ring_size"));
	CHECK(sysfs_get(1, "wakeup_holdoff_us") == 50, "irqcap1 wakeup_holdoff_us %lld",
	      sysfs_get(1, "wakeup_holdoff_us"));
	/* irqcap,bottom-half "workqueue" in IQC1's _DSD wins over the parameter */
	f = fopen("/sys/class/misc/irqcap1/device/bottom_half", "r");
	CHECK(f && fgets(v, sizeof(v), f) && !strcmp(v, "workqueue\n"), "bottom_half \"%s\"", v);
	fclose(f);
	CHECK(sysfs_get(0, "ring_size") == 256, "irqcap0 ring_size %lld", sysfs_get(0, "ring_size"));
	/* back to the board's values for whatever runs next */
	CHECK(write_file("/sys/bus/platform/drivers/irqcap/unbind", name) == 0, "unbind");
	CHECK(write_file("/sys/bus/platform/drivers/irqcap/bind", name) == 0, "bind");
	CHECK(sysfs_get(1, "ring_size") == 1024, "irqcap1 ring_size %lld", sysfs_get(1, "ring_size"));
	return true;
}

static const struct {
	const char *name;
	bool (*fn)(void);
	bool native_only;
} tests[] = {
	{ "source_ioctl", t_source_ioctl, false },
	{ "source_sysfs", t_source_sysfs, false },
	{ "source_udev", t_source_udev, true },
	{ "source_params", t_source_params, true },
};

int main(int argc, char **argv)
{
	int failures = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		char name[64];
		bool want = argc < 2;

		for (int a = 1; a < argc; a++)
			want |= !strcmp(argv[a], tests[i].name);
		if (!want || (tests[i].native_only && *sfx))
			continue;
		snprintf(name, sizeof(name), "%s%s", tests[i].name, sfx);
		failures += run_test(name, tests[i].fn, why);
	}
	return failures ? 1 : 0;
}
