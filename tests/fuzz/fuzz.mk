# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# libFuzzer targets (docs/input.md, "Fuzzing"), included by the Makefile:
#   make test-fuzz   the three targets, FUZZ_TIME seconds in all (60; part of make test)
#   make fuzz        longer (FUZZ_LONG seconds, 1800), corpus kept in $(FUZZ_DIR)
FUZZ_DIR := $(OUTPUT)/fuzz
FUZZ_TIME ?= 60
FUZZ_LONG ?= 1800
FUZZ_CFLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION \
	-Wall -Werror -Wno-unused-parameter -Wno-missing-field-initializers $(INCLUDES) -Iuser \
	$(TRACEDAT_CFLAGS)
# Everything of replay but trace.dat (fuzz_replay: the static build's
# tracedat-none.c stands in); fuzz_tracedat links the real reader instead
FUZZ_SRCS := user/input/input.c user/input/replay.c user/input/trace.c user/input/own.c user/input/flight.c \
	user/input/tracedat-none.c user/engine/hooks.c user/report/report.c user/report/json.c \
	user/report/names.c user/report/coverage.c user/report/stats.c user/report/verdict.c \
	user/report/units.c user/report/summary.c user/report/timeline.c \
	user/report/violations.c user/report/ksyms.c user/report/visibility.c
# The checker behind replay: the user-space engine, bpf/check.bpf.h compiled as C
# (the bpf engine is linked, never opened: replay's default is the user engine)
FUZZ_CHECKER := user/engine/checker.c user/engine/engine_user.c user/engine/engine_bpf.c \
	user/engine/loader.c
FUZZ_LIBS := -lbpf -lelf -lz -llzma -ljson-c -lm
FUZZ_OPTS := -close_fd_mask=2 -max_len=131072 -rss_limit_mb=2048 -timeout=20
# fuzz_tracedat: whole trace.dat files (tests/data's are 166-382 KB)
FUZZ_OPTS_tracedat := -max_len=1048576

.PHONY: test-fuzz fuzz

$(FUZZ_DIR):
	$(Q)mkdir -p $@

$(FUZZ_DIR)/fuzz_replay: tests/fuzz/fuzz_replay.c tests/fuzz/replay_one.h $(FUZZ_SRCS) $(FUZZ_CHECKER) $(OUTPUT)/pinscope.skel.h | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(filter %.c,$^) $(FUZZ_LIBS) -o $@

# trace.dat through the reader child of user/input/tracedat.c and libtracecmd
# (not instrumented; its crashes stay in the child: tests/fuzz/fuzz_tracedat.c)
FUZZ_TRACEDAT_SRCS := $(filter-out user/input/tracedat-none.c,$(FUZZ_SRCS)) user/input/tracedat.c \
	user/input/confine.c
$(FUZZ_DIR)/fuzz_tracedat: tests/fuzz/fuzz_tracedat.c tests/fuzz/replay_one.h $(FUZZ_TRACEDAT_SRCS) $(FUZZ_CHECKER) $(OUTPUT)/pinscope.skel.h | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(filter %.c,$^) $(FUZZ_LIBS) $(TRACEDAT_LIBS) -o $@

$(FUZZ_DIR)/fuzz_trace: tests/fuzz/fuzz_trace.c tests/input/oracle_done.h user/input/trace.c user/input/own.c user/engine/hooks.c | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) $(filter %.c,$^) -o $@

$(FUZZ_DIR)/seed/.done: tests/fuzz/seed.sh $(wildcard tests/data/*) | $(FUZZ_DIR)
	$(Q)rm -rf $(FUZZ_DIR)/seed && tests/fuzz/seed.sh $(FUZZ_DIR)/seed && touch $@

# run_fuzz TARGET SECONDS: new corpus entries go to $(FUZZ_DIR)/corpus-TARGET
define run_fuzz
	$(Q)mkdir -p $(FUZZ_DIR)/corpus-$(1)
	$(Q)cd $(FUZZ_DIR) && { ./fuzz_$(1) $(FUZZ_OPTS) $(FUZZ_OPTS_$(1)) -max_total_time=$(2) -print_final_stats=1 \
		corpus-$(1) seed/$(1) > fuzz_$(1).log 2>&1; rc=$$?; tail -n 12 fuzz_$(1).log; \
		[ $$rc = 0 ] || { echo "fuzz_$(1): FAILED (exit $$rc): crash input and report in $(FUZZ_DIR)"; exit 1; }; }
	$(Q)echo "fuzz_$(1): $(2) s, no crash"
endef

FUZZ_BINS := $(FUZZ_DIR)/fuzz_replay $(FUZZ_DIR)/fuzz_tracedat $(FUZZ_DIR)/fuzz_trace

test-fuzz: $(FUZZ_BINS) $(FUZZ_DIR)/seed/.done
	$(call run_fuzz,replay,$(shell echo $$(( $(FUZZ_TIME) / 2 ))))
	$(call run_fuzz,tracedat,$(shell echo $$(( $(FUZZ_TIME) / 4 ))))
	$(call run_fuzz,trace,$(shell echo $$(( $(FUZZ_TIME) / 4 ))))

fuzz: $(FUZZ_BINS) $(FUZZ_DIR)/seed/.done
	$(call run_fuzz,replay,$(FUZZ_LONG))
	$(call run_fuzz,tracedat,$(shell echo $$(( $(FUZZ_LONG) / 2 ))))
	$(call run_fuzz,trace,$(shell echo $$(( $(FUZZ_LONG) / 4 ))))
