// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
#include <emmintrin.h>
#endif
#include "engine/hooks.h"
#include "input/own.h"
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
	if (s[0] == ',' && s[1] == ' ' && !is_space(s[2]))	/* the kernel's ", " */
		return s + 2;
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

/*
 * The names the tracepoints print for the values (include/pinscope_rules.h),
 * indexed by value
 */
#define TP_NAME(id, name, ...) name,
static const char level_names[PINSCOPE_NR_TP_LEVELS][4] = { PINSCOPE_TP_LEVELS(TP_NAME) };
static const char *const reason_names[] = { PINSCOPE_FLUSH_REASONS(TP_NAME) };
#undef TP_NAME
#define CMD_NAME(id, value, name) [value] = name,
static const char *const cmd_names[PINSCOPE_NR_MMUEXTS] = { PINSCOPE_MMUEXTS(CMD_NAME) };
#undef CMD_NAME
/* a level's name is three characters: parse_level() and fast_page() compare three bytes */
#define LEVEL_LEN(id, name, report) _Static_assert(sizeof(name) == 4, "level " name);
PINSCOPE_TP_LEVELS(LEVEL_LEN)
#undef LEVEL_LEN

static int parse_level(const char *s, __u64 *level)
{
	for (unsigned int i = 0; i < PINSCOPE_NR_TP_LEVELS; i++)
		if (!strncmp(s, level_names[i], 3)) {
			*level = i;
			return 0;
		}
	return is_digit(*s) ? (*level = strtoull(s, NULL, 10), 0) : -1;
}

static int parse_cmd(const char *s, __u64 *cmd)
{
	for (unsigned int i = 0; i < PINSCOPE_NR_MMUEXTS; i++)
		if (!strncmp(s, cmd_names[i], strlen(cmd_names[i]))) {
			*cmd = i;
			return 0;
		}
	return is_digit(*s) ? (*cmd = strtoull(s, NULL, 0), 0) : -1;
}

static int parse_flush_reason(const char *s, __u64 *r)
{
	for (unsigned int i = 0; i < PINSCOPE_NR_FLUSH_REASONS; i++)
		if (!strncmp(s, reason_names[i], strlen(reason_names[i]))) {
			*r = i;
			return 0;
		}
	return -1;
}

int trace_op_path(const char *comm)
{
	return !strncmp(comm, "migration/", 10);
}

__u64 trace_va_pfn(__u64 va)
{
	return va >= PAGE_OFFSET_L4 ? (va - PAGE_OFFSET_L4) >> 12 : va >> 12;
}

/* "op 14(update_va_mapping) args [ffff888001234000, 8010..., 1, ...]" */
static int args_mc_entry(const char *text, struct pinscope_event *ev)
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
	ev->arg[1] = trace_va_pfn(a[0]);
	ev->arg[2] = a[2];
	return 0;
}

static int args_op(const char *text, struct pinscope_event *ev)
{
	return field_ptr(text, "mm", &ev->arg[1]) || field_ptr(text, "pgd", &ev->arg[2]);
}

/* "op pin" or "op unpin" (xen_mmu_pgd_done): the operation's kind */
static int parse_op_kind(const char *s, __u64 *kind)
{
	if (!strncmp(s, "pin", 3))
		*kind = PINSCOPE_OP_PIN;
	else if (!strncmp(s, "unpin", 5))
		*kind = PINSCOPE_OP_UNPIN;
	else
		return -1;
	return 0;
}

/* "mm %p pgd %p op %s" (xen_mmu_pgd_done, issue 27) */
static int args_done(const char *text, struct pinscope_event *ev)
{
	const char *s;

	return field_ptr(text, "mm", &ev->arg[1]) || field_ptr(text, "pgd", &ev->arg[2]) ||
	       field(text, "op", &s) || parse_op_kind(s, &ev->arg[0]);
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
	/* "mm_locked %d", since the series records it: else not recorded */
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

/*
 * The arguments as the kernel prints them, in their order (issue 27): each
 * key right after the previous value, hex values converted 16 digits at a
 * time.  The keys hold a letter that no hex digit is ("pfn", "ptl", "pgd",
 * "data"): a key found in its place is the first field() finds.  Each
 * returns 1 with the values in a[] (the event's arg[]), or 0 when the text
 * is laid out in any other way, and the parser of the event above decides
 * (and writes again what it parses); end is the text's NUL, the bound of
 * every read.
 */
#define LIT(s, lit) ((size_t)(end - (s)) >= sizeof(lit) - 1 && !memcmp(s, lit, sizeof(lit) - 1))

/* scan_hex(), 16 digits at once (1 to 16 of them, 16 bytes readable) */
static const char *hex_fast(const char *start, const char *end, __u64 *v)
{
	const char *s = start;

	if (!s)
		return NULL;
	if (s[0] == '0' && (s[1] | 0x20) == 'x' && hexval(s[2]) >= 0)
		s += 2;
#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
	__m128i x, letter, nib, pair;
	unsigned int n;
	__u64 r;
	int d = hexval(s[0]);

	/* one digit ("1", "0" of the arguments of xen_mc_entry): scan_hex()'s
	 * value, without its call; s[1] is read after a digit, so before the NUL */
	if (d >= 0 && hexval(s[1]) < 0) {
		*v = d;
		return s + 1;
	}

	if (end + 1 - s < 16)	/* its NUL may be read: the line's last bytes */
		return scan_hex(start, v);
	x = _mm_loadu_si128((const __m128i *)s);
	/* 'a'..'f' after | 0x20 (so 'A'..'F'); digits as in classify() */
	letter = _mm_cmplt_epi8(_mm_add_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)),
					     _mm_set1_epi8((char)(0x80 - 'a'))), _mm_set1_epi8(-122));
	n = __builtin_ctz(~(unsigned int)_mm_movemask_epi8(_mm_or_si128(letter,
		_mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - '0'))),
			       _mm_set1_epi8(-118)))));
	if (!n || (n == 16 && hexval(s[16]) >= 0))	/* s[15] is no NUL */
		return scan_hex(start, v);	/* from the start: its "0x" once */
	/* each byte's value (any byte past the digits: < 16, shifted out below),
	 * pairs of digits into bytes, the 8 bytes most significant first */
	nib = _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0f)),
			   _mm_and_si128(letter, _mm_set1_epi8(9)));
	pair = _mm_and_si128(_mm_or_si128(_mm_slli_epi16(nib, 4), _mm_srli_epi16(nib, 8)),
			     _mm_set1_epi16(0xff));
	r = __builtin_bswap64((__u64)_mm_cvtsi128_si64(_mm_packus_epi16(pair, pair)));
	*v = n == 16 ? r : r >> (4 * (16 - n));
	return s + n;
#else
	return scan_hex(start, v);
#endif
}

/* At s: a blank, the key (n bytes) and a blank, then a hex value; its end or NULL */
static inline const char *key_hex(const char *s, const char *end, const char *key, size_t n,
				  __u64 *v)
{
	if (!s || (size_t)(end - s) < n + 2 || s[0] != ' ' || memcmp(s + 1, key, n) || s[n + 1] != ' ')
		return NULL;
	return hex_fast(s + n + 2, end, v);
}
#define KEY_HEX(s, key, v) key_hex(s, end, key, sizeof(key) - 1, v)

/* "mm %p pfn %lx ptl %p", then " mm_locked %d" since the series records it */
static int fast_lock(const char *t, const char *end, __u64 *a)
{
	const char *s;
	__u64 mm, v;

	s = LIT(t, "mm ") ? KEY_HEX(KEY_HEX(hex_fast(t + 3, end, &mm), "pfn", &a[1]), "ptl", &a[3]) :
	    NULL;
	if (!s)
		return 0;
	if (s == end)
		return 1;	/* not recorded: arg[0] stays PINSCOPE_MMLOCK_UNKNOWN */
	if (!LIT(s, " mm_locked ") || !(s = scan_dec(s + 11, &v)) || s != end)
		return 0;	/* args_lock() decides */
	a[0] = (__u64)(v ? PINSCOPE_MMLOCK_HELD : PINSCOPE_MMLOCK_FREE) << PINSCOPE_MMLOCK_SHIFT;
	return 1;
}

/* "ptl %p" */
static int fast_unlock(const char *t, const char *end, __u64 *a)
{
	return LIT(t, "ptl ") && hex_fast(t + 4, end, &a[3]);
}

/* "mm %p pgd %p" */
static int fast_op(const char *t, const char *end, __u64 *a)
{
	return LIT(t, "mm ") && KEY_HEX(hex_fast(t + 3, end, &a[1]), "pgd", &a[2]);
}

/* "mm %p pgd %p op pin|unpin" */
static int fast_done(const char *t, const char *end, __u64 *a)
{
	const char *s = LIT(t, "mm ") ? KEY_HEX(hex_fast(t + 3, end, &a[1]), "pgd", &a[2]) : NULL;

	if (!s || !LIT(s, " op "))
		return 0;
	if (end - s == 7 && !memcmp(s + 4, "pin", 3))
		a[0] = PINSCOPE_OP_PIN;
	else if (end - s == 9 && !memcmp(s + 4, "unpin", 5))
		a[0] = PINSCOPE_OP_UNPIN;
	else
		return 0;	/* args_done() decides */
	return 1;
}

/* "mm %p pfn %lx level %s ptl %p", the level by its name */
static int fast_page(const char *t, const char *end, __u64 *a)
{
	const char *s;
	__u64 mm;

	s = KEY_HEX(hex_fast(LIT(t, "mm ") ? t + 3 : NULL, end, &mm), "pfn", &a[1]);
	if (!s || !LIT(s, " level ") || end - s < 10)
		return 0;
	for (a[2] = 0; a[2] < PINSCOPE_NR_TP_LEVELS && memcmp(s + 7, level_names[a[2]], 3); a[2]++)
		;
	return a[2] < PINSCOPE_NR_TP_LEVELS && KEY_HEX(s + 10, "ptl", &a[3]);
}

/*
 * "cmd %s pfn %lx", the command by its name: the names of PINSCOPE_MMUEXTS
 * read by their characters, not looked up in cmd_names[] (a compare per name
 * and line); tests/input/test_names.c reads every name of the table here
 */
_Static_assert(PINSCOPE_MMUEXT_PIN_L1 == 0 && PINSCOPE_MMUEXT_PIN_L4 == 3,
	       "fast_do_pin(): PIN_L<n>_TABLE is command n - 1");
static int fast_do_pin(const char *t, const char *end, __u64 *a)
{
	const char *s;

	if (LIT(t, "cmd PIN_L") && end - t >= 16 && t[9] >= '1' && t[9] <= '4' &&
	    !memcmp(t + 10, "_TABLE", 6)) {
		a[0] = t[9] - '1';
		s = t + 16;
	} else if (LIT(t, "cmd UNPIN_TABLE")) {
		a[0] = PINSCOPE_MMUEXT_UNPIN;
		s = t + 15;
	} else {
		return 0;
	}
	return KEY_HEX(s, "pfn", &a[1]) != NULL;
}

/* "callback %pS, data %p" (a symbol has no blank) */
static int fast_callback(const char *t, const char *end, __u64 *a)
{
	const char *s = t + 9;

	if (!LIT(t, "callback "))
		return 0;
	while (s < end && *s != ',' && *s != ' ')
		s++;
	if (*s != ',')
		return 0;
	a[0] = s - t >= 9 + 14 && !memcmp(t + 9, "xen_pte_unlock", 14) &&
	       (t[23] == ',' || t[23] == '+');
	return KEY_HEX(s + 1, "data", &a[3]) != NULL;
}

/* "op %u(%s) args [%lx, %lx, %lx, ...": the first '[' after the number */
static int fast_mc_entry(const char *t, const char *end, __u64 *a)
{
	const char *s;
	__u64 va;

	if (!LIT(t, "op ") || !(s = scan_dec(t + 3, &a[0])))
		return 0;
	s = memchr(s, '[', end - s);
	if (!s)
		return 0;
	for (s++; is_space(*s); s++)
		;
	s = hex_fast(s, end, &va);
	s = hex_fast(scan_comma(s), end, &a[1]);
	if (!hex_fast(scan_comma(s), end, &a[2]))
		return 0;
	a[1] = trace_va_pfn(va);
	return 1;
}

/* "flushing %u hypercalls, %u arg bytes, %u callbacks" */
static int fast_flush(const char *t, const char *end, __u64 *a)
{
	const char *s;

	return LIT(t, "flushing ") && (s = scan_dec(t + 9, &a[0])) && LIT(s, " hypercalls, ") &&
	       (s = scan_dec(s + 13, &a[1])) && LIT(s, " arg bytes, ") &&
	       (s = scan_dec(s + 12, &a[2])) && LIT(s, " callbacks");
}

static int fast_flush_reason(const char *t, const char *end, __u64 *a)
{
	return 0;
}

static int fast_none(const char *t, const char *end, __u64 *a)
{
	return 1;
}

/* The xen events the checker uses: their type, arg[0] when the name says it,
 * and the parser of their text; every other xen event is skipped unparsed */
struct xen_event {
	__u32 type;
	__u64 arg0;
	int (*args)(const char *text, struct pinscope_event *ev);
	/* the kernel's own layout into arg[], args() on the rest */
	int (*fast)(const char *text, const char *end, __u64 *arg);
};

/* The entry of the event name (n bytes, not NUL-terminated), or NULL: by its
 * length, then memcmp() of a constant size (inlined as a few word compares) */
static const struct xen_event *xen_event(const char *name, size_t n)
{
#define IS(lit) (!memcmp(name, lit, sizeof(lit) - 1))
/* the arguments parsed by fast_NAME(), or args_NAME() */
#define EV(t, a0, name) ({ static const struct xen_event e_ = { t, a0, args_##name, fast_##name }; &e_; })
	switch (n) {
	case 12:
		return IS("xen_mc_entry") ? EV(PINSCOPE_EV_MC_ENTRY, 0, mc_entry) :
		       IS("xen_mc_flush") ? EV(PINSCOPE_EV_FLUSH, 0, flush) :
		       IS("xen_mc_issue") ? EV(PINSCOPE_EV_MC_ISSUE, 0, none) : NULL;
	case 14:
		return IS("xen_mmu_do_pin") ? EV(PINSCOPE_EV_DO_PIN, 0, do_pin) : NULL;
	case 15:
		return IS("xen_mc_callback") ? EV(PINSCOPE_EV_CALLBACK, 0, callback) :
		       IS("xen_mmu_pgd_pin") ? EV(PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_PIN, op) :
		       NULL;
	case 16:
		return IS("xen_mmu_pin_page") ? EV(PINSCOPE_EV_PAGE, PINSCOPE_OP_PIN, page) :
		       IS("xen_mmu_pte_lock") ? EV(PINSCOPE_EV_LOCK, 0, lock) :
		       IS("xen_mmu_pgd_done") ? EV(PINSCOPE_EV_OP_END, 0, done) : NULL;
	case 17:
		return IS("xen_mmu_pgd_unpin") ? EV(PINSCOPE_EV_OP_BEGIN, PINSCOPE_OP_UNPIN, op) :
		       NULL;
	case 18:
		return IS("xen_mmu_unpin_page") ? EV(PINSCOPE_EV_PAGE, PINSCOPE_OP_UNPIN, page) :
		       IS("xen_mmu_pte_unlock") ? EV(PINSCOPE_EV_UNLOCK, 0, unlock) : NULL;
	case 19:
		return IS("xen_mc_flush_reason") ?
		       EV(PINSCOPE_EV_FLUSH_REASON, 0, flush_reason) : NULL;
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
	/* from event_fast(): digits of cpu and pid (<= 9), of the seconds (<= 10)
	 * and of their fraction; 0 from event_of() */
	unsigned int cpu_len, pid_len, sec_len, frac_len;
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
	t->sec_len = 0;
	t->pid = p;
	t->cpu = b + 2;
	return true;
}

/* n (1..10) decimal digits: no overflow in 64 bits */
static inline __u64 dec_n(const char *s, unsigned int n)
{
	__u64 x = 0;

	for (unsigned int i = 0; i < n; i++)
		x = x * 10 + (s[i] - '0');
	return x;
}

/* The time of a task of event_fast() (t->sec_len set), in ns: parse_ts()'s
 * value, below 10^10 s, no overflow */
static inline __u64 task_ts(const struct task *t)
{
	static const __u32 scale[10] = {
		1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000, 100, 10, 1,
	};
	unsigned int digits = t->frac_len < 9 ? t->frac_len : 9;
	const char *f = t->ts + t->sec_len + 1;
	__u64 v;

	v = digits >= 6 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ?
	    digits8(f, digits < 8 ? digits : 8) * (digits == 9 ? 10 : 1) +
	    (digits == 9 ? f[8] - '0' : 0) : dec_n(f, digits);
	return dec_n(t->ts, t->sec_len) * 1000000000ULL + v * scale[digits];
}

/* The task, cpu and time of an event the checker uses, into ev */
static void task_fill(const struct task *t, struct pinscope_event *ev)
{
	__u64 v = 0;

	if (t->sec_len) {
		ev->cpu = dec_n(t->cpu, t->cpu_len);
		ev->pid = dec_n(t->pid, t->pid_len);
		ev->ts_ns = task_ts(t);
		memcpy(ev->comm, t->comm, t->comm_len);
		ev->comm[t->comm_len] = 0;
		return;
	}

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
 * xen event, or one of pinscope's own (input/own.h), wins (a comm of 15
 * chars cannot hold a fake "-1 [1] 1.0: xen_...:").  What is before the "-pid" is the comm, at most 15 bytes
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
			if ((rest[0] == 'x' && rest[1] == 'e' && rest[2] == 'n' && rest[3] == '_') ||
			    own_name_at(rest))
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

__u32 trace_line_caps(const char *line, bool *is_lock)
{
	const char *name, *text, *val;
	bool mm_locked;
	struct task t;
	size_t n;

	if (is_lock)
		*is_lock = false;
	while (*line == ' ' || *line == '\t')
		line++;
	text = event_of(line, &t, &name, &n);
	if (!text)
		return 0;
	if (own_line_is(name, n, text, &mm_locked)) {	/* the stock modes' events */
		if (is_lock)	/* the first line that records the mm lock decides */
			*is_lock = mm_locked;
		return PINSCOPE_CAPS_OWN_LINES | (mm_locked ? PINSCOPE_CAP_MMLOCK : 0);
	}
	for (size_t i = 0; i < nr_hooks; i++) {
		if (hooks[i].origin != HOOK_PATCH || strncmp(hooks[i].target, name, n) ||
		    hooks[i].target[n])
			continue;
		if (n != 16 || memcmp(name, "xen_mmu_pte_lock", 16))
			return PINSCOPE_CAPS_TRACEPOINTS;
		if (is_lock)
			*is_lock = true;
		/* the event's own text, after its parsed name: never the comm's */
		return PINSCOPE_CAPS_TRACEPOINTS |
		       (field(text, "mm_locked", &val) ? 0 : PINSCOPE_CAP_MMLOCK);
	}
	return 0;
}

/*
 * The fast path of event_of() (issue 27): the line's structure decided from
 * bit masks of its byte classes instead of a walk of its bytes.  A line of
 * tracefs or trace-cmd has its "comm-pid [cpu] flags ts: " prefix in its
 * first 64 bytes (after the leading blanks): these are classified at once
 * (blank, digit, '['), 16 bytes per SSE2 compare on x86-64, one byte at a
 * time elsewhere, and the checks of task_at() and ts_field() are made on
 * the masks.  Only the first " [" is tried: whatever is unusual (a "(tgid)",
 * a number longer than 9 digits of pid or cpu or 10 of seconds, a prefix
 * past the window, another event than xen_* or pinscope's own, a first " ["
 * that is not the cpu field, as in a comm of its own "[1]") is left to
 * event_of(), which
 * tries every " [" as before: the verdict is event_of()'s on every line.
 */
#define WIN 64

struct win {
	/* bit i: byte i is not ' ', is ' ', is not a digit; bit 63 set in each,
	 * so that a search never runs off the window: 63 is "past the window" */
	__u64 nblank, blank, ndigit, lbr;	/* lbr: '[' */
};

#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
/* The classes of 16 bytes at s, at bit 16 * i */
#define CLASSIFY16(i) do {								\
	__m128i x = _mm_loadu_si128((const __m128i *)(s + 16 * (i)));			\
	blank |= (__u64)(__u16)_mm_movemask_epi8(_mm_cmpeq_epi8(x, sp)) << (16 * (i));	\
	lbr |= (__u64)(__u16)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lb)) << (16 * (i));	\
	digit |= (__u64)(__u16)_mm_movemask_epi8(_mm_cmplt_epi8(_mm_add_epi8(x, off),	\
							       lim)) << (16 * (i));	\
} while (0)
#endif

/* The classes of s[16 * from, 16 * to) (all readable) into w, sentinels set:
 * [0, 48) or [48, 64) */
static inline void classify(const char *s, struct win *w, int from, int to)
{
	__u64 blank = 0, digit = 0, lbr = 0;
#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
	const __m128i sp = _mm_set1_epi8(' '), lb = _mm_set1_epi8('[');
	/* digit: x + (0x80 - '0') is below -118 (signed) for '0'..'9' only */
	const __m128i off = _mm_set1_epi8((char)(0x80 - '0')), lim = _mm_set1_epi8(-118);

	if (from == 0) {
		CLASSIFY16(0);
		CLASSIFY16(1);
		CLASSIFY16(2);
	}
	if (to == 4)
		CLASSIFY16(3);
#else
	for (int i = 16 * from; i < 16 * to; i++) {
		blank |= (__u64)(s[i] == ' ') << i;
		lbr |= (__u64)(s[i] == '[') << i;
		digit |= (__u64)is_digit(s[i]) << i;
	}
#endif
	if (from) {	/* more of the window */
		blank |= w->blank;
		digit |= ~w->ndigit;
		lbr |= w->lbr;
	}
	w->blank = blank | 1ULL << 63;
	w->nblank = ~blank | 1ULL << 63;
	w->ndigit = ~digit | 1ULL << 63;
	w->lbr = lbr | 1ULL << 63;
}

/* The first set bit of m at or after bit from (<= 63): 63 if none before */
static inline unsigned int first_at(__u64 m, unsigned int from)
{
	return __builtin_ctzll(m >> from << from);
}

/* The last set bit of m below bit to (<= 63), -1 if none */
static inline int last_below(__u64 m, unsigned int to)
{
	m &= (1ULL << to) - 1;
	return m ? 63 - __builtin_clzll(m) : -1;
}

#define FAST_UNSURE (-1)

/* ts_check() on the masks at p (<= 62): the ':' after the time, 0 if none, FAST_UNSURE */
static inline int ts_fast(const char *s, const struct win *w, unsigned int p, unsigned int *dot)
{
	unsigned int q = first_at(w->ndigit, p), r;

	if (q == p)
		return 0;
	if (q - p > 10 || q == 63)		/* parse_ts() decides */
		return FAST_UNSURE;
	if (s[q] != '.')
		return 0;
	*dot = q;
	r = first_at(w->ndigit, q + 1);
	if (r == 63)
		return FAST_UNSURE;
	return s[r] == ':' && r != q + 1 ? (int)r : 0;
}

/*
 * Where the fields of a line's prefix are (offsets), and the byte classes of
 * [0, r] they were found from: a line whose classes there are the same, and
 * whose bytes at e (']'), dot ('.'), colon (':'), hi (no ')') and j ('-')
 * and "xen_" or an own event's name at r are too, has its fields at the same
 * places, as every decision of event_fast() is made on these (the next line of the same task
 * and cpu, as a rule: its flags are no digits, its time as wide)
 */
struct shape {
	__u64 region, blank, ndigit, lbr;
	unsigned int k, e, p, dot, colon, hi, j, r;
	bool valid;
};

/* The last line's (a text trace is parsed by one thread) */
static _Thread_local struct shape last;

static inline bool same_shape(const char *line, size_t len, const struct win *w,
			      const struct shape *sh)
{
	return sh->valid && !(((w->blank ^ sh->blank) | (w->ndigit ^ sh->ndigit) |
				(w->lbr ^ sh->lbr)) & sh->region) &&
	       line[sh->e] == ']' && line[sh->dot] == '.' && line[sh->colon] == ':' &&
	       line[sh->hi] != ')' && line[sh->j] == '-' && sh->r + 4 <= len &&
	       (!memcmp(line + sh->r, "xen_", 4) || own_name_at(line + sh->r));
}

/* The task, cpu and time fields of a line of that shape */
/* The time's fields of a line of shape sh: alone for a kept prefix, whose
 * task's other fields are converted already */
static inline void time_of(const char *line, const struct shape *sh, struct task *t)
{
	t->ts = line + sh->p;
	t->sec_len = sh->dot - sh->p;
	t->frac_len = sh->colon - sh->dot - 1;
}

static void task_of(const char *line, const struct shape *sh, struct task *t)
{
	t->comm = line;
	t->comm_len = sh->j;
	t->pid = line + sh->j + 1;
	t->cpu = line + sh->k + 1;
	t->cpu_len = sh->e - (sh->k + 1);
	t->pid_len = sh->hi - sh->j;
	time_of(line, sh, t);
}

/*
 * The event name of a line (len bytes) of shape sh: event_fast()'s result
 * (1 with the name, 0 where event_of() returns NULL, FAST_UNSURE)
 */
static inline int shape_name(const char *line, size_t len, const struct shape *sh,
			     const char **name, size_t *nlen)
{
	unsigned int c, r = sh->r;
	const char *s;

	/* event_of(): the name up to the first ':', without a blank, < TRACE_NAME_LEN bytes */
	s = line + r;
#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
	for (unsigned int off = 0;; off += 16) {
		__m128i x;
		unsigned int m;

		if (off >= TRACE_NAME_LEN || r + off + 16 > len + 1)
			return FAST_UNSURE;
		x = _mm_loadu_si128((const __m128i *)(s + off));
		m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
			_mm_cmpeq_epi8(x, _mm_set1_epi8(':')), _mm_cmpeq_epi8(x, _mm_set1_epi8(' '))),
			_mm_cmpeq_epi8(x, _mm_setzero_si128())));
		if (m) {
			c = off + __builtin_ctz(m);
			break;
		}
	}
#else
	for (c = 0; s[c] && s[c] != ':' && s[c] != ' '; c++)
		;
#endif
	if (s[c] != ':' || c >= TRACE_NAME_LEN)
		return 0;
	*name = s;
	*nlen = c;
	return 1;
}

/*
 * event_of() of line (len bytes, no NUL before line[len], which is one; no
 * leading blank): 1 with the prefix's shape and the event name, 0 when
 * event_of() returns NULL, or FAST_UNSURE when event_of() must decide.
 * Positions are bits of the masks; 63 is past the window.
 */
static int event_fast(const char *line, size_t len, const struct shape **shp,
		      const char **name, size_t *nlen)
{
	unsigned int k, e, p, r, dot = 0;
	struct shape *sh = &last;
	int hi, j, colon;
	bool first;
	struct win w;

	if (len < WIN)
		return FAST_UNSURE;
	/* 48 bytes hold a prefix of the last shape as a rule: the rest if needed */
	classify(line, &w, 0, 3);
	if (sh->r < 47 && same_shape(line, len, &w, sh))
		goto name;
	classify(line, &w, 3, 4);
	if (sh->r >= 47 && same_shape(line, len, &w, sh))
		goto name;
	sh->valid = false;
	/* the first '[', after a blank: next_cpu_field()'s first candidate */
	k = __builtin_ctzll(w.lbr);
	if (k == 0 || k == 63 || line[k - 1] != ' ')
		return FAST_UNSURE;
	/* task_at(): the cpu, 1 to 9 digits, then ']' */
	e = first_at(w.ndigit, k + 1);
	if (e == k + 1 || e - (k + 1) > 9 || e == 63 || line[e] != ']')
		return FAST_UNSURE;
	/* ts_field(): blanks, the time, or the irq flags, blanks and the time */
	p = first_at(w.nblank, e + 1);
	if (p == 63)
		return FAST_UNSURE;
	first = ~w.ndigit >> p & 1;
	colon = first ? ts_fast(line, &w, p, &dot) : 0;
	if (!colon) {
		p = first_at(w.blank, p);
		p = p < 63 ? first_at(w.nblank, p) : 63;
		colon = p < 63 ? ts_fast(line, &w, p, &dot) : FAST_UNSURE;
	} else {
		first = false;	/* the time at once: its bytes are checked by same_shape() */
	}
	if (colon <= 0)
		return FAST_UNSURE;
	/* before " [": blanks, the pid (1 to 9 digits) after '-', a comm of 1 to 15 bytes */
	hi = last_below(w.nblank, k - 1);
	if (hi < 0 || line[hi] == ')' || (w.blank & 1))
		return FAST_UNSURE;
	j = last_below(w.ndigit, hi + 1);
	if (j < 1 || j == hi || hi - j > 9 || line[j] != '-' || j > PINSCOPE_COMM_LEN - 1)
		return FAST_UNSURE;
	/* parse_task(): blanks, then a xen event or one of pinscope's own */
	r = first_at(w.nblank, colon + 1);
	if (r == 63 || r + 4 > len || (memcmp(line + r, "xen_", 4) && !own_name_at(line + r)))
		return FAST_UNSURE;
	*sh = (struct shape){
		.region = (2ULL << r) - 1, .blank = w.blank, .ndigit = w.ndigit, .lbr = w.lbr,
		.k = k, .e = e, .p = p, .dot = dot, .colon = colon, .hi = hi, .j = j, .r = r,
		/* a time tried first where the flags are, failed on a byte: not
		 * decided by the classes alone */
		.valid = !first,
	};
name:
	*shp = sh;
	return shape_name(line, len, sh, name, nlen);
}

#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
/*
 * The last line's first 64 bytes, when they held its whole prefix of a
 * shape (blanks, comm-pid [cpu] flags time: and the "xen_" of its event
 * name): a line whose bytes there are the same but for the time's digits
 * (each a digit still) is of the same shape, its blanks as many: its
 * classes, blank skip and shape checks need not be made again (the next
 * line of a task, as a rule; most of them are events the checker does not
 * use, which need nothing else but their name)
 */
struct prefix {
	unsigned char b[WIN];
	__u64 span;		/* bits of the bytes that must be the same */
	__u64 ts;		/* of the time's digits: may differ, must be digits */
	unsigned int lead;	/* leading blanks */
	/* ~(lead + WIN), the shortest line of it, complemented: 0 (no line is
	 * long enough) while nothing is kept in the entry */
	size_t not_len;
	unsigned int c0, c1;	/* the 16-byte chunks holding the time */
	/* the task's cpu, pid and comm (the same in every line of the prefix),
	 * once a line of it was an event the checker uses */
	bool task_ok;
	__u32 cpu, pid;
	char comm[PINSCOPE_COMM_LEN];
	struct shape sh;	/* the shape it was noted with */
};

/*
 * The last PREFIXES prefixes, most recent first in order (a byte each,
 * the lowest first): the lines of
 * two or three tasks (cpus, irq flags) come in turn (a 10^6-line capture:
 * 78 % of its lines are of the last line's prefix, 95 % of one of the last
 * two, 99.4 % of one of the last four)
 */
#define PREFIXES 4
static _Thread_local struct prefix prefixes[PREFIXES];
static _Thread_local __u32 order = 0x03020100;

/* The digits of the 16 bytes at s, as bits */
static inline __u64 digits16(const char *s)
{
	__m128i x = _mm_loadu_si128((const __m128i *)s);

	/* x + (0x80 - '0') is below -118 (signed) for '0'..'9' only (classify()) */
	return (__u16)_mm_movemask_epi8(_mm_cmplt_epi8(_mm_add_epi8(x,
		_mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8(-118)));
}

/* Is line (len bytes) of the last prefix's shape? */
static inline bool same_prefix(const char *line, size_t len, const struct prefix *lp)
{
	__u64 eq, dig;

	if (len < ~lp->not_len)	/* nothing kept, or too short */
		return false;
#define SAME16(i) ((__u64)(__u16)_mm_movemask_epi8(_mm_cmpeq_epi8(				\
		_mm_loadu_si128((const __m128i *)(line + 16 * (i))),			\
		_mm_loadu_si128((const __m128i *)(lp->b + 16 * (i))))) << (16 * (i)))
	eq = SAME16(0) | SAME16(1) | SAME16(2) | SAME16(3);	/* WIN bytes */
#undef SAME16
	if (~eq & lp->span & ~lp->ts)
		return false;
	dig = digits16(line + 16 * lp->c0) << (16 * lp->c0);
	if (lp->c1 != lp->c0)
		dig |= digits16(line + 16 * lp->c1) << (16 * lp->c1);
	return !(lp->ts & ~dig);
}

/* The kept prefix of line (len bytes), made the most recent, or NULL */
static inline struct prefix *prefix_find(const char *line, size_t len)
{
	__u32 o = order;

	if (same_prefix(line, len, &prefixes[o & 0xff]))
		return &prefixes[o & 0xff];
	for (unsigned int i = 8; i < 8 * PREFIXES; i += 8) {
		__u32 k = o >> i & 0xff, below = (1U << i) - 1;

		if (same_prefix(line, len, &prefixes[k])) {
			/* to the front: the ones before it one place back */
			order = (__u32)(o & ~((1ULL << (i + 8)) - 1)) | (o & below) << 8 | k;
			return &prefixes[k];
		}
	}
	return NULL;
}

/*
 * Notes the prefix of line (len bytes, lead blanks first) if it is of shape
 * sh, in place of the least recent: that entry, or NULL
 */
static inline struct prefix *prefix_note(const char *line, size_t len, unsigned int lead,
					 const struct shape *sh)
{
	__u32 k = order >> (8 * (PREFIXES - 1));
	struct prefix *lp = &prefixes[k];
	unsigned int t0 = lead + sh->p, t1 = lead + sh->colon, end = lead + sh->r + 4;

	/* no lost-events marker ("CPU:%u [LOST", parse_lost()) has a shape: its
	 * first " [" holds no cpu, so a line of the same prefix is none either */
	if (!(sh->valid && end < WIN && len >= lead + WIN &&
	      /* a xen event: pinscope's own names are known by all their bytes */
	      !memcmp(line + lead + sh->r, "xen_", 4)))
		return NULL;
	order = order << 8 | k;
	lp->sh = *sh;
	memcpy(lp->b, line, WIN);
	lp->task_ok = false;
	lp->span = (1ULL << end) - 1;
	lp->ts = ((1ULL << t1) - (1ULL << t0)) & ~(1ULL << (lead + sh->dot));
	lp->lead = lead;
	lp->not_len = ~(size_t)(lead + WIN);
	lp->c0 = t0 / 16;
	lp->c1 = (t1 - 1) / 16;
	return lp;
}
#endif

/*
 * A line of pinscope's own events (input/own.h), its task t found by
 * event_fast() or event_of(): the event,
 * TRACE_LINE_BAD (its fields are not its table's), or another name's (none:
 * parse_task() takes own names only)
 */
static enum trace_line own_event(const struct task *t, const char *name, size_t n,
				 struct pinscope_event *ev, char *err, size_t errlen)
{
	const char *p = name + n + 1;
	int r;

	while (*p == ' ')
		p++;
	memset(ev, 0, sizeof(*ev));
	task_fill(t, ev);
	r = own_line_parse(name, n, p, ev);
	if (r < 0)
		snprintf(err, errlen, "cannot parse the arguments of %.*s: '%.80s'", (int)n, name, p);
	return r > 0 ? TRACE_LINE_EVENT : r < 0 ? TRACE_LINE_BAD : TRACE_LINE_OTHER;
}

enum trace_line trace_parse_text(const char *line, size_t len, struct pinscope_event *ev,
				 char *err, size_t errlen)
{
	const struct xen_event *x;
	const char *p, *name, *end = line + len;
	const struct shape *sh;
	struct task t;
	size_t n;
	int fast;

#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
	const char *raw = line;
	struct prefix *lp = prefix_find(line, len);

	if (lp) {
		line += lp->lead;
		sh = &lp->sh;
		fast = shape_name(line, end - line, sh, &name, &n);
		goto named;
	}
	/* the leading blanks (a right-aligned comm: 10 or so) 16 at a time */
	while (end - line >= 16) {
		__m128i x16 = _mm_loadu_si128((const __m128i *)line);
		unsigned int m = ~_mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(x16, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x16, _mm_set1_epi8('\t'))));

		if (m & 0xffff) {
			line += __builtin_ctz(m);
			break;
		}
		line += 16;
	}
#endif
	while (*line == ' ' || *line == '\t')	/* the spaces first: one compare each */
		while (*++line == ' ')
			;
	if (!*line || *line == '\n' || *line == '#')
		return TRACE_LINE_HEADER;
	if (*line == 'C') {
		memset(ev, 0, sizeof(*ev));
		if (parse_lost(line, ev))
			return TRACE_LINE_EVENT;
	}
	fast = event_fast(line, end - line, &sh, &name, &n);
#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
	if (fast == 1)
		lp = prefix_note(raw, len, line - raw, sh);
named:
#endif
	p = fast == FAST_UNSURE ? event_of(line, &t, &name, &n) : fast ? name : NULL;
	if (!p)
		return TRACE_LINE_OTHER;
	x = xen_event(name, n);
	if (!x && n > 9 && !memcmp(name, "pinscope_", 9)) {
		if (fast == 1)
			task_of(line, sh, &t);
		return own_event(&t, name, n, ev, err, errlen);
	}
	if (!x)		/* neither its text nor its task, cpu and time are converted */
		return TRACE_LINE_XEN_UNUSED;
	if (fast == 1)
		for (p = name + n + 1; *p == ' '; p++)
			;
	memset(ev, 0, sizeof(*ev));
#if defined(__SSE2__) && !defined(TRACE_NO_SIMD)
	/* lp: the line's prefix is a kept one (it was noted from it, or is
	 * the same but for the time): its task's fields converted once */
	if (fast == 1 && lp) {
		if (lp->task_ok) {
			ev->cpu = lp->cpu;
			ev->pid = lp->pid;
			memcpy(ev->comm, lp->comm, sizeof(ev->comm));
			time_of(line, sh, &t);	/* only the time */
			ev->ts_ns = task_ts(&t);
		} else {
			task_of(line, sh, &t);
			task_fill(&t, ev);
			lp->cpu = ev->cpu;
			lp->pid = ev->pid;
			memcpy(lp->comm, ev->comm, sizeof(lp->comm));
			lp->task_ok = true;
		}
	} else {
		if (fast == 1)
			task_of(line, sh, &t);
		task_fill(&t, ev);
	}
#else
	if (fast == 1)
		task_of(line, sh, &t);
	task_fill(&t, ev);
#endif
	ev->type = x->type;
	ev->arg[0] = x->arg0;
	/* what fast() wrote before it gave up, args() writes again when it parses */
	if (!x->fast(p, end, ev->arg) && x->args(p, ev)) {
		if (x->type == PINSCOPE_EV_FLUSH_REASON && strstr(p, "??"))
			/* its print fmt names XEN_MC_FL_*, whose values the kernel does not export */
			snprintf(err, errlen, "'%.40s': 'trace-cmd report' cannot name the flush "
				 "reason; replay the trace.dat itself", p);
		else
			snprintf(err, errlen, "cannot parse the arguments of %.*s: '%.80s'", (int)n,
				 name, p);
		return TRACE_LINE_BAD;
	}
	if (x->type == PINSCOPE_EV_OP_BEGIN)	/* the path, from the task: trace_op_path() */
		ev->arg[3] = trace_op_path(ev->comm);
	return TRACE_LINE_EVENT;
}

enum trace_line trace_parse_line(const char *line, struct pinscope_event *ev,
				 char *err, size_t errlen)
{
	return trace_parse_text(line, strlen(line), ev, err, errlen);
}
