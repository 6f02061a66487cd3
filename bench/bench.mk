# bench/bench.mk - `make bench`: what pinscope costs (docs/performance.md).
# Included from the top Makefile; not part of `make test`.
#
#   make bench           host measurements + one Xen guest boot, prints the
#                        table and writes docs/performance.md (needs root;
#                        about 10-15 minutes; exits 0 even when a target is
#                        missed: it is a measurement, not a test)
#   make bench-host      the host part only (no guest), table on stdout,
#                        docs/performance.md not written
#   make bench-build     build the bench binaries only
#   make xlated          the xlated instructions of every live program per
#                        mode, a markdown table (tools/xlated.sh; root)
#   make test-bench      the host part at small sizes, checked (in make test)
# Settings: BENCH_ARGS (extra bench/run.py options, e.g. "--rounds 5
# --seconds 4 --events 2000000"), BENCH_GUEST_TIMEOUT (seconds, default 900).

# keep the includer's default goal
_bench_saved_goal := $(.DEFAULT_GOAL)

OUTPUT ?= .output
CLANG ?= clang
CC ?= cc
BPFTOOL ?= bpftool
BENCH_DIR := $(OUTPUT)/bench
BENCH_ARGS ?=
BENCH_GUEST_TIMEOUT ?= 900
# the user-space library of pinscope (the stages of user/, without the
# commands user/*.c), built by the top Makefile
BENCH_LIB_OBJS := $(LIB_OBJS)
BENCH_INCLUDES := -I$(OUTPUT) -I$(BENCH_DIR) -Iinclude -I. -Iuser -Itests
BENCH_WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
# V=1, Q and msg as in the top Makefile (defaults when included elsewhere)
ifeq ($(V),1)
	Q =
	msg =
else
	Q ?= @
	msg ?= @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: bench bench-host bench-build test-bench xlated

$(BENCH_DIR):
	$(Q)mkdir -p $@

# the empty programs: their own object and skeleton, compiled like pinscope's
$(BENCH_DIR)/empty.bpf.o: bench/empty.bpf.c vmlinux.h | $(BENCH_DIR)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -I$(OUTPUT) -Iinclude -I. \
		-Wall -Werror -MMD -MP -MF $(BENCH_DIR)/empty.bpf.d -MT $@ -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp && rm -f $@.tmp

$(BENCH_DIR)/empty.skel.h: $(BENCH_DIR)/empty.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name empty_bpf > $@

# host driver: pinscope's library + the model of tests/ (its object from the
# top Makefile); one source per compile, each with its .d
$(BENCH_DIR)/hostbench.o: bench/hostbench.c $(BENCH_DIR)/empty.skel.h $(OUTPUT)/pinscope.skel.h | $(BENCH_DIR)
	$(call msg,CC,$@)
	$(Q)$(CC) -g -O2 $(BENCH_WARN) $(BENCH_INCLUDES) -MMD -MP -c $< -o $@

$(BENCH_DIR)/hostbench: $(BENCH_DIR)/hostbench.o $(OUTPUT)/tests/model.o $(BENCH_LIB_OBJS)
	$(call msg,BINARY,$@)
	$(Q)$(CC) -g -O2 $^ $(USER_LIBS) -o $@

# the same, static, for the guest: the live handlers test_run there, where
# QEMU icount makes their cost an instruction count (no trace.dat: the static
# library objects of the top Makefile)
BENCH_STATIC_LIB_OBJS := $(filter-out $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(USER_CMD_SRCS)),$(STATIC_OBJS))
$(BENCH_DIR)/hostbench.static: $(BENCH_DIR)/hostbench.o $(OUTPUT)/tests/model.o $(BENCH_STATIC_LIB_OBJS)
	$(call msg,STATIC,$@)
	$(Q)$(CC) -g -O2 -static $^ $(STATIC_LIBS) -o $@

# guest helper: static (the initramfs has no libraries)
$(BENCH_DIR)/guestbench: bench/guestbench.c $(BENCH_DIR)/empty.skel.h | $(BENCH_DIR)
	$(call msg,STATIC,$@)
	$(Q)$(CC) -g -O2 $(BENCH_WARN) $(BENCH_INCLUDES) -MMD -MP -static $< -lbpf -lelf -lz -o $@

bench-build: $(OUTPUT)/pinscope $(OUTPUT)/pinscope.static $(BENCH_DIR)/hostbench \
	     $(BENCH_DIR)/hostbench.static $(BENCH_DIR)/guestbench

bench: bench-build
	$(Q)python3 bench/run.py --output $(OUTPUT) --guest-timeout $(BENCH_GUEST_TIMEOUT) \
		--doc docs/performance.md $(BENCH_ARGS)

bench-host: $(OUTPUT)/pinscope $(BENCH_DIR)/hostbench
	$(Q)python3 bench/run.py --output $(OUTPUT) --no-guest $(BENCH_ARGS)

# the verified (xlated) instructions of every live program, per mode, on
# this host's verifier (root; docs/performance.md "Instructions per handler")
xlated: $(BENCH_DIR)/hostbench
	$(Q)tools/xlated.sh $(OUTPUT)

# part of `make test`: the host part at small sizes still runs and measures
# every figure (tests/bench-smoke.py; checks no timing)
test-bench: $(OUTPUT)/pinscope $(BENCH_DIR)/hostbench $(BENCH_DIR)/guestbench
	$(Q)tests/bench-smoke.py $(OUTPUT)

.DEFAULT_GOAL := $(_bench_saved_goal)
