#!/usr/bin/env bash
# Runs every cmocka test binary; the checker's once per engine.
# Usage: tests/run-unit.sh OUTPUT [ENGINES]
#   ENGINES: "user" (no root), "bpf" (root: loads BPF), default "user bpf".
# test_hooks loads BPF: it runs only when bpf is among the engines.
set -u
out=${1:-.output}
engines=${2:-user bpf}
rc=0
for t in "$out"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in
	test_model|test_checker)
		for e in $engines; do
			echo "== $(basename "$t") (engine $e)"
			CHECKER_ENGINE=$e "$t" || rc=1
		done ;;
	test_hooks)
		case " $engines " in *" bpf "*) echo "== test_hooks"; "$t" || rc=1 ;; esac ;;
	*)
		echo "== $(basename "$t")"
		"$t" || rc=1 ;;
	esac
done
exit $rc
