/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF checker driven from user space: events go through the replay
 * program (BPF_PROG_TEST_RUN) in batches, with their own cpu and timestamp.
 * Used by replay and by the tests.
 */
#ifndef PINSCOPE_CHECKER_H
#define PINSCOPE_CHECKER_H

#include "stats.h"
#include "violations.h"

struct checker;

struct checker_opts {
	__u32 caps;		/* enum pinscope_caps */
	__u32 pid;		/* only operations of this pid (-p), 0: all */
};

/* sink gets the violation records. NULL on error. */
struct checker *checker_open(const struct checker_opts *o, struct viol_sink *sink);
int checker_push(struct checker *c, const struct pinscope_event *ev);
/* End of input: finish the cpus' open operations, run what is queued */
int checker_end(struct checker *c);
/* Aggregates and top processes into rep (after checker_end) */
int checker_read(struct checker *c, struct report *rep);
void checker_close(struct checker *c);

#endif
