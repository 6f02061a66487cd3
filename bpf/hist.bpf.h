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

/*
 * Older verifiers (6.1) lose the bound when clang tests one copy of an index
 * and uses another: clamp, hide the value from the optimizer, then mask.
 */
#define BOUNDED(v, n, mask) ({ __u64 __v = (v); if (__v >= (n)) __v = (n) - 1; \
			       asm volatile("" : "+r"(__v)); __v & (mask); })

/*
 * Slot of v in the log-linear layout of include/pinscope.h: v itself below
 * 2^5, else octave k = log2(v) >= 5 gives slot (k - 4) * 32 plus the 5 bits
 * of v below its leading one.  No loop; the caller bounds the result.
 */
_Static_assert(!(PINSCOPE_HIST_SLOTS & (PINSCOPE_HIST_SLOTS - 1)), "slots: a power of two (mask)");

static __always_inline __u64 hist_slot(__u64 v)
{
	__u32 k;

	if (v < PINSCOPE_HIST_SUB)
		return v;
	k = log2_u64(v);
	return ((__u64)(k - PINSCOPE_HIST_SUB_BITS + 1) << PINSCOPE_HIST_SUB_BITS) +
	       ((v >> (k - PINSCOPE_HIST_SUB_BITS)) & (PINSCOPE_HIST_SUB - 1));
}

static __always_inline void hist_add(struct pinscope_hist *h, __u64 v)
{
	h->slots[BOUNDED(hist_slot(v), PINSCOPE_HIST_SLOTS, PINSCOPE_HIST_SLOTS - 1)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

static __always_inline void lin_add(struct pinscope_lin_hist *h, __u64 v)
{
	h->slots[BOUNDED(v, PINSCOPE_LIN_SLOTS, 127)]++;
}

#endif /* PINSCOPE_HIST_BPF_H */
