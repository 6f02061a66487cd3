// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The metric families: docs/metrics.md names exactly those prom_write()
 * writes, and the written values are those of the report (cumulative
 * buckets from hist_count_below, counters by label).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "report/metrics.h"
#include "report/names.h"
#include "report/prom.h"
#include "report/stats.h"

#define MAX_NAMES 64

static char *write_report(const struct report *rep, enum prom_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(prom_write(f, rep, fmt), 0);
	fclose(f);
	return buf;
}

static int add_name(char names[][96], int n, const char *s, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(names[i], s, len))
			return n;
	assert_true(n < MAX_NAMES && len < 96);
	memcpy(names[n], s, len);
	names[n][len] = '\0';
	return n + 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* docs/metrics.md: table rows "| `pinscope_...` | type | ..." */
static int doc_names(char names[][96])
{
	FILE *f = fopen("docs/metrics.md", "r");
	char line[1024];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *end;

		if (strncmp(line, "| `pinscope_", 12))
			continue;
		end = strchr(line + 3, '`');
		assert_non_null(end);
		n = add_name(names, n, line + 3, end - (line + 3));
	}
	fclose(f);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

/* "# TYPE name type" lines of the 0.0.4 output */
static int emitted_names(const char *text, char names[][96])
{
	const char *p = text;
	int n = 0;

	while ((p = strstr(p, "# TYPE "))) {
		const char *name = p + 7, *sp = strchr(name, ' ');

		n = add_name(names, n, name, sp - name);
		p = sp;
	}
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

/* the slot of the histogram layout (user/report/stats.h) that holds v ns */
static int slot_of(__u64 v)
{
	for (int i = 0; i < PINSCOPE_HIST_SLOTS; i++)
		if (v >= hist_slot_lo(i) && (v < hist_slot_hi(i) || i == PINSCOPE_HIST_SLOTS - 1))
			return i;
	fail_msg("no slot for %llu", (unsigned long long)v);
	return 0;
}

/* every family, flush latency included (fentry caps) */
static void fill(struct report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->mode = "fentry";
	rep->caps = PINSCOPE_CAPS_FENTRY;
	/* 3 samples of 16 ns, 2 of 1024 ns, 1 of 2^36 ns */
	rep->st.hold[0].slots[slot_of(16)] = 3;
	rep->st.hold[0].slots[slot_of(1024)] = 2;
	rep->st.hold[0].slots[slot_of(1ULL << 36)] = 1;
	rep->st.hold[0].count = 6;
	rep->st.hold[0].max = 1ULL << 36;
	rep->st.hold[0].sum = 1500000001;
	rep->st.ops[0] = 7;
	rep->st.suspend_ops[0] = 2;	/* of the 7: xen_mm_pin_all() on a save */
	rep->st.ops[1] = 5;
	rep->st.flush_reason[PINSCOPE_FL_BATCH] = 4;
	rep->st.violated[PINSCOPE_R_UNLOCK_AFTER_FLUSH] = 9;
	rep->st.checked[PINSCOPE_R_UNLOCK_AFTER_FLUSH] = 11;
	rep->st.lost.ops_gap = 2;
	rep->st.locks_max.slots[3] = 1;
	rep->st.locks_max.slots[17] = 4;
	/* the suspend path's own: 2 holds of 4096 ns, at most 2 locks at once */
	rep->st.suspend_hold[0].slots[slot_of(4096)] = 2;
	rep->st.suspend_hold[0].count = 2;
	rep->st.suspend_hold[0].max = 4096;
	rep->st.suspend_hold[0].sum = 8192;
	rep->st.suspend_locks_max.slots[2] = 2;
}

static void test_docs_list_the_emitted_families(void **state)
{
	static char doc[MAX_NAMES][96], out[MAX_NAMES][96];
	struct report rep;
	char *text;
	int nd, no;

	fill(&rep);
	text = write_report(&rep, PROM_TEXT_004);
	nd = doc_names(doc);
	no = emitted_names(text, out);
	for (int i = 0; i < nd || i < no; i++) {
		if (i >= nd || i >= no || strcmp(doc[i], out[i]))
			fail_msg("docs/metrics.md lists %s, the code writes %s",
				 i < nd ? doc[i] : "(nothing more)", i < no ? out[i] : "(nothing more)");
	}
	assert_int_equal(no, PINSCOPE_NR_METRICS);
	free(text);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	assert_true(fread(buf, 1, (1 << 20) - 1, f) > 0);
	fclose(f);
	return buf;
}

/* the label values docs/metrics.md lists are those of the name tables */
static void test_docs_label_values(void **state)
{
	char *doc = slurp("docs/metrics.md"), want[64];

	for (int i = 0; i < PINSCOPE_NR_LOST; i++) {
		snprintf(want, sizeof(want), "`%s`", lost_name(i));
		if (!strstr(doc, want))
			fail_msg("docs/metrics.md does not name the lost counter %s", want);
	}
	for (int i = 0; i < PINSCOPE_NR_FLUSH_REASONS; i++) {
		snprintf(want, sizeof(want), "`%s`", flush_reason_name(i));
		if (!strstr(doc, want))
			fail_msg("docs/metrics.md does not name the flush reason %s", want);
	}
	for (int i = 0; i < PINSCOPE_NR_PATHS; i++) {
		snprintf(want, sizeof(want), "`%s`", path_name(i));
		if (!strstr(doc, want))
			fail_msg("docs/metrics.md does not name the path %s", want);
	}
	free(doc);
}

static void assert_line(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static void test_values(void **state)
{
	struct report rep;
	char *text;

	fill(&rep);
	text = write_report(&rep, PROM_TEXT_004);
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"ordinary\",le=\"0.000000015\"} 0");
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"ordinary\",le=\"0.000000031\"} 3");
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"ordinary\",le=\"0.000001023\"} 3");
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"ordinary\",le=\"0.000002047\"} 5");
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"ordinary\",le=\"17.179869183\"} 5");
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"ordinary\",le=\"+Inf\"} 6");
	assert_line(text, "pinscope_split_lock_hold_seconds_sum{op=\"pin\",path=\"ordinary\"} 1.500000001");
	assert_line(text, "pinscope_split_lock_hold_seconds_count{op=\"pin\",path=\"ordinary\"} 6");
	assert_line(text, "pinscope_split_lock_hold_seconds_count{op=\"unpin\",path=\"ordinary\"} 0");
	/* the suspend path's holds: a series of their own, not in the ordinary one */
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"suspend\",le=\"0.000004095\"} 0");
	assert_line(text, "pinscope_split_lock_hold_seconds_bucket{op=\"pin\",path=\"suspend\",le=\"0.000008191\"} 2");
	assert_line(text, "pinscope_split_lock_hold_seconds_sum{op=\"pin\",path=\"suspend\"} 0.000008192");
	assert_line(text, "pinscope_split_lock_hold_seconds_count{op=\"pin\",path=\"suspend\"} 2");
	assert_line(text, "pinscope_split_lock_hold_seconds_count{op=\"unpin\",path=\"suspend\"} 0");
	assert_line(text, "pinscope_operation_seconds_count{op=\"pin\"} 0");
	assert_line(text, "pinscope_multicall_flush_seconds_count 0");
	assert_line(text, "pinscope_operations_total{op=\"pin\",path=\"ordinary\"} 5");
	assert_line(text, "pinscope_operations_total{op=\"pin\",path=\"suspend\"} 2");
	assert_line(text, "pinscope_operations_total{op=\"unpin\",path=\"ordinary\"} 5");
	assert_line(text, "pinscope_operations_total{op=\"unpin\",path=\"suspend\"} 0");
	assert_line(text, "pinscope_multicall_flushes_total{reason=\"BATCH\"} 4");
	assert_line(text, "pinscope_invariant_checks_total{rule=\"unlock-after-flush\"} 11");
	assert_line(text, "pinscope_invariant_violations_total{rule=\"unlock-after-flush\"} 9");
	assert_line(text, "pinscope_invariant_violations_total{rule=\"pgd-last\"} 0");
	assert_line(text, "pinscope_lost_total{what=\"ops_gap\"} 2");
	assert_line(text, "pinscope_locks_held_max{path=\"ordinary\"} 17");
	assert_line(text, "pinscope_locks_held_max{path=\"suspend\"} 2");
	assert_line(text, "# TYPE pinscope_operations_total counter");
	assert_null(strstr(text, "# EOF"));
	free(text);
}

static void test_openmetrics(void **state)
{
	struct report rep;
	char *text;
	size_t len;

	fill(&rep);
	rep.caps = PINSCOPE_CAPS_TRACEPOINTS;	/* no flush latency */
	text = write_report(&rep, PROM_OPENMETRICS);
	len = strlen(text);
	assert_true(len > 6 && !strcmp(text + len - 6, "# EOF\n"));
	assert_line(text, "# TYPE pinscope_operations counter");
	assert_line(text, "pinscope_operations_total{op=\"pin\",path=\"ordinary\"} 5");
	assert_line(text, "# UNIT pinscope_split_lock_hold_seconds seconds");
	assert_null(strstr(text, "pinscope_multicall_flush_seconds"));
	free(text);
}

static void test_count_below(void **state)
{
	struct report rep;

	fill(&rep);
	assert_int_equal(hist_count_below(&rep.st.hold[0], 16), 0);
	assert_int_equal(hist_count_below(&rep.st.hold[0], 32), 3);
	assert_int_equal(hist_count_below(&rep.st.hold[0], 1024), 3);
	assert_int_equal(hist_count_below(&rep.st.hold[0], 2048), 5);
	assert_int_equal(hist_count_below(&rep.st.hold[0], 1ULL << 37), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docs_list_the_emitted_families),
		cmocka_unit_test(test_docs_label_values),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_count_below),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
