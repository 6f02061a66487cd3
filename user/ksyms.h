/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel symbols from /proc/kallsyms: stack symbolization and hook addresses */
#ifndef PINSCOPE_KSYMS_H
#define PINSCOPE_KSYMS_H

#include <linux/types.h>

/* Address of a text symbol, 0 if absent or hidden (kptr_restrict) */
__u64 ksyms_addr(const char *name);
/* Address of a data symbol (one pass over /proc/kallsyms), 0 if absent or hidden */
__u64 ksyms_data_addr(const char *name);
/* Name of the symbol holding addr; loads /proc/kallsyms on first use */
const char *ksyms_lookup(__u64 addr, __u64 *off);
void ksyms_free(void);

#endif
