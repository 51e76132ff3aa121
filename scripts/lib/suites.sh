# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared helpers: get Debian suites (chroots), kernel headers and kernel images
# without touching the host's apt sources.  Source it from bash:
#
#   . scripts/lib/suites.sh
#   root=$(suite_chroot sid)             # debootstrap chroot, cached
#   suite_chroot_run "$root" 'make ...'   # run inside it with /proc mounted
#   kernel_setup 7.2                      # sets KSET_* (headers, image, chroot)
#
# Everything is cached under ${IRQCAP_CACHE:-/var/cache/irqcap}/matrix/ and
# reused; a cache entry is only trusted once its ".done" stamp exists, so an
# interrupted set-up is redone rather than half-used.  Messages go to stderr.

IRQCAP_CACHE=${IRQCAP_CACHE:-/var/cache/irqcap}
SUITES_CACHE=${SUITES_CACHE:-$IRQCAP_CACHE/matrix}

suites_log() { printf '%s\n' "suites: $*" >&2; }

# The Debian archive the host already uses (the served snapshot), from its
# deb822 or one-line sources; override with DEBIAN_MIRROR.
suites_mirror() {
	if [ -n "${DEBIAN_MIRROR:-}" ]; then
		echo "$DEBIAN_MIRROR"; return
	fi
	local m
	m=$(grep -hsE '^URIs:.*debian/?$' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '{print $2}' | head -n 1)
	[ -n "$m" ] || m=$(grep -hsE '^deb .*debian/? ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '{print $2}' | head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

# A simple lock so two runs (or two engineers) do not build the same cache
# entry at once: flock on a file next to it.
suites_locked() { # LOCKNAME CMD...
	local lock=$SUITES_CACHE/.lock.$1; shift
	mkdir -p "$SUITES_CACHE"
	(
		flock 9
		"$@"
	) 9>"$lock"
}

# suite_chroot SUITE   (SUITE: trixie | sid | experimental)
# Prints the chroot directory.  "experimental" is sid plus experimental's
# sources (apt pins experimental at 1, so install with -t experimental).
# Installs the toolchain the notes found necessary: gcc make kmod perl
# (full perl: W=1 runs kernel-doc, which needs Pod::Usage).
suite_chroot() {
	local suite=$1 dir=$SUITES_CACHE/chroots/$1
	if [ ! -e "$dir/.done" ]; then
		suites_locked "chroot-$suite" _suite_chroot_make "$suite" "$dir" >&2 || return 1
	fi
	echo "$dir"
}

_suite_chroot_make() {
	local suite=$1 dir=$2 base=$1 mirror
	[ -e "$dir/.done" ] && return 0
	[ "$suite" = experimental ] && base=sid
	mirror=$(suites_mirror)
	suites_log "debootstrap $base into $dir (from $mirror)"
	rm -rf "$dir"; mkdir -p "$dir"
	if ! debootstrap --variant=minbase "$base" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1; then
		suites_log "debootstrap $base failed, see $dir.debootstrap.log"; return 1
	fi
	# sid and experimental Release files are past their Valid-Until
	echo 'Acquire::Check-Valid-Until "false";' >"$dir/etc/apt/apt.conf.d/99irqcap-valid-until"
	echo 'APT::Install-Recommends "false";' >"$dir/etc/apt/apt.conf.d/99irqcap-norecommends"
	if [ "$suite" = experimental ]; then
		echo "deb $mirror experimental main" >"$dir/etc/apt/sources.list.d/experimental.list"
	fi
	suite_chroot_run "$dir" 'apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q -y install gcc make kmod perl' \
		>"$dir.apt.log" 2>&1 || { suites_log "apt in $suite failed, see $dir.apt.log"; return 1; }
	touch "$dir/.done"
}

# suite_chroot_run DIR 'shell command'   - with /proc (7.x objtool needs it)
# and /dev mounted for the duration, in a private mount namespace so that a
# killed run leaves no mount behind.
suite_chroot_run() {
	local dir=$1; shift
	unshare --mount --propagation private sh -c '
		dir=$1; shift
		mount -t proc proc "$dir/proc" && mount --rbind /dev "$dir/dev" &&
		exec chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 sh -c "$1"' sh "$dir" "$*"
}

# suite_pkg_version DIR PKG  -> candidate version of PKG inside chroot DIR
suite_pkg_version() {
	suite_chroot_run "$1" "apt-cache policy $2" 2>/dev/null | awk '/Candidate:/ {print $2; exit}'
}

# ---------------------------------------------------------------------------
# Kernels.  kernel_setup NAME fills:
#   KSET_NAME     row name (6.1, 6.1-threadirqs, 6.1-rt, 6.12, 6.12-rt, 7.2, 7.3-rc)
#   KSET_ABI      ABI name (6.1.0-56-amd64, 7.3-amd64, ...)
#   KSET_VERSION  Debian package version of the kernel (6.1.192-2, ...)
#   KSET_KDIR     headers dir as seen from where the build runs
#   KSET_CHROOT   chroot to build in ("" = host)
#   KSET_IMAGE    vmlinuz on the host, for QEMU
#   KSET_SRCPKG   linux-source package of that suite (for KUnit), may be ""
#   KSET_MAKEARGS more make arguments (ARCH=, CROSS_COMPILE= for a cross row)
#   KSET_BOOT     1: the matrix boots KSET_IMAGE with the x86 integration
#                 suite; 0: a build row (armhf boots in scripts/dt-gpio-test.sh)
#   KSET_APPEND   extra kernel parameters for the guest's boot, may be ""
# Headers come from the suite's linux-headers-amd64 meta package, so a newer
# snapshot moves the rows forward without editing this file.
KERNELS_ALL="6.1 6.1-threadirqs 6.1-rt 6.12 6.12-rt 7.2 7.3-rc armhf"

kernel_setup() {
	KSET_NAME=$1 KSET_ABI='' KSET_VERSION='' KSET_KDIR='' KSET_CHROOT='' KSET_IMAGE='' KSET_SRCPKG=''
	KSET_MAKEARGS='' KSET_BOOT=1 KSET_APPEND=''
	export KSET_NAME
	case $1 in
	6.1)     _kernel_host ;;
	# the same image and module as 6.1, booted with forced IRQ threading
	6.1-threadirqs) _kernel_host && KSET_APPEND=threadirqs ;;
	6.1-rt)  _kernel_host_rt ;;
	6.12)    _kernel_chroot trixie "" ;;
	6.12-rt) _kernel_chroot trixie "" rt-amd64 ;;
	7.2)     _kernel_chroot sid "" ;;
	7.3-rc)  _kernel_chroot experimental "-t experimental" ;;
	armhf)   _kernel_foreign armhf ;;
	*) suites_log "unknown kernel '$1' (known: $KERNELS_ALL)"; return 1 ;;
	esac
}

# 6.1 generic: the host's own headers and image (bookworm).
_kernel_host() {
	local hdr
	hdr=$(dpkg-query -W -f='${Depends}\n' linux-headers-amd64 2>/dev/null | grep -o 'linux-headers-[^ ,]*' | head -n 1)
	KSET_ABI=${hdr#linux-headers-}
	[ -n "$KSET_ABI" ] || { suites_log "linux-headers-amd64 is not installed on the host"; return 1; }
	KSET_VERSION=$(dpkg-query -W -f='${Version}' "linux-headers-$KSET_ABI")
	KSET_KDIR=/usr/src/linux-headers-$KSET_ABI
	KSET_IMAGE=/boot/vmlinuz-$KSET_ABI
	KSET_SRCPKG=linux-source-$(echo "$KSET_VERSION" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
	[ -d "$KSET_KDIR" ] || { suites_log "$KSET_KDIR missing"; return 1; }
	[ -r "$KSET_IMAGE" ] || _kernel_host_image "$KSET_ABI" || return 1
}

# A bookworm image not installed on the host: apt-get download + dpkg -x.
_kernel_host_image() {
	local abi=$1 dir=$SUITES_CACHE/images/$1
	KSET_IMAGE=$dir/boot/vmlinuz-$abi
	[ -e "$dir/.done" ] && return 0
	suites_locked "image-$abi" sh -c '
		set -e; [ -e "$1/.done" ] && exit 0
		rm -rf "$1"; mkdir -p "$1/debs"; cd "$1/debs"
		apt-get -q download "linux-image-$2-unsigned" >&2 2>/dev/null || apt-get -q download "linux-image-$2" >&2
		for d in *.deb; do dpkg -x "$d" "$1"; done
		rm -rf "$1/debs" "$1/lib/modules"; touch "$1/.done"' sh "$dir" "$abi" >&2
}

# 6.1 PREEMPT_RT: the -rt-amd64 flavour of the host's ABI.  Its headers are
# unpacked (not installed) and their absolute include of the -common-rt tree
# is pointed at the unpacked copy; kbuild comes from the host (same 6.1).
_kernel_host_rt() {
	_kernel_host || return 1
	local abi=${KSET_ABI%-amd64}-rt-amd64 dir
	dir=$SUITES_CACHE/headers/$abi
	KSET_ABI=$abi
	KSET_KDIR=$dir/usr/src/linux-headers-$abi
	if [ ! -e "$dir/.done" ]; then
		suites_locked "headers-$abi" sh -c '
			set -e; [ -e "$1/.done" ] && exit 0
			abi=$2; common=linux-headers-${abi%-rt-amd64}-common-rt
			rm -rf "$1"; mkdir -p "$1/debs"; cd "$1/debs"
			apt-get -q download "linux-headers-$abi" "$common" >&2
			for d in *.deb; do dpkg -x "$d" "$1"; done
			rm -rf "$1/debs"
			sed -i "s|/usr/src/$common|$1/usr/src/$common|g" "$1/usr/src/linux-headers-$abi/Makefile"
			mkdir -p "$1/usr/lib"
			for k in /usr/lib/linux-kbuild-*; do ln -sfn "$k" "$1/usr/lib/${k##*/}"; done
			touch "$1/.done"' sh "$dir" "$abi" >&2 || return 1
	fi
	_kernel_host_image "$abi" || return 1
}

# 6.12 / 7.x: headers installed in a chroot of that suite (the toolchain must
# match: 7.2 is built with gcc-16), image downloaded there and unpacked here.
# FLAVOUR (default amd64) picks the meta package linux-headers-FLAVOUR:
# rt-amd64 is trixie's PREEMPT_RT kernel (6.12-rt), installed next to the
# generic headers in the same chroot.
_kernel_chroot() {
	local suite=$1 tflag=$2 flav=${3:-amd64} root hdr abi idir stamp
	root=$(suite_chroot "$suite") || return 1
	KSET_CHROOT=$root
	stamp=$root/.kernel.done
	[ "$flav" = amd64 ] || stamp=$root/.kernel-$flav.done
	if [ ! -e "$stamp" ]; then
		# bash: the sub-shell sources this file, which is bash, not sh
		suites_locked "chroot-$suite" bash -c '
			. "$1"; root=$2; tflag=$3; flav=$4; stamp=$5
			[ -e "$stamp" ] && exit 0
			suite_chroot_run "$root" "apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q -y $tflag install linux-headers-$flav" \
				>"$root.kernel-$flav.log" 2>&1 || { suites_log "headers install failed, see $root.kernel-$flav.log"; exit 1; }
			touch "$stamp"' sh "${BASH_SOURCE[0]}" "$root" "$tflag" "$flav" "$stamp" >&2 || return 1
	fi
	hdr=$(suite_chroot_run "$root" "dpkg-query -W -f='\${Depends}' linux-headers-$flav" | grep -o 'linux-headers-[^ ,]*' | head -n 1)
	abi=${hdr#linux-headers-}
	[ -n "$abi" ] || { suites_log "no linux-headers-$flav in $suite chroot"; return 1; }
	KSET_ABI=$abi
	KSET_VERSION=$(suite_chroot_run "$root" "dpkg-query -W -f='\${Version}' $hdr")
	KSET_KDIR=/usr/src/$hdr
	KSET_SRCPKG=linux-source-$(echo "$KSET_VERSION" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
	idir=$SUITES_CACHE/images/$abi
	KSET_IMAGE=
	if [ ! -e "$idir/.done" ]; then
		suites_locked "image-$abi" bash -c '
			. "$1"; root=$2; abi=$3; idir=$4; tflag=$5
			[ -e "$idir/.done" ] && exit 0
			# 7.x: linux-binary-<abi> holds usr/lib/modules/<abi>/vmlinuz;
			# 6.12 and older: boot/vmlinuz-<abi> in linux-image-<abi>-unsigned.
			rm -rf "$root/tmp/img"; mkdir -p "$root/tmp/img"; chmod 777 "$root/tmp/img"
			suite_chroot_run "$root" "cd /tmp/img && { apt-get -q download $tflag linux-binary-$abi || apt-get -q download $tflag linux-image-$abi-unsigned || apt-get -q download $tflag linux-image-$abi; }" >&2 ||
				{ suites_log "no image package for $abi"; exit 1; }
			rm -rf "$idir"; mkdir -p "$idir"
			for d in "$root"/tmp/img/*.deb; do dpkg -x "$d" "$idir/x"; done
			rm -rf "$root/tmp/img"
			img=$(find "$idir/x" -name "vmlinuz*" -type f | head -n 1)
			[ -n "$img" ] || { suites_log "no vmlinuz in the image package for $abi"; exit 1; }
			mv "$img" "$idir/vmlinuz-$abi"; rm -rf "$idir/x"
			touch "$idir/.done"' sh "${BASH_SOURCE[0]}" "$root" "$abi" "$idir" "$tflag" >&2 || return 1
	fi
	KSET_IMAGE=$idir/vmlinuz-$abi
}

# armhf: Debian's armmp kernel (bookworm), cross-built on the host with ARM's
# modpost (foreign_kernel_setup below); a build row.
# shellcheck disable=SC2034  # FK_*/KSET_* are for the caller
_kernel_foreign() {
	foreign_kernel_setup "$1" || return 1
	KSET_ABI=$FK_ABI KSET_VERSION=$FK_VERSION KSET_KDIR=$FK_KDIR KSET_IMAGE=$FK_IMAGE
	KSET_MAKEARGS=$FK_MAKEARGS KSET_BOOT=0
}

# kernel_source_tarball  (after kernel_setup) -> path of that suite's
# linux-source-X.Y tarball on the host (for KUnit), installing the package in
# the suite's chroot, or unpacking it for the host suite, on first use.
kernel_source_tarball() {
	local pkg=$KSET_SRCPKG tflag='' dir
	[ -n "$pkg" ] || return 1
	if [ -z "$KSET_CHROOT" ]; then
		if [ -r "/usr/src/$pkg.tar.xz" ]; then echo "/usr/src/$pkg.tar.xz"; return 0; fi
		dir=$SUITES_CACHE/sources/$pkg
		if [ ! -e "$dir/.done" ]; then
			suites_locked "source-$pkg" sh -c '
				set -e; [ -e "$1/.done" ] && exit 0
				rm -rf "$1"; mkdir -p "$1/debs"; chmod 777 "$1/debs"; cd "$1/debs"
				apt-get -q download "$2" >&2
				for d in *.deb; do dpkg -x "$d" "$1"; done
				rm -rf "$1/debs"; touch "$1/.done"' sh "$dir" "$pkg" >&2 || return 1
		fi
		echo "$dir/usr/src/$pkg.tar.xz"
		return 0
	fi
	[ "${KSET_CHROOT##*/}" = experimental ] && tflag="-t experimental"
	if [ ! -r "$KSET_CHROOT/usr/src/$pkg.tar.xz" ]; then
		suites_locked "chroot-${KSET_CHROOT##*/}" bash -c '
			. "$1"; [ -r "$2/usr/src/$3.tar.xz" ] && exit 0
			suite_chroot_run "$2" "DEBIAN_FRONTEND=noninteractive apt-get -q -y $4 install $3" >&2' \
			sh "${BASH_SOURCE[0]}" "$KSET_CHROOT" "$pkg" "$tflag" || return 1
	fi
	[ -r "$KSET_CHROOT/usr/src/$pkg.tar.xz" ] || { suites_log "no $pkg.tar.xz after installing $pkg"; return 1; }
	echo "$KSET_CHROOT/usr/src/$pkg.tar.xz"
}

# ---------------------------------------------------------------------------
# Other architectures' Debian kernels (for cross builds and QEMU boots).
#
# foreign_kernel_setup ARCH   (ARCH: arm64 | armhf) fills:
#   FK_ARCH FK_ABI FK_VERSION  Debian arch, ABI (6.1.0-57-armmp), package version
#   FK_ROOT                    the unpacked packages (boot/, usr/src/, bin/busybox)
#   FK_KDIR FK_IMAGE FK_BUSYBOX  headers dir, kernel image, static busybox
#   FK_MAKEARGS                ARCH=... CROSS_COMPILE=... for make -C "$FK_KDIR"
#   FK_CC                      the cross gcc for guest programs
#   FK_VERMAGIC                a glob that the vermagic's arch part matches
# The image, headers (flavour and -common) and busybox-static come from a
# private apt state (lists, cache, sources) for that architecture only, on the
# host's mirror: the host's apt configuration is never touched.  Cached under
# $IRQCAP_CACHE/ARCH/<abi>/, trusted once its .done stamp exists; the ABI is
# what Debian's linux-headers-<flavour> points at on first use, then the cached
# one (IRQCAP_ARM64_ABI / IRQCAP_ARMHF_ABI override).  A failed index (the
# archive's bookworm-security armhf index has failed with a size mismatch) is
# reported and the lists that did arrive are used: bookworm main then gives an
# older ABI with its own -common headers.
#
# Kbuild's host tools: the headers' scripts/ link points at
# ../../lib/linux-kbuild-6.1.  For arm64 the host's (amd64) kbuild works.  For
# armhf it does not: its modpost has the devicetable offsets of a 64-bit
# target ("sizeof(struct of_device_id)=200 is not a modulo of the size of
# section __mod_of__...=392"; ARM's struct is 196 bytes).  So a tree from the
# host's linux-source-6.1 is configured with the image's own config for
# ARCH=arm and `modules_prepare`d (about 45 s), and its modpost replaces the
# one in a private copy of the host's kbuild.  Vermagic and CRCs still come
# from the armmp headers (Module.symvers), so the module loads in the image.
# shellcheck disable=SC2034  # FK_*/KSET_* are for the caller
foreign_kernel_setup() {
	local arch=$1 cache=$IRQCAP_CACHE/$1 var
	FK_ARCH=$arch
	case $arch in
	arm64)
		FK_FLAVOUR=arm64 FK_IMGPKG_SUFFIX=-unsigned
		FK_MAKEARGS="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
		FK_CC=aarch64-linux-gnu-gcc
		FK_VERMAGIC='*aarch64*' ;;
	armhf)
		FK_FLAVOUR=armmp FK_IMGPKG_SUFFIX=
		FK_MAKEARGS="ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-"
		FK_CC=arm-linux-gnueabihf-gcc
		FK_VERMAGIC='*ARMv7*' ;;
	*) suites_log "unknown architecture '$arch' (known: arm64 armhf)"; return 1 ;;
	esac
	var=IRQCAP_$(echo "$arch" | tr '[:lower:]' '[:upper:]')_ABI
	mkdir -p "$cache"
	(
		flock 9
		_foreign_fetch "$arch" "$cache" "${!var:-}"
	) 9>"$cache/.lock" || return 1
	FK_ABI=${!var:-$(cat "$cache/abi")}
	FK_ROOT=$cache/$FK_ABI
	FK_VERSION=$(cat "$FK_ROOT/version" 2>/dev/null)
	FK_KDIR=$FK_ROOT/usr/src/linux-headers-$FK_ABI
	FK_IMAGE=$FK_ROOT/boot/vmlinuz-$FK_ABI
	FK_BUSYBOX=$FK_ROOT/bin/busybox
}

_foreign_apt() { # _foreign_apt CACHE ARCH apt-get|apt-cache ARGS...
	local c=$1 a=$2 cmd=$3; shift 3
	"$cmd" -o APT::Architecture="$a" -o APT::Architectures="$a" \
		-o Dir::State::Lists="$c/apt/lists" -o Dir::Cache="$c/apt/cache" \
		-o Dir::Etc::SourceList="$c/apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State::Status=/dev/null -o Debug::NoLocking=1 "$@"
}

_foreign_fetch() { # ARCH CACHE [ABI]   (under the cache's lock)
	local arch=$1 cache=$2 abi=${3:-} uri root common d src tree t0
	[ -n "$abi" ] || abi=$(cat "$cache/abi" 2>/dev/null)
	# .complete: the stamp of scripts/arm64-dt-test.sh, which this replaced
	# (same layout); honour it and write it too, so that a checkout from
	# before shares the cache instead of deleting and refetching it
	[ -n "$abi" ] && { [ -e "$cache/$abi/.done" ] || [ -e "$cache/$abi/.complete" ]; } && return 0
	t0=$(date +%s)
	suites_log "fetching Debian $arch kernel, headers and busybox into $cache (cold cache)"
	mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial"
	uri=$(suites_mirror)
	cat >"$cache/apt/sources.list" <<-EOF
	deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm main
	deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-updates main
	deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${uri%/debian}/debian-security bookworm-security main
	EOF
	if ! _foreign_apt "$cache" "$arch" apt-get update >"$cache/apt-update.log" 2>&1; then
		suites_log "apt-get update for $arch reported errors (using the lists that arrived):"
		grep -E '^(E|W):' "$cache/apt-update.log" | head -n 4 | sed 's/^/suites:   /' >&2
	fi
	if [ -z "$abi" ]; then
		abi=$(_foreign_apt "$cache" "$arch" apt-cache depends "linux-headers-$FK_FLAVOUR" 2>/dev/null |
		      sed -n "s/.*Depends: linux-headers-\(6\.1\.[0-9]*-[0-9]*-$FK_FLAVOUR\)\$/\1/p" | head -n 1)
		[ -n "$abi" ] || { suites_log "no $arch kernel ABI in Debian's lists (see $cache/apt-update.log)"; return 1; }
	fi
	root=$cache/$abi
	common=linux-headers-${abi%-"$FK_FLAVOUR"}-common
	rm -rf "$root" "$cache/debs" && mkdir -p "$root" "$cache/debs"
	chmod 777 "$cache/debs"	# apt's _apt user downloads into it
	if ! (cd "$cache/debs" && _foreign_apt "$cache" "$arch" apt-get download \
		"linux-image-$abi$FK_IMGPKG_SUFFIX" "linux-headers-$abi" "$common" busybox-static) \
		>"$cache/apt-download.log" 2>&1; then
		suites_log "$arch packages for $abi not downloaded, see $cache/apt-download.log"; return 1
	fi
	for d in "$cache"/debs/*.deb; do
		case ${d##*/} in
		# only the image's boot/ (vmlinuz, config): the guest needs no module of it
		linux-image-*) dpkg-deb --fsys-tarfile "$d" | tar -x -C "$root" ./boot ;;
		*) dpkg -x "$d" "$root" ;;
		esac || { suites_log "unpacking $d failed"; return 1; }
	done
	dpkg-deb -f "$cache"/debs/linux-headers-"$abi"_*.deb Version >"$root/version"
	rm -rf "$cache/debs"
	# the flavour Makefile includes the -common headers by absolute path
	echo "include $root/usr/src/$common/Makefile" >"$root/usr/src/linux-headers-$abi/Makefile"
	mkdir -p "$root/usr/lib"
	if [ "$arch" = arm64 ]; then
		ln -sfn /usr/lib/linux-kbuild-6.1 "$root/usr/lib/linux-kbuild-6.1"
	else
		src=/usr/src/linux-source-6.1.tar.xz
		[ -r "$src" ] || { suites_log "$src missing (package linux-source-6.1)"; return 1; }
		[ -d /usr/lib/linux-kbuild-6.1/scripts ] || { suites_log "host linux-kbuild-6.1 missing"; return 1; }
		tree=$cache/prep-$abi
		rm -rf "$tree"; mkdir -p "$tree"
		# Kconfig files and the build machinery, not the sources of drivers,
		# file systems, networking or other architectures (185 MB, ~15 s)
		local ex=() a
		for a in alpha arc arm64 csky hexagon ia64 loongarch m68k microblaze mips nios2 openrisc \
			parisc powerpc riscv s390 sh sparc um x86 xtensa; do
			ex+=("--exclude=linux-source-6.1/arch/$a/*.[chS]" "--exclude=linux-source-6.1/arch/$a/*.dts*")
		done
		if ! tar -xJf "$src" -C "$tree" "${ex[@]}" \
			--exclude='linux-source-6.1/Documentation/*/*' --exclude='linux-source-6.1/tools/testing' \
			--exclude='linux-source-6.1/tools/perf' --exclude='linux-source-6.1/drivers/*.[ch]' \
			--exclude='linux-source-6.1/sound/*.[ch]' --exclude='linux-source-6.1/fs/*.[ch]' \
			--exclude='linux-source-6.1/net/*.[ch]' >"$cache/prep.log" 2>&1; then
			suites_log "unpacking $src failed, see $cache/prep.log"; return 1
		fi
		cp "$root/boot/config-$abi" "$tree/linux-source-6.1/.config"
		# shellcheck disable=SC2086
		if ! nice -n 10 make -C "$tree/linux-source-6.1" $FK_MAKEARGS -j2 olddefconfig modules_prepare \
			>>"$cache/prep.log" 2>&1; then
			suites_log "modules_prepare for ARCH=arm failed, see $cache/prep.log"; return 1
		fi
		cp -a /usr/lib/linux-kbuild-6.1 "$root/usr/lib/linux-kbuild-6.1"
		rm -f "$root"/usr/lib/linux-kbuild-6.1/scripts/mod/modpost*
		cp "$tree/linux-source-6.1/scripts/mod/modpost" "$root/usr/lib/linux-kbuild-6.1/scripts/mod/modpost"
		rm -rf "$tree"
	fi
	[ -s "$root/boot/vmlinuz-$abi" ] && [ -x "$root/bin/busybox" ] &&
		[ -d "$root/usr/src/linux-headers-$abi" ] || { suites_log "incomplete $arch unpack in $root"; return 1; }
	[ -n "${3:-}" ] || echo "$abi" >"$cache/abi"	# an override is not sticky
	touch "$root/.done" "$root/.complete"
	suites_log "$arch $abi cached in $root ($(($(date +%s) - t0)) s)"
}
