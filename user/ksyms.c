// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ksyms.h"

struct ksym {
	__u64 addr;
	char *name;
};

static struct ksym *syms;
static size_t nr_syms;
static int loaded;

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void load(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr;
	char type, name[256];
	size_t cap = 0;
	struct ksym *n;

	loaded = 1;
	if (!f)
		return;
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, name) == 3) {
		if (type != 't' && type != 'T')
			continue;
		if (nr_syms == cap) {
			cap = cap ? cap * 2 : 65536;
			n = realloc(syms, cap * sizeof(*syms));
			if (!n)
				break;
			syms = n;
		}
		syms[nr_syms].addr = addr;
		syms[nr_syms].name = strdup(name);
		nr_syms++;
	}
	fclose(f);
	qsort(syms, nr_syms, sizeof(*syms), cmp_ksym);
}

__u64 ksyms_addr(const char *name)
{
	if (!loaded)
		load();
	for (size_t i = 0; i < nr_syms; i++)
		if (syms[i].name && !strcmp(syms[i].name, name))
			return syms[i].addr;
	return 0;
}

__u64 ksyms_data_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr, found = 0;
	char type, sym[256];

	if (!f)
		return 0;
	while (fscanf(f, "%llx %c %255s%*[^\n]", &addr, &type, sym) == 3)
		if (strchr("DdBbRr", type) &&
		    !strcmp(sym, name)) {
			found = addr;
			break;
		}
	fclose(f);
	return found;
}

const char *ksyms_lookup(__u64 addr, __u64 *off)
{
	size_t lo = 0, hi;

	if (!loaded)
		load();
	if (!nr_syms || addr < syms[0].addr || !syms[0].addr)
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
	return syms[lo].name;
}

void ksyms_free(void)
{
	for (size_t i = 0; i < nr_syms; i++)
		free(syms[i].name);
	free(syms);
	syms = NULL;
	nr_syms = 0;
	loaded = 0;
}
