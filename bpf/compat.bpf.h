/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Kernel version differences, all in one place, each under the kernel change
 * that caused it.  The loader probes for the BPF features (user/live/probe.c).
 */
#ifndef PINSCOPE_COMPAT_BPF_H
#define PINSCOPE_COMPAT_BPF_H

#include "maps.bpf.h"

/*
 * "x86/mm: Enable KASLR for vmemmap memory region" (v4.9): the vmemmap base is
 * the variable vmemmap_base instead of a constant.  The loader finds its
 * address in /proc/kallsyms (vmemmap_base_addr); Xen PV guests boot without
 * KASLR, so the default is the fallback.  (Not an extern __ksym: libbpf would
 * then read all of /proc/kallsyms at every load, replay included.)
 */
__u64 vmemmap_cache;

/*
 * A kernel variable (a __u64) read once through the address the loader found
 * in /proc/kallsyms, cached in *cache; dflt when kallsyms did not name it or
 * the read failed (the next call tries again)
 */
static __always_inline __u64 kvar_u64(__u64 addr, __u64 *cache, __u64 dflt)
{
	__u64 v = *cache;

	if (!v && addr) {
		bpf_probe_read_kernel(&v, sizeof(v), (const void *)addr);
		*cache = v;
	}
	return v ?: dflt;
}

/*
 * "bpf: Add get_func_[arg|ret|arg_cnt] helpers" (v5.17): fentry arguments as
 * scalars; pointer arithmetic on a BTF pointer (struct page *) is refused by
 * the verifier, so the page's address is taken with bpf_get_func_arg().
 * "bpf: Add bpf_loop helper" (v5.17): the checker's ring scans need it.
 */
static __always_inline __u64 page_to_pfn(__u64 page)
{
	__u64 base = vmemmap_start ?: kvar_u64(vmemmap_base_addr, &vmemmap_cache,
					       0xffffea0000000000ULL);	/* __VMEMMAP_BASE_L4 */
	/* sizeof(struct page) is 64 unless debug options grow it: a shift
	 * then (the verifier knows page_size_of and drops the other branch) */
	if (page_size_of == 64)
		return (page - base) >> 6;
	return (page - base) / page_size_of;
}

/*
 * tp_btf/xen_mc_callback is rejected by the 6.1 verifier (its fn argument is a
 * function pointer typedef): every mainline xen event is attached as raw_tp,
 * which also loads on kernels without Xen for BPF_PROG_TEST_RUN.
 */

/*
 * The mm's page_table_lock at a PTE page's visit (fentry/kprobe, caps MMLOCK):
 * its lock word at mm + mm_ptl_off.  struct mm_struct's layout differs between
 * releases: the loader takes the offset from vmlinux BTF (user/live/probe.c;
 * no CO-RE relocation: with one, libbpf would need vmlinux BTF to load any
 * program of the object, kprobe mode and replay included).
 * "locking/spinlock: Provide RT variant" (v5.15): under PREEMPT_RT spinlock_t
 * is an rt_mutex; in every other configuration it starts with its
 * arch_spinlock_t, the word spin_is_locked() reads.  Read at the entry of
 * xen_(un)pin_page, before the inlined xen_pte_lock() takes the split lock.
 */
static __always_inline __u64 mm_lock_state(__u64 mm, __u64 level, __u32 run_caps)
{
	__u32 word;

	if (!CAP_IN(run_caps, MMLOCK) || level != PINSCOPE_L_PTE || !mm)
		return 0;
	if (bpf_probe_read_kernel(&word, sizeof(word), (const void *)(mm + mm_ptl_off)))
		return 0;	/* not recorded */
	return (__u64)(word ? PINSCOPE_MMLOCK_HELD : PINSCOPE_MMLOCK_FREE) << PINSCOPE_MMLOCK_SHIFT;
}

/*
 * kernel/patches, issue 24: xen_mmu_pte_lock gained a fourth argument, bool
 * mm_locked (caps MMLOCK where the kernel has it); a kernel of the series
 * before passes three, and tp_pte_lock reads ctx[3] only with MMLOCK.
 */

/*
 * kprobe mode is for kernels without BTF, so its handlers must not carry CO-RE
 * relocations (PT_REGS_PARM*() of bpf_tracing.h read struct pt_regs through
 * vmlinux.h, which is CO-RE): read the x86-64 argument registers by their
 * fixed place in struct pt_regs (arch/x86/include/asm/ptrace.h: r15 r14 r13
 * r12 bp bx r11 r10 r9 r8 ax cx dx si di ...), an ABI since 2.6.25.
 */
#define KP_ARG1(ctx) (((const unsigned long *)(ctx))[14])	/* di */
#define KP_ARG2(ctx) (((const unsigned long *)(ctx))[13])	/* si */
#define KP_ARG3(ctx) (((const unsigned long *)(ctx))[12])	/* dx */

#endif /* PINSCOPE_COMPAT_BPF_H */
