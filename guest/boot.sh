#!/usr/bin/env bash
# guest/boot.sh - boot Xen with Debian's kernel (or another one, -k/-K) as PV
# dom0 (or as PV domU, --domu; or without Xen, --no-xen) under QEMU (TCG),
# run the initramfs's scenario, and extract its results from the serial log.
#
# Usage: guest/boot.sh -i INITRD [OPTIONS]
#   -i, --initrd FILE     initramfs from guest/mkinitramfs.sh (required)
#   -k, --kernel FILE     the kernel under test: this image instead of Debian's
#                         (e.g. the patched bzImage of `make kernel`; env
#                         GUEST_KERNEL); it needs no modules: the initramfs
#                         carries none
#   -K, --kernel-pkg PKG  the kernel under test: Debian's package PKG (env
#                         GUEST_KERNEL_PKG; fetched and cached by
#                         guest/fetch.sh -K), e.g. linux-image-6.12-amd64,
#                         linux-image-6.12-cloud-amd64
#   -S, --suite SUITE     the suite of -K's package: bookworm (default), trixie,
#                         sid (env GUEST_SUITE; guest/fetch.sh -S)
#   -X, --xen PKG[@SUITE] the hypervisor: Debian's package PKG of SUITE
#                         (default xen-hypervisor-4.17-amd64@bookworm), e.g.
#                         xen-hypervisor-4.20-amd64@trixie (env GUEST_XEN)
#       --domu            boot Debian's default kernel as dom0 with Xen's
#                         toolstack (guest/mkdom0.sh) and run the kernel under
#                         test as a PV domU (`xl create`) with INITRD; its
#                         console is relayed by dom0 (guest/init/domu-host.sh)
#       --domu-mem MIB    the domU's memory (default 768; dom0 has 1024)
#       --no-xen          boot the kernel under test directly (QEMU -kernel,
#                         no hypervisor; console ttyS0): a plain VM, not a
#                         Xen guest
#   -a, --append ARGS     extra kernel arguments of the kernel under test
#                         (dom0, domU or --no-xen), e.g.
#                         "xen_pin_fault=late_lock" (repeatable; added after
#                         GUEST_KERNEL_ARGS)
#   -o, --outdir DIR      where results go (default: $OUTPUT/guest/results);
#                         emptied first; one file per result section
#   -l, --log FILE        serial log (default: OUTDIR/serial.log)
#   -t, --timeout SECS    hard limit for the whole boot (default 300)
#   -I, --idle SECS       hang detection: no serial output for SECS (default 150)
#   -v, --verbose         also stream the serial console to stderr
#   -h, --help
# Environment: PINSCOPE_CACHE, GUEST_XEN_ARGS / GUEST_KERNEL_ARGS (extra boot
# arguments of Xen / the dom0 kernel), GUEST_KERNEL (as -k), QEMU (binary,
# default qemu-system-x86_64), GUEST_TCG_THREAD (single, the default, or
# multi: one host thread per vCPU; see selftest-textpoke.sh for why not),
# GUEST_HOSTFWD=PORT (an e1000 NIC on QEMU user networking, host
# 127.0.0.1:PORT forwarded to the guest's PORT; the guest is 10.0.2.15/24).
# GUEST_QEMU_CPU (QEMU -cpu, default max), GUEST_QEMU_SMP (QEMU CPUs,
# default 2; 4 with --domu), GUEST_DOMU_VCPUS (--domu: the domU's vCPUs,
# default 2), GUEST_DOMU_CPUS (--domu: the CPUs they may run on, default
# 2-3; empty: any).
#
# A dom0 boot of a kernel without CONFIG_XEN_DOM0 (Debian's cloud kernels) is
# refused (exit 2) before QEMU starts: Xen would panic or hang; use --domu.
# It is read from the kernel's config (the package's, or a config file next
# to a -k image) or else from the image's Xen ELF note (XENFEAT_dom0).
# GUEST_ICOUNT (QEMU -icount option, "1" = shift=1,sleep=off: guest time
# counts instructions, not host time; single-threaded TCG only).
#
# The guest prints results between lines
#   PINSCOPE-BEGIN <name> text|gzip-base64  ...  PINSCOPE-END <name> rc=<n>
# and "PINSCOPE-DONE rc=<n>" at the end; each section becomes OUTDIR/<name>
# (decoded) and OUTDIR/<name>.rc; the list is in OUTDIR/sections.
#
# Exit codes:
#   0  the guest finished its scenario (PINSCOPE-DONE rc=0), results extracted
#   1  host-side error (missing inputs, QEMU could not start, ...)
#   2  usage error
#   3  the guest panicked (Linux or Xen); the tail of the serial log is shown
#   4  the guest hung: hard timeout or no serial output for --idle seconds
#   5  the guest stopped without PINSCOPE-DONE, or a result section is
#      incomplete or cannot be decoded
#   6  the guest finished but its scenario reported failure (DONE rc!=0);
#      results are still extracted
# QEMU is always stopped when this script ends, whatever the reason.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
CACHE=${PINSCOPE_CACHE:-$HOME/.cache/pinscope}
OUTPUT=${OUTPUT:-$REPO/.output}
case "$OUTPUT" in /*) ;; *) OUTPUT="$REPO/$OUTPUT" ;; esac
QEMU=${QEMU:-qemu-system-x86_64}
TAIL_LINES=40

log() { echo "[boot] $*" >&2; }
die() { echo "[boot] $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

initrd="" outdir="" serial="" timeout_s=300 idle_s=150 verbose=0
kernel=${GUEST_KERNEL:-} kpkg=${GUEST_KERNEL_PKG:-} extra_args=${GUEST_KERNEL_ARGS:-} _a=""
ksuite=${GUEST_SUITE:-bookworm} xenspec=${GUEST_XEN:-}
role=dom0 domu_mem=768
# val VAR OPTION VALUE...: VAR=VALUE; a missing value is a usage error (exit 2)
val() {
	if [ $# -lt 3 ] || [ -z "$3" ]; then
		echo "boot.sh: option '$2' needs a value" >&2; usage >&2; exit 2
	fi
	printf -v "$1" '%s' "$3"
}
while [ $# -gt 0 ]; do
	case "$1" in
	-i|--initrd) val initrd "$@"; shift 2 ;;
	-k|--kernel) val kernel "$@"; shift 2 ;;
	-K|--kernel-pkg) val kpkg "$@"; shift 2 ;;
	-S|--suite) val ksuite "$@"; shift 2 ;;
	-X|--xen) val xenspec "$@"; shift 2 ;;
	--domu) role=domu; shift ;;
	--domu-mem) val domu_mem "$@"; shift 2 ;;
	--no-xen) role=noxen; shift ;;
	-a|--append) val _a "$@"; extra_args="${extra_args:+$extra_args }$_a"; shift 2 ;;
	-o|--outdir) val outdir "$@"; shift 2 ;;
	-l|--log) val serial "$@"; shift 2 ;;
	-t|--timeout) val timeout_s "$@"; shift 2 ;;
	-I|--idle) val idle_s "$@"; shift 2 ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "boot.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[ -n "$initrd" ] || { echo "boot.sh: --initrd is required" >&2; usage >&2; exit 2; }
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || { echo "boot.sh: bad --timeout '$timeout_s'" >&2; exit 2; }
[[ "$idle_s" =~ ^[1-9][0-9]*$ ]] || { echo "boot.sh: bad --idle '$idle_s'" >&2; exit 2; }
[[ "$domu_mem" =~ ^[1-9][0-9]*$ ]] || { echo "boot.sh: bad --domu-mem '$domu_mem'" >&2; exit 2; }
[ -z "$kernel" ] || [ -z "$kpkg" ] || { echo "boot.sh: -k and -K exclude each other" >&2; exit 2; }
[ -r "$initrd" ] || die "Failed to read the initramfs $initrd: no such file (build it with guest/mkinitramfs.sh)"

if ! command -v "$QEMU" >/dev/null; then
	[ "$(id -u)" = 0 ] || die "Failed to find $QEMU: install qemu-system-x86 (needs root)"
	log "installing qemu-system-x86"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-x86; } >&2 \
		|| die "Failed to install qemu-system-x86: apt-get failed"
fi
if [ ! -r "$CACHE/guest.env" ]; then
	"$HERE/fetch.sh" >/dev/null || die "Failed to fetch the guest packages: see [fetch] messages above"
fi
# shellcheck disable=SC1091
. "$CACHE/guest.env"
# another hypervisor (-X): its ELF from fetch.sh, the dom0 of --domu unchanged
fetch_xen=()
if [ -n "$xenspec" ]; then
	fetch_xen=(-X "${xenspec%@*}")
	case "$xenspec" in *@*) fetch_xen+=(--xen-suite "${xenspec#*@}") ;; esac
	xenv=$("$HERE/fetch.sh" "${fetch_xen[@]}") || die "Failed to fetch the hypervisor $xenspec: see [fetch] messages above"
	XEN_ELF=$(sed -n 's/^XEN_ELF=//p' <<<"$xenv")
	XEN_VERSION=$(sed -n 's/^XEN_VERSION=//p' <<<"$xenv")
fi
[ -r "${XEN_ELF:-}" ] || die "Failed to find the Xen ELF ${XEN_ELF:-unset}: run guest/fetch.sh"
DOM0_VMLINUZ=$VMLINUZ DOM0_KVER=$KVER
if [ -n "$kpkg" ]; then
	kenv=$("$HERE/fetch.sh" -S "$ksuite" -K "$kpkg") || die "Failed to fetch the kernel package $kpkg ($ksuite): see [fetch] messages above"
	VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$kenv")
	KVER=$(sed -n 's/^KVER=//p' <<<"$kenv")
	KCONFIG=$(sed -n 's/^KCONFIG=//p' <<<"$kenv")
	KDOM0=$(sed -n 's/^KDOM0=//p' <<<"$kenv")
elif [ -n "$kernel" ]; then
	[ -r "$kernel" ] || die "Failed to read the kernel image $kernel: no such file (build it with 'make kernel')"
	VMLINUZ=$kernel
	# "Linux kernel x86 boot executable bzImage, version 6.1.192-pinscope (...) ..."
	KVER=$(file -bL "$kernel" 2>/dev/null | sed -n 's/.*, version \([^ ]*\).*/\1/p')
	KVER="${KVER:-$(basename "$kernel")} ($kernel)"
	KCONFIG="" KDOM0=""
	for c in "$(dirname "$kernel")/config" "$(dirname "$kernel")/.config"; do
		[ -r "$c" ] && { KCONFIG=$c; break; }
	done
fi
[ -r "${VMLINUZ:-}" ] || die "Failed to find the kernel ${VMLINUZ:-unset}: run guest/fetch.sh"

# xen_note_dom0 IMAGE: y/n from the Xen ELF note SUPPORTED_FEATURES (type
# 0x11) of the vmlinux inside a bzImage (bit 11, XENFEAT_dom0, is what Xen
# checks: "Kernel does not support Dom0 operation"); empty if unreadable
xen_note_dom0() {
	local img=$1 tmp magic off feat
	command -v readelf >/dev/null || return 0
	tmp=$(mktemp)
	for magic in '\xfd7zXZ:xz -dc' '\x28\xb5\x2f\xfd:zstd -qdc' '\x1f\x8b\x08:gzip -dc'; do
		off=$(LC_ALL=C grep -abo "$(printf "${magic%%:*}")" "$img" 2>/dev/null | head -n1 | cut -d: -f1)
		[ -n "$off" ] || continue
		tail -c +$((off + 1)) "$img" | ${magic#*:} > "$tmp" 2>/dev/null
		readelf -h "$tmp" >/dev/null 2>&1 && break
	done
	feat=$(readelf -n "$tmp" 2>/dev/null | grep -A1 'Unknown note type: (0x00000011)' |
		sed -n 's/.*description data: \([0-9a-f][0-9a-f]\) \([0-9a-f][0-9a-f]\).*/0x\2\1/p' | head -n1)
	rm -f "$tmp"
	[ -n "$feat" ] || return 0
	if (( feat & (1 << 11) )); then echo y; else echo n; fi
}
if [ "$role" = dom0 ]; then
	if [ -z "${KDOM0:-}" ] && [ -n "${KCONFIG:-}" ] && [ -r "$KCONFIG" ]; then
		KDOM0=n; grep -q '^CONFIG_XEN_DOM0=y' "$KCONFIG" && KDOM0=y
	fi
	[ -n "${KDOM0:-}" ] || KDOM0=$(xen_note_dom0 "$VMLINUZ")
	if [ "$KDOM0" = n ]; then
		echo "boot.sh: kernel $KVER cannot boot as dom0 (no CONFIG_XEN_DOM0${KCONFIG:+ in $KCONFIG}; Xen would refuse it): run it as a PV domU with --domu" >&2
		exit 2
	fi
	[ -n "$KDOM0" ] || log "warning: cannot tell whether $KVER supports dom0 (no config, no readable Xen ELF note)"
fi

[ -n "$outdir" ] || outdir="$OUTPUT/guest/results"
mkdir -p "$outdir" || die "Failed to create $outdir"
# remove only what an earlier run of this script left there
if [ -r "$outdir/sections" ]; then
	while read -r sct; do
		case "$sct" in ''|*/*|.*) continue ;; esac
		rm -f "$outdir/$sct" "$outdir/$sct.rc" "$outdir/$sct.b64"
	done < "$outdir/sections"
fi
rm -f "$outdir/sections" "$outdir/guest.rc" "$outdir/serial.log"
[ -n "$serial" ] || serial="$outdir/serial.log"
: > "$serial" || die "Failed to write the serial log $serial"

# Single-threaded TCG by default: with one host thread per vCPU (multi), the
# guest hangs while kernel text is patched under load (tracefs events, BPF
# trampolines, kprobes: guest/init/selftest-textpoke.sh reproduces it in a
# few rounds); single-threaded it does not, and costs little on 2 host cores
# (the live test's guest: 45 s against 41-43 s)
tcg_thread=${GUEST_TCG_THREAD:-single}
case "$tcg_thread" in single|multi) ;; *) die "GUEST_TCG_THREAD must be single or multi, not '$tcg_thread'" ;; esac
# icount: guest clocks advance with instructions executed, immune to host load
icount=${GUEST_ICOUNT:-}
[ "$icount" = 1 ] && icount="shift=1,sleep=off"
[ -z "$icount" ] || [ "$tcg_thread" = single ] || die "GUEST_ICOUNT needs GUEST_TCG_THREAD=single: QEMU's icount is single-threaded"

# QEMU splits -initrd at commas: double them in paths
qesc() { printf '%s' "${1//,/,,}"; }
xen_args="console=com1 com1=115200,8n1 dom0=pv dom0_mem=1024M,max:1024M dom0_max_vcpus=2 noreboot smap=0 ${GUEST_XEN_ARGS:-}"
linux_args="console=hvc0 earlyprintk=xen rdinit=/init"
dom0_initrd=$initrd
qemu_smp=${GUEST_QEMU_SMP:-2}
net=()
if [ -n "${GUEST_HOSTFWD:-}" ]; then
	[[ "$GUEST_HOSTFWD" =~ ^[1-9][0-9]*$ ]] || die "GUEST_HOSTFWD must be a port number, not '$GUEST_HOSTFWD'"
	net=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$GUEST_HOSTFWD-:$GUEST_HOSTFWD" -device e1000,netdev=n0)
fi
case "$role" in
dom0)
	linux_args+="${extra_args:+ $extra_args}"
	what="Xen $XEN_VERSION, dom0 Linux $KVER${extra_args:+ [$extra_args]}" ;;
domu)
	# dom0 is Debian's default kernel with the toolstack; the kernel under
	# test and INITRD go into its image
	mkdir -p "$OUTPUT/guest" || die "Failed to create $OUTPUT/guest"
	# Each domain on its own CPUs: 4 QEMU CPUs, dom0's 2 vCPUs pinned to
	# CPUs 0-1, the domU's to 2-3.  When vCPUs of dom0 and the domU share a
	# CPU, user processes under TCG crash now and then at startup with a
	# wrong thread pointer (docs/kernels.md, "The workload's segfault")
	# dom0: the kernel whose modules mkdom0.sh takes (fetch.sh's output, not
	# the shared guest.env another checkout may rewrite meanwhile)
	dom0_env=$("$HERE/fetch.sh" --toolstack) || die "Failed to fetch the dom0 kernel and the toolstack: see [fetch] above"
	DOM0_VMLINUZ=$(sed -n 's/^VMLINUZ=//p' <<<"$dom0_env")
	DOM0_KVER=$(sed -n 's/^KVER=//p' <<<"$dom0_env")
	qemu_smp=${GUEST_QEMU_SMP:-4}
	xen_args+=" dom0_vcpus_pin"
	dom0_initrd=$(mktemp "$OUTPUT/guest/dom0-initrd.XXXXXX")
	OUTPUT=$OUTPUT "$HERE/mkdom0.sh" -k "$VMLINUZ" -i "$initrd" -o "$dom0_initrd" \
		-c DOMU_MEM="$domu_mem" -c DOMU_VCPUS="${GUEST_DOMU_VCPUS:-2}" -c DOMU_CPUS="${GUEST_DOMU_CPUS-2-3}" -c DOMU_ARGS="$extra_args" >/dev/null ||
		{ rm -f "$dom0_initrd" "$dom0_initrd.base"; die "Failed to build the dom0 image (guest/mkdom0.sh)"; }
	what="Xen $XEN_VERSION, dom0 Linux $DOM0_KVER, PV domU Linux $KVER ($domu_mem MiB)${extra_args:+ [$extra_args]}"
	VMLINUZ=$DOM0_VMLINUZ ;;
noxen)
	what="no Xen: Linux $KVER${extra_args:+ [$extra_args]}" ;;
esac
modules="$(qesc "$VMLINUZ") $(qesc "$linux_args"),$(qesc "$dom0_initrd")"
if [ "$role" = noxen ]; then
	boot=(-kernel "$VMLINUZ" -append "console=ttyS0 rdinit=/init${extra_args:+ $extra_args}" -initrd "$initrd")
else
	boot=(-kernel "$XEN_ELF" -append "$xen_args" -initrd "$modules")
fi

qpid="" tpid=""
cleanup() {
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		kill -TERM "$qpid" 2>/dev/null || true
		for _ in 1 2 3 4 5; do kill -0 "$qpid" 2>/dev/null || break; sleep 1; done
		kill -KILL "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
	fi
	if [ -n "$tpid" ]; then kill "$tpid" 2>/dev/null || true; wait "$tpid" 2>/dev/null || true; fi
	[ "$dom0_initrd" = "$initrd" ] || rm -f "$dom0_initrd" "$dom0_initrd.base" "$dom0_initrd.base.key"
}
trap cleanup EXIT
trap 'log "interrupted: stopping QEMU"; exit 1' INT TERM HUP

log "starting QEMU (TCG $tcg_thread-threaded${icount:+, icount $icount}, $qemu_smp CPUs): $what, $(basename "$initrd"); timeout ${timeout_s}s"
start=$(date +%s)
# timeout(1) is the hard limit even if this script is killed with -9
timeout -k 10 "$timeout_s" "$QEMU" -accel tcg,thread="$tcg_thread" ${icount:+-icount "$icount"} -cpu "${GUEST_QEMU_CPU:-max}" -m 2048 -smp "$qemu_smp" \
	-machine q35 -nographic -monitor none -serial stdio -no-reboot ${net[@]+"${net[@]}"} \
	"${boot[@]}" \
	</dev/null >"$serial" 2>&1 &
qpid=$!
if [ "$verbose" = 1 ]; then
	tail -n +1 -F "$serial" 2>/dev/null | tr -d '\r' >&2 &
	tpid=$!
fi

# --- watch the log: progress, panic, hang ---
panic_re='Kernel panic - not syncing|\(XEN\) Panic on CPU|\(XEN\) \*\*\*\* |Attempted to kill init|BUG: unable to handle|general protection fault:'
seen_xen=0 seen_linux=0 seen_init=0 nstage=0 nsect=0 verdict="" last_size=0 last_change=$start
while kill -0 "$qpid" 2>/dev/null; do
	sleep 1
	now=$(date +%s)
	size=$(stat -c %s "$serial" 2>/dev/null || echo 0)
	if [ "$size" != "$last_size" ]; then last_size=$size; last_change=$now; fi
	if [ "$seen_xen" = 0 ] && grep -q '(XEN) Xen version' "$serial"; then
		seen_xen=1; log "Xen is up ($((now - start))s)"
	fi
	if [ "$seen_linux" = 0 ] && grep -q 'Linux version' "$serial"; then
		seen_linux=1; log "$([ "$role" = noxen ] || echo "dom0 ")kernel is booting ($((now - start))s)"
	fi
	if [ "$seen_init" = 0 ] && grep -q '^PINSCOPE-STAGE init started' "$serial"; then
		seen_init=1; log "guest init is running ($((now - start))s)"
	fi
	# guest progress lines and finished sections, as they come
	mapfile -t stages < <(tr -d '\r' < "$serial" | grep -a '^PINSCOPE-STAGE ' || true)
	while [ "$nstage" -lt "${#stages[@]}" ]; do
		s=${stages[$nstage]#PINSCOPE-STAGE }
		# "word: text" from the guest shows as "[word] text" (stages trace, ...)
		if [[ "$s" =~ ^([a-z]+):\ (.*)$ ]]; then
			echo "[${BASH_REMATCH[1]}] ${BASH_REMATCH[2]}" >&2
		else
			case "$s" in "init started"*) ;; *) log "guest: $s" ;; esac
		fi
		nstage=$((nstage + 1))
	done
	mapfile -t sects < <(tr -d '\r' < "$serial" | grep -a '^PINSCOPE-END ' || true)
	while [ "$nsect" -lt "${#sects[@]}" ]; do
		log "received ${sects[$nsect]#PINSCOPE-END }"
		nsect=$((nsect + 1))
	done
	if grep -aEq "$panic_re" "$serial"; then
		sleep 3	# let the rest of the oops reach the log
		verdict=panic; break
	fi
	if [ $((now - last_change)) -ge "$idle_s" ]; then
		verdict=idle; break
	fi
done
if [ -z "$verdict" ]; then
	rc=0; wait "$qpid" || rc=$?
	qpid=""
	[ "$rc" = 124 ] || [ "$rc" = 137 ] && verdict=timeout
	[ -z "$verdict" ] && [ "$rc" != 0 ] && verdict="qemu-rc-$rc"
	# a panic can also end QEMU by itself
	grep -aEq "$panic_re" "$serial" && verdict=panic
fi
cleanup; qpid=""
elapsed=$(( $(date +%s) - start ))
tr -d '\r' < "$serial" > "$serial.tmp" && mv "$serial.tmp" "$serial"

show_tail() {
	echo "[boot] ---- last $TAIL_LINES lines of the serial log ($serial) ----" >&2
	tail -n "$TAIL_LINES" "$serial" | grep -av '^[A-Za-z0-9+/=]\{60,\}$' >&2 || true
	echo "[boot] ---- end of serial log ----" >&2
}

case "$verdict" in
panic)
	log "Failed to run the guest: it panicked after ${elapsed}s: $(grep -aEm1 "$panic_re" "$serial")"
	show_tail; exit 3 ;;
timeout)
	log "Failed to run the guest: no end after ${timeout_s}s (hard timeout): hung or too slow"
	show_tail; exit 4 ;;
idle)
	log "Failed to run the guest: no serial output for ${idle_s}s after ${elapsed}s: hung"
	show_tail; exit 4 ;;
qemu-rc-*)
	log "Failed to run QEMU: it exited with ${verdict#qemu-rc-} after ${elapsed}s"
	show_tail; exit 1 ;;
esac

# --- extract result sections ---
if ! awk -v dir="$outdir" '
	BEGIN { inside = 0; bad = 0 }
	/^PINSCOPE-BEGIN / {
		if (inside) { print "section " name " not closed" > "/dev/stderr"; bad = 1; close(file) }
		name = $2; enc = $3; inside = 1
		if (name !~ /^[A-Za-z0-9._-]+$/) { print "bad section name " name > "/dev/stderr"; bad = 1; inside = 0; next }
		file = dir "/" name (enc == "gzip-base64" ? ".b64" : "")
		printf "" > file
		print name >> (dir "/sections")
		next
	}
	/^PINSCOPE-END / {
		if (!inside || $2 != name) { print "stray end marker: " $0 > "/dev/stderr"; bad = 1; next }
		close(file); rc = $3; sub(/^rc=/, "", rc)
		print rc > (dir "/" name ".rc"); close(dir "/" name ".rc")
		inside = 0; next
	}
	inside {
		# Xen may slip its own lines into dom0 output, also at the end of
		# a dom0 line before its newline (Xen 4.20: "(XEN) uart interrupt
		# taking more than 4ms, switched to polling"); never pinscope text
		if (sub(/\(XEN\) .*$/, "") && $0 == "") next
		if (enc == "gzip-base64" && $0 !~ /^[A-Za-z0-9+\/=]*$/) next
		print > file
	}
	END { if (inside) { print "section " name " not closed (output cut off)" > "/dev/stderr"; bad = 1 } exit bad }
' "$serial"; then
	log "Failed to extract the results: a section is incomplete (see above)"
	show_tail; exit 5
fi
for b in "$outdir"/*.b64; do
	[ -e "$b" ] || continue
	f=${b%.b64}
	if ! base64 -d < "$b" | gzip -dc > "$f" 2>/dev/null; then
		log "Failed to decode result section $(basename "$f"): corrupt base64/gzip payload"
		exit 5
	fi
	rm -f "$b"
done

if ! grep -aq '^PINSCOPE-DONE ' "$serial"; then
	log "Failed to run the guest scenario: the guest stopped after ${elapsed}s without PINSCOPE-DONE"
	show_tail; exit 5
fi
done_rc=$(grep -a '^PINSCOPE-DONE ' "$serial" | tail -n1 | sed 's/.*rc=//')
echo "$done_rc" > "$outdir/guest.rc"
nres=$(wc -l < "$outdir/sections" 2>/dev/null || echo 0)
log "guest finished in ${elapsed}s: $nres result sections in $outdir, scenario rc=$done_rc"
[ "$done_rc" = 0 ] || { log "the guest scenario reported failure (rc=$done_rc)"; exit 6; }
exit 0
