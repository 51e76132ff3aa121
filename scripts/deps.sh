#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# deps.sh: the one list of Debian packages irqcap's commands need, and the
# one place that installs them.  `make demo`, `make test` (scripts/test.sh)
# and CI (.ci/run, through `scripts/test.sh --full`) all call it.
#
# Usage: scripts/deps.sh [--check | --list] [demo | test | full]
#   demo    what `make demo` needs (build the module and CLI, boot QEMU)
#   test    what `make test` (the quick suites) needs: demo's plus style,
#           KUnit and DT tools (the default)
#   full    what `scripts/test.sh --full` and CI need: test's plus the
#           cross compilers, arm64/armhf QEMU, packaging and plotting
#   --check print the missing packages and exit 1 if any, install nothing
#   --list  print the set's packages, one a line
#
# Missing packages are installed with apt-get (as root, or through sudo);
# the host's apt sources are never changed.  Exit status 0 when everything
# is installed.
set -u

# package                 smallest set that needs it (demo < test < full)
# Not gcc-multilib: on bookworm it conflicts with gcc-aarch64-linux-gnu and
# gcc-arm-linux-gnueabihf, and installing it removes both (seen 2026-12-01).
# gcc-12-multilib (what gcc -m32 needs for the integration suite's 32-bit
# compat_ioctl program) installs alongside them.
list() {
	cat <<-'EOF'
	build-essential          demo
	make                     demo
	gcc                      demo
	libc6-dev                demo
	kmod                     demo
	cpio                     demo
	xz-utils                 demo
	qemu-system-x86          demo
	qemu-system-data         demo
	busybox-static           demo
	acpica-tools             demo
	@kernel-headers          demo
	@kernel-image            demo
	bc                       test
	bison                    test
	flex                     test
	libelf-dev               test
	libssl-dev               test
	linux-source-6.1         test
	python3                  test
	python3-pytest           test
	mypy                     test
	sparse                   test
	device-tree-compiler     test
	dt-schema                test
	yamllint                 test
	gcc-12-multilib          test
	libc6-dev-i386           test
	rsync                    full
	debootstrap              full
	linux-kbuild-6.1         full
	qemu-system-arm          full
	gcc-aarch64-linux-gnu    full
	libc6-dev-arm64-cross    full
	gcc-arm-linux-gnueabihf  full
	libc6-dev-armhf-cross    full
	debhelper                full
	dh-dkms                  full
	dh-python                full
	python3-all              full
	python3-setuptools       full
	dkms                     full
	devscripts               full
	dpkg-dev                 full
	fakeroot                 full
	lintian                  full
	rpm                      full
	rpmlint                  full
	gnuplot-nox              full
	EOF
}

rank() {
	case $1 in demo) echo 1 ;; test) echo 2 ;; full) echo 3 ;; *) return 1 ;; esac
}

mode=install
set_name="test"
while [ $# -gt 0 ]; do
	case $1 in
	--check) mode=check ;;
	--list) mode=list ;;
	demo | test | full) set_name=$1 ;;
	-h | --help) sed -n '4,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--check | --list] [demo | test | full]" >&2; exit 2 ;;
	esac
	shift
done
want=$(rank "$set_name")

# The kernel the QEMU tests boot and the headers to build for it: Debian's
# metapackages (Ubuntu's for the demo on Ubuntu).
. /etc/os-release 2>/dev/null || true
case ${ID:-debian} in
ubuntu) kheaders=linux-headers-generic kimage=linux-image-generic ;;
*) kheaders=linux-headers-amd64 kimage=linux-image-amd64 ;;
esac

pkgs=()
while read -r p s; do
	[ -n "$p" ] || continue
	[ "$(rank "$s")" -le "$want" ] || continue
	case $p in
	@kernel-headers) p=$kheaders ;;
	@kernel-image) p=$kimage ;;
	esac
	pkgs+=("$p")
done < <(list)

if [ "$mode" = list ]; then
	printf '%s\n' "${pkgs[@]}"
	exit 0
fi

installed=" $(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${pkgs[@]}" 2>/dev/null |
	sed -n 's/^installed //p' | tr '\n' ' ')"
missing=()
for p in "${pkgs[@]}"; do
	case $installed in *" $p "*) ;; *) missing+=("$p") ;; esac
done

[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$mode" = check ]; then
	echo "missing packages ($set_name): ${missing[*]}"
	exit 1
fi

sudo=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "deps: missing packages: ${missing[*]}; run as root, or apt-get install them" >&2
		exit 1
	}
	sudo=sudo
fi
log=${TMPDIR:-/tmp}/irqcap-deps-apt.log
echo "# installing ($set_name): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Other apt users on the machine hold the dpkg lock for a while: wait for it
# instead of failing.
apt_opts=(-q -o DPkg::Lock::Timeout=600)
if ! $sudo apt-get "${apt_opts[@]}" update >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "deps: apt-get update failed (log: $log)" >&2
	exit 1
fi
# Never remove a package to make room: a conflict in the list must be fixed
# in the list, not by uninstalling what someone else on the machine uses.
remove=$($sudo apt-get "${apt_opts[@]}" install -s --no-install-recommends "${missing[@]}" 2>>"$log" |
	sed -n 's/^Remv \([^ ]*\).*/\1/p' | tr '\n' ' ')
if [ -n "$remove" ]; then
	echo "deps: installing ${missing[*]} would remove: $remove- nothing was installed" >&2
	exit 1
fi
if ! $sudo apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "deps: apt-get could not install: ${missing[*]} (log: $log)" >&2
	exit 1
fi
still=$("$0" --check "$set_name") || { echo "deps: $still" >&2; exit 1; }
exit 0
