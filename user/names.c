// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const rules[PINSCOPE_NR_RULES] = {
	[PINSCOPE_R_PGD_LAST] = "pgd-last",
	[PINSCOPE_R_PTE_LOCK_HELD] = "pte-lock-held",
	[PINSCOPE_R_UNLOCK_AFTER_FLUSH] = "unlock-after-flush",
	[PINSCOPE_R_NO_SPLIT_NO_L1_PIN] = "no-split-no-l1-pin",
	[PINSCOPE_R_LOCKS_BOUNDED] = "locks-bounded",
	[PINSCOPE_R_L4_AFTER_WALK] = "l4-after-walk",
	[PINSCOPE_R_LOCKS_RELEASED] = "locks-released",
};

static const char *const reasons[PINSCOPE_NR_REASONS] = {
	[PINSCOPE_WHY_LOWER_AFTER_PGD] = "lower-level page visited after the PGD",
	[PINSCOPE_WHY_QUEUED_UNLOCKED] = "PTE page queued without its split lock held",
	[PINSCOPE_WHY_LOCK_OTHER_CPU] = "split lock held by another cpu",
	[PINSCOPE_WHY_NO_DEFERRED_UNLOCK] = "no deferred unlock queued",
	[PINSCOPE_WHY_UNLOCK_BEFORE_FLUSH] = "split lock released before its batch was flushed",
	[PINSCOPE_WHY_PINNED_WITHOUT_LOCK] = "PTE page pinned on its own without a split lock",
	[PINSCOPE_WHY_TOO_MANY_LOCKS] = "more split locks held than a batch has callbacks",
	[PINSCOPE_WHY_L4_BEFORE_PGD] = "PIN_L4_TABLE queued before the walk visited the PGD",
	[PINSCOPE_WHY_WALK_BEFORE_UNPIN] = "walk started before the pgd was unpinned",
	[PINSCOPE_WHY_LOCK_LEFT_HELD] = "split lock still held after the final flush",
};

static const char *const levels[PINSCOPE_NR_LEVELS] = {
	"PGD", "P4D", "PUD", "PMD", "PTE", "lower",
};

static const char *const flush_reasons[PINSCOPE_NR_FLUSH_REASONS] = {
	"explicit", "BATCH", "ARGS", "CALLBACK",
};

/* the fields of struct pinscope_lost, in order (docs/json.md "lost") */
static const char *const losts[] = {
	"ringbuf", "held_full", "procs_full", "unmatched_unlock", "bad_cpu",
	"ops_cut", "input_events", "input_gaps", "ops_gap", "clock_back",
};
_Static_assert(ARRAY_SIZE(losts) == PINSCOPE_NR_LOST, "a lost counter has no name");

const char *lost_name(__u32 i)
{
	return i < ARRAY_SIZE(losts) ? losts[i] : "?";
}

const char *rule_name(__u32 rule)
{
	return rule < ARRAY_SIZE(rules) ? rules[rule] : "?";
}

int rule_by_name(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(rules); i++)
		if (!strcmp(rules[i], name))
			return i;
	return -1;
}

const char *reason_text(__u32 reason)
{
	return reason < ARRAY_SIZE(reasons) && reasons[reason] ? reasons[reason] : "?";
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
