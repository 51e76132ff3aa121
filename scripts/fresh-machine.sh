#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# fresh-machine.sh: run the README's commands as a new user would, on a fresh
# Debian 12 machine: a debootstrap bookworm root (minbase, the archive's
# bookworm, bookworm-updates and bookworm-security) that has only git and
# make, a `git clone` of this checkout's HEAD, then `make test` twice: cold
# (it installs its packages and every cache is empty) and warm.  Nothing of
# the host is used but its kernel, /dev, /proc and /sys.
#
# Prints KTAP (scripts/lib/ktap.sh), "N passed, N failed" last.  Not part of
# scripts/test.sh: a cold run takes tens of minutes and downloads ~1 GB.
#
# Usage: scripts/fresh-machine.sh [--dir DIR] [--rev REV] [--keep] [-- MAKE ARGS]
#   --dir DIR   where the root goes (default /var/tmp/irqcap-fresh.$$); the
#               logs go to DIR.logs and stay
#   --rev REV   the commit to clone (default HEAD)
#   --keep      keep the root afterwards (umount DIR/proc DIR/sys DIR/dev ...)
#   MAKE ARGS   what to run in the clone (default: test)
set -u
set -o pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=/var/tmp/irqcap-fresh.$$
KEEP=0
REV=HEAD
MIRROR=${IRQCAP_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${IRQCAP_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
while [ $# -gt 0 ]; do
	case $1 in
	--dir) DIR=$2; shift 2 ;;
	--rev) REV=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	--) shift; break ;;
	-h | --help) sed -n '4,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "unknown option: $1" >&2; exit 2 ;;
	esac
done
[ $# -gt 0 ] || set -- test
ROOT=$DIR/root
LOGS=$DIR.logs

. "$TOP/scripts/lib/ktap.sh"
ktap_print_header
finish() {
	ktap_finished
	exit $?
}
[ "$(id -u)" -eq 0 ] || { ktap_fail "needs root (debootstrap, chroot, mounts)"; finish; }
command -v debootstrap >/dev/null || { ktap_fail "debootstrap is not installed (scripts/deps.sh full)"; finish; }
mkdir -p "$ROOT" "$LOGS"

mounted=""
cleanup() {
	local m
	for m in $mounted; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
	if [ "$KEEP" = 1 ]; then
		echo "# root kept at $ROOT"
	else
		# a lazily unmounted file system leaves /proc/mounts when its last
		# user is gone: give that a few seconds before giving up
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			grep -q " $DIR/" /proc/mounts || { rm -rf --one-file-system "$DIR"; return; }
			sleep 1
		done
		echo "# mounts remain below $DIR; not removing it"
	fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
in_root() {
	chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb "$@"
}

t=$(date +%s)
if debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$LOGS/debootstrap.log" 2>&1; then
	ktap_ok "debootstrap bookworm minbase ($(( $(date +%s) - t ))s)"
else
	ktap_fail "debootstrap failed (log: $LOGS/debootstrap.log)"; tail -5 "$LOGS/debootstrap.log"; finish
fi
cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null
mount -t proc proc "$ROOT/proc" && mounted="$ROOT/proc $mounted"
mount -t sysfs sysfs "$ROOT/sys" && mounted="$ROOT/sys $mounted"
mount --bind /dev "$ROOT/dev" && mounted="$ROOT/dev $mounted"
mount -t tmpfs tmpfs "$ROOT/dev/shm" && mounted="$ROOT/dev/shm $mounted"
# The repository (a worktree's .git is only a pointer: bind its common dir).
gitdir=$(cd "$TOP" && cd "$(git rev-parse --git-common-dir)" && pwd)
mkdir -p "$ROOT/src.git"
mount --bind "$gitdir" "$ROOT/src.git" && mounted="$ROOT/src.git $mounted" && mount -o remount,ro,bind "$ROOT/src.git"

# What a new user brings: git to clone, make to run the README's command.
t=$(date +%s)
if in_root sh -c 'apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends git make ca-certificates' \
	>"$LOGS/apt-git-make.log" 2>&1; then
	ktap_ok "apt-get install git make ($(( $(date +%s) - t ))s)"
else
	ktap_fail "apt-get install git make failed (log: $LOGS/apt-git-make.log)"; finish
fi
rev=$(git -C "$TOP" rev-parse --verify "$REV^{commit}") || { ktap_fail "no commit $REV"; finish; }
if in_root sh -c "git config --global --add safe.directory /src.git &&
	git clone -q --no-checkout /src.git /root/irqcap && git -C /root/irqcap checkout -q $rev" >"$LOGS/clone.log" 2>&1; then
	ktap_ok "git clone, checked out ${rev:0:7} ($REV)"
else
	ktap_fail "git clone failed (log: $LOGS/clone.log)"; cat "$LOGS/clone.log"; finish
fi

for run in cold warm; do
	t=$(date +%s)
	in_root make -C /root/irqcap "$@" >"$LOGS/make-$run.log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - t ))
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$LOGS/make-$run.log" | tail -n 1)
	grep -E '^[a-z0-9-]+ +[0-9]+ passed' "$LOGS/make-$run.log" | sed 's/^/# /'
	if [ "$rc" -eq 0 ] && [ -n "$last" ]; then
		ktap_ok "$run 'make $*' on the fresh root: $last in ${secs}s"
	else
		ktap_fail "$run 'make $*' on the fresh root: exit $rc, '${last:-no summary}' in ${secs}s (log: $LOGS/make-$run.log)"
		grep -E '^(FAIL|not ok)' "$LOGS/make-$run.log" | head -n 20 | sed 's/^/    | /'
	fi
done
finish
