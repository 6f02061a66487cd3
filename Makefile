# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# pinscope: make (build), make check (fast tests, no root), make test (all),
# make demo, make deps; V=1 for commands.
OUTPUT ?= .output
CLANG ?= clang
CC ?= cc
BPFTOOL ?= bpftool
ARCH := x86

ifeq ($(V),1)
	Q =
	msg =
else
	Q = @
	msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

INCLUDES := -I$(OUTPUT) -Iinclude -I.
CFLAGS ?= -g -O2
WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
# trace.dat (docs/input.md) through libtracecmd, which Debian ships without a
# static library: the static binary (guests) links user/input/tracedat-none.c instead,
# which says so when given a trace.dat.  This is the one place of that choice.
# libseccomp confines the reader process of user/input/tracedat.c (user/input/confine.c,
# docs/security.md): the static binary has neither.
TRACEDAT_CFLAGS := -I/usr/include/trace-cmd -I/usr/include/tracefs -I/usr/include/traceevent
TRACEDAT_LIBS := -ltracecmd -ltracefs -ltraceevent -lseccomp
USER_LIBS := -lbpf -lelf -lz -llzma -ljson-c -lm $(TRACEDAT_LIBS)
STATIC_LIBS := -lbpf -lelf -lz -llzma -ljson-c -lm -lpthread

BPF_SRCS := bpf/pinscope.bpf.c
# user/: the commands (user/*.c) and one folder per stage of the pipeline
# (docs/design.md); user/http/'s server (serve.c, mhd.c or none.c) is linked
# by install.mk, the rest of every stage folder is found here
USER_STAGES := input engine live report http
USER_CMD_SRCS := $(wildcard user/*.c)
USER_SRCS := $(filter-out user/input/tracedat-none.c user/http/serve.c user/http/mhd.c \
	user/http/none.c,$(USER_CMD_SRCS) $(wildcard $(USER_STAGES:%=user/%/*.c)))
USER_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_SRCS))
STATIC_OBJS := $(filter-out %/confine.o,$(patsubst %/tracedat.o,%/tracedat-none.o,$(USER_OBJS)))
# the stages without the commands: what the unit tests and the bench link
LIB_OBJS := $(filter-out $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_CMD_SRCS)),$(USER_OBJS))
# unit tests beside their stage: tests/STAGE/test_*.c (tests/layout.sh)
TEST_SRCS := $(wildcard tests/*/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(OUTPUT)/tests/%,$(TEST_SRCS))
TEST_LIB_OBJS := $(patsubst tests/%.c,$(OUTPUT)/tests/%.o,$(filter-out $(TEST_SRCS),$(wildcard tests/*.c)))

.DELETE_ON_ERROR:
.PHONY: all static check test test-unit test-cli test-bpf test-tools test-guest clean deps vmlinux demo

# A bare machine: say what is missing before any compile error.  Goals that
# install first (deps, test, demo) and clean are exempt; their sub-makes check.
DEP_TOOLS := $(CLANG) $(BPFTOOL) $(CC)
DEP_INCLUDE_DIRS ?= /usr/include /usr/local/include
DEP_HEADERS := bpf/bpf_helpers.h bpf/libbpf.h gelf.h zlib.h json-c/json.h seccomp.h
ifneq ($(filter check test-%,$(MAKECMDGOALS)),)
DEP_HEADERS += cmocka.h
endif
ifneq ($(filter-out deps test demo clean,$(or $(MAKECMDGOALS),all)),)
MISSING := $(foreach t,$(DEP_TOOLS),$(if $(shell command -v $(t) 2>/dev/null),,$(t))) \
	   $(foreach h,$(DEP_HEADERS),$(if $(wildcard $(addsuffix /$(h),$(DEP_INCLUDE_DIRS))),,<$(h)>))
ifneq ($(strip $(MISSING)),)
$(error Missing to build pinscope: $(strip $(MISSING)). Run 'make deps' (as root: installs the Debian packages of tools/deps.sh), then make again)
endif
endif

all: $(OUTPUT)/pinscope

$(OUTPUT):
	$(Q)mkdir -p $@

# BPF: CO-RE object, then its skeleton
$(OUTPUT)/pinscope.bpf.o: bpf/pinscope.bpf.c vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) $(INCLUDES) \
		-Wall -Werror -MMD -MP -MF $(OUTPUT)/pinscope.bpf.d -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(OUTPUT)/pinscope.skel.h: $(OUTPUT)/pinscope.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name pinscope_bpf > $@

$(OUTPUT)/user/%.o: user/%.c $(OUTPUT)/pinscope.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) $(INCLUDES) -Iuser $(TRACEDAT_CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/pinscope: $(USER_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(USER_LIBS) -o $@

# Statically linked, to be copied into guests
static: $(OUTPUT)/pinscope.static
$(OUTPUT)/pinscope.static: $(STATIC_OBJS)
	$(call msg,STATIC,$@)
	$(Q)$(CC) $(CFLAGS) -static $^ $(STATIC_LIBS) -o $@

# Tests: one object per source (its own .d), linked with the model and the library
$(OUTPUT)/tests/%.o: tests/%.c $(OUTPUT)/pinscope.skel.h
	$(call msg,TEST-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) $(INCLUDES) -Iuser -Itests -MMD -MP -c $< -o $@

$(TEST_BINS): $(OUTPUT)/tests/%: $(OUTPUT)/tests/%.o $(TEST_LIB_OBJS) $(LIB_OBJS)
	$(call msg,TEST-LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(USER_LIBS) -lcmocka -o $@

# Everything a bare Debian 12 machine needs (apt-get; no-op when present)
deps:
	$(Q)tools/deps.sh

# vmlinux.h from Debian 12's linux-image-6.1.0-*-amd64 BTF (Xen PV types)
vmlinux:
	tools/gen-vmlinux-h.sh vmlinux.h

# make demo: from a bare machine, a live report from a real Xen PV guest
demo: deps
	$(Q)$(MAKE) --no-print-directory $(OUTPUT)/pinscope.static
	$(Q)$(MAKE) --no-print-directory guest-demo

# make check: the fast tier, no root, no VM: the layout of user/ (its one-way
# calls), build, unit, model, CLI and replay tests on the user engine of the
# checker (under a minute)
check: $(TEST_BINS) $(OUTPUT)/pinscope
	$(Q)tests/layout.sh
	$(Q)tests/build-hint.sh
	$(Q)tests/run-unit.sh $(OUTPUT) user
	$(Q)$(MAKE) --no-print-directory test-cli

# make test: from a bare machine, installs what is missing first; then the
# fast tier, the BPF tier (root) and the guest tiers (QEMU)
test: deps
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory test-bpf test-tools test-fuzz test-install test-package \
		test-package-clean test-bench test-guest-metrics test-matrix

# The BPF tier (root): the checker as loaded BPF, the live handlers, both
# engines agreeing on every trace
test-bpf: $(TEST_BINS) $(OUTPUT)/pinscope
	$(Q)tests/run-unit.sh $(OUTPUT) bpf
	$(Q)tests/engines.sh $(OUTPUT)/pinscope

# The live guest test: stock Debian 6.1 kernel as Xen PV dom0, fentry mode
test-guest: $(OUTPUT)/pinscope $(OUTPUT)/pinscope.static
	$(Q)$(MAKE) --no-print-directory guest-live
	$(Q)guest/check-live.py $(OUTPUT)/guest/live --pinscope $(OUTPUT)/pinscope --mode fentry
	$(Q)tests/twin.sh $(OUTPUT)/pinscope $(OUTPUT)/guest/live; rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ]

test-unit: $(TEST_BINS) $(OUTPUT)/pinscope
	$(Q)tests/run-unit.sh $(OUTPUT)

# tests/trust.sh: libtracecmd misbehaving in the trace.dat reader (LD_PRELOAD)
$(OUTPUT)/tests/reader_hook.so: tests/input/reader_hook.c
	$(call msg,TEST-SO,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(WARN) -shared -fPIC $< -o $@

test-cli: $(OUTPUT)/pinscope $(OUTPUT)/tests/reader_hook.so
	$(Q)tests/cli.sh $(OUTPUT)/pinscope
	$(Q)tests/trust.sh $(OUTPUT)/pinscope
	$(Q)tests/replay.sh $(OUTPUT)/pinscope
	$(Q)tests/input.sh $(OUTPUT)/pinscope
	$(Q)tests/evidence.sh $(OUTPUT)/pinscope
	$(Q)tests/percentiles.py $(OUTPUT)/pinscope > $(OUTPUT)/percentiles.log || \
		{ grep -v '^ok' $(OUTPUT)/percentiles.log; exit 1; }
	$(Q)tail -1 $(OUTPUT)/percentiles.log

# Our output read by the real tools: the --html page in headless Chromium, the
# Prometheus exposition through promtool and a real Prometheus (no root, no VM;
# out of make check to keep it under a minute)
test-tools: $(OUTPUT)/pinscope
	$(Q)tests/html_report.py $(OUTPUT)/pinscope
	$(Q)tests/metrics.sh $(OUTPUT)/pinscope

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT)

-include guest/guest.mk
include install.mk
-include kernel/kernel.mk
-include bench/bench.mk
-include tests/fuzz/fuzz.mk
-include $(wildcard $(OUTPUT)/*.d $(OUTPUT)/user/*.d $(OUTPUT)/user/*/*.d $(OUTPUT)/tests/*.d \
	$(OUTPUT)/tests/*/*.d $(OUTPUT)/bench/*.d $(OUTPUT)/guest/*.d)
