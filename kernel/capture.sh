#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/capture.sh: record the xen trace events (the patch series' five
# included) of the patched kernel (kernel/build.sh) during a small fork/exec
# workload, with the one guest harness: guest/mkinitramfs.sh -s capture
# (guest/init/capture.sh, guest/workload.c) booted by guest/boot.sh -k, as Xen
# PV dom0 (or as PV domU, -d) under QEMU TCG.
#
# Usage: kernel/capture.sh [-f MODE] [-o FILE] [-n ROUNDS] [-b MIB] [-k N]
#                          [-t SECS] [-l FILE] [-F FILE] [-d]
#   -f MODE   xen_pin_fault= mode on the kernel command line
#             (pgd_first, early_unlock, late_lock; default: none = clean)
#   -o FILE   where the trace goes (default: ./patched-6.1-<mode>.trace)
#   -n ROUNDS workload rounds per vCPU (default 2), each forking two children
#             (one exec's, one exits)
#   -b MIB    the "big" mapping per vCPU, touched once per 2 MiB (MIB/2 PTE
#             pages, more than a multicall batch holds; default 64)
#   -k N      forks of the big process per round (default 1)
#   -t SECS   hard limit for the boot (default 600)
#   -l FILE   also copy the serial log there
#   -F FILE   also save the format files of the xen events there
#   -d        boot the kernel as a PV domU (guest/boot.sh --domu)
# The workload is guest/workload.c: -n ROUNDS -c 2 -m MIB -f N -s 2097152.
# Results of the boot (every section) stay in $OUTPUT/guest/kernel-capture/.
#
# Environment: PINSCOPE_CACHE, OUTPUT (default .output), and guest/boot.sh's.
# Exit codes: 0 trace saved, 1 failure (boot.sh shows the serial log's tail),
# 2 usage error.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUTPUT=${OUTPUT:-$REPO/.output}
# the mainline events a replay needs plus the six of patch 0001
NEW_EVENTS="xen_mmu_pte_lock xen_mmu_pte_unlock xen_mmu_pin_page xen_mmu_unpin_page xen_mmu_do_pin"
NEW_EVENTS+=" xen_mmu_pgd_done"
EVENTS="xen_mmu_pgd_pin xen_mmu_pgd_unpin xen_mc_batch xen_mc_issue xen_mc_entry xen_mc_entry_alloc"
EVENTS+=" xen_mc_extend_args xen_mc_callback xen_mc_flush_reason xen_mc_flush $NEW_EVENTS"

mode=none out="" rounds=2 bigmib=64 bigforks=1 timeout_s=600 serial="" formats="" role=()
while getopts "f:o:n:b:k:t:l:F:dh" opt; do
	case $opt in
	f) mode=$OPTARG ;;
	o) out=$OPTARG ;;
	n) rounds=$OPTARG ;;
	b) bigmib=$OPTARG ;;
	k) bigforks=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	l) serial=$OPTARG ;;
	F) formats=$OPTARG ;;
	d) role=(--domu) ;;
	h) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
case $mode in
none|pgd_first|early_unlock|late_lock) ;;
*) echo "capture.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
label=$mode
[ "$mode" = none ] && label=clean
out=${out:-$PWD/patched-6.1-$label.trace}

log() { echo "[kernel] $*"; }
die() { echo "[kernel] ERROR: $*" >&2; exit 1; }

# The kernel: build or reuse.
eval "$("$HERE/build.sh" | grep '^KERNEL_')"
[ -f "$KERNEL_BZIMAGE" ] || die "no bzImage from kernel/build.sh"

dir=$OUTPUT/guest/kernel-capture
mkdir -p "$dir"
OUTPUT=$OUTPUT "$REPO/guest/mkinitramfs.sh" -s capture -c XEN_TRACE_EVENTS="$EVENTS" -c TRACE_BUF_KB=8192 \
	-c WORKLOAD_ARGS="-n $rounds -c 2 -m $bigmib -f $bigforks -s 2097152" \
	-o "$dir/initrd-capture.cpio.gz" >/dev/null || die "cannot build the initramfs"
args=()
[ "$mode" = none ] || args=(-a "xen_pin_fault=$mode")
log "booting $KERNEL_RELEASE${role[*]:+ as PV domU}, mode $label (timeout ${timeout_s}s)"
"$REPO/guest/boot.sh" "${role[@]}" -k "$KERNEL_BZIMAGE" "${args[@]}" -i "$dir/initrd-capture.cpio.gz" \
	-o "$dir/$label" -t "$timeout_s" || die "the guest did not finish (results in $dir/$label)"
res=$dir/$label
[ -z "$serial" ] || cp "$res/serial.log" "$serial"
grep -E '^(uname_r|cmdline)=' "$res/guest-info" | sed 's/^/[kernel]   /'
missing=$(sed -n 's/^missing://p' "$res/trace-setup")
for e in $NEW_EVENTS; do
	case " $missing " in *" $e "*) die "event $e missing: not the patched kernel?" ;; esac
done
[ -z "$formats" ] || cp "$res/event-formats" "$formats"
mkdir -p "$(dirname "$out")"
cp "$res/trace" "$out"
log "trace: $out ($(wc -l < "$out") lines, $(stat -c %s "$out") bytes)"
for e in $EVENTS; do
	printf '[kernel]   %-20s %6d\n' "$e" "$(grep -c " $e: " "$out" || true)"
done
