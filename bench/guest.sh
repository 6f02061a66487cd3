#!/usr/bin/env bash
# bench/guest.sh - the guest half of `make bench`: build the bench initramfs
# and boot it once (Xen PV dom0 under QEMU TCG, guest/boot.sh).
#
# Usage: bench/guest.sh OUTDIR [-c KEY=VALUE]...
#   OUTDIR            results of guest/boot.sh (one file per section)
#   -c KEY=VALUE      a setting of guest/init/bench.sh (BENCH_ROUNDS, ...)
# Environment: OUTPUT (default .output), BENCH_GUEST_TIMEOUT (default 900),
# GUEST_KERNEL (boot another dom0 kernel, see guest/boot.sh -k), GUEST_ICOUNT
# (QEMU -icount, e.g. 1 = shift=1,sleep=off: guest time counts instructions,
# immune to host load; implies single-threaded TCG).
# The initramfs is guest/mkinitramfs.sh's (scenario bench: busybox, the
# workload, static pinscope, bpftool) with a second gzip'ed cpio archive
# appended (the kernel unpacks concatenated archives): /bin/guestbench,
# /etc/bench/holdtime.bt, and bpftrace with its libraries
# (bench/fetch-bpftrace.sh).  Without bpftrace the bench still runs, and
# its bpftrace runs report the failure.
# Exit code: guest/boot.sh's (0 ok).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUTPUT=${OUTPUT:-$REPO/.output}
case "$OUTPUT" in /*) ;; *) OUTPUT="$REPO/$OUTPUT" ;; esac
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
export PINSCOPE_CACHE=$CACHE
log() { echo "[bench] $*" >&2; }
die() { echo "[bench] $*" >&2; exit 1; }

outdir=${1:?usage: bench/guest.sh OUTDIR [-c KEY=VALUE]...}
shift
conf=()
while [ $# -gt 0 ]; do
	case "$1" in
	-c) conf+=(-c "${2:?}"); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
B=$OUTPUT/bench
mkdir -p "$B"
for f in "$OUTPUT/pinscope.static" "$B/guestbench" "$B/hostbench.static"; do
	[ -x "$f" ] || die "Failed to find $f: run make bench-build"
done

# the workload binary of guest/guest.mk (mkinitramfs.sh builds it if missing)
"$REPO/guest/fetch.sh" > /dev/null || die "Failed to fetch the guest packages"
# shellcheck disable=SC1091
. "$CACHE/guest.env"

base=$B/initrd-base.cpio.gz
OUTPUT=$OUTPUT "$REPO/guest/mkinitramfs.sh" -s bench -p "$OUTPUT/pinscope.static" -b auto \
	"${conf[@]}" -o "$base" > /dev/null || die "Failed to build the base initramfs"

# the second archive: guestbench, the bpftrace script, bpftrace + libraries
extra=$B/initrd-extra.cpio.gz
stage=$(mktemp -d "${TMPDIR:-/tmp}/pinscope-bench.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/etc/bench"
cp "$B/guestbench" "$stage/bin/guestbench"
cp "$B/hostbench.static" "$stage/bin/hostbench"
cp "$HERE/holdtime.bt" "$stage/etc/bench/holdtime.bt"
if bt_ver=$("$HERE/fetch-bpftrace.sh" "$B/bpftrace-tree"); then
	cp -a "$B/bpftrace-tree/." "$stage/"
	log "bpftrace $bt_ver added"
else
	log "warning: no bpftrace for the guest (see above): its runs will fail"
fi
(
	cd "$stage"
	if command -v cpio > /dev/null; then
		find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet
	else
		find . -mindepth 1 | LC_ALL=C sort | "$BUSYBOX" cpio -o -H newc 2> /dev/null
	fi
) | gzip -6 > "$extra.tmp" || die "Failed to pack $extra"
mv "$extra.tmp" "$extra"
initrd=$B/initrd-bench.cpio.gz
cat "$base" "$extra" > "$initrd"
log "initramfs $initrd: $(du -h "$initrd" | cut -f1) (base $(du -h "$base" | cut -f1) + extra $(du -h "$extra" | cut -f1))"

# One host thread per vCPU, as on hardware: the loop on vCPU 0 does not share
# its thread with vCPU 1 (docs/performance.md).  Unlike the tests' default,
# this mode can hang while text is patched under load
# (guest/init/selftest-textpoke.sh); the bench attaches its tracers while no
# loop runs, and boot.sh reports a hang as a missing part.
# icount runs single-threaded only.
if [ -n "${GUEST_ICOUNT:-}" ]; then
	export GUEST_TCG_THREAD=single
else
	export GUEST_TCG_THREAD=${GUEST_TCG_THREAD:-multi}
fi
# GUEST_KERNEL, if set, is read by boot.sh itself
exec "$REPO/guest/boot.sh" -i "$initrd" -o "$outdir" -t "${BENCH_GUEST_TIMEOUT:-900}" -I 400
