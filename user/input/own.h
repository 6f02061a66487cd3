/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * pinscope's own event lines (include/pinscope_rules.h PINSCOPE_OWN_LINES,
 * docs/input.md): the stock modes' events that no tracepoint prints, as
 * `pinscope_NAME: key=value ...` after the tracefs prefix.  flight.c writes
 * them (live --evidence in fentry and kprobe mode), trace.c reads them.
 */
#ifndef PINSCOPE_OWN_H
#define PINSCOPE_OWN_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

/*
 * The event of type with args a as the text of its own line, from its name
 * on ("pinscope_page: op=pin pfn=1a2 level=PTE"), into buf: 1 written, 0 when
 * the type has no own line or a value has no name (or buf is too small)
 */
int own_line_format(__u32 type, const __u64 *a, char *buf, size_t len);

/*
 * The event name (n bytes, not NUL-terminated) and its text (after the ':'
 * and its blanks, NUL-terminated) of an own line into ev's type and arg[]
 * (the rest of ev untouched): 1 parsed, 0 not an own line's name, -1 an
 * own line whose fields are not those of the table, in its order
 */
int own_line_parse(const char *name, size_t n, const char *text, struct pinscope_event *ev);

/* Is name (n bytes) with its text an own line (parsed or not)?  *mm_locked
 * (may be NULL): it parses and records the mm lock (an mm_locked field) */
bool own_line_is(const char *name, size_t n, const char *text, bool *mm_locked);

/* Does s start with an own line's name and its ':'? */
bool own_name_at(const char *s);

#endif /* PINSCOPE_OWN_H */
