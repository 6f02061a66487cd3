#!/usr/bin/env bash
# replay --evidence (docs/evidence.md, issue 26): on every violating trace of
# tests/data/expect.tsv, each snippet written replays to the same violation (exit 3,
# that rule only, same pfn and reason), is the input's own lines at the line numbers
# index.json gives, matches index.json's counts, and is 1-minimal: without any one of
# its event lines the violation is gone.  The report itself is byte-identical with and
# without --evidence.  Then the directory rules: symlink, not empty, not owned, and
# the options refused.
# Usage: tests/evidence.sh PINSCOPE   (any user; root also checks a directory of another user)
#        tests/evidence.sh PINSCOPE --live TAR RULE [MODE]
#   the evidence directory of a live run (`pinscope --evidence DIR`, tarred by
#   guest/init/live.sh): at least one snippet, index.json's input "live", every
#   snippet of RULE and checked as above, its line numbers those of its events
#   in the flight recorder's window; RULE "-": a clean run, no snippet at all.
#   MODE (default tracepoints): the live mode index.json names; each snippet
#   is replayed with that mode's events (fentry and kprobe: pinscope's own
#   event lines, read as fentry's); ends with "N passed, M failed"
. "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:?usage: $0 PINSCOPE [--live TAR RULE]}")
live_tar=""
if [ "${2:-}" = --live ]; then
	live_tar=$(realpath "${3:?usage: $0 PINSCOPE --live TAR RULE}")
	live_rule=${4:?usage: $0 PINSCOPE --live TAR RULE [MODE]}
	live_mode=${5:-tracepoints}
fi
cd "$(dirname "$0")/data" || exit 1
MAX_LINES=300	# "at most a few hundred lines" per snippet (issue 26)

# same_violation SNIPPET RULE PFN REASON: exit 3, every violation of RULE, one at PFN for REASON
same_violation() {
	"$bin" replay --violations all "$1" > "$tmp/sv" 2>&1
	[ $? = 3 ] || return 1
	! grep '^VIOLATION' "$tmp/sv" | grep -qv "^VIOLATION $2 " || return 1
	grep -q "^VIOLATION $2 .* pfn $3: $4" "$tmp/sv"
}

# check_snippet INPUT DIR I: the I-th entry of DIR/index.json
check_snippet() {
	local in=$1 dir=$2 i=$3 file rule pfn reason events window n k minimal=true
	read -r file rule pfn reason < <(jq -r --argjson i "$i" '.evidence[$i] |
		"\(.file)\t\(.invariant)\t\(.pfn)\t\(.reason)"' "$dir/index.json" | tr '\t' ' ' |
		{ read -r f r p rest; printf '%s %s 0x%x %s\n' "$f" "$r" "$p" "$rest"; })
	local snip=$dir/$file name="$label: $file"
	grep -v '^#' "$snip" > "$tmp/lines"
	n=$(wc -l < "$tmp/lines")
	events=$(jq --argjson i "$i" '.evidence[$i].events' "$dir/index.json")
	window=$(jq --argjson i "$i" '.evidence[$i].window.events' "$dir/index.json")
	if ! same_violation "$snip" "$rule" "$pfn" "$reason"; then
		BAD_SHOW=5 bad "$name: does not replay to $rule at pfn $pfn alone"
		sed 's/^/     | /' "$tmp/sv" | grep -E 'VIOLATION|Verdict' | head -3
		return
	fi
	ok "$name: replays to exit 3, $rule at pfn $pfn, no other rule"
	# live: read with the events of the mode that recorded it (docs/evidence.md)
	if [ "$in" = live ]; then
		local want=tracepoints src
		[ "$live_mode" = tracepoints ] || want=fentry
		src=$(sed -n 's/.*mode replay, events \([a-z]*\).*/\1/p' "$tmp/sv")
		if [ "$src" = "$want" ] && { [ "$want" = tracepoints ] ||
		   ! grep -v '^#' "$snip" | grep -q ': xen_mmu_'; }; then
			ok "$name: replayed with $want's events, as the $live_mode run judged it"
		else
			bad "$name: replayed with '$src' events (want $want)"
		fi
	fi
	# index.json's counts and line numbers: the input's own lines (live: the
	# snippet's lines are those numbers' events, inside the window)
	jq -r --argjson i "$i" '.evidence[$i].lines[]' "$dir/index.json" > "$tmp/nums"
	if [ "$in" = live ]; then
		cp "$tmp/lines" "$tmp/orig"
		jq -e --argjson i "$i" '.evidence[$i] | .window as $w | .lines |
			all(. >= $w.first_line and . <= $w.last_line) and . == (sort | unique)' \
			"$dir/index.json" > /dev/null || : > "$tmp/orig"
	elif [ -n "${twin:-}" ]; then
		# a trace.dat: its numbers are records, the twin's event lines in the same
		# order; same task, cpu, time and event (the twin's pointers are hashed)
		grep -v '^#' "$twin" | awk 'NR == FNR { want[$1] = 1; next } FNR in want' \
			"$tmp/nums" - | awk '{ print $1, $2, $4, $5 }' > "$tmp/orig"
		awk '{ print $1, $2, $4, $5 }' "$tmp/lines" > "$tmp/lines.key"
		cmp -s "$tmp/lines.key" "$tmp/orig" && cp "$tmp/lines" "$tmp/orig"
	else
		awk 'NR == FNR { want[$1] = 1; next } FNR in want' "$tmp/nums" "$in" > "$tmp/orig"
	fi
	if [ "$n" = "$events" ] && [ "$(wc -l < "$tmp/nums")" = "$n" ] && [ "$n" -le "$window" ] &&
	   [ "$n" -le "$MAX_LINES" ] && cmp -s "$tmp/lines" "$tmp/orig" &&
	   [ "$(jq --argjson i "$i" '.evidence[$i] | .reproduced and .minimized' "$dir/index.json")" = true ]; then
		ok "$name: $n of the window's $window events, the input's lines $(paste -sd, "$tmp/nums")"
	else
		bad "$name: $n event lines, index says $events of $window, lines $(paste -sd, "$tmp/nums")" \
			"(the input's own: $(cmp -s "$tmp/lines" "$tmp/orig" && echo yes || echo no))"
	fi
	# 1-minimal: without any one event line, not the same violation
	for ((k = 1; k <= n; k++)); do
		{ grep '^#' "$snip"; sed "${k}d" "$tmp/lines"; } > "$tmp/cand"
		if same_violation "$tmp/cand" "$rule" "$pfn" "$reason"; then
			bad "$name: not minimal: still $rule at pfn $pfn without its line $k:" \
				"$(sed -n "${k}p" "$tmp/lines" | cut -c1-100)"
			minimal=false
		fi
	done
	$minimal && ok "$name: 1-minimal (each of its $n event lines is needed)"
}

# --live TAR RULE: a live run's evidence only
if [ -n "$live_tar" ]; then
	dir=$tmp/live label=live
	mkdir "$dir" && tar -xf "$live_tar" -C "$dir" --strip-components=1 2>"$tmp/out" ||
		BAD_SHOW=3 bad "live evidence: cannot untar $live_tar"
	count=$(jq '.evidence | length' "$dir/index.json" 2>/dev/null)
	kinds=$(jq -r '[.evidence[].invariant] | unique | join(",")' "$dir/index.json" 2>/dev/null)
	mode=$(jq -r .flight.mode "$dir/index.json" 2>/dev/null)
	if [ "$live_rule" = - ]; then
		if [ "$count" = 0 ] && [ "$(jq -r .input "$dir/index.json")" = live ] &&
		   [ "$(jq .flight.windows "$dir/index.json")" = 0 ] && [ "$mode" = "$live_mode" ] &&
		   [ -z "$(find "$dir" -name '*.trace')" ]; then
			ok "live evidence of a clean $mode run: index.json with no snippet, no window, no file"
		else
			bad "live evidence of a clean run: ${count:-no index.json, no} snippets, mode $mode," \
				"files $(ls "$dir" | paste -sd, -)"
		fi
		echo "$pass passed, $fail failed"
		[ "$fail" = 0 ]
		exit
	fi
	if [ "${count:-0}" -ge 1 ] && [ "$kinds" = "$live_rule" ] &&
	   [ "$(jq -r .input "$dir/index.json")" = live ] && [ "$mode" = "$live_mode" ]; then
		ok "live evidence: $count snippets, all of $live_rule, index.json's input live, mode $mode"
	else
		bad "live evidence: ${count:-no} snippets of '$kinds' (want $live_rule), input" \
			"$(jq -r .input "$dir/index.json" 2>/dev/null), mode $mode (want $live_mode)"
	fi
	for ((i = 0; i < ${count:-0}; i++)); do
		check_snippet live "$dir" "$i"
	done
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit
fi

nsnip=0 ntrace=0
while IFS=$'\t' read -r file want rules source; do
	case "$file" in '#'*|'') continue ;; esac
	[ "$want" = 3 ] || continue
	ntrace=$((ntrace + 1))
	label=$file in=$file dir=$tmp/ev$ntrace
	case "$file" in *.xz) in=$tmp/in$ntrace.trace; xz -dc "$file" > "$in" ;; esac
	"$bin" replay -j "$in" > "$tmp/plain.json" 2>/dev/null
	"$bin" replay -j "$in" --evidence "$dir" --evidence-max 2 > "$tmp/ev.json" 2> "$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ] || ! cmp -s "$tmp/plain.json" "$tmp/ev.json"; then
		bad "$file --evidence: exit $rc (want $want), report $(cmp -s "$tmp/plain.json" \
			"$tmp/ev.json" && echo same || echo differs)"
		continue
	fi
	# every violation listed cites the input's line of its event, its operation's, its mm
	where=$(python3 - "$tmp/ev.json" "$in" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], errors="replace").read().split("\n")
bad = [] if d["replay"]["file"] == sys.argv[2] else [f"replay.file {d['replay']['file']}"]
for v in d["violations"]:
    at = lines[v["line"] - 1] if v["line"] else ""
    t = "%d.%06d:" % (v["ts_ns"] // 10**9, v["ts_ns"] % 10**9 // 1000)
    if not re.search(r"\[0*%d\] .* %s xen_" % (v["cpu"], re.escape(t)), at):
        bad.append(f"line {v['line']} is not cpu {v['cpu']} at {t}: {at[:80]}")
    op = lines[v["op_line"] - 1] if v["op_line"] else ""
    m = re.search(r"xen_mmu_pgd_(un)?pin: mm 0*([0-9a-f]+) ", op)
    if not m or v["op_line"] > v["line"] or v["mm"] != "0x" + m.group(2):
        bad.append(f"op_line {v['op_line']} mm {v['mm']}: {op[:80]}")
print(len(d["violations"]), "; ".join(bad[:3]))
PY
)
	if [ -n "$where" ] && [ -z "${where#* }" ]; then
		ok "$file: its ${where% *} violations listed cite their event's line, operation's line and mm"
	else
		bad "$file: violations' lines: ${where#* }"
	fi
	count=$(jq '.evidence | length' "$dir/index.json" 2>/dev/null)
	kinds=$(jq -r '[.evidence[].invariant] | unique | join(",")' "$dir/index.json" 2>/dev/null)
	if [ "${count:-0}" -ge 1 ] && [ "$kinds" = "$rules" ] &&
	   [ "$(jq -r .input "$dir/index.json")" = "$in" ] &&
	   grep -q "evidence: $count snippet" "$tmp/err"; then
		ok "$file --evidence: exit $rc, same report, $count snippets of $kinds, index.json names the input"
	else
		bad "$file --evidence: $count snippets of '$kinds' (want $rules)"; continue
	fi
	for ((i = 0; i < count; i++)); do
		check_snippet "$in" "$dir" "$i"
		nsnip=$((nsnip + 1))
	done
done < expect.tsv

# the violating trace.dat files (docs/evidence.md): their records rendered as tracefs
# lines, numbered by record; each text twin (README-dat.md) holds the same events in
# the same order
for dat in patched-6.1-live-early_unlock-window.dat patched-6.1-live-pgd_done-window.dat; do
twin=$tmp/twin.trace label=$dat
xz -dc "${dat%.dat}.trace.xz" > "$twin"
rm -rf "$tmp/dat"
"$bin" replay -j "$dat" > "$tmp/plain.json" 2>/dev/null
"$bin" replay -j "$dat" --evidence "$tmp/dat" --evidence-max 2 > "$tmp/ev.json" 2> "$tmp/err"
rc=$?
count=$(jq '.evidence | length' "$tmp/dat/index.json" 2>/dev/null)
if [ "$rc" = 3 ] && cmp -s "$tmp/plain.json" "$tmp/ev.json" && [ "${count:-0}" -ge 1 ] &&
   [ "$(jq -r '[.evidence[].invariant] | unique | join(",")' "$tmp/dat/index.json")" = \
     unlock-after-flush ] && [ "$(jq -r .input "$tmp/dat/index.json")" = "$dat" ] &&
   [ "$(jq -r .numbered "$tmp/dat/index.json")" = record ] &&
   grep -q "evidence: $count snippet" "$tmp/err"; then
	ok "$dat --evidence: exit 3, same report, $count snippets of unlock-after-flush, numbered by record"
else
	BAD_SHOW=3 bad "$dat --evidence: exit $rc, ${count:-no} snippets, index" \
		"$(jq -c '{input, numbered}' "$tmp/dat/index.json" 2>/dev/null)"
	cat "$tmp/err" | head -3
fi
for ((i = 0; i < ${count:-0}; i++)); do
	check_snippet "$dat" "$tmp/dat" "$i"
	nsnip=$((nsnip + 1))
done
done
twin=""
[ "$(jq -r .numbered "$tmp/ev1/index.json" 2>/dev/null)" = line ] &&
	ok "a text trace's index.json: numbered by line" || bad "a text trace's index.json: not numbered by line"

# --engine bpf (root): its violation records come at the end of their batch, the
# windows kept until then: the same snippets and index.json as the user engine's
if $root && "$bin" replay --engine bpf patched-6.1-clean.trace > /dev/null 2>&1; then
	nsame=0 ndiff=""
	while IFS=$'\t' read -r file want rules source; do
		case "$file" in '#'*|'') continue ;; esac
		[ "$want" = 3 ] || continue
		in=$file
		case "$file" in *.xz) in=$tmp/bpf-in.trace; xz -dc "$file" > "$in" ;; esac
		rm -rf "$tmp/eu" "$tmp/eb"
		"$bin" replay "$in" --evidence "$tmp/eu" --evidence-max 2 > /dev/null 2>&1
		"$bin" replay --engine bpf "$in" --evidence "$tmp/eb" --evidence-max 2 > /dev/null 2>&1
		rc=$?
		if [ "$rc" = 3 ] && [ -s "$tmp/eb/index.json" ] && diff -r "$tmp/eu" "$tmp/eb" > /dev/null; then
			nsame=$((nsame + 1))
		else
			ndiff="$ndiff $file(exit $rc)"
		fi
	done < <(cat expect.tsv; printf '%s\t3\n' patched-6.1-live-early_unlock-window.dat \
		patched-6.1-live-pgd_done-window.dat)
	[ -z "$ndiff" ] && ok "--engine bpf --evidence: the user engine's snippets and index, $nsame traces" ||
		bad "--engine bpf --evidence differs from the user engine's on:$ndiff"
else
	echo "skip --engine bpf --evidence: not root, or no BPF-capable kernel"
fi

# a clean trace: an empty index, exit 0
expect "clean trace: exit 0" 0 "evidence: 0 snippets" -- \
	"$bin" replay patched-6.1-clean.trace --evidence "$tmp/clean"
[ "$(jq '.evidence | length' "$tmp/clean/index.json" 2>/dev/null)" = 0 ] &&
	ok "clean trace: index.json with no evidence" || bad "clean trace: index.json"

# the directory: never through a symlink, never over a file, never another user's
viol=patched-6.1-late_lock.trace
mkdir "$tmp/real"
ln -s "$tmp/real" "$tmp/link"
expect "DIR a symlink: refused" 1 "Failed to open the evidence directory .*: it is a symlink" -- \
	"$bin" replay "$viol" --evidence "$tmp/link"
[ -z "$(ls -A "$tmp/real")" ] && ok "DIR a symlink: nothing written through it" ||
	bad "DIR a symlink: wrote $(ls "$tmp/real")"
echo keep > "$tmp/real/index.json"
expect "DIR not empty: refused" 1 "it is not empty" -- \
	"$bin" replay "$viol" --evidence "$tmp/real"
[ "$(cat "$tmp/real/index.json")" = keep ] && ok "DIR not empty: its file untouched" ||
	bad "DIR not empty: index.json replaced"
expect "DIR a file: refused" 1 "not a directory" -- \
	"$bin" replay "$viol" --evidence "$tmp/real/index.json"
if $root; then
	mkdir "$tmp/other" && chown nobody "$tmp/other"
	expect "DIR of another user: refused" 1 "belongs to uid" -- \
		"$bin" replay "$viol" --evidence "$tmp/other"
fi
mkdir "$tmp/empty"
expect "DIR empty and ours: used" 3 "evidence: 1 snippet" -- \
	"$bin" replay "$viol" --evidence "$tmp/empty"

# the options
expect "--evidence-max 0: usage" 2 "invalid --evidence-max '0'" -- \
	"$bin" replay "$viol" --evidence "$tmp/x1" --evidence-max 0
expect "--evidence-max without --evidence: usage" 2 "needs --evidence" -- \
	"$bin" replay "$viol" --evidence-max 2
expect "--flight-events not a power of two: usage" 2 "invalid --flight-events '100'" -- \
	"$bin" --evidence "$tmp/x5" --flight-events 100
expect "--flight-events without --evidence: usage" 2 "needs --evidence" -- \
	"$bin" --flight-events 64
expect "--flight-events in replay: usage" 2 "--flight-events is for live" -- \
	"$bin" replay "$viol" --evidence "$tmp/x6" --flight-events 64
[ ! -e "$tmp/x1" ] &&
	[ ! -e "$tmp/x5" ] && [ ! -e "$tmp/x6" ] &&
	ok "refused runs create no directory" || bad "a refused run created its directory"

totals evidence " ($nsnip snippets of $ntrace violating traces)"
