/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel version differences, all in one place, each under the kernel change
 * that caused it.  The loader probes for the BPF features (user/probe.c).
 */
#ifndef PINSCOPE_COMPAT_BPF_H
#define PINSCOPE_COMPAT_BPF_H

#include "maps.bpf.h"

/*
 * "x86/mm: Enable KASLR for vmemmap memory region" (v4.9): the vmemmap base is
 * the variable vmemmap_base instead of a constant.  Xen PV guests boot without
 * KASLR, so it keeps its default, which is the fallback when the symbol is absent.
 * The loader may also set vmemmap_start.
 */
extern const void vmemmap_base __ksym __weak;
__u64 vmemmap_cache;

/*
 * "bpf: Add get_func_[arg|ret|arg_cnt] helpers" (v5.17): fentry arguments as
 * scalars; pointer arithmetic on a BTF pointer (struct page *) is refused by
 * the verifier, so the page's address is taken with bpf_get_func_arg().
 * "bpf: Add bpf_loop helper" (v5.17): the checker's ring scans need it.
 */
static __always_inline __u64 page_to_pfn(__u64 page)
{
	__u64 base = vmemmap_start ?: vmemmap_cache;

	if (!base && &vmemmap_base) {
		bpf_probe_read_kernel(&base, sizeof(base), &vmemmap_base);
		vmemmap_cache = base;
	}
	if (!base)
		base = 0xffffea0000000000ULL;	/* __VMEMMAP_BASE_L4 */
	return (page - base) / page_size_of;
}

/*
 * tp_btf/xen_mc_callback is rejected by the 6.1 verifier (its fn argument is a
 * function pointer typedef): every mainline xen event is attached as raw_tp,
 * which also loads on kernels without Xen for BPF_PROG_TEST_RUN.
 */

#endif /* PINSCOPE_COMPAT_BPF_H */
