#!/usr/bin/env bash
# The layout of user/ (docs/design.md, "The pipeline and its folders"): one folder
# per stage, whose README.md says which folders its files may call ("Calls:") and
# which of its headers the others may include ("Public:"); user/README.md's
# "Calls:" is the commands' (user/*.c).  Fails on an include that those lines do
# not allow, on an include of a header of user/ without its folder, on folders
# whose calls go round, on two files that include each other's header (they call
# each other; unless their folder's README.md declares the pair: "Mutual:"), on
# unit tests outside the folder of a stage, and on a shell test script without
# tests/lib.sh.
# Usage: tests/layout.sh   (any user, from anywhere; no build needed)
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1

field() {	# README NAME: the words of its line "NAME: ..."
	sed -n "s/^$2:[[:space:]]*//p" "$1" | head -1
}

# the folders and their two lines
declare -A calls public
stages=()
for d in user/*/; do
	s=$(basename "$d")
	if grep -q '^Calls:' "$d/README.md" 2>/dev/null && grep -q '^Public:' "$d/README.md"; then
		stages+=("$s")
		calls[$s]=" $(field "$d/README.md" Calls) "
		public[$s]=" $(field "$d/README.md" Public) "
	else
		bad "user/$s/README.md: no 'Calls:' and 'Public:' lines"
	fi
done
calls[.]=" $(field user/README.md Calls) "
[ "${#stages[@]}" -gt 0 ] && ok "every folder of user/ says what it may call and what is public (${#stages[@]})"

# each include of a header of user/: named by its folder, and allowed
declare -A edge		# "file-module header-module" (paths without .c/.h)
before=$fail n=0
for f in user/*.[ch] user/*/*.[ch]; do
	d=$(dirname "${f#user/}")
	while read -r inc; do
		case $inc in
		*/*)	s=${inc%%/*} h=${inc#*/}
			[ -f "user/$inc" ] || continue		# bpf/..., not of user/
			n=$((n + 1))
			edge["${f%.*} user/${inc%.h}"]=1
			[ "$s" = "$d" ] && continue
			if [[ ${calls[$d]} != *" $s "* ]]; then
				bad "$f includes $inc: user/$d does not call $s (its README.md, Calls:)"
			elif [[ ${public[$s]-} != *" $h "* ]]; then
				bad "$f includes $inc: not public (user/$s/README.md, Public:)"
			fi ;;
		*)	if [ "$d" = . ] && [ -f "user/$inc" ]; then
				n=$((n + 1)); edge["${f%.*} user/${inc%.h}"]=1
			elif [ -f "user/$inc" ]; then
				bad "$f includes $inc: a header of the commands (user/), not of a stage"
			elif compgen -G "user/*/$inc" > /dev/null; then
				bad "$f includes \"$inc\": name its folder, as \"$(cd user && echo */"$inc")\""
			fi ;;
		esac
	done < <(sed -n 's/^#include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
[ "$fail" = "$before" ] && ok "$n includes of user/ headers name their folder and follow Calls:/Public:"

# the folders' calls go one way (no folder reaches itself through Calls:)
before=$fail
left=" ${stages[*]} "
while :; do
	removed=0
	for s in $left; do
		free=true
		for c in ${calls[$s]}; do [[ $left == *" $c "* ]] && [ "$c" != "$s" ] && free=false; done
		$free && { left=${left/ $s / }; removed=1; }
	done
	[ "$removed" = 1 ] || break
done
[ -z "${left// /}" ] && ok "calls between folders go one way" ||
	bad "calls go round between the folders:$left"

# no two files call each other (a.c includes b.h and b.c includes a.h)
before=$fail
for e in "${!edge[@]}"; do
	read -r a b <<< "$e"
	[ "$a" \< "$b" ] && [ -n "${edge["$b $a"]-}" ] || continue
	# a pair its folder's README.md declares ("Mutual: a.c b.c"), with why
	m=" $(field "$(dirname "$a")/README.md" Mutual 2>/dev/null) "
	[[ $m == *" ${a##*/}.c "* && $m == *" ${b##*/}.c "* ]] ||
		bad "$a.c and $b.c include each other's header"
done
[ "$fail" = "$before" ] && ok "no two files of user/ include each other's header"

# tests/ mirrors user/: unit tests in the folder of their stage
before=$fail
for t in tests/test_*.c; do [ -e "$t" ] && bad "$t: move it to tests/STAGE/ (user/STAGE)"; done
for t in tests/*/test_*.c; do
	[ -e "$t" ] || continue
	s=$(basename "$(dirname "$t")")
	[ -d "user/$s" ] || bad "$t: tests/$s/ is not a stage of user/"
done
[ "$fail" = "$before" ] && ok "unit tests are in tests/STAGE/, as user/STAGE/"

# one prologue: every shell test script sources tests/lib.sh
before=$fail
for f in tests/*.sh tests/*/*.sh; do
	[ "$f" = tests/lib.sh ] && continue
	grep -q '^\. "$(dirname "$0")/\(\.\./\)*lib\.sh"' "$f" || bad "$f does not source tests/lib.sh"
done
[ "$fail" = "$before" ] && ok "every shell test script sources tests/lib.sh"

totals layout
