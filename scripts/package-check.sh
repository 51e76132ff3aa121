#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# package-check.sh: prove the irqcap packaging by installing it for real.
#
#  1. every version copy agrees with CHANGELOG (scripts/check-version.sh);
#  2. "make dist" writes the release tarball and its sha256 (the spec's
#     Source0); unpacked outside any git checkout, that tarball builds the
#     .debs with "make deb" (dpkg-buildpackage) and lintian reports no errors
#     or warnings;
#  3. the same unpacked tarball builds the RPMs with "make rpm", rpmlint has
#     no errors, and the scriptlets (rpm -qp --scripts) do what they must;
#  4. in a throwaway Debian bookworm root (debootstrap, cached under
#     ${IRQCAP_CACHE:-/var/cache/irqcap}/pkg/, never the host system):
#     headers of kernel ABI 1, apt install ./irqcap-dkms_*.deb, dkms status and
#     modinfo vermagic; then headers of ABI 2 and DKMS must build irqcap for it
#     without being asked; a kernel whose build fails leaves apt usable and is
#     named; irqcap-tools creates its group and udev rule; libirqcap1,
#     libirqcap-dev and python3-irqcap install, a C program builds there with
#     "pkg-config --cflags --libs irqcap" and python3 imports irqcap; apt purge leaves
#     nothing under /usr/src, /var/lib/dkms or /lib/modules/*/updates;
#     "make dkms-install" and "make dkms-remove" work from this checkout there,
#     and the RPM %post/%preun scriptlets run there on the unpacked RPM payload;
#  5. the DKMS-built module for ABI 2 is loaded into that kernel (its
#     linux-image from the archive) in QEMU by tests/run-integration.sh, which
#     captures interrupts; the guest also runs the Python guest test on the
#     installed python3-irqcap and libirqcap.so.1 (from the root, not the tree),
#     and the guest CLI test's C example is the program built in the root with
#     pkg-config (dynamically linked to the installed libirqcap.so.1), in the
#     read, auto and mmap read modes.
#
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last; exits non-zero when
# anything failed.  Logs of every step go to $IRQCAP_CACHE/pkg/logs/.
#
# Usage: scripts/package-check.sh [--abi1 6.1.0-N-amd64] [--abi2 6.1.0-M-amd64]
#                                 [--no-qemu | --qemu-full] [--no-rpm] [--no-checkout]
#                                 [--keep-root]
# Environment: IRQCAP_CACHE (default /var/cache/irqcap), PKG_JOBS (default 2).
set -u
set -o pipefail
# The whole script is one compound command, so bash reads all of it before
# running anything: editing the file during a run cannot derail that run.
{

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${IRQCAP_CACHE:-/var/cache/irqcap}
PKG=$CACHE/pkg
BASE=$PKG/base-bookworm          # debootstrap root + dkms, reused between runs
ARCHIVES=$PKG/apt-archives       # downloaded .debs, bind-mounted into the root
KERNELS=$PKG/kernels             # extracted linux-image vmlinuz files
LOGS=$PKG/logs
RUN=$PKG/run.$$                  # this run's overlay (removed at the end)
ROOT=$RUN/root
MIRROR=${IRQCAP_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${IRQCAP_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
BASE_STAMP="irqcap-pkg-base v1"  # bump to rebuild cached roots
ABI1=""
ABI2=""
DO_QEMU=1
DO_RPM=1
DO_CHECKOUT=1
KEEP_ROOT=0
# The integration tests that prove "the module loads and captures interrupts"
# (probe, every bottom half, ioctls, markers, unload).  The full
# suite has timing-sensitive tests that belong to the driver's own runs;
# --qemu-full runs it all.
QEMU_FILTER=probe,mode_hardirq,mode_threaded,mode_tasklet,mode_workqueue,ioctl,marker_write,rmmod_refcount,python,cli
export PKG_JOBS=${PKG_JOBS:-2}

while [ $# -gt 0 ]; do
	case "$1" in
	--abi1) ABI1=$2; shift 2 ;;
	--abi2) ABI2=$2; shift 2 ;;
	--no-qemu) DO_QEMU=0; shift ;;
	--qemu-full) QEMU_FILTER=""; shift ;;
	--no-rpm) DO_RPM=0; shift ;;
	--no-checkout) DO_CHECKOUT=0; shift ;;
	--keep-root) KEEP_ROOT=1; shift ;;
	-h|--help) sed -n '3,/^# Environment/p' "$0"; exit 0 ;;
	*) echo "unknown option: $1" >&2; exit 2 ;;
	esac
done

. "$TOP/scripts/lib/ktap.sh"
ktap_print_header
info() { echo "# $*"; }
# check "description" command...: one line, pass or fail by exit status
check() {
	local what=$1; shift
	if "$@"; then ktap_ok "$what"; else ktap_fail "$what"; fi
}
finish() {
	ktap_finished
	exit $?
}
# Last lines of a log after a failure, indented so they are not check lines.
show_log() { [ -f "$1" ] && tail -n "${2:-25}" "$1" | sed 's/^/    | /'; }

if [ "$(id -u)" -ne 0 ]; then
	ktap_fail "package-check needs root (debootstrap, chroot, mounts)"
	finish
fi
mkdir -p "$PKG" "$ARCHIVES" "$KERNELS" "$LOGS"
T0=$(date +%s)

# ---------------------------------------------------------------------------
# Host tools (dpkg-dev, debhelper, dh-dkms, lintian, debootstrap, cpio,
# fakeroot, rpm, rpmlint): scripts/deps.sh's list, installed from Debian's
# archive when missing; the host's apt sources are never changed.
"$TOP/scripts/deps.sh" full >"$LOGS/host-tools.log" 2>&1
for pair in dpkg-buildpackage dh_dkms lintian debootstrap; do
	command -v "$pair" >/dev/null 2>&1 || { ktap_fail "host tool $pair is missing (see $LOGS/host-tools.log)"; finish; }
done

# ---------------------------------------------------------------------------
# 1. Version copies
if sh "$TOP/scripts/check-version.sh" >"$LOGS/check-version.log" 2>&1; then
	ktap_ok "version copies agree with CHANGELOG ($(sh "$TOP/scripts/check-version.sh" --print))"
else
	ktap_fail "version copies disagree with CHANGELOG:"
	grep FAIL "$LOGS/check-version.log" | sed 's/^/    | /'
fi
VERSION=$(sh "$TOP/scripts/check-version.sh" --print)

# ---------------------------------------------------------------------------
# 2. The release tarball, unpacked where no git checkout is; the Debian
# packages from it, then lintian
OUT=$PKG/out
rm -rf "$OUT"
DIST=$OUT/dist
TARBALL=$DIST/irqcap-$VERSION.tar.gz
if make -s -C "$TOP" -f "$TOP/scripts/packaging.mk" dist DIST_DIR="$DIST" >"$LOGS/dist.log" 2>&1 &&
   [ -f "$TARBALL" ] && (cd "$DIST" && sha256sum -c --quiet "irqcap-$VERSION.tar.gz.sha256") >>"$LOGS/dist.log" 2>&1; then
	ktap_ok "make dist: ${TARBALL##*/} ($(du -k "$TARBALL" | cut -f1) KiB), its .sha256 verifies"
else
	ktap_fail "make dist failed (log: $LOGS/dist.log)"
	show_log "$LOGS/dist.log"
	finish
fi
tar -tzf "$TARBALL" >"$LOGS/dist-contents.txt"
check "the tarball holds irqcap-$VERSION/ with the spec, dkms.conf, debian/ and the sources" sh -c "
	! grep -qv '^irqcap-$VERSION/' '$LOGS/dist-contents.txt' &&
	for f in rpm/irqcap.spec dkms.conf debian/rules src/Kbuild tools/Makefile CHANGELOG; do
		grep -qx \"irqcap-$VERSION/\$f\" '$LOGS/dist-contents.txt' || exit 1; done"
check "the tarball has no .git and no build products (.o/.ko/.mod.c/.cmd, build/, tools binaries)" \
	sh -c "! grep -Eq '/\\.git/|\\.(o|ko|mod\\.c|cmd|aml)\$|^irqcap-$VERSION/build/|/tools/irqcap(-static)?\$' '$LOGS/dist-contents.txt'"
SRCDIR=$OUT/src
TREE=$SRCDIR/irqcap-$VERSION
mkdir -p "$SRCDIR" && tar -C "$SRCDIR" -xzf "$TARBALL"
check "the unpacked tarball is not a git checkout (git rev-parse fails in it)" \
	sh -c "! git -C '$TREE' rev-parse --git-dir >/dev/null 2>&1"
t=$(date +%s)
if make -s -C "$TREE" deb PKG_OUT="$OUT" >"$LOGS/deb-build.log" 2>&1 &&
   [ -f "$OUT/irqcap-dkms_${VERSION}_all.deb" ]; then
	ktap_ok "make deb in the unpacked tarball: dpkg-buildpackage builds the packages ($(( $(date +%s) - t ))s)"
else
	ktap_fail "dpkg-buildpackage failed (log: $LOGS/deb-build.log)"
	show_log "$LOGS/deb-build.log"
	finish
fi
DKMS_DEB=$(ls "$OUT"/irqcap-dkms_"${VERSION}"_all.deb)
TOOLS_DEB=$(ls "$OUT"/irqcap-tools_"${VERSION}"_*.deb 2>/dev/null | head -n 1)
LIB_DEBS=()
for p in libirqcap1 libirqcap-dev python3-irqcap; do
	f=$(ls "$OUT"/"${p}"_"${VERSION}"_*.deb 2>/dev/null | head -n 1)
	check "dpkg-buildpackage built $p" [ -n "$f" ]
	[ -n "$f" ] && LIB_DEBS+=("$f")
done
deb_of() { ls "$OUT"/"$1"_"${VERSION}"_*.deb 2>/dev/null | head -n 1; }
if [ ${#LIB_DEBS[@]} -eq 3 ]; then
	check "libirqcap1 ships only the soname (libirqcap.so.1 in the multiarch libdir)" sh -c "
		dpkg-deb -c '$(deb_of libirqcap1)' | awk '{print \$6}' | grep -v '/\$' | grep -v '^./usr/share/doc/' |
		grep -qx './usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libirqcap.so.1'"
	check "libirqcap1 has a symbols file naming every exported symbol at LIBIRQCAP_1" sh -c "
		dpkg-deb --ctrl-tarfile '$(deb_of libirqcap1)' | tar -xO ./symbols | grep -c '@LIBIRQCAP_1 ' |
		grep -qx \$(( \$(grep -c '^	irqcap_' '$TREE/tools/lib/libirqcap.map') + 1 ))"
	check "irqcap-tools depends on libirqcap1" sh -c "dpkg-deb -f '$TOOLS_DEB' Depends | grep -q 'libirqcap1'"
	check "python3-irqcap is Architecture: all and depends on libirqcap1" sh -c "
		[ \"\$(dpkg-deb -f '$(deb_of python3-irqcap)' Architecture)\" = all ] &&
		dpkg-deb -f '$(deb_of python3-irqcap)' Depends | grep -q 'libirqcap1'"
fi
check "irqcap-dkms is Architecture: all" [ "$(dpkg-deb -f "$DKMS_DEB" Architecture)" = all ]
dpkg-deb -c "$DKMS_DEB" >"$LOGS/dkms-deb-contents.txt"
check "irqcap-dkms ships /usr/src/irqcap-$VERSION/dkms.conf" \
	grep -q " ./usr/src/irqcap-$VERSION/dkms.conf\$" "$LOGS/dkms-deb-contents.txt"
check "irqcap-dkms ships no build products (.o/.ko/.mod.c)" \
	sh -c "! grep -Eq '\\.(o|ko|mod\\.c|cmd)\$' '$LOGS/dkms-deb-contents.txt'"

lintian --fail-on error,warning -I "$OUT"/irqcap_"${VERSION}"_*.changes >"$LOGS/lintian.log" 2>&1
lrc=$?
if [ $lrc -eq 0 ] && ! grep -Eq '^[EW]: ' "$LOGS/lintian.log"; then
	ktap_ok "lintian: no errors or warnings ($(grep -Ec '^[IP]: ' "$LOGS/lintian.log") info/pedantic tags)"
else
	ktap_fail "lintian reports errors or warnings (log: $LOGS/lintian.log)"
	grep -E '^[EW]: ' "$LOGS/lintian.log" | sed 's/^/    | /'
fi

# ---------------------------------------------------------------------------
# 3. RPMs: build, lint, read the scriptlets (no RPM distribution runs here)
if [ "$DO_RPM" = 1 ]; then
	t=$(date +%s)
	if make -s -C "$TREE" rpm PKG_OUT="$OUT" >"$LOGS/rpm-build.log" 2>&1; then
		ktap_ok "make rpm in the unpacked tarball: rpmbuild builds the RPMs ($(( $(date +%s) - t ))s)"
		RPM_DKMS=$(find "$OUT/rpm/RPMS" -name "irqcap-dkms-${VERSION}-*.noarch.rpm" | head -n 1)
		check "irqcap-dkms RPM is noarch" [ -n "$RPM_DKMS" ]
		if [ -n "$RPM_DKMS" ]; then
			rpm -qp --scripts "$RPM_DKMS" >"$LOGS/rpm-scripts.txt" 2>/dev/null
			rpm -qp --requires "$RPM_DKMS" >"$LOGS/rpm-requires.txt" 2>/dev/null
			check "RPM requires dkms and kernel-devel" \
				sh -c "grep -q '^dkms' '$LOGS/rpm-requires.txt' && grep -q '^kernel-devel' '$LOGS/rpm-requires.txt'"
			check "RPM %post runs dkms add --rpm_safe_upgrade, build and install" \
				sh -c "sed -n '/^postinstall/,/^preuninstall/p' '$LOGS/rpm-scripts.txt' | grep -q 'dkms add .*--rpm_safe_upgrade' &&
				       sed -n '/^postinstall/,/^preuninstall/p' '$LOGS/rpm-scripts.txt' | grep -q 'dkms build' &&
				       sed -n '/^postinstall/,/^preuninstall/p' '$LOGS/rpm-scripts.txt' | grep -q 'dkms install'"
			check "RPM %preun removes from DKMS only on erase (\$1 = 0)" \
				sh -c "sed -n '/^preuninstall/,\$p' '$LOGS/rpm-scripts.txt' | grep -q 'if \\[ \"\$1\" -eq 0 \\]' &&
				       sed -n '/^preuninstall/,\$p' '$LOGS/rpm-scripts.txt' | grep -q 'dkms remove .*--rpm_safe_upgrade'"
			check "RPM scriptlets never enrol a MOK key (no mokutil --import command)" \
				sh -c "! grep -E '^[[:space:]]*mokutil[[:space:]]+--import' '$LOGS/rpm-scripts.txt'"
			# Scriptlets are sh: syntax-check each one.
			check "RPM scriptlets pass sh -n" sh -c "
				awk '/^[a-z]+ scriptlet \\(using/{f=\"$LOGS/rpm-scriptlet-\" ++n \".sh\"; next} f{print > f}' '$LOGS/rpm-scripts.txt'
				for s in '$LOGS'/rpm-scriptlet-*.sh; do sh -n \"\$s\" || exit 1; done; rm -f '$LOGS'/rpm-scriptlet-*.sh"
		fi
		if command -v rpmlint >/dev/null 2>&1; then
			find "$OUT/rpm/RPMS" "$OUT/rpm/SRPMS" -name '*.rpm' -print0 |
				xargs -0 rpmlint -c "$TOP/rpm/rpmlint.toml" -r "$TOP/rpm/irqcap.rpmlintrc" "$TOP/rpm/irqcap.spec" >"$LOGS/rpmlint.log" 2>&1
			summary=$(grep -E '[0-9]+ packages and [0-9]+ specfiles checked' "$LOGS/rpmlint.log")
			if grep -Eq '^[^ ]+: E: ' "$LOGS/rpmlint.log" || ! grep -q ' 0 errors' "$LOGS/rpmlint.log"; then
				ktap_fail "rpmlint reports errors (log: $LOGS/rpmlint.log): $summary"
				grep -E ': E: ' "$LOGS/rpmlint.log" | sed 's/^/    | /'
			elif grep -q ' 0 errors, 0 warnings' "$LOGS/rpmlint.log"; then
				ktap_ok "rpmlint: $summary"
			else
				ktap_fail "rpmlint reports unfiltered warnings (log: $LOGS/rpmlint.log): $summary"
				grep -E ': W: ' "$LOGS/rpmlint.log" | sed 's/^/    | /'
			fi
		else
			ktap_fail "rpmlint is not installed"
		fi
	else
		ktap_fail "rpmbuild failed (log: $LOGS/rpm-build.log)"
		show_log "$LOGS/rpm-build.log"
	fi
fi

# ---------------------------------------------------------------------------
# 4. The throwaway bookworm root
mounted=""
# rm -rf a directory only when nothing is mounted below it any more (the root
# has /dev, /proc, /sys and the apt cache bind-mounted while it is in use).
safe_rm() {
	local d=${1:?}
	if awk -v d="$d/" 'index($2 "/", d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
		info "mounts remain below $d; not removing it"
		return 1
	fi
	rm -rf --one-file-system "$d"
}
cleanup() {
	local m
	for m in $mounted; do umount -l "$m" 2>/dev/null; done
	mounted=""
	if [ "$KEEP_ROOT" = 1 ]; then
		info "root kept at $RUN (remove with: umount $ROOT; rm -rf $RUN)"
	else
		umount -l "$ROOT" 2>/dev/null
		safe_rm "$RUN"
	fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root "$@"; }
apt_root() { in_root apt-get -y -o Dpkg::Use-Pty=0 -o APT::Keep-Downloaded-Packages=true "$@"; }

# The base root: debootstrap (minbase) plus dkms and its build tool chain.
# Cold runs create it once; it is never modified afterwards (every run works
# on an overlay of it).
if [ ! -f "$BASE/.irqcap-base" ] || [ "$(cat "$BASE/.irqcap-base")" != "$BASE_STAMP" ]; then
	t=$(date +%s)
	info "creating the cached bookworm root in $BASE (cold run)"
	rm -rf "$BASE" "$BASE.tmp"
	if ! debootstrap --variant=minbase --cache-dir="$ARCHIVES" bookworm "$BASE.tmp" "$MIRROR" \
		>"$LOGS/debootstrap.log" 2>&1; then
		ktap_fail "debootstrap bookworm failed (log: $LOGS/debootstrap.log)"
		show_log "$LOGS/debootstrap.log"
		finish
	fi
	cat >"$BASE.tmp/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
	# Never start services inside the root.
	printf '#!/bin/sh\nexit 101\n' >"$BASE.tmp/usr/sbin/policy-rc.d"
	chmod 755 "$BASE.tmp/usr/sbin/policy-rc.d"
	mv "$BASE.tmp" "$BASE.new"
	ROOT_SAVE=$ROOT; ROOT=$BASE.new
	mount -t proc proc "$ROOT/proc" && mounted="$ROOT/proc $mounted"
	mount --bind "$ARCHIVES" "$ROOT/var/cache/apt/archives" && mounted="$ROOT/var/cache/apt/archives $mounted"
	if apt_root update >"$LOGS/base-apt.log" 2>&1 &&
	   apt_root install --no-install-recommends dkms kmod >>"$LOGS/base-apt.log" 2>&1; then
		for m in $mounted; do umount -l "$m"; done; mounted=""
		echo "$BASE_STAMP" >"$ROOT/.irqcap-base"
		ROOT=$ROOT_SAVE
		mv "$BASE.new" "$BASE"
		ktap_ok "created the cached bookworm root with dkms ($(( $(date +%s) - t ))s)"
	else
		for m in $mounted; do umount -l "$m"; done; mounted=""
		ROOT=$ROOT_SAVE
		ktap_fail "installing dkms into the bookworm root failed (log: $LOGS/base-apt.log)"
		show_log "$LOGS/base-apt.log"
		safe_rm "$BASE.new"
		finish
	fi
else
	ktap_ok "reusing the cached bookworm root $BASE"
fi

# This run's root: an overlay on the cached base (a full copy where overlayfs
# is not available).
mkdir -p "$RUN/upper" "$RUN/work" "$ROOT"
if ! mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$RUN/upper,workdir=$RUN/work" "$ROOT" 2>/dev/null; then
	info "overlayfs unavailable, copying the base root"
	cp -a "$BASE/." "$ROOT/"
fi
mount -t proc proc "$ROOT/proc" && mounted="$ROOT/proc $mounted"
mount -t sysfs sysfs "$ROOT/sys" && mounted="$ROOT/sys $mounted"
mount --bind /dev "$ROOT/dev" && mounted="$ROOT/dev $mounted"
mount --bind "$ARCHIVES" "$ROOT/var/cache/apt/archives" && mounted="$ROOT/var/cache/apt/archives $mounted"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
# A throwaway root needs no fsync after every file: dpkg unpacks the 6.1
# headers (tens of thousands of files) much faster without it.
echo force-unsafe-io >"$ROOT/etc/dpkg/dpkg.cfg.d/irqcap-package-check"
if ! apt_root update >"$LOGS/apt-update.log" 2>&1; then
	ktap_fail "apt-get update in the bookworm root failed (log: $LOGS/apt-update.log)"
	show_log "$LOGS/apt-update.log"
	finish
fi

# Kernel ABIs: the two newest 6.1.0-N-amd64 that have both headers and an image.
abis=$(in_root apt-cache search --names-only '^linux-headers-6\.1\.0-[0-9]+-amd64$' |
	sed -n 's/^linux-headers-\(6\.1\.0-[0-9]*-amd64\) .*/\1/p' | sort -V)
images=$(in_root apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' |
	sed -n 's/^linux-image-\(6\.1\.0-[0-9]*-amd64\) .*/\1/p')
both=$(for a in $abis; do echo "$images" | grep -qx "$a" && echo "$a"; done)
[ -n "$ABI2" ] || ABI2=$(echo "$both" | tail -n 1)
[ -n "$ABI1" ] || ABI1=$(echo "$both" | grep -vx "$ABI2" | tail -n 1)
if [ -z "$ABI1" ] || [ -z "$ABI2" ]; then
	ktap_fail "bookworm carries fewer than two 6.1 ABIs with headers and images: $(echo $both)"
	finish
fi
info "kernel ABIs in the archive: $(echo $abis); using $ABI1 then $ABI2"

dkms_state() { in_root dkms status -m irqcap -v "$VERSION" -k "$1" 2>/dev/null; }
installed_for() { dkms_state "$1" | grep -q ": installed"; }
module_of() { in_root sh -c "ls /lib/modules/$1/updates/dkms/irqcap.ko* 2>/dev/null | head -n 1"; }
vermagic_is() { # kernel: modinfo's vermagic of the DKMS module starts with it
	local ko; ko=$(module_of "$1")
	[ -n "$ko" ] && in_root modinfo -F vermagic "$ko" | grep -q "^$1 "
}

# 4a. headers of ABI 1, then the package
t=$(date +%s)
if apt_root install --no-install-recommends "linux-headers-$ABI1" >"$LOGS/headers-1.log" 2>&1; then
	ktap_ok "installed linux-headers-$ABI1 in the root ($(( $(date +%s) - t ))s)"
else
	ktap_fail "installing linux-headers-$ABI1 failed (log: $LOGS/headers-1.log)"; show_log "$LOGS/headers-1.log"; finish
fi
cp "$DKMS_DEB" "$ROOT/tmp/"
[ -n "$TOOLS_DEB" ] && cp "$TOOLS_DEB" "$ROOT/tmp/"
[ ${#LIB_DEBS[@]} -gt 0 ] && cp "${LIB_DEBS[@]}" "$ROOT/tmp/"
t=$(date +%s)
if apt_root install --no-install-recommends "/tmp/${DKMS_DEB##*/}" >"$LOGS/install-dkms.log" 2>&1; then
	ktap_ok "apt install ./${DKMS_DEB##*/} ($(( $(date +%s) - t ))s, DKMS build included)"
else
	ktap_fail "apt install ./${DKMS_DEB##*/} failed (log: $LOGS/install-dkms.log)"; show_log "$LOGS/install-dkms.log"
fi
check "dkms status: irqcap/$VERSION installed for $ABI1 ($(dkms_state "$ABI1" | tr -s ' '))" installed_for "$ABI1"
check "modinfo: vermagic of updates/dkms/irqcap.ko for $ABI1 starts with $ABI1" vermagic_is "$ABI1"
check "modinfo: module version is $VERSION" \
	sh -c "[ \"\$(chroot '$ROOT' modinfo -F version \"$(module_of "$ABI1")\")\" = '$VERSION' ]"

# 4b. a second ABI: DKMS must build it on its own (kernel header hook)
t=$(date +%s)
if apt_root install --no-install-recommends "linux-headers-$ABI2" >"$LOGS/headers-2.log" 2>&1; then
	ktap_ok "installed linux-headers-$ABI2 ($(( $(date +%s) - t ))s, DKMS autoinstall included)"
else
	ktap_fail "installing linux-headers-$ABI2 failed (log: $LOGS/headers-2.log)"; show_log "$LOGS/headers-2.log"
fi
check "DKMS built and installed irqcap for $ABI2 without being asked" installed_for "$ABI2"
check "modinfo: vermagic of the $ABI2 module starts with $ABI2" vermagic_is "$ABI2"
check "dpkg --audit reports nothing after the kernel upgrade" \
	sh -c "[ -z \"\$(chroot '$ROOT' dpkg --audit)\" ]"

# 4c. a kernel whose build fails: apt stays usable and the kernel is named.
# Fake headers for "6.1.0-999-broken" whose kbuild always fails, then
# reinstall the package (its postinst builds for every kernel with headers).
# The same reinstall runs with a stand-in mokutil that reports Secure Boot on
# and the DKMS key not enrolled: the postinst must print the enrolment steps
# and must never call "mokutil --import" itself.  (It goes to /usr/bin, where
# the real one lives: apt runs maintainer scripts with its own PATH, Dpkg::Path.)
BROKEN=6.1.0-999-broken
mkdir -p "${ROOT:?}/lib/modules/$BROKEN/build/include"
[ ! -e "$ROOT/usr/bin/mokutil" ] || ktap_fail "the root already has a real mokutil; the Secure Boot checks would use it"
printf '%s\n' '# package-check: headers of a kernel irqcap cannot be built for' \
	'modules clean:' \
	'	@echo "package-check: simulated compile error" >&2; exit 2' \
	>"$ROOT/lib/modules/$BROKEN/build/Makefile"
printf 'CONFIG_MODULES=y\n' >"$ROOT/lib/modules/$BROKEN/build/.config"
printf '%s\n' '#!/bin/sh' \
	'# package-check stand-in: Secure Boot on, no key enrolled; logs every call.' \
	'echo "mokutil $*" >>/tmp/mokutil-calls' \
	'case "$1" in' \
	'--sb-state) echo "SecureBoot enabled" ;;' \
	'--test-key) echo "$2 is not enrolled" ;;' \
	'esac' \
	'exit 0' >"$ROOT/usr/bin/mokutil"
chmod 755 "$ROOT/usr/bin/mokutil"
apt_root install --reinstall --no-install-recommends "/tmp/${DKMS_DEB##*/}" >"$LOGS/install-broken.log" 2>&1
rc=$?
check "a failing build does not fail apt (apt exit $rc)" [ "$rc" -eq 0 ]
check "the failing kernel is named: 'building irqcap ... for kernel $BROKEN failed'" \
	grep -q "for kernel $BROKEN failed" "$LOGS/install-broken.log"
check "apt stays usable: dpkg --audit empty and apt-get check passes" \
	sh -c "[ -z \"\$(chroot '$ROOT' dpkg --audit)\" ] && chroot '$ROOT' apt-get check >/dev/null 2>&1"
check "the good kernels keep irqcap after the failed build" sh -c "
	chroot '$ROOT' dkms status -m irqcap -v '$VERSION' -k '$ABI1' | grep -q ': installed' &&
	chroot '$ROOT' dkms status -m irqcap -v '$VERSION' -k '$ABI2' | grep -q ': installed'"
check "Secure Boot on, key not enrolled: postinst prints 'mokutil --import /var/lib/dkms/mok.pub'" \
	grep -q "mokutil --import /var/lib/dkms/mok.pub" "$LOGS/install-broken.log"
check "the postinst never enrols the key itself (mokutil called, never with --import)" \
	sh -c "[ -f '$ROOT/tmp/mokutil-calls' ] && ! grep -q -- '--import' '$ROOT/tmp/mokutil-calls'"
check "DKMS signed the module with its MOK key (modinfo signer)" \
	sh -c "chroot '$ROOT' modinfo -F signer \"$(module_of "$ABI2")\" | grep -q 'DKMS module signing key'"
rm -rf "${ROOT:?}/lib/modules/$BROKEN" "${ROOT:?}/var/lib/dkms/irqcap/$VERSION/$BROKEN" \
	"${ROOT:?}/usr/bin/mokutil" "${ROOT:?}/tmp/mokutil-calls"

# 4d. irqcap-tools: group and udev rule
if [ -n "$TOOLS_DEB" ]; then
	inst=("/tmp/${TOOLS_DEB##*/}")
	for f in "${LIB_DEBS[@]}"; do inst+=("/tmp/${f##*/}"); done
	if apt_root install --no-install-recommends "${inst[@]}" >"$LOGS/install-tools.log" 2>&1; then
		ktap_ok "apt install ./${TOOLS_DEB##*/} and ${#LIB_DEBS[@]} library/Python packages"
	else
		ktap_fail "apt install ./${TOOLS_DEB##*/} failed (log: $LOGS/install-tools.log)"; show_log "$LOGS/install-tools.log"
	fi
	check "irqcap-tools created the irqcap system group" sh -c "chroot '$ROOT' getent group irqcap >/dev/null"
	check "irqcap-tools installed the udev rule for /dev/irqcapN (group irqcap, 0660)" \
		sh -c "grep -h 'irqcap' '$ROOT'/lib/udev/rules.d/*irqcap*.rules '$ROOT'/usr/lib/udev/rules.d/*irqcap*.rules 2>/dev/null |
		       grep -q 'GROUP=\"irqcap\".*MODE=\"0660\"'"
	check "irqcap-tools installed the udev rule for /dev/irqcap/by-label/LABEL" \
		sh -c "grep -h 'irqcap' '$ROOT'/lib/udev/rules.d/*irqcap*.rules '$ROOT'/usr/lib/udev/rules.d/*irqcap*.rules 2>/dev/null |
		       grep -q 'SYMLINK+=\"irqcap/by-label/\$attr{device/label}\"'"
	check "libirqcap-dev installed <irqcap/irqcap.h> and the uAPI header <irqcap/irqcap-uapi.h>" \
		sh -c "[ -f '$ROOT/usr/include/irqcap/irqcap.h' ] && [ -f '$ROOT/usr/include/irqcap/irqcap-uapi.h' ]"
	# a C program built against the installed library with pkg-config
	if apt_root install --no-install-recommends gcc libc6-dev pkg-config >"$LOGS/install-cc.log" 2>&1 &&
	   in_root sh -c 'gcc -Wall -Werror -o /tmp/pc-reader /usr/share/doc/libirqcap-dev/examples/minimal-reader.c \
		$(pkg-config --cflags --libs irqcap)' >"$LOGS/pc-build.log" 2>&1; then
		ktap_ok "a C program builds with pkg-config --cflags --libs irqcap ($(in_root pkg-config --libs irqcap))"
	else
		ktap_fail "building minimal-reader.c with pkg-config irqcap (logs: $LOGS/install-cc.log, pc-build.log)"
		show_log "$LOGS/pc-build.log"
	fi
	check "the C program links libirqcap.so.1 (NEEDED)" \
		sh -c "readelf -d '$ROOT/tmp/pc-reader' 2>/dev/null | grep -q 'NEEDED.*libirqcap.so.1'"
	check "python3 imports irqcap from python3-irqcap on libirqcap.so.1" sh -c "
		chroot '$ROOT' python3 -c 'import irqcap, sys; print(irqcap.__file__, irqcap.library_version())' |
		grep -q '^/usr/lib/python3/dist-packages/irqcap/__init__.py 1\.'"
fi

# ---------------------------------------------------------------------------
# 5. Load the DKMS-built module into kernel ABI 2 in QEMU and capture interrupts
if [ "$DO_QEMU" = 1 ]; then
	KO=$(module_of "$ABI2")
	VMLINUZ=$KERNELS/vmlinuz-$ABI2
	if [ ! -s "$VMLINUZ" ]; then
		rm -rf "${ROOT:?}/tmp/image" && mkdir -p "$ROOT/tmp/image"
		if in_root sh -c "cd /tmp/image && apt-get download linux-image-$ABI2" >"$LOGS/image.log" 2>&1 &&
		   dpkg-deb --fsys-tarfile "$ROOT"/tmp/image/linux-image-"$ABI2"_*.deb |
			tar -xO "./boot/vmlinuz-$ABI2" >"$VMLINUZ.tmp" 2>>"$LOGS/image.log" && [ -s "$VMLINUZ.tmp" ]; then
			mv "$VMLINUZ.tmp" "$VMLINUZ"
		else
			rm -f "$VMLINUZ.tmp"
		fi
	fi
	if [ ! -s "$VMLINUZ" ]; then
		ktap_fail "could not get vmlinuz-$ABI2 from linux-image-$ABI2 (log: $LOGS/image.log)"
	elif [ -z "$KO" ]; then
		ktap_fail "no DKMS-built irqcap.ko for $ABI2 to load"
	elif [ ! -x "$TOP/tests/run-integration.sh" ]; then
		ktap_fail "tests/run-integration.sh (the QEMU harness) is missing"
	else
		cp "$ROOT$KO" "$RUN/irqcap-$ABI2.ko"
		t=$(date +%s)
		# the Python guest test on what the packages installed in the root
		# and the guest CLI test's C example is the pkg-config build of 4d
		if IRQCAP_GUEST_PY_LIB="$ROOT/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/libirqcap.so.1" \
		   IRQCAP_GUEST_PY_PKG="$ROOT/usr/lib/python3/dist-packages/irqcap" \
		   IRQCAP_GUEST_C_READER="$ROOT/tmp/pc-reader" \
		   "$TOP/tests/run-integration.sh" --kernel "$VMLINUZ" --module "$RUN/irqcap-$ABI2.ko" \
			${QEMU_FILTER:+--filter "$QEMU_FILTER"} >"$LOGS/qemu.log" 2>&1; then
			ktap_ok "QEMU: DKMS-built irqcap.ko loads into $ABI2 and captures interrupts ($(tail -n 1 "$LOGS/qemu.log"); $(( $(date +%s) - t ))s)"
		else
			ktap_fail "QEMU integration run with the DKMS-built module for $ABI2 failed (log: $LOGS/qemu.log)"
			show_log "$LOGS/qemu.log"
		fi
		# what the packages installed, against the real driver: the Python
		# guest test on python3-irqcap, and the pkg-config-built C program in
		# every read mode the driver offers (read, auto, mmap)
		for m in read auto mmap; do
			check "QEMU: the pkg-config-built C program reads every raised edge once (mode $m)" \
				grep -qE "^ok [0-9]+ cli: C example \(pc-reader, built with pkg-config against the installed libirqcap\), mode $m: 6 irq records, 0 lost, 0 bad" "$LOGS/qemu.log"
		done
		check "QEMU: the Python guest test ran on python3-irqcap from the package, all ok" sh -c "
			grep -qE '^ok [0-9]+ python: ' '$LOGS/qemu.log' && ! grep -qE '^not ok [0-9]+ python: ' '$LOGS/qemu.log'"
	fi
fi

# ---------------------------------------------------------------------------
# 4e. apt purge leaves nothing behind
apt_root purge irqcap-dkms irqcap-tools libirqcap1 libirqcap-dev python3-irqcap >"$LOGS/purge.log" 2>&1
check "apt purge irqcap-dkms irqcap-tools libirqcap1 libirqcap-dev python3-irqcap" [ $? -eq 0 ]
check "nothing left under /usr/src (irqcap*)" \
	sh -c "[ -z \"\$(ls -d '$ROOT'/usr/src/irqcap* 2>/dev/null)\" ]"
check "nothing left under /var/lib/dkms (irqcap)" \
	sh -c "[ -z \"\$(find '$ROOT/var/lib/dkms' -name '*irqcap*' 2>/dev/null)\" ]"
check "nothing left under /lib/modules/*/updates" \
	sh -c "[ -z \"\$(find '$ROOT'/lib/modules/*/updates -type f 2>/dev/null)\" ]"
check "dpkg knows no irqcap package any more" \
	sh -c "! chroot '$ROOT' dpkg -l 'irqcap*' 2>/dev/null | grep -Eq '^(ii|rc|h.|i[A-Z]) '"

# 4f. "make dkms-install" / "make dkms-remove" from a checkout (read-only
# bind mount of this tree at /src in the root).
if [ "$DO_CHECKOUT" = 1 ]; then
	mkdir -p "$ROOT/src"
	# make install-dkms-src needs make and install, not git
	if in_root sh -c 'command -v make && command -v install' >"$LOGS/checkout-tools.log" 2>&1 &&
	   mount --bind "$TOP" "$ROOT/src" && mounted="$ROOT/src $mounted" &&
	   mount -o remount,ro,bind "$ROOT/src"; then
		in_root make -s -C /src -f scripts/packaging.mk dkms-install KVER="$ABI2" \
			PKG_OUT=/tmp/pkg-out >"$LOGS/make-dkms-install.log" 2>&1
		check "make dkms-install KVER=$ABI2 from a checkout (exit $?)" installed_for "$ABI2"
		check "make dkms-install: vermagic starts with $ABI2" vermagic_is "$ABI2"
		in_root make -s -C /src -f scripts/packaging.mk dkms-remove \
			PKG_OUT=/tmp/pkg-out >"$LOGS/make-dkms-remove.log" 2>&1
		check "make dkms-remove leaves no /usr/src/irqcap*, /var/lib/dkms/irqcap or module" \
			sh -c "[ -z \"\$(ls -d '$ROOT'/usr/src/irqcap* '$ROOT'/var/lib/dkms/irqcap 2>/dev/null)\" ] &&
			       [ -z \"\$(find '$ROOT'/lib/modules/*/updates -name 'irqcap*' 2>/dev/null)\" ]"
		umount "$ROOT/src" && mounted=${mounted#"$ROOT/src "}
	else
		ktap_fail "could not prepare the checkout test (log: $LOGS/checkout-tools.log)"
	fi
fi

# 4g. The RPM scriptlets, executed for real: no RPM distribution runs here, but
# the root has dkms, so unpack the irqcap-dkms RPM payload into it (rpm2cpio)
# and run %post, %preun as on an upgrade ($1 = 1) and %preun on erase ($1 = 0).
if [ "$DO_RPM" = 1 ] && [ -n "${RPM_DKMS:-}" ] && command -v rpm2cpio >/dev/null 2>&1; then
	(cd "$ROOT" && rpm2cpio "$RPM_DKMS" | cpio -idm --quiet) 2>"$LOGS/rpm-scriptlets.log"
	rpm -qp --qf '%{POSTIN}\n' "$RPM_DKMS" >"$ROOT/tmp/rpm-post.sh" 2>/dev/null
	rpm -qp --qf '%{PREUN}\n' "$RPM_DKMS" >"$ROOT/tmp/rpm-preun.sh" 2>/dev/null
	in_root sh /tmp/rpm-post.sh 1 >>"$LOGS/rpm-scriptlets.log" 2>&1
	check "RPM %post run in the root: irqcap built and installed for $ABI1 and $ABI2 (exit $?)" \
		sh -c "chroot '$ROOT' dkms status -m irqcap -v '$VERSION' -k '$ABI1' | grep -q ': installed' &&
		       chroot '$ROOT' dkms status -m irqcap -v '$VERSION' -k '$ABI2' | grep -q ': installed'"
	# A stale registration as an upgrade from 0.0.1 leaves it: %posttrans drops it.
	rpm -qp --qf '%{POSTTRANS}\n' "$RPM_DKMS" >"$ROOT/tmp/rpm-posttrans.sh" 2>/dev/null
	mkdir -p "$ROOT/var/lib/dkms/irqcap/0.0.1/$ABI1/x86_64/module"
	ln -sfn /usr/src/irqcap-0.0.1 "$ROOT/var/lib/dkms/irqcap/0.0.1/source"
	ln -sfn 0.0.1/6.1.0-0-gone "$ROOT/var/lib/dkms/irqcap/kernel-6.1.0-0-gone-x86_64"
	in_root sh /tmp/rpm-posttrans.sh >>"$LOGS/rpm-scriptlets.log" 2>&1
	check "RPM %posttrans drops a stale registration (irqcap/0.0.1 without sources), keeps $VERSION" \
		sh -c "[ ! -e '$ROOT/var/lib/dkms/irqcap/0.0.1' ] && [ ! -L '$ROOT/var/lib/dkms/irqcap/kernel-6.1.0-0-gone-x86_64' ] &&
		       chroot '$ROOT' dkms status -m irqcap -v '$VERSION' -k '$ABI2' | grep -q ': installed'"
	in_root sh /tmp/rpm-preun.sh 1 >>"$LOGS/rpm-scriptlets.log" 2>&1
	check "RPM %preun on upgrade (\$1 = 1) keeps the module installed" installed_for "$ABI2"
	in_root sh /tmp/rpm-preun.sh 0 >>"$LOGS/rpm-scriptlets.log" 2>&1
	check "RPM %preun on erase (\$1 = 0) removes irqcap from DKMS and /lib/modules" \
		sh -c "[ -z \"\$(chroot '$ROOT' dkms status -m irqcap 2>/dev/null)\" ] &&
		       [ -z \"\$(find '$ROOT'/lib/modules/*/updates -name 'irqcap*' 2>/dev/null)\" ]"
	rm -rf "${ROOT:?}/usr/src/irqcap-$VERSION" "${ROOT:?}/usr/share/doc/irqcap-dkms-$VERSION" \
		"${ROOT:?}/usr/share/licenses/irqcap-dkms-$VERSION"
fi

info "total $(( $(date +%s) - T0 ))s; logs in $LOGS"
finish
}
