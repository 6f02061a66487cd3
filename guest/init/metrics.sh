
# --- scenario metrics (guest/init/metrics.sh) ---
# pinscope --metrics 0.0.0.0:METRICS_PORT -i 1 -j during the workload, for the
# host's Prometheus behind QEMU's port forward (boot.sh GUEST_HOSTFWD; the
# host side is tests/prom_check.py).  Needs /lib/modules/e1000.ko
# (mkinitramfs.sh -m e1000) and a pinscope with --metrics (the dynamic one).
# Settings (/etc/pinscope.conf):
#   METRICS_PORT   port to serve (required)
#   WORKLOAD_ARGS  workload options
#   PINSCOPE_ARGS  extra pinscope options (e.g. "--mode fentry")
#   SCRAPE_WAIT    seconds between the workload's end and SIGTERM (default 6):
#                  several 1 s scrapes of the final counts
#   UNIT_CAPS      CapabilityBoundingSet of pinscope.service: one more run
#                  with only these (/bin/bset; skipped when unset)
# Sections: net (interface setup), metrics-ndjson (pinscope's stdout: one
# JSON line a second, the last one the final report; ended with SIGTERM like
# systemd stops the service), metrics-ndjson-stderr, workload-metrics.
# Nothing starts a process between the workload's end and SIGTERM, so the
# last scrapes and the final report see the same counts.  metrics-get: the
# first GET /metrics (busybox wget: the 0.0.4 format).  Then unit-caps (the
# --prometheus report of pinscope --metrics with only UNIT_CAPS, a short
# workload meanwhile), unit-caps-no-CAP_X for each CAP_X of UNIT_CAPS
# (pinscope -d 1 without it: must fail), each with a -stderr section, and bpf-after (bpftool prog list after
# all runs: nothing of pinscope's may be left); before it, shutdown_scrapes'
# sections (below).
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

# serve CMD...: start CMD (a pinscope --metrics on 127.0.0.1/0.0.0.0:PORT,
# stdout /tmp/m.out, stderr /tmp/m.err) in the background as $pid and wait
# until GET /metrics answers; 1 if it does not within 60 s or CMD died
serve() {
	"$@" > /tmp/m.out 2> /tmp/m.err &
	pid=$!
	_i=0
	until wget -q -O /tmp/first "http://127.0.0.1:$METRICS_PORT/metrics" 2>/dev/null; do
		_i=$((_i + 1))
		if [ "$_i" -gt 60 ] || ! kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			wait "$pid"
			return 1
		fi
		nap 1
	done
	return 0
}

# stop NAME: SIGTERM (as systemd stops the service), sections NAME (stdout)
# and NAME-stderr with pinscope's exit code
stop() {
	kill -TERM "$pid"
	wait "$pid"
	_rc=$?
	emit_text "$1" /tmp/m.out $_rc
	emit_text "$1-stderr" /tmp/m.err $_rc
}

scenario() {
	[ -x /bin/pinscope ] || { echo "no /bin/pinscope" > /tmp/err.txt; emit_text net /tmp/err.txt 1; return 1; }
	net_up > /tmp/net.txt 2>&1
	_rc=$?
	ip addr >> /tmp/net.txt 2>&1
	emit_text net /tmp/net.txt $_rc
	[ "$_rc" = 0 ] || return 1
	stage "trace: pinscope --metrics 0.0.0.0:$METRICS_PORT -i 1 -j $PINSCOPE_ARGS"
	if ! serve /bin/pinscope --metrics "0.0.0.0:$METRICS_PORT" -i 1 -j $PINSCOPE_ARGS; then
		emit_text metrics-stderr /tmp/m.err 1
		return 1
	fi
	emit_text metrics-get /tmp/first 0	# a live GET /metrics, 0.0.4 format
	stage "trace: /metrics is up, running workload $WORKLOAD_ARGS"
	/bin/workload $WORKLOAD_ARGS > /tmp/workload.txt 2>&1
	wrc=$?
	stage "trace: workload done ($wrc), ${SCRAPE_WAIT}s of scrapes of the final counts"
	nap "$SCRAPE_WAIT"
	stop metrics-ndjson	# before anything starts a process (cat)
	emit_text workload-metrics /tmp/workload.txt $wrc
	if [ -n "${UNIT_CAPS:-}" ] && [ -x /bin/bset ]; then
		stage "trace: pinscope --metrics with only $UNIT_CAPS (pinscope.service)"
		if serve /bin/bset "$UNIT_CAPS" /bin/pinscope --metrics "127.0.0.1:$METRICS_PORT" --prometheus $PINSCOPE_ARGS; then
			/bin/workload -n 1 -c 2 -m 16 -f 1 > /dev/null 2>&1
			stop unit-caps
		else
			emit_text unit-caps /tmp/m.out 1
			emit_text unit-caps-stderr /tmp/m.err 1
		fi
		# without any one of them it must fail: each is needed, and the
		# bounding set does bound
		for _c in $UNIT_CAPS; do
			/bin/bset "$(echo " $UNIT_CAPS " | sed "s/ $_c / /")" /bin/pinscope -d 1 \
				> /tmp/m.out 2> /tmp/m.err
			_rc=$?
			emit_text "unit-caps-no-$_c" /tmp/m.out $_rc
			emit_text "unit-caps-no-$_c-stderr" /tmp/m.err $_rc
		done
	fi
	shutdown_scrapes
	[ -x /usr/sbin/bpftool ] && run_emit bpf-after /usr/sbin/bpftool prog list
	return 0
}

# Scrapes during shutdown never show more than the final report.  pinscope
# is held right after its final snapshot: --html FILE is here a FIFO nobody
# reads yet, which pinscope writes in place (never through a temporary file:
# docs/security.md), so its main thread blocks in openat (syscall 257) once the
# report is taken.  Meanwhile GET /metrics (each wget forks and execs: pins
# and flushes, counted while the programs stay attached) must fail or show no
# more than the report; then the FIFO is read and pinscope ends.  Sections:
# shutdown-before (a scrape before SIGTERM), shutdown-held (rc 0: held in
# openat), shutdown-scrape-N (rc: wget's), shutdown (the final --prometheus
# report, rc pinscope's), shutdown-stderr.
shutdown_scrapes() {
	stage "trace: scrapes while pinscope ends (held after its final snapshot)"
	rm -f /tmp/final.html
	mkfifo /tmp/final.html || return 1
	if ! serve /bin/pinscope --metrics "127.0.0.1:$METRICS_PORT" --prometheus \
		--html /tmp/final.html $PINSCOPE_ARGS; then
		emit_text shutdown /tmp/m.out 1
		emit_text shutdown-stderr /tmp/m.err 1
		return 1
	fi
	/bin/workload -n 1 -c 2 -m 16 -f 1 > /dev/null 2>&1
	wget -q -O /tmp/before "http://127.0.0.1:$METRICS_PORT/metrics"
	emit_text shutdown-before /tmp/before $?
	kill -TERM "$pid"
	_i=0 _sc=""
	while [ "$_i" -lt 30 ] && kill -0 "$pid" 2>/dev/null; do
		read -r _sc _rest < "/proc/$pid/syscall" && [ "$_sc" = 257 ] && break
		_i=$((_i + 1))
		nap 1
	done
	echo "after SIGTERM: syscall '$_sc' after $_i s" > /tmp/held
	[ "$_sc" = 257 ]
	emit_text shutdown-held /tmp/held $?
	for _n in 1 2 3; do
		wget -q -O "/tmp/scrape-$_n" "http://127.0.0.1:$METRICS_PORT/metrics" 2> /dev/null
		emit_text "shutdown-scrape-$_n" "/tmp/scrape-$_n" $?
	done
	# a pinscope that never opens the FIFO (it died) would hold the reader for ever
	timeout 60 cat /tmp/final.html > /dev/null
	wait "$pid"
	_rc=$?
	emit_text shutdown /tmp/m.out $_rc
	emit_text shutdown-stderr /tmp/m.err $_rc
}
