// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The names of the events' values, declared once in include/pinscope_rules.h
 * (PINSCOPE_LEVELS, PINSCOPE_MMUEXTS, PINSCOPE_FLUSH_REASONS): spelled as the
 * kernel prints them (the patch series of every KVER, the mainline format of
 * xen_mc_flush_reason in tests/data), and each one read by the trace parser
 * (its fast path and event_of()), written by the flight recorder's lines and
 * by pinscope's own lines, and read back to the same value.
 * Run from the repository's top (tests/run-unit.sh).
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <string.h>
#include "input/flight.h"
#include "input/own.h"
#include "input/trace.h"
#include "test_file.h"

#define PREFIX "        workload-170     [001] d.... 12.000100: "
#define SLOW "        workload-170     (    170) [001] d.... 12.000100: "
#define MM 0xffff888001000000ULL
#define PTL 0xffff888002000040ULL

struct name {
	__u64 value;
	const char *name;
};

#define LEVEL(id, name, report) { PINSCOPE_L_##id, name },
static const struct name levels[] = { PINSCOPE_LEVELS(LEVEL) };
#undef LEVEL
#define CMD(id, value, name) { PINSCOPE_MMUEXT_##id, name },
static const struct name cmds[] = { PINSCOPE_MMUEXTS(CMD) };
#undef CMD
#define REASON(id, name, report) { PINSCOPE_FL_##id, name },
static const struct name reasons[] = { PINSCOPE_FLUSH_REASONS(REASON) };
#undef REASON
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The patch's show_xen_pt_level() and xen_mmu_do_pin's __print_symbolic(), every KVER */
static void test_patch_spellings(void **state)
{
	glob_t g;

	assert_int_equal(glob("kernel/patches/*/0001-*.patch", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 3);
	for (size_t p = 0; p < g.gl_pathc; p++) {
		char *s = test_slurp(g.gl_pathv[p]), want[64];

		print_message("%s\n", g.gl_pathv[p]);
		for (size_t i = 0; i < N(levels); i++) {
			snprintf(want, sizeof(want), "{ %llu, \"%s\" }",
				 (unsigned long long)levels[i].value, levels[i].name);
			/* LOWER is pinscope's own: no tracepoint prints it */
			if (levels[i].value < PINSCOPE_NR_TP_LEVELS)
				assert_non_null(strstr(s, want));
			else
				assert_null(strstr(s, want));
		}
		snprintf(want, sizeof(want), "{ %d, \"", PINSCOPE_NR_TP_LEVELS);
		assert_null(strstr(s, want));	/* no level the table lacks */
		for (size_t i = 0; i < N(cmds); i++) {
			snprintf(want, sizeof(want), "{ MMUEXT_%s, \"%s\" }", cmds[i].name,
				 cmds[i].name);
			assert_non_null(strstr(s, want));
		}
		free(s);
	}
	globfree(&g);
}

/* xen_mc_flush_reason's print fmt (mainline), the reasons in the enum's order */
static void test_flush_reason_spellings(void **state)
{
	char *s = test_slurp("tests/data/debian-6.1-xen-events.format"), want[96];
	const char *at = s;

	for (size_t i = 0; i < N(reasons); i++) {
		snprintf(want, sizeof(want), "(REC->reason == XEN_MC_FL_%s) ? \"%s\"",
			 reasons[i].name, reasons[i].name);
		assert_non_null(at = strstr(at, want));
		at += strlen(want);
	}
	assert_null(strstr(at, "XEN_MC_FL_"));	/* no reason the table lacks */
	free(s);
}

/* text (an event's line after its prefix) read as type with value in arg[k]: by the fast
 * path, after event_of()'s prefix (a tgid column), and by args_NAME() when alt (the same
 * fields in another order) is not NULL */
static void parse_all(const char *text, const char *alt, __u32 type, int k, __u64 value)
{
	char line[256], err[160];
	struct pinscope_event ev;

	for (int how = 0; how < 3; how++) {
		if (how == 2 && !alt)
			break;
		snprintf(line, sizeof(line), "%s%s", how == 1 ? SLOW : PREFIX, how == 2 ? alt : text);
		if (trace_parse_line(line, &ev, err, sizeof(err)) != TRACE_LINE_EVENT ||
		    ev.type != type || ev.arg[k] != value)
			fail_msg("%s: not read as event %u with arg[%d] %llu", line, type, k,
				 (unsigned long long)value);
	}
}

/* Each name the tracepoints print, read to its value */
static void test_parse(void **state)
{
	char text[160], alt[160];

	for (size_t i = 0; i < PINSCOPE_NR_TP_LEVELS; i++) {
		snprintf(text, sizeof(text), "xen_mmu_pin_page: mm 0000000029ae8a76 pfn c84 "
			 "level %s ptl 0000000000000000", levels[i].name);
		snprintf(alt, sizeof(alt), "xen_mmu_pin_page: mm 0000000029ae8a76 pfn c84 "
			 "ptl 0000000000000000 level %s", levels[i].name);
		parse_all(text, alt, PINSCOPE_EV_PAGE, 2, levels[i].value);
	}
	for (size_t i = 0; i < N(cmds); i++) {
		snprintf(text, sizeof(text), "xen_mmu_do_pin: cmd %s pfn ca8", cmds[i].name);
		snprintf(alt, sizeof(alt), "xen_mmu_do_pin: pfn ca8 cmd %s", cmds[i].name);
		parse_all(text, alt, PINSCOPE_EV_DO_PIN, 0, cmds[i].value);
	}
	for (size_t i = 0; i < N(reasons); i++) {
		snprintf(text, sizeof(text), "xen_mc_flush_reason: flush reason %s",
			 reasons[i].name);
		parse_all(text, NULL, PINSCOPE_EV_FLUSH_REASON, 0, reasons[i].value);
	}
}

/* ev's line written with these caps holds " <name>" (own: "=<name>") and reads back to ev */
static void write_read(__u32 type, const __u64 *a, __u32 caps, int own, const char *name)
{
	char line[512], err[160], want[64];
	struct pinscope_event ev;
	__u64 mm = MM;

	if (own) {
		strcpy(line, PREFIX);
		assert_int_equal(own_line_format(type, a, line + strlen(line),
						 sizeof(line) - strlen(line)), 1);
	} else {
		assert_int_equal(flight_event_line(type, a, 170, "workload", 1, 12000100000ULL,
						   caps, &mm, line, sizeof(line)), 1);
	}
	snprintf(want, sizeof(want), "%c%s ", own ? '=' : ' ', name);
	strcat(line, " ");	/* the name may end the line */
	if (!strstr(line, want))
		fail_msg("%s: no \"%s\"", line, want);
	line[strlen(line) - 1] = 0;
	assert_int_equal(trace_parse_line(line, &ev, err, sizeof(err)), TRACE_LINE_EVENT);
	assert_int_equal(ev.type, type);
	assert_memory_equal(ev.arg, a, sizeof(ev.arg));
}

/* Each name, written by the flight recorder's lines and pinscope's own lines */
static void test_write(void **state)
{
	const __u32 tp = PINSCOPE_CAPS_TRACEPOINTS;

	for (size_t i = 0; i < N(levels); i++) {
		__u64 page[4] = { PINSCOPE_OP_PIN, 0x1a2b, levels[i].value, PTL };
		__u64 own[4] = { PINSCOPE_OP_PIN, 0x1a2b, levels[i].value };

		if (levels[i].value < PINSCOPE_NR_TP_LEVELS)
			write_read(PINSCOPE_EV_PAGE, page, tp, 0, levels[i].name);
		write_read(PINSCOPE_EV_PAGE, own, 0, 1, levels[i].name);
	}
	for (size_t i = 0; i < N(cmds); i++) {
		__u64 a[4] = { cmds[i].value, 0x100 };

		write_read(PINSCOPE_EV_DO_PIN, a, tp, 0, cmds[i].name);
		write_read(PINSCOPE_EV_DO_PIN, a, 0, 1, cmds[i].name);
	}
	for (size_t i = 0; i < N(reasons); i++) {
		__u64 a[4] = { reasons[i].value };

		write_read(PINSCOPE_EV_FLUSH_REASON, a, tp, 0, reasons[i].name);
	}
	/* a value without a name in the table: no line, no name made up */
	{
		__u64 page[4] = { PINSCOPE_OP_PIN, 0x1a2b, PINSCOPE_NR_TP_LEVELS, PTL };
		__u64 cmd[4] = { PINSCOPE_NR_MMUEXTS, 0x100 }, reason[4] = { PINSCOPE_NR_FLUSH_REASONS };
		__u64 mm = MM;
		char line[512];

		assert_int_equal(flight_event_line(PINSCOPE_EV_PAGE, page, 170, "w", 1, 0, tp, &mm,
						   line, sizeof(line)), 0);
		assert_int_equal(flight_event_line(PINSCOPE_EV_DO_PIN, cmd, 170, "w", 1, 0, tp, &mm,
						   line, sizeof(line)), 0);
		assert_int_equal(flight_event_line(PINSCOPE_EV_FLUSH_REASON, reason, 170, "w", 1, 0,
						   tp, &mm, line, sizeof(line)), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patch_spellings),
		cmocka_unit_test(test_flush_reason_spellings),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
