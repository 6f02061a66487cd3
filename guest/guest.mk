# guest/guest.mk - Xen PV guest targets; included from the top Makefile.
#
#   make guest-fetch     fetch + cache Xen, the Debian 6.1 kernel, busybox
#                        (in $(GUEST_CACHE)/debs, keyed by version)
#   make guest-smoke     boot the guest, print its info, run a tiny workload
#   make guest-capture   record the xen trace events while the workload runs
#                        (results in $(OUTPUT)/guest/capture/)
#   make guest-capture-save   same, then store it in tests/data/ (trace, sample,
#                        README numbers) via guest/save-capture.sh
#   make guest-live      run $(PINSCOPE_STATIC) live in the guest (JSON + text
#                        runs, unprivileged run, bpftool after exit); results in
#                        $(OUTPUT)/guest/live/; skipped by the guest if the
#                        static pinscope was not built
#   make guest-demo      live text report only (LIVE_RUNS=text, no tracefs),
#                        printed on the terminal; exit code = pinscope's
#   make guest-metrics   the dynamic pinscope --metrics in the guest, its port
#                        forwarded to the host (results in $(OUTPUT)/guest/metrics/);
#                        make test-guest-metrics: scraped by a real Prometheus
#   make guest-clean     remove $(OUTPUT)/guest (the package cache stays)
#   make test-matrix     the support matrix (guest/matrix.sh): one boot per
#                        row (Debian 6.1/6.12 generic dom0, 6.1/6.12 cloud
#                        PV domU, a plain VM, the patched kernels), each
#                        checked live and against its replay; MATRIX_ROWS
#                        picks rows (default: all); docs/kernels.md
# Recipes only call the scripts in guest/; see their headers for details.

# V=1 shows the commands (Q, msg: the top Makefile's)
# keep the includer's default goal
_guest_saved_goal := $(.DEFAULT_GOAL)

OUTPUT ?= .output
GUEST_DIR := $(OUTPUT)/guest
GUEST_CACHE ?= $(or $(PINSCOPE_CACHE),$(HOME)/.cache/pinscope)
GUEST_TIMEOUT ?= 400
GUEST_BPFTOOL ?= auto
GUEST_TRACECMD ?= auto
PINSCOPE_STATIC ?= $(OUTPUT)/pinscope.static
# the workload of the committed capture (tests/data/README.md)
GUEST_CAPTURE_ARGS ?= -n 3 -c 8 -m 256 -f 2 -s 65536
GUEST_LIVE_ARGS ?= -n 2 -c 8 -m 128 -f 2 -s 65536
GUEST_CAPTURE_NAME ?= debian-6.1-xen-4.17-workload

export PINSCOPE_CACHE := $(GUEST_CACHE)

MATRIX_ROWS ?=

.PHONY: try-kernel test-matrix guest-metrics test-guest-metrics guest-fetch guest-smoke guest-capture guest-capture-save guest-live guest-demo guest-clean

guest-fetch:
	$(Q)guest/fetch.sh >/dev/null

# the static workload and runas, with the top Makefile's warnings, V=1, .d files
$(GUEST_DIR)/workload $(GUEST_DIR)/runas: $(GUEST_DIR)/%: guest/%.c
	$(call msg,CC-STATIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static -O2 $(WARN) -MMD -MP -o $@ $<

-include $(GUEST_DIR)/workload.d $(GUEST_DIR)/runas.d

guest-smoke: guest-fetch $(GUEST_DIR)/workload
	$(Q)OUTPUT=$(OUTPUT) guest/mkinitramfs.sh -s smoke -w $(GUEST_DIR)/workload -o $(GUEST_DIR)/initrd-smoke.cpio.gz >/dev/null
	$(Q)guest/boot.sh -i $(GUEST_DIR)/initrd-smoke.cpio.gz -o $(GUEST_DIR)/smoke -t $(GUEST_TIMEOUT)

guest-capture: guest-fetch $(GUEST_DIR)/workload
	$(Q)OUTPUT=$(OUTPUT) guest/mkinitramfs.sh -s capture -w $(GUEST_DIR)/workload \
		-c WORKLOAD_ARGS="$(GUEST_CAPTURE_ARGS)" -o $(GUEST_DIR)/initrd-capture.cpio.gz >/dev/null
	$(Q)guest/boot.sh -i $(GUEST_DIR)/initrd-capture.cpio.gz -o $(GUEST_DIR)/capture -t $(GUEST_TIMEOUT)

guest-capture-save: guest-capture
	$(Q)guest/save-capture.sh $(GUEST_DIR)/capture tests/data $(GUEST_CAPTURE_NAME) "$(GUEST_CAPTURE_ARGS)"

guest-live: guest-fetch $(GUEST_DIR)/workload
	$(Q)OUTPUT=$(OUTPUT) guest/mkinitramfs.sh -s live -w $(GUEST_DIR)/workload \
		-p $(PINSCOPE_STATIC) -b $(GUEST_BPFTOOL) -t $(GUEST_TRACECMD) \
		-c WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" -o $(GUEST_DIR)/initrd-live.cpio.gz >/dev/null
	$(Q)guest/boot.sh -i $(GUEST_DIR)/initrd-live.cpio.gz -o $(GUEST_DIR)/live -t $(GUEST_TIMEOUT)

guest-demo: guest-fetch $(GUEST_DIR)/workload
	$(Q)OUTPUT=$(OUTPUT) guest/mkinitramfs.sh -s live -w $(GUEST_DIR)/workload \
		-p $(PINSCOPE_STATIC) -b $(GUEST_BPFTOOL) -c LIVE_RUNS=text -c LIVE_TRACE=0 \
		-c WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" -o $(GUEST_DIR)/initrd-demo.cpio.gz >/dev/null
	$(Q)guest/boot.sh -i $(GUEST_DIR)/initrd-demo.cpio.gz -o $(GUEST_DIR)/demo -t $(GUEST_TIMEOUT)
	@if [ -f $(GUEST_DIR)/demo/skipped ]; then cat $(GUEST_DIR)/demo/skipped; exit 1; fi
	@echo "[report] pinscope in the guest (Xen PV dom0), exit code $$(cat $(GUEST_DIR)/demo/live-text.rc):"
	@cat $(GUEST_DIR)/demo/live-text
	@exit $$(cat $(GUEST_DIR)/demo/live-text.rc)

# --metrics in the guest, scraped by the host's Prometheus (tests/prom_check.py):
# the dynamic pinscope (the static one has no libmicrohttpd), the e1000 module,
# the host's 127.0.0.1:PORT forwarded to the guest's PORT; PORT is
# GUEST_METRICS_PORT if set, else one free on the host when the recipe runs
GUEST_METRICS_PORT ?=
free_port = $${GUEST_METRICS_PORT:-$$(tests/prom_check.py free-port)}
$(GUEST_DIR)/bset: guest/bset.c
	$(call msg,CC-STATIC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -static -O2 $(WARN) -MMD -MP -o $@ $<
-include $(GUEST_DIR)/bset.d

guest-metrics: guest-fetch $(GUEST_DIR)/workload $(GUEST_DIR)/bset $(OUTPUT)/pinscope
	port=$(free_port) && \
	OUTPUT=$(OUTPUT) guest/mkinitramfs.sh -s metrics -w $(GUEST_DIR)/workload -p $(OUTPUT)/pinscope \
		-m e1000 -x $(GUEST_DIR)/bset -b $(GUEST_BPFTOOL) -c METRICS_PORT=$$port \
		-c UNIT_CAPS="$$(sed -n 's/^CapabilityBoundingSet=//p' tools/pinscope.service.in)" \
		-c WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" -o $(GUEST_DIR)/initrd-metrics.cpio.gz >/dev/null && \
	GUEST_HOSTFWD=$$port guest/boot.sh -i $(GUEST_DIR)/initrd-metrics.cpio.gz \
		-o $(GUEST_DIR)/metrics -t $(GUEST_TIMEOUT)
	tail -n1 $(GUEST_DIR)/metrics/metrics-ndjson > $(GUEST_DIR)/metrics/report.json

test-guest-metrics: $(OUTPUT)/pinscope
	port=$(free_port) && tests/prom_check.py scrape --target 127.0.0.1:$$port \
		$(GUEST_DIR)/metrics/report.json -- $(MAKE) --no-print-directory guest-metrics GUEST_METRICS_PORT=$$port
	tests/ndjson_check.py $(GUEST_DIR)/metrics/metrics-ndjson
	tests/service_check.py $(GUEST_DIR)/metrics

test-matrix: $(OUTPUT)/pinscope $(OUTPUT)/pinscope.static guest-fetch $(GUEST_DIR)/workload
	tests/fetch.sh
	OUTPUT=$(OUTPUT) GUEST_BPFTOOL=$(GUEST_BPFTOOL) MATRIX_WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" \
		guest/matrix.sh $(MATRIX_ROWS)

# "Does pinscope work on my kernel?": make try-kernel PKG=linux-image-amd64
# SUITE=sid ROLE=dom0 (guest/try-kernel.sh; docs/kernels.md)
SUITE ?= bookworm
ROLE ?= dom0
try-kernel: $(OUTPUT)/pinscope $(OUTPUT)/pinscope.static $(GUEST_DIR)/workload
	@[ -n "$(PKG)" ] || { echo "make try-kernel: PKG=<Debian kernel package> [SUITE=bookworm|trixie|sid] [ROLE=dom0|domu]" >&2; exit 2; }
	OUTPUT=$(OUTPUT) GUEST_BPFTOOL=$(GUEST_BPFTOOL) MATRIX_WORKLOAD_ARGS="$(GUEST_LIVE_ARGS)" \
		guest/try-kernel.sh $(PKG) $(SUITE) $(ROLE)

guest-clean:
	$(Q)rm -rf $(GUEST_DIR)

.DEFAULT_GOAL := $(_guest_saved_goal)
