/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace-cmd's binary trace.dat, read through libtracecmd/libtraceevent:
 * fields by name from the event formats recorded in the file, raw
 * pointers, exact cpus and nanosecond timestamps, and the records the
 * ring buffer dropped (-> PINSCOPE_EV_LOST).  Built without libtracecmd
 * (the static binary, Makefile TRACEDAT), tracedat_open() says so.
 */
#ifndef PINSCOPE_TRACEDAT_H
#define PINSCOPE_TRACEDAT_H

#include <signal.h>
#include <linux/types.h>
#include "input/input.h"
#include "report/stats.h"

struct tracedat;
struct replay_feed;

/*
 * Starts the reader (a child process: a damaged file that crashes libtracecmd
 * becomes an error, exit 1) and waits for the event source; -EINTR when stop
 * was set meanwhile.  0 or -errno after printing why; *td owned by the caller
 * (tracedat_close)
 */
int tracedat_open(struct input *in, struct tracedat **td, const volatile sig_atomic_t *stop);
/* The event source: tracepoints if any record is a patched event */
int tracedat_caps(struct tracedat *td, __u32 *caps);
/* Every record in time order to replay_emit(); 0 (also when stop was set) or
 * PINSCOPE_EXIT_ERROR */
int tracedat_feed(struct tracedat *td, struct replay_feed *fd,
		  const volatile sig_atomic_t *stop, struct replay_counts *c);
void tracedat_close(struct tracedat *td);

#endif
