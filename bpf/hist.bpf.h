/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Histograms in the layout of include/pinscope.h */
#ifndef PINSCOPE_HIST_BPF_H
#define PINSCOPE_HIST_BPF_H

#include "pinscope.h"

/* The bits of x up to its leading one (0 for 0): a binary search, no loop */
static __always_inline __u32 bit_len(__u64 x)
{
	__u32 n = 0;

	if (x >> 32) { x >>= 32; n += 32; }
	if (x >> 16) { x >>= 16; n += 16; }
	if (x >> 8) { x >>= 8; n += 8; }
	if (x >> 4) { x >>= 4; n += 4; }
	if (x >> 2) { x >>= 2; n += 2; }
	return n + (__u32)(x >> 1) + (__u32)(x != 0);
}

/*
 * Older verifiers (6.1) lose the bound when clang tests one copy of an index
 * and uses another: clamp, hide the value from the optimizer, then mask.
 */
#define BOUNDED(v, n, mask) ({ __u64 __v = (v); if (__v >= (n)) __v = (n) - 1; \
			       asm volatile("" : "+r"(__v)); __v & (mask); })

/*
 * Slot of v in the log-linear layout of include/pinscope.h: v itself below
 * 2^6, else octave k = log2(v) >= 6 gives slot (k - 4) * 32 plus the 5 bits
 * of v below its leading one.  Both are s * 32 + (v >> s), s = k - 5 the
 * shift that brings v into [32, 64) (0 below 64: the bits of v >> 6).  No
 * loop; the caller bounds the result.
 */
_Static_assert(!(PINSCOPE_HIST_SLOTS & (PINSCOPE_HIST_SLOTS - 1)), "slots: a power of two (mask)");

static __always_inline __u64 hist_slot(__u64 v)
{
	__u32 s = bit_len(v >> (PINSCOPE_HIST_SUB_BITS + 1));

	return ((__u64)s << PINSCOPE_HIST_SUB_BITS) + (v >> s);
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
