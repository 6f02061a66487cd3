/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Parser of text traces, as written by /sys/kernel/tracing/trace and by
 * `trace-cmd report`, with or without the irq-flags column, into the
 * checker's input events.  Knows the mainline xen events and those added
 * by kernel/patches.
 */
#ifndef PINSCOPE_TRACE_H
#define PINSCOPE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

enum trace_line {
	TRACE_LINE_EVENT,	/* *ev filled */
	TRACE_LINE_HEADER,	/* comment or blank */
	TRACE_LINE_OTHER,	/* not a xen event: skipped */
	TRACE_LINE_XEN_UNUSED,	/* a xen event the checker does not need */
	TRACE_LINE_BAD,		/* a xen event that does not parse: err says why */
};

/*
 * What the line shows of its source: 0 for nothing, else the caps of an
 * event of the kernel patch (tracepoints), with PINSCOPE_CAP_MMLOCK for a
 * xen_mmu_pte_lock with the field mm_locked.  *is_lock (may be NULL) is set
 * for a xen_mmu_pte_lock line: the first says whether the trace has it.
 */
__u32 trace_line_caps(const char *line, bool *is_lock);

/*
 * The path of an operation begun by process comm (OP_BEGIN arg[3]): 1 for the
 * suspend path, whose xen_mm_pin_all()/xen_mm_unpin_all() run in the
 * stop_machine() stopper ("migration/N"), where no ordinary pin or unpin
 * runs; a trace hashes the pointers, so init_mm is not recognisable there
 */
int trace_op_path(const char *comm);

/* xen_mc_entry's first argument (a linear-map address) as the checker's pfn */
__u64 trace_va_pfn(__u64 va);

/* One line, NUL-terminated (its first NUL ends it) */
enum trace_line trace_parse_line(const char *line, struct pinscope_event *ev,
				 char *err, size_t errlen);
/* trace_parse_line() of a line of len bytes that holds no NUL, line[len] being one:
 * its length bounds the fast path's 16-byte reads */
enum trace_line trace_parse_text(const char *line, size_t len, struct pinscope_event *ev,
				 char *err, size_t errlen);

#endif
