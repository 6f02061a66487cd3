/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The two builds of bpf/check.bpf.h behind user/engine/checker.c: the same source
 * compiled as BPF (run by BPF_PROG_TEST_RUN: root, Linux 5.17+) and as
 * plain C (anyone, any kernel).  Events arrive with their slot set.
 */
#ifndef PINSCOPE_ENGINE_H
#define PINSCOPE_ENGINE_H

#include "report/stats.h"
#include "report/violations.h"

struct engine_ops {
	const char *name;
	__u32 max_slots;	/* distinct cpus it holds */
	/* pid: only operations of this process (-p), 0: all; lean: enum pinscope_lean */
	void *(*open)(__u32 caps, __u32 pid, __u32 lean, struct viol_sink *sink);
	int (*push)(void *e, const struct pinscope_event *ev);
	/* run what is queued, deliver its violation records */
	int (*flush)(void *e);
	int (*read)(void *e, struct report *rep);
	/* the aggregates of the first nr_slots slots, after a flush */
	int (*stats)(void *e, __u32 nr_slots, struct pinscope_stats *st);
	void (*close)(void *e);
};

extern const struct engine_ops engine_user_ops;
extern const struct engine_ops engine_bpf_ops;

#endif
