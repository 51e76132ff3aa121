# SPDX-License-Identifier: GPL-2.0-only
# Packaging targets, included by the top-level Makefile:
#
#   make dist           the release tarball the RPM spec's Source0 names,
#                       $(DIST_DIR)/irqcap-VERSION.tar.gz, and its .sha256
#   make deb            irqcap-dkms_*.deb and irqcap-tools_*.deb in $(PKG_OUT)
#   make rpm            noarch irqcap-dkms and irqcap-tools RPMs in $(PKG_OUT)/rpm
#   make install-dkms-src DESTDIR=...
#                       the DKMS source tree, $(DESTDIR)/usr/src/irqcap-VERSION
#                       (debian/rules, the spec's %install and dkms-install use it)
#   make dkms-install   install that tree under /usr/src and have DKMS build
#                       and install it for KVER (default: the running kernel)
#   make dkms-remove    remove irqcap $(IRQCAP_PKG_VERSION) from DKMS (all kernels)
#   make package-check  the whole install/upgrade/QEMU/purge proof in a
#                       debootstrap root (scripts/package-check.sh)
#   make check-version  every version copy agrees with CHANGELOG
#
# Packages are built from the tarball of `make dist`, unpacked, so what they
# hold is what a packager who starts from the tarball gets, and build products
# in src/ or tools/ never leak into them.  In a git checkout the tarball is
# `git archive` of the tracked files as they are in the work tree (uncommitted
# edits included, untracked files not; DIST_REV=v0.1.0 archives a commit);
# elsewhere, e.g. in an unpacked tarball, it is the tree without .git and
# without what .gitignore lists.

# Including this file must not change the including Makefile's default goal.
_irqcap_pkg_saved_goal := $(.DEFAULT_GOAL)

PKG_TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
PKG_OUT ?= $(PKG_TOP)/build/pkg
IRQCAP_PKG_VERSION := $(shell sh $(PKG_TOP)/scripts/check-version.sh --print)
PKG_NAME := irqcap-$(IRQCAP_PKG_VERSION)
PKG_TREE := $(PKG_OUT)/$(PKG_NAME)
PKG_JOBS ?= 2
DIST_DIR ?= $(PKG_TOP)/build/dist
DIST_TARBALL := $(DIST_DIR)/$(PKG_NAME).tar.gz
DIST_REV ?=
# On a Debian host the RPM database is empty, so BuildRequires cannot be checked.
RPMBUILD_FLAGS ?= $(if $(wildcard /etc/debian_version),--nodeps)
# Only a tree that is the top of its own git work tree is archived with git
# (an unpacked tarball below some other checkout is not); evaluated when used.
pkg_in_git = $(filter $(PKG_TOP),$(shell git -C $(PKG_TOP) rev-parse --show-toplevel 2>/dev/null))

.PHONY: dist deb rpm install-dkms-src dkms-install dkms-remove package-check check-version pkg-tree

check-version:
	sh $(PKG_TOP)/scripts/check-version.sh

# The non-git tarball's --transform renames paths only ('S': not symlink
# targets; tools/include/irqcap/irqcap-uapi.h -> ../../../src/uapi/irqcap.h
# became irqcap-0.1.0./../.. and the tools did not build from the tarball).
# The tarball is written next to its final name and renamed, so a failed
# build never leaves a truncated tarball behind; gzip -n and a fixed order,
# owner and time make the non-git tarball reproducible too.
dist:
	mkdir -p $(DIST_DIR)
	rm -f $(DIST_TARBALL).tmp
ifneq ($(DIST_REV),)
	git -C $(PKG_TOP) archive --format=tar --prefix=$(PKG_NAME)/ $(DIST_REV) | gzip -9n >$(DIST_TARBALL).tmp
else
	@if [ -n "$(pkg_in_git)" ]; then \
		rev=$$(git -C $(PKG_TOP) stash create) || exit 1; \
		[ -z "$$rev" ] || echo "dist: uncommitted changes of tracked files are in the tarball" >&2; \
		git -C $(PKG_TOP) archive --format=tar --prefix=$(PKG_NAME)/ $${rev:-HEAD} | \
			gzip -9n >$(DIST_TARBALL).tmp || exit 1; \
	else \
		tar -C $(PKG_TOP) --exclude=./.git --exclude=./build --exclude-vcs-ignores \
			--sort=name --owner=0 --group=0 --numeric-owner --mode=go-w \
			--mtime=@$$(stat -c %Y $(PKG_TOP)/CHANGELOG) \
			--transform='s,^\.,$(PKG_NAME),S' -cf - . | gzip -9n >$(DIST_TARBALL).tmp || exit 1; \
	fi
endif
	mv $(DIST_TARBALL).tmp $(DIST_TARBALL)
	cd $(DIST_DIR) && sha256sum $(PKG_NAME).tar.gz >$(PKG_NAME).tar.gz.sha256
	@echo $(DIST_TARBALL)

pkg-tree: dist
	rm -rf $(PKG_TREE)
	mkdir -p $(PKG_OUT)
	tar -C $(PKG_OUT) -xzf $(DIST_TARBALL)

deb: pkg-tree
	cd $(PKG_TREE) && dpkg-buildpackage -us -uc -b -j$(PKG_JOBS)
	@ls -1 $(PKG_OUT)/*.deb

rpm: dist
	mkdir -p $(PKG_OUT)/rpm
	rm -rf $(PKG_OUT)/rpm/spec && mkdir -p $(PKG_OUT)/rpm/spec
	tar -C $(PKG_OUT)/rpm/spec -xzf $(DIST_TARBALL) --strip-components=2 $(PKG_NAME)/rpm/irqcap.spec
	rpmbuild -ba $(RPMBUILD_FLAGS) --define '_topdir $(PKG_OUT)/rpm' \
		--define '_sourcedir $(DIST_DIR)' \
		--define '_smp_mflags -j$(PKG_JOBS)' $(PKG_OUT)/rpm/spec/irqcap.spec
	@find $(PKG_OUT)/rpm/RPMS $(PKG_OUT)/rpm/SRPMS -name '*.rpm'

# The DKMS source tree: dkms.conf, a top-level Kbuild ("obj-m += src/") and
# the module's sources (never build products such as irqcap.mod.c).
USRSRC ?= /usr/src
DKMS_SRC_DIR = $(DESTDIR)$(USRSRC)/$(PKG_NAME)
MODULE_SOURCES = $(filter-out %.mod.c,$(wildcard $(PKG_TOP)/src/*.c)) $(wildcard $(PKG_TOP)/src/*.h)
install-dkms-src:
	install -d $(DKMS_SRC_DIR)/src/uapi
	install -p -m 0644 $(PKG_TOP)/dkms.conf $(DKMS_SRC_DIR)/dkms.conf
	install -p -m 0644 $(PKG_TOP)/debian/dkms.Kbuild $(DKMS_SRC_DIR)/Kbuild
	install -p -m 0644 $(PKG_TOP)/src/Kbuild $(MODULE_SOURCES) $(DKMS_SRC_DIR)/src/
	install -p -m 0644 $(PKG_TOP)/src/uapi/irqcap.h $(DKMS_SRC_DIR)/src/uapi/

# Installs the sources under /usr/src like the packages do, so DKMS can rebuild
# them for later kernels; KVER picks the kernel (headers must be installed).
# It also installs the packages' udev rule (group irqcap where that group
# exists, /dev/irqcap/by-label/LABEL) where the RPM puts it.
KVER ?= $(shell uname -r)
UDEVRULESDIR ?= /usr/lib/udev/rules.d
dkms-install:
	@command -v dkms >/dev/null || { echo "dkms is not installed"; exit 1; }
	-dkms remove -m irqcap -v $(IRQCAP_PKG_VERSION) --all
	rm -rf $(USRSRC)/$(PKG_NAME)
	$(MAKE) -f $(PKG_TOP)/scripts/packaging.mk install-dkms-src DESTDIR=
	dkms install -m irqcap -v $(IRQCAP_PKG_VERSION) -k $(KVER)
	install -p -D -m 0644 $(PKG_TOP)/debian/irqcap-tools.udev $(UDEVRULESDIR)/60-irqcap.rules
	-udevadm control --reload

dkms-remove:
	-dkms remove -m irqcap -v $(IRQCAP_PKG_VERSION) --all
	rm -rf $(USRSRC)/$(PKG_NAME)
	rm -f $(UDEVRULESDIR)/60-irqcap.rules

package-check:
	$(PKG_TOP)/scripts/package-check.sh

.DEFAULT_GOAL := $(_irqcap_pkg_saved_goal)
