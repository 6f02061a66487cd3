
# --- scenario capture (guest/init/capture.sh) ---
# Record the xen trace events of pinning with tracefs while the workload runs
# and send /sys/kernel/tracing/trace back (section "trace", gzip+base64).
# Settings (/etc/pinscope.conf): WORKLOAD_ARGS, XEN_TRACE_EVENTS,
# TRACE_BUF_KB, TRACE_CLOCK (see common.sh).
# Sections: guest-info, event-formats, trace-setup, workload, trace-stats, trace.
# rc: 0 ok, 1 tracefs setup failed, 2 workload failed, 3 trace buffer overruns.
WORKLOAD_ARGS=${WORKLOAD_ARGS:-}

scenario() {
	stage "trace: setting up tracefs (${TRACE_BUF_KB} KiB per cpu, clock $TRACE_CLOCK)"
	trace_start trace || return 1
	stage "trace: running workload $WORKLOAD_ARGS"
	/bin/workload $WORKLOAD_ARGS > /tmp/workload.txt 2>&1
	wrc=$?
	echo 0 > $T/tracing_on
	emit_text workload /tmp/workload.txt $wrc
	trace_stop_emit trace
	[ "$wrc" = 0 ] || return 2
	[ "$TRACE_OVERRUNS" = 0 ] || return 3
	return 0
}
