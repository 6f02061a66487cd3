#!/bin/sh
# guest/init/common.sh - first part of the guest's /init (busybox sh).
# mkinitramfs.sh appends one scenario (guest/init/<scenario>.sh, which defines
# scenario()) and the trailer below it.  Settings come from /etc/pinscope.conf.
#
# Results go back to the host on the console between marker lines:
#   PINSCOPE-BEGIN <name> [text|gzip-base64]
#   ...payload...
#   PINSCOPE-END <name> rc=<n>
# plus progress lines "PINSCOPE-STAGE <text>" and a last line
# "PINSCOPE-DONE rc=<n>" before `poweroff -f`.  boot.sh extracts them.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mkdir -p /dev/pts /dev/shm /tmp /run
mount -t tmpfs tmpfs /dev/shm
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
hostname pinscope-guest

# keep kernel messages out of the results on the shared console
echo 1 > /proc/sys/kernel/printk

[ -r /etc/pinscope.conf ] && . /etc/pinscope.conf

stage() { echo "PINSCOPE-STAGE $*"; }

# emit_text NAME FILE [RC]: a text file between markers
emit_text() {
	echo "PINSCOPE-BEGIN $1 text"
	[ -r "$2" ] && cat "$2"
	echo "PINSCOPE-END $1 rc=${3:-0}"
}

# emit_b64 NAME FILE [RC]: gzip + base64 (large or binary payloads)
emit_b64() {
	echo "PINSCOPE-BEGIN $1 gzip-base64"
	[ -r "$2" ] && gzip -c "$2" | base64
	echo "PINSCOPE-END $1 rc=${3:-0}"
}

# run_emit NAME CMD...: run CMD (stdout+stderr) and emit its output and rc
run_emit() {
	_n=$1; shift
	"$@" > "/tmp/out.$_n" 2>&1
	_rc=$?
	emit_text "$_n" "/tmp/out.$_n" "$_rc"
	return $_rc
}

guest_info() {
	{
		echo "uname_r=$(uname -r)"
		echo "uname_a=$(uname -a)"
		echo "hypervisor_type=$(cat /sys/hypervisor/type 2>/dev/null)"
		echo "guest_type=$(cat /sys/hypervisor/guest_type 2>/dev/null)"
		if [ -d /sys/hypervisor/version ]; then
			echo "xen_version=$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra)"
		fi
		echo "btf=$( [ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no)"
		echo "nproc=$(nproc)"
		echo "cmdline=$(cat /proc/cmdline)"
		grep -E 'MemTotal|MemFree' /proc/meminfo
	} > /tmp/guest-info.txt 2>&1
	# INFO_SECTION: a scenario that relays another guest's results (domu-host)
	# names its own differently
	emit_text "${INFO_SECTION:-guest-info}" /tmp/guest-info.txt 0
}

# --- tracefs helpers (capture and live scenarios) ---
T=/sys/kernel/tracing
XEN_TRACE_EVENTS=${XEN_TRACE_EVENTS:-"xen_mmu_pgd_pin xen_mmu_pgd_unpin xen_mc_batch xen_mc_issue xen_mc_entry xen_mc_entry_alloc xen_mc_extend_args xen_mc_callback xen_mc_flush_reason xen_mc_flush"}
TRACE_BUF_KB=${TRACE_BUF_KB:-131072}
TRACE_CLOCK=${TRACE_CLOCK:-local}

# trace_prepare PREFIX: reset tracefs, enable XEN_TRACE_EVENTS with a
# TRACE_BUF_KB per-cpu buffer, tracing still off; notes what it did in
# /tmp/formats.txt and /tmp/setup.txt (see trace_emit_setup)
trace_prepare() {
	if [ ! -d "$T/events/xen" ]; then
		echo "no $T/events/xen: not a Xen kernel with tracepoints, or no tracefs" > /tmp/err.txt
		emit_text "$1-error" /tmp/err.txt 1
		return 1
	fi
	echo 0 > $T/tracing_on
	echo nop > $T/current_tracer
	echo 0 > $T/events/enable
	if ! echo "$TRACE_CLOCK" > $T/trace_clock; then
		echo "cannot set trace_clock $TRACE_CLOCK (have: $(cat $T/trace_clock))" > /tmp/err.txt
		emit_text "$1-error" /tmp/err.txt 1
		return 1
	fi
	if ! echo "$TRACE_BUF_KB" > $T/buffer_size_kb; then
		echo "cannot set buffer_size_kb $TRACE_BUF_KB" > /tmp/err.txt
		emit_text "$1-error" /tmp/err.txt 1
		return 1
	fi
	echo > $T/trace
	: > /tmp/formats.txt
	_missing=""
	for e in $XEN_TRACE_EVENTS; do
		if [ -d "$T/events/xen/$e" ]; then
			echo 1 > "$T/events/xen/$e/enable"
		else
			_missing="$_missing $e"
		fi
	done
	for d in $T/events/xen/*/; do
		{ echo "== $(basename "$d")"; cat "$d/format"; } >> /tmp/formats.txt
	done
	{
		echo "enabled:"; cat $T/set_event
		echo "missing:$_missing"
		echo "trace_clock: $(cat $T/trace_clock)"
		echo "buffer_size_kb: $(cat $T/buffer_size_kb)"
	} > /tmp/setup.txt 2>&1
}

# trace_emit_setup PREFIX: sections event-formats (format files of all xen
# events; once per boot, they do not change) and PREFIX-setup (events
# enabled, clock, buffer size)
trace_emit_setup() {
	if [ -z "${_FORMATS_SENT:-}" ]; then
		emit_text event-formats /tmp/formats.txt 0
		_FORMATS_SENT=1
	fi
	emit_text "$1-setup" /tmp/setup.txt 0
}

# trace_start PREFIX: trace_prepare + trace_emit_setup + tracing on
trace_start() {
	trace_prepare "$1" || return 1
	trace_emit_setup "$1"
	echo 1 > $T/tracing_on
}

# nap SECONDS: sleep without starting a process (read times out on a fifo
# nobody writes), so that live runs see no process but the workload
nap() {
	[ -p /tmp/.nap ] || mkfifo /tmp/.nap
	read -t "$1" _nap <> /tmp/.nap
	return 0
}

# trace_dat_emit PREFIX: a scenario may send the stopped buffer once more,
# as trace.dat (live.sh); nothing by default
trace_dat_emit() { :; }

# trace_stop_emit PREFIX: stop, emit PREFIX-stats (per_cpu/cpu*/stats) and
# PREFIX (the trace file, gzip+base64); sets TRACE_OVERRUNS (overrun +
# dropped events, all cpus)
trace_stop_emit() {
	echo 0 > $T/tracing_on
	: > /tmp/stats.txt
	for c in $T/per_cpu/cpu*; do
		{ echo "== $(basename "$c")"; cat "$c/stats"; } >> /tmp/stats.txt
	done
	emit_text "$1-stats" /tmp/stats.txt 0
	TRACE_OVERRUNS=$(awk '/^overrun:|^dropped events:/ {s += $NF} END {print s + 0}' /tmp/stats.txt)
	stage "trace: reading the trace buffer"
	cat $T/trace > /tmp/trace.txt
	stage "trace: $(grep -vc '^#' /tmp/trace.txt) events, $(wc -c < /tmp/trace.txt) bytes, overruns $TRACE_OVERRUNS: sending"
	emit_b64 "$1" /tmp/trace.txt 0
	rm -f /tmp/trace.txt
	trace_dat_emit "$1"
	echo 0 > $T/events/enable
	echo 1 > $T/buffer_size_kb	# give the memory back
}
