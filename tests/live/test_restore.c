// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Live: saves and restores counted from the guest's clocks and online cpus
 * (live/restore.h), and shown in the text and JSON reports */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "live/restore.h"
#include "report/report.h"

#define S 1000000000ULL
#define MS 1000000ULL

/* a look: CLOCK_MONOTONIC, and BOOTTIME/REALTIME ahead of it by what was suspended */
static struct clock_look look(__u64 mono, __u64 suspended, const char *online)
{
	struct clock_look l = { .mono = mono, .boot = mono + suspended,
				.wall = 1800000000ULL * S + mono + suspended };

	snprintf(l.online, sizeof(l.online), "%s", online);
	return l;
}

/* polls 100 ms apart without a restore: watched, nothing counted */
static void test_no_restore(void **state)
{
	struct restores r = {};
	struct clock_look a = look(10 * S, 0, "0-1"), b = look(10 * S + 100 * MS, 0, "0-1");

	restores_note(&r, &a, &b);
	assert_true(r.watched);
	assert_int_equal(r.seen, 0);
	assert_int_equal(r.suspended_ns + r.cpus_renumbered + r.cpus_gone + r.cpus_unread, 0);
	/* the two clocks read microseconds apart: not a restore */
	b.boot += RESTORE_MIN_NS;
	restores_note(&r, &a, &b);
	assert_int_equal(r.seen, 0);
	/* a look preempted for 5 ms between its reads (as in a TCG guest):
	 * within its skew, not a restore */
	b.boot += 5 * MS;
	b.skew = 5 * MS;
	restores_note(&r, &a, &b);
	assert_int_equal(r.seen, 0);
	/* a machine that never slept: CLOCK_BOOTTIME read before the middle
	 * of the two CLOCK_MONOTONIC reads, boot - mono "negative", then 0 */
	a = look(10 * S, 0, "0-1");
	a.boot -= 3000;
	a.skew = 6000;
	b = look(10 * S + 100 * MS, 0, "0-1");
	restores_note(&r, &a, &b);
	restores_note(&r, &b, &a);
	assert_int_equal(r.seen, 0);
}

/* a save of 4 s: CLOCK_BOOTTIME and CLOCK_REALTIME gained it, not
 * CLOCK_MONOTONIC; the same cpus came back */
static void test_restore(void **state)
{
	struct restores r = {};
	struct clock_look a = look(10 * S, 0, "0-1"), b = look(10 * S + 150 * MS, 4 * S, "0-1");
	struct clock_look c = look(20 * S, 4 * S, "0-1"), d = look(20 * S + 100 * MS, 6 * S, "0-1");

	restores_note(&r, &a, &b);
	assert_int_equal(r.seen, 1);
	assert_int_equal(r.suspended_ns, 4 * S);
	assert_int_equal(r.suspended_max_ns, 4 * S);
	assert_int_equal(r.mono_step_max_ns, 150 * MS);
	assert_int_equal(r.wall_step_max_ns, 4 * S + 150 * MS);
	assert_int_equal(r.cpus_renumbered + r.cpus_gone + r.cpus_unread, 0);
	restores_note(&r, &b, &c);	/* 10 s on, no restore */
	assert_int_equal(r.seen, 1);
	restores_note(&r, &c, &d);	/* a second one, of 2 s */
	assert_int_equal(r.seen, 2);
	assert_int_equal(r.suspended_ns, 6 * S);
	assert_int_equal(r.suspended_max_ns, 4 * S);
}

/* a cpu that comes back with another number: one renumbered, one gone */
static void test_renumbered_cpu(void **state)
{
	struct restores r = {};
	struct clock_look a = look(10 * S, 0, "0-3,6"), b = look(11 * S, 2 * S, "0-2,6,7");
	struct clock_look c = look(12 * S, 2 * S, "?"), d = look(13 * S, 3 * S, "0-1");

	restores_note(&r, &a, &b);
	assert_int_equal(r.seen, 1);
	assert_int_equal(r.cpus_renumbered, 1);	/* 7 */
	assert_int_equal(r.cpus_gone, 1);	/* 3 */
	/* the online cpus unreadable: counted as such, not compared */
	restores_note(&r, &c, &d);
	assert_int_equal(r.seen, 2);
	assert_int_equal(r.cpus_unread, 1);
	assert_int_equal(r.cpus_renumbered, 1);
}

/* this machine's clocks: BOOTTIME never behind MONOTONIC */
static void test_clock_look(void **state)
{
	struct clock_look l;

	assert_int_equal(clock_look(&l), 0);
	assert_true(l.mono > 0 && l.boot + l.skew >= l.mono && l.wall > l.boot);
	assert_true(l.skew < 100 * MS);
	assert_true(l.online[0] >= '0' && l.online[0] <= '9');
}

/* the reports: JSON "restores" live only, the text line with the jump */
static void test_reports(void **state)
{
	static struct report rep;
	json_object *o, *r, *v;
	char *text;
	size_t len;
	FILE *f;

	memset(&rep, 0, sizeof(rep));
	rep.mode = "fentry";
	o = report_json_obj(&rep, 0);
	assert_false(json_object_object_get_ex(o, "restores", &r));	/* replay: none */
	json_object_put(o);
	rep.restores = (struct restores){ .watched = true, .seen = 1, .suspended_ns = 4 * S,
					  .suspended_max_ns = 4 * S, .mono_step_max_ns = 150 * MS,
					  .wall_step_max_ns = 4 * S + 150 * MS, .cpus_renumbered = 1 };
	o = report_json_obj(&rep, 0);
	assert_true(json_object_object_get_ex(o, "restores", &r));
	assert_true(json_object_object_get_ex(r, "seen", &v));
	assert_int_equal(json_object_get_uint64(v), 1);
	assert_true(json_object_object_get_ex(r, "suspended_max_ns", &v));
	assert_int_equal(json_object_get_uint64(v), 4 * S);
	assert_true(json_object_object_get_ex(r, "monotonic_step_max_ns", &v));
	assert_int_equal(json_object_get_uint64(v), 150 * MS);
	assert_true(json_object_object_get_ex(r, "cpus_renumbered", &v));
	assert_int_equal(json_object_get_uint64(v), 1);
	json_object_put(o);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	report_text(f, &rep, false);
	fclose(f);
	if (!strstr(text, "Restores (save, migration): 1 seen; suspended 4s in all, at most 4s at "
		    "once") || !strstr(text, "cpus back with another number 1, gone 0"))
		fail_msg("no restores line in:\n%s", text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_restore),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_renumbered_cpu),
		cmocka_unit_test(test_clock_look),
		cmocka_unit_test(test_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
