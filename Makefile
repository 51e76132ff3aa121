# SPDX-License-Identifier: GPL-2.0-only
#
# Build irqcap.ko out of tree:  make [KDIR=/lib/modules/<ver>/build] [W=1] [C=1]
# The module lands in src/irqcap.ko.  `make help` lists the other targets.

# Default: the running kernel's headers, else the newest Debian amd64
# headers installed (the kernel the QEMU tests boot).
KVER ?= $(shell uname -r)
KDIR ?= $(or $(wildcard /lib/modules/$(KVER)/build),$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | grep -v -e '-rt-' -e cloud | sort -V | tail -1))
SRC := $(CURDIR)/src

.PHONY: all modules clean check deps test test-full demo bench matrix help

all: modules

# Without headers KDIR is empty, and "make -C M=..." would take M=... for the
# directory ("M=.../src: No such file or directory"): say what is missing.
kdir-ok = $(if $(wildcard $(KDIR)/Makefile),,$(error no kernel headers found \
	(KDIR='$(KDIR)'): run "make deps" (installs linux-headers-amd64) or pass KDIR=))

modules:
	$(kdir-ok)
	$(MAKE) -C $(KDIR) M=$(SRC) modules

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(MAKE) -C $(KDIR) M=$(SRC) clean)
	$(MAKE) -C tools clean 2>/dev/null || true

# checkpatch --strict, sparse and W=1 on the driver sources
check:
	scripts/check-style.sh

# The Debian packages of scripts/deps.sh's "test" set (DEPS=demo|test|full)
deps:
	scripts/deps.sh $(or $(DEPS),test)

test:
	scripts/test.sh

test-full:
	scripts/test.sh --full

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

matrix:
	scripts/matrix.sh

help:
	@echo "make [KDIR=...]   build src/irqcap.ko (W=1 C=1 pass through)"
	@echo "make check        checkpatch --strict, sparse, W=1"
	@echo "make deps         install the Debian packages the tests need (DEPS=demo|test|full)"
	@echo "make test         quick tests (see README); installs its packages first"
	@echo "make test-full    everything CI runs"
	@echo "make demo         boot a QEMU board and watch events"
	@echo "make matrix       build and boot-test on 6.1, 6.1-rt, 6.12, 7.2, 7.3-rc"
	@echo "make bench        irqcap vs a counting handler, UIO, counter chrdev, gpio-cdev (docs/bench.md)"
	@echo "make deb|rpm|dkms-install|dkms-remove|package-check  (docs/packaging.md)"

-include scripts/packaging.mk
