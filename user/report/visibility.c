// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "report/names.h"
#include "report/visibility.h"

/* Rules judged once per operation: every pin or unpin must show their steps */
static bool per_op(int r)
{
	static const bool op[PINSCOPE_NR_RULES] = {
#define RULE_SCOPE(id, name, scope, exact, approx) [PINSCOPE_R_##id] = !__builtin_strcmp(#scope, "OP"),
		PINSCOPE_RULES(RULE_SCOPE)
#undef RULE_SCOPE
	};
	return op[r];
}

const char *vis_state_name(enum vis_state s)
{
	return s == VIS_SEEN ? "seen" : s == VIS_NOT_SEEN ? "not seen" : "not exercised";
}

void visibility_print(FILE *f, const struct visibility *v)
{
	static const enum vis_state order[] = { VIS_SEEN, VIS_NOT_SEEN, VIS_NOT_EXERCISED };
	__u64 ops = v->ops[0] + v->ops[1];

	if (!v->ran) {
		fprintf(f, "pinscope: visibility not proven on this kernel: %s\n",
			v->why_not ? v->why_not : "no probe");
		return;
	}
	fprintf(f, "pinscope: visibility on this kernel (a probe child: %llu pins, %llu unpins):",
		(unsigned long long)v->ops[0], (unsigned long long)v->ops[1]);
	for (int i = 0; i < 3; i++) {
		const char *sep = " ";

		fprintf(f, "%s%s:", i ? "; " : " ", vis_state_name(order[i]));
		for (int r = 0; r < PINSCOPE_NR_RULES; r++)
			if (v->rule[r] == order[i]) {
				fprintf(f, "%s%s", sep, rule_name(r));
				sep = ", ";
			}
		if (*sep == ' ')
			fprintf(f, " none");
	}
	fprintf(f, "; PGD pages %llu %s 2 x operations%s\n", (unsigned long long)v->pgd_pages,
		v->pgd_pages == 2 * ops ? "=" : "!=",
		v->pgd_pages == 2 * ops ? "" : " (a pgd or user pgd not seen)");
	if (v->violations)
		fprintf(f, "pinscope: the probe's window had %llu violation records: the kernel breaks "
			"a rule (they are not in the report, which starts after the probe)\n",
			(unsigned long long)v->violations);
	for (int r = 0; r < PINSCOPE_NR_RULES; r++)
		if (per_op(r) && ops && v->rule[r] == VIS_NOT_EXERCISED)
			fprintf(f, "pinscope: %s had no operation to judge in the probe\n", rule_name(r));
}
