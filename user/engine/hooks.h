/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The hooks of include/pinscope_rules.h as data, for the loader, the probes and the parser */
#ifndef PINSCOPE_HOOKS_H
#define PINSCOPE_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include "pinscope.h"

enum hook_origin { HOOK_MAINLINE, HOOK_PATCH, HOOK_FUNC, HOOK_NONE };

struct hook {
	const char *prog;	/* program name in bpf/pinscope.bpf.c */
	const char *kind;	/* raw_tp, fentry, fexit, kprobe, kretprobe */
	const char *target;	/* tracepoint or function, "" for replay */
	const char *section;	/* "kind/target" as in SEC("?...") */
	unsigned int modes;	/* PINSCOPE_HM_* */
	enum hook_origin origin;
};

extern const struct hook hooks[];
extern const size_t nr_hooks;

/*
 * The distinct targets of the hooks with any of the modes and the kind
 * (NULL: any), in table order, NULL-terminated, into out[nr_hooks + 1];
 * returns how many.
 */
size_t hooks_targets(unsigned int modes, const char *kind, const char **out);
/* `pinscope --list-hooks`: one line per hook, tab-separated */
void hooks_list(FILE *f);

#endif
