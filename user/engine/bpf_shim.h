/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What bpf/check.bpf.h takes from BPF, for its user-space build
 * (user/engine/engine_user.c): the globals and maps of bpf/maps.bpf.h become
 * fields of one struct shim, the instance being run (shim_cur); map
 * lookups index arrays, the process map is a small fixed-size table, a
 * ring buffer record goes straight to the violation sink, bpf_loop() is a
 * loop.  Replay has no clock, pid or stack of its own (live = false): the
 * helpers that read them are never reached.
 * Include it after every other header and right before check.bpf.h: its
 * macros take the names of the BPF globals (caps, cpus, ...).
 */
#ifndef PINSCOPE_BPF_SHIM_H
#define PINSCOPE_BPF_SHIM_H

#include <stdbool.h>
#include <linux/types.h>
#include "pinscope.h"

#define PINSCOPE_USER_ENGINE 1

struct cpu_state;
struct viol_sink;

enum shim_map_type { SHIM_CPUS, SHIM_PROCS, SHIM_RINGBUF };

struct shim_map {
	enum shim_map_type type;
};

struct shim_proc {
	__u32 used;
	__u32 pid;
	struct pinscope_proc v;
};

/* Open addressing, twice the entries of the BPF map; full at as many */
#define SHIM_PROC_SLOTS (2 * PINSCOPE_MAX_PROCS)

struct shim {
	/* the globals of bpf/maps.bpf.h */
	__u32 caps;
	__u32 targ_tgid;
	__u32 lean;
	bool want_stack;
	bool split_locks_seen;
	bool procs_map_full;
	/* its maps */
	struct shim_map m_cpus, m_procs, m_violations;
	struct cpu_state *cpu_state;		/* [nr_slots] */
	__u32 nr_slots;
	struct shim_proc *procs;		/* [SHIM_PROC_SLOTS] */
	__u32 nr_procs;
	struct pinscope_violation rec;		/* the one record being filled */
	struct viol_sink *sink;
};

/* The instance handle() runs on (set by the engine around each call) */
static __thread struct shim *shim_cur;

#define caps			(shim_cur->caps)
#define targ_tgid		(shim_cur->targ_tgid)
#define lean			(shim_cur->lean)
#define want_stack		(shim_cur->want_stack)
#define split_locks_seen	(shim_cur->split_locks_seen)
#define procs_map_full		(shim_cur->procs_map_full)
#define cpus			(shim_cur->m_cpus)
#define procs			(shim_cur->m_procs)
#define violations		(shim_cur->m_violations)

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __noinline static inline

#define BPF_NOEXIST 1

static void *bpf_map_lookup_elem(struct shim_map *map, const void *key);
static long bpf_map_update_elem(struct shim_map *map, const void *key, const void *value,
				__u64 flags);
static void *bpf_ringbuf_reserve(struct shim_map *map, __u64 size, __u64 flags);
static void bpf_ringbuf_submit(void *data, __u64 flags);

static inline long bpf_loop(__u32 nr, long (*fn)(__u64 i, void *ctx), void *ctx, __u64 flags)
{
	__u32 i;

	for (i = 0; i < nr; i++)
		if (fn(i, ctx))
			return i + 1;
	return nr;
}

/* live = false in user space: the live-only helpers are never called */
__attribute__((noreturn)) void shim_not_live(const char *helper);

static inline __u64 bpf_ktime_get_ns(void)
{
	shim_not_live(__func__);
}

static inline __u64 bpf_get_current_pid_tgid(void)
{
	shim_not_live(__func__);
}

static inline __u32 bpf_get_smp_processor_id(void)
{
	shim_not_live(__func__);
}

static inline long bpf_get_current_comm(void *buf, __u32 size)
{
	shim_not_live(__func__);
}

static inline long bpf_get_stack(void *ctx, void *buf, __u32 size, __u64 flags)
{
	shim_not_live(__func__);
}

#endif /* PINSCOPE_BPF_SHIM_H */
