// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * TEST ORACLE, not product code: user/input/trace.c's line parser as it was
 * at 2874664 (main, before the issue 27 item 5 fast path), byte-walking and
 * simple, kept so that tests/input/test_trace_diff.c can compare the fast
 * parser with it on every line of tests/data and on random mutations.
 * Included by that test only; its public names carry an oracle_ prefix.
 * Issue 24 added to both: xen_mmu_pte_lock's mm_locked (args_lock), the
 * operation's path from its task (args_op), and oracle_line_caps().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine/hooks.h"
#include "input/trace.h"

/* Linear map base of x86-64 without KASLR, as in Xen PV guests: va -> pfn */
#define PAGE_OFFSET_L4	0xffff888000000000ULL
/* An event name, with its NUL */
#define TRACE_NAME_LEN	64

/*
 * Number scanners of the hot path: strtoull() and sscanf() were half of
 * replay's instructions (locale, sign and base handling for every field).
 * Each returns the end of what it read, or NULL when it does not match; given
 * NULL, it returns NULL, so that a format is a chain of calls tested once.
 */
/* <ctype.h> of the C locale (pinscope never sets another), without its call per byte */
static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10u;
}

static inline bool is_space(char c)
{
	return c == ' ' || (unsigned char)(c - '\t') < 5u;	/* \t \n \v \f \r */
}

/* a hex digit's value + 1, 0 for any other byte: one load per digit */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static inline int hexval(unsigned char c)
{
	return hex1[c] - 1;
}

/* hex digits, an optional "0x" first (as strtoull(s, 16) takes them); NULL
 * past 64 bits (a number never wraps: docs/security.md) */
static const char *scan_hex(const char *s, __u64 *v)
{
	const char *start;
	__u64 x = 0;
	int d;

	if (!s)
		return NULL;
	if (s[0] == '0' && (s[1] | 0x20) == 'x' && hexval(s[2]) >= 0)
		s += 2;
	for (start = s; (d = hexval(*s)) >= 0; s++) {
		if (x >> 60)
			return NULL;
		x = x << 4 | d;
	}
	*v = x;
	return s == start ? NULL : s;
}

/* decimal digits, at most max; NULL past it */
static const char *scan_dec_max(const char *s, __u64 *v, __u64 max)
{
	const char *start = s;
	__u64 x = 0;

	if (!s)
		return NULL;
	for (; is_digit(*s); s++)	/* no division per digit: x * 10 + d <= max */
		if (__builtin_mul_overflow(x, 10, &x) || __builtin_add_overflow(x, *s - '0', &x) ||
		    x > max)
			return NULL;
	*v = x;
	return s == start ? NULL : s;
}

static const char *scan_dec(const char *s, __u64 *v)
{
	return scan_dec_max(s, v, UINT64_MAX);
}

/* Match lit against s, a space in lit matching any run of blanks (as in a
 * scanf format); returns the end of the match or NULL */
static const char *scan_lit(const char *s, const char *lit)
{
	if (!s)
		return NULL;
	for (; *lit; lit++) {
		if (*lit == ' ') {
			while (is_space(*s))
				s++;
		} else if (*s++ != *lit) {
			return NULL;
		}
	}
	return s;
}

/* scan_lit(s, " , "), the separator of a list, without walking the literal */
static const char *scan_comma(const char *s)
{
	if (!s)
		return NULL;
	while (is_space(*s))
		s++;
	if (*s++ != ',')
		return NULL;
	while (is_space(*s))
		s++;
	return s;
}

/* "0000000012345678", "0xffff...", "(null)" -> value; -1 if not a pointer */
static int parse_ptr(const char *s, __u64 *v)
{
	if (!strncmp(s, "(null)", 6) || !strncmp(s, "(nil)", 5)) {
		*v = 0;
		return 0;
	}
	return scan_hex(s, v) ? 0 : -1;
}

/* Value of "key <value>" in the event's text */
static int field(const char *text, const char *key, const char **val)
{
	size_t n = strlen(key);
	const char *p = text;

	if (!strncmp(text, key, n) && text[n] == ' ') {	/* the first field: no search */
		*val = text + n + 1;
		return 0;
	}
	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == ' ') && p[n] == ' ') {
			*val = p + n + 1;
			return 0;
		}
		p += n;
	}
	return -1;
}

static int field_ptr(const char *text, const char *key, __u64 *v)
{
	const char *s;

	return field(text, key, &s) || parse_ptr(s, v) ? -1 : 0;
}

static int parse_level(const char *s, __u64 *level)
{
	static const char *const names[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };

	for (unsigned int i = 0; i < 5; i++)
		if (!strncmp(s, names[i], 3)) {
			*level = i;
			return 0;
		}
	return is_digit(*s) ? (*level = strtoull(s, NULL, 10), 0) : -1;
}

static int parse_cmd(const char *s, __u64 *cmd)
{
	static const char *const names[] = {
		"PIN_L1_TABLE", "PIN_L2_TABLE", "PIN_L3_TABLE", "PIN_L4_TABLE", "UNPIN_TABLE",
	};

	for (unsigned int i = 0; i < 5; i++)
		if (!strncmp(s, names[i], strlen(names[i]))) {
			*cmd = i;
			return 0;
		}
	return is_digit(*s) ? (*cmd = strtoull(s, NULL, 0), 0) : -1;
}

static int parse_flush_reason(const char *s, __u64 *r)
{
	static const char *const names[] = { "NONE", "BATCH", "ARGS", "CALLBACK" };

	for (unsigned int i = 0; i < 4; i++)
		if (!strncmp(s, names[i], strlen(names[i]))) {
			*r = i;
			return 0;
		}
	return -1;
}

__u64 oracle_va_pfn(__u64 va)
{
	return va >= PAGE_OFFSET_L4 ? (va - PAGE_OFFSET_L4) >> 12 : va >> 12;
}

/* "op 14(update_va_mapping) args [ffff888001234000, 8010..., 1, ...]" */
static int parse_mc_entry(const char *text, struct pinscope_event *ev)
{
	__u64 a[3];
	const char *s;

	if (field(text, "op", &s))
		return -1;
	scan_dec(s, &ev->arg[0]);	/* 0 if no number, as before */
	s = strchr(text, '[');
	s = scan_hex(scan_lit(s ? s + 1 : NULL, " "), &a[0]);
	s = scan_hex(scan_comma(s), &a[1]);
	if (!scan_hex(scan_comma(s), &a[2]))
		return -1;
	ev->arg[1] = oracle_va_pfn(a[0]);
	ev->arg[2] = a[2];
	return 0;
}

static int args_op(const char *text, struct pinscope_event *ev)
{
	ev->arg[3] = !strncmp(ev->comm, "migration/", 10);	/* the suspend path's stopper */
	return field_ptr(text, "mm", &ev->arg[1]) || field_ptr(text, "pgd", &ev->arg[2]);
}

static int args_callback(const char *text, struct pinscope_event *ev)
{
	const char *s;

	if (field(text, "callback", &s))
		return -1;
	ev->arg[0] = !strncmp(s, "xen_pte_unlock", 14) && (s[14] == ',' || s[14] == '+');
	return field_ptr(text, "data", &ev->arg[3]);
}

static int args_flush_reason(const char *text, struct pinscope_event *ev)
{
	const char *s;

	return field(text, "reason", &s) || parse_flush_reason(s, &ev->arg[0]);
}

/* "flushing %u hypercalls, %u arg bytes, %u callbacks" */
static int args_flush(const char *text, struct pinscope_event *ev)
{
	const char *s;

	/* as the kernel prints it, one blank between words: no literal walked */
	if (!strncmp(text, "flushing ", 9) && (s = scan_dec(text + 9, &ev->arg[0])) &&
	    !strncmp(s, " hypercalls, ", 13) && (s = scan_dec(s + 13, &ev->arg[1])) &&
	    !strncmp(s, " arg bytes, ", 12) && (s = scan_dec(s + 12, &ev->arg[2])) &&
	    !strncmp(s, " callbacks", 10))
		return 0;
	s = scan_dec(scan_lit(text, "flushing "), &ev->arg[0]);
	s = scan_dec(scan_lit(s, " hypercalls, "), &ev->arg[1]);
	s = scan_dec(scan_lit(s, " arg bytes, "), &ev->arg[2]);
	return scan_lit(s, " callbacks") ? 0 : -1;
}

static int args_none(const char *text, struct pinscope_event *ev)
{
	return 0;
}

static int args_lock(const char *text, struct pinscope_event *ev)
{
	const char *s;
	__u64 v;

	if (field_ptr(text, "pfn", &ev->arg[1]) || field_ptr(text, "ptl", &ev->arg[3]))
		return -1;
	if (field(text, "mm_locked", &s))
		return 0;
	if (!scan_dec(s, &v))
		return -1;
	ev->arg[0] = (__u64)(v ? PINSCOPE_MMLOCK_HELD : PINSCOPE_MMLOCK_FREE)
		     << PINSCOPE_MMLOCK_SHIFT;
	return 0;
}

static int args_unlock(const char *text, struct pinscope_event *ev)
{
	return field_ptr(text, "ptl", &ev->arg[3]);
}

static int args_page(const char *text, struct pinscope_event *ev)
{
	const char *s;

	return field_ptr(text, "pfn", &ev->arg[1]) || field(text, "level", &s) ||
	       parse_level(s, &ev->arg[2]) || field_ptr(text, "ptl", &ev->arg[3]);
}

static int args_do_pin(const char *text, struct pinscope_event *ev)
{
	const char *s;

	return field(text, "cmd", &s) || parse_cmd(s, &ev->arg[0]) ||
	       field_ptr(text, "pfn", &ev->arg[1]);
}

/* The xen events the checker uses: their type, arg[0] when the name says it,
 * and the parser of their text; every other xen event is skipped unparsed */
struct xen_event {
	__u32 type;
	__u64 arg0;
	int (*args)(const char *text, struct pinscope_event *ev);
};

/* The entry of the event name (n bytes, not NUL-terminated), or NULL: by its
 * length, then memcmp() of a constant size (inlined as a few word compares) */
static const struct xen_event *xen_event(const char *name, size_t n)
{
#define IS(lit) (!memcmp(name, lit, sizeof(lit) - 1))
#define EV(t, a0, fn) ({ static const struct xen_event e_ = { t, a0, fn }; &e_; })
	switch (n) {
	case 12:
		return IS("xen_mc_entry") ? EV(PINSCOPE_EV_MC_ENTRY, 0, parse_mc_entry) :
		       IS("xen_mc_flush") ? EV(PINSCOPE_EV_FLUSH, 0, args_flush) :
		       IS("xen_mc_issue") ? EV(PINSCOPE_EV_MC_ISSUE, 0, args_none) : NULL;
	case 14:
		return IS("xen_mmu_do_pin") ? EV(PINSCOPE_EV_DO_PIN, 0, args_do_pin) : NULL;
	case 15:
		return IS("xen_mc_callback") ? EV(PINSCOPE_EV_CALLBACK, 0, args_callback) :
		       IS("xen_mmu_pgd_pin") ? EV(PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, args_op) :
		       NULL;
	case 16:
		return IS("xen_mmu_pin_page") ? EV(PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, args_page) :
		       IS("xen_mmu_pte_lock") ? EV(PINSCOPE_EV_LOCK, 0, args_lock) : NULL;
	case 17:
		return IS("xen_mmu_pgd_unpin") ? EV(PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_UNPIN, args_op) :
		       NULL;
	case 18:
		return IS("xen_mmu_unpin_page") ? EV(PINSCOPE_EV_PAGE, PINSCOPE_OP_UNPIN, args_page) :
		       IS("xen_mmu_pte_unlock") ? EV(PINSCOPE_EV_UNLOCK, 0, args_unlock) : NULL;
	case 19:
		return IS("xen_mc_flush_reason") ?
		       EV(PINSCOPE_EV_FLUSH_REASON, 0, args_flush_reason) : NULL;
	}
	return NULL;
#undef EV
#undef IS
}

/*
 * The n (1..8) decimal digits at s as a number, with one 8-byte load (the
 * caller knows the 8 bytes are in the string): the digits are shifted to the
 * top (most significant first, little-endian), '0's fill the bottom, then
 * pairs, quads and the whole are combined by three multiplications
 */
static __u64 digits8(const char *s, int n)
{
	__u64 v;

	memcpy(&v, s, 8);
	v = n == 8 ? v : v << (8 * (8 - n)) | (0x3030303030303030ULL >> (8 * n));
	v -= 0x3030303030303030ULL;
	v = (v * 10 + (v >> 8)) & 0x00ff00ff00ff00ffULL;
	v = (v * 100 + (v >> 16)) & 0x0000ffff0000ffffULL;
	return (v * 10000 + (v >> 32)) & 0xffffffffULL;
}

/* "1234.567890:" -> ns; also nanosecond precision from trace-cmd; returns
 * the ':' after it, or NULL */
static const char *parse_ts(const char *s, __u64 *ns)
{
	unsigned long long sec = 0, frac = 0;
	int digits = 0;

	static const __u32 scale[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	const char *start = s;

	for (; is_digit(*s); s++)	/* may wrap: only kept up to 10 digits */
		sec = sec * 10 + (*s - '0');
	if (s == start)
		return NULL;
	if (s - start > 10)		/* ns past 2^64 (584 years) never wrap */
		for (sec = 0, s = start; is_digit(*s); s++) {
			sec = sec * 10 + (*s - '0');
			if (sec > UINT64_MAX / 1000000000ULL)
				return NULL;
		}
	if (*s++ != '.')
		return NULL;
	for (start = s; is_digit(*s); s++)
		;
	if (*s != ':' || s == start)
		return NULL;
	digits = s - start < 9 ? s - start : 9;	/* past the nanosecond: not kept */
	/* 6 to 9 digits (tracefs: 6, trace-cmd: 9): 8 bytes from start are the
	 * string's (its ':' and the byte after it at worst), converted at once */
	if (digits >= 6 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
		frac = digits8(start, digits < 8 ? digits : 8) * (digits == 9 ? 10 : 1) +
		       (digits == 9 ? start[8] - '0' : 0);
	else
		for (int i = 0; i < digits; i++)
			frac = frac * 10 + (start[i] - '0');
	frac *= scale[digits];
	if (sec * 1000000000ULL > UINT64_MAX - frac)
		return NULL;
	*ns = sec * 1000000000ULL + frac;
	return s;
}

/* parse_ts()'s verdict without the value: a time of at most 10 digits of
 * seconds is below 2^64 ns whatever its fraction, a longer one is parsed */
static const char *ts_check(const char *s)
{
	const char *start = s;
	__u64 ns;

	while (is_digit(*s))
		s++;
	if (s == start)
		return NULL;
	if (s - start > 10)
		return parse_ts(start, &ns);
	if (*s++ != '.')
		return NULL;
	for (start = s; is_digit(*s); s++)
		;
	return *s == ':' && s != start ? s : NULL;
}

/* scan_dec_max()'s verdict without the value: 9 digits or fewer fit 32 bits */
static const char *dec_check(const char *s, __u64 max)
{
	const char *start = s;
	__u64 v;

	while (is_digit(*s))
		s++;
	if (s - start > 9)
		return scan_dec_max(start, &v, max);
	return s == start ? NULL : s;
}

/*
 * Where the fields of a "comm-pid [cpu] flags ts:" prefix are, checked but
 * not converted: an event the checker does not use needs none of them
 */
struct task {
	const char *comm, *pid, *cpu, *ts;
	size_t comm_len;
};

/* After the cpu field: an optional irq-flags column, then the timestamp;
 * returns the text after its ':' or NULL, the timestamp in *ts */
static const char *ts_field(const char *p, const char **ts)
{
	const char *colon;

	while (*p == ' ')
		p++;
	colon = is_digit(*p) ? ts_check(p) : NULL;
	if (!colon) {			/* "d..2." first */
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
		colon = ts_check(p);
		if (!colon)
			return NULL;
	}
	*ts = p;
	return colon + 1;
}

/*
 * Is b (" [") the cpu field of a "comm-pid [cpu]" prefix?  Before it: "-pid",
 * spaces, and the "(tgid)" of the record-tgid option; after it, digits, "]"
 * and the timestamp.  Fills t and *rest (the text after the timestamp).
 */
static bool task_at(const char *line, const char *b, struct task *t, const char **rest)
{
	const char *p = b, *start, *pid_end, *end;
	__u64 w;

	end = dec_check(b + 2, UINT32_MAX);	/* cpu and pid: 32 bits, never cut */
	if (!end || *end != ']' || !(*rest = ts_field(end + 1, &t->ts)))
		return false;
	/* the padding after the pid, 8 bytes at a time ([line, b) is the string's) */
	for (; p - line >= 8 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__; p -= 8) {
		memcpy(&w, p - 8, 8);
		w ^= 0x2020202020202020ULL;	/* a zero byte per blank */
		if (w) {		/* the last non-blank is in the highest nonzero byte */
			p -= __builtin_clzll(w) / 8;
			break;
		}
	}
	while (p > line && p[-1] == ' ')
		p--;
	if (p > line && p[-1] == ')') {		/* "(   170) " or "(-------) " */
		while (p > line && p[-1] != '(')
			p--;
		if (p == line)
			return false;
		for (p--; p > line && p[-1] == ' '; p--)
			;
	}
	pid_end = p;
	while (p > line && is_digit(p[-1]))
		p--;
	/* the pid's digits are counted already: dec_check() only past 9 of them */
	if (p == pid_end || p - 1 <= line || p[-1] != '-' ||
	    (pid_end - p > 9 && !dec_check(p, UINT32_MAX)))
		return false;
	for (start = line; *start == ' '; start++)	/* right-aligned comm */
		;
	if ((size_t)(p - 1 - start) > PINSCOPE_COMM_LEN - 1)
		return false;	/* no comm: another event's text (a file name) */
	t->comm = start;
	t->comm_len = p - 1 - start;
	t->pid = p;
	t->cpu = b + 2;
	return true;
}

/* The task, cpu and time of an event the checker uses, into ev */
static void task_fill(const struct task *t, struct pinscope_event *ev)
{
	__u64 v = 0;

	scan_dec_max(t->cpu, &v, UINT32_MAX);
	ev->cpu = v;
	scan_dec_max(t->pid, &v, UINT32_MAX);
	ev->pid = v;
	parse_ts(t->ts, &ev->ts_ns);
	memcpy(ev->comm, t->comm, t->comm_len);
	ev->comm[t->comm_len] = 0;
}

/* The next " [" at or after b (strstr(b, " [") by its rarer byte) */
static const char *next_cpu_field(const char *b)
{
	for (const char *q = b; (q = strchr(q, '[')); q++)
		if (q > b && q[-1] == ' ')
			return q - 1;
	return NULL;
}

/*
 * The "comm-pid [cpu] flags ts:" prefix of a xen event; returns the text
 * after the ts (its name) or NULL.  tracefs prints the comm as the task set
 * it (prctl): it may hold spaces, dashes and "[1]" of its own, so every
 * " [digits]" is a candidate, checked on both sides; the first followed by a
 * xen event wins (a comm of 15 chars cannot hold a fake "-1 [1] 1.0:
 * xen_...:").  What is before the "-pid" is the comm, at most 15 bytes
 * (TASK_COMM_LEN): a longer one is the text of an event before it
 * (sched_process_exec's file name, a trace_marker), which a process chooses,
 * so it holds no xen event.  A line with no xen event is skipped whatever
 * its prefix.
 */
static const char *parse_task(const char *line, struct task *t)
{
	const char *b = line, *rest;

	while ((b = next_cpu_field(b))) {
		if (task_at(line, b, t, &rest)) {
			while (*rest == ' ')
				rest++;
			if (rest[0] == 'x' && rest[1] == 'e' && rest[2] == 'n' && rest[3] == '_')
				return rest;
		}
		b += 2;
	}
	return NULL;
}

/*
 * The source's own marks of lost events, which precede the next event of
 * that cpu: tracefs "CPU:N [LOST k EVENTS]" / "CPU:N [LOST EVENTS]" (kernel
 * print_trace_line()), trace-cmd report "CPU:N [k EVENTS DROPPED]" /
 * "CPU:N [EVENTS DROPPED]".  arg[0] = k, 0 when not said.
 */
static bool parse_lost(const char *line, struct pinscope_event *ev)
{
	unsigned long long k = 0;
	unsigned int cpu;
	int n = 0;

	__u64 c;

	/* sscanf's %u takes "-1" and wraps past 2^32: the cpu checked first */
	if (strncmp(line, "CPU:", 4) || !scan_dec_max(line + 4, &c, UINT32_MAX))
		return false;
	if (sscanf(line, "CPU:%u [LOST %llu EVENTS]%n", &cpu, &k, &n) == 2 && n) {
	} else if (n = 0, sscanf(line, "CPU:%u [LOST EVENTS]%n", &cpu, &n) == 1 && n) {
	} else if (n = 0, sscanf(line, "CPU:%u [%llu EVENTS DROPPED]%n", &cpu, &k, &n) == 2 && n) {
	} else if (n = 0, sscanf(line, "CPU:%u [EVENTS DROPPED]%n", &cpu, &n) == 1 && n) {
	} else {
		return false;
	}
	line += n;
	while (is_space(*line))
		line++;
	if (*line)
		return false;
	ev->type = PINSCOPE_EV_LOST;
	ev->cpu = cpu;
	ev->arg[0] = k;
	return true;
}

/*
 * The xen event of a "comm-pid [cpu] flags ts: name: text" line (leading
 * blanks skipped): its name (*name, *nlen bytes, not NUL-terminated) and
 * where its task, cpu and time are (t); returns the text after "name:", or
 * NULL if the line holds no xen event.  The name is the parsed one, never a
 * substring of the line: a process chooses its comm (prctl), and a comm such
 * as "xen_mmu_do_pin:" is no event.
 */
static const char *event_of(const char *line, struct task *t, const char **name, size_t *nlen)
{
	const char *p, *colon;
	size_t n;

	p = parse_task(line, t);
	if (!p)
		return NULL;
	while (*p == ' ')
		p++;
	colon = strchr(p, ':');
	n = colon ? (size_t)(colon - p) : 0;
	if (!colon || n >= TRACE_NAME_LEN || memchr(p, ' ', n))
		return NULL;	/* function tracer and the like */
	*name = p;
	*nlen = n;
	for (p = colon + 1; *p == ' '; p++)
		;
	return p;
}

/* trace_line_caps() of the same line */
__u32 oracle_line_caps(const char *line, bool *is_lock)
{
	const char *name, *text, *val;
	struct task t;
	size_t n;

	if (is_lock)
		*is_lock = false;
	while (*line == ' ' || *line == '\t')
		line++;
	text = event_of(line, &t, &name, &n);
	if (!text)
		return 0;
	for (size_t i = 0; i < nr_hooks; i++) {
		if (hooks[i].origin != HOOK_PATCH || strncmp(hooks[i].target, name, n) ||
		    hooks[i].target[n])
			continue;
		if (n != 16 || memcmp(name, "xen_mmu_pte_lock", 16))
			return PINSCOPE_CAPS_TRACEPOINTS;
		if (is_lock)
			*is_lock = true;
		return PINSCOPE_CAPS_TRACEPOINTS |
		       (field(text, "mm_locked", &val) ? 0 : PINSCOPE_CAP_MMLOCK);
	}
	return 0;
}

enum trace_line oracle_parse_line(const char *line, struct pinscope_event *ev,
				 char *err, size_t errlen)
{
	const struct xen_event *x;
	const char *p, *name;
	struct task t;
	size_t n;

	while (*line == ' ' || *line == '\t')	/* the spaces first: one compare each */
		while (*++line == ' ')
			;
	if (!*line || *line == '\n' || *line == '#')
		return TRACE_LINE_HEADER;
	memset(ev, 0, sizeof(*ev));
	if (*line == 'C' && parse_lost(line, ev))
		return TRACE_LINE_EVENT;
	p = event_of(line, &t, &name, &n);
	if (!p)
		return TRACE_LINE_OTHER;
	x = xen_event(name, n);
	if (!x)		/* neither its text nor its task, cpu and time are converted */
		return TRACE_LINE_XEN_UNUSED;
	task_fill(&t, ev);
	ev->type = x->type;
	ev->arg[0] = x->arg0;
	if (x->args(p, ev)) {
		if (x->type == PINSCOPE_EV_FLUSH_REASON && strstr(p, "??"))
			/* its print fmt names XEN_MC_FL_*, whose values the kernel does not export */
			snprintf(err, errlen, "'%.40s': 'trace-cmd report' cannot name the flush "
				 "reason; replay the trace.dat itself", p);
		else
			snprintf(err, errlen, "cannot parse the arguments of %.*s: '%.80s'", (int)n,
				 name, p);
		return TRACE_LINE_BAD;
	}
	return TRACE_LINE_EVENT;
}
