// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The checker of bpf/check.bpf.h compiled as plain C: no privileges, no
 * BPF, any kernel.  user/engine/bpf_shim.h maps what it takes from BPF onto a
 * struct shim; per-cpu entries grow with the cpus of the input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/engine.h"
#include "report/stats.h"
#include "report/violations.h"
/* last: its macros take the BPF globals' names */
#include "engine/bpf_shim.h"
#include "bpf/check.bpf.h"
#undef caps
#undef targ_tgid
#undef lean
#undef want_stack
#undef split_locks_seen
#undef procs_map_full
#undef cpus
#undef procs
#undef violations

void shim_not_live(const char *helper)
{
	fprintf(stderr, "pinscope: BUG: %s() reached in the user-space checker\n", helper);
	abort();
}

static void *bpf_map_lookup_elem(struct shim_map *map, const void *key)
{
	struct shim *sh = shim_cur;
	__u32 k = *(const __u32 *)key, h;

	switch (map->type) {
	case SHIM_CPUS:
		return k < sh->nr_slots ? &sh->cpu_state[k] : NULL;
	case SHIM_PROCS:
		for (h = k % SHIM_PROC_SLOTS; sh->procs[h].used; h = (h + 1) % SHIM_PROC_SLOTS)
			if (sh->procs[h].pid == k)
				return &sh->procs[h].v;
		return NULL;
	default:
		return NULL;
	}
}

/* Only the process map is updated: BPF_NOEXIST, full at PINSCOPE_MAX_PROCS */
static long bpf_map_update_elem(struct shim_map *map, const void *key, const void *value,
				__u64 flags)
{
	struct shim *sh = shim_cur;
	__u32 k = *(const __u32 *)key, h;

	if (map->type != SHIM_PROCS || flags != BPF_NOEXIST)
		return -EINVAL;
	if (bpf_map_lookup_elem(map, key))
		return -EEXIST;
	if (sh->nr_procs >= PINSCOPE_MAX_PROCS)
		return -E2BIG;
	for (h = k % SHIM_PROC_SLOTS; sh->procs[h].used; h = (h + 1) % SHIM_PROC_SLOTS)
		;
	sh->procs[h].used = 1;
	sh->procs[h].pid = k;
	memcpy(&sh->procs[h].v, value, sizeof(sh->procs[h].v));
	sh->nr_procs++;
	return 0;
}

static void *bpf_ringbuf_reserve(struct shim_map *map, __u64 size, __u64 flags)
{
	if (map->type != SHIM_RINGBUF || size != sizeof(shim_cur->rec))
		return NULL;
	memset(&shim_cur->rec, 0, sizeof(shim_cur->rec));
	return &shim_cur->rec;
}

/* Delivered at once, in the order the BPF ring buffer would give them */
static void bpf_ringbuf_submit(void *data, __u64 flags)
{
	violations_deliver(shim_cur->sink, data, sizeof(shim_cur->rec));
}

static void *user_open(__u32 caps, __u32 pid, __u32 lean_set, struct viol_sink *sink)
{
	struct shim *sh = calloc(1, sizeof(*sh));

	if (!sh)
		goto nomem;
	sh->procs = calloc(SHIM_PROC_SLOTS, sizeof(*sh->procs));
	if (!sh->procs)
		goto nomem;
	sh->caps = caps;
	sh->targ_tgid = pid;
	sh->lean = lean_set;
	sh->m_cpus.type = SHIM_CPUS;
	sh->m_procs.type = SHIM_PROCS;
	sh->m_violations.type = SHIM_RINGBUF;
	sh->sink = sink;
	return sh;
nomem:
	fprintf(stderr, "Failed to allocate the checker: %s\n", strerror(ENOMEM));
	if (sh)
		free(sh->procs);
	free(sh);
	return NULL;
}

/* New cpus: more entries of the per-cpu array (zeroed, as a BPF array) */
static int grow(struct shim *sh, __u32 slot)
{
	struct cpu_state *cs;
	__u32 n = slot + 1;

	cs = realloc(sh->cpu_state, n * sizeof(*cs));
	if (!cs) {
		fprintf(stderr, "Failed to allocate the checker's state of %u cpus: %s\n", n,
			strerror(ENOMEM));
		return -ENOMEM;
	}
	sh->cpu_state = cs;
	memset(&cs[sh->nr_slots], 0, (n - sh->nr_slots) * sizeof(*cs));
	sh->nr_slots = n;
	return 0;
}

static int user_push(void *e, const struct pinscope_event *ev)
{
	struct shim *sh = e;

	if (ev->slot >= sh->nr_slots && grow(sh, ev->slot))
		return -ENOMEM;
	shim_cur = sh;
	handle(ev);
	shim_cur = NULL;
	return 0;
}

static int user_flush(void *e)
{
	return 0;
}

static int user_read(void *e, struct report *rep)
{
	struct shim *sh = e;
	struct top_proc *all;
	int n = 0;

	memset(&rep->st, 0, sizeof(rep->st));
	for (__u32 i = 0; i < sh->nr_slots; i++)
		stats_merge(&rep->st, &sh->cpu_state[i].st);
	all = calloc(sh->nr_procs + 1, sizeof(*all));
	if (!all) {
		fprintf(stderr, "Failed to read the checker's processes: %s\n", strerror(ENOMEM));
		return -ENOMEM;
	}
	for (__u32 h = 0; h < SHIM_PROC_SLOTS; h++)
		if (sh->procs[h].used)
			all[n++] = (struct top_proc){ .pid = sh->procs[h].pid, .p = sh->procs[h].v };
	rep->nr_top = top_procs_select(all, n, rep->top, TOP_PROCS);
	free(all);
	return 0;
}

static int user_stats(void *e, __u32 nr_slots, struct pinscope_stats *st)
{
	struct shim *sh = e;

	memset(st, 0, sizeof(*st));
	for (__u32 i = 0; i < sh->nr_slots && i < nr_slots; i++)
		stats_merge(st, &sh->cpu_state[i].st);
	return 0;
}

static void user_close(void *e)
{
	struct shim *sh = e;

	if (!sh)
		return;
	free(sh->cpu_state);
	free(sh->procs);
	free(sh);
}

const struct engine_ops engine_user_ops = {
	.name = "user",
	.max_slots = PINSCOPE_MAX_CPUS,
	.open = user_open,
	.push = user_push,
	.flush = user_flush,
	.read = user_read,
	.stats = user_stats,
	.close = user_close,
};
