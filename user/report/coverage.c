// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "report/coverage.h"
#include "report/names.h"
#include <string.h>
#include "pinscope.h"

/* From the exact and approx conditions of include/pinscope_rules.h */
enum coverage rule_coverage(__u32 rule, __u32 caps)
{
	switch (rule) {
#define RULE_COVERAGE(id, name, scope, exact, approx) \
	case PINSCOPE_R_##id: return (exact) ? COV_EXACT : (approx) ? COV_APPROX : COV_NONE;
	PINSCOPE_RULES(RULE_COVERAGE)
#undef RULE_COVERAGE
	}
	return COV_NONE;
}

const char *coverage_name(enum coverage c)
{
	return c == COV_EXACT ? "exact" : c == COV_APPROX ? "approx" : "not checked";
}

#define HAS(c) (caps & PINSCOPE_CAP_##c)

const char *hold_meaning(__u32 caps)
{
	if (HAS(LOCK))
		return "from xen_mmu_pte_lock (lock taken) to xen_mmu_pte_unlock (unlock)";
	if (HAS(PAGE_EXIT))
		return "from entry of xen_(un)pin_page, or the last flush inside it, to xen_pte_unlock: "
		       "xen_pte_lock is inlined, so this bounds the hold from above";
	return "from xen_mc_callback(xen_pte_unlock) to the start of the flush that runs it: "
	       "bounds the hold from below";
}

void rules_list(FILE *f)
{
	static const struct {
		const char *rule, *scope;
	} rules[] = {
#define RULE_ROW(id, name, scope, exact, approx) { name, #scope },
		PINSCOPE_RULES(RULE_ROW)
#undef RULE_ROW
	};
	/* the sources as the current series and a kernel with BTF show them:
	 * both record the mm lock (mm-lock-held; older series, no BTF: not) */
	static const __u32 sources[] = { PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_MMLOCK,
					 PINSCOPE_CAPS_FENTRY | PINSCOPE_CAP_MMLOCK,
					 PINSCOPE_CAPS_MAINLINE };

	fprintf(f, "# rule\tonce per\ttracepoints\tfentry\tmainline\n");
	for (__u32 r = 0; r < PINSCOPE_NR_RULES; r++) {
		fprintf(f, "%s\t%s", rules[r].rule, !strcmp(rules[r].scope, "OP") ? "op" : "page");
		for (int i = 0; i < 3; i++)
			fprintf(f, "\t%s", coverage_name(rule_coverage(r, sources[i])));
		fputc('\n', f);
	}
}
