
# --- scenario metrics (guest/init/metrics.sh) ---
# pinscope --metrics 0.0.0.0:METRICS_PORT -i 1 -j during the workload, for the
# host's Prometheus behind QEMU's port forward (boot.sh GUEST_HOSTFWD; the
# host side is tests/prom_check.py).  Needs /lib/modules/e1000.ko
# (mkinitramfs.sh -m e1000) and a pinscope with --metrics (the dynamic one).
# Settings (/etc/pinscope.conf):
#   METRICS_PORT   port to serve (required)
#   WORKLOAD_ARGS  workload options
#   PINSCOPE_ARGS  extra pinscope options (e.g. "--mode fentry")
#   SCRAPE_WAIT    seconds between the workload's end and SIGINT (default 6):
#                  several 1 s scrapes of the final counts
# Sections: net (interface setup), metrics-ndjson (pinscope's stdout: one
# JSON line a second, the last one the final report), metrics-stderr,
# workload-metrics.  Nothing starts a process between the workload's end and
# SIGINT, so the last scrapes and the final report see the same counts.
METRICS_PORT=${METRICS_PORT:?}
SCRAPE_WAIT=${SCRAPE_WAIT:-6}

net_up() {
	insmod /lib/modules/e1000.ko || return 1
	ip link set lo up
	for _d in /sys/class/net/*; do
		_n=${_d##*/}
		[ "$_n" = lo ] && continue
		ip link set "$_n" up && ip addr add 10.0.2.15/24 dev "$_n" &&
			ip route add default via 10.0.2.2 && return 0
	done
	return 1
}

scenario() {
	[ -x /bin/pinscope ] || { echo "no /bin/pinscope" > /tmp/err.txt; emit_text net /tmp/err.txt 1; return 1; }
	net_up > /tmp/net.txt 2>&1
	_rc=$?
	ip addr >> /tmp/net.txt 2>&1
	emit_text net /tmp/net.txt $_rc
	[ "$_rc" = 0 ] || return 1
	stage "trace: pinscope --metrics 0.0.0.0:$METRICS_PORT -i 1 -j $PINSCOPE_ARGS"
	/bin/pinscope --metrics "0.0.0.0:$METRICS_PORT" -i 1 -j $PINSCOPE_ARGS \
		> /tmp/m.ndjson 2> /tmp/m.err &
	pid=$!
	_i=0
	until wget -q -O /tmp/first "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt 60 ] || ! kill -0 "$pid" 2>/dev/null; then
			kill -INT "$pid" 2>/dev/null; wait "$pid"
			emit_text metrics-stderr /tmp/m.err $?
			return 1
		fi
		nap 1
	done
	stage "trace: /metrics is up, running workload $WORKLOAD_ARGS"
	/bin/workload $WORKLOAD_ARGS > /tmp/workload.txt 2>&1
	wrc=$?
	stage "trace: workload done ($wrc), ${SCRAPE_WAIT}s of scrapes of the final counts"
	nap "$SCRAPE_WAIT"
	kill -INT "$pid"
	wait "$pid"
	prc=$?
	emit_text workload-metrics /tmp/workload.txt $wrc
	emit_text metrics-ndjson /tmp/m.ndjson $prc
	emit_text metrics-stderr /tmp/m.err $prc
	return 0
}
