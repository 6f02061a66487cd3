/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Opening, configuring, loading and attaching the BPF skeleton */
#ifndef PINSCOPE_LOADER_H
#define PINSCOPE_LOADER_H

#include <stdbool.h>
#include <linux/types.h>

struct pinscope_bpf;

enum pinscope_mode {
	MODE_AUTO,
	MODE_TRACEPOINTS,	/* kernel/patches tracepoints */
	MODE_FENTRY,		/* fentry/fexit, stock kernels with BTF */
	MODE_KPROBE,		/* kprobes, no BTF */
	MODE_REPLAY,		/* BPF_PROG_TEST_RUN of parsed traces */
};

struct loader_cfg {
	enum pinscope_mode mode;
	__u32 caps;		/* enum pinscope_caps */
	__u32 targ_tgid;
	__u32 lean;		/* enum pinscope_lean */
	__u64 pte_unlock_fn;
	__u64 page_size;	/* sizeof(struct page), 0: default */
	__u64 vmemmap_base_addr;	/* &vmemmap_base from kallsyms, 0: unknown */
	__u64 page_offset_base_addr;	/* &page_offset_base from kallsyms, 0: unknown */
	__u64 m2p_addr;			/* &machine_to_phys_mapping from kallsyms, 0: unknown */
	__u64 init_mm_addr;		/* &init_mm from kallsyms (the suspend path), 0: unknown */
	__u64 mm_ptl_off;		/* offsetof(struct mm_struct, page_table_lock) from
					 * vmlinux BTF, 0: unknown (stock modes: no MMLOCK) */
	char hook_problems[1024];	/* what the compiler did to hooked functions, "" */
	bool want_stack;
	bool flush_exit;	/* tracepoints mode: fexit/xen_mc_flush attachable */
	__u32 ringbuf_size;	/* bytes of the violation ring buffer, 0: the map's default */
	__u32 flight_n;		/* flight recorder slots per cpu (power of two), 0: none */
};

const char *loader_mode_name(enum pinscope_mode mode);
__u32 loader_mode_caps(enum pinscope_mode mode);

/* Sets cfg's lean (enum pinscope_lean) to the bits that apply to the run
 * probed; PINSCOPE_LEAN_FLUSH_TIME also takes the flush's return out */
void loader_set_lean(struct loader_cfg *cfg, __u32 lean);
/* Returns 0 or -errno; messages on stderr */
int loader_open_load(struct pinscope_bpf **skel, const struct loader_cfg *cfg);
/* Attaches every program of the mode, then arms them (loader_arm) */
int loader_attach(struct pinscope_bpf *skel);
/* Live hooks ignore events until armed; tests that test-run them arm by hand */
void loader_arm(struct pinscope_bpf *skel);
/*
 * Start the run again from nothing, hooks attached: disarm, let handlers in
 * flight finish, clear every cpu's state and statistics and the process
 * table, count (and drop) the violation records queued meanwhile into
 * *dropped, re-arm.  After the visibility probe (user/live/visprobe.h), so that
 * the report covers what comes after it.  0 or -errno.
 */
int loader_restart(struct pinscope_bpf *skel, __u64 *dropped);
void loader_destroy(struct pinscope_bpf *skel);

#endif
