/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Stable names of rules, reasons, levels and flush reasons (docs/json.md) */
#ifndef PINSCOPE_NAMES_H
#define PINSCOPE_NAMES_H

#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

/* Exit codes (README, docs/json.md, pinscope.8, --help; pinscope.service's
 * SuccessExitStatus and RestartPreventExitStatus: tests/install.sh) */
enum pinscope_exit {
	PINSCOPE_EXIT_OK = 0,
	PINSCOPE_EXIT_ERROR = 1,
	PINSCOPE_EXIT_USAGE = 2,
	PINSCOPE_EXIT_VIOLATION = 3,
	/* no operation was judged, or --require not met (docs/verdict.md) */
	PINSCOPE_EXIT_INCONCLUSIVE = 4,
	PINSCOPE_EXIT_NOT_PV = 5,	/* live, not in a Xen PV guest: a restart cannot help */
};

const char *rule_name(__u32 rule);
/* What the rule says, in one sentence (docs/invariants.md) */
const char *rule_meaning(__u32 rule);
const char *reason_text(__u32 reason);
/* The rule a reason belongs to (enum pinscope_rule), -1 if none */
int reason_rule(__u32 reason);
const char *level_name(__u32 level);
const char *flush_reason_name(__u32 reason);
const char *op_name(__u32 op);
/* "ordinary", "suspend" (enum pinscope_path): JSON keys, the metrics' path label */
const char *path_name(__u32 path);
const char *mode_name(__u32 caps);
/* struct pinscope_lost read as an array of counters: their stable names */
#define PINSCOPE_NR_LOST ((int)(sizeof(struct pinscope_lost) / sizeof(__u64)))
const char *lost_name(__u32 i);
/* "processes", "idle_flushes", "flush_latency": what bit i of enum pinscope_lean
 * leaves out; NULL past the last */
const char *lean_name(__u32 i);

/*
 * Text from the traced system (a comm any process chooses, a line of a
 * trace) made safe for every output (docs/security.md): valid UTF-8 kept,
 * control characters (C0, DEL, C1), bytes that are not UTF-8 and the
 * backslash written as \xNN (\\ for the backslash).  Reads at most len
 * bytes of src (up to a NUL); dst is always terminated, cut at a whole
 * character or escape.  Returns dst
 */
char *str_safe(char *dst, size_t size, const char *src, size_t len);
/* A comm, escaped: up to 4 bytes out for each byte in */
#define COMM_SAFE_LEN	(PINSCOPE_COMM_LEN * 4 + 1)
#define comm_safe(buf, comm) str_safe(buf, sizeof(buf), comm, PINSCOPE_COMM_LEN)
/*
 * A string chosen outside pinscope for a message (a file or directory name,
 * an option's or an environment variable's value, what a file read from
 * /sys says): str_safe() into a buffer of the caller's block, cut at 4096
 * bytes of src.  Used as an argument: fprintf(stderr, "%s", name_safe(path))
 */
#define NAME_SAFE_LEN	(4096 * 4 + 1)
#define name_safe(s)	str_safe((char[NAME_SAFE_LEN]){ 0 }, NAME_SAFE_LEN, (s), 4096)

#endif
