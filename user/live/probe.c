// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "engine/hooks.h"
#include "report/ksyms.h"
#include "report/names.h"
#include "live/probe.h"

/* From include/pinscope_rules.h: the tracepoints every live mode uses, those
 * of tracepoints mode, the functions of fentry/kprobe mode (made at probe) */
static const char *mc_tps[PINSCOPE_NR_HOOKS + 1];
static const char *patched_tps[PINSCOPE_NR_HOOKS + 1];
static const char *opend_tps[PINSCOPE_NR_HOOKS + 1];
static const char *funcs[PINSCOPE_NR_HOOKS + 1];
static size_t nr_funcs;

static void hook_lists(void)
{
	size_t n = 0;

	/* the mainline tracepoints of every live mode and of the stock modes */
	hooks_targets(PINSCOPE_HM_LIVE | PINSCOPE_HM_STOCK, "raw_tp", mc_tps);
	/* tracepoints mode needs its own and the end of an operation's fallback
	 * (xen_mc_issue); the series' end event is used where it exists */
	hooks_targets(PINSCOPE_HM_TP | PINSCOPE_HM_TP_ISSUE, "raw_tp", patched_tps);
	hooks_targets(PINSCOPE_HM_TP_OPEND, "raw_tp", opend_tps);
	hooks_targets(PINSCOPE_HM_FENTRY, NULL, funcs);
	/* the functions: the targets that are not tracepoints */
	for (size_t i = 0; funcs[i]; i++) {
		bool tp = false;

		for (size_t j = 0; mc_tps[j] && !tp; j++)
			tp = !strcmp(funcs[i], mc_tps[j]);
		if (!tp)
			funcs[n++] = funcs[i];
	}
	funcs[n] = NULL;
	nr_funcs = n;
}

static bool has_tp(struct btf *btf, const char *name)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];

	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events/xen/%s", roots[i], name);
		if (!access(path, F_OK))
			return true;
	}
	/* tracefs not mounted: every tracepoint has a btf_trace_<name> typedef */
	snprintf(path, sizeof(path), "btf_trace_%s", name);
	return btf && btf__find_by_name_kind(btf, path, BTF_KIND_TYPEDEF) > 0;
}

/* Appends the missing names of set to buf; returns how many are missing */
static int missing(const char *const *set, bool (*ok)(struct btf *, const char *),
		   struct btf *btf, char *buf, size_t len)
{
	int n = 0;

	for (; *set; set++) {
		if (ok(btf, *set))
			continue;
		n++;
		if (strlen(buf) + strlen(*set) + 2 < len) {
			strcat(buf, " ");
			strcat(buf, *set);
		}
	}
	return n;
}

static bool has_btf_func(struct btf *btf, const char *name)
{
	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* Every kallsyms address pinscope needs: funcs[], then the variables of
 * enum ksym_var (in the slots after them); resolved in one pass by probe_live() */
enum ksym_var { KV_VMEMMAP, KV_PAGE_OFFSET, KV_M2P, KV_INIT_MM, NR_KV };
static const char *const ksym_vars[NR_KV] = {
	"vmemmap_base", "page_offset_base", "machine_to_phys_mapping", "init_mm",
};
static struct ksym_req ksyms[PINSCOPE_NR_HOOKS + NR_KV];

static const struct ksym_req *func_ksym(const char *name)
{
	for (size_t i = 0; i < nr_funcs; i++)
		if (!strcmp(ksyms[i].name, name))
			return &ksyms[i];
	return NULL;
}

static __u64 func_addr(const char *name)
{
	const struct ksym_req *k = func_ksym(name);

	return k ? k->addr : 0;
}

static bool has_ksym(struct btf *btf, const char *name)
{
	return func_addr(name) != 0;
}

/* One pass over /proc/kallsyms: the functions and the variables */
static void resolve_ksyms(struct loader_cfg *cfg)
{
	for (size_t i = 0; i < nr_funcs; i++)
		ksyms[i] = (struct ksym_req){ .name = funcs[i] };
	for (int v = 0; v < NR_KV; v++)
		ksyms[nr_funcs + v] = (struct ksym_req){ .name = ksym_vars[v], .data = true };
	ksyms_resolve(ksyms, nr_funcs + NR_KV);
	cfg->vmemmap_base_addr = ksyms[nr_funcs + KV_VMEMMAP].addr;
	cfg->page_offset_base_addr = ksyms[nr_funcs + KV_PAGE_OFFSET].addr;
	cfg->m2p_addr = ksyms[nr_funcs + KV_M2P].addr;
	cfg->init_mm_addr = ksyms[nr_funcs + KV_INIT_MM].addr;
}

/* Byte offset of member name in the struct or union id, looking into its
 * anonymous members (struct mm_struct keeps its fields in one); -1: none */
static long btf_member_off(const struct btf *btf, __u32 id, const char *name)
{
	const struct btf_type *t;
	const struct btf_member *m;
	int rid = btf__resolve_type(btf, id);
	long off;

	t = btf__type_by_id(btf, rid < 0 ? id : (__u32)rid);
	if (!t || (!btf_is_struct(t) && !btf_is_union(t)))
		return -1;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);

		if (n && !strcmp(n, name))
			return btf_member_bit_offset(t, i) / 8;
		if (n && *n)
			continue;
		off = btf_member_off(btf, m->type, name);
		if (off >= 0)
			return btf_member_bit_offset(t, i) / 8 + off;
	}
	return -1;
}

static long btf_struct_member_off(const struct btf *btf, const char *st, const char *name)
{
	int id = btf ? btf__find_by_name_kind(btf, st, BTF_KIND_STRUCT) : -1;

	return id > 0 ? btf_member_off(btf, id, name) : -1;
}

/*
 * Whether the events record the mm's page_table_lock (caps MMLOCK, rule
 * mm-lock-held): tracepoints mode, the series' xen_mmu_pte_lock with the
 * field mm_locked (issue 24: its raw record in BTF, else its tracefs
 * format); the stock modes read the lock word at the offset BTF gives.
 */
static bool mm_lock_recorded(struct btf *btf, enum pinscope_mode mode, struct loader_cfg *cfg)
{
	static const char *const formats[] = {
		"/sys/kernel/tracing/events/xen/xen_mmu_pte_lock/format",
		"/sys/kernel/debug/tracing/events/xen/xen_mmu_pte_lock/format",
	};
	long off = btf_struct_member_off(btf, "mm_struct", "page_table_lock");
	char line[256];
	bool found = false;
	FILE *f;

	cfg->mm_ptl_off = off > 0 ? off : 0;
	if (mode != MODE_TRACEPOINTS)
		return cfg->mm_ptl_off != 0;
	if (btf && btf__find_by_name_kind(btf, "trace_event_raw_xen_mmu_pte_lock",
					  BTF_KIND_STRUCT) > 0)
		return btf_struct_member_off(btf, "trace_event_raw_xen_mmu_pte_lock",
					     "mm_locked") >= 0;
	for (int i = 0; i < 2 && !found; i++) {
		f = fopen(formats[i], "r");
		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, " mm_locked;") != NULL;
		if (f)
			fclose(f);
	}
	return found;
}

/*
 * Whether the kernel fires the series' end of an operation (issue 27:
 * xen_mmu_pgd_done, caps OPEND): tracepoints mode then ends each operation
 * there and loads no xen_mc_issue hook; a kernel of an older series lacks it,
 * and the operations end with their final flush as before (check.bpf.h
 * maybe_finish())
 */
static bool op_end_traced(struct btf *btf)
{
	char miss[256] = "";

	return !missing(opend_tps, has_tp, btf, miss, sizeof(miss));
}

/*
 * Why a function pinscope hooks is not there to hook, as the running
 * kernel shows it: missing from BTF, copied by the compiler (calls to the
 * copy bypass a hook on the original), or inlined everywhere.  Appends
 * "name: why" to buf for each function of set that has a problem.
 */
static int func_problems(struct btf *btf, char *buf, size_t len)
{
	size_t at = strlen(buf);
	int n = 0;

	for (size_t i = 0; i < nr_funcs; i++) {
		const struct ksym_req *k = &ksyms[i];
		bool in_btf = has_btf_func(btf, k->name);
		const char *why;
		char clone[96] = "";

		if (k->clone[0])
			snprintf(clone, sizeof(clone), "; the compiler copied it (%s)", k->clone);
		if (!k->addr)
			why = "not in /proc/kallsyms: inlined into every caller";
		else if (btf && !in_btf)
			why = "in kallsyms, not in BTF";
		else if (k->clone[0])
			why = "in kallsyms";
		else
			continue;
		n++;
		if (at < len)
			at += snprintf(buf + at, len - at, "%s%s: %s%s", n > 1 ? "; " : " ", k->name,
				       why, clone);
	}
	return n;
}

/* Effective capabilities of this process (capget(2)); 0 if unknown */
static __u64 caps_effective(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d))
		return 0;
	return d[0].effective | (__u64)d[1].effective << 32;
}

/*
 * Root without CAP_BPF/CAP_PERFMON (a container, capsh --drop, setpriv):
 * every BPF load fails with EPERM, and the feature probes below would read
 * as an old kernel.  A two-instruction tracing program tells them apart.
 */
static int probe_bpf_permission(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_BPF, "CAP_BPF" }, { CAP_PERFMON, "CAP_PERFMON" },
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" },
	};
	__u64 eff;
	int fd, err;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, NULL, "GPL", insns, 2, NULL);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	err = -errno;
	if (err != -EPERM && err != -EACCES)
		return 0;	/* not a permission problem: the probes below say what */
	eff = caps_effective();
	fprintf(stderr, "Failed to load a BPF program: %s: a permission problem, not a missing "
		"kernel feature.\npinscope needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); this "
		"process (uid %u) lacks:", strerror(-err), (unsigned int)geteuid());
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!(eff & (1ULL << need[i].cap)))
			fprintf(stderr, " %s", need[i].name);
	fprintf(stderr, ".\nRun it as root with those capabilities (not under capsh --drop or "
		"setpriv --bounding-set; in a container, grant them); if it has them, kernel "
		"lockdown or an LSM denies BPF.\n");
	return -1;
}

/* bpf_loop() and ring buffers: 5.17 (see bpf/compat.bpf.h) */
int probe_bpf_features(void)
{
	if (probe_bpf_permission())
		return -1;
	/* libbpf 1.1 detects global data support with a socket filter program,
	 * a type that only exists with CONFIG_NET: without it .rodata is never
	 * created and the load fails with "BPF map 'pinscope.rodata' is referenced
	 * but wasn't created" */
	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, NULL) <= 0 && geteuid() == 0)
		fprintf(stderr, "Warning: this kernel has no socket filter programs (built without "
			"CONFIG_NET?): libbpf cannot detect global data support, loading will fail. "
			"Build the kernel with CONFIG_NET=y.\n");
	if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL) > 0 &&
	    libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) > 0)
		return 0;
	fprintf(stderr, "Failed to find the BPF features pinscope needs: bpf_loop() and ring "
		"buffers (Linux 5.17 or later). Run it on a newer kernel, or replay a trace "
		"recorded here on a machine that has one.\n");
	return -1;
}

/* What every mode needs is missing: say what, and where pinscope does work;
 * addresses hidden from this process are not a kernel without hooks */
static void explain_no_xen(const char *missing_tps, bool no_unlock_sym)
{
	if (no_unlock_sym && ksyms_hidden()) {
		fprintf(stderr, "Failed to read the kernel's addresses: /proc/kallsyms shows them "
			"as 0.\npinscope needs CAP_SYSLOG (a systemd unit with ProtectKernelLogs=yes "
			"has none) and kernel.kptr_restrict below 2.\n");
		return;
	}
	fprintf(stderr, "Failed to find the Xen PV pinning path:");
	if (missing_tps)
		fprintf(stderr, " missing tracepoints:%s%s", missing_tps, no_unlock_sym ? ";" : "");
	if (no_unlock_sym)
		fprintf(stderr, " xen_pte_unlock not in /proc/kallsyms");
	fprintf(stderr, ".\nThis kernel runs as a Xen PV guest but lacks the hooks pinscope "
		"needs (docs/kernel.md).\nTo check a recorded trace here, run 'pinscope replay "
		"FILE'; to see it live, run 'make demo' (boots a Xen PV guest under QEMU).\n");
}

/* Why fentry mode cannot be: no kernel BTF at all, or functions missing from it */
static void fentry_blocker(struct btf *btf, const char *miss_btf, char *buf, size_t len)
{
	if (!btf)
		snprintf(buf, len, "no kernel BTF (/sys/kernel/btf/vmlinux): a kernel built with "
			 "CONFIG_DEBUG_INFO_BTF");
	else
		snprintf(buf, len, "not in the kernel's BTF:%s (the kernel has BTF; the compiler "
			 "split or renamed them)", miss_btf);
}

int probe_live(enum pinscope_mode forced, struct loader_cfg *cfg, bool quiet)
{
	char miss_mc[256] = "", miss_tp[512] = "", miss_btf[512] = "", miss_ks[512] = "";
	char problems[1024] = "", blocker[640] = "";
	struct btf *btf = btf__load_vmlinux_btf();
	int no_mc, no_tp, no_btf, no_ks, id, err = -1;

	if (libbpf_get_error(btf))
		btf = NULL;
	hook_lists();
	no_mc = missing(mc_tps, has_tp, btf, miss_mc, sizeof(miss_mc));
	no_tp = missing(patched_tps, has_tp, btf, miss_tp, sizeof(miss_tp));
	no_btf = btf ? missing(funcs, has_btf_func, btf, miss_btf, sizeof(miss_btf)) : -1;
	resolve_ksyms(cfg);
	no_ks = missing(funcs, has_ksym, btf, miss_ks, sizeof(miss_ks));
	cfg->pte_unlock_fn = func_addr("xen_pte_unlock");
	func_problems(btf, problems, sizeof(problems));
	fentry_blocker(btf, miss_btf, blocker, sizeof(blocker));

	if (no_mc || !cfg->pte_unlock_fn) {
		explain_no_xen(no_mc ? miss_mc : NULL, !cfg->pte_unlock_fn);
		goto out;
	}
	if (forced == MODE_AUTO)
		forced = !no_tp ? MODE_TRACEPOINTS : no_btf == 0 ? MODE_FENTRY :
			 !no_ks ? MODE_KPROBE : MODE_AUTO;
	if ((forced == MODE_TRACEPOINTS && no_tp) || (forced == MODE_FENTRY && no_btf) ||
	    (forced == MODE_KPROBE && no_ks) || forced == MODE_AUTO) {
		fprintf(stderr, "Failed to pick an attach mode: tracepoints: %s%s; fentry: %s; "
			"kprobe: %s%s.\n", no_tp ? "missing" : "present", no_tp ? miss_tp : "",
			no_btf ? blocker : "possible", no_ks ? "not in /proc/kallsyms:" : "possible",
			no_ks ? miss_ks : "");
		if (problems[0])
			fprintf(stderr, "What this kernel's compiler did to the hooked functions:%s.\n",
				problems);
		fprintf(stderr, "Boot the patched kernel (docs/kernel.md) for tracepoints mode, or pick "
			"a mode this kernel allows (pinscope --mode auto).\n");
		goto out;
	}
	cfg->mode = forced;
	cfg->caps = loader_mode_caps(forced);
	cfg->flush_exit = forced == MODE_FENTRY ||
			  (forced == MODE_TRACEPOINTS && has_btf_func(btf, "xen_mc_flush"));
	if (forced == MODE_TRACEPOINTS && cfg->flush_exit)
		cfg->caps |= PINSCOPE_CAP_FLUSH_EXIT;
	if (mm_lock_recorded(btf, forced, cfg))
		cfg->caps |= PINSCOPE_CAP_MMLOCK;
	if (forced == MODE_TRACEPOINTS && op_end_traced(btf))
		cfg->caps |= PINSCOPE_CAP_OPEND;
	id = btf ? btf__find_by_name_kind(btf, "page", BTF_KIND_STRUCT) : -1;
	cfg->page_size = id > 0 ? btf__resolve_size(btf, id) : 0;
	snprintf(cfg->hook_problems, sizeof(cfg->hook_problems), "%.1022s", problems[0] ? problems + 1 : "");
	if (!quiet) {
		fprintf(stderr, "pinscope: mode %s (", loader_mode_name(forced));
		if (forced == MODE_TRACEPOINTS)
			fprintf(stderr, "kernel/patches tracepoints found; operations end at %s%s",
				cfg->caps & PINSCOPE_CAP_OPEND ? "" : "their final flush, no ",
				opend_tps[0]);
		else if (forced == MODE_FENTRY)
			fprintf(stderr, "no pinscope tracepoints; BTF has the pinning functions");
		else
			fprintf(stderr, "no pinscope tracepoints; fentry impossible: %s; kprobes on the "
				"pinning functions", blocker);
		fprintf(stderr, ")\n");
		if (problems[0] && forced != MODE_TRACEPOINTS)
			fprintf(stderr, "pinscope: compiler copies and inlining seen:%s; xen_do_pin's "
				"ops and the PGD updates are read from the multicall entries instead "
				"(xen_mc_entry)\n", problems);
	}
	err = 0;
out:
	btf__free(btf);
	return err;
}
