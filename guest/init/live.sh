
# --- scenario live (guest/init/live.sh) ---
# Run the static pinscope (/bin/pinscope) live while the workload runs.
# Settings (/etc/pinscope.conf):
#   WORKLOAD_ARGS       workload options for both runs
#   PINSCOPE_DURATION   -d for the JSON run (upper bound; default 60: the run
#                       is ended with SIGINT as soon as the workload is done)
#   TEXT_DURATION       -d for the text run, which ends by itself (default 15;
#                       the workload runs in the background meanwhile)
#   PINSCOPE_ARGS       extra options for both runs (e.g. "--mode fentry")
#   LIVE_TRACE          1 (default): record the xen events with tracefs during
#                       the JSON run too (section live-trace), for live/replay
#                       comparison; 0: don't
#   ATTACH_TIMEOUT      seconds to wait for pinscope's BPF links (default 60)
#   LIVE_RUNS           which runs, any of "json text unpriv" (default: all
#                       three; the demo may want just "text"), plus any number
#                       of "json@NAME": one more JSON run (after the others)
#                       with the options PINSCOPE_ARGS_NAME (default:
#                       PINSCOPE_ARGS) whose sections are those of the JSON
#                       run prefixed with "NAME." (NAME.live-json, ...), e.g.
#                       LIVE_RUNS="json text unpriv json@fentry"
#                       PINSCOPE_ARGS_fentry="--mode fentry": the same
#                       workload measured in two modes in one boot;
#                       "text@NAME": one more text run with PINSCOPE_ARGS_NAME
#                       (sections NAME.live-text, NAME.workload-text);
#                       "bare@NAME": the fault, workload and suspend of a
#                       json@NAME run with no pinscope running (sections
#                       NAME.pin-fault, NAME.suspend, NAME.workload-json);
#                       "nonpv": only `pinscope -d 1` on a kernel that is no
#                       Xen PV guest (boot.sh --no-xen), which must refuse
#   PIN_FAULT_NAME      for a "json@NAME" run on the patched kernel: write
#                       this xen_pin_fault mode (kernel/patches, e.g.
#                       late_lock) to PIN_FAULT_PARAM before the run, "none"
#                       after it: one boot runs the clean case and each fault
#   PIN_FAULT_PARAM     default /sys/module/kernel/parameters/xen_pin_fault
#   SUSPEND_NAME        for a "json@NAME" run in a PV domU (boot.sh --domu):
#                       save-restore, checkpoint or migrate; while the
#                       workload runs, ask dom0 (guest/init/domu-host.sh) for
#                       `xl save` + `xl restore` (`xl save -c`, `xl migrate`
#                       to the same host) of this domain, with
#                       the line "PINSCOPE-SUSPEND-REQUEST KIND" on the
#                       console, and wait for the resume (the kernel's
#                       "Restarting tasks" after the suspend)
#   SUSPEND_TIMEOUT     seconds to wait for it (default 300)
#   SPARE_MM_NAME       1: for that run's suspend, the patched kernel holds
#                       one mm under construction (SPARE_MM_PARAM written 1
#                       before the request, 0 after the resume), so that
#                       xen_mm_pin_all() has an unpinned pagetable to pin:
#                       the freezer leaves no user process in execve() or
#                       fork() across a suspend (docs/kernel.md)
#   SPARE_MM_PARAM      default /sys/module/kernel/parameters/xen_pin_spare_mm
#   LIVE_EVIDENCE_NAME  1: the "json@NAME" run also writes --evidence
#                       /tmp/evidence (the flight recorder's snippets), sent
#                       as a tar in section NAME.live-evidence
# Sections (rc = exit code of the command):
#   skipped             only if the image has no /bin/pinscope (scenario rc 0)
#   pinscope-help       pinscope --help
#   bpf-before          bpftool prog list + link list before any run
#   live-json           stdout of `pinscope -d D --json` (rc = its exit code)
#   live-json-stderr    its stderr (mode line, messages)
#   live-html           the --html page of the JSON run (gzip-base64)
#   workload-json       workload output during the JSON run
#   live-trace-setup, event-formats, live-trace-stats, live-trace
#                       tracefs record of the same window (LIVE_TRACE=1;
#                       event-formats only once per boot)
#   live-trace-dat, live-trace-dat-log
#                       the same buffer as trace-cmd's trace.dat (gzip+base64)
#                       and trace-cmd's output, when the image has trace-cmd
#                       (mkinitramfs.sh -t): the text's binary twin
#   NAME.workload-json, NAME.live-json, NAME.live-json-stderr,
#   NAME.live-trace-setup, NAME.live-trace-stats, NAME.live-trace
#                       the same for a "json@NAME" run
#   NAME.suspend        SUSPEND_NAME set: what the domU saw of its suspend
#                       (kind, seconds waited, online cpus and the clock
#                       before and after, the kernel's suspend/resume lines;
#                       rc 1 if it never resumed within SUSPEND_TIMEOUT)
#   NAME.live-evidence  LIVE_EVIDENCE_NAME=1: the run's --evidence directory,
#                       tar (gzip-base64)
#   NAME.pin-fault      PIN_FAULT_NAME set: the parameter read back after
#                       the write, then the kernel's message (rc 1 and the
#                       run skipped if the mode did not take)
#   live-text           stdout+stderr of `pinscope -d TEXT_DURATION`
#   workload-text       workload output during the text run
#   unpriv              pinscope run as uid/gid 65534 (expected rc 1)
#   nonpv               pinscope -d 1 outside a Xen PV guest (expected rc 5,
#                       "not a Xen PV guest (found: ...)")
#   bpf-after-prog      bpftool prog list after every pinscope run exited
#   bpf-after-link      bpftool link list, same time
# Scenario rc: 0 when every step ran (the host test judges the results),
# 1 when a step could not run at all.
WORKLOAD_ARGS=${WORKLOAD_ARGS:-}
PINSCOPE_DURATION=${PINSCOPE_DURATION:-60}
TEXT_DURATION=${TEXT_DURATION:-15}
PINSCOPE_ARGS=${PINSCOPE_ARGS:-}
LIVE_TRACE=${LIVE_TRACE:-1}
ATTACH_TIMEOUT=${ATTACH_TIMEOUT:-60}
LIVE_RUNS=${LIVE_RUNS:-json text unpriv}
PIN_FAULT_PARAM=${PIN_FAULT_PARAM:-/sys/module/kernel/parameters/xen_pin_fault}
SPARE_MM_PARAM=${SPARE_MM_PARAM:-/sys/module/kernel/parameters/xen_pin_spare_mm}

want() { case " $LIVE_RUNS " in *" $1 "*) return 0 ;; esac; return 1; }

# proc_links PID: number of BPF link fds PID holds, in $NLINKS; shell
# builtins only (no process is started: live counts stay exact)
proc_links() {
	NLINKS=0
	for _f in /proc/$1/fdinfo/*; do
		while read -r _k _v; do
			case "$_k" in link_type:) NLINKS=$((NLINKS + 1)); break ;; esac
		done < "$_f" 2>/dev/null
	done 2>/dev/null
}

# wait_attached PID [ERRFILE]: until PID holds BPF links and their number
# stayed the same for a second, and (ERRFILE: its stderr) it has printed the
# visibility probe's line: its run starts after the probe (pinscope's own
# pins and unpins, which a trace of the window must not hold); 1 if PID died
# or ATTACH_TIMEOUT passed.  Starts no process (see proc_links): a process
# started here would be pinned and unpinned in the run, not in the trace.
probed() {
	while IFS= read -r _l; do
		case "$_l" in "pinscope: visibility"*) return 0 ;; esac
	done < "$1" 2>/dev/null
	return 1
}
wait_attached() {
	_i=0 _prev=-1
	while [ "$_i" -lt "$ATTACH_TIMEOUT" ]; do
		kill -0 "$1" 2>/dev/null || return 1
		proc_links "$1"
		if [ "$NLINKS" -gt 0 ] && [ "$NLINKS" = "$_prev" ] &&
		   { [ -z "${2:-}" ] || probed "$2"; }; then
			return 0
		fi
		_prev=$NLINKS
		nap 1
		_i=$((_i + 1))
	done
	return 1
}

scenario() {
	if [ ! -x /bin/pinscope ]; then
		echo "no /bin/pinscope in this initramfs: build the static binary (make static) and pass it to guest/mkinitramfs.sh --pinscope" > /tmp/skip.txt
		emit_text skipped /tmp/skip.txt 0
		return 0
	fi
	run_emit pinscope-help /bin/pinscope --help
	if [ -x /usr/sbin/bpftool ]; then
		{ echo "## prog list"; /usr/sbin/bpftool prog list; echo "## link list"; /usr/sbin/bpftool link list; } > /tmp/bpf-before.txt 2>&1
		emit_text bpf-before /tmp/bpf-before.txt 0
	fi
	want json && live_json
	want text && live_text
	if want unpriv; then
		# must refuse with exit 1
		stage "trace: pinscope as an unprivileged user (uid 65534)"
		run_emit unpriv /bin/runas 65534 /bin/pinscope -d 1
	fi
	if want nonpv; then
		stage "trace: pinscope on a kernel that is not a Xen PV guest (must refuse)"
		run_emit nonpv /bin/pinscope -d 1
	fi
	for _r in $LIVE_RUNS; do
		case "$_r" in
		json@*|text@*|bare@*)
			_name=${_r#*@}
			case "$_name" in
			''|*[!A-Za-z0-9_]*) stage "trace: bad run name '$_r' in LIVE_RUNS (letters, digits, _): skipped"; continue ;;
			esac
			eval "_args=\${PINSCOPE_ARGS_$_name-\$PINSCOPE_ARGS}"
			case "$_r" in
			json@*) live_json "$_name." "$_args" ;;
			text@*) live_text "$_name." "$_args" ;;
			bare@*) bare_run "$_name." ;;
			esac
			;;
		esac
	done
	# nothing may be left behind
	if [ -x /usr/sbin/bpftool ]; then
		run_emit bpf-after-prog /usr/sbin/bpftool prog list
		run_emit bpf-after-link /usr/sbin/bpftool link list
	fi
	return 0
}

# suspend_request PREFIX KIND: ask dom0 to save and restore (or checkpoint)
# this domU, wait until the kernel has resumed (one more "Restarting tasks"
# line: thaw_processes() after drivers/xen/manage.c do_suspend()); section
# PREFIXsuspend.  Starts only dmesg and date, which pinscope sees as
# ordinary processes.
suspend_request() {
	_before=$(dmesg | grep -c 'Restarting tasks')
	_spare=""
	eval "_spare=\${SPARE_MM_${1%.}-}"
	{
		echo "kind $2"
		echo "cpus online before: $(cat /sys/devices/system/cpu/online)"
		echo "clock before: $(date +%s) s (CLOCK_REALTIME), uptime $(cut -d' ' -f1 /proc/uptime) s"
		if [ "$_spare" = 1 ]; then
			echo 1 > "$SPARE_MM_PARAM"
			echo "spare mm before: $(cat "$SPARE_MM_PARAM" 2>&1) ($SPARE_MM_PARAM)"
		fi
	} > /tmp/suspend.txt 2>&1
	stage "trace: asking dom0 for $2 of this domU"
	echo "PINSCOPE-SUSPEND-REQUEST $2"
	_w=0 _src=1
	while [ "$_w" -lt "${SUSPEND_TIMEOUT:-300}" ]; do
		nap 1
		_w=$((_w + 1))
		if [ "$(dmesg | grep -c 'Restarting tasks')" -gt "$_before" ]; then
			_src=0
			break
		fi
	done
	{
		echo "resumed: $([ $_src = 0 ] && echo yes || echo no) after ${_w} s"
		echo "cpus online after: $(cat /sys/devices/system/cpu/online)"
		echo "clock after: $(date +%s) s (CLOCK_REALTIME), uptime $(cut -d' ' -f1 /proc/uptime) s"
		if [ "$_spare" = 1 ]; then
			echo 0 > "$SPARE_MM_PARAM"
			echo "spare mm after: $(cat "$SPARE_MM_PARAM" 2>&1)"
		fi
		echo "## kernel lines"
		dmesg | grep -iE 'freez|restarting tasks|suspend|resum|xen:|xen_pin_spare' | tail -n 30
	} >> /tmp/suspend.txt 2>&1
	stage "trace: $2 $([ $_src = 0 ] && echo done || echo 'not seen') after ${_w} s"
	emit_text "${1}suspend" /tmp/suspend.txt $_src
	return $_src
}

# bare_run PREFIX: what a "json@NAME" run does to the kernel (its fault, the
# workload, its suspend) with no pinscope running: sections PREFIXpin-fault,
# PREFIXsuspend, PREFIXworkload-json; tells whether the kernel alone runs on
bare_run() {
	_p=$1
	eval "_fault=\${PIN_FAULT_${_p%.}-}; _susp=\${SUSPEND_${_p%.}-}"
	if [ -n "$_fault" ] && ! pin_fault "$_p" "$_fault"; then
		return 0
	fi
	stage "trace: no pinscope (run ${_p%.}), running workload $WORKLOAD_ARGS"
	/bin/workload $WORKLOAD_ARGS > /tmp/workload-json.txt 2>&1 &
	_wpid=$!
	if [ -n "$_susp" ]; then
		nap 2
		suspend_request "$_p" "$_susp"
	fi
	wait "$_wpid"
	wrc=$?
	stage "trace: workload exited with $wrc (run ${_p%.}, no pinscope)"
	emit_text "${_p}workload-json" /tmp/workload-json.txt $wrc
	[ -z "$_fault" ] || echo none > "$PIN_FAULT_PARAM"
	return 0
}

# pin_fault PREFIX MODE: set the kernel's xen_pin_fault to MODE; section
# PREFIXpin-fault: the mode read back, then the kernel's last xen_pin_fault
# message; 1 if the parameter does not read back MODE
pin_fault() {
	stage "trace: xen_pin_fault=$2 (${PIN_FAULT_PARAM})"
	( echo "$2" > "$PIN_FAULT_PARAM" ) 2> /tmp/pin-fault.txt
	_frc=$?
	_now=$(cat "$PIN_FAULT_PARAM" 2>&1)
	[ "$_now" = "$2" ] || _frc=1
	{ echo "$_now"; dmesg | grep 'xen_pin_fault' | tail -n 1; } >> /tmp/pin-fault.txt
	emit_text "${1}pin-fault" /tmp/pin-fault.txt $_frc
	return $_frc
}

# live_json [PREFIX [ARGS]]: JSON run, stopped with SIGINT as soon as the
# workload is done; sections named PREFIX<section>, pinscope options ARGS
# (default PINSCOPE_ARGS).  Between attach and SIGINT the shell starts no
# process but the workload, and the tracefs record (LIVE_TRACE=1) covers
# exactly the workload, so live and replayed counts of pins, unpins and
# deferred unlocks can be compared.
live_json() {
	_p=${1:-}
	if [ $# -ge 2 ]; then _a=$2; else _a=$PINSCOPE_ARGS; fi
	_fault=""	# not _f: proc_links (wait_attached) loops with that name
	_ev=""
	[ -n "$_p" ] && eval "_fault=\${PIN_FAULT_${_p%.}-}; _ev=\${LIVE_EVIDENCE_${_p%.}-}"
	if [ "$_ev" = 1 ]; then
		rm -rf /tmp/evidence /tmp/evidence.tar
		_a="$_a --evidence /tmp/evidence"
	fi
	if [ -n "$_fault" ] && ! pin_fault "$_p" "$_fault"; then
		return 0
	fi
	traced=0
	if [ "$LIVE_TRACE" = 1 ] && trace_prepare "${_p}live-trace"; then traced=1; fi
	stage "trace: starting pinscope -d $PINSCOPE_DURATION --json $_a${_p:+ (run ${_p%.})}"
	rm -f /tmp/live.html
	/bin/pinscope -d "$PINSCOPE_DURATION" --json --html /tmp/live.html $_a > /tmp/live.json 2> /tmp/live.err &
	pid=$!
	attached=0
	if wait_attached "$pid" /tmp/live.err; then
		attached=1
		stage "trace: pinscope attached ($NLINKS BPF links), running workload $WORKLOAD_ARGS"
		[ "$traced" = 1 ] && echo 1 > $T/tracing_on
		_susp=""
		[ -n "$_p" ] && eval "_susp=\${SUSPEND_${_p%.}-}"
		if [ -n "$_susp" ]; then
			/bin/workload $WORKLOAD_ARGS > /tmp/workload-json.txt 2>&1 &
			_wpid=$!
			nap 2
			suspend_request "$_p" "$_susp"
			wait "$_wpid"
		else
			/bin/workload $WORKLOAD_ARGS > /tmp/workload-json.txt 2>&1
		fi
		wrc=$?
		[ "$traced" = 1 ] && echo 0 > $T/tracing_on
		nap 1
	else
		echo "pinscope did not attach within ${ATTACH_TIMEOUT}s (or exited)" > /tmp/workload-json.txt
		wrc=1
	fi
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	prc=$?
	stage "trace: pinscope --json exited with $prc"
	emit_text "${_p}workload-json" /tmp/workload-json.txt $wrc
	emit_text "${_p}live-json" /tmp/live.json $prc
	emit_text "${_p}live-json-stderr" /tmp/live.err $prc
	# a run that never attached wrote no page: no section (an empty one does not decode)
	[ ! -s /tmp/live.html ] || emit_b64 "${_p}live-html" /tmp/live.html $prc
	if [ "$_ev" = 1 ]; then
		tar -cf /tmp/evidence.tar -C /tmp evidence
		emit_b64 "${_p}live-evidence" /tmp/evidence.tar $?
	fi
	if [ "$traced" = 1 ] && [ "$attached" = 1 ]; then
		trace_emit_setup "${_p}live-trace"
		trace_stop_emit "${_p}live-trace"
	elif [ "$traced" = 1 ]; then
		echo 0 > $T/events/enable
		echo 1 > $T/buffer_size_kb
	fi
	[ -n "$_fault" ] && echo none > "$PIN_FAULT_PARAM"
	return 0
}

# trace_dat_emit PREFIX (called by trace_stop_emit once the text is read):
# `trace-cmd extract` of the same stopped buffer, so that trace.dat and text
# hold the same window; `trace-cmd record` would also trace its own forks.
# The file keeps the kernel's symbols (for xen_mc_callback's function): all
# of kallsyms is ~1 MB compressed, so trace-cmd sees only the xen and cr3
# functions and the symbol after each (which bounds it), bind-mounted over
# /proc/kallsyms for the extract
trace_dat_emit() {
	[ "${HAVE_TRACECMD:-0}" = 1 ] || return 0
	stage "trace: trace-cmd extract of the same buffer"
	awk 'n { print; n = 0 } $2 ~ /^[tT]$/ && $3 ~ /xen|cr3/ { print; n = 1 }' /proc/kallsyms \
		> /tmp/kallsyms
	_bound=0
	mount -o bind /tmp/kallsyms /proc/kallsyms 2>/dev/null && _bound=1
	(cd /tmp && /usr/bin/trace-cmd extract -o /tmp/trace.dat) > /tmp/extract.txt 2>&1
	_rc=$?
	[ "$_bound" = 1 ] && umount /proc/kallsyms
	echo "kallsyms for trace.dat: $(wc -l < /tmp/kallsyms) symbols (bind mount: $_bound)" >> /tmp/extract.txt
	emit_text "$1-dat-log" /tmp/extract.txt $_rc
	emit_b64 "$1-dat" /tmp/trace.dat $_rc
	rm -f /tmp/trace.dat*
}

# live_text [PREFIX [ARGS]]: text run, ends by itself after -d, the workload
# runs in the background; sections PREFIXlive-text, PREFIXworkload-text
live_text() {
	_p=${1:-}
	if [ $# -ge 2 ]; then _a=$2; else _a=$PINSCOPE_ARGS; fi
	stage "trace: pinscope -d $TEXT_DURATION $_a (text) with the workload in the background${_p:+ (run ${_p%.})}"
	/bin/pinscope -d "$TEXT_DURATION" $_a > /tmp/live.txt 2>&1 &
	pid=$!
	wait_attached "$pid" /tmp/live.txt
	/bin/workload $WORKLOAD_ARGS > /tmp/workload-text.txt 2>&1 &
	wpid=$!
	wait "$pid"
	prc=$?
	wait "$wpid"
	wrc=$?
	stage "trace: pinscope (text) exited with $prc"
	emit_text "${_p}live-text" /tmp/live.txt $prc
	emit_text "${_p}workload-text" /tmp/workload-text.txt $wrc
	return 0
}
