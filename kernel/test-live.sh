#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/test-live.sh: pinscope live on the patched kernel (make test-kernel).
#
# Builds or reuses the patched kernel of series KVER (kernel/build.sh,
# cached), boots it ONCE as Xen PV dom0 under QEMU (guest/boot.sh -k), and in
# that boot runs the static pinscope live with the workload (guest/init/live.sh)
# clean and then once per fault mode, switched at run time through
# /sys/module/kernel/parameters/xen_pin_fault (kernel/patches/KVER/0002).
# guest/check-live.py checks each run:
#   clean         tracepoints mode: exit 0, 0 violations, each hold one
#                 lock/unlock pair (holds = locks taken = xen_mmu_pte_lock
#                 lines of the tracefs record of the window), replay of that
#                 record: same counts and verdict; text and unprivileged runs;
#                 then a fentry-mode JSON run (--mode fentry) on the same
#                 workload, checked like the stock test, and a tracepoints
#                 --lean JSON run (not recorded: processes, idle flushes,
#                 flush latency: no fexit/xen_mc_flush)
#   pgd_first     fault set at run time (read back, logged by the kernel);
#                 tracepoints mode: exit 3, violations of pgd-last only
#   early_unlock  ... unlock-after-flush only
#   late_lock     ... pte-lock-held only
#   (every run: mm-lock-held checked, exactly in tracepoints mode, once per
#   split lock; pin_all_unlocked, the fault of mm-lock-held, needs a suspend:
#   a save, restore or migration, which a dom0 cannot do and a domU only
#   with the toolstack's help: not among these runs, see docs/kernel.md)
#   (each fault run: live and replay of its record reach the same verdict;
#   the fault is back to "none" after each run; it also runs with --evidence,
#   and every snippet of the flight recorder replays to exit 3 with its rule
#   alone, minimized: tests/evidence.sh --live)
#   pgd_first_fentry, early_unlock_fentry  (never by default) the fault in
#                 fentry mode with --evidence: the stock modes' live evidence,
#                 pinscope's own event lines (docs/evidence.md), each snippet
#                 replayed with fentry's events to its rule alone: pgd-last;
#                 locks-released for early_unlock, as fentry judges it (it sees
#                 neither the early unlock nor a deferred one, and split locks
#                 in use from the last deferred unlock the window carries:
#                 docs/evidence.md "Limits"; --flight-events 32, so that the
#                 snippet needs it).  Not late_lock: not visible
#   pgd_first_kprobe  (never by default) the same as pgd_first_fentry in
#                 kprobe mode (the stock mode of kernels whose pinning
#                 functions are not in BTF, sid's 7.2): its own event lines
#                 replayed to pgd-last alone
#
# Usage: kernel/test-live.sh [--domu] [RUN...]
#   RUN: clean pgd_first early_unlock late_lock (default: all four, in this
#   order, in one boot), pgd_first_fentry early_unlock_fentry pgd_first_kprobe (after them,
#   when named); with --domu also save_restore (a clean JSON run
#   during which dom0 saves and restores the domU: xl save + xl restore) and
#   pin_all_unlocked (the same with that fault: mm-lock-held only), never
#   by default; the domU then gets SUSPEND_MEM MiB (default 320: dom0's
#   tmpfs holds the save file)
#   --domu: boot the kernel as a PV domU of Debian's dom0 (guest/boot.sh
#   --domu); results in $OUTPUT/guest/kernel/KVER-domu/
# Environment (kernel/kernel.mk passes them):
#   KVER              kernel series (default 6.1; kernel/patches/KVER)
#   OUTPUT            build output (default .output); results go to
#                     $OUTPUT/guest/kernel/KVER/, initramfs next to them
#   PINSCOPE_HOST     host pinscope for replay (default $OUTPUT/pinscope)
#   PINSCOPE_STATIC   static pinscope for the guest ($OUTPUT/pinscope.static)
#   WORKLOAD          static workload binary ($OUTPUT/guest/workload)
#   WORKLOAD_ARGS     workload options (default "-n 2 -c 8 -m 128 -f 2 -s 65536",
#                     the stock guest test's)
#   GUEST_TIMEOUT     hard limit of the boot in seconds (default 600)
#   GUEST_BPFTOOL     bpftool for the image (default auto: the host's)
#   PINSCOPE_CACHE    cache root (kernel, Xen, busybox)
# Exit codes: 0 the boot ran and every check passed, 1 the boot or a check
# failed (every run is still checked), 2 usage error, 77 skipped (no static
# pinscope).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
cd "$REPO" || exit 1
OUTPUT=${OUTPUT:-.output}
PINSCOPE_HOST=${PINSCOPE_HOST:-$OUTPUT/pinscope}
PINSCOPE_STATIC=${PINSCOPE_STATIC:-$OUTPUT/pinscope.static}
WORKLOAD=${WORKLOAD:-$OUTPUT/guest/workload}
WORKLOAD_ARGS=${WORKLOAD_ARGS:--n 2 -c 8 -m 128 -f 2 -s 65536}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-600}
GUEST_BPFTOOL=${GUEST_BPFTOOL:-auto}
export KVER=${KVER:-6.1}
DIR=$OUTPUT/guest/kernel/$KVER
# the mainline events of the stock guest test plus the six of patch 0001
TRACE_EVENTS="xen_mmu_pgd_pin xen_mmu_pgd_unpin xen_mc_batch xen_mc_issue xen_mc_entry"
TRACE_EVENTS+=" xen_mc_entry_alloc xen_mc_extend_args xen_mc_callback xen_mc_flush_reason xen_mc_flush"
TRACE_EVENTS+=" xen_mmu_pte_lock xen_mmu_pte_unlock xen_mmu_pin_page xen_mmu_unpin_page xen_mmu_do_pin"
TRACE_EVENTS+=" xen_mmu_pgd_done"

log() { echo "[test-kernel] $*" >&2; }

# a fault run in a stock mode is named FAULT_MODE: pgd_first_fentry
stock_mode() { case $1 in *_fentry) echo fentry ;; *_kprobe) echo kprobe ;; *) return 1 ;; esac; }
fault_of() { local f=${1%_fentry}; echo "${f%_kprobe}"; }

rule_of() {
	# fentry sees no unlock of early_unlock's: the locks it took are left held
	[ "$1" = early_unlock_fentry ] && { echo locks-released; return; }
	case $(fault_of "$1") in
	pgd_first) echo pgd-last ;;
	early_unlock) echo unlock-after-flush ;;
	late_lock) echo pte-lock-held ;;
	pin_all_unlocked) echo mm-lock-held ;;
	*) return 1 ;;
	esac
}

role=()
if [ "${1:-}" = --domu ]; then role=(--domu); DIR=$DIR-domu; shift; fi
runs=()
for r in clean pgd_first early_unlock late_lock pgd_first_fentry early_unlock_fentry \
	pgd_first_kprobe save_restore pin_all_unlocked; do
	case " ${*:-clean pgd_first early_unlock late_lock} " in *" $r "*) runs+=("$r") ;; esac
done
suspend=0
for r in "$@"; do
	case $r in
	save_restore|pin_all_unlocked)
		suspend=1
		[ ${#role[@]} -gt 0 ] || {
			echo "test-live.sh: run '$r' needs a suspend: only a domU can (--domu)" >&2
			exit 2
		} ;;
	esac
	case $r in *_fentry|*_kprobe) [ "$r" = pgd_first_fentry ] || [ "$r" = early_unlock_fentry ] ||
		[ "$r" = pgd_first_kprobe ] ;; esac &&
	{ [ "$r" = clean ] || [ "$r" = save_restore ] || rule_of "$r" >/dev/null; } || {
		echo "test-live.sh: unknown run '$r' (clean pgd_first early_unlock late_lock pgd_first_fentry early_unlock_fentry pgd_first_kprobe save_restore pin_all_unlocked)" >&2
		exit 2
	}
done
# the clock jumps by the time the domain was saved: -d bounds the run loosely
[ $suspend = 0 ] || role+=(--domu-mem "${SUSPEND_MEM:-320}")

for f in "$PINSCOPE_HOST" "$PINSCOPE_STATIC" "$WORKLOAD"; do
	if [ ! -x "$f" ]; then
		log "missing $f (make, make static, make guest-fetch $OUTPUT/guest/workload)"
		[ "$f" = "$PINSCOPE_STATIC" ] && exit 77
		exit 1
	fi
done

t_all=$(date +%s)
log "kernel: kernel/build.sh (build or reuse the cached bzImage)"
if ! env_out=$("$HERE/build.sh"); then
	log "FAIL: the kernel build failed"
	exit 1
fi
eval "$(echo "$env_out" | grep -E '^KERNEL_(BZIMAGE|RELEASE)=')"
log "kernel $KERNEL_RELEASE: $KERNEL_BZIMAGE"

mkdir -p "$DIR"
# the guest's runs: "json text unpriv json@fentry" for clean, json@MODE for
# a fault, with PIN_FAULT_<run>=MODE (guest/init/live.sh)
live_runs="" conf=()
[ $suspend = 0 ] || conf+=(-c PINSCOPE_DURATION=900 -c TRACE_BUF_KB=32768)
for r in "${runs[@]}"; do
	if [ "$r" = clean ]; then
		live_runs+=" json text unpriv json@fentry json@lean"
		conf+=(-c PINSCOPE_ARGS_fentry="--mode fentry" -c PINSCOPE_ARGS_lean="--mode tracepoints --lean")
	elif [ "$r" = save_restore ]; then
		live_runs+=" json@$r"
		conf+=(-c "SUSPEND_$r=save-restore" -c "SPARE_MM_$r=1")
	elif [ "$r" = pin_all_unlocked ]; then
		live_runs+=" json@$r"
		conf+=(-c "PIN_FAULT_$r=$r" -c "SUSPEND_$r=save-restore" -c "SPARE_MM_$r=1"
		       -c "LIVE_EVIDENCE_$r=1")
	elif smode=$(stock_mode "$r"); then
		# early_unlock: a window of the operation (27 events) and a few before
		# it, so that no deferred unlock of its own cpu is in it and its
		# snippet needs the one the window carries (docs/evidence.md, Limits)
		fl=""
		[ "$r" = early_unlock_fentry ] && fl=" --flight-events 32"
		live_runs+=" json@$r"
		conf+=(-c "PIN_FAULT_$r=$(fault_of "$r")" -c "LIVE_EVIDENCE_$r=1"
		       -c "PINSCOPE_ARGS_$r=--mode $smode$fl")
	else
		live_runs+=" json@$r"
		conf+=(-c "PIN_FAULT_$r=$r" -c "LIVE_EVIDENCE_$r=1")
	fi
done
OUTPUT=$OUTPUT "$REPO/guest/mkinitramfs.sh" -s live -w "$WORKLOAD" -p "$PINSCOPE_STATIC" \
	-b "$GUEST_BPFTOOL" -c WORKLOAD_ARGS="$WORKLOAD_ARGS" -c XEN_TRACE_EVENTS="$TRACE_EVENTS" \
	-c LIVE_RUNS="${live_runs# }" "${conf[@]}" -o "$DIR/initrd.cpio.gz" >/dev/null ||
	{ log "FAIL: initramfs"; exit 1; }

declare -A verdict
log "boot${role[*]:+ ${role[*]}}: ${runs[*]} (one boot, faults switched at run time)"
t0=$(date +%s)
guest/boot.sh "${role[@]}" -k "$KERNEL_BZIMAGE" -i "$DIR/initrd.cpio.gz" -o "$DIR/boot" -t "$GUEST_TIMEOUT"
brc=$?
boot_secs=$(( $(date +%s) - t0 ))
if [ $brc -ne 0 ]; then
	log "FAIL: guest/boot.sh exited $brc after $boot_secs s (serial log $DIR/boot/serial.log)"
	for r in "${runs[@]}"; do verdict[$r]="boot failed (exit $brc)"; done
else
	# the series records the mm lock at each split lock (mm-lock-held)
	common=("$DIR/boot" --pinscope "$PINSCOPE_HOST" --expect-release "$KERNEL_RELEASE"
		--expect-mm-lock)
	for r in "${runs[@]}"; do
		ok=1
		if [ "$r" = clean ]; then
			log "check clean: tracepoints run"
			guest/check-live.py "${common[@]}" --mode tracepoints || ok=0
			log "check clean: fentry run (same boot, same workload)"
			guest/check-live.py "${common[@]}" --mode fentry --run fentry || ok=0
			log "check clean: tracepoints --lean run (no flush return, no process counts)"
			guest/check-live.py "${common[@]}" --mode tracepoints --run lean --expect-lean || ok=0
		elif [ "$r" = save_restore ]; then
			log "check $r: dom0 saved and restored the domU during the run, expecting it clean"
			guest/check-live.py "${common[@]}" --mode tracepoints --run "$r" \
				--expect-suspend --expect-suspend-pins || ok=0
		elif [ "$r" = pin_all_unlocked ]; then
			log "check $r: save and restore with xen_mm_pin_all() unlocked, expecting mm-lock-held only"
			guest/check-live.py "${common[@]}" --mode tracepoints --run "$r" \
				--expect-rule mm-lock-held --expect-fault "$r" --expect-suspend \
				--expect-suspend-pins || ok=0
			log "check $r: its --evidence snippets (windows sent from the suspend) replay to mm-lock-held alone"
			tests/evidence.sh "$PINSCOPE_HOST" --live "$DIR/boot/$r.live-evidence" mm-lock-held || ok=0
		elif smode=$(stock_mode "$r"); then
			rule=$(rule_of "$r") blind=()
			# early_unlock's own unlock is inlined: fentry sees no pin hold,
			# the window's tracepoints (its replay) see the early unlock
			[ "$r" = early_unlock_fentry ] &&
				blind=(--expect-no-pin-holds --expect-replay-rule "$(rule_of early_unlock)")
			log "check $r: switched on at run time, $smode run, expecting $rule only"
			guest/check-live.py "${common[@]}" --mode "$smode" --run "$r" \
				--expect-rule "$rule" --expect-fault "$(fault_of "$r")" "${blind[@]}" || ok=0
			log "check $r: its --evidence snippets (own event lines) replay to $rule alone"
			tests/evidence.sh "$PINSCOPE_HOST" --live "$DIR/boot/$r.live-evidence" "$rule" \
				"$smode" || ok=0
		else
			rule=$(rule_of "$r")
			log "check $r: switched on at run time, tracepoints run, expecting $rule only"
			guest/check-live.py "${common[@]}" --mode tracepoints --run "$r" \
				--expect-rule "$rule" --expect-fault "$r" || ok=0
			log "check $r: its --evidence snippets replay to $rule alone"
			tests/evidence.sh "$PINSCOPE_HOST" --live "$DIR/boot/$r.live-evidence" "$rule" || ok=0
		fi
		if [ $ok = 1 ]; then verdict[$r]=passed; else verdict[$r]="checks failed"; fi
	done
fi

log "summary: kernel $KERNEL_RELEASE, boot $boot_secs s, $(( $(date +%s) - t_all )) s in all; results in $DIR/boot/"
npass=0
for r in "${runs[@]}"; do
	printf '[test-kernel]   %-13s %s\n' "$r" "${verdict[$r]}" >&2
	[ "${verdict[$r]}" = passed ] && npass=$((npass + 1))
done
echo "test-kernel: $npass passed, $(( ${#runs[@]} - npass )) failed"
[ "$npass" = ${#runs[@]} ] || { log "FAILED"; exit 1; }

exit 0
