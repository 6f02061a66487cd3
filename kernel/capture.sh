#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/capture.sh: boot the patched kernel (kernel/build.sh) as Xen PV dom0
# under QEMU, check that the pinning tracepoints exist, trace all xen events
# during a small fork/exec workload, and save the trace.
#
# Usage: kernel/capture.sh [-f MODE] [-o FILE] [-n FORKS] [-b MIB] [-t SECS]
#   -f MODE   xen_pin_fault= mode on the dom0 command line
#             (pgd_first, early_unlock, late_lock; default: none = clean)
#   -o FILE   where the trace goes (default: ./patched-6.1-<mode>.trace)
#   -n FORKS  fork+exec rounds per workload process (default 2)
#   -b MIB    size of the mapping of the "big" workload step (default 64)
#   -k N      fork+exec rounds of the "big" step (default 1)
#   -t SECS   hard limit for the boot (default 600)
#   -l FILE   serial log (default: <cache>/kernel/logs/capture-<mode>.log)
#   -F FILE   also save the format files of the new events there
#
# Workload (with every event in events/xen enabled): two processes doing
# FORKS fork+exec rounds concurrently (one per vCPU), then one process that
# maps MIB MiB touched once per 2 MiB (MIB/2 PTE pages, more than a multicall
# batch holds) and forks+execs N times.
#
# Environment: PINSCOPE_CACHE, XEN_ELF (use this Xen ELF instead of fetching
# xen-hypervisor-4.17-amd64), QEMU (default qemu-system-x86_64).
# Exit codes: 0 trace saved, 1 failure (tail of the serial log shown).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}/kernel
QEMU=${QEMU:-qemu-system-x86_64}
XEN_PKG=xen-hypervisor-4.17-amd64
EVENTS="xen_mmu_pte_lock xen_mmu_pte_unlock xen_mmu_pin_page xen_mmu_unpin_page xen_mmu_do_pin"

mode=none out="" forks=2 bigmib=64 bigforks=1 timeout_s=600 serial="" formats=""
while getopts "f:o:n:b:k:t:l:F:h" opt; do
	case $opt in
	f) mode=$OPTARG ;;
	o) out=$OPTARG ;;
	n) forks=$OPTARG ;;
	b) bigmib=$OPTARG ;;
	k) bigforks=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	l) serial=$OPTARG ;;
	F) formats=$OPTARG ;;
	h) sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
serial=${serial:-$CACHE/logs/capture-$label.log}

log() { echo "[kernel] $*"; }
die() { echo "[kernel] ERROR: $*" >&2; exit 1; }

need_pkg() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

# The kernel: build or reuse.
eval "$("$HERE/build.sh" | grep '^KERNEL_')"
[ -f "$KERNEL_BZIMAGE" ] || die "no bzImage from kernel/build.sh"

need_pkg qemu-system-x86 busybox-static gcc libc6-dev cpio

# Xen: Debian's hypervisor ELF, unpacked without installing it.
if [ -z "${XEN_ELF:-}" ]; then
	xver=$(apt-cache policy "$XEN_PKG" | awk '/Candidate:/ {print $2}')
	[ -n "$xver" ] && [ "$xver" != "(none)" ] || die "no candidate for $XEN_PKG"
	xdir=$CACHE/xen-$xver
	if [ ! -f "$xdir/xen" ]; then
		log "fetching $XEN_PKG $xver"
		rm -rf "$xdir.tmp" && mkdir -p "$xdir.tmp"
		(cd "$xdir.tmp" && apt-get download -q "$XEN_PKG=$xver" >/dev/null 2>&1) ||
			die "apt-get download $XEN_PKG failed"
		dpkg -x "$xdir.tmp"/*.deb "$xdir.tmp/root"
		gunzip -c "$xdir.tmp"/root/boot/xen-4.17-amd64.gz > "$xdir.tmp/xen"
		echo "$xver" > "$xdir.tmp/version"
		rm -rf "$xdir.tmp/root" "$xdir.tmp"/*.deb "$xdir"
		mv "$xdir.tmp" "$xdir"
	fi
	XEN_ELF=$xdir/xen
	XEN_VERSION=$xver
fi
XEN_VERSION=${XEN_VERSION:-unknown}

# The initramfs: busybox, the workload, /init.
work=$(mktemp -d /tmp/pinscope-capture.XXXXXX)
qpid=""
cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$root/bin/busybox"
gcc -static -O2 -o "$root/bin/capture-workload" "$HERE/capture-workload.c"
mknod "$root/dev/console" c 5 1
cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing
T=/sys/kernel/tracing
say() { echo "PINSCOPE-K \$*"; }
say uname \$(uname -r) \$(uname -v)
say hypervisor \$(cat /sys/hypervisor/type 2>/dev/null)
say cmdline \$(cat /proc/cmdline)
dmesg | grep -i 'xen_pin_fault' | sed 's/^/PINSCOPE-K dmesg /'
ok=1
for e in $EVENTS; do
	if [ -f \$T/events/xen/\$e/format ]; then say event \$e ok
	else say event \$e MISSING; ok=0; fi
done
say formats-begin
for e in $EVENTS; do cat \$T/events/xen/\$e/format; done
say formats-end
echo 8192 > \$T/buffer_size_kb
echo > \$T/trace
echo 1 > \$T/events/xen/enable
echo 1 > \$T/tracing_on
/bin/capture-workload forks $forks &
/bin/capture-workload forks $forks
wait
/bin/capture-workload big $bigmib $bigforks
echo 0 > \$T/tracing_on
echo 0 > \$T/events/xen/enable
for c in \$T/per_cpu/cpu*; do say stats \${c##*/} \$(tr '\n' ' ' < \$c/stats); done
cat \$T/trace > /tmp/trace
say trace-lines \$(wc -l < /tmp/trace) md5 \$(md5sum < /tmp/trace)
say trace-begin
gzip -9 -c /tmp/trace | base64
say trace-end
say sample-begin
grep -m 12 -E 'xen_mmu_(pte_lock|pin_page|do_pin|pte_unlock)' /tmp/trace
say sample-end
say done ok=\$ok
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$work/initrd.cpio.gz"

kargs="console=hvc0 earlyprintk=xen rdinit=/init"
[ "$mode" != none ] && kargs="$kargs xen_pin_fault=$mode"
log "booting $(basename "$KERNEL_DIR") ($KERNEL_RELEASE) on Xen $XEN_VERSION, mode $label (timeout ${timeout_s}s, log $serial)"
mkdir -p "$(dirname "$out")" "$(dirname "$serial")"
t0=$(date +%s)
set +e
timeout --kill-after=10 "$timeout_s" "$QEMU" -accel tcg,thread=multi -cpu max \
	-m 2048 -smp 2 -machine q35 -nographic -monitor none -serial stdio \
	-no-reboot -kernel "$XEN_ELF" \
	-append "console=com1 com1=115200,8n1 dom0=pv dom0_mem=1024M,max:1024M dom0_max_vcpus=2 noreboot smap=0" \
	-initrd "$KERNEL_BZIMAGE $kargs,$work/initrd.cpio.gz" \
	</dev/null >"$serial" 2>&1
rc=$?
set -e
t1=$(date +%s)
tr -d '\r' < "$serial" > "$work/serial"
if ! grep -q "^PINSCOPE-K done ok=1" "$work/serial"; then
	tail -n 40 "$work/serial" >&2
	die "guest did not finish (qemu exit $rc after $((t1 - t0)) s; log: $serial)"
fi
log "guest finished in $((t1 - t0)) s (qemu exit $rc)"
grep -E "^PINSCOPE-K (uname|dmesg|event|stats)" "$work/serial" | sed 's/^PINSCOPE-K /[kernel]   /'

sed -n '/^PINSCOPE-K trace-begin/,/^PINSCOPE-K trace-end/p' "$work/serial" |
	sed '1d;$d' | base64 -d | gunzip > "$work/trace" ||
	die "cannot decode the trace from the serial log"
want=$(sed -n 's/^PINSCOPE-K trace-lines .* md5 \([0-9a-f]*\).*/\1/p' "$work/serial")
got=$(md5sum < "$work/trace" | cut -d' ' -f1)
[ "$want" = "$got" ] || die "trace checksum mismatch ($got != $want)"
mv "$work/trace" "$out"
if [ -n "$formats" ]; then
	sed -n '/^PINSCOPE-K formats-begin/,/^PINSCOPE-K formats-end/p' "$work/serial" |
		sed '1d;$d' > "$formats"
fi
log "trace: $out ($(wc -l < "$out") lines, $(stat -c %s "$out") bytes)"
for e in $EVENTS xen_mc_callback xen_mc_flush xen_mmu_pgd_pin xen_mmu_pgd_unpin; do
	printf '[kernel]   %-20s %6d\n' "$e" "$(grep -c " $e: " "$out" || true)"
done
