#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/save-live.sh: store the tracefs records of `make test-kernel`'s live
# windows in tests/data, with the live report of the same window, so that
# replay tests check traces whose live verdict is known.
#
# Usage: kernel/save-live.sh [RESULTS [DEST]]
#   RESULTS  test-kernel results, the boot's directory (default
#            .output/guest/kernel/$KVER/boot)
#   DEST     where the files go (default tests/data)
# KVER (default 6.1) names the files.  SAVE_LIVE_RUNS picks the runs as
# "name:prefix ..." (default: clean, clean's fentry run, pgd_first,
# early_unlock, late_lock, all of one boot; the domU's save/restore runs of
# `kernel/test-live.sh --domu save_restore pin_all_unlocked`:
# SAVE_LIVE_RUNS="save-restore:save_restore. pin_all_unlocked:pin_all_unlocked."
# RESULTS=.output/guest/kernel/6.1-domu/boot).  Writes, for each run:
#   DEST/patched-KVER-live-<run>.trace.xz   tracefs record of the window (xz -9)
#   DEST/patched-KVER-live-<run>.live.json.xz  pinscope's live JSON of that
#                                          window (with the violations' stacks)
# and prints the tests/data/expect.tsv rows of the traces (exit code and
# violated rules of the live run).  Exit codes: 0 ok, 1 a run is missing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
KVER=${KVER:-6.1}
RES=${1:-$REPO/.output/guest/kernel/$KVER/boot}
DEST=${2:-$REPO/tests/data}

# run name:section prefix
read -ra runs <<<"${SAVE_LIVE_RUNS:-clean: clean-fentry:fentry. pgd_first:pgd_first. early_unlock:early_unlock. late_lock:late_lock.}"
rc=0
for r in "${runs[@]}"; do
	name=${r%%:*} pre=${r#*:}
	trace=$RES/${pre}live-trace json=$RES/${pre}live-json
	if [ ! -s "$trace" ] || [ ! -s "$json" ]; then
		echo "[save-live] missing $trace or $json: run make test-kernel first" >&2
		rc=1
		continue
	fi
	base=$DEST/patched-$KVER-live-$name
	xz -9 -T1 -c "$trace" > "$base.trace.xz"
	rm -f "$base.live.json"
	xz -9 -T1 -c "$json" > "$base.live.json.xz"
	python3 - "$json" "$(basename "$base").trace.xz" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = sorted(k for k, v in d["invariants"].items() if v["violated"])
print(f"{sys.argv[2]}\t{d['exit_code']}\t{','.join(bad) or '-'}\ttracepoints")
PY
	echo "[save-live] $base.trace.xz ($(stat -c %s "$base.trace.xz") bytes), $(basename "$base").live.json.xz" >&2
done
exit $rc
