// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "report/names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const rules[PINSCOPE_NR_RULES] = {
#define RULE_NAME(id, name, scope, exact, approx) [PINSCOPE_R_##id] = name,
	PINSCOPE_RULES(RULE_NAME)
#undef RULE_NAME
};

/* What each rule means (docs/invariants.md, "The rules"): the --html page's table */
static const char *const meanings[PINSCOPE_NR_RULES] = {
	[PINSCOPE_R_PGD_LAST] = "in one pin or unpin walk, the PGD page is visited after every "
		"lower-level page of that walk",
	[PINSCOPE_R_PTE_LOCK_HELD] = "with split locks, a PTE page's RO update and L1 pin (pin), or "
		"its UNPIN and RW update (unpin), are queued while its split lock is held",
	[PINSCOPE_R_UNLOCK_AFTER_FLUSH] = "a split lock is released only after the batch carrying "
		"that page's pin or unpin was flushed",
	[PINSCOPE_R_NO_SPLIT_NO_L1_PIN] = "without split locks (ptl NULL), no PTE page is pinned or "
		"unpinned on its own",
	[PINSCOPE_R_LOCKS_BOUNDED] = "split locks held at once on one CPU never exceed a batch's "
		"callback capacity (32)",
	[PINSCOPE_R_L4_AFTER_WALK] = "PIN_L4_TABLE of the pgd is queued after the walk visited the "
		"PGD; on unpin, its UNPIN comes before the walk",
	[PINSCOPE_R_LOCKS_RELEASED] = "when the operation's final flush is done, every split lock "
		"it took has been released",
};

const char *rule_meaning(__u32 rule)
{
	return rule < PINSCOPE_NR_RULES && meanings[rule] ? meanings[rule] :
	       "see docs/invariants.md";
}

static const struct {
	const char *text;
	int rule;
} reasons[PINSCOPE_NR_REASONS] = {
#define REASON(id, rule, text) [PINSCOPE_WHY_##id] = { text, PINSCOPE_R_##rule },
	PINSCOPE_REASONS(REASON)
#undef REASON
};

/* the report's names of levels and flush reasons (include/pinscope_rules.h) */
#define REPORT_NAME(id, name, report) report,
static const char *const levels[PINSCOPE_NR_LEVELS] = { PINSCOPE_LEVELS(REPORT_NAME) };
static const char *const flush_reasons[PINSCOPE_NR_FLUSH_REASONS] = {
	PINSCOPE_FLUSH_REASONS(REPORT_NAME)
};
#undef REPORT_NAME

/* the fields of struct pinscope_lost, in order (docs/json.md "lost") */
static const char *const losts[] = {
	"ringbuf", "held_full", "procs_full", "unmatched_unlock", "bad_cpu",
	"ops_cut", "input_events", "input_gaps", "ops_gap", "clock_back", "mmuext_unread",
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

const char *path_name(__u32 path)
{
	return path == PINSCOPE_PATH_ORDINARY ? "ordinary" :
	       path == PINSCOPE_PATH_SUSPEND ? "suspend" : "?";
}

const char *mode_name(__u32 caps)
{
	caps &= ~PINSCOPE_CAP_MMLOCK;	/* the source records the mm lock: the same mode */
	/* and the series' end of operation (xen_mmu_pgd_done, caps OPEND) */
	if ((caps & ~PINSCOPE_CAP_OPEND) == PINSCOPE_CAPS_TRACEPOINTS ||
	    (caps & ~PINSCOPE_CAP_OPEND) == (PINSCOPE_CAPS_TRACEPOINTS | PINSCOPE_CAP_FLUSH_EXIT))
		return "tracepoints";
	if (caps == PINSCOPE_CAPS_FENTRY)
		return "fentry";
	if (caps == PINSCOPE_CAPS_MAINLINE)
		return "mainline";
	return "custom";
}

/* the bits of enum pinscope_lean, in order (docs/json.md "not_recorded") */
static const char *const leans[] = { "processes", "idle_flushes", "flush_latency" };
_Static_assert(ARRAY_SIZE(leans) == __builtin_popcount(PINSCOPE_LEAN_ALL), "one name per lean bit");

const char *lean_name(__u32 i)
{
	return i < ARRAY_SIZE(leans) ? leans[i] : NULL;
}

/* Length of the UTF-8 character at s (at most n bytes), 0 if not one or a C1 control */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	__u32 c;
	size_t k;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	k = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (k > n)
		return 0;
	c = s[0] & (0x7f >> k);
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff) || c < 0xa0)
		return 0;	/* overlong, surrogate, past U+10FFFF, C1 control */
	return k;
}

char *str_safe(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0, k;
	char e[8];

	if (!size)
		return dst;
	for (; i < len && s[i]; i += k) {
		k = 1;
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			e[0] = s[i];
			e[1] = 0;
		} else if (s[i] == '\\') {
			strcpy(e, "\\\\");
		} else if (s[i] >= 0x80 && (k = utf8_char(s + i, strnlen(src + i, len - i)))) {
			memcpy(e, s + i, k);
			e[k] = 0;
		} else {
			k = 1;
			snprintf(e, sizeof(e), "\\x%02x", s[i]);
		}
		if (o + strlen(e) >= size)
			break;
		memcpy(dst + o, e, strlen(e));
		o += strlen(e);
	}
	dst[o] = 0;
	return dst;
}
