#!/usr/bin/env bash
# guest/mkdom0.sh - build the dom0 initramfs of `guest/boot.sh --domu`: a dom0
# (Debian's default kernel) that starts Xen's toolstack and runs the kernel
# under test as a PV domU with the scenario image given here.
#
# Usage: guest/mkdom0.sh -k DOMU_KERNEL -i DOMU_INITRD -o OUT [-c KEY=VALUE]...
#   -k, --kernel FILE     the domU kernel image (a Debian vmlinuz, a bzImage)
#   -i, --initrd FILE     the domU's initramfs (guest/mkinitramfs.sh -s ...)
#   -o, --output FILE     the dom0 initramfs to write
#   -c, --conf KEY=VALUE  dom0 setting (guest/init/domu-host.sh: DOMU_MEM,
#                         DOMU_VCPUS, DOMU_ARGS), repeatable
#   -h, --help
# The image is two gzip cpio archives one after the other (the kernel unpacks
# both): guest/mkinitramfs.sh -s domu-host (busybox, /init), then the
# toolstack (xl, xenstored, xenconsoled, xen-init-dom0, libxl-save-helper and the libraries of
# guest/fetch.sh --toolstack's packages, libc6 included), the dom0 kernel's
# modules xen-evtchn, xen-privcmd, xen-gntdev, xen-gntalloc, xenfs (from its
# package; decompressed), /domu/vmlinuz and /domu/initrd.cpio.gz.
# Exit codes: 0 ok, 1 failure, 2 usage error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DOM0_MODULES="xen-evtchn xen-privcmd xen-gntdev xen-gntalloc xenfs"
# libxl-save-helper: xl save, restore and migrate run it for the memory stream
TOOLS="xl xenstored xenconsoled xen-init-dom0 libxl-save-helper"

log() { echo "[dom0] $*" >&2; }
die() { echo "[dom0] $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

kernel="" initrd="" out="" conf=()
while [ $# -gt 0 ]; do
	case "$1" in
	-k|--kernel) kernel=${2:?}; shift 2 ;;
	-i|--initrd) initrd=${2:?}; shift 2 ;;
	-o|--output) out=${2:?}; shift 2 ;;
	-c|--conf) conf+=(-c "${2:?}"); shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "mkdom0.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[ -n "$kernel" ] && [ -n "$initrd" ] && [ -n "$out" ] || { usage >&2; exit 2; }
[ -r "$kernel" ] || die "Failed to read the domU kernel $kernel: no such file"
[ -r "$initrd" ] || die "Failed to read the domU initramfs $initrd: no such file"

# the dom0: Debian's default kernel, with the toolstack packages
# (from fetch.sh's own output: $CACHE/guest.env is shared with other checkouts)
env_txt=$("$HERE/fetch.sh" --toolstack) || die "Failed to fetch the dom0 kernel and the toolstack: see [fetch] above"
eval "$(grep -E '^(KVER|KMODDIR|TOOLSTACK_DIRS)=' <<<"$env_txt")"
[ -n "${TOOLSTACK_DIRS:-}" ] && [ -d "${KMODDIR:-}" ] ||
	die "Failed to find the toolstack and the dom0 modules in guest/fetch.sh --toolstack's output"

base="$out.base"
"$HERE/mkinitramfs.sh" -s domu-host "${conf[@]+"${conf[@]}"}" -o "$base" >/dev/null ||
	die "Failed to build the dom0 base image (guest/mkinitramfs.sh -s domu-host)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/pinscope-dom0.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/domu" "$stage/lib/modules/dom0" "$stage/usr/lib/xen-4.17/bin" "$stage/etc/xen"
cp "$kernel" "$stage/domu/vmlinuz"
cp "$initrd" "$stage/domu/initrd.cpio.gz"
for m in $DOM0_MODULES; do
	ko=$(find "$KMODDIR/kernel/drivers/xen" -name "$m.ko*" | head -n1)
	if [ -z "$ko" ]; then
		grep -q "/$m.ko" "$KMODDIR/modules.builtin" 2>/dev/null ||
			die "Failed to find module $m of $KVER in $KMODDIR (not built in either)"
		continue
	fi
	case "$ko" in
	*.ko) cp "$ko" "$stage/lib/modules/dom0/$m.ko" ;;
	*.ko.xz) xz -dc "$ko" > "$stage/lib/modules/dom0/$m.ko" ;;
	*.ko.zst) zstd -qdc "$ko" > "$stage/lib/modules/dom0/$m.ko" ;;
	*.ko.gz) gzip -dc "$ko" > "$stage/lib/modules/dom0/$m.ko" ;;
	*) die "Failed to read module $ko: unknown compression" ;;
	esac
done
# every shared library of the packages (symlinks kept), the programs
for d in $TOOLSTACK_DIRS; do
	for sub in lib lib64 usr/lib/x86_64-linux-gnu usr/lib/xen-4.17/lib; do
		[ -d "$d/$sub" ] || continue
		(cd "$d" && find "$sub" \( -name '*.so*' -o -name 'ld-linux*' \) \( -type f -o -type l \) \
			-not -path '*/gconv/*' -not -path '*/audit/*' -print0 | cpio -0pdm --quiet "$stage")
	done
	for t in $TOOLS; do
		[ -x "$d/usr/lib/xen-4.17/bin/$t" ] && cp "$d/usr/lib/xen-4.17/bin/$t" "$stage/usr/lib/xen-4.17/bin/"
	done
done
for t in $TOOLS; do
	[ -x "$stage/usr/lib/xen-4.17/bin/$t" ] || die "Failed to find $t in the toolstack packages"
done

log "packing dom0 image: $(du -sh "$stage" | cut -f1) of toolstack, modules and the domU"
{
	cat "$base"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet | gzip -1)
} > "$out.tmp" || die "Failed to write $out"
mv "$out.tmp" "$out"
echo "$out"
