// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --lean's flush latency (PINSCOPE_LEAN_FLUSH_TIME, user/engine/loader.c
 * loader_set_lean()): a run without xen_mc_flush's return says in every
 * report form that the figure is not recorded, with no empty histogram;
 * a run with it shows the histogram and says nothing of the kind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "report/html.h"
#include "report/prom.h"
#include "report/report.h"
#include "report/stats.h"

enum form { TEXT, JSON, HTML, PROM, NR_FORMS };

static char *slurp_stream(FILE *f, char **buf)
{
	fclose(f);
	assert_non_null(*buf);
	return *buf;
}

/* One report form of rep, as a string */
static char *write_form(const struct report *rep, enum form form)
{
	char *buf = NULL, path[] = "/tmp/pinscope-test-lean-XXXXXX";
	size_t len = 0;
	FILE *f;
	int fd;

	if (form == HTML) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(report_html(path, rep, "test"), 0);
		f = fopen(path, "r");
		assert_non_null(f);
		buf = calloc(1, 1 << 22);
		assert_non_null(buf);
		assert_true(fread(buf, 1, (1 << 22) - 1, f) > 0);
		fclose(f);
		unlink(path);
		return buf;
	}
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (form == TEXT)
		report_text(f, rep, false);
	else if (form == JSON)
		assert_int_equal(report_json(f, rep, 0), 0);
	else
		assert_int_equal(prom_write(f, rep, PROM_TEXT_004), 0);
	return slurp_stream(f, &buf);
}

/* the tracepoints run of a kernel with the series' end event */
static void fill(struct report *rep, __u32 caps, __u32 lean)
{
	memset(rep, 0, sizeof(*rep));
	rep->mode = "tracepoints";
	rep->caps = caps;
	rep->lean = lean;
	rep->st.ops[0] = 3;
	rep->st.checked[PINSCOPE_R_PGD_LAST] = 3;
}

/* JSON: not_recorded names it, flushes has no latency */
static void check_json(const char *text, bool lean)
{
	json_object *o = json_tokener_parse(text), *nr, *fl;
	bool named = false;

	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "not_recorded", &nr));
	for (size_t i = 0; i < json_object_array_length(nr); i++)
		named |= !strcmp(json_object_get_string(json_object_array_get_idx(nr, i)),
				 "flush_latency");
	assert_int_equal(named, lean);
	assert_true(json_object_object_get_ex(o, "flushes", &fl));
	assert_int_equal(json_object_object_get_ex(fl, "latency", NULL), !lean);
	json_object_put(o);
}

static void test_flush_latency_not_recorded(void **state)
{
	struct report rep;

	(void)state;
	fill(&rep, PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_OPEND | PINSCOPE_CAP_MMLOCK,
	     PINSCOPE_LEAN_ALL);
	for (int form = 0; form < NR_FORMS; form++) {
		char *t = write_form(&rep, form);

		switch (form) {
		case TEXT:
			assert_non_null(strstr(t, "\nFlush latency inside pin/unpin (xen_mc_flush): "
					       "not recorded (--lean)\n"));
			break;
		case JSON:
			check_json(t, true);
			break;
		case HTML:
			assert_non_null(strstr(t, "<p id='flush-latency' data-recorded='0'>Flush "
					       "latency inside pin/unpin: not recorded (--lean)</p>"));
			break;
		case PROM:
			assert_null(strstr(t, "pinscope_multicall_flush_seconds"));
			assert_non_null(strstr(t, ",not_recorded=\"processes,idle_flushes,"
					       "flush_latency\"} 1\n"));
			break;
		}
		free(t);
	}
}

/* with the flush's return: the histogram, and no "not recorded" */
static void test_flush_latency_recorded(void **state)
{
	struct report rep;

	(void)state;
	fill(&rep, PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_OPEND | PINSCOPE_CAP_MMLOCK,
	     PINSCOPE_LEAN_CODE);
	for (int form = 0; form < NR_FORMS; form++) {
		char *t = write_form(&rep, form);

		assert_null(strstr(t, "not recorded"));
		switch (form) {
		case TEXT:
			assert_non_null(strstr(t, "Flush latency inside pin/unpin (xen_mc_flush)"));
			break;
		case JSON:
			check_json(t, false);
			break;
		case HTML:
			assert_non_null(strstr(t, "flush-latency"));
			break;
		case PROM:
			assert_non_null(strstr(t, "\npinscope_multicall_flush_seconds_count 0\n"));
			assert_non_null(strstr(t, ",not_recorded=\"processes,idle_flushes\"} 1\n"));
			break;
		}
		free(t);
	}
}

/* without --lean: no not_recorded label at all (Prometheus would store an
 * empty one as none: the series scraped and the series stored must agree) */
static void test_nothing_left_out(void **state)
{
	struct report rep;
	char *t;

	(void)state;
	fill(&rep, PINSCOPE_CAPS_TP_FEXIT | PINSCOPE_CAP_OPEND | PINSCOPE_CAP_MMLOCK, 0);
	t = write_form(&rep, PROM);
	assert_non_null(strstr(t, ",lean=\"0\"} 1\n"));
	assert_null(strstr(t, "not_recorded"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_latency_not_recorded),
		cmocka_unit_test(test_flush_latency_recorded),
		cmocka_unit_test(test_nothing_left_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
