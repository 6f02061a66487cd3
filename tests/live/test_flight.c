// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The flight recorder (bpf/flight.bpf.h) and live --evidence, on the live
 * raw_tp handlers of tracepoints mode run with BPF_PROG_TEST_RUN (as
 * tests/engine/test_hooks.c): a violation fed to them comes with its cpu's
 * window, which becomes a snippet that `pinscope replay` gives exit 3 for,
 * with that rule alone.  $PINSCOPE is the binary (default .output/pinscope).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include "engine/loader.h"
#include "input/evidence.h"
#include "input/flight.h"
#include "input/trace.h"
#include "report/evidence.h"
#include "report/names.h"
#include "report/stats.h"
#include "report/violations.h"
#include "pinscope.skel.h"
#include "test_file.h"
#define PINSCOPE_USER_ENGINE	/* struct cpu_state only, not the BPF maps */
#include "bpf/maps.bpf.h"

#define PTE_UNLOCK_FN 0xffffffff81234560ULL
#define MM 0xffff888001000000ULL
#define PTL 0xffff888002000040ULL

static void tp_on(__u32 cpu, struct bpf_program *prog, int n, __u64 a0, __u64 a1, __u64 a2,
		  __u64 a3)
{
	__u64 args[4] = { a0, a1, a2, a3 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = args, .ctx_size_in = n * sizeof(__u64),
		    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &opts), 0);
}

/* A pin on a cpu as the patch traces it, its PTE lock released before the
 * flush when early_unlock (unlock-after-flush) */
static void pin_on(struct pinscope_bpf *s, __u32 cpu, __u64 pfn, bool early_unlock)
{
	tp_on(cpu, s->progs.tp_pgd_pin, 2, MM, 0xffff888003000000ULL, 0, 0);
	tp_on(cpu, s->progs.tp_pin_page, 4, MM, pfn, PINSCOPE_L_PUD, 0);
	tp_on(cpu, s->progs.tp_pte_lock, 3, MM, pfn + 1, PTL, 0);
	tp_on(cpu, s->progs.tp_pin_page, 4, MM, pfn + 1, PINSCOPE_L_PTE, PTL);
	tp_on(cpu, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L1, pfn + 1, 0, 0);
	if (early_unlock)
		tp_on(cpu, s->progs.tp_pte_unlock, 1, PTL, 0, 0, 0);
	else
		tp_on(cpu, s->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL, 0, 0);
	tp_on(cpu, s->progs.tp_pin_page, 4, MM, pfn + 2, PINSCOPE_L_PGD, 0);
	tp_on(cpu, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L4, pfn + 2, 0, 0);
	tp_on(cpu, s->progs.tp_mc_issue, 1, 0, 0, 0, 0);
	tp_on(cpu, s->progs.tp_mc_flush_reason, 1, PINSCOPE_FL_EXPLICIT, 0, 0, 0);
	tp_on(cpu, s->progs.tp_mc_flush, 3, 5, 48, 1, 0);
	if (!early_unlock)
		tp_on(cpu, s->progs.tp_pte_unlock, 1, PTL, 0, 0, 0);
	tp_on(cpu, s->progs.tp_mc_issue, 1, 0, 0, 0, 0);	/* next event: the op is over */
}

struct run {
	struct pinscope_bpf *skel;
	struct report rep;
	struct viol_sink sink;
	struct evidence ev;
	struct evidence_capture *cap;
	char dir[64];
	__u64 windows;		/* window records seen, whatever the capture keeps */
	struct pinscope_window *last;	/* a copy of the last */
};

static void on_window(void *ctx, const struct pinscope_window *w)
{
	struct run *r = ctx;
	size_t size = sizeof(*w) + w->n * sizeof(w->ev[0]);

	r->windows++;
	free(r->last);
	r->last = malloc(size);
	assert_non_null(r->last);
	memcpy(r->last, w, size);
	evidence_capture_window(r->cap, w);
}

/* mode (tracepoints or kprobe) with its caps (tracepoints: the series
 * before issue 27 unless caps say otherwise) and a flight recorder of n slots
 * (0: none), armed, its evidence going to a new directory, its lines those of
 * the mode (as cmd_live.c) */
static struct run *load_mode(enum pinscope_mode mode, __u32 n, __u32 ringbuf_size, __u32 caps)
{
	struct loader_cfg cfg = { .mode = mode, .caps = caps,
				  .pte_unlock_fn = PTE_UNLOCK_FN, .want_stack = true,
				  .flight_n = n, .ringbuf_size = ringbuf_size };
	struct run *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	assert_int_equal(loader_open_load(&r->skel, &cfg), 0);
	loader_arm(r->skel);
	strcpy(r->dir, "/tmp/pinscope-flight-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	r->ev = (struct evidence){ .dir = r->dir, .dir_fd = -1, .input = "live", .max = 1,
				   .live = true, .caps = cfg.caps, .mode = loader_mode_name(mode) };
	assert_int_equal(evidence_dir_open(&r->ev), 0);
	r->cap = evidence_capture_new(&r->ev, false);
	assert_non_null(r->cap);
	r->sink = (struct viol_sink){ .rep = &r->rep, .window = on_window, .window_ctx = r };
	return r;
}

static struct run *load_rb(__u32 n, __u32 ringbuf_size)
{
	return load_mode(MODE_TRACEPOINTS, n, ringbuf_size, PINSCOPE_CAPS_TRACEPOINTS);
}

static struct run *load(__u32 n)
{
	return load_rb(n, 0);
}

/* The ring buffer's records into the report and the capture; the evidence written */
static void finish_run(struct run *r)
{
	struct ring_buffer *rb = violations_open(bpf_map__fd(r->skel->maps.violations), &r->sink);

	assert_non_null(rb);
	assert_true(ring_buffer__consume(rb) >= 0);
	ring_buffer__free(rb);
	assert_int_equal(r->sink.bad_records, 0);
	assert_int_equal(evidence_capture_finish(r->cap), 0);
	r->ev.no_window = r->skel->bss->flight_dropped;	/* as cmd_live.c */
	assert_int_equal(evidence_write(&r->ev), 0);
}

/*
 * kprobe mode: cpu 0 in a pin operation (its begin is a kprobe, which
 * BPF_PROG_TEST_RUN cannot run: the state is set as after it), then one more
 * deferred unlock queued than a batch has callbacks, no flush: locks-bounded
 * violated, its window sent; the run finished
 */
static void locks_bounded_on_cpu0(struct run *r)
{
	int fd = bpf_map__fd(r->skel->maps.cpus);
	struct cpu_state cs;
	__u32 cpu = 0;

	assert_int_equal(bpf_map_lookup_elem(fd, &cpu, &cs), 0);
	cs.op.kind = PINSCOPE_OP_PIN;
	assert_int_equal(bpf_map_update_elem(fd, &cpu, &cs, BPF_ANY), 0);
	for (__u64 i = 0; i <= PINSCOPE_MC_BATCH; i++)
		tp_on(0, r->skel->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL + 64 * i, 0, 0);
	finish_run(r);
}

static void free_run(struct run *r)
{
	char cmd[128];

	evidence_capture_free(r->cap);
	evidence_free(&r->ev);
	report_free(&r->rep);
	loader_destroy(r->skel);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", r->dir);
	assert_int_equal(system(cmd), 0);
	free(r->last);
	free(r);
}

/* `pinscope replay FILE --violations all`: its exit code, its output in out */
static int replay(const char *file, char *out, size_t len)
{
	const char *bin = getenv("PINSCOPE") ?: ".output/pinscope";
	char cmd[512];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s replay --violations all %s 2>&1", bin, file);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, len - 1, p);
	out[n] = 0;
	st = pclose(p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* Each VIOLATION line of a report names this rule */
static void only_rule(const char *out, const char *rule)
{
	char want[64];
	int n = 0;

	snprintf(want, sizeof(want), "VIOLATION %s ", rule);
	for (const char *l = out; (l = strstr(l, "VIOLATION ")); l++, n++)
		assert_true(!strncmp(l, want, strlen(want)));
	assert_true(n >= 1);
}

/*
 * The pin with its lock released before the flush: the violation record,
 * then its window (the operation's 6 events, the clean pin before it on
 * the same cpu, none of cpu 1's), whose snippet replays to exit 3 with
 * unlock-after-flush alone, minimized.
 */
static void test_violation_comes_with_window(void **state)
{
	struct run *r = load(64);
	const struct evidence_item *it;
	char path[128], out[16384];
	json_object *idx, *fl;

	(void)state;
	pin_on(r->skel, 0, 0x200, false);	/* clean: 13 events */
	pin_on(r->skel, 1, 0x900, false);	/* another cpu's */
	pin_on(r->skel, 0, 0x100, true);	/* 6 events to the early unlock */
	finish_run(r);
	assert_int_equal(r->rep.nr_viol, 1);
	assert_int_equal(r->windows, 1);
	assert_int_equal(r->last->v.rule, PINSCOPE_R_UNLOCK_AFTER_FLUSH);
	assert_int_equal(r->last->v.cpu, 0);
	assert_int_equal(r->last->n, 64);
	assert_int_equal(r->last->head, 13 + 6);	/* the pin before, then this one's */
	/* the clock read for each (the pid is that of the task the test run
	 * interrupts on that cpu) */
	for (__u64 k = 1; k < r->last->head; k++)
		assert_true(r->last->ev[k].ts_ns >= r->last->ev[k - 1].ts_ns && r->last->ev[0].ts_ns);
	assert_int_equal(r->last->ev[r->last->head - 1].type, PINSCOPE_EV_UNLOCK);
	assert_int_equal(r->last->ev[13].type, PINSCOPE_EV_OP_BEGIN);
	assert_int_equal(r->last->ev[13].arg[1], MM);

	assert_int_equal(r->ev.nr, 1);
	it = &r->ev.items[0];
	assert_int_equal(it->window, 19);
	assert_int_equal(it->window_first, 1);
	assert_int_equal(it->window_last, 19);
	assert_false(it->window_cut);
	assert_int_equal(it->mm, MM);
	assert_true(it->reproduced && it->minimized);
	assert_true(it->nr_lines >= 2 && it->nr_lines <= 6);
	for (size_t k = 0; k < it->nr_lines; k++)	/* the operation's, not the pin before */
		assert_true(it->lines[k].lineno >= 14);

	snprintf(path, sizeof(path), "%s/001-unlock-after-flush.trace", r->dir);
	assert_int_equal(replay(path, out, sizeof(out)), PINSCOPE_EXIT_VIOLATION);
	only_rule(out, "unlock-after-flush");
	assert_non_null(strstr(out, "pin pfn 0x101"));
	snprintf(path, sizeof(path), "%s/index.json", r->dir);
	idx = json_object_from_file(path);
	assert_non_null(idx);
	assert_string_equal(json_object_get_string(json_object_object_get(idx, "input")), "live");
	fl = json_object_object_get(idx, "flight");
	assert_int_equal(json_object_get_uint64(json_object_object_get(fl, "windows")), 1);
	assert_int_equal(json_object_get_uint64(json_object_object_get(fl, "dropped")), 0);
	json_object_put(idx);
	free_run(r);
}

/* Without --evidence (flight_n 0) a violation sends no window */
static void test_no_recorder_no_window(void **state)
{
	struct run *r = load(0);

	(void)state;
	pin_on(r->skel, 0, 0x100, true);
	finish_run(r);
	assert_int_equal(r->rep.nr_viol, 1);
	assert_int_equal(r->windows, 0);
	assert_int_equal(r->ev.nr, 0);
	free_run(r);
}

/*
 * The violations keep half the ring buffer: a window that does not fit in
 * the other half (64 slots, 3 KiB, in a 4 KiB buffer) is not sent, and is
 * counted in index.json
 */
static void test_window_needs_half_the_ring(void **state)
{
	struct run *r = load_rb(64, 4096);
	char path[128];
	json_object *idx;

	(void)state;
	pin_on(r->skel, 0, 0x100, true);
	finish_run(r);
	assert_int_equal(r->rep.nr_viol, 1);
	assert_int_equal(r->windows, 0);
	snprintf(path, sizeof(path), "%s/index.json", r->dir);
	idx = json_object_from_file(path);
	assert_non_null(idx);
	assert_int_equal(json_object_get_uint64(json_object_object_get(
		json_object_object_get(idx, "flight"), "dropped")), 1);
	json_object_put(idx);
	free_run(r);
}

/*
 * Two PTE pages of one pin released before the flush: two violations of
 * unlock-after-flush, one window (the second would carry the same events)
 */
static void test_one_window_per_operation_and_rule(void **state)
{
	struct run *r = load(64);
	struct pinscope_bpf *s = r->skel;

	(void)state;
	tp_on(0, s->progs.tp_pgd_pin, 2, MM, 0xffff888003000000ULL, 0, 0);
	for (__u64 pfn = 0x101; pfn <= 0x102; pfn++) {
		tp_on(0, s->progs.tp_pte_lock, 3, MM, pfn, PTL + pfn, 0);
		tp_on(0, s->progs.tp_pin_page, 4, MM, pfn, PINSCOPE_L_PTE, PTL + pfn);
		tp_on(0, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L1, pfn, 0, 0);
		tp_on(0, s->progs.tp_pte_unlock, 1, PTL + pfn, 0, 0, 0);
	}
	finish_run(r);
	assert_int_equal(r->rep.nr_viol, 2);
	assert_int_equal(r->windows, 1);
	assert_int_equal(r->last->v.pfn, 0x101);
	assert_int_equal(s->bss->flight_dropped, 0);
	free_run(r);
}

/*
 * A ring of 16 slots that turned over: it holds the last 16 events, oldest
 * first, and the snippet from them still replays to the rule
 */
static void test_ring_turns_over(void **state)
{
	struct run *r = load(16);
	const struct evidence_item *it;
	char path[128], out[16384];

	(void)state;
	pin_on(r->skel, 0, 0x200, false);
	pin_on(r->skel, 0, 0x100, true);
	finish_run(r);
	assert_int_equal(r->windows, 1);
	assert_int_equal(r->last->head, 19);
	assert_int_equal(r->last->ev[(19 - 1) % 16].type, PINSCOPE_EV_UNLOCK);
	it = &r->ev.items[0];
	assert_int_equal(it->window, 16);
	assert_true(it->reproduced);
	snprintf(path, sizeof(path), "%s/001-unlock-after-flush.trace", r->dir);
	assert_int_equal(replay(path, out, sizeof(out)), PINSCOPE_EXIT_VIOLATION);
	only_rule(out, "unlock-after-flush");
	free_run(r);
}

/*
 * kprobe mode (stock kernels, fentry's events): the multicall hooks, which
 * are raw tracepoints there too, record into the ring under the stock
 * setting, and a violation sends it.  Its operation's begin comes from a
 * kprobe, which BPF_PROG_TEST_RUN cannot run: the cpu's state is set as
 * after it.  33 deferred unlocks queued in the operation, no flush: more
 * split locks held than a batch has callbacks (locks-bounded, counted from
 * the deferred unlocks).  The window's events become the lines of the run's
 * mode, which read back to the recorded events, and the snippet names it.
 */
static void test_kprobe_mode_window(void **state)
{
	struct run *r = load_mode(MODE_KPROBE, 64, 0, PINSCOPE_CAPS_FENTRY);
	struct pinscope_event ev;
	char line[512], err[160], path[128], head[512];
	__u64 mm = 0;
	json_object *idx;
	FILE *f;

	(void)state;
	locks_bounded_on_cpu0(r);
	assert_int_equal(r->rep.nr_viol, 1);
	assert_int_equal(r->rep.viol[0].rule, PINSCOPE_R_LOCKS_BOUNDED);
	assert_int_equal(r->windows, 1);
	assert_int_equal(r->last->head, PINSCOPE_MC_BATCH + 1);
	for (__u64 k = 0; k < r->last->head; k++) {
		assert_int_equal(r->last->ev[k].type, PINSCOPE_EV_CALLBACK);
		assert_int_equal(r->last->ev[k].arg[3], PTL + 64 * k);
		/* the run's lines: the mainline tracepoint's, read back to the event */
		assert_int_equal(flight_line(r->last, k, r->ev.caps, &mm, line, sizeof(line)), 1);
		assert_int_equal(trace_parse_line(line, &ev, err, sizeof(err)), TRACE_LINE_EVENT);
		assert_int_equal(ev.type, PINSCOPE_EV_CALLBACK);
		assert_int_equal(ev.arg[3], PTL + 64 * k);
	}
	/* its begin was not recorded (set by hand): the window alone does not
	 * give the violation, kept whole, said so */
	assert_int_equal(r->ev.nr, 1);
	assert_false(r->ev.items[0].reproduced);
	assert_int_equal(r->ev.items[0].nr_lines, PINSCOPE_MC_BATCH + 1);
	snprintf(path, sizeof(path), "%s/001-locks-bounded.trace", r->dir);
	f = fopen(path, "r");
	assert_non_null(f);
	head[fread(head, 1, sizeof(head) - 1, f)] = 0;
	fclose(f);
	assert_non_null(strstr(head, "the flight recorder (live, kprobe mode)"));
	snprintf(path, sizeof(path), "%s/index.json", r->dir);
	idx = json_object_from_file(path);
	assert_non_null(idx);
	assert_string_equal(json_object_get_string(json_object_object_get(
		json_object_object_get(idx, "flight"), "mode")), "kprobe");
	json_object_put(idx);
	free_run(r);
}

/*
 * The current series ends an operation at xen_mmu_pgd_done (caps OPEND):
 * a lock its flush did not release is reported there (locks-released), and
 * the window's end event becomes a xen_mmu_pgd_done line that the snippet
 * needs: replayed, it ends the operation where the kernel did.
 */
static void test_lock_left_held_at_pgd_done(void **state)
{
	struct run *r = load_mode(MODE_TRACEPOINTS, 64, 0,
				  PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND);
	struct pinscope_bpf *s = r->skel;
	const struct evidence_item *it;
	char path[128], out[16384], *text;

	(void)state;
	tp_on(0, s->progs.tp_pgd_pin, 2, MM, 0xffff888003000000ULL, 0, 0);
	tp_on(0, s->progs.tp_pte_lock, 3, MM, 0x101, PTL, 0);
	tp_on(0, s->progs.tp_pin_page, 4, MM, 0x101, PINSCOPE_L_PTE, PTL);
	tp_on(0, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L1, 0x101, 0, 0);
	tp_on(0, s->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL, 0, 0);
	tp_on(0, s->progs.tp_pin_page, 4, MM, 0x102, PINSCOPE_L_PGD, 0);
	tp_on(0, s->progs.tp_do_pin, 2, PINSCOPE_MMUEXT_PIN_L4, 0x102, 0, 0);
	tp_on(0, s->progs.tp_mc_flush, 3, 5, 48, 1, 0);	/* its unlock never runs */
	tp_on(0, s->progs.tp_pgd_done, 3, MM, 0xffff888003000000ULL, 1, 0);
	finish_run(r);
	assert_int_equal(r->rep.nr_viol, 1);
	assert_int_equal(r->last->v.rule, PINSCOPE_R_LOCKS_RELEASED);
	assert_int_equal(r->last->ev[r->last->head - 1].type, PINSCOPE_EV_OP_END);
	assert_int_equal(r->ev.nr, 1);
	it = &r->ev.items[0];
	assert_true(it->reproduced && it->minimized);
	snprintf(path, sizeof(path), "%s/001-locks-released.trace", r->dir);
	assert_int_equal(replay(path, out, sizeof(out)), PINSCOPE_EXIT_VIOLATION);
	only_rule(out, "locks-released");
	text = test_slurp(path);
	assert_non_null(strstr(text, ": xen_mmu_pgd_done: mm ffff888001000000 pgd "));
	assert_non_null(strstr(text, " op pin\n"));
	free(text);
	free_run(r);
}

/* A window of one cpu's events, n slots, its violation v: a copy to free */
static struct pinscope_window *window_of(const struct pinscope_flight_ev *ev, __u64 nr,
					 const struct pinscope_violation *v)
{
	struct pinscope_window *w = calloc(1, sizeof(*w) + PINSCOPE_FLIGHT_MIN * sizeof(w->ev[0]));

	assert_non_null(w);
	assert_true(nr <= PINSCOPE_FLIGHT_MIN);
	w->type = PINSCOPE_REC_WINDOW;
	w->n = PINSCOPE_FLIGHT_MIN;
	w->head = nr;
	w->v = *v;
	memcpy(w->ev, ev, nr * sizeof(*ev));
	return w;
}

/*
 * fentry/kprobe mode, the patched kernel's early_unlock fault: a PTE page
 * pinned with no unlock seen in its visit is a locks-released leak because
 * the run saw a deferred unlock before, on any cpu (split_locks_seen).  The
 * BPF side keeps the last one (here cpu 1's, outside an operation) and each
 * window carries it; its line goes first in the snippet, of its own cpu,
 * and the snippet replays alone to locks-released.  Without it the window
 * does not give the violation (kept whole, reproduced false).  The
 * operation's events come from kprobes, which BPF_PROG_TEST_RUN cannot
 * run: they are those the fentry hooks record, set in the window by hand;
 * the deferred unlock is the one the BPF side recorded.
 */
static void test_split_seen_in_window(void **state)
{
	struct run *r = load_mode(MODE_KPROBE, 64, 0, PINSCOPE_CAPS_FENTRY);
	const __u64 pfn = 0x1a2, mm = MM;
	struct pinscope_flight_ev split, ev[5];
	struct pinscope_violation v = { .type = PINSCOPE_REC_VIOLATION,
					.rule = PINSCOPE_R_LOCKS_RELEASED,
					.reason = PINSCOPE_WHY_LOCK_LEFT_HELD,
					.op = PINSCOPE_OP_PIN, .cpu = 0, .pid = 4242, .pfn = pfn,
					.detail = 1, .comm = "fork" };
	struct pinscope_window *w;
	const struct evidence_item *it;
	char path[128], out[16384];

	(void)state;
	/* cpu 1: a deferred unlock, no operation of its cpu seen */
	tp_on(1, r->skel->progs.tp_mc_callback, 2, PTE_UNLOCK_FN, PTL + 4096, 0, 0);
	assert_true(r->skel->bss->split_locks_seen);
	assert_int_equal(r->skel->bss->flight_split_cpu, 1);
	split = r->skel->bss->flight_split;
	assert_int_equal(split.type, PINSCOPE_EV_CALLBACK);
	assert_int_equal(split.arg[0], 1);
	assert_int_equal(split.arg[3], PTL + 4096);
	assert_true(split.ts_ns != 0);

	/* cpu 0: a violation's window carries it (locks-bounded, as
	 * test_kprobe_mode_window: the last deferred unlock is then cpu 0's) */
	locks_bounded_on_cpu0(r);
	assert_int_equal(r->windows, 1);
	assert_int_equal(r->last->split_cpu, 0);
	assert_int_equal(r->last->split.type, PINSCOPE_EV_CALLBACK);
	assert_int_equal(r->last->split.arg[3], PTL + 64 * PINSCOPE_MC_BATCH);
	/* that one is in the window: not a line of its own */
	assert_int_equal(r->ev.items[0].window, PINSCOPE_MC_BATCH + 1);
	free_run(r);

	/* the early_unlock pin on cpu 0 as the fentry hooks record it, after
	 * cpu 1's deferred unlock: begin, the PTE page, its PIN_L1_TABLE, the
	 * page's return (no unlock seen: the leak), the end */
	ev[0] = (struct pinscope_flight_ev){ .type = PINSCOPE_EV_OP_BEGIN, .pid = v.pid,
					     .arg = { PINSCOPE_OP_PIN, mm, 0x3000, 0 } };
	ev[1] = (struct pinscope_flight_ev){ .type = PINSCOPE_EV_PAGE, .pid = v.pid,
					     .arg = { PINSCOPE_OP_PIN, pfn, PINSCOPE_L_PTE, 0 } };
	ev[2] = (struct pinscope_flight_ev){ .type = PINSCOPE_EV_DO_PIN, .pid = v.pid,
					     .arg = { PINSCOPE_MMUEXT_PIN_L1, pfn, 0, 0 } };
	ev[3] = (struct pinscope_flight_ev){ .type = PINSCOPE_EV_PAGE_EXIT, .pid = v.pid,
					     .arg = { PINSCOPE_OP_PIN, 0, 0, 0 } };
	ev[4] = (struct pinscope_flight_ev){ .type = PINSCOPE_EV_OP_END, .pid = v.pid,
					     .arg = { PINSCOPE_OP_PIN, 0, 0, 0 } };
	for (int k = 0; k < 5; k++)
		ev[k].ts_ns = split.ts_ns + 1000 * (k + 1);
	v.ts_ns = ev[4].ts_ns;

	/* with the deferred unlock: reproduced, minimized, it first */
	r = load_mode(MODE_KPROBE, 64, 0, PINSCOPE_CAPS_FENTRY);
	w = window_of(ev, 5, &v);
	w->split = split;
	w->split_cpu = 1;
	evidence_capture_window(r->cap, w);
	assert_int_equal(evidence_capture_finish(r->cap), 0);
	assert_int_equal(evidence_write(&r->ev), 0);
	assert_int_equal(r->ev.nr, 1);
	it = &r->ev.items[0];
	assert_int_equal(it->window, 6);
	assert_true(it->reproduced && it->minimized);
	assert_true(it->nr_lines >= 2);
	assert_int_equal(it->lines[0].lineno, 1);
	assert_non_null(strstr(it->lines[0].text, "[001]"));
	assert_non_null(strstr(it->lines[0].text, "xen_mc_callback: callback xen_pte_unlock"));
	snprintf(path, sizeof(path), "%s/001-locks-released.trace", r->dir);
	assert_int_equal(replay(path, out, sizeof(out)), PINSCOPE_EXIT_VIOLATION);
	only_rule(out, "locks-released");
	free(w);
	free_run(r);

	/* without it (a run that never saw one): kept whole, not reproduced */
	r = load_mode(MODE_KPROBE, 64, 0, PINSCOPE_CAPS_FENTRY);
	w = window_of(ev, 5, &v);
	evidence_capture_window(r->cap, w);
	assert_int_equal(evidence_capture_finish(r->cap), 0);
	assert_int_equal(r->ev.nr, 1);
	assert_int_equal(r->ev.items[0].window, 5);
	assert_false(r->ev.items[0].reproduced);
	free(w);
	free_run(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_violation_comes_with_window),
		cmocka_unit_test(test_no_recorder_no_window),
		cmocka_unit_test(test_ring_turns_over),
		cmocka_unit_test(test_window_needs_half_the_ring),
		cmocka_unit_test(test_one_window_per_operation_and_rule),
		cmocka_unit_test(test_kprobe_mode_window),
		cmocka_unit_test(test_lock_left_held_at_pgd_done),
		cmocka_unit_test(test_split_seen_in_window),
	};

	libbpf_set_print(NULL);
	return cmocka_run_group_tests_name("flight recorder", tests, NULL, NULL);
}
