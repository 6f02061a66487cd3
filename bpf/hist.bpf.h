/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Histograms in the layout of include/pinscope.h */
#ifndef PINSCOPE_HIST_BPF_H
#define PINSCOPE_HIST_BPF_H

#include "pinscope.h"

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xffffffffULL) << 5; v >>= shift; r |= shift;
	shift = (v > 0xffff) << 4; v >>= shift; r |= shift;
	shift = (v > 0xff) << 3; v >>= shift; r |= shift;
	shift = (v > 0xf) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline void hist_add(struct pinscope_hist *h, __u64 v)
{
	__u32 slot = log2_u64(v);

	if (slot >= PINSCOPE_HIST_SLOTS)
		slot = PINSCOPE_HIST_SLOTS - 1;
	h->slots[slot]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

static __always_inline void lin_add(struct pinscope_lin_hist *h, __u64 v)
{
	if (v >= PINSCOPE_LIN_SLOTS)
		v = PINSCOPE_LIN_SLOTS - 1;
	h->slots[v]++;
}

#endif /* PINSCOPE_HIST_BPF_H */
