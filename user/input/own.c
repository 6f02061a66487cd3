// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "input/own.h"

enum own_fmt { OWN_NONE, OWN_KIND, OWN_HEX, OWN_DEC, OWN_LEVEL, OWN_CMD };

struct own_field {
	const char *key;
	enum own_fmt fmt;
};

struct own_line {
	__u32 type;
	const char *name;
	size_t len;
	struct own_field f[4];		/* f[i]: arg[i] */
};

#define OWN_F(key, fmt) { #key, OWN_##fmt }
#define OWN_NO {0}	/* no comma: an argument of OWN_L() once expanded */
#define OWN_L(ev, name, f0, f1, f2, f3) \
	{ PINSCOPE_EV_##ev, "pinscope_" #name, sizeof("pinscope_" #name) - 1, { f0, f1, f2, f3 } },
static const struct own_line own_lines[] = { PINSCOPE_OWN_LINES(OWN_L, OWN_F, OWN_NO) };
#undef OWN_L
#undef OWN_NO
#undef OWN_F
#define NR_OWN (sizeof(own_lines) / sizeof(own_lines[0]))

/* The names of the values: enum pinscope_op_kind, pinscope_level, pinscope_mmuext
 * (include/pinscope_rules.h PINSCOPE_LEVELS, PINSCOPE_MMUEXTS) */
static const char *const kind_names[] = { NULL, "pin", "unpin" };
#define LEVEL_NAME(id, name, report) name,
static const char *const level_names[] = { PINSCOPE_LEVELS(LEVEL_NAME) };
#undef LEVEL_NAME
#define CMD_NAME(id, value, name) [value] = name,
static const char *const cmd_names[] = { PINSCOPE_MMUEXTS(CMD_NAME) };
#undef CMD_NAME

/* The names of a format's values (*n of them), NULL for a number */
static const char *const *names_of(enum own_fmt fmt, size_t *n)
{
	switch (fmt) {
	case OWN_KIND: *n = sizeof(kind_names) / sizeof(kind_names[0]); return kind_names;
	case OWN_LEVEL: *n = sizeof(level_names) / sizeof(level_names[0]); return level_names;
	case OWN_CMD: *n = sizeof(cmd_names) / sizeof(cmd_names[0]); return cmd_names;
	default: *n = 0; return NULL;
	}
}

static const struct own_line *own_of_type(__u32 type)
{
	for (size_t i = 0; i < NR_OWN; i++)
		if (own_lines[i].type == type)
			return &own_lines[i];
	return NULL;
}

static const struct own_line *own_of_name(const char *name, size_t n)
{
	for (size_t i = 0; i < NR_OWN; i++)
		if (own_lines[i].len == n && !memcmp(own_lines[i].name, name, n))
			return &own_lines[i];
	return NULL;
}

int own_line_format(__u32 type, const __u64 *a, char *buf, size_t len)
{
	const struct own_line *o = own_of_type(type);
	int n, mm = PINSCOPE_MMLOCK_UNKNOWN;
	size_t at, nn;

	if (!o || !len)
		return 0;
	n = snprintf(buf, len, "%s:", o->name);
	for (int i = 0; i < 4 && n >= 0 && (size_t)n < len; i++) {
		const struct own_field *f = &o->f[i];
		const char *const *tab = names_of(f->fmt, &nn);
		__u64 v = f->fmt == OWN_KIND ? a[i] & 0xff : a[i];
		const char *name = tab && v < nn ? tab[v] : NULL;

		if (!f->key)
			continue;
		if (tab && !name)
			return 0;	/* a value the kernel never passes: no line */
		at = n;
		n = tab ? snprintf(buf + at, len - at, " %s=%s", f->key, name) :
		    f->fmt == OWN_DEC ? snprintf(buf + at, len - at, " %s=%llu", f->key,
						 (unsigned long long)v) :
		    snprintf(buf + at, len - at, " %s=%llx", f->key, (unsigned long long)v);
		n = n < 0 ? n : (int)(at + n);
		if (f->fmt == OWN_KIND)
			mm = PINSCOPE_EV_MMLOCK(a[i]);
	}
	/* the mm lock, when recorded (PAGE of a PTE page): said last, else left out */
	if (n >= 0 && (size_t)n < len && mm != PINSCOPE_MMLOCK_UNKNOWN) {
		at = n;
		n = snprintf(buf + at, len - at, " mm_locked=%d", mm == PINSCOPE_MMLOCK_HELD);
		n = n < 0 ? n : (int)(at + n);
	}
	return n >= 0 && (size_t)n < len;
}

/* A hex (no "0x") or decimal number of 64 bits at most at s: its end or NULL */
static const char *scan_num(const char *s, unsigned int base, __u64 *v)
{
	const char *start = s;
	unsigned int d;

	for (*v = 0;; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f')
			d = (*s | 0x20) - 'a' + 10;
		else
			break;
		if (base == 16 ? *v >> 60 : *v > (~0ULL - d) / 10)
			return NULL;	/* more than 64 bits */
		*v = *v * base + d;
	}
	return s == start ? NULL : s;
}

/* One of the n names of tab at s, followed by a blank or the end: its end, its index in *v */
static const char *scan_name(const char *s, const char *const *tab, size_t n, __u64 *v)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = tab[i] ? strlen(tab[i]) : 0;

		if (l && !strncmp(s, tab[i], l) && (s[l] == ' ' || !s[l])) {
			*v = i;
			return s + l;
		}
	}
	return NULL;
}

/* "key=" at s, after a blank unless first: the value's start or NULL */
static const char *scan_key(const char *s, const char *key, bool first)
{
	size_t l = strlen(key);

	if (!first && *s++ != ' ')
		return NULL;
	return !strncmp(s, key, l) && s[l] == '=' ? s + l + 1 : NULL;
}

int own_line_parse(const char *name, size_t n, const char *text, struct pinscope_event *ev)
{
	const struct own_line *o = own_of_name(name, n);
	const char *s = text, *m;
	bool first = true;
	int kind = -1;
	size_t nn;

	if (!o)
		return 0;
	ev->type = o->type;
	for (int i = 0; i < 4; i++) {
		const struct own_field *f = &o->f[i];
		const char *const *tab = names_of(f->fmt, &nn);
		__u64 v;

		ev->arg[i] = 0;
		if (!f->key)
			continue;
		s = scan_key(s, f->key, first);
		first = false;
		if (!s)
			return -1;
		s = tab ? scan_name(s, tab, nn, &v) : scan_num(s, f->fmt == OWN_DEC ? 10 : 16, &v);
		if (!s)
			return -1;
		ev->arg[i] = v;
		kind = f->fmt == OWN_KIND ? i : kind;
	}
	/* the mm lock last, with the kind it goes with */
	if (kind >= 0 && (m = scan_key(s, "mm_locked", false))) {
		if ((*m != '0' && *m != '1') || (m[1] && m[1] != ' '))
			return -1;
		ev->arg[kind] |= (__u64)(*m == '1' ? PINSCOPE_MMLOCK_HELD : PINSCOPE_MMLOCK_FREE)
				 << PINSCOPE_MMLOCK_SHIFT;
		s = m + 1;
	}
	while (*s == ' ')
		s++;
	return *s ? -1 : 1;
}

bool own_line_is(const char *name, size_t n, const char *text, bool *mm_locked)
{
	struct pinscope_event ev;
	int r = own_line_parse(name, n, text, &ev);

	if (mm_locked)	/* the field parsed, not a text that happens to hold it */
		*mm_locked = r == 1 && PINSCOPE_EV_MMLOCK(ev.arg[0]) != PINSCOPE_MMLOCK_UNKNOWN;
	return r != 0;
}

bool own_name_at(const char *s)
{
	if (strncmp(s, "pinscope_", 9))	/* most lines: one compare */
		return false;
	for (size_t i = 0; i < NR_OWN; i++)
		if (!strncmp(s, own_lines[i].name, own_lines[i].len) && s[own_lines[i].len] == ':')
			return true;
	return false;
}
