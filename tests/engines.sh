#!/usr/bin/env bash
# The two builds of the checker agree: `replay -j --engine user` and
# `--engine bpf` print byte-identical JSON (and exit codes) on every trace of
# tests/data, synthetic and .xz included, with and without --lean.
# Usage: tests/engines.sh PINSCOPE   (as root: the bpf engine loads BPF)
. "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:?usage: $0 PINSCOPE}")
cd "$(dirname "$0")/data" || exit 1
for f in synthetic/*.trace *.trace *.trace.xz; do
	[ -e "$f" ] || continue
	case "$f" in
	*.xz) xz -dc "$f" > "$tmp/in" ;;
	*) cp "$f" "$tmp/in" ;;
	esac
	for opt in "" --lean; do
		"$bin" replay -j --engine user $opt "$tmp/in" > "$tmp/user" 2> "$tmp/user.err"; ru=$?
		"$bin" replay -j --engine bpf $opt "$tmp/in" > "$tmp/bpf" 2> "$tmp/bpf.err"; rb=$?
		if [ "$ru" = "$rb" ] && [ -s "$tmp/user" ] && cmp -s "$tmp/user" "$tmp/bpf"; then
			ok "$f $opt: same JSON, exit $ru"
		else
			bad "$f $opt: exit user $ru, bpf $rb"
			diff "$tmp/user" "$tmp/bpf" | head -10 | sed 's/^/     | /'
			cat "$tmp/user.err" "$tmp/bpf.err" | head -4 | sed 's/^/     | /'
		fi
	done
done
totals engines && [ "$pass" -gt 0 ]
