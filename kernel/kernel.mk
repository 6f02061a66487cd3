# kernel/kernel.mk: pinscope's patched test kernel, included from the top
# Makefile.  See docs/kernel.md.
#
#   make kernel-deps   apt-get the kernel build dependencies
#   make kernel        build (or reuse from the cache) the patched bzImage
#   make kernel-env    print KERNEL_DIR, KERNEL_BZIMAGE, KERNEL_VMLINUX,
#                      KERNEL_BTF, KERNEL_CONFIG of the current inputs
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

.PHONY: kernel kernel-deps kernel-env

kernel-deps:
	$(KERNEL_BUILD_SH) --deps

kernel:
	$(KERNEL_BUILD_SH)

kernel-env:
	@$(KERNEL_BUILD_SH) --env
