/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The flight recorder's window (bpf/flight.bpf.h, struct pinscope_window) as
 * trace lines, which trace.c reads back (live --evidence: input/evidence.c
 * cuts snippets from them as from a recorded trace's lines): in tracepoints
 * mode the lines the patched kernel's tracepoints print for the same events
 * (the return of xen_mc_flush() has none: left out and counted); in the
 * stock modes (fentry, kprobe) pinscope's own event lines (input/own.h) for
 * the events no tracepoint prints, the mainline tracepoints' for the others.
 */
#ifndef PINSCOPE_FLIGHT_H
#define PINSCOPE_FLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "pinscope.h"

/*
 * Event k (0 = oldest) of the window's min(head, n), recorded by a live run
 * with caps, as a trace line into buf; 1 written, 0 an event with no line (a kind tracefs does not print),
 * the op's mm (the last OP_BEGIN's, 0 if none yet) in *mm across calls
 */
int flight_line(const struct pinscope_window *w, __u64 k, __u32 caps, __u64 *mm, char *buf,
		size_t len);

/*
 * The window's last deferred xen_pte_unlock() of any cpu (fentry/kprobe:
 * why a pinned PTE page with no unlock seen is a leak, split_locks_seen) as
 * a trace line of its own cpu, pid and time into buf: 1 written, 0 none
 * recorded (or not a deferred xen_pte_unlock), or one of the window's events
 */
int flight_split_line(const struct pinscope_window *w, __u32 caps, char *buf, size_t len);

/*
 * One event (type, args a) of process pid (comm NULL or "": "<...>") on cpu at
 * ts_ns as that line (a trace.dat's record too: replay --evidence); the LOST
 * mark is tracefs's "CPU:N [LOST k EVENTS]"; 1 written, 0 no line; *mm as above
 */
int flight_event_line(__u32 type, const __u64 *a, __u32 pid, const char *comm, __u32 cpu,
		      __u64 ts_ns, __u32 caps, __u64 *mm, char *buf, size_t len);

/* Does a live run with these caps print pinscope's own lines (the stock modes)? */
bool flight_own_lines(__u32 caps);
/* Events the window holds: min(head, n) */
__u64 flight_count(const struct pinscope_window *w);

#endif
