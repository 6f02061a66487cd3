#!/usr/bin/env bash
# guest/matrix.sh - the support matrix as a test (make test-matrix): pinscope
# live in Xen PV guests on every kernel it supports, one row per kind of boot,
# each checked by guest/check-live.py (live checks, and the replay of the
# tracefs record of the same window agreeing with the live counts).
#
# Usage: guest/matrix.sh [ROW...]   (default: all rows, in this order)
# Run directly, it uses the binaries as built: `make`, `make static` and `make
# guest-fetch` first (`make test-matrix` does), or a row checks a stale host
# pinscope (its replay) against a new guest one.
#   deb61-dom0        Debian 6.1 generic as dom0: fentry run (+ text and
#                     unprivileged runs), kprobe run, a fentry run with
#                     --evidence (clean: no snippet), same boot
#   deb612-dom0       Debian 6.12 generic as dom0: the same
#   deb61-cloud-domu  Debian 6.1 cloud as PV domU (boot.sh --domu): fentry
#   deb612-cloud-domu Debian 6.12 cloud as PV domU: fentry
#   sid72-dom0        Debian sid's 7.2 generic as dom0 (Xen 4.17): auto mode
#                     is kprobe (xen_pin_page is not in 7.2's BTF), + --lean,
#                     and --mode fentry refused naming why
#   sid72-xen420-dom0 the same on trixie's Xen 4.20
#   sid72-cloud-domu  sid's 7.2 cloud kernel as PV domU: the same runs
#   nonpv             Debian 6.1 generic without Xen (boot.sh --no-xen):
#                     pinscope refuses, exit 5, "not a Xen PV guest"
#   patched61-dom0    the patched 6.1 kernel (make kernel) as dom0:
#                     tracepoints (+ fentry run) clean and under the three
#                     faults, and pgd_first, early_unlock in fentry mode and
#                     pgd_first in kprobe mode with --evidence
#                     (kernel/test-live.sh)
#   patched61-ringbuf the patched 6.1 kernel, fault early_unlock, JSON and
#                     text runs with --ringbuf-size 4096: the records lost
#                     are in the verdict (word "lost", JSON lost.ringbuf)
#   patched612-domu   the patched 6.12 kernel (make kernel KVER=6.12) as PV
#                     domU: tracepoints clean and under the three faults
#                     (kernel/test-live.sh --domu); skipped, with the
#                     reason, while kernel/ has no 6.12 series
#   patched72-dom0    the patched 7.2 kernel (make kernel KVER=7.2, sid's
#                     linux-source-7.2) as dom0: tracepoints (+ fentry run)
#                     clean and under the three faults
#   systemd-dom0      pinscope.service under systemd as PID 1: a Debian
#                     rootfs with the .deb (guest/mksystemd.sh) as dom0:
#                     apt install, enable --now, scrape, stop, restart, apt
#                     upgrade while running, apt remove (check-systemd.py)
#   systemd-domu      the same image as PV domU (Debian 6.1 cloud)
#   systemd-nonpv     the same image without Xen: the unit fails once with
#                     exit 5, no restart loop, systemctl status says why
#   systemd-verdict   the same image as dom0 (Debian 6.1): verdict exits end
#                     the unit as succeeded: live --require exact (exit 4,
#                     fentry judges 3 rules approximately), a replay of a
#                     violation through the unit (exit 3); journal and
#                     systemctl status carry the verdict, no restart
#   systemd-fault     the same image as dom0 on the patched 6.1 kernel with
#                     systemd's options (make kernel KERNEL_VARIANT=systemd):
#                     the unit as shipped, live under xen_pin_fault=pgd_first
#                     switched on at run time: exit 3, its VIOLATION lines,
#                     succeeded, no restart, nothing attached after stop;
#                     then with --evidence in the unit's StateDirectory (a
#                     directory per run): its snippets replay to pgd-last
#                     alone, 1-minimal (tests/evidence.sh --live), and a
#                     start with the last run's directory in place runs
#   save-restore-domu pinscope inside a PV domU that dom0 saves and restores
#                     (xl save, xl restore) while it runs: Debian 6.1 generic
#                     (fentry) clean; the patched 6.1 kernel clean and with
#                     pin_all_unlocked, mm-lock-held only (kernel/test-live.sh
#                     --domu save_restore pin_all_unlocked)
# Prints a table (kernel, flavour, role, modes, result, checks, seconds) and
# ends with "matrix: N passed, M failed" (skipped rows are named, never
# counted as passed).  Results in $OUTPUT/guest/matrix/<row>/.
# Environment: OUTPUT, PINSCOPE_CACHE, GUEST_TIMEOUT (per boot, default
# 600), GUEST_BPFTOOL (default auto), MATRIX_WORKLOAD_ARGS (default
# "-n 2 -c 8 -m 128 -f 2 -s 65536", the guest test's), MATRIX_SYSTEMD_SUITE
# (the Debian suite of the systemd rows' rootfs: bookworm, the default, or
# trixie; guest/mksystemd.sh -s).
# Exit codes: 0 no row failed, 1 a row failed, 2 usage error.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
cd "$REPO" || exit 1
OUTPUT=${OUTPUT:-.output}
DIR=$OUTPUT/guest/matrix
HOST_PINSCOPE=$OUTPUT/pinscope
STATIC=$OUTPUT/pinscope.static
WORKLOAD=$OUTPUT/guest/workload
WARGS=${MATRIX_WORKLOAD_ARGS:--n 2 -c 8 -m 128 -f 2 -s 65536}
TIMEOUT=${GUEST_TIMEOUT:-600}
BPFTOOL=${GUEST_BPFTOOL:-auto}
ALL_ROWS="deb61-dom0 deb612-dom0 deb61-cloud-domu deb612-cloud-domu sid72-dom0 sid72-xen420-dom0 sid72-cloud-domu nonpv patched61-dom0 patched61-ringbuf patched612-domu patched72-dom0 systemd-dom0 systemd-domu systemd-nonpv systemd-verdict systemd-fault save-restore-domu"
SYSTEMD_SUITE=${MATRIX_SYSTEMD_SUITE:-bookworm}

log() { echo "[matrix] $*" >&2; }

rows=("$@")
[ ${#rows[@]} -gt 0 ] || read -ra rows <<< "$ALL_ROWS"
for r in "${rows[@]}"; do
	case " $ALL_ROWS " in *" $r "*) ;; *) echo "matrix.sh: unknown row '$r' (have: $ALL_ROWS)" >&2; exit 2 ;; esac
done
for f in "$HOST_PINSCOPE" "$STATIC" "$WORKLOAD"; do
	[ -x "$f" ] || { log "missing $f (make, make static, make $WORKLOAD)"; exit 1; }
done
mkdir -p "$DIR"

# mkinitrd NAME -c ...: a live-scenario image in $DIR/initrd-NAME.cpio.gz
mkinitrd() {
	local name=$1; shift
	OUTPUT=$OUTPUT "$HERE/mkinitramfs.sh" -s live -w "$WORKLOAD" -p "$STATIC" -b "$BPFTOOL" \
		-c WORKLOAD_ARGS="$WARGS" "$@" -o "$DIR/initrd-$name.cpio.gz" >/dev/null
}

# kver PKG [SUITE]: uname -r of Debian's kernel package PKG (fetched if needed)
kver() { "$HERE/fetch.sh" -S "${2:-bookworm}" -K "$1" 2>/dev/null | sed -n 's/^KVER=//p'; }

# checks LOG: "N/M" from check-live.py's "N passed, M failed" lines (summed)
checks() {
	awk '/^[0-9]+ passed, [0-9]+ failed/ {p += $1; f += $3} END {printf "%d/%d", p, p + f}' "$1"
}

# fentry_refused DIR: --mode fentry, impossible on this kernel, exits 1 and says
# what the compiler did instead of blaming the kernel's BTF
fentry_refused() {
	local err rc
	err=$(cat "$1/fentry.live-json-stderr" 2>/dev/null)
	rc=$(cat "$1/fentry.live-json.rc" 2>/dev/null)
	if [ "$rc" = 1 ] && grep -q "fentry: not in the kernel's BTF:.*xen_pin_page" <<<"$err" &&
	   grep -q "the compiler copied it (xen_pin_page\." <<<"$err" && ! grep -q DEBUG_INFO_BTF <<<"$err"; then
		printf 'ok   - --mode fentry refused (exit 1): xen_pin_page not in BTF, its copy named\n1 passed, 0 failed\n'
	else
		printf 'FAIL - --mode fentry refused (exit 1): xen_pin_page not in BTF, its copy named: exit %s: %s\n0 passed, 1 failed\n' \
			"$rc" "$(head -c 300 <<<"$err")"
		return 1
	fi
}

declare -A result nchecks secs
# stock ROW PKG ROLE MODES...: boot Debian's PKG in ROLE (dom0, domu) and check
# the fentry run (+ a kprobe run when MODES has kprobe).  SUITE (the kernel's,
# default bookworm), XEN (boot.sh -X PKG@SUITE) and AUTO (the mode auto picks:
# fentry; kprobe where the compiler took the pinning functions out of BTF,
# then also a --lean run and a --mode fentry run that must be refused) from
# the environment of the call.
stock() {
	local row=$1 pkg=$2 role=$3 out=$DIR/$1 rel img brc ok=1 auto=${AUTO:-fentry}
	local suite=${SUITE:-bookworm} xen=${XEN:-}
	shift 3
	rel=$(kver "$pkg" "$suite")
	[ -n "$rel" ] || { result[$row]="failed: cannot fetch $pkg ($suite)"; return; }
	img=stock
	case " $* " in *" kprobe "*) img=stock-kprobe ;; esac
	[ "$auto" = fentry ] || img=stock-auto-$auto
	# with trace-cmd: the JSON run's window also as trace.dat (tests/twin.sh)
	if [ "$img" = stock-kprobe ]; then
		mkinitrd "$img" -t "${GUEST_TRACECMD:-auto}" \
			-c LIVE_RUNS="json text unpriv json@kprobe json@lean json@evidence" \
			-c PINSCOPE_ARGS_kprobe="--mode kprobe" -c PINSCOPE_ARGS_lean="--lean" \
			-c PINSCOPE_ARGS_evidence="--mode fentry" -c LIVE_EVIDENCE_evidence=1
	elif [ "$auto" != fentry ]; then
		mkinitrd "$img" -t "${GUEST_TRACECMD:-auto}" -c LIVE_RUNS="json text unpriv json@lean json@fentry" \
			-c PINSCOPE_ARGS_lean="--lean" -c PINSCOPE_ARGS_fentry="--mode fentry"
	else
		mkinitrd "$img" -t "${GUEST_TRACECMD:-auto}" -c LIVE_RUNS="json text unpriv"
	fi || { result[$row]="failed: initramfs"; return; }
	local bargs=(-K "$pkg" -S "$suite") refusal=""
	[ -z "$xen" ] || bargs+=(-X "$xen")
	if [ "$role" = domu ]; then
		bargs+=(--domu)
		# a kernel without CONFIG_XEN_DOM0 is refused as dom0, before QEMU
		mkdir -p "$out"
		refusal=$("$HERE/boot.sh" -K "$pkg" -S "$suite" -i "$DIR/initrd-$img.cpio.gz" -o "$out/dom0-refusal" 2>&1 >/dev/null)
		brc=$?
		if [ $brc = 2 ] && grep -q 'cannot boot as dom0 .*--domu' <<<"$refusal"; then
			refusal="ok   - dom0 boot of $rel refused (exit 2), pointing to --domu"
		else
			refusal="FAIL - dom0 boot of $rel refused (exit 2), pointing to --domu: exit $brc: $(tail -n1 <<<"$refusal")"
			ok=0
		fi
		echo "$refusal" >&2
	fi
	"$HERE/boot.sh" "${bargs[@]}" -i "$DIR/initrd-$img.cpio.gz" -o "$out" -t "$TIMEOUT"
	brc=$?
	[ $brc = 0 ] || { result[$row]="failed: boot.sh exit $brc"; return; }
	{
		# counted like check-live.py's lines
		case $refusal in
		ok*) printf '%s\n1 passed, 0 failed\n' "$refusal" ;;
		FAIL*) printf '%s\n0 passed, 1 failed\n' "$refusal" ;;
		esac
		"$HERE/check-live.py" "$out" --pinscope "$HOST_PINSCOPE" --mode "$auto" --expect-release "$rel" || ok=0
		if [ "$auto" != fentry ]; then
			"$HERE/check-live.py" "$out" --pinscope "$HOST_PINSCOPE" --mode "$auto" --run lean \
				--expect-lean || ok=0
			fentry_refused "$out" || ok=0
		fi
		if [ "$img" = stock-kprobe ]; then
			"$HERE/check-live.py" "$out" --pinscope "$HOST_PINSCOPE" --mode kprobe --run kprobe || ok=0
			"$HERE/check-live.py" "$out" --pinscope "$HOST_PINSCOPE" --mode fentry --run lean \
				--expect-lean || ok=0
			# live --evidence on a stock kernel: a clean run, no snippet
			"$HERE/check-live.py" "$out" --pinscope "$HOST_PINSCOPE" --mode fentry \
				--run evidence || ok=0
			"$REPO/tests/evidence.sh" "$HOST_PINSCOPE" --live "$out/evidence.live-evidence" - \
				fentry || ok=0
		fi
		# the text and trace.dat replays of the same window agree
		"$REPO/tests/twin.sh" "$HOST_PINSCOPE" "$out"
		case $? in
		0) echo "1 passed, 0 failed" ;;
		77) ;;	# no trace-cmd on the host: said by twin.sh
		*) echo "0 passed, 1 failed"; ok=0 ;;
		esac
	} > "$out/checks.log" 2>&1
	echo ok=$ok >> "$out/checks.log"
	grep -E '^(FAIL|info - (\[kprobe\] )?live )' "$out/checks.log" >&2
	nchecks[$row]=$(checks "$out/checks.log")
	result[$row]=$([ $ok = 1 ] && echo passed || echo "failed: checks")
}

nonpv() {
	local out=$DIR/nonpv brc ok=1
	mkinitrd nonpv -c LIVE_RUNS="nonpv" -c LIVE_TRACE=0 || { result[nonpv]="failed: initramfs"; return; }
	"$HERE/boot.sh" --no-xen -i "$DIR/initrd-nonpv.cpio.gz" -o "$out" -t "$TIMEOUT"
	brc=$?
	[ $brc = 0 ] || { result[nonpv]="failed: boot.sh exit $brc"; return; }
	"$HERE/check-live.py" "$out" --expect-nonpv > "$out/checks.log" 2>&1 || ok=0
	grep '^FAIL' "$out/checks.log" >&2
	nchecks[nonpv]=$(checks "$out/checks.log")
	result[nonpv]=$([ $ok = 1 ] && echo passed || echo "failed: checks")
}

# patched KVER ROW [--domu]: kernel/test-live.sh on the patched kernel
patched() {
	local kv=$1 row=$2 out=$DIR/$2
	shift 2
	if [ ! -d kernel/patches/"$kv" ]; then
		result[$row]="skipped: no $kv patch series in kernel/ yet (make kernel KVER=$kv)"
		return
	fi
	mkdir -p "$out"
	KVER=$kv OUTPUT=$OUTPUT PINSCOPE_HOST=$HOST_PINSCOPE PINSCOPE_STATIC=$STATIC WORKLOAD=$WORKLOAD \
		WORKLOAD_ARGS="$WARGS" GUEST_TIMEOUT=$TIMEOUT GUEST_BPFTOOL=$BPFTOOL \
		kernel/test-live.sh "$@" > "$out/checks.log" 2>&1
	local rc=$?
	grep -E '^(FAIL|\[test-kernel\] (FAIL|  ))' "$out/checks.log" >&2
	nchecks[$row]=$(checks "$out/checks.log")
	case $rc in
	0) result[$row]=passed ;;
	77) result[$row]="skipped: no static pinscope" ;;
	*) result[$row]="failed: kernel/test-live.sh exit $rc (see $out/checks.log)" ;;
	esac
}

ringbuf() {
	local out=$DIR/patched61-ringbuf env brc ok=1
	if ! env=$(kernel/build.sh --env 2>/dev/null) || ! eval "$(grep -E '^KERNEL_(BZIMAGE|RELEASE)=' <<<"$env")" ||
		[ ! -r "${KERNEL_BZIMAGE:-}" ]; then
		result[patched61-ringbuf]="failed: no patched kernel (kernel/build.sh)"
		return
	fi
	mkinitrd ringbuf -c LIVE_RUNS="json@tinyrb text@tinyrb" -c LIVE_TRACE=0 \
		-c PINSCOPE_ARGS_tinyrb="--mode tracepoints --ringbuf-size 4096" ||
		{ result[patched61-ringbuf]="failed: initramfs"; return; }
	"$HERE/boot.sh" -k "$KERNEL_BZIMAGE" -a xen_pin_fault=early_unlock -i "$DIR/initrd-ringbuf.cpio.gz" \
		-o "$out" -t "$TIMEOUT"
	brc=$?
	[ $brc = 0 ] || { result[patched61-ringbuf]="failed: boot.sh exit $brc"; return; }
	"$HERE/check-live.py" "$out" --run tinyrb --expect-rule unlock-after-flush --expect-ringbuf-loss \
		> "$out/checks.log" 2>&1 || ok=0
	grep '^FAIL' "$out/checks.log" >&2
	nchecks[patched61-ringbuf]=$(checks "$out/checks.log")
	result[patched61-ringbuf]=$([ $ok = 1 ] && echo passed || echo "failed: checks")
}

# systemd ROW BOOT.SH-ARGS...: the systemd image (guest/mksystemd.sh: the .deb
# of the tracked sources, cached; SYSTEMD_SUITE's rootfs) booted with those
# arguments, checked by check-systemd.py (the row's expectation)
systemd() {
	local row=$1 out=$DIR/$1 img=$DIR/initrd-systemd-$SYSTEMD_SUITE.cpio.gz brc ok=1 copt=()
	shift
	OUTPUT=$OUTPUT "$HERE/mksystemd.sh" -s "$SYSTEMD_SUITE" -w "$WORKLOAD" -c WORKLOAD_ARGS="$WARGS" \
		-o "$img" >/dev/null || { result[$row]="failed: image (guest/mksystemd.sh)"; return; }
	"$HERE/boot.sh" "$@" -i "$img" -o "$out" -t "$TIMEOUT"
	brc=$?
	[ $brc = 0 ] || { result[$row]="failed: boot.sh exit $brc"; return; }
	case $row in
	systemd-nonpv) copt=(--expect-nonpv) ;;
	systemd-verdict) copt=(--expect-verdict) ;;
	systemd-fault) copt=(--expect-fault pgd_first) ;;
	esac
	"$HERE/check-systemd.py" "$out" "${copt[@]}" > "$out/checks.log" 2>&1 || ok=0
	# the --evidence run's snippets (the unit's StateDirectory, tarred by
	# guest/systemd/pinscope-systemd-test): each replays to pgd-last alone
	if [ "$row" = systemd-fault ]; then
		"$REPO/tests/evidence.sh" "$HOST_PINSCOPE" --live "$out/evidence-tar" pgd-last \
			>> "$out/checks.log" 2>&1 || ok=0
	fi
	grep '^FAIL' "$out/checks.log" >&2
	nchecks[$row]=$(checks "$out/checks.log")
	result[$row]=$([ $ok = 1 ] && echo passed || echo "failed: checks")
}

# save_restore: the stock domU saved and restored under pinscope (fentry,
# clean), then the patched 6.1 domU's runs of kernel/test-live.sh
save_restore() {
	local row=save-restore-domu out=$DIR/save-restore-domu rel brc ok=1 prc
	rel=$(kver linux-image-amd64)
	[ -n "$rel" ] || { result[$row]="failed: cannot fetch linux-image-amd64"; return; }
	mkinitrd save-restore -c LIVE_RUNS="json@sr" -c SUSPEND_sr=save-restore \
		-c PINSCOPE_DURATION=900 -c TRACE_BUF_KB=32768 || { result[$row]="failed: initramfs"; return; }
	mkdir -p "$out"
	"$HERE/boot.sh" --domu --domu-mem 320 -K linux-image-amd64 -i "$DIR/initrd-save-restore.cpio.gz" \
		-o "$out/stock" -t "$TIMEOUT"
	brc=$?
	{
		if [ $brc = 0 ]; then
			"$HERE/check-live.py" "$out/stock" --pinscope "$HOST_PINSCOPE" --mode fentry --run sr \
				--expect-suspend --expect-mm-lock --expect-release "$rel" || ok=0
		else
			printf 'FAIL - stock domU save/restore boot: boot.sh exit %s\n0 passed, 1 failed\n' "$brc"
			ok=0
		fi
		KVER=6.1 OUTPUT=$OUTPUT PINSCOPE_HOST=$HOST_PINSCOPE PINSCOPE_STATIC=$STATIC WORKLOAD=$WORKLOAD \
			WORKLOAD_ARGS="$WARGS" GUEST_TIMEOUT=$TIMEOUT GUEST_BPFTOOL=$BPFTOOL \
			kernel/test-live.sh --domu save_restore pin_all_unlocked
		prc=$?
		[ $prc = 0 ] || ok=0
	} > "$out/checks.log" 2>&1
	grep -E '^(FAIL|info - \[sr\]|\[test-kernel\] (FAIL|  ))' "$out/checks.log" >&2
	nchecks[$row]=$(checks "$out/checks.log")
	result[$row]=$([ $ok = 1 ] && echo passed || echo "failed: checks")
}

# systemd_fault: the systemd-fault row, on the patched 6.1 kernel built with
# systemd's options (KERNEL_VARIANT=systemd: kernel/pinscope-systemd.config),
# built here or reused from the cache (its own build directory and key)
systemd_fault() {
	local env log=$DIR/systemd-fault.kernel.log
	if ! env=$(KVER=6.1 KERNEL_VARIANT=systemd kernel/build.sh 2>&1 | tee "$log") ||
		! eval "$(grep -E '^KERNEL_BZIMAGE=' <<<"$env")" || [ ! -r "${KERNEL_BZIMAGE:-}" ]; then
		result[systemd-fault]="failed: no patched kernel with systemd's options (KERNEL_VARIANT=systemd kernel/build.sh; log $log)"
		return
	fi
	systemd systemd-fault -k "$KERNEL_BZIMAGE" -a "pinscope_test=fault pinscope_fault=pgd_first"
}

declare -A K=(
	[deb61-dom0]="Debian 6.1|generic|dom0|fentry, kprobe, fentry --lean"
	[deb612-dom0]="Debian 6.12|generic|dom0|fentry, kprobe, fentry --lean"
	[deb61-cloud-domu]="Debian 6.1|cloud|PV domU|fentry"
	[deb612-cloud-domu]="Debian 6.12|cloud|PV domU|fentry"
	[sid72-dom0]="Debian 7.2|generic|dom0|kprobe (auto), --lean; fentry refused"
	[sid72-xen420-dom0]="Debian 7.2|generic|dom0 4.20|kprobe (auto), --lean; fentry refused"
	[sid72-cloud-domu]="Debian 7.2|cloud|PV domU|kprobe (auto), --lean; fentry refused"
	[nonpv]="Debian 6.1|generic|no Xen|refusal"
	[patched61-dom0]="patched 6.1|pinscope|dom0|tracepoints (+fentry), 3 faults"
	[patched61-ringbuf]="patched 6.1|pinscope|dom0|tracepoints, 4 KiB ring buffer"
	[patched612-domu]="patched 6.12|pinscope|PV domU|tracepoints, 3 faults"
	[patched72-dom0]="patched 7.2|pinscope|dom0|tracepoints (+fentry), 3 faults"
	[systemd-dom0]="Debian 6.1|generic|dom0|systemd: the .deb's unit"
	[systemd-domu]="Debian 6.1|cloud|PV domU|systemd: the .deb's unit"
	[systemd-nonpv]="Debian 6.1|generic|no Xen|systemd: exit 5 once"
	[systemd-verdict]="Debian 6.1|generic|dom0|systemd: verdict exits 4, 3"
	[systemd-fault]="patched 6.1|pinscope|dom0|systemd: pgd_first fault, exit 3"
	[save-restore-domu]="Debian 6.1, patched 6.1|generic, pinscope|PV domU|xl save+restore; pin_all_unlocked"
)
t_all=$(date +%s)
for r in "${rows[@]}"; do
	log "row $r: ${K[$r]//|/, }"
	t0=$(date +%s)
	case $r in
	deb61-dom0) stock "$r" linux-image-amd64 dom0 fentry kprobe ;;
	deb612-dom0) stock "$r" linux-image-6.12-amd64 dom0 fentry kprobe ;;
	deb61-cloud-domu) stock "$r" linux-image-cloud-amd64 domu fentry ;;
	deb612-cloud-domu) stock "$r" linux-image-6.12-cloud-amd64 domu fentry ;;
	sid72-dom0) SUITE=sid AUTO=kprobe stock "$r" linux-image-amd64 dom0 kprobe ;;
	sid72-xen420-dom0) SUITE=sid AUTO=kprobe XEN=xen-hypervisor-4.20-amd64@trixie \
		stock "$r" linux-image-amd64 dom0 kprobe ;;
	sid72-cloud-domu) SUITE=sid AUTO=kprobe stock "$r" linux-image-cloud-amd64 domu kprobe ;;
	nonpv) nonpv ;;
	patched61-dom0) patched 6.1 "$r" clean pgd_first early_unlock late_lock pgd_first_fentry \
		early_unlock_fentry pgd_first_kprobe ;;
	patched61-ringbuf) ringbuf ;;
	patched612-domu) patched 6.12 "$r" --domu ;;
	patched72-dom0) patched 7.2 "$r" ;;
	systemd-dom0) systemd "$r" ;;
	systemd-domu) systemd "$r" --domu -K linux-image-cloud-amd64 ;;
	systemd-nonpv) systemd "$r" --no-xen -a pinscope_test=nonpv ;;
	systemd-verdict) systemd "$r" -a pinscope_test=verdict ;;
	systemd-fault) systemd_fault ;;
	save-restore-domu) save_restore ;;
	esac
	secs[$r]=$(( $(date +%s) - t0 ))
	log "row $r: ${result[$r]} (${secs[$r]} s)"
done

npass=0 nfail=0 nskip=0
printf '\n| %-12s | %-8s | %-7s | %-34s | %-8s | %-6s | %5s |\n' kernel flavour role modes result checks s
printf '|%s|%s|%s|%s|%s|%s|%s|\n' -------------- ---------- --------- ------------------------------------ ---------- -------- -------
for r in "${rows[@]}"; do
	IFS='|' read -r k f role modes <<< "${K[$r]}"
	res=${result[$r]:-failed: not run}
	case $res in passed) npass=$((npass + 1)) ;; skipped*) nskip=$((nskip + 1)) ;; *) nfail=$((nfail + 1)) ;; esac
	printf '| %-12s | %-8s | %-7s | %-34s | %-8s | %-6s | %5s |\n' "$k" "$f" "$role" "$modes" "${res%%:*}" \
		"${nchecks[$r]:--}" "${secs[$r]:-}"
done
echo
for r in "${rows[@]}"; do
	case ${result[$r]} in passed) ;; *) echo "$r: ${result[$r]}" ;; esac
done
log "$(( $(date +%s) - t_all )) s in all; results in $DIR/<row>/"
echo "matrix: $npass passed, $nfail failed$([ $nskip = 0 ] || echo " ($nskip skipped)")"
[ $nfail = 0 ]
