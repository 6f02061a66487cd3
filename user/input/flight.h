/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The flight recorder's window (bpf/flight.bpf.h, struct pinscope_window) as
 * the tracefs lines the patched kernel's tracepoints print for the same
 * events, which trace.c reads back (live --evidence: input/evidence.c cuts
 * snippets from them as from a recorded trace's lines).  Only tracepoints
 * mode's events have such a line; the others are left out and counted.
 */
#ifndef PINSCOPE_FLIGHT_H
#define PINSCOPE_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

/*
 * Event k (0 = oldest) of the window's min(head, n) as a trace line into
 * buf; 1 written, 0 an event with no line (a kind tracefs does not print),
 * the op's mm (the last OP_BEGIN's, 0 if none yet) in *mm across calls
 */
int flight_line(const struct pinscope_window *w, __u64 k, __u64 *mm, char *buf, size_t len);
/* Events the window holds: min(head, n) */
__u64 flight_count(const struct pinscope_window *w);

#endif
