/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The checker of bpf/check.bpf.h driven from user space, for replay and the
 * tests, by one of its two builds (chosen at open): "user", the same source
 * compiled as plain C (no privileges, any kernel), or "bpf", the loaded
 * replay program run by BPF_PROG_TEST_RUN (root, Linux 5.17+).  Both give
 * the same results (tests/engines.sh).
 */
#ifndef PINSCOPE_CHECKER_H
#define PINSCOPE_CHECKER_H

#include "report/stats.h"
#include "report/violations.h"

enum checker_engine {
	CHECKER_USER,
	CHECKER_BPF,
};

struct checker;

/* "user" or "bpf"; -1 if name is neither */
int checker_engine_parse(const char *name);
const char *checker_engine_name(enum checker_engine engine);

struct checker_opts {
	enum checker_engine engine;	/* user (default) or bpf */
	__u32 caps;		/* enum pinscope_caps */
	__u32 pid;		/* only operations of this pid (-p), 0: all */
	__u32 lean;		/* enum pinscope_lean (--lean), 0: record everything */
};

/* sink gets the violation records. NULL on error. */
struct checker *checker_open(const struct checker_opts *o, struct viol_sink *sink);
/* 0, or -errno; -ERANGE: a cpu the engine cannot hold, checker_error() says why */
int checker_push(struct checker *c, const struct pinscope_event *ev);
/* What the last failed checker_push() could not do, and how to do it */
const char *checker_error(const struct checker *c);
/* End of input: finish the cpus' open operations, run what is queued */
int checker_end(struct checker *c);
/* Aggregates and top processes into rep (after checker_end) */
int checker_read(struct checker *c, struct report *rep);
/* Mid-input: run what is queued, sum the stats of these cpus (time slices) */
int checker_stats(struct checker *c, struct pinscope_stats *st);
void checker_close(struct checker *c);

#endif
