/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The flight recorder (live --evidence, docs/evidence.md): each cpu keeps
 * its last flight_n events of the pinning path, as the checker receives
 * them, in a fixed ring (a map value per cpu, preallocated: the handlers run
 * inside xen_mc_flush() with IRQs off, nothing is allocated there).
 * flight_record() is called where an event enters the checker (check.bpf.h
 * handle_on()), flight_send() with a violation record (report(): the first
 * of its rule in the operation, the later ones of a page rule in the same
 * operation would send the same events again): the
 * ring goes to user space right after the violation, as one
 * PINSCOPE_REC_WINDOW record (include/pinscope.h) that carries a copy of it.
 * User space turns the events of the violation's operation and those before
 * it into trace lines (user/input/flight.c).
 *
 * flight_n is 0 unless --evidence: the verifier then knows both functions
 * return at once and drops the rest, so the hooks cost what they did
 * (docs/performance.md).  Replay (live false) never records: its evidence
 * is the input's own lines (user/input/evidence.c).
 */
#ifndef PINSCOPE_FLIGHT_BPF_H
#define PINSCOPE_FLIGHT_BPF_H

#include "maps.bpf.h"

#ifndef PINSCOPE_USER_ENGINE

/*
 * The flags of a record's submit (a violation, report_rec(), or its window,
 * flight_send()) on cpu state s: none, but on the suspend path no wakeup.
 * xen_mm_pin_all() and xen_mm_unpin_all() run inside stop_machine() around
 * HYPERVISOR_suspend, irqs off (drivers/xen/manage.c xen_suspend()); the
 * ring buffer's wakeup is an irq_work, raised there as an event-channel IPI
 * that the save discards (xen_irq_resume() binds new ports, the pending bit
 * is not carried), so that irq_work stays claimed and the cpu's raised list
 * is never run again: nothing queued on that cpu runs after it, and the ring
 * buffer's free at the end of the run spins forever in irq_work_sync()
 * (kernel/bpf/ringbuf.c bpf_ringbuf_free()): the guest hangs.  Where the
 * suspend path cannot be told (no init_mm in kallsyms: no
 * CONFIG_KALLSYMS_ALL), no record wakes.  The reader drains without a wakeup
 * (user/cmd_live.c poll_loop()), at most 100 ms later.
 */
static __always_inline __u64 rb_flags(const struct cpu_state *s)
{
	return !init_mm_addr || (s->op.flags & OPF_SUSPEND) ? BPF_RB_NO_WAKEUP : 0;
}

/* Slots per cpu, a power of two (--flight-events); 0: no recorder */
const volatile __u32 flight_n = 0;

/* Windows not sent: the ring buffer was half full (user space reports them) */
__u64 flight_dropped;

/*
 * One struct pinscope_window per possible cpu.  No BTF type: the loader sets
 * the value size to that of flight_n slots (bpf_map__set_value_size()), and
 * the verifier bounds each access by it (flight_n is a constant of .rodata).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* set by the loader */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct pinscope_window));	/* set by the loader */
} flight SEC(".maps");

/*
 * The last deferred xen_pte_unlock() of any cpu (fentry/kprobe, no lock
 * events): a locks-released leak there is judged so because the run saw
 * split locks used before (split_locks_seen), which the violation's cpu's
 * ring may not hold; each window carries it, and its snippet starts with it.
 * One slot, no lock (tracing programs cannot take a bpf_spin_lock): two cpus
 * writing at once may mix their events, which the snippet's replay tells
 * (reproduced false).
 */
struct pinscope_flight_ev flight_split;
__u32 flight_split_cpu;

static __always_inline void flight_split_note(const struct pinscope_event *e)
{
	if (!flight_n)
		return;
	flight_split.ts_ns = bpf_ktime_get_ns();
	flight_split.type = e->type;
	flight_split.pid = bpf_get_current_pid_tgid() >> 32;
	flight_split.arg[0] = e->arg[0];
	flight_split.arg[1] = e->arg[1];
	flight_split.arg[2] = e->arg[2];
	flight_split.arg[3] = e->arg[3];
	flight_split_cpu = e->cpu;
}

/* The event e entering the checker on this cpu: the ring's next slot */
static __always_inline void flight_record(const struct pinscope_event *e)
{
	struct pinscope_flight_ev *f;
	struct pinscope_window *w;
	__u32 cpu;

	if (!flight_n || e->type == PINSCOPE_EV_NONE)
		return;
	cpu = e->cpu;
	w = bpf_map_lookup_elem(&flight, &cpu);
	if (!w)
		return;
	f = &w->ev[w->head & (flight_n - 1) & (PINSCOPE_FLIGHT_MAX - 1)];
	f->ts_ns = bpf_ktime_get_ns();
	f->type = e->type;
	f->pid = bpf_get_current_pid_tgid() >> 32;
	f->arg[0] = e->arg[0];
	f->arg[1] = e->arg[1];
	f->arg[2] = e->arg[2];
	f->arg[3] = e->arg[3];
	w->head++;
}

/*
 * The violation r (not yet submitted) was reported on the cpu of state s:
 * its ring after it, if r is the first of its rule in the operation (s's
 * vmask does not have it yet)
 */
static __always_inline void flight_send(const struct cpu_state *s,
					const struct pinscope_violation *r)
{
	__u64 size = sizeof(struct pinscope_window) +
		     (__u64)flight_n * sizeof(struct pinscope_flight_ev);
	struct pinscope_window *w;
	__u32 cpu;

	if (!flight_n || (s->op.kind && (s->op.vmask & (1U << (r->rule & 7)))))
		return;
	cpu = r->cpu;
	w = bpf_map_lookup_elem(&flight, &cpu);
	if (!w)
		return;
	/* the violations keep half the ring buffer */
	if (bpf_ringbuf_query(&violations, BPF_RB_AVAIL_DATA) + size >
	    bpf_ringbuf_query(&violations, BPF_RB_RING_SIZE) / 2) {
		__sync_fetch_and_add(&flight_dropped, 1);
		return;
	}
	w->type = PINSCOPE_REC_WINDOW;
	w->n = flight_n;
	__builtin_memcpy(&w->v, r, sizeof(w->v));
	w->split_cpu = flight_split_cpu;
	__builtin_memcpy(&w->split, &flight_split, sizeof(w->split));
	if (bpf_ringbuf_output(&violations, w, size, rb_flags(s)))
		__sync_fetch_and_add(&flight_dropped, 1);
}

#else	/* the user-space engine runs replay only: nothing recorded */

static __always_inline __u64 rb_flags(const struct cpu_state *s) { (void)s; return 0; }

static __always_inline void flight_record(const struct pinscope_event *e) { (void)e; }
static __always_inline void flight_split_note(const struct pinscope_event *e) { (void)e; }
static __always_inline void flight_send(const struct cpu_state *s,
					const struct pinscope_violation *r) { (void)s; (void)r; }

#endif /* !PINSCOPE_USER_ENGINE */

#endif /* PINSCOPE_FLIGHT_BPF_H */
