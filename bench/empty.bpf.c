// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench/empty.bpf.c - the baselines of `make bench` (docs/performance.md):
 * programs of the same kinds as pinscope's, on the same hooks, that do
 * nothing (or, for "floor", only what any useful hook must do).  Their
 * run_time_ns / run_cnt (kernel.bpf_stats_enabled=1) is what a BPF program
 * costs before it does any work; pinscope's handlers are compared to it.
 *
 * All programs are "?"-sections: bench/hostbench.c (this host: test_run)
 * and bench/guestbench.c (the Xen guest: attached beside pinscope) each
 * enable the set they use.  Names are "e_" + the pinscope program's name,
 * so that both sort together in bpftool's output.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "pinscope.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ---- this host: test_run baselines */

/* A bare raw_tp: one program invocation, nothing else */
SEC("?raw_tp")
int e_raw_tp(void *ctx)
{
	return 0;
}

/* The replay program's shape (bpf/pinscope.bpf.c replay()): the same batch
 * layout in .bss, the same bpf_loop() over it, an empty callback */
struct pinscope_replay_buf replay_in;

static long empty_one(__u64 i, void *unused)
{
	return 0;
}

SEC("?raw_tp")
int e_replay(void *ctx)
{
	__u32 n = replay_in.nr;

	if (n > PINSCOPE_REPLAY_BATCH)
		n = PINSCOPE_REPLAY_BATCH;
	bpf_loop(n, empty_one, NULL, 0);
	return 0;
}

/*
 * The floor of a hook that timestamps its event: the cpu, the clock and the
 * pid, the event struct, one lookup of a per-cpu counter (pinscope reads
 * the clock and the pid only for the events that use them: lock, unlock,
 * operation begin and end, flushes inside an operation).  Not a baseline for
 * the target, a decomposition of the cost: empty -> floor -> pinscope.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} floor_cnt SEC(".maps");

SEC("?raw_tp")
int floor_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	struct pinscope_event e;
	__u32 zero = 0;
	__u64 *c;

	e.type = 1;
	e.cpu = bpf_get_smp_processor_id();
	e.ts_ns = bpf_ktime_get_ns();
	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.arg[0] = ctx->args[0];
	c = bpf_map_lookup_elem(&floor_cnt, &zero);
	if (c)
		*c += e.cpu + e.pid + (e.ts_ns & 1) + e.arg[0];
	return 0;
}

/* The floor taken apart: one helper (or the lookup) per program */
SEC("?raw_tp")
int floor_ktime(void *ctx)
{
	return bpf_ktime_get_ns() & 1;
}

SEC("?raw_tp")
int floor_pid(void *ctx)
{
	return (bpf_get_current_pid_tgid() >> 32) & 1;
}

SEC("?raw_tp")
int floor_cpu(void *ctx)
{
	return bpf_get_smp_processor_id() & 1;
}

SEC("?raw_tp")
int floor_lookup(void *ctx)
{
	__u32 zero = 0;
	__u64 *c = bpf_map_lookup_elem(&floor_cnt, &zero);

	if (c)
		*c += 1;
	return 0;
}

/*
 * What an operation start adds: the process's name, and count_proc() of
 * bpf/check.bpf.h (a hash of PINSCOPE_MAX_PROCS entries keyed by pid:
 * lookup, and for a new process its name and an insert).  floor_proc_same
 * counts one process over and over (a lookup that hits); floor_proc_new a
 * new key every call, as a fork loop does (each child unpins its own mm at
 * exit): inserts until the map is full, then an insert that fails.
 */
SEC("?raw_tp")
int floor_comm(void *ctx)
{
	char comm[PINSCOPE_COMM_LEN];

	bpf_get_current_comm(comm, sizeof(comm));
	return comm[0] & 1;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PINSCOPE_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct pinscope_proc);
} floor_procs SEC(".maps");

__u32 floor_next_key;

static __always_inline int count_key(__u32 key)
{
	struct pinscope_proc *pr, init = {};

	pr = bpf_map_lookup_elem(&floor_procs, &key);
	if (!pr) {
		bpf_get_current_comm(init.comm, sizeof(init.comm));
		if (bpf_map_update_elem(&floor_procs, &key, &init, BPF_NOEXIST) &&
		    !bpf_map_lookup_elem(&floor_procs, &key))
			return 0;
		pr = bpf_map_lookup_elem(&floor_procs, &key);
		if (!pr)
			return 0;
	}
	__sync_fetch_and_add(&pr->ops[0], 1);
	return 0;
}

SEC("?raw_tp")
int floor_proc_same(void *ctx)
{
	return count_key(1);
}

SEC("?raw_tp")
int floor_proc_new(void *ctx)
{
	return count_key(2 + floor_next_key++);	/* a race only skips a key */
}

/* ---- one empty program per live hook of pinscope (include/pinscope_rules.h),
 * on the same hook: test_run here (raw_tp); attached in the Xen guest */
#define EMPTY_HOOK(prog, kind, target, modes, origin)			\
	SEC("?" #kind "/" #target) int e_##prog(void *ctx) { return 0; }
PINSCOPE_LIVE_HOOKS(EMPTY_HOOK)
