#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/test-live.sh: pinscope live on the patched kernel (make test-kernel).
#
# Builds or reuses the patched kernel (kernel/build.sh, cached), then boots it
# as Xen PV dom0 under QEMU (guest/boot.sh -k) once clean and once per fault
# mode (xen_pin_fault=MODE), runs the static pinscope live with the workload
# in each boot (guest/init/live.sh) and checks the results with
# guest/check-live.py:
#   clean         tracepoints mode: exit 0, 0 violations, each hold one
#                 lock/unlock pair (holds = locks taken = xen_mmu_pte_lock
#                 lines of the tracefs record of the window), replay of that
#                 record: same counts and verdict; text and unprivileged runs;
#                 then, in the same boot, a fentry-mode JSON run (--mode
#                 fentry) on the same workload, checked like the stock test
#   pgd_first     tracepoints mode: exit 3, violations of pgd-last only
#   early_unlock  ... unlock-after-flush only
#   late_lock     ... pte-lock-held only
#   (each fault boot: live and replay of its record reach the same verdict)
#
# Usage: kernel/test-live.sh [--domu] [BOOT...]
#   BOOT: clean pgd_first early_unlock late_lock (default: all four)
#   --domu: boot the kernel as a PV domU of Debian's dom0 (guest/boot.sh
#   --domu; the fault argument goes on the domU's command line)
# Environment (kernel/kernel.mk passes them):
#   OUTPUT            build output (default .output); results go to
#                     $OUTPUT/guest/kernel/<boot>/, initramfs images next to them
#   PINSCOPE_HOST     host pinscope for replay (default $OUTPUT/pinscope)
#   PINSCOPE_STATIC   static pinscope for the guest ($OUTPUT/pinscope.static)
#   WORKLOAD          static workload binary ($OUTPUT/guest/workload)
#   WORKLOAD_ARGS     workload options (default "-n 2 -c 8 -m 128 -f 2 -s 65536",
#                     the stock guest test's)
#   GUEST_TIMEOUT     hard limit per boot in seconds (default 400)
#   GUEST_BPFTOOL     bpftool for the image (default auto: the host's)
#   PINSCOPE_CACHE    cache root (kernel, Xen, busybox)
# Exit codes: 0 every boot ran and every check passed, 1 a boot or a check
# failed (all boots are still attempted), 2 usage error, 77 skipped (no
# static pinscope).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
cd "$REPO" || exit 1
OUTPUT=${OUTPUT:-.output}
PINSCOPE_HOST=${PINSCOPE_HOST:-$OUTPUT/pinscope}
PINSCOPE_STATIC=${PINSCOPE_STATIC:-$OUTPUT/pinscope.static}
WORKLOAD=${WORKLOAD:-$OUTPUT/guest/workload}
WORKLOAD_ARGS=${WORKLOAD_ARGS:--n 2 -c 8 -m 128 -f 2 -s 65536}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-400}
GUEST_BPFTOOL=${GUEST_BPFTOOL:-auto}
DIR=$OUTPUT/guest/kernel
# the mainline events of the stock guest test plus the five of patch 0001
TRACE_EVENTS="xen_mmu_pgd_pin xen_mmu_pgd_unpin xen_mc_batch xen_mc_issue xen_mc_entry"
TRACE_EVENTS+=" xen_mc_entry_alloc xen_mc_extend_args xen_mc_callback xen_mc_flush_reason xen_mc_flush"
TRACE_EVENTS+=" xen_mmu_pte_lock xen_mmu_pte_unlock xen_mmu_pin_page xen_mmu_unpin_page xen_mmu_do_pin"

log() { echo "[test-kernel] $*" >&2; }

rule_of() {
	case $1 in
	pgd_first) echo pgd-last ;;
	early_unlock) echo unlock-after-flush ;;
	late_lock) echo pte-lock-held ;;
	*) return 1 ;;
	esac
}

role=()
if [ "${1:-}" = --domu ]; then role=(--domu); DIR=$DIR-domu; shift; fi
boots=("$@")
[ ${#boots[@]} -gt 0 ] || boots=(clean pgd_first early_unlock late_lock)
for b in "${boots[@]}"; do
	[ "$b" = clean ] || rule_of "$b" >/dev/null || {
		echo "test-live.sh: unknown boot '$b' (clean pgd_first early_unlock late_lock)" >&2
		exit 2
	}
done

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
# $1 name, then -c settings
mkinitrd() {
	local name=$1; shift
	OUTPUT=$OUTPUT "$REPO/guest/mkinitramfs.sh" -s live -w "$WORKLOAD" -p "$PINSCOPE_STATIC" \
		-b "$GUEST_BPFTOOL" -c WORKLOAD_ARGS="$WORKLOAD_ARGS" -c XEN_TRACE_EVENTS="$TRACE_EVENTS" \
		"$@" -o "$DIR/initrd-$name.cpio.gz" >/dev/null
}
mkinitrd clean -c LIVE_RUNS="json text unpriv json@fentry" -c PINSCOPE_ARGS_fentry="--mode fentry" ||
	{ log "FAIL: initramfs"; exit 1; }
mkinitrd fault -c LIVE_RUNS="json" || { log "FAIL: initramfs"; exit 1; }

declare -A verdict secs
failed=0
for b in "${boots[@]}"; do
	out=$DIR/$b
	args=() initrd=$DIR/initrd-fault.cpio.gz
	if [ "$b" = clean ]; then
		initrd=$DIR/initrd-clean.cpio.gz
	else
		args=(-a "xen_pin_fault=$b")
	fi
	log "boot $b${args[*]:+ (${args[*]:1})}"
	t0=$(date +%s)
	guest/boot.sh "${role[@]}" -k "$KERNEL_BZIMAGE" "${args[@]}" -i "$initrd" -o "$out" -t "$GUEST_TIMEOUT"
	brc=$?
	secs[$b]=$(( $(date +%s) - t0 ))
	if [ $brc -ne 0 ]; then
		log "FAIL: boot $b: guest/boot.sh exited $brc (serial log $out/serial.log)"
		verdict[$b]="boot failed (exit $brc)"
		failed=1
		continue
	fi
	common=("$out" --pinscope "$PINSCOPE_HOST" --expect-release "$KERNEL_RELEASE")
	ok=1
	if [ "$b" = clean ]; then
		log "check $b: tracepoints run"
		guest/check-live.py "${common[@]}" --mode tracepoints || ok=0
		log "check $b: fentry run (same boot, same workload)"
		guest/check-live.py "${common[@]}" --mode fentry --run fentry || ok=0
	else
		rule=$(rule_of "$b")
		log "check $b: tracepoints run, expecting $rule only"
		guest/check-live.py "${common[@]}" --mode tracepoints --expect-rule "$rule" \
			--expect-cmdline "xen_pin_fault=$b" || ok=0
	fi
	if [ $ok = 1 ]; then verdict[$b]=passed; else verdict[$b]="checks failed"; failed=1; fi
done

log "summary ($(( $(date +%s) - t_all )) s in all; results in $DIR/<boot>/):"
for b in "${boots[@]}"; do
	printf '[test-kernel]   %-13s %-22s %4s s\n' "$b" "${verdict[$b]}" "${secs[$b]:-?}" >&2
done
npass=0
for b in "${boots[@]}"; do [ "${verdict[$b]}" = passed ] && npass=$((npass + 1)); done
echo "test-kernel: $npass passed, $(( ${#boots[@]} - npass )) failed"
[ $failed = 0 ] || { log "FAILED"; exit 1; }

exit 0
