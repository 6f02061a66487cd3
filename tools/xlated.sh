#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# tools/xlated.sh [OUTPUT] - the size of every live program after this
# host's verifier, per configuration, as a markdown table (docs/performance.md,
# "Instructions per handler"): `make xlated` (root; builds what it needs).
# Each cell is the program's xlated instructions (what bpftool prog show
# calls "xlated", in 8-byte instructions: what the verifier kept, the
# subprograms it calls included, the dead branches of the settings removed).
# Columns: tracepoints mode as on a patched kernel with BTF (xen_mc_flush's
# return hooked), fentry mode by its kprobe twins (the xen functions do not
# exist here; its raw_tp programs are its own), each also with --lean.
# Programs are loaded by bench/hostbench insns, as the loader loads them.
set -eu
OUTPUT=${1:-.output}
HB=$OUTPUT/bench/hostbench
if [ ! -x "$HB" ]; then
	echo "Failed to find $HB: run make xlated (or make $HB) first" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "Failed to load BPF programs: tools/xlated.sh needs root" >&2
	exit 1
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$HB" insns >"$tmp"
echo "kernel $(uname -r), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
echo
awk '
	{ x[$2, $1] = $3; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 }
	  if (!($1 in cseen)) { cseen[$1] = 1; corder[m++] = $1 } }
	END {
		line = "| program |"; sep = "|---|"
		for (j = 0; j < m; j++) { line = line " " corder[j] " |"; sep = sep "---:|" }
		print line; print sep
		for (i = 0; i < n; i++) {
			line = "| `" order[i] "` |"
			for (j = 0; j < m; j++)
				line = line " " ((order[i], corder[j]) in x ? x[order[i], corder[j]] : "") " |"
			print line
		}
	}' "$tmp"
