#!/usr/bin/env bash
# Replays every trace of tests/data/expect.tsv and checks its verdict: exit code,
# exactly the listed rules violated, the event source detected, operations seen;
# and that --lean changes none of that (only the process counts and idle flushes).
# Usage: tests/replay.sh PINSCOPE   (any user: the user engine)
. "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/data" || exit 1
while IFS=$'\t' read -r file want rules source; do
	case "$file" in '#'*|'') continue ;; esac
	if [ ! -s "$file" ]; then
		bad "$file: missing"; continue
	fi
	case "$file" in
	*.xz) xz -dc "$file" | "$bin" replay -j - > "$tmp/json" 2>/dev/null ;;
	*) "$bin" replay -j "$file" > "$tmp/json" 2>/dev/null ;;
	esac
	rc=$?
	# --lean: the same verdict, rules, holds and losses; no processes, fewer flushes
	case "$file" in
	*.xz) xz -dc "$file" | "$bin" replay -j --lean - > "$tmp/lean" 2>/dev/null ;;
	*) "$bin" replay -j --lean "$file" > "$tmp/lean" 2>/dev/null ;;
	esac
	lrc=$?
	lean=$(python3 - "$tmp/json" "$tmp/lean" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
same = ("verdict", "judged", "invariants", "violations_total", "holds", "lost", "mode")
bad = [k for k in same if a[k] != b[k]]
bad += [k for k in ("pins", "unpins", "locks_taken", "deferred_unlocks", "pages")
        if a["ops"][k] != b["ops"][k]]
if b["ops"]["top"] or b["not_recorded"] != ["processes", "idle_flushes"] or a["not_recorded"]:
    bad.append("top/not_recorded")
fa, fb = a["flushes"]["count"], b["flushes"]["count"]
if not 0 < fb <= fa or sum(b["flushes"]["reasons"].values()) != fb:
    bad.append(f"flushes {fb} of {fa}")
print(" ".join(bad))
PY
)
	if [ "$lrc" = "$rc" ] && [ -z "$lean" ]; then
		ok "$file --lean: exit $lrc, same verdict, rules, holds and losses"
	else
		bad "$file --lean: exit $lrc (without: $rc), differs: $lean"
	fi
	got=$(python3 - "$tmp/json" "$source" <<'PY'
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
		ok "$file: exit $rc, violated: $rules_got"
	else
		bad "$file: exit $rc (want $want), violated: $rules_got (want $rules) $problems"
	fi
done < expect.tsv
totals replay
