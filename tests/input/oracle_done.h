/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The frozen oracle (trace_oracle.c, included before this) predates the
 * series' xen_mmu_pgd_done; what the fast parser must make of such a line is
 * derived from the oracle's reading of the same line as xen_mmu_pgd_pin.
 * Shared by tests/input/test_trace_diff.c and tests/fuzz/fuzz_trace.c.
 */
#ifndef PINSCOPE_ORACLE_DONE_H
#define PINSCOPE_ORACLE_DONE_H

/*
 * What the fast parser must make of a xen_mmu_pgd_done line (see the top):
 * the oracle's reading of it named xen_mmu_pgd_pin, an OP_END of the kind
 * after "op"; -1 for any other line
 */
static int done_expect(const char *line, struct pinscope_event *e, char *err, size_t errlen)
{
	static char alt[INPUT_LINE_MAX + 64];
	const char *name, *text, *op, *l = line;
	enum trace_line c;
	struct task t;
	size_t n;

	while (*l == ' ' || *l == '\t')
		l++;
	text = event_of(l, &t, &name, &n);
	if (!text || n != 16 || memcmp(name, "xen_mmu_pgd_done", 16) || strlen(line) > INPUT_LINE_MAX)
		return -1;
	snprintf(alt, sizeof(alt), "%.*sxen_mmu_pgd_pin%s", (int)(name - line), line, name + n);
	c = oracle_parse_line(alt, e, err, errlen);
	if (c == TRACE_LINE_EVENT && e->type == PINSCOPE_EV_OP_BEGIN && !field(text, "op", &op) &&
	    (!strncmp(op, "pin", 3) || !strncmp(op, "unpin", 5))) {
		e->type = PINSCOPE_EV_OP_END;
		e->arg[0] = !strncmp(op, "pin", 3) ? PINSCOPE_OP_PIN : PINSCOPE_OP_UNPIN;
		e->arg[3] = 0;		/* a begin's path: not an end's */
		return TRACE_LINE_EVENT;
	}
	if (c != TRACE_LINE_EVENT && c != TRACE_LINE_BAD)
		return c;
	snprintf(err, errlen, "cannot parse the arguments of xen_mmu_pgd_done: '%.80s'", text);
	return TRACE_LINE_BAD;
}

#endif
