// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The fast line parser (user/input/trace.c, issue 27) against the simple one
 * it replaced (tests/input/trace_oracle.c): the same class, every field of
 * every event and the same error text, on every line of tests/data and on
 * random mutations of them (blanks, brackets, digits, colons, dashes, xen_
 * names, cuts; TRACE_DIFF_MUTATIONS of them, 300000 unless set, seed
 * TRACE_DIFF_SEED).  Each line is parsed as replay reads it (in a buffer
 * the next line follows, trace_parse_text()) and alone, exactly sized
 * (trace_parse_line()).  Run from the top of the tree.
 *
 * xen_mmu_pgd_done (the series' end of an operation, issue 27) came after
 * the oracle was frozen, which reads it as a xen event the checker does not
 * use.  Its text begins as xen_mmu_pgd_pin's ("mm %p pgd %p", then " op pin"
 * or " op unpin"), so its lines are held against the oracle's reading of the
 * same line named xen_mmu_pgd_pin (task, time, mm, pgd, or the error), made
 * an OP_END of the kind that the oracle's own field() finds after "op"
 * (done_expect()).  tests/data has no such line: each xen_mmu_pgd_pin/unpin
 * line of it is added once more as the xen_mmu_pgd_done of its kind, so the
 * mutations reach the event too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glob.h>
#include "input/input.h"
#include "input/trace.h"
#include "trace_oracle.c"
#include "oracle_done.h"

#define MAX_LINES 4000000

static char **lines;
static size_t nr_lines, nr_done;

/* The xen_mmu_pgd_done line of a line whose event is xen_mmu_pgd_pin or
 * xen_mmu_pgd_unpin (allocated), else NULL */
static char *as_done(const char *line)
{
	const char *name, *text, *l = line;
	struct task t;
	size_t n, at;
	char *d;

	while (*l == ' ' || *l == '\t')
		l++;
	text = event_of(l, &t, &name, &n);
	if (!text || (n != 15 && n != 17) || memcmp(name, "xen_mmu_pgd_", 12))
		return NULL;
	at = name - line;
	d = malloc(strlen(line) + 16);
	if (d)
		sprintf(d, "%.*sxen_mmu_pgd_done%s op %s", (int)at, line, name + n,
			n == 15 ? "pin" : "unpin");
	return d;
}

static unsigned long long diffs, compared, classes[5];

/* Every line of tests/data's text traces (xz included), through input.c */
static int load(void **state)
{
	static const char *const pats[] = { "tests/data/*.trace", "tests/data/*.trace.xz",
					    "tests/data/synthetic/*.trace" };
	struct input in;
	const char *line;
	size_t len;

	lines = calloc(MAX_LINES, sizeof(*lines));
	if (!lines)
		return -1;
	for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		glob_t g;

		if (glob(pats[p], 0, NULL, &g))
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (input_open(g.gl_pathv[i], &in))
				return -1;
			while (nr_lines < MAX_LINES - 1 && input_line(&in, &line, &len) > 0) {
				lines[nr_lines++] = strndup(line, len);
				if ((lines[nr_lines] = as_done(lines[nr_lines - 1]))) {
					nr_lines++;
					nr_done++;
				}
			}
			input_close(&in);
		}
		globfree(&g);
	}
	return nr_lines > 100000 && nr_done > 1000 ? 0 : -1;
}

/* One line (NUL-terminated, len = strlen) through both parsers, both ways */
static void compare(const char *line, size_t len)
{
	struct pinscope_event e_old, e_new;
	char err_old[160], err_new[160];
	bool lock_old, lock_new;
	enum trace_line c_old, c_new;
	/* as replay reads it: the next line's bytes after the NUL */
	static char buf[INPUT_LINE_MAX + 64];
	char *exact;

	compared++;
	memset(&e_old, 0xa5, sizeof(e_old));
	memset(&e_new, 0xa5, sizeof(e_new));
	strcpy(err_old, "unset");
	strcpy(err_new, "unset");
	c_old = oracle_parse_line(line, &e_old, err_old, sizeof(err_old));
	if (c_old == TRACE_LINE_XEN_UNUSED) {
		int d = done_expect(line, &e_old, err_old, sizeof(err_old));

		c_old = d < 0 ? c_old : (enum trace_line)d;
	}
	memcpy(buf, line, len + 1);
	memset(buf + len + 1, 'x', 63);
	c_new = trace_parse_text(buf, len, &e_new, err_new, sizeof(err_new));
	if (c_old != c_new || (c_old == TRACE_LINE_EVENT && memcmp(&e_old, &e_new, sizeof(e_old))) ||
	    (c_old == TRACE_LINE_BAD && strcmp(err_old, err_new)) ||
	    oracle_line_caps(line, &lock_old) != trace_line_caps(line, &lock_new) ||
	    lock_old != lock_new) {
		if (diffs++ < 10)
			fprintf(stderr, "differ (class %d, fast %d): '%s'\n", c_old, c_new, line);
		return;
	}
	classes[c_old]++;
	exact = malloc(len + 1);	/* alone: any read past its NUL is valgrind's */
	assert_non_null(exact);
	memcpy(exact, line, len + 1);
	memset(&e_new, 0xa5, sizeof(e_new));
	c_new = trace_parse_line(exact, &e_new, err_new, sizeof(err_new));
	if (c_old != c_new || (c_old == TRACE_LINE_EVENT && memcmp(&e_old, &e_new, sizeof(e_old))))
		if (diffs++ < 10)
			fprintf(stderr, "differ alone (class %d, fast %d): '%s'\n", c_old, c_new, line);
	free(exact);
}

static void test_data_lines(void **state)
{
	memset(classes, 0, sizeof(classes));
	for (size_t i = 0; i < nr_lines; i++)
		compare(lines[i], strlen(lines[i]));
	fprintf(stderr, "%zu lines of tests/data (%zu of them xen_mmu_pgd_done made of their begins): "
		"%llu events, %llu xen unused, %llu other, %llu bad, %llu headers\n", nr_lines,
		nr_done, classes[TRACE_LINE_EVENT],
		classes[TRACE_LINE_XEN_UNUSED], classes[TRACE_LINE_OTHER], classes[TRACE_LINE_BAD],
		classes[TRACE_LINE_HEADER]);
	assert_int_equal(diffs, 0);
}

/*
 * Lines made of parts the mutations seldom hit together: comms (hostile ones
 * of issue 25 too), pid and tgid, cpu, flags, times of every width, and the
 * arguments of every event the checker uses, as the kernel prints them and
 * slightly not
 */
static void test_edge_lines(void **state)
{
	static const char *const task[] = {
		"init-1", "            init-1", "kworker/u4:2-x-77", "a [1] 1.0: xen_mmu_do_pin:-5",
		"x-1 [000] 1.5: xen_mc_flush:-9", "<...>-4242", "w-170   (    170)", "w-170 (-------)",
		"fifteen_chars_x-7", "sixteen_chars_xx-7", "p-1234567890", "p-4294967296", "p-123456789", "-1", "a-",
		"a b-3", "\tt-1", "a-1 [",
	};
	static const char *const cpu[] = { " [000]", " [1]", "  [0123456789]", " [123456789]", " [4294967296]", " []",
					   "[000]", " [00a]" };
	static const char *const ts[] = {
		" d..2.    14.151500:", "  5000.123456789:", " 1.1234567:", " 1.12345678:",
		" 1.123456789012:", " 1.1:", " 12345.12345:", " 1234567890.000001:",
		" 12345678901.000001:", " 99999999999999999999.1:", " d..1. 1.:", " d..1. .5:",
		" 1.5", " dN... 3.000001:", " 1.5x 2.5:", " 1.5: 2.5:", " 1.5x 2.5:",
	};
	static const char *const ev[] = {
		" xen_mc_entry: op 26(mmuext_op) args [ffff88803e61aad0, 1, 0, 7ff0, 0, 0]",
		" xen_mc_entry: op 14(update_va_mapping) args [ffff888017014000, 800000004ec70061, 0, 0]",
		" xen_mc_entry: op 3(stack_switch) args [18, ffffc900005a8000, 0, 0, 0, 0]",
		" xen_mc_entry: op 1(x) args [ 0x10 , 0X2,0]", " xen_mc_entry: op 1(x) args [10, 2]",
		" xen_mc_entry: op 99999999999999999999999(x) args [1, 2, 3]",
		" xen_mc_entry: op x args [1, 2, 3]", " xen_mc_entry: args [1, 2, 3] op 4",
		" xen_mc_entry: op 1(x[) args [ffffffffffffffff1, 2, 3]",
		" xen_mc_flush: flushing 1 hypercalls, 48 arg bytes, 1 callbacks",
		" xen_mc_flush: flushing  1 hypercalls,  48 arg bytes,  1 callbacks",
		" xen_mc_flush: flushing 1 hypercalls, 48 arg bytes, 1 callback",
		" xen_mc_issue: start batch LAZY_CPU", " xen_mc_issue:",
		" xen_mc_callback: callback xen_pte_unlock, data 0000000066bd4e87",
		" xen_mc_callback: callback xen_pte_unlock+0x0/0x10, data 0000000066bd4e87",
		" xen_mc_callback: callback xen_pte_unlockx, data 66bd4e87",
		" xen_mc_callback: callback data, data 5", " xen_mc_callback: callback data data 5",
		" xen_mc_callback: callback set_current_cr3, data (null)",
		" xen_mc_callback: callback xen_pte_unlock data 1, data 2",
		" xen_mmu_do_pin: cmd PIN_L1_TABLE pfn ca8", " xen_mmu_do_pin: cmd UNPIN_TABLE pfn ca8",
		" xen_mmu_do_pin: cmd PIN_L5_TABLE pfn ca8", " xen_mmu_do_pin: cmd PIN_L2_TABLEX pfn 1",
		" xen_mmu_do_pin: cmd 3 pfn 1", " xen_mmu_do_pin: cmd 0x3 pfn 0x1",
		" xen_mmu_pgd_pin: mm 0000000029ae8a76 pgd 000000002c73ca40",
		" xen_mmu_pgd_unpin: mm (null) pgd 0xffff888004d11000",
		" xen_mmu_pgd_pin: mm 0xffff888004a0c000  pgd 1",
		" xen_mmu_pgd_done: mm 0000000029ae8a76 pgd 000000002c73ca40 op pin",
		" xen_mmu_pgd_done: mm 0000000029ae8a76 pgd 000000002c73ca40 op unpin",
		" xen_mmu_pgd_done: mm (null) pgd 0xffff888004d11000 op pinned",
		" xen_mmu_pgd_done: mm 1 pgd 2 op", " xen_mmu_pgd_done: mm 1 pgd 2 op x",
		" xen_mmu_pgd_done: op unpin mm 1 pgd 2", " xen_mmu_pgd_done: mm 1 pgd 2  op  pin",
		" xen_mmu_pgd_done: mm 1 pgd 2",
		" xen_mmu_pin_page: mm 0000000029ae8a76 pfn c84 level PUD ptl 0000000000000000",
		" xen_mmu_unpin_page: mm 0000000029ae8a76 pfn c88 level PGD ptl 0000000000000000",
		" xen_mmu_pin_page: mm 1 pfn 2 level 3 ptl 4", " xen_mmu_pin_page: mm 1 pfn 2 level PTEX ptl 4",
		" xen_mmu_pin_page: mm 1 pfn 2 level P4D ptl", " xen_mmu_pin_page: pfn 2 mm 1 level PMD ptl 4",
		" xen_mmu_pte_lock: mm 0000000029ae8a76 pfn ca8 ptl 0000000064f13e06",
		" xen_mmu_pte_lock: mm 0000000029ae8a76 pfn 10000000000000000 ptl 0",
		" xen_mmu_pte_lock: mm 0000000029ae8a76 pfn ca8 ptl 00000000000000000064f13e06",
		" xen_mmu_pte_lock: mm g pfn 1 ptl 2", " xen_mmu_pte_unlock: ptl 0000000064f13e06",
		" xen_mmu_pte_unlock: ptl", " xen_mmu_pte_unlock:  ptl 5",
		" xen_mmu_pte_unlock: ptl 0x0x000015a874", " xen_mmu_pte_unlock: ptl 0X0x000015a8740000000",
		" xen_mmu_pte_lock: mm 0x0x1 pfn 0x0x2 ptl 0x0x0000000064f13e06",
		" xen_mmu_pgd_pin: mm 0x0x0000000029ae8a76 pgd 0x0x1",
		" xen_mc_entry: op 1(x) args [0x0xffff888017014000, 0x0x2, 0x0x3]",
		" xen_mc_flush_reason: flush reason BATCH", " xen_mc_flush_reason: flush reason ??",
		" xen_mmu_set_pte: ptep 0000000040ba7c4c pteval 0 (raw 0)", " xen_mmu_ptep_modify_prot_start: x",
		" sched_switch: prev_comm=a [1] 1.0: xen_mc_issue: x", " xen mc: x", " xen_a b: c",
		" xen_mmu_flush_tlb_one_user_and_a_very_long_name_beyond_64_bytes_of_it: addr 1",
	};
	char line[512];

	memset(classes, 0, sizeof(classes));
	for (size_t a = 0; a < sizeof(task) / sizeof(task[0]); a++)
		for (size_t b = 0; b < sizeof(cpu) / sizeof(cpu[0]); b++)
			for (size_t c = 0; c < sizeof(ts) / sizeof(ts[0]); c++)
				for (size_t d = 0; d < sizeof(ev) / sizeof(ev[0]); d++) {
					/* after the line of the next time: a prefix of another
					 * shape, or of the same classes (the shape cache) */
					snprintf(line, sizeof(line), "%s%s%s%s", task[a], cpu[b],
						 ts[(c + 1) % (sizeof(ts) / sizeof(ts[0]))], ev[d]);
					compare(line, strlen(line));
					snprintf(line, sizeof(line), "%s%s%s%s", task[a], cpu[b], ts[c], ev[d]);
					compare(line, strlen(line));
					/* the same, cut in the event's text */
					line[strlen(line) - 3] = 0;
					compare(line, strlen(line));
				}
	fprintf(stderr, "edge lines: %llu events, %llu xen unused, %llu other, %llu bad\n",
		classes[TRACE_LINE_EVENT], classes[TRACE_LINE_XEN_UNUSED], classes[TRACE_LINE_OTHER],
		classes[TRACE_LINE_BAD]);
	assert_int_equal(diffs, 0);
}

static unsigned long long rng;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng >> 11) % n;
}

/* What a mutation inserts or overwrites with: the bytes the parser decides on */
static const char *const snippets[] = {
	" ", "  ", "\t", "[", "]", ":", ".", "-", "(", ")", ",", "0", "1", "9", "x", "0x", "f",
	"xen_", ": xen_mmu_do_pin:", " [001] ", "-1 [000] d..1. 1.0: ", " 12345678901.5: ",
	"xen_mc_flush: ", "xen_mmu_pte_lock: ", "(null)", "(  170) ", "(-------) ", "4294967296",
	"99999999999", "ffffffffffffffff1", "0000000000000000", "d..2.", "[000]", "#", "CPU:1 ",
	"flushing ", " hypercalls, ", "reason ", "??", "PIN_L1_TABLE", "PTE", "level ", "pfn ",
	"ptl ", "mm ", "data ", " op pin", " op unpin", "xen_mmu_pgd_done: ", "callback xen_pte_unlock, ", "args [", ", ", "op 14(", "\xff", "+0x10/0x20", "UNPIN_TABLE", "PIN_L5_TABLE", "0X",
};

static size_t mutate(char *s, size_t len, size_t cap)
{
	/* half of them in the event's arguments only: the prefix stays parseable */
	const char *x = strstr(s, ": xen_"), *args = x ? strchr(x + 2, ':') : NULL;
	size_t lo = args && rnd(2) ? (size_t)(args - s) : 0;

	for (unsigned int k = 1 + rnd(4); k--;) {
		size_t at = lo < len ? lo + rnd(len - lo + 1) : len;
		const char *sn = snippets[rnd(sizeof(snippets) / sizeof(snippets[0]))];
		size_t n = strlen(sn);

		switch (rnd(5)) {
		case 0:		/* overwrite */
			if (at + n <= len)
				memcpy(s + at, sn, n);
			break;
		case 1:		/* insert */
			if (len + n < cap) {
				memmove(s + at + n, s + at, len - at);
				memcpy(s + at, sn, n);
				len += n;
			}
			break;
		case 2:		/* delete a few bytes */
			n = 1 + rnd(3);
			n = at + n <= len ? n : len - at;
			memmove(s + at, s + at + n, len - at - n);
			len -= n;
			break;
		case 3:		/* cut */
			len = at;
			break;
		default:	/* one byte of the line changed to a digit or a blank */
			if (at < len)
				s[at] = "0 9:[]x_-."[rnd(10)];
		}
	}
	s[len] = 0;
	return strlen(s);
}

static void test_mutations(void **state)
{
	const char *env = getenv("TRACE_DIFF_MUTATIONS"), *seed = getenv("TRACE_DIFF_SEED");
	unsigned long long n = env ? strtoull(env, NULL, 0) : 300000;
	static char s[4096];

	rng = seed ? strtoull(seed, NULL, 0) | 1 : 0x9e3779b97f4a7c15ULL;
	memset(classes, 0, sizeof(classes));
	for (unsigned long long i = 0; i < n; i++) {
		const char *l = lines[rnd(nr_lines)];
		size_t len = strlen(l);

		if (len >= sizeof(s) / 2)
			continue;
		compare(l, len);	/* the line before is the same task's, as a rule */
		memcpy(s, l, len + 1);
		compare(s, mutate(s, len, sizeof(s) - 1));
	}
	fprintf(stderr, "%llu mutations: %llu events, %llu xen unused, %llu other, %llu bad, "
		"%llu headers\n", n, classes[TRACE_LINE_EVENT], classes[TRACE_LINE_XEN_UNUSED],
		classes[TRACE_LINE_OTHER], classes[TRACE_LINE_BAD], classes[TRACE_LINE_HEADER]);
	assert_int_equal(diffs, 0);
}

/*
 * The last line's prefix (trace.c's same_prefix(): a line whose first 64
 * bytes are the last one's but for the time's digits skips the classes and
 * the shape checks): each of the first 64 bytes of a line changed to a
 * digit, a blank, a tab and the bytes the prefix's fields are cut at, each
 * right after the line itself; the same line made one of pinscope's own
 * events, whose name is known by more than its first 4 bytes
 */
static const char prefix_bytes[] = "07 \t.:-[]()x_";

/*
 * trace_parse_text() of line s (len bytes) right after line l, and after a
 * line that leaves nothing to take from it: the same class, event and error
 */
static void same_after(const char *l, size_t len_l, const char *s, size_t len)
{
	struct pinscope_event e1, e2;
	char err1[160] = "", err2[160] = "", c[] = "a-1 [0] 1.0: x";
	enum trace_line c1, c2;

	trace_parse_text(l, len_l, &e1, err1, sizeof(err1));
	memset(&e1, 0xa5, sizeof(e1));
	c1 = trace_parse_text(s, len, &e1, err1, sizeof(err1));
	trace_parse_text(c, strlen(c), &e2, err2, sizeof(err2));
	memset(&e2, 0xa5, sizeof(e2));
	c2 = trace_parse_text(s, len, &e2, err2, sizeof(err2));
	if (c1 != c2 || (c1 == TRACE_LINE_EVENT && memcmp(&e1, &e2, sizeof(e1))) ||
	    (c1 == TRACE_LINE_BAD && strcmp(err1, err2)))
		if (diffs++ < 10)
			fprintf(stderr, "differ after its line (class %d, alone %d): '%s'\n", c1, c2, s);
}

static void test_prefix_lines(void **state)
{
	static char s[4096], o[4096];
	size_t step = nr_lines / 1000 + 1;

	memset(classes, 0, sizeof(classes));
	for (size_t i = 0; i < nr_lines; i += step) {
		const char *l = lines[i], *x = strstr(l, ": xen_");
		size_t len = strlen(l), olen;

		if (len >= sizeof(s) / 2 || !x)
			continue;
		for (size_t q = 0; q < len && q < 64; q++)
			for (size_t b = 0; b < sizeof(prefix_bytes) - 1; b++) {
				compare(l, len);
				memcpy(s, l, len + 1);
				s[q] = prefix_bytes[b];
				compare(s, len);
			}
		/* as one of pinscope's own events (the oracle predates them):
		 * each byte of the first 96 changed, after the line and not */
		olen = snprintf(o, sizeof(o), "%.*s: pinscope_op_end: op=pin", (int)(x - l), l);
		for (size_t q = 0; q < olen && q < 96; q++)
			for (size_t b = 0; b < sizeof(prefix_bytes) - 1; b++) {
				memcpy(s, o, olen + 1);
				s[q] = prefix_bytes[b];
				same_after(o, olen, s, olen);
			}
	}
	fprintf(stderr, "prefix lines: %llu events, %llu xen unused, %llu other, %llu bad\n",
		classes[TRACE_LINE_EVENT], classes[TRACE_LINE_XEN_UNUSED], classes[TRACE_LINE_OTHER],
		classes[TRACE_LINE_BAD]);
	assert_int_equal(diffs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_lines),
		cmocka_unit_test(test_edge_lines),
		cmocka_unit_test(test_prefix_lines),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, load, NULL);
}
