#!/usr/bin/env bash
# A machine without the build dependencies gets the hint before any compile
# error: which are missing, and 'make deps'.  Simulated by pointing the
# Makefile's probes at tools and header directories that do not exist.
# Usage: tests/build-hint.sh   (from the top of the tree; any user)
. "$(dirname "$0")/lib.sh"
check() {	# NAME PATTERN -- MAKE ARGS...
	local name=$1 pat=$2; shift 3
	make --no-print-directory -n OUTPUT="$tmp/build" "$@" > "$tmp/log" 2>&1
	local rc=$?
	if [ "$rc" -ne 0 ] && grep -qE -- "$pat" "$tmp/log" && ! grep -q "clang.*-target bpf" "$tmp/log"; then
		ok "$name"
	else
		cp "$tmp/log" "$tmp/out"; BAD_SHOW=5 bad "$name: exit $rc"
	fi
}
check "no clang, no bpftool" "Missing to build pinscope: /nonexistent/clang /nonexistent/bpftool.*make deps" -- \
	CLANG=/nonexistent/clang BPFTOOL=/nonexistent/bpftool
check "no libbpf-dev, json-c, libelf, libseccomp headers" "Missing to build pinscope: <bpf/bpf_helpers.h> <bpf/libbpf.h> <gelf.h> <zlib.h> <json-c/json.h> <seccomp.h>.*make deps" -- \
	DEP_INCLUDE_DIRS=/nonexistent
mkdir -p "$tmp/inc/bpf" "$tmp/inc/json-c"	# everything but cmocka
touch "$tmp/inc/bpf/bpf_helpers.h" "$tmp/inc/bpf/libbpf.h" "$tmp/inc/gelf.h" "$tmp/inc/zlib.h" \
	"$tmp/inc/json-c/json.h" "$tmp/inc/seccomp.h"
check "no cmocka for the tests" "Missing to build pinscope: <cmocka.h>\\." -- \
	DEP_INCLUDE_DIRS="$tmp/inc" check
totals build-hint
