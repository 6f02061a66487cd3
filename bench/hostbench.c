// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bench/hostbench.c - the host half of `make bench` (docs/performance.md).
 * Every measurement prints one JSON object per line on stdout; bench/run.py
 * turns them into the table.  Needs root (loads BPF).
 *
 *   hostbench replay [-e EVENTS] [-r REPS] [-c CAPS]
 *       a synthetic stream of >= EVENTS events from the model (tests/model.h)
 *       through pinscope's replay program, beside an empty replay-shaped
 *       program (bpf_loop over the same batch, empty callback) and a bare
 *       empty raw_tp; per-event cost = run_time_ns / events (bpf_stats)
 *   hostbench hooks [-e EVENTS] [-r REPS] [-l]
 *       the live raw_tp handlers of tracepoints mode, test-run one call per
 *       event of the model's tracepoints stream (a realistic argument
 *       sequence: pins and unpins with their locks, callbacks, flushes),
 *       each call followed by the empty raw_tp of the same hook and the
 *       "floor" program with the same arguments on the same cpu; -l: the
 *       handlers as `pinscope --lean` loads them
 *   hostbench idle [-e CALLS] [-r REPS] [-l]
 *       the flush hooks (reason, flush) of the current series' tracepoints
 *       mode on an idle system (no operation, no lock: a context switch's
 *       flush), CALLS test_runs each on cpu 0 beside their empty twins
 *   hostbench floors [-e CALLS] [-r REPS]
 *       the empty raw_tp and the floor program taken apart (one helper of
 *       live() per program), CALLS test_runs each on cpu 0
 *   hostbench startup T0_NS (tracepoints|replay)
 *       run by bench/run.py with fork+exec; T0_NS = CLOCK_MONOTONIC before
 *       the fork.  Opens, loads (and for tracepoints attaches, to stand-in
 *       host tracepoints: the xen ones do not exist here) like pinscope's
 *       start, then reports exec->ready times, VmHWM and map memlock
 *   hostbench spawn OUTFILE CMD [ARGS...]
 *       run CMD (stdout to OUTFILE), print its wall time and ru_maxrss: from
 *       this small process, so that the peak RSS is CMD's, not a big parent's
 *   hostbench insns [-H] [CONFIG...]
 *       the live programs as the loader loads them on this host's verifier,
 *       per configuration (tracepoints, fentry; each also --lean; default:
 *       all four): one line per program, "CONFIG PROGRAM XLATED JITED_BYTES
 *       VERIFIED"; fentry mode's own programs by their kprobe twins (the xen
 *       functions an fentry program attaches to at load do not exist here);
 *       -H holds the last configuration loaded until stdin closes (for
 *       bpftool prog dump xlated); tools/xlated.sh prints the table
 *   hostbench gentrace -e EVENTS -o FILE
 *       the model's tracepoints stream as a tracefs text trace (one event
 *       per line, the formats of the patched kernel), >= EVENTS lines
 *
 * bpf_stats are turned on with BPF_ENABLE_STATS for the process's lifetime
 * (bench/run.py also sets kernel.bpf_stats_enabled=1 and restores it).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "benchutil.h"
#include "engine/loader.h"
#include "model.h"
#include "pinscope.h"
#include "pinscope.skel.h"
#include "empty.skel.h"
#include "floors.h"
#include "report/stats.h"
#define PINSCOPE_USER_ENGINE	/* struct cpu_state only, not the BPF maps */
#include "bpf/maps.bpf.h"

#define PTE_UNLOCK_FN	0xffffffff81234560ULL
#define OTHER_CB_FN	0xffffffff81000000ULL	/* set_current_cr3 and the like */
#define MM_BASE		0xffff888001000000ULL

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, args) : 0;
}

static void die(const char *what)
{
	fprintf(stderr, "hostbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- the synthetic stream */

static const char *caps_name(__u32 caps)
{
	return caps == PINSCOPE_CAPS_TRACEPOINTS ? "tracepoints" :
	       caps == PINSCOPE_CAPS_FENTRY ? "fentry" : "mainline";
}

/*
 * A mix of small mms (fork/exec) and big ones (large mappings), 2 cpus, with
 * the unrelated multicall traffic (noise) of a real trace; cycles grow until
 * the stream has at least min_events events.
 */
static struct pinscope_event *make_stream(__u32 caps, size_t min_events, size_t *nr,
					  char *desc, size_t desclen)
{
	struct model_expect x;
	struct pinscope_event *ev = NULL;
	struct model *m;

	for (int cycles = 1; cycles < 4096; cycles *= 2) {
		struct model_cfg cfg = {
			.seed = 0xbe9c4 + cycles, .ncpus = 2, .nmms = 128, .min_ptes = 1,
			.max_ptes = 300, .big_mms = 8, .cycles = cycles, .split = true,
			.noise = true, .ties = false,
		};

		m = model_new(&cfg);
		if (!m || model_project(m, caps, &ev, nr, &x)) {
			fprintf(stderr, "hostbench: model failed (%s)\n", m ? model_describe(m) : "cfg");
			exit(1);
		}
		if (*nr >= min_events) {
			snprintf(desc, desclen, "%s", model_describe(m));
			model_free(m);
			return ev;
		}
		model_free(m);
		free(ev);
	}
	fprintf(stderr, "hostbench: model stream too short\n");
	exit(1);
}

static void type_mix(const struct pinscope_event *ev, size_t n)
{
	static const char *const names[PINSCOPE_NR_EV_TYPES] = {
		"none", "op_begin", "op_end", "page", "page_exit", "lock", "unlock", "do_pin",
		"mc_entry", "callback", "flush_reason", "flush", "flush_exit", "mc_issue", "end",
	};
	size_t cnt[PINSCOPE_NR_EV_TYPES] = { 0 };
	int first = 1;

	for (size_t i = 0; i < n; i++)
		cnt[ev[i].type < PINSCOPE_NR_EV_TYPES ? ev[i].type : 0]++;
	printf("\"mix\": {");
	for (int t = 0; t < PINSCOPE_NR_EV_TYPES; t++)
		if (cnt[t]) {
			printf("%s\"%s\": %zu", first ? "" : ", ", names[t], cnt[t]);
			first = 0;
		}
	printf("}");
}

/* ---- replay: the model's stream through the replay program */

static int cmd_replay(size_t min_events, int reps, __u32 caps)
{
	char desc[512];
	size_t n;
	struct pinscope_event *ev = make_stream(caps, min_events, &n, desc, sizeof(desc));
	int ncpus = 2;

	printf("{\"what\": \"replay-stream\", \"caps\": \"%s\", \"events\": %zu, \"model\": \"%s\", ",
	       caps_name(caps), n, desc);
	type_mix(ev, n);
	printf("}\n");
	fflush(stdout);

	for (int rep = 0; rep < reps; rep++) {
		struct loader_cfg cfg = { .mode = MODE_REPLAY, .caps = caps };
		struct pinscope_bpf *skel;
		struct empty_bpf *e;
		struct pstat p0, p1, e0, e1, b0, b1;
		__u64 wall_p = 0, wall_e = 0, t;
		struct pinscope_stats st;
		size_t total = n + ncpus;
		int pfd, efd, bfd;

		if (loader_open_load(&skel, &cfg))
			return 1;
		e = empty_bpf__open();
		if (!e)
			die("empty_bpf__open");
		bpf_program__set_autoload(e->progs.e_replay, true);
		bpf_program__set_autoload(e->progs.e_raw_tp, true);
		if (empty_bpf__load(e))
			die("empty_bpf__load");
		pfd = bpf_program__fd(skel->progs.replay);
		efd = bpf_program__fd(e->progs.e_replay);
		bfd = bpf_program__fd(e->progs.e_raw_tp);
		p0 = prog_stat(pfd);
		e0 = prog_stat(efd);
		b0 = prog_stat(bfd);
		for (size_t off = 0; off < total; off += PINSCOPE_REPLAY_BATCH) {
			size_t k = total - off < PINSCOPE_REPLAY_BATCH ? total - off : PINSCOPE_REPLAY_BATCH;
			struct pinscope_replay_buf *pb = &skel->bss->replay_in;
			struct pinscope_replay_buf *eb = &e->bss->replay_in;

			t = now_ns();
			for (size_t i = 0; i < k; i++) {
				if (off + i < n) {
					pb->ev[i] = ev[off + i];
				} else {	/* end of input on each cpu, as checker_end() */
					memset(&pb->ev[i], 0, sizeof(pb->ev[i]));
					pb->ev[i].type = PINSCOPE_EV_END;
					pb->ev[i].cpu = off + i - n;
					pb->ev[i].ts_ns = ev[n - 1].ts_ns;
				}
				/* the model's cpus are 0..n-1: their own slots */
				pb->ev[i].slot = pb->ev[i].cpu;
			}
			pb->nr = k;
			if (run_prog(pfd, NULL, 0, -1))
				die("test_run replay");
			wall_p += now_ns() - t;
			t = now_ns();
			memcpy(eb->ev, pb->ev, k * sizeof(pb->ev[0]));
			eb->nr = k;
			if (run_prog(efd, NULL, 0, -1))
				die("test_run e_replay");
			wall_e += now_ns() - t;
			if (run_prog(bfd, NULL, 0, -1))
				die("test_run e_raw_tp");
		}
		p1 = prog_stat(pfd);
		e1 = prog_stat(efd);
		b1 = prog_stat(bfd);
		p1 = pdelta(p0, p1);
		e1 = pdelta(e0, e1);
		b1 = pdelta(b0, b1);
		if (stats_read(bpf_map__fd(skel->maps.cpus), &st))
			die("stats_read");
		printf("{\"what\": \"replay\", \"caps\": \"%s\", \"rep\": %d, \"events\": %zu, "
		       "\"batches\": %llu, \"ns\": %llu, \"empty_ns\": %llu, \"bare_calls\": %llu, "
		       "\"bare_ns\": %llu, \"wall_ns\": %llu, \"empty_wall_ns\": %llu, "
		       "\"checked_events\": %llu, \"ops\": %llu, \"violations\": %llu, "
		       "\"lost_held_full\": %llu, \"unmatched_unlock\": %llu}\n",
		       caps_name(caps), rep, total, (unsigned long long)p1.cnt,
		       (unsigned long long)p1.ns, (unsigned long long)e1.ns,
		       (unsigned long long)b1.cnt, (unsigned long long)b1.ns,
		       (unsigned long long)wall_p, (unsigned long long)wall_e,
		       (unsigned long long)st.events, (unsigned long long)(st.ops[0] + st.ops[1]),
		       (unsigned long long)total_violations(&st),
		       (unsigned long long)st.lost.held_full,
		       (unsigned long long)st.lost.unmatched_unlock);
		fflush(stdout);
		empty_bpf__destroy(e);
		loader_destroy(skel);
	}
	free(ev);
	return 0;
}

/* ---- hooks: the live raw_tp handlers of tracepoints mode, one test_run per event */

enum hook {
	H_PGD_PIN, H_PGD_UNPIN, H_PIN_PAGE, H_UNPIN_PAGE, H_PTE_LOCK, H_PTE_UNLOCK,
	H_DO_PIN, H_MC_CALLBACK, H_MC_FLUSH_REASON, H_MC_FLUSH, H_MC_ISSUE, NR_HOOKS,
};

static const char *const hook_names[NR_HOOKS] = {
	"tp_pgd_pin", "tp_pgd_unpin", "tp_pin_page", "tp_unpin_page", "tp_pte_lock",
	"tp_pte_unlock", "tp_do_pin", "tp_mc_callback", "tp_mc_flush_reason", "tp_mc_flush",
	"tp_mc_issue",
};

/* The tracepoint call (TP_PROTO arguments) that an event of the stream is */
static int to_call(const struct pinscope_event *e, __u64 *a, int *nargs)
{
	__u64 mm = MM_BASE + ((e->arg[1] & 0xffff) << 12);

	memset(a, 0, 4 * sizeof(*a));
	switch (e->type) {
	case PINSCOPE_EV_OP_BEGIN:
		a[0] = e->arg[1];
		a[1] = e->arg[2];
		*nargs = 2;
		return e->arg[0] == PINSCOPE_OP_UNPIN ? H_PGD_UNPIN : H_PGD_PIN;
	case PINSCOPE_EV_PAGE:
		a[0] = mm;
		a[1] = e->arg[1];
		a[2] = e->arg[2];
		a[3] = e->arg[3];
		*nargs = 4;
		return e->arg[0] == PINSCOPE_OP_UNPIN ? H_UNPIN_PAGE : H_PIN_PAGE;
	case PINSCOPE_EV_LOCK:
		a[0] = mm;
		a[1] = e->arg[1];
		a[2] = e->arg[3];
		*nargs = 3;
		return H_PTE_LOCK;
	case PINSCOPE_EV_UNLOCK:
		a[0] = e->arg[3];
		*nargs = 1;
		return H_PTE_UNLOCK;
	case PINSCOPE_EV_DO_PIN:
		a[0] = e->arg[0];
		a[1] = e->arg[1];
		*nargs = 2;
		return H_DO_PIN;
	case PINSCOPE_EV_CALLBACK:
		a[0] = e->arg[0] ? PTE_UNLOCK_FN : OTHER_CB_FN;
		a[1] = e->arg[3];
		*nargs = 2;
		return H_MC_CALLBACK;
	case PINSCOPE_EV_FLUSH_REASON:
		a[0] = e->arg[0];
		*nargs = 1;
		return H_MC_FLUSH_REASON;
	case PINSCOPE_EV_FLUSH:
		a[0] = e->arg[0];
		a[1] = e->arg[1];
		a[2] = e->arg[2];
		*nargs = 3;
		return H_MC_FLUSH;
	case PINSCOPE_EV_MC_ISSUE:
		a[0] = 0;
		*nargs = 1;
		return H_MC_ISSUE;
	default:
		return -1;
	}
}

static struct bpf_program *hook_prog(struct pinscope_bpf *s, int h)
{
	struct bpf_program *p = bpf_object__find_program_by_name(s->obj, hook_names[h]);

	if (!p) {
		fprintf(stderr, "hostbench: no program %s\n", hook_names[h]);
		exit(1);
	}
	return p;
}

static struct bpf_program *empty_prog(struct empty_bpf *e, int h)
{
	char name[64];

	snprintf(name, sizeof(name), "e_%s", hook_names[h]);
	return bpf_object__find_program_by_name(e->obj, name);
}

/*
 * After a stream: the cpus whose busy flag is set (what nr_busy sums) and
 * those whose state is busy (bpf/check.bpf.h cpu_busy(), tracepoints caps:
 * no flush returns), for the bench's own check: nr_busy is the number of
 * flags, and every busy cpu has its flag (a flag may outlive its busy time
 * until the cpu's next flush, bpf/pinscope.bpf.c changes_busy()).
 */
static void busy_count(struct pinscope_bpf *skel, unsigned int *flags, unsigned int *states)
{
	struct cpu_state cs;

	*flags = *states = 0;
	for (__u32 cpu = 0; cpu < bpf_map__max_entries(skel->maps.cpus); cpu++) {
		if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.cpus), &cpu, &cs))
			die("read cpus");
		*flags += cs.busy != 0;
		*states += cs.op.kind || cs.held.tail != cs.held.head;
	}
}

static int cmd_hooks(size_t min_events, int reps, __u32 lean)
{
	char desc[512];
	size_t n;
	struct pinscope_event *ev = make_stream(PINSCOPE_CAPS_TRACEPOINTS, min_events, &n,
						desc, sizeof(desc));
	int ncpu = libbpf_num_possible_cpus();

	if (n > min_events)
		n = min_events;
	printf("{\"what\": \"hooks-stream\", \"events\": %zu, \"lean\": %u, \"model\": \"%s\", ",
	       n, lean, desc);
	type_mix(ev, n);
	printf("}\n");
	fflush(stdout);
	for (int rep = 0; rep < reps; rep++) {
		struct loader_cfg cfg = { .mode = MODE_TRACEPOINTS, .caps = PINSCOPE_CAPS_TRACEPOINTS,
					  .pte_unlock_fn = PTE_UNLOCK_FN, .want_stack = true,
					  .lean = lean };
		struct pinscope_bpf *skel;
		struct empty_bpf *e;
		int pfd[NR_HOOKS], efd[NR_HOOKS], ffd;
		struct pstat p0[NR_HOOKS], e0[NR_HOOKS];
		__u64 a[4], calls[NR_HOOKS] = { 0 }, fns[NR_HOOKS] = { 0 }, t0;
		struct pinscope_stats st;
		unsigned int busy_flags, busy_states;
		int nargs, h;

		if (loader_open_load(&skel, &cfg))
			return 1;
		loader_arm(skel);	/* as loader_attach() does: the hooks pass events on */
		e = empty_bpf__open();
		if (!e)
			die("empty_bpf__open");
		for (h = 0; h < NR_HOOKS; h++) {
			struct bpf_program *ep = empty_prog(e, h);

			if (!ep) {
				fprintf(stderr, "hostbench: no empty program e_%s\n", hook_names[h]);
				return 1;
			}
			bpf_program__set_autoload(ep, true);
		}
		bpf_program__set_autoload(e->progs.floor_raw_tp, true);
		if (empty_bpf__load(e))
			die("empty_bpf__load");
		ffd = bpf_program__fd(e->progs.floor_raw_tp);
		for (h = 0; h < NR_HOOKS; h++) {
			pfd[h] = bpf_program__fd(hook_prog(skel, h));
			efd[h] = bpf_program__fd(empty_prog(e, h));
			p0[h] = prog_stat(pfd[h]);
			e0[h] = prog_stat(efd[h]);
		}
		t0 = now_ns();
		for (size_t i = 0; i < n; i++) {
			int cpu = ev[i].cpu % ncpu;
			struct pstat fa, fb;

			h = to_call(&ev[i], a, &nargs);
			if (h < 0)
				continue;
			if (run_prog(pfd[h], a, nargs, cpu) || run_prog(efd[h], a, nargs, cpu))
				die("test_run hook");
			/* the floor program serves every hook: attribute its time per hook */
			fa = prog_stat(ffd);
			if (run_prog(ffd, a, nargs, cpu))
				die("test_run floor");
			fb = prog_stat(ffd);
			calls[h]++;
			fns[h] += fb.ns - fa.ns;
		}
		t0 = now_ns() - t0;
		if (stats_read(bpf_map__fd(skel->maps.cpus), &st))
			die("stats_read");
		for (h = 0; h < NR_HOOKS; h++) {
			struct pstat pd = pdelta(p0[h], prog_stat(pfd[h]));
			struct pstat ed = pdelta(e0[h], prog_stat(efd[h]));

			if (!pd.cnt)
				continue;
			printf("{\"what\": \"hook\", \"rep\": %d, \"prog\": \"%s\", \"cnt\": %llu, "
			       "\"ns\": %llu, \"empty_prog\": \"e_%s\", \"empty_cnt\": %llu, "
			       "\"empty_ns\": %llu, \"floor_cnt\": %llu, \"floor_ns\": %llu}\n",
			       rep, hook_names[h], (unsigned long long)pd.cnt,
			       (unsigned long long)pd.ns, hook_names[h], (unsigned long long)ed.cnt,
			       (unsigned long long)ed.ns, (unsigned long long)calls[h],
			       (unsigned long long)fns[h]);
		}
		busy_count(skel, &busy_flags, &busy_states);
		printf("{\"what\": \"hooks-run\", \"rep\": %d, \"events\": %zu, \"wall_ns\": %llu, "
		       "\"checked_events\": %llu, \"ops\": %llu, \"violations\": %llu, "
		       "\"lost_held_full\": %llu, \"unmatched_unlock\": %llu, \"nr_busy\": %llu, "
		       "\"busy_flags\": %u, \"busy_states\": %u}\n",
		       rep, n, (unsigned long long)t0, (unsigned long long)st.events,
		       (unsigned long long)(st.ops[0] + st.ops[1]),
		       (unsigned long long)total_violations(&st),
		       (unsigned long long)st.lost.held_full,
		       (unsigned long long)st.lost.unmatched_unlock,
		       (unsigned long long)skel->data_busy->nr_busy, busy_flags, busy_states);
		fflush(stdout);
		empty_bpf__destroy(e);
		loader_destroy(skel);
	}
	free(ev);
	return 0;
}

/* ---- idle: the flush hooks on an idle system (issue 27, item 2) */

/*
 * tp_mc_flush_reason and tp_mc_flush as the current series' tracepoints mode
 * loads them (caps TRACEPOINTS | FLUSH_EXIT | MMLOCK | OPEND; -l: --lean),
 * armed, no operation and no lock anywhere: every flush of the system outside
 * a pin or unpin (context switches).  CALLS test_runs of each on cpu 0, each
 * followed by its empty twin; one line per program: run_time_ns per call of
 * both (bpf_stats), their ratio, and the state the calls left (every flush
 * counted without --lean, none with it; nr_busy 0).
 */
static int cmd_idle(size_t calls, int reps, __u32 lean)
{
	static const int hooks[] = { H_MC_FLUSH_REASON, H_MC_FLUSH };

	for (int rep = 0; rep < reps; rep++) {
		struct loader_cfg cfg = { .mode = MODE_TRACEPOINTS, .caps = PINSCOPE_CAPS_TRACEPOINTS |
					  PINSCOPE_CAP_FLUSH_EXIT | PINSCOPE_CAP_MMLOCK |
					  PINSCOPE_CAP_OPEND, .pte_unlock_fn = PTE_UNLOCK_FN,
					  .want_stack = true };
		struct pinscope_bpf *skel;
		struct pinscope_stats st;
		struct empty_bpf *e;

		loader_set_lean(&cfg, lean);	/* as pinscope: --lean drops FLUSH_EXIT */
		if (loader_open_load(&skel, &cfg))
			return 1;
		loader_arm(skel);
		e = empty_bpf__open();
		if (!e)
			die("empty_bpf__open");
		for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
			bpf_program__set_autoload(empty_prog(e, hooks[i]), true);
		if (empty_bpf__load(e))
			die("empty_bpf__load");
		for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++) {
			int h = hooks[i], pfd = bpf_program__fd(hook_prog(skel, h));
			int efd = bpf_program__fd(empty_prog(e, h));
			/* a reason (BATCH); a flush of 1 entry, no callback */
			__u64 a[3] = { h == H_MC_FLUSH_REASON ? PINSCOPE_FL_BATCH : 1, 0, 0 };
			int nargs = h == H_MC_FLUSH_REASON ? 1 : 3;
			struct pstat p0 = prog_stat(pfd), e0 = prog_stat(efd), pd, ed;

			for (size_t n = 0; n < calls; n++)
				if (run_prog(pfd, a, nargs, 0) || run_prog(efd, a, nargs, 0))
					die("test_run idle hook");
			pd = pdelta(p0, prog_stat(pfd));
			ed = pdelta(e0, prog_stat(efd));
			printf("{\"what\": \"idle\", \"rep\": %d, \"lean\": %u, \"prog\": \"%s\", "
			       "\"cnt\": %llu, \"ns_per_call\": %.1f, \"empty_ns_per_call\": %.1f, "
			       "\"ratio\": %.2f}\n", rep, lean, hook_names[h],
			       (unsigned long long)pd.cnt, (double)pd.ns / (pd.cnt ?: 1),
			       (double)ed.ns / (ed.cnt ?: 1), ed.ns ? (double)pd.ns / ed.ns : 0);
		}
		if (stats_read(bpf_map__fd(skel->maps.cpus), &st))
			die("stats_read");
		printf("{\"what\": \"idle-run\", \"rep\": %d, \"events\": %llu, \"flushes\": %llu, "
		       "\"flush_reason_batch\": %llu, \"nr_busy\": %llu}\n", rep,
		       (unsigned long long)st.events, (unsigned long long)st.flushes,
		       (unsigned long long)st.flush_reason[1],
		       (unsigned long long)skel->data_busy->nr_busy);
		fflush(stdout);
		empty_bpf__destroy(e);
		loader_destroy(skel);
	}
	return 0;
}

/* ---- startup: exec -> ready, peak RSS, map memory */

/*
 * Host tracepoints that take the place of the xen ones for the attach: they
 * must exist and have at least 4 arguments (tp_pin_page reads args[3]); they
 * fire rarely or never on this machine.  The first that takes every program
 * is used.
 */
static const char *const standins[] = {
	"damon_aggregated", "kvm_exit", "xfs_ioctl_setattr", "mm_compaction_begin",
	"sched_stat_runtime", "task_rename", NULL,
};

static int cmd_startup(__u64 t0, const char *what)
{
	__u64 t_main = now_ns(), t_loaded, t_attached;
	struct loader_cfg cfg = { .mode = MODE_TRACEPOINTS, .caps = PINSCOPE_CAPS_TRACEPOINTS,
				  .pte_unlock_fn = PTE_UNLOCK_FN, .want_stack = true };
	struct bpf_link *links[64];
	struct pinscope_bpf *skel;
	struct bpf_program *prog;
	struct bpf_map *map;
	const char *standin = "-";
	int nlinks = 0, replay = !strcmp(what, "replay");
	long long memlock = 0;
	struct rusage ru;

	if (replay) {
		cfg.mode = MODE_REPLAY;
		cfg.caps = PINSCOPE_CAPS_TRACEPOINTS;
	}
	if (loader_open_load(&skel, &cfg))
		return 1;
	t_loaded = now_ns();
	if (!replay) {
		for (int s = 0; standins[s] && !nlinks; s++) {
			bpf_object__for_each_program(prog, skel->obj) {
				if (!bpf_program__autoload(prog))
					continue;
				links[nlinks] = bpf_program__attach_raw_tracepoint(prog, standins[s]);
				if (!links[nlinks]) {
					while (nlinks)
						bpf_link__destroy(links[--nlinks]);
					break;
				}
				nlinks++;
			}
			if (nlinks)
				standin = standins[s];
		}
		loader_arm(skel);	/* the last step of loader_attach() */
	}
	t_attached = now_ns();
	bpf_object__for_each_map(map, skel->obj) {
		long long m = fd_memlock(bpf_map__fd(map));

		if (m > 0)
			memlock += m;
	}
	printf("{\"what\": \"startup\", \"mode\": \"%s\", \"exec_to_main_ns\": %llu, "
	       "\"load_ns\": %llu, \"attach_ns\": %llu, \"exec_to_ready_ns\": %llu, "
	       "\"links\": %d, \"standin\": \"%s\", \"vmhwm_kb\": %ld, \"vmrss_kb\": %ld, "
	       "\"maps_memlock\": %lld, \"maps\": {",
	       what, (unsigned long long)(t_main - t0), (unsigned long long)(t_loaded - t_main),
	       (unsigned long long)(t_attached - t_loaded), (unsigned long long)(t_attached - t0),
	       nlinks, standin, proc_status_kb(getpid(), "VmHWM:"),
	       proc_status_kb(getpid(), "VmRSS:"), memlock);
	{
		int first = 1;

		bpf_object__for_each_map(map, skel->obj) {
			printf("%s\"%s\": %lld", first ? "" : ", ", bpf_map__name(map),
			       fd_memlock(bpf_map__fd(map)));
			first = 0;
		}
	}
	printf("}, \"verified_insns\": {");
	{
		int first = 1;

		/* what the verifier walked, per program: its share of the load
		 * time, and a figure that does not depend on the machine's load */
		bpf_object__for_each_program(prog, skel->obj) {
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);

			if (!bpf_program__autoload(prog) ||
			    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
				continue;
			printf("%s\"%s\": %u", first ? "" : ", ", bpf_program__name(prog),
			       info.verified_insns);
			first = 0;
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("}, \"cpu_ns\": %llu}\n",
	       (unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
		       (unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL);
	fflush(stdout);
	while (nlinks)
		bpf_link__destroy(links[--nlinks]);
	loader_destroy(skel);
	return replay || nlinks >= 0 ? 0 : 1;
}

/* ---- insns: the size of every live program after the verifier */

static int cmd_insns(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum pinscope_mode mode;
		__u32 caps, lean;
	} configs[] = {
		/* a patched kernel with BTF: xen_mc_flush's return is hooked too
		 * (user/live/probe.c); its fexit program cannot load here; the
		 * current series and a stock kernel with BTF record the mm lock;
		 * the current series ends operations with xen_mmu_pgd_done (OPEND),
		 * one before issue 27 with xen_mc_issue and the flush after it */
		{ "tracepoints", MODE_TRACEPOINTS, PINSCOPE_CAPS_TRACEPOINTS |
		  PINSCOPE_CAP_FLUSH_EXIT | PINSCOPE_CAP_MMLOCK | PINSCOPE_CAP_OPEND, 0 },
		{ "tracepoints-lean", MODE_TRACEPOINTS, PINSCOPE_CAPS_TRACEPOINTS |
		  PINSCOPE_CAP_FLUSH_EXIT | PINSCOPE_CAP_MMLOCK | PINSCOPE_CAP_OPEND, PINSCOPE_LEAN_ALL },
		{ "tracepoints-issue", MODE_TRACEPOINTS,
		  PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_FLUSH_EXIT | PINSCOPE_CAP_MMLOCK, 0 },
		{ "fentry", MODE_KPROBE, PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK, 0 },
		{ "fentry-lean", MODE_KPROBE, PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK,
		  PINSCOPE_LEAN_ALL },
	};
	struct pinscope_bpf *skel = NULL;
	struct bpf_program *prog;
	const char *last = NULL;
	bool hold = argc > 0 && !strcmp(argv[0], "-H");
	int found = 0;
	char c;

	if (hold) {
		argc--;
		argv++;
	}
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		bool wanted = !argc;

		for (int a = 0; a < argc; a++)
			wanted |= !strcmp(argv[a], configs[i].name);
		if (!wanted)
			continue;
		found++;
		last = configs[i].name;
		struct loader_cfg cfg = { .mode = configs[i].mode, .caps = configs[i].caps,
					  .pte_unlock_fn = PTE_UNLOCK_FN, .want_stack = true };

		/* --lean's bits as pinscope sets them: tracepoints-lean without
		 * FLUSH_EXIT (user/engine/loader.c loader_set_lean()) */
		loader_set_lean(&cfg, configs[i].lean);

		if (skel)
			loader_destroy(skel);
		skel = NULL;
		if (loader_open_load(&skel, &cfg))
			return 1;
		bpf_object__for_each_program(prog, skel->obj) {
			struct bpf_prog_info info = {};
			__u32 len = sizeof(info);

			if (!bpf_program__autoload(prog))
				continue;
			if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
				fprintf(stderr, "Failed to read the program info of %s: %s\n",
					bpf_program__name(prog), strerror(errno));
				loader_destroy(skel);
				return 1;
			}
			printf("%s %s %u %u %u\n", configs[i].name, bpf_program__name(prog),
			       info.xlated_prog_len / 8, info.jited_prog_len, info.verified_insns);
		}
	}
	if (found < (argc ?: 1)) {
		fprintf(stderr, "Failed to find a configuration among %s: tracepoints, "
			"tracepoints-lean, tracepoints-issue, fentry, fentry-lean\n",
			argc ? "the arguments" : "none");
		loader_destroy(skel);
		return 2;
	}
	fflush(stdout);
	if (hold) {
		fprintf(stderr, "hostbench: %s loaded (pid %d); close stdin to unload\n",
			last, getpid());
		while (read(0, &c, 1) > 0)
			;
	}
	loader_destroy(skel);
	return 0;
}

/* ---- gentrace: the model's tracepoints stream as a tracefs text trace */

static const char *const level_names[] = { "PGD", "P4D", "PUD", "PMD", "PTE", "PTE" };
static const char *const cmd_names[] = {
	"PIN_L1_TABLE", "PIN_L2_TABLE", "PIN_L3_TABLE", "PIN_L4_TABLE", "UNPIN_TABLE",
};
static const char *const reason_names[] = { "NONE", "BATCH", "ARGS", "CALLBACK" };

static int cmd_gentrace(size_t min_lines, const char *out)
{
	char desc[512];
	size_t n, lines = 0;
	struct pinscope_event *ev = make_stream(PINSCOPE_CAPS_TRACEPOINTS, min_lines, &n,
						desc, sizeof(desc));
	FILE *f = fopen(out, "w");

	if (!f)
		die(out);
	fprintf(f, "# tracer: nop\n#\n# generated by bench/hostbench gentrace from tests/model.c: %s\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"#              | |         |   |||||     |         |\n", desc);
	for (size_t i = 0; i < n && lines < min_lines; i++) {
		const struct pinscope_event *e = &ev[i];
		unsigned long long a0 = e->arg[0], a1 = e->arg[1], a2 = e->arg[2], a3 = e->arg[3];
		__u64 mm = MM_BASE + ((a1 & 0xffff) << 12);
		char text[160];

		switch (e->type) {
		case PINSCOPE_EV_OP_BEGIN:
			snprintf(text, sizeof(text), "%s: mm %016llx pgd %016llx",
				 a0 == PINSCOPE_OP_UNPIN ? "xen_mmu_pgd_unpin" : "xen_mmu_pgd_pin",
				 a1, a2);
			break;
		case PINSCOPE_EV_PAGE:
			snprintf(text, sizeof(text), "%s: mm %016llx pfn %llx level %s ptl %016llx",
				 a0 == PINSCOPE_OP_UNPIN ? "xen_mmu_unpin_page" : "xen_mmu_pin_page",
				 (unsigned long long)mm, a1, level_names[a2 < 6 ? a2 : 5], a3);
			break;
		case PINSCOPE_EV_LOCK:
			snprintf(text, sizeof(text), "xen_mmu_pte_lock: mm %016llx pfn %llx ptl %016llx",
				 (unsigned long long)mm, a1, a3);
			break;
		case PINSCOPE_EV_UNLOCK:
			snprintf(text, sizeof(text), "xen_mmu_pte_unlock: ptl %016llx", a3);
			break;
		case PINSCOPE_EV_DO_PIN:
			snprintf(text, sizeof(text), "xen_mmu_do_pin: cmd %s pfn %llx",
				 cmd_names[a0 < 5 ? a0 : 0], a1);
			break;
		case PINSCOPE_EV_CALLBACK:
			snprintf(text, sizeof(text), "xen_mc_callback: callback %s, data %016llx",
				 a0 ? "xen_pte_unlock" : "set_current_cr3", a3);
			break;
		case PINSCOPE_EV_FLUSH_REASON:
			snprintf(text, sizeof(text), "xen_mc_flush_reason: flush reason %s",
				 reason_names[a0 & 3]);
			break;
		case PINSCOPE_EV_FLUSH:
			snprintf(text, sizeof(text),
				 "xen_mc_flush: flushing %llu hypercalls, %llu arg bytes, %llu callbacks",
				 a0, a1, a2);
			break;
		case PINSCOPE_EV_MC_ISSUE:
			snprintf(text, sizeof(text), "xen_mc_issue: start batch LAZY_MMU");
			break;
		default:
			continue;
		}
		fprintf(f, "%16.16s-%-7u [%03u] d.... %5llu.%09llu: %s\n", e->comm, e->pid, e->cpu,
			(unsigned long long)(e->ts_ns / 1000000000ULL),
			(unsigned long long)(e->ts_ns % 1000000000ULL), text);
		lines++;
	}
	if (fclose(f))
		die(out);
	printf("{\"what\": \"gentrace\", \"file\": \"%s\", \"lines\": %zu, \"model\": \"%s\"}\n",
	       out, lines, desc);
	free(ev);
	return 0;
}

/* ---- spawn: exec a command from this small process, its wall time and peak RSS
 * (ru_maxrss counts the forking process's RSS too: python's would dominate) */

static int cmd_spawn(const char *out, char **argv)
{
	__u64 t0 = now_ns();
	struct rusage ru;
	int st = 0;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (!pid) {
		FILE *f = freopen(out, "w", stdout);

		if (!f)
			_exit(126);
		freopen("/dev/null", "w", stderr);
		execv(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0)
		die("wait4");
	/* cpu_ns: user + system time, what other work on the machine does not add to */
	printf("{\"what\": \"spawn\", \"wall_ns\": %llu, \"cpu_ns\": %llu, \"maxrss_kb\": %ld, "
	       "\"rc\": %d}\n", (unsigned long long)(now_ns() - t0),
	       (unsigned long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ULL +
		       (unsigned long long)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ULL,
	       ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "Usage: hostbench replay|hooks|floors [-e EVENTS] [-r REPS] [-c tracepoints|fentry|mainline] [-l]\n"
			"       hostbench idle [-e CALLS] [-r REPS] [-l]\n"
			"       hostbench startup T0_NS tracepoints|replay\n"
			"       hostbench insns [-H] [CONFIG...]\n"
			"       hostbench btf\n"
			"       hostbench spawn OUTFILE CMD [ARGS...]\n"
			"       hostbench gentrace -e LINES -o FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t events = 1000000;
	const char *cmd, *out = NULL;
	__u32 caps = PINSCOPE_CAPS_TRACEPOINTS;
	int reps = 5, c, stats_fd;
	__u32 lean = 0;

	if (argc < 2)
		usage();
	cmd = argv[1];
	libbpf_set_print(quiet_print);
	if (!strcmp(cmd, "spawn")) {
		if (argc < 4)
			usage();
		return cmd_spawn(argv[2], argv + 3);
	}
	if (!strcmp(cmd, "btf"))
		return btf_load_cost();
	if (!strcmp(cmd, "insns"))
		return cmd_insns(argc - 2, argv + 2);
	if (!strcmp(cmd, "startup")) {
		if (argc != 4)
			usage();
		return cmd_startup(strtoull(argv[2], NULL, 10), argv[3]);
	}
	optind = 2;
	while ((c = getopt(argc, argv, "e:r:c:o:l")) != -1) {
		switch (c) {
		case 'e': events = strtoull(optarg, NULL, 0); break;
		case 'r': reps = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'l': lean = PINSCOPE_LEAN_ALL; break;	/* hooks: as pinscope --lean */
		case 'c':
			caps = !strcmp(optarg, "fentry") ? PINSCOPE_CAPS_FENTRY :
			       !strcmp(optarg, "mainline") ? PINSCOPE_CAPS_MAINLINE :
			       PINSCOPE_CAPS_TRACEPOINTS;
			break;
		default: usage();
		}
	}
	if (!strcmp(cmd, "gentrace")) {
		if (!out)
			usage();
		return cmd_gentrace(events, out);
	}
	/* run-time stats for as long as this fd is open (BPF_ENABLE_STATS) */
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0)
		die("BPF_ENABLE_STATS");
	if (!strcmp(cmd, "replay"))
		return cmd_replay(events, reps, caps);
	if (!strcmp(cmd, "hooks"))
		return cmd_hooks(events, reps, lean);
	if (!strcmp(cmd, "idle"))
		return cmd_idle(events, reps, lean);
	if (!strcmp(cmd, "floors"))
		return floors_run(events, reps) ? 1 : 0;	/* floors.h said what failed */
	usage();
	return 2;
}
