#!/usr/bin/env bash
# Seed corpora of the fuzz targets from tests/data (small slices).
# Usage: tests/fuzz/seed.sh DIR   -> DIR/replay/*, DIR/tracedat/*, DIR/trace/*
. "$(dirname "$0")/../lib.sh"
set -euo pipefail
out=${1:?usage: $0 DIR}
data=$(cd "$(dirname "$0")/../data" && pwd)
mkdir -p "$out/replay" "$out/tracedat" "$out/trace"
# replay: whole synthetic traces, and 120 lines around the first pin of each capture
cp "$data"/synthetic/*.trace "$out/replay/"
for f in "$data"/patched-6.1-*.trace "$data"/debian-6.1-sample.trace; do
	b=$(basename "$f" .trace)
	n=$(grep -n -m1 'xen_mmu_pgd_pin:' "$f" | cut -d: -f1)
	sed -n "1,12p; $n,$((n + 119))p" "$f" > "$out/replay/$b.slice"
done
# (no trace.dat in replay: fuzz_replay reads it with tracedat-none.c, see fuzz.mk)
# tracedat: the first 300 events of each trace.dat (trace-cmd split: 46-125 KB; the
# whole files take seconds each in the fuzz build) and one of them as file version 6,
# uncompressed (trace-cmd convert), the format the library crashes on most; each after
# fuzz_replay's first byte (0: read as a regular file)
t=$out/tracedat.tmp; mkdir -p "$t"
for f in "$data"/*.dat; do
	b=$(basename "$f" .dat)
	if ! command -v trace-cmd > /dev/null; then	# the whole file, then
		cp "$f" "$t/$b.dat"; continue
	fi
	trace-cmd split -i "$f" -o "$t/$b-300" -e 300 > /dev/null 2>&1 && mv "$t/$b-300.1" "$t/$b-300.dat"
done
[ -e "$t/patched-6.1-live-early_unlock-window-300.dat" ] &&
	trace-cmd convert -i "$t/patched-6.1-live-early_unlock-window-300.dat" --file-version 6 \
		-o "$t/patched-6.1-live-early_unlock-window-300-v6.dat" --compression none > /dev/null 2>&1
for f in "$t"/*.dat; do { printf '\0'; cat "$f"; } > "$out/tracedat/$(basename "$f")"; done
rm -rf "$t"
xz -0 -c "$out/replay/patched-6.1-clean.slice" > "$out/replay/clean.slice.xz"
gzip -c "$out/replay/patched-6.1-early_unlock.slice" > "$out/replay/early.slice.gz"
# trace: one line of each event, both line formats
i=0
for f in "$data"/patched-6.1-clean.trace "$data"/debian-6.1-sample.trace; do
	grep -v '^#' "$f" | awk '{ for (k = 1; k <= NF; k++) if ($k ~ /^xen_[a-z_]*:$/) { if (!seen[$k]++) print; break } }' |
	while IFS= read -r line; do
		i=$((i + 1)); printf '%s' "$line" > "$out/trace/line$i-$(basename "$f" .trace)"
	done
done
