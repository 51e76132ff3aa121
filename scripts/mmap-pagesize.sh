#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The mapped ring on 16 KiB pages: Debian's arm64-16k kernel (6.12 from
# bookworm's archive; Debian has no 64 KiB arm64 flavour), irqcap cross-built
# against its headers with W=1, booted in qemu-system-aarch64 -cpu max (the
# DT board's Cortex-A57 has no 16 KiB granule) with the board's irqcap node on
# PL061 line 3.  Two boots: the default 1024-record ring (buddy pages) and a
# 65536-record one (vmalloc).  In the guest tests/guest/mmap-pagesize.c checks
# INFO and the header page against the page size, the refusals, and reads
# three markers through docs/mmap-reader.c's functions.
#
# usage: scripts/mmap-pagesize.sh [--src DIR] [--keep DIR]
#   --src DIR   cross-build this driver source directory (default: src/)
# Cache: ${IRQCAP_CACHE:-/var/cache/irqcap}/arm64-16k/<abi> (kernel image,
# headers, the host's linux-kbuild of that version); Debian's arm64 lists of
# scripts/lib/suites.sh.  IRQCAP_ARM64_16K_ABI overrides the kernel.
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/lib/qemu.sh"
. "$top/scripts/lib/ktap.sh"
. "$top/scripts/lib/suites.sh"

keep='' src=$top/src
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=$2; shift 2;;
	--src) src=$(cd "$2" && pwd); shift 2;;
	*) sed -n '13,18p' "$0" >&2; exit 2;;
	esac
done
ktap_print_header
die() { nok "$*"; ktap_finished; exit 1; }
work=${keep:-$(mktemp -d /tmp/irqcap-16k.XXXXXX)}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT

# ------------------------------------------------ kernel and headers (cached)
# the arm64 lists of foreign_kernel_setup (scripts/lib/suites.sh)
foreign_kernel_setup arm64 2>"$work/fetch.log" || { cat "$work/fetch.log"; die "arm64 lists cached"; }
a64=${IRQCAP_CACHE:-/var/cache/irqcap}/arm64
cache=${IRQCAP_CACHE:-/var/cache/irqcap}/arm64-16k
mkdir -p "$cache"
fetch16k() { # under the cache's lock
	local abi=${IRQCAP_ARM64_16K_ABI:-} root d ver
	if [ -z "$abi" ]; then
		# bookworm's 16k kernels come from its 6.12 (the metapackage of that series)
		abi=$(_foreign_apt "$a64" arm64 apt-cache depends linux-headers-6.12-arm64-16k 2>/dev/null |
		      sed -n 's/.*Depends: linux-headers-\(.*-arm64-16k\)$/\1/p' | head -n 1)
		[ -n "$abi" ] || abi=$(cat "$cache/abi" 2>/dev/null)
	fi
	[ -n "$abi" ] || { echo "no arm64-16k kernel in Debian's lists" >&2; return 1; }
	root=$cache/$abi
	echo "$abi" >"$cache/abi"
	[ -e "$root/.done" ] && return 0
	ver=${abi%-arm64-16k}
	rm -rf "$root" "$cache/debs" && mkdir -p "$root" "$cache/debs" "$cache/apt/archives/partial"
	chmod 777 "$cache/debs"
	(cd "$cache/debs" &&
	 _foreign_apt "$a64" arm64 apt-get -o Dir::Cache="$cache/apt" download \
		"linux-image-$abi-unsigned" "linux-headers-$abi" "linux-headers-$ver-common" &&
	 apt-get download "linux-kbuild-$ver") >"$cache/download.log" 2>&1 || return 1
	for d in "$cache"/debs/*.deb; do
		case ${d##*/} in
		linux-image-*) dpkg-deb --fsys-tarfile "$d" | tar -x -C "$root" ./boot ;;
		*) dpkg -x "$d" "$root" ;;
		esac || return 1
	done
	rm -rf "$cache/debs"
	echo "include $root/usr/src/linux-headers-$ver-common/Makefile" \
		>"$root/usr/src/linux-headers-$abi/Makefile"
	touch "$root/.done"
}
( flock 9; fetch16k ) 9>"$cache/.lock" 2>"$work/fetch16k.log" ||
	{ cat "$work/fetch16k.log" "$cache/download.log" 2>/dev/null | tail -5 | sed 's/^/# /'; die "arm64-16k kernel and headers cached"; }
abi=$(cat "$cache/abi")
root=$cache/$abi
kdir=$root/usr/src/linux-headers-$abi
kimg=$root/boot/vmlinuz-$abi
ok "arm64-16k kernel $abi cached in $cache"
grep -q '^CONFIG_ARM64_16K_PAGES=y' "$root/boot/config-$abi" && ok "the kernel has 16 KiB pages" ||
	nok "the kernel has 16 KiB pages (CONFIG_ARM64_16K_PAGES)"

# ------------------------------------------------------ module and programs
mkdir -p "$work/build/src/uapi"
cp "$src"/*.[ch] "$src/Kbuild" "$work/build/src/"
cp "$src"/uapi/*.h "$work/build/src/uapi/"
# no pahole here: no BTF for the module
if nice -n 10 make -C "$kdir" M="$work/build/src" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
	W=1 CONFIG_DEBUG_INFO_BTF_MODULES= -j2 modules >"$work/build.log" 2>&1; then
	warnings=$(grep -E '(^|[^A-Za-z])(warning|WARNING):' "$work/build.log")
	[ -z "$warnings" ] && ok "irqcap.ko cross-built for $abi with W=1, no warning" ||
		{ nok "irqcap.ko cross-built for $abi with W=1, no warning"; echo "$warnings" | head -5; }
else
	grep -E 'error|Error' "$work/build.log" | head -10 | sed 's/^/# /'
	die "irqcap.ko cross-built for $abi"
fi
mkdir -p "$work/root"
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$work/root/mmap-pagesize" \
	"$top/tests/guest/mmap-pagesize.c" >"$work/prog.log" 2>&1 || { cat "$work/prog.log"; die "guest program builds"; }
cp "$work/build/src/irqcap.ko" "$work/root/irqcap.ko"
cat >"$work/root/init" <<'EOF'
#!/bin/busybox sh
. /lib/irqcap/init-lib.sh
guest_init
if guest_insmod /irqcap.ko; then echo "ok - insmod"; else echo "not ok - insmod"; fi
/mmap-pagesize 16384 "$(guest_param irqcap.ring)"
guest_dmesg final
guest_done
EOF
chmod 755 "$work/root/init"
irqcap_build_initramfs "$work/root" "$work/initrd.gz" "$a64/$(cat "$a64/abi")/bin/busybox" ||
	die "initramfs builds"

# --------------------------------------------------------------- two boots
# the arm64 board (irqcap_qemu, tests/lib/qemu.sh) with -cpu max, for both
# the DT dump and the boots
board() { irqcap_qemu arm64 --cpu max --smp 1 "$@"; }
board --dumpdtb "$work/virt.dtb" --timeout 60 --log "$work/dumpdtb.log"
dtc -q -I dtb -O dts -o "$work/virt.dts" "$work/virt.dtb" || die "QEMU virt DT dumped"
pl061=$(fdtget -l "$work/virt.dtb" / | grep -m1 '^pl061@')
for ring in 1024 65536; do
	{
		cat "$work/virt.dts"
		cat <<-EOF
		/delete-node/ &{/gpio-keys};
		/ {
			event-capture {
				compatible = "irqcap,event-capture";
				gpios = <&{/$pl061} 3 0>;
				irqcap,trigger = "rising";
				irqcap,ring-size = <$ring>;
			};
		};
		EOF
	} >"$work/board-$ring.dts"
	dtc -q -I dts -O dtb -o "$work/board-$ring.dtb" "$work/board-$ring.dts" || die "DT with a $ring-record ring"
	log=$work/console-$ring.log
	board --kernel "$kimg" --initrd "$work/initrd.gz" --dtb "$work/board-$ring.dtb" \
		--append "irqcap.ring=$ring" --nice 10 --timeout 600 --log "$log"
	tr -d '\r' <"$log" >"$log.txt"
	grep '^# ' "$log.txt"
	while read -r line; do
		case $line in
		"ok - "*) ok "$ring records: ${line#ok - }";;
		"not ok - "*) nok "$ring records: ${line#not ok - }";;
		esac
	done < <(grep -E '^(not )?ok - ' "$log.txt")
	grep -q '^ok - mmap_pagesize_records' "$log.txt" || nok "$ring records: the guest ran its checks"
	grep -q '^=== guest done' "$log.txt" && ok "$ring records: guest finished" ||
		{ nok "$ring records: guest finished"; tail -20 "$log.txt"; }
	if sed -n '/^=== dmesg final begin/,/^=== dmesg final end/p' "$log.txt" | irqcap_splat >"$work/splat"; then
		nok "$ring records: kernel log clean"; head -20 "$work/splat"
	else
		ok "$ring records: kernel log clean"
	fi
done
ktap_finished
