// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "coverage.h"
#include "pinscope.h"

#define HAS(c) (caps & PINSCOPE_CAP_##c)

enum coverage rule_coverage(__u32 rule, __u32 caps)
{
	switch (rule) {
	case PINSCOPE_R_PGD_LAST:
		return HAS(PAGE) ? COV_EXACT : HAS(UVM) ? COV_APPROX : COV_NONE;
	case PINSCOPE_R_PTE_LOCK_HELD:
		return HAS(LOCK) && HAS(PTL) ? COV_EXACT : HAS(PAGE_EXIT) ? COV_APPROX : COV_NONE;
	case PINSCOPE_R_UNLOCK_AFTER_FLUSH:
		return HAS(UNLOCK) ? COV_EXACT : COV_NONE;
	case PINSCOPE_R_NO_SPLIT_NO_L1_PIN:
		return HAS(PTL) ? COV_EXACT : HAS(PAGE_EXIT) ? COV_APPROX : COV_NONE;
	case PINSCOPE_R_LOCKS_BOUNDED:
		return HAS(LOCK) ? COV_EXACT : COV_APPROX;
	case PINSCOPE_R_L4_AFTER_WALK:
		return HAS(DOPIN) && HAS(PAGE) ? COV_EXACT : COV_NONE;
	case PINSCOPE_R_LOCKS_RELEASED:
		return HAS(LOCK) && HAS(UNLOCK) ? COV_EXACT : HAS(UNLOCK) ? COV_APPROX : COV_NONE;
	}
	return COV_NONE;
}

const char *coverage_name(enum coverage c)
{
	return c == COV_EXACT ? "exact" : c == COV_APPROX ? "approx" : "not checked";
}

const char *hold_meaning(__u32 caps)
{
	if (HAS(LOCK))
		return "from xen_mmu_pte_lock (lock taken) to xen_mmu_pte_unlock (unlock)";
	if (HAS(PAGE_EXIT))
		return "from entry of xen_(un)pin_page, or the last flush inside it, to xen_pte_unlock: "
		       "xen_pte_lock is inlined, so this bounds the hold from above";
	return "from xen_mc_callback(xen_pte_unlock) to the start of the flush that runs it: "
	       "bounds the hold from below";
}
