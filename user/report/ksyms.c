// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * /proc/kallsyms has about 120,000 lines.  Start-up only needs a handful of
 * addresses: they are picked out in one streaming pass.  The table of all
 * function symbols (addresses plus one buffer of names, ~4 MB) is built only
 * when a violation's kernel stack is printed, so a clean run never holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/ksyms.h"

struct ksym {
	__u64 addr;
	size_t name;	/* offset in names */
};

static struct ksym *syms;
static size_t nr_syms;
static char *names;
static int loaded;

static bool is_text(char type)
{
	return type == 't' || type == 'T';
}

/* "xen_pin_page.part.0" of "xen_pin_page": GCC's copies of a function */
static bool is_clone(const char *fn, const char *name)
{
	static const char *const kinds[] = { ".part.", ".isra.", ".constprop." };
	size_t len = strlen(fn);

	if (strncmp(fn, name, len) || name[len] != '.')
		return false;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncmp(name + len, kinds[i], strlen(kinds[i])))
			return true;
	return false;
}

bool ksyms_hidden(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr;
	char type;
	bool hidden = false;

	if (!f)
		return false;
	/* the per-cpu symbols at the top are 0 anyway: the first function's */
	while (fscanf(f, "%llx %c %*s%*[^\n]", &addr, &type) == 2) {
		if (type == 'T' || type == 't') {
			hidden = addr == 0;
			break;
		}
	}
	fclose(f);
	return hidden;
}

int ksyms_resolve(struct ksym_req *req, int n)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr;
	char type, name[256];
	int found = 0;

	for (int i = 0; i < n; i++) {
		req[i].addr = 0;
		req[i].clone[0] = 0;
	}
	if (!f)
		return 0;
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, name) == 3) {
		for (int i = 0; i < n; i++) {
			if (!req[i].data && !req[i].clone[0] && is_clone(req[i].name, name))
				snprintf(req[i].clone, sizeof(req[i].clone), "%.63s", name);
			if (req[i].addr || strcmp(req[i].name, name))
				continue;
			if (req[i].data ? !strchr("DdBbRr", type) : !is_text(type))
				continue;
			req[i].addr = addr;
			found += addr != 0;
		}
	}
	fclose(f);
	return found;
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 4096;
	void *n;

	if (need <= *cap)
		return true;
	while (c < need)
		c *= 2;
	n = realloc(*p, c * size);
	if (!n)
		return false;
	*p = n;
	*cap = c;
	return true;
}

static void load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	size_t cap = 0, ncap = 0, nlen = 0, len;
	unsigned long long addr;
	char type, name[256];

	loaded = 1;
	if (!f)
		return;
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, name) == 3) {
		if (!is_text(type) || !addr)
			continue;
		len = strlen(name) + 1;
		if (!grow((void **)&syms, &cap, nr_syms + 1, sizeof(*syms)) ||
		    !grow((void **)&names, &ncap, nlen + len, 1))
			break;
		memcpy(names + nlen, name, len);
		syms[nr_syms].addr = addr;
		syms[nr_syms].name = nlen;
		nlen += len;
		nr_syms++;
	}
	fclose(f);
	qsort(syms, nr_syms, sizeof(*syms), cmp_ksym);
}

const char *ksyms_lookup(__u64 addr, __u64 *off)
{
	size_t lo = 0, hi;

	if (!loaded)
		load();
	if (!nr_syms || addr < syms[0].addr)
		return NULL;
	hi = nr_syms;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - syms[lo].addr;
	return names + syms[lo].name;
}

void ksyms_free(void)
{
	free(syms);
	free(names);
	syms = NULL;
	names = NULL;
	nr_syms = 0;
	loaded = 0;
}
