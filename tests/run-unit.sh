#!/usr/bin/env bash
# Runs every cmocka test binary; they load BPF, so root is needed.
set -u
out=${1:-.output}
rc=0
for t in "$out"/tests/test_*; do
	[ -x "$t" ] || continue
	echo "== $(basename "$t")"
	"$t" || rc=1
done
exit $rc
