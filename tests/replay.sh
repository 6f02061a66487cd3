#!/usr/bin/env bash
# Replays every trace of tests/data/expect.tsv and checks its verdict: exit code,
# exactly the listed rules violated, the event source detected, operations seen.
# Usage: tests/replay.sh PINSCOPE   (any user: the user engine)
set -u
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/data" || exit 1
pass=0 fail=0 tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
while IFS=$'\t' read -r file want rules source; do
	case "$file" in '#'*|'') continue ;; esac
	if [ ! -s "$file" ]; then
		echo "FAIL $file: missing"; fail=$((fail + 1)); continue
	fi
	case "$file" in
	*.xz) xz -dc "$file" | "$bin" replay -j - > "$tmp" 2>/dev/null ;;
	*) "$bin" replay -j "$file" > "$tmp" 2>/dev/null ;;
	esac
	rc=$?
	got=$(python3 - "$tmp" "$source" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = sorted(r for r, v in d["invariants"].items() if v["violated"])
problems = []
if d.get("source") != sys.argv[2]:
    problems.append(f"source {d.get('source')}")
if d["ops"]["pins"] + d["ops"]["unpins"] == 0:
    problems.append("no operations")
if sum(d["lost"][k] for k in ("ringbuf", "held_full", "procs_full", "bad_cpu")):
    problems.append(f"lost {d['lost']}")
print(",".join(bad) or "-", ";".join(problems))
PY
)
	rules_got=${got%% *} problems=${got#* }
	if [ "$rc" = "$want" ] && [ "$rules_got" = "$rules" ] && [ -z "$problems" ]; then
		echo "ok   $file: exit $rc, violated: $rules_got"; pass=$((pass + 1))
	else
		echo "FAIL $file: exit $rc (want $want), violated: $rules_got (want $rules) $problems"
		fail=$((fail + 1))
	fi
done < expect.tsv
echo "replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
