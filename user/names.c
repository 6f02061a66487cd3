// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const rules[PINSCOPE_NR_RULES] = {
#define RULE_NAME(id, name, scope, exact, approx) [PINSCOPE_R_##id] = name,
	PINSCOPE_RULES(RULE_NAME)
#undef RULE_NAME
};

static const struct {
	const char *text;
	int rule;
} reasons[PINSCOPE_NR_REASONS] = {
#define REASON(id, rule, text) [PINSCOPE_WHY_##id] = { text, PINSCOPE_R_##rule },
	PINSCOPE_REASONS(REASON)
#undef REASON
};

static const char *const levels[PINSCOPE_NR_LEVELS] = {
	"PGD", "P4D", "PUD", "PMD", "PTE", "lower",
};

static const char *const flush_reasons[PINSCOPE_NR_FLUSH_REASONS] = {
	"explicit", "BATCH", "ARGS", "CALLBACK",
};

const char *rule_name(__u32 rule)
{
	return rule < ARRAY_SIZE(rules) ? rules[rule] : "?";
}

const char *reason_text(__u32 reason)
{
	return reason < ARRAY_SIZE(reasons) && reasons[reason].text ? reasons[reason].text : "?";
}

int reason_rule(__u32 reason)
{
	return reason < ARRAY_SIZE(reasons) && reasons[reason].text ? reasons[reason].rule : -1;
}

const char *level_name(__u32 level)
{
	return level < ARRAY_SIZE(levels) ? levels[level] : "?";
}

const char *flush_reason_name(__u32 reason)
{
	return reason < ARRAY_SIZE(flush_reasons) ? flush_reasons[reason] : "?";
}

const char *op_name(__u32 op)
{
	return op == PINSCOPE_OP_PIN ? "pin" : op == PINSCOPE_OP_UNPIN ? "unpin" : "-";
}

const char *mode_name(__u32 caps)
{
	if (caps == PINSCOPE_CAPS_TRACEPOINTS ||
	    caps == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_FLUSH_EXIT))
		return "tracepoints";
	if (caps == PINSCOPE_CAPS_FENTRY)
		return "fentry";
	if (caps == PINSCOPE_CAPS_MAINLINE)
		return "mainline";
	return "custom";
}
