#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
#
# stage.sh ROOT TOP: put a Python interpreter, python3-irqcap, libirqcap.so.1
# and the guest test into the initramfs tree ROOT (tests/run-integration.sh).
#
# The interpreter is the host's Debian /usr/bin/python3 (same ELF, same
# glibc as the host: the guest runs Debian's kernel on that user space).
# Only what the test imports is copied: the host runs the same imports with
# -S (no site) and lists sys.modules' files; their shared libraries (ldd) come
# along.  About 6 MB, against some 45 MB for the whole stdlib.
set -u
set -o pipefail
root=$1 top=$2
py=/usr/bin/python3
[ -x "$py" ] || { echo "no $py on the host" >&2; exit 1; }
# package-check.sh stages what the packages installed instead of the tree's:
# IRQCAP_GUEST_PY_LIB (libirqcap.so.1) and IRQCAP_GUEST_PY_PKG (the irqcap
# package directory)
lib=${IRQCAP_GUEST_PY_LIB:-$top/tools/lib/libirqcap.so.1}
pkg=${IRQCAP_GUEST_PY_PKG:-$top/python/irqcap}
[ -f "$pkg/__init__.py" ] || { echo "no $pkg/__init__.py" >&2; exit 1; }
[ -f "$lib" ] || { echo "no $lib (make -C tools)" >&2; exit 1; }
imports="irqcap asyncio concurrent.futures.thread selectors threading errno time os sys"
stdlib=$("$py" -S -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
files=$(PYTHONPATH=$(dirname "$pkg") "$py" -S -c "
import sys
import $(echo "$imports" | tr ' ' ',')
for m in list(sys.modules.values()):
    f = getattr(m, '__file__', None)
    if f and not f.startswith('$(dirname "$pkg")/'):
        print(f)
") || exit 1
copy() { # FILE: into ROOT at the same path, with its shared libraries
	local f=$1 d
	[ -e "$root$f" ] && return 0
	mkdir -p "$root$(dirname "$f")"
	cp -L "$f" "$root$f"
	case $f in
	*.so | *.so.* | */python3*)
		for d in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do copy "$d"; done ;;
	esac
}
copy "$(readlink -f "$py")"
ln -sf "$(basename "$(readlink -f "$py")")" "$root/usr/bin/python3"
for f in $files; do copy "$f"; done
# encodings: the codecs the interpreter loads at start-up depend on the locale
for f in "$stdlib"/encodings/*.py; do copy "$f"; done
# the library under test and the package under test, from this tree
mkdir -p "$root/usr/lib/irqcap-python"
cp "$lib" "$root/usr/lib/irqcap-python/libirqcap.so.1"
for d in $(ldd "$lib" | grep -o '/[^ ]*'); do copy "$d"; done
mkdir -p "$root/usr/lib/irqcap-python/irqcap"
cp "$pkg"/*.py "$pkg"/py.typed "$root/usr/lib/irqcap-python/irqcap/"
install -m 0755 "$top/python/tests/guest/irqcap-python-test.py" "$root/python-test.py"
cat >"$root/python-test.sh" <<'SH'
#!/bin/sh
# the Python guest test: python3-irqcap on libirqcap against the real driver
PATH=/bin:/sbin:/usr/bin LD_LIBRARY_PATH=/usr/lib/irqcap-python PYTHONPATH=/usr/lib/irqcap-python \
	PYTHONHOME=/usr /usr/bin/python3 -S -B /python-test.py || echo "not ok - python: exited $?"
SH
chmod 0755 "$root/python-test.sh"
echo "staged $lib, $pkg; $(du -sk "$root/usr/lib/python3"* | awk '{s += $1} END {print s}') KiB of stdlib, $(echo "$files" | wc -l) modules"
