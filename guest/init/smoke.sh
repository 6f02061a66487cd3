
# --- scenario smoke (guest/init/smoke.sh): boot, report, run a short workload ---
scenario() {
	stage "smoke"
	ls /sys/kernel/tracing/events/xen > /tmp/xen-events.txt 2>&1
	emit_text xen-events /tmp/xen-events.txt 0
	run_emit workload /bin/workload -n 1 -c 4 -m 8 -f 1
	return $?
}
