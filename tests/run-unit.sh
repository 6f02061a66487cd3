#!/usr/bin/env bash
# Runs the cmocka test binaries of one or both tiers.
# Usage: tests/run-unit.sh OUTPUT [TIERS]
#   user: the trace parser, and the checker's tests on its user engine (no root)
#   bpf:  the checker's tests on its bpf engine, the live handlers and the flight
#         recorder (live --evidence), kallsyms,
#         operations running and live time slices read from BPF maps (root)
#   default: "user bpf"
. "$(dirname "$0")/lib.sh"
out=${1:-.output}
tiers=${2:-user bpf}
rc=0
run() {
	echo "== ${CHECKER_ENGINE:+engine $CHECKER_ENGINE: }$(basename "$1")"
	"$@" || rc=1
}
for tier in $tiers; do
	for t in "$out"/tests/*/test_*; do
		[ -x "$t" ] || continue
		case "$tier:$(basename "$t")" in
		*:test_model|*:test_checker) CHECKER_ENGINE=$tier run "$t" ;;
		bpf:test_hooks|bpf:test_ksyms|bpf:test_running|bpf:test_timeline|bpf:test_flight)
			PINSCOPE=$out/pinscope run "$t" ;;
		user:test_hooks|user:test_ksyms|user:test_running|user:test_timeline|user:test_flight|bpf:*) ;;
		user:*) run "$t" ;;	# any other test: the user tier
		esac
	done
done
exit $rc
