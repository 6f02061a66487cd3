// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Live reports count the operations still running as cut, not judged:
 * stats_ops_running() reads the checker's per-cpu state (the cpus map) by
 * its BTF.  Driven here through the replay program, the same checker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "engine/loader.h"
#include "report/stats.h"
#include "report/verdict.h"
#include "pinscope.skel.h"	/* after pinscope.h: its .bss holds the replay buffer */

static void feed(struct pinscope_bpf *s, __u32 type, __u32 cpu, __u64 a0)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct pinscope_event *e = &s->bss->replay_in.ev[0];

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->cpu = cpu;
	e->slot = cpu;	/* the cpus map entry: replay events carry their slot */
	e->ts_ns = 1000;
	e->pid = 42;
	e->arg[0] = a0;
	e->arg[1] = 0xffff888001000000ULL;
	e->arg[2] = 0xffff888003000000ULL;
	s->bss->replay_in.nr = 1;
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(s->progs.replay), &opts), 0);
}

static void test_running_ops(void **state)
{
	struct loader_cfg cfg = { .mode = MODE_REPLAY, .caps = PINSCOPE_CAPS_TRACEPOINTS };
	struct pinscope_bpf *s;
	struct report rep = { .mode = "tracepoints", .caps = PINSCOPE_CAPS_TRACEPOINTS };
	struct judged j;

	assert_int_equal(loader_open_load(&s, &cfg), 0);
	assert_int_equal(stats_ops_running(s->obj, s->maps.cpus), 0);
	feed(s, PINSCOPE_EV_OP_BEGIN, 3, PINSCOPE_OP_PIN);
	feed(s, PINSCOPE_EV_OP_BEGIN, 5, PINSCOPE_OP_UNPIN);
	assert_int_equal(stats_ops_running(s->obj, s->maps.cpus), 2);
	feed(s, PINSCOPE_EV_LOST, 3, 7);	/* cuts cpu 3's operation */
	assert_int_equal(stats_ops_running(s->obj, s->maps.cpus), 1);

	/* 2 started, 1 cut by the gap, 1 still running: nothing judged */
	assert_int_equal(stats_read(bpf_map__fd(s->maps.cpus), &rep.st), 0);
	rep.ops_running = stats_ops_running(s->obj, s->maps.cpus);
	judged_compute(&rep, &j);
	assert_int_equal(j.started, 2);
	assert_int_equal(j.cut_gaps, 1);
	assert_int_equal(j.cut_edges, 1);
	assert_int_equal(j.operations, 0);
	assert_int_equal(verdict_of(&rep, &j), VERDICT_INCONCLUSIVE);
	feed(s, PINSCOPE_EV_END, 5, 0);
	assert_int_equal(stats_ops_running(s->obj, s->maps.cpus), 0);
	loader_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_running_ops),
	};

	return cmocka_run_group_tests_name("running operations", tests, NULL, NULL);
}
