# kernel/kernel.mk: pinscope's patched test kernel, included from the top
# Makefile.  See docs/kernel.md.
#
#   make kernel-deps   apt-get the kernel build dependencies
#   make kernel        build (or reuse from the cache) the patched bzImage
#   make kernel-env    print KERNEL_DIR, KERNEL_BZIMAGE, KERNEL_VMLINUX,
#                      KERNEL_BTF, KERNEL_CONFIG of the current inputs
#   make test-kernel   pinscope live on the patched kernel (kernel/test-live.sh):
#                      boots it clean (tracepoints run + fentry run of the same
#                      workload) and once per xen_pin_fault= mode, checks each
#                      with guest/check-live.py; results in
#                      $(OUTPUT)/guest/kernel/<boot>/.  KERNEL_TEST_BOOTS
#                      picks boots (default: clean pgd_first early_unlock
#                      late_lock).  Needs the guest targets (guest/guest.mk)
#                      and the top Makefile's pinscope and pinscope.static.
#
# The kernel is cached outside git, in
#   $(PINSCOPE_CACHE)/kernel/<hash>/   (default ~/.cache/pinscope)
# keyed by linux-source-6.1's version, kernel/patches, kernel/pinscope.config
# and kernel/build.sh.  The paths below are computed lazily, without building;
# they exist once `make kernel` has run.

KERNEL_MK_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
KERNEL_BUILD_SH := $(KERNEL_MK_DIR)/build.sh

KERNEL_DIR = $(shell $(KERNEL_BUILD_SH) --print dir 2>/dev/null)
KERNEL_BZIMAGE = $(KERNEL_DIR)/bzImage
KERNEL_VMLINUX = $(KERNEL_DIR)/vmlinux
KERNEL_BTF = $(KERNEL_DIR)/vmlinux.btf

.PHONY: kernel kernel-deps kernel-env test-kernel

KERNEL_TEST_BOOTS ?= clean pgd_first early_unlock late_lock

kernel-deps:
	$(KERNEL_BUILD_SH) --deps

kernel:
	$(KERNEL_BUILD_SH)

kernel-env:
	@$(KERNEL_BUILD_SH) --env

test-kernel: $(OUTPUT)/pinscope $(OUTPUT)/pinscope.static guest-fetch $(OUTPUT)/guest/workload
	OUTPUT=$(OUTPUT) PINSCOPE_HOST=$(OUTPUT)/pinscope PINSCOPE_STATIC=$(OUTPUT)/pinscope.static \
		WORKLOAD=$(OUTPUT)/guest/workload WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" \
		GUEST_TIMEOUT=$(GUEST_TIMEOUT) GUEST_BPFTOOL=$(GUEST_BPFTOOL) \
		$(KERNEL_MK_DIR)/test-live.sh $(KERNEL_TEST_BOOTS)
