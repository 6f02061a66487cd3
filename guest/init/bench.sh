
# --- scenario bench (guest/init/bench.sh) ---
# `make bench` (bench/run.py, bench/guest.sh): what pinscope costs in a live
# Xen PV dom0, against no tracing, a tracefs record of the xen events and a
# bpftrace script, in one boot.  Needs /bin/guestbench (bench/guestbench.c),
# /bin/pinscope (static) and, for the bpftrace runs, /usr/bin/bpftrace with
# its libraries and /etc/bench/holdtime.bt (added by bench/guest.sh).
# Settings (/etc/pinscope.conf):
#   BENCH_ROUNDS        interleaved rounds (default 3); each round runs every
#                       configuration once, in an order rotated per round
#   BENCH_SECONDS       seconds per loop and configuration (default 3)
#   BENCH_CONFIGS       the rounds before the handler-cost run (default
#                       "none pinscope ftrace"; also "empty": the empty
#                       programs on pinscope's hooks, the floor of any BPF tool;
#                       "lean": pinscope --lean)
#   BENCH_BT_CONFIGS    the rounds after it (default "none bpftrace"; empty:
#                       none)
#   BENCH_MODE          pinscope --mode (default fentry)
#   BENCH_WORKLOAD_ARGS /bin/workload options for the handler-cost run
#   BENCH_TRACE_KB      tracefs buffer per cpu for the ftrace runs (default 8192)
#   BENCH_HOOK_EVENTS   model events for the handlers' test_run (default 40000)
#   BENCH_LOOP_CPU      the vCPU the loops run on (default 0)
#   BENCH_KEEP_ASLR     1: the loops keep ASLR (guestbench -A; by default
#                       every run has one address-space layout)
# Order: warm-up, BENCH_ROUNDS rounds of BENCH_CONFIGS, the handler-cost run
# (pinscope, then pinscope --lean), BENCH_ROUNDS rounds of BENCH_BT_CONFIGS.
# Sections: bench-info, round-N and btround-N (JSON lines of guestbench, per
# round), handler-cost (JSON lines: every BPF program's run_time_ns/run_cnt
# with pinscope and the empty programs attached, pinscope's maps, the BTF
# read alone, the floor programs and the live handlers test_run),
# handler-cost-lean (the same with --lean), pinscope-log,
# bpftrace-log, ftrace-stats (last run of each), workload-out.
BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_SECONDS=${BENCH_SECONDS:-3}
BENCH_CONFIGS=${BENCH_CONFIGS:-"none pinscope ftrace"}
BENCH_BT_CONFIGS=${BENCH_BT_CONFIGS-"none bpftrace"}
BENCH_MODE=${BENCH_MODE:-fentry}
BENCH_WORKLOAD_ARGS=${BENCH_WORKLOAD_ARGS:-"-n 1 -c 8 -m 64 -f 2 -s 65536"}
BENCH_TRACE_KB=${BENCH_TRACE_KB:-8192}
BENCH_HOOK_EVENTS=${BENCH_HOOK_EVENTS:-40000}
# the xen events a replay needs (the capture scenario's), plus the patched
# kernel's when it has them (tracepoints mode reads those)
BENCH_EVENTS="xen_mmu_pgd_pin xen_mmu_pgd_unpin xen_mc_batch xen_mc_issue xen_mc_entry xen_mc_entry_alloc xen_mc_extend_args xen_mc_callback xen_mc_flush_reason xen_mc_flush xen_mmu_pte_lock xen_mmu_pte_unlock xen_mmu_pin_page xen_mmu_unpin_page xen_mmu_do_pin"
BT_LIBS=/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
GB=/bin/guestbench
# the loops run on vCPU 0 only (steadier under TCG); the tracers are not pinned
LOOP_CPU=${BENCH_LOOP_CPU:-0}
# guestbench run, with the settings every run shares
GB_RUN="$GB run -c $LOOP_CPU"
[ "${BENCH_KEEP_ASLR:-0}" = 1 ] && GB_RUN="$GB_RUN -A"

# ftrace_on / ftrace_off: the xen events into the tracefs ring buffer, as a
# user without pinscope would record them (no reader: the buffer overwrites)
ftrace_on() {
	echo 0 > $T/tracing_on
	echo nop > $T/current_tracer
	echo 0 > $T/events/enable
	echo "$BENCH_TRACE_KB" > $T/buffer_size_kb
	echo > $T/trace
	for e in $BENCH_EVENTS; do
		[ -d "$T/events/xen/$e" ] && echo 1 > "$T/events/xen/$e/enable"
	done
	echo 1 > $T/tracing_on
}
ftrace_off() {
	echo 0 > $T/tracing_on
	: > /tmp/ftrace-stats.txt
	for c in $T/per_cpu/cpu*; do
		{ echo "== $(basename "$c")"; cat "$c/stats"; } >> /tmp/ftrace-stats.txt
	done
	echo 0 > $T/events/enable
	echo > $T/trace
	echo 1 > $T/buffer_size_kb
}

# gb_pinscope NAME LOG [GUESTBENCH OPTIONS...]: a guestbench run with pinscope
# as the tracer (with --lean when NAME ends in "lean"), its output in LOG
gb_pinscope() {
	_name=$1 _log=$2
	shift 2
	_lean=
	case "$_name" in *lean) _lean=1 ;; esac
	$GB_RUN -n "$_name" -s "$BENCH_SECONDS" -L "$_log" -p "Tracing the Xen" -t 180 "$@" \
		-- /bin/pinscope --mode "$BENCH_MODE" ${_lean:+--lean} -d 3600
}

# run_config NAME ROUNDFILE
run_config() {
	case "$1" in
	none)
		$GB_RUN -n none -s "$BENCH_SECONDS" >> "$2" 2>&1 ;;
	pinscope)
		gb_pinscope pinscope /tmp/pinscope.log >> "$2" 2>&1 ;;
	lean)	# pinscope --lean: no per-process counts, idle flushes not counted
		gb_pinscope lean /tmp/pinscope-lean.log >> "$2" 2>&1 ;;
	empty)	# the empty programs of bench/empty.bpf.c on pinscope's hooks: the floor
		$GB_RUN -n empty -s "$BENCH_SECONDS" -e "$BENCH_MODE" >> "$2" 2>&1 ;;
	ftrace)
		ftrace_on
		$GB_RUN -n ftrace -s "$BENCH_SECONDS" >> "$2" 2>&1
		ftrace_off ;;
	bpftrace)
		LD_LIBRARY_PATH=$BT_LIBS $GB_RUN -n bpftrace -s "$BENCH_SECONDS" -L /tmp/bpftrace.log \
			-p READY -t 300 -- /usr/bin/bpftrace /etc/bench/holdtime.bt >> "$2" 2>&1 ;;
	esac
}

# run_rounds PREFIX CONFIGS: BENCH_ROUNDS rounds of CONFIGS, the order
# rotated per round (A B C, B C A, ...); section PREFIX-N per round
run_rounds() {
	_pfx=$1 _cfgs=$2
	r=1
	while [ "$r" -le "$BENCH_ROUNDS" ]; do
		set -- $_cfgs
		i=1
		while [ "$i" -lt "$r" ]; do
			_first=$1; shift; set -- "$@" "$_first"; i=$((i + 1))
		done
		: > /tmp/round.jsonl
		for cfg in "$@"; do
			stage "bench: $_pfx $r/$BENCH_ROUNDS: $cfg"
			run_config "$cfg" /tmp/round.jsonl
		done
		emit_text "$_pfx-$r" /tmp/round.jsonl 0
		r=$((r + 1))
	done
}

scenario() {
	for f in $GB /bin/pinscope; do
		if [ ! -x "$f" ]; then
			echo "no $f in this initramfs (bench/guest.sh adds it)" > /tmp/skip.txt
			emit_text skipped /tmp/skip.txt 1
			return 1
		fi
	done
	{
		echo "rounds=$BENCH_ROUNDS seconds=$BENCH_SECONDS configs=$BENCH_CONFIGS then $BENCH_BT_CONFIGS mode=$BENCH_MODE"
		echo "workload_args=$BENCH_WORKLOAD_ARGS trace_kb=$BENCH_TRACE_KB loop_cpu=$LOOP_CPU keep_aslr=${BENCH_KEEP_ASLR:-0}"
		echo "bpf_stats_enabled=$(cat /proc/sys/kernel/bpf_stats_enabled)"
		echo "bpftrace=$(LD_LIBRARY_PATH=$BT_LIBS /usr/bin/bpftrace --version 2>&1)"
		echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)"
		grep -E 'MemTotal|MemFree' /proc/meminfo
	} > /tmp/bench-info.txt 2>&1
	emit_text bench-info /tmp/bench-info.txt 0

	stage "bench: warm-up"
	$GB_RUN -n warmup -s "$((BENCH_SECONDS * 2))" > /dev/null 2>&1
	run_rounds round "$BENCH_CONFIGS"

	stage "bench: handler cost (bpf_stats on, pinscope and the empty programs attached)"
	old_stats=$(cat /proc/sys/kernel/bpf_stats_enabled)
	echo 1 > /proc/sys/kernel/bpf_stats_enabled
	gb_pinscope stats /tmp/pinscope-stats.log -S -e "$BENCH_MODE" -w "$BENCH_WORKLOAD_ARGS" \
		> /tmp/stats.jsonl 2>&1
	# what libbpf's read of the kernel BTF alone costs in memory (fentry mode)
	$GB btf >> /tmp/stats.jsonl 2>&1
	# the floor taken apart in this kernel: the clock, cpu, pid, a lookup
	stage "bench: floors (test_run of bench/empty.bpf.c's floor programs)"
	$GB floors -e 20000 -r 3 >> /tmp/stats.jsonl 2>&1
	stage "bench: handler cost with --lean"
	# beside --lean the empty twins of its own hooks: in tracepoints mode it
	# loads no fexit/xen_mc_flush (guestbench's "tracepoints-lean")
	lean_empties=$BENCH_MODE
	[ "$BENCH_MODE" = tracepoints ] && lean_empties=tracepoints-lean
	gb_pinscope stats-lean /tmp/pinscope-stats-lean.log -S -e "$lean_empties" -w "$BENCH_WORKLOAD_ARGS" \
		> /tmp/stats-lean.jsonl 2>&1
	# the live handlers test_run on the model's stream, as on the host
	# (bench/hostbench.c hooks): under icount their cost is instructions
	if [ -x /bin/hostbench ]; then
		stage "bench: live handlers test_run (hostbench hooks)"
		/bin/hostbench hooks -e "$BENCH_HOOK_EVENTS" -r 3 >> /tmp/stats.jsonl 2>&1
		/bin/hostbench hooks -e "$BENCH_HOOK_EVENTS" -r 3 -l >> /tmp/stats-lean.jsonl 2>&1
	fi
	echo "$old_stats" > /proc/sys/kernel/bpf_stats_enabled
	echo "{\"what\": \"sysctl\", \"bpf_stats_enabled_after\": $(cat /proc/sys/kernel/bpf_stats_enabled)}" >> /tmp/stats.jsonl
	emit_text handler-cost /tmp/stats.jsonl 0
	emit_text handler-cost-lean /tmp/stats-lean.jsonl 0

	# bpftrace last, in its own rounds against no tracing: starting pinscope
	# after a bpftrace run has hung this guest (see docs/performance.md)
	[ -n "$BENCH_BT_CONFIGS" ] && run_rounds btround "$BENCH_BT_CONFIGS"
	emit_text pinscope-log /tmp/pinscope.log 0
	emit_text pinscope-stats-log /tmp/pinscope-stats.log 0
	emit_text bpftrace-log /tmp/bpftrace.log 0
	emit_text ftrace-stats /tmp/ftrace-stats.txt 0
	emit_text workload-out /tmp/workload.out 0
	return 0
}
