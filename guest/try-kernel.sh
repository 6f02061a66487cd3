#!/usr/bin/env bash
# guest/try-kernel.sh - "does pinscope work on my kernel?" (make try-kernel):
# boots Debian's kernel package PKG of SUITE under QEMU as Xen PV dom0 or
# domU, runs pinscope with the stock scenario (guest/init/live.sh: auto mode,
# then --mode fentry, --mode kprobe and --lean, each while the workload pins
# and unpins page tables on both vCPUs) and judges each run.
#
# Usage: guest/try-kernel.sh PKG [SUITE] [ROLE]
#   PKG    a Debian kernel package, concrete or meta (linux-image-amd64,
#          linux-image-7.2.13+deb14-cloud-amd64, ...)
#   SUITE  bookworm (default), trixie or sid (guest/fetch.sh -S)
#   ROLE   dom0 (default) or domu (guest/boot.sh --domu)
# A mode the kernel does not allow (pinscope refuses it with exit 1 and says
# why: a function missing from BTF, inlined or copied by the compiler) is
# reported as such, not as a failure.  Every mode that attaches must give a
# clean verdict on the clean workload: exit 0, no violation, no rule unseen,
# visibility proven at attach, PGD pages = 2 x operations, and the replay of
# the tracefs record of its window must agree (guest/check-live.py).
# Each run's JSON report goes to $OUTPUT/kernel/PKG/<run>.json, the boot's
# results to $OUTPUT/kernel/PKG/boot/.  Ends with "kernel PKG: passed" or
# "kernel PKG: failed: <why>".
# Exit codes: 0 passed, 1 failed, 2 usage error.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
cd "$REPO" || exit 1
OUTPUT=${OUTPUT:-.output}
pkg=${1:-} suite=${2:-bookworm} role=${3:-dom0}
case "$pkg" in linux-image-*) ;; *) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;; esac
case "$role" in dom0|domu) ;; *) echo "try-kernel: ROLE must be dom0 or domu, not '$role'" >&2; exit 2 ;; esac
out=$OUTPUT/kernel/$pkg
fail() { echo "kernel $pkg: failed: $*"; exit 1; }
for f in "$OUTPUT/pinscope" "$OUTPUT/pinscope.static" "$OUTPUT/guest/workload"; do
	[ -x "$f" ] || fail "missing $f (make, make static, make $OUTPUT/guest/workload)"
done
rel=$("$HERE/fetch.sh" -S "$suite" -K "$pkg" | sed -n 's/^KVER=//p') || fail "cannot fetch $pkg from $suite (see [fetch] above)"
[ -n "$rel" ] || fail "cannot fetch $pkg from $suite (see [fetch] above)"
mkdir -p "$out"
runs="json text json@fentry json@kprobe json@lean"
OUTPUT=$OUTPUT "$HERE/mkinitramfs.sh" -s live -w "$OUTPUT/guest/workload" -p "$OUTPUT/pinscope.static" \
	-t "${GUEST_TRACECMD:-auto}" -c LIVE_RUNS="$runs" -c PINSCOPE_ARGS_fentry="--mode fentry" \
	-c PINSCOPE_ARGS_kprobe="--mode kprobe" -c PINSCOPE_ARGS_lean="--lean" \
	-c WORKLOAD_ARGS="${MATRIX_WORKLOAD_ARGS:--n 2 -c 8 -m 128 -f 2 -s 65536}" \
	-o "$out/initrd.cpio.gz" >/dev/null || fail "initramfs (guest/mkinitramfs.sh)"
bargs=(-S "$suite" -K "$pkg" -i "$out/initrd.cpio.gz" -o "$out/boot" -t "${GUEST_TIMEOUT:-600}")
[ "$role" = dom0 ] || bargs+=(--domu)
"$HERE/boot.sh" "${bargs[@]}" || fail "the boot (guest/boot.sh exit $?; serial log $out/boot/serial.log)"

# judge RUN MODE [ARGS]: one run of the boot; appends to $why
why="" passed=0
judge() {
	local run=$1 pre="" name=auto args=()
	[ "$run" = json ] || { pre=${run#json@}.; name=${run#json@}; args=(--run "$name"); }
	cp "$out/boot/${pre}live-json" "$out/$name.json" 2>/dev/null
	if [ "$(cat "$out/boot/${pre}live-json.rc" 2>/dev/null)" = 1 ] &&
	   grep -q '^Failed to pick an attach mode' "$out/boot/${pre}live-json-stderr" 2>/dev/null; then
		echo "info - $name: not allowed on this kernel: $(head -n1 "$out/boot/${pre}live-json-stderr")"
		rm -f "$out/$name.json"
		[ "$name" != auto ] || why="$why; no mode attaches"
		return
	fi
	local mode
	mode=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("mode",""))' "$out/$name.json" 2>/dev/null)
	[ -n "$mode" ] || { why="$why; $name: no JSON report"; return; }
	[ "$name" != lean ] || args+=(--expect-lean)
	if "$HERE/check-live.py" "$out/boot" --pinscope "$OUTPUT/pinscope" --mode "$mode" \
		--expect-release "$rel" "${args[@]}" > "$out/$name.checks" 2>&1; then
		passed=$((passed + 1))
		echo "ok   - $name ($mode mode): $(tail -n1 "$out/$name.checks")"
	else
		why="$why; $name ($mode mode): $(grep -m1 '^FAIL' "$out/$name.checks" | cut -c8-200)"
		grep '^FAIL' "$out/$name.checks"
	fi
}
for r in json json@fentry json@kprobe json@lean; do judge "$r"; done
[ -z "$why" ] && [ "$passed" -gt 0 ] || fail "${why#; }"
echo "kernel $pkg: passed ($passed runs clean; reports in $out/)"
