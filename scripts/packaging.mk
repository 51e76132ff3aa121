# SPDX-License-Identifier: GPL-2.0-only
# Packaging targets, included by the top-level Makefile:
#
#   make deb            irqcap-dkms_*.deb and irqcap-tools_*.deb in $(PKG_OUT)
#   make rpm            noarch irqcap-dkms and irqcap-tools RPMs in $(PKG_OUT)/rpm
#   make dkms-install   register this checkout with DKMS, build and install it
#                       for KVER (default: the running kernel)
#   make dkms-remove    remove irqcap $(IRQCAP_PKG_VERSION) from DKMS (all kernels)
#   make package-check  the whole install/upgrade/QEMU/purge proof in a
#                       debootstrap root (scripts/package-check.sh)
#   make check-version  every version copy agrees with CHANGELOG
#
# Packages are built from a copy of the files git knows about (tracked and
# untracked-but-not-ignored), so build products in src/ never leak into them.

# Including this file must not change the including Makefile's default goal.
_irqcap_pkg_saved_goal := $(.DEFAULT_GOAL)

PKG_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
PKG_OUT ?= $(PKG_TOP)/build/pkg
IRQCAP_PKG_VERSION := $(shell sh $(PKG_TOP)/scripts/check-version.sh --print)
PKG_TREE := $(PKG_OUT)/irqcap-$(IRQCAP_PKG_VERSION)
PKG_JOBS ?= 2
# On a Debian host the RPM database is empty, so BuildRequires cannot be checked.
RPMBUILD_FLAGS ?= $(if $(wildcard /etc/debian_version),--nodeps)

.PHONY: deb rpm dkms-install dkms-remove package-check check-version pkg-tree

check-version:
	sh $(PKG_TOP)/scripts/check-version.sh

pkg-tree:
	rm -rf $(PKG_TREE)
	mkdir -p $(PKG_TREE)
	cd $(PKG_TOP) && git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		cpio -0 -pdm --quiet $(PKG_TREE)

deb: pkg-tree
	cd $(PKG_TREE) && dpkg-buildpackage -us -uc -b -j$(PKG_JOBS)
	@ls -1 $(PKG_OUT)/*.deb

rpm: pkg-tree
	mkdir -p $(PKG_OUT)/rpm/SOURCES
	tar -C $(PKG_OUT) -czf $(PKG_OUT)/rpm/SOURCES/irqcap-$(IRQCAP_PKG_VERSION).tar.gz \
		irqcap-$(IRQCAP_PKG_VERSION)
	rpmbuild -ba $(RPMBUILD_FLAGS) --define '_topdir $(PKG_OUT)/rpm' \
		--define '_smp_mflags -j$(PKG_JOBS)' $(PKG_TREE)/rpm/irqcap.spec
	@find $(PKG_OUT)/rpm/RPMS $(PKG_OUT)/rpm/SRPMS -name '*.rpm'

# Installs the sources under /usr/src like the packages do, so DKMS can rebuild
# them for later kernels; KVER picks the kernel (headers must be installed).
KVER ?= $(shell uname -r)
dkms-install: pkg-tree
	@command -v dkms >/dev/null || { echo "dkms is not installed"; exit 1; }
	-dkms remove -m irqcap -v $(IRQCAP_PKG_VERSION) --all
	rm -rf /usr/src/irqcap-$(IRQCAP_PKG_VERSION)
	install -d /usr/src/irqcap-$(IRQCAP_PKG_VERSION)/src/uapi
	install -m 0644 $(PKG_TREE)/dkms.conf /usr/src/irqcap-$(IRQCAP_PKG_VERSION)/
	install -m 0644 $(PKG_TREE)/debian/dkms.Kbuild /usr/src/irqcap-$(IRQCAP_PKG_VERSION)/Kbuild
	install -m 0644 $(PKG_TREE)/src/Kbuild $(filter-out %.mod.c,$(wildcard $(PKG_TREE)/src/*.c)) \
		$(PKG_TREE)/src/*.h /usr/src/irqcap-$(IRQCAP_PKG_VERSION)/src/
	install -m 0644 $(PKG_TREE)/src/uapi/irqcap.h /usr/src/irqcap-$(IRQCAP_PKG_VERSION)/src/uapi/
	dkms install -m irqcap -v $(IRQCAP_PKG_VERSION) -k $(KVER)

dkms-remove:
	-dkms remove -m irqcap -v $(IRQCAP_PKG_VERSION) --all
	rm -rf /usr/src/irqcap-$(IRQCAP_PKG_VERSION)

package-check:
	$(PKG_TOP)/scripts/package-check.sh

.DEFAULT_GOAL := $(_irqcap_pkg_saved_goal)
