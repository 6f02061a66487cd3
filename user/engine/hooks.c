// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "engine/hooks.h"

const struct hook hooks[] = {
#define HOOK(prog_, kind_, target_, modes_, origin_) {				\
	.prog = #prog_, .kind = #kind_, .target = #target_,			\
	.section = sizeof(#target_) > 1 ? #kind_ "/" #target_ : #kind_,		\
	.modes = PINSCOPE_HM_##modes_, .origin = HOOK_##origin_ },
	PINSCOPE_HOOKS(HOOK)
#undef HOOK
};

const size_t nr_hooks = sizeof(hooks) / sizeof(hooks[0]);

size_t hooks_targets(unsigned int modes, const char *kind, const char **out)
{
	size_t n = 0, j;

	for (size_t i = 0; i < nr_hooks; i++) {
		if (!(hooks[i].modes & modes) || (kind && strcmp(hooks[i].kind, kind)))
			continue;
		for (j = 0; j < n && strcmp(out[j], hooks[i].target); j++)
			;
		if (j == n)
			out[n++] = hooks[i].target;
	}
	out[n] = NULL;
	return n;
}

static const char *modes_text(unsigned int m, char *buf, size_t len)
{
	static const char *const names[] = { "live", "tracepoints", "tracepoints-fexit",
					     "fentry", "kprobe", "replay", "tracepoints-opend",
					     "tracepoints-issue" };

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (m & (1U << i))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", buf[0] ? "," : "",
				 names[i]);
	return buf;
}

void hooks_list(FILE *f)
{
	static const char *const origins[] = { "mainline", "patch", "function", "-" };
	char m[96];

	fprintf(f, "# program\tsection\ttarget\tmodes\torigin\n");
	for (size_t i = 0; i < nr_hooks; i++)
		fprintf(f, "%s\t%s\t%s\t%s\t%s\n", hooks[i].prog, hooks[i].section,
			hooks[i].target[0] ? hooks[i].target : "-",
			modes_text(hooks[i].modes, m, sizeof(m)), origins[hooks[i].origin]);
}
