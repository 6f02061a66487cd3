# kernel/kernel.mk: pinscope's patched test kernel, included from the top
# Makefile.  See docs/kernel.md.
#
#   make kernel-deps   apt-get the kernel build dependencies (7.2: and fetch
#                      sid's linux-source-7.2 into the cache)
#   make kernel        build (or reuse from the cache) the patched bzImage;
#                      KERNEL_VARIANT=systemd: the one with systemd's options
#                      (kernel/pinscope-systemd.config on top; row
#                      systemd-fault), in its own build directory and key
#   make kernel-env    print KERNEL_DIR, KERNEL_BZIMAGE, KERNEL_VMLINUX,
#                      KERNEL_BTF, KERNEL_CONFIG of the current inputs
#   make test-kernel   pinscope live on the patched kernel (kernel/test-live.sh):
#                      ONE boot runs it clean (tracepoints run + fentry run of
#                      the same workload) and then once per xen_pin_fault mode,
#                      switched at run time; checks each run with
#                      guest/check-live.py; results in
#                      $(OUTPUT)/guest/kernel/$(KVER)/boot/.  KERNEL_TEST_RUNS
#                      picks runs (default: clean pgd_first early_unlock
#                      late_lock).  Needs the guest targets (guest/guest.mk)
#                      and the top Makefile's pinscope and pinscope.static.
#
# KVER picks the series: 6.1 (default, Debian 12's linux-source-6.1), 6.12
# (linux-source-6.12 from bookworm-security) or 7.2 (linux-source-7.2 from
# sid, not in the system's suites: downloaded with tools/apt-suite.sh and
# unpacked into the cache, never installed); kernel/patches/$(KVER)/.
# The kernel is cached outside git, in
#   $(PINSCOPE_CACHE)/kernel/<hash>/   (default ~/.cache/pinscope)
# keyed by linux-source-$(KVER)'s version, kernel/patches/$(KVER),
# kernel/pinscope.config, kernel/pinscope-$(KVER).config and kernel/build.sh.
# The paths below are computed lazily, without building; they exist once
# `make kernel` has run.

KERNEL_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KERNEL_BUILD_SH := $(KERNEL_MK_DIR)/build.sh
KVER ?= 6.1
KERNEL_VARIANT ?=

KERNEL_DIR = $(shell KVER=$(KVER) KERNEL_VARIANT=$(KERNEL_VARIANT) $(KERNEL_BUILD_SH) --print dir 2>/dev/null)
KERNEL_BZIMAGE = $(KERNEL_DIR)/bzImage
KERNEL_VMLINUX = $(KERNEL_DIR)/vmlinux
KERNEL_BTF = $(KERNEL_DIR)/vmlinux.btf

.PHONY: kernel kernel-deps kernel-env test-kernel

KERNEL_TEST_RUNS ?= clean pgd_first early_unlock late_lock

kernel-deps:
	KVER=$(KVER) $(KERNEL_BUILD_SH) --deps

kernel:
	KVER=$(KVER) KERNEL_VARIANT=$(KERNEL_VARIANT) $(KERNEL_BUILD_SH)

kernel-env:
	@KVER=$(KVER) KERNEL_VARIANT=$(KERNEL_VARIANT) $(KERNEL_BUILD_SH) --env

test-kernel: $(OUTPUT)/pinscope $(OUTPUT)/pinscope.static guest-fetch $(OUTPUT)/guest/workload
	KVER=$(KVER) OUTPUT=$(OUTPUT) PINSCOPE_HOST=$(OUTPUT)/pinscope PINSCOPE_STATIC=$(OUTPUT)/pinscope.static \
		WORKLOAD=$(OUTPUT)/guest/workload WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" \
		GUEST_TIMEOUT=$(GUEST_TIMEOUT) GUEST_BPFTOOL=$(GUEST_BPFTOOL) \
		$(KERNEL_MK_DIR)/test-live.sh $(KERNEL_TEST_RUNS)
