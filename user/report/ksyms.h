/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel symbols from /proc/kallsyms: hook addresses and stack symbolization */
#ifndef PINSCOPE_KSYMS_H
#define PINSCOPE_KSYMS_H

#include <stdbool.h>
#include <linux/types.h>

struct ksym_req {
	const char *name;
	bool data;	/* a variable (DdBbRr), else a function (Tt) */
	__u64 addr;	/* out: 0 if absent or hidden (kptr_restrict) */
	/* out, functions: a copy the compiler made (name.part.0, .isra.0,
	 * .constprop.0), "" if none: calls to it bypass a hook on name */
	char clone[64];
};

/* Resolve a few names in one pass over the whole file (clones may follow),
 * keeping nothing; returns how many were found */
int ksyms_resolve(struct ksym_req *req, int n);
/* /proc/kallsyms names the kernel's functions but shows their addresses as
 * 0: kernel.kptr_restrict, or a reader without CAP_SYSLOG */
bool ksyms_hidden(void);
/* Name of the function holding addr; reads the text symbols on first use */
const char *ksyms_lookup(__u64 addr, __u64 *off);
void ksyms_free(void);

#endif
