// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <bpf/bpf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/libbpf.h>
#include "engine/loader.h"
#include "pinscope.h"
#include "pinscope.skel.h"

const char *loader_mode_name(enum pinscope_mode mode)
{
	switch (mode) {
	case MODE_TRACEPOINTS: return "tracepoints";
	case MODE_FENTRY: return "fentry";
	case MODE_KPROBE: return "kprobe";
	case MODE_REPLAY: return "replay";
	default: return "auto";
	}
}

__u32 loader_mode_caps(enum pinscope_mode mode)
{
	switch (mode) {
	case MODE_TRACEPOINTS: return PINSCOPE_CAPS_TRACEPOINTS;
	case MODE_FENTRY:
	case MODE_KPROBE: return PINSCOPE_CAPS_FENTRY;
	default: return 0;
	}
}

/* Is a hook of these modes (PINSCOPE_HM_*) part of cfg's mode? */
static bool hook_on(unsigned int modes, const struct loader_cfg *cfg)
{
	switch (cfg->mode) {
	case MODE_TRACEPOINTS:
		/* the end of an operation: the series' event, else xen_mc_issue */
		return modes & (PINSCOPE_HM_LIVE | PINSCOPE_HM_TP) ||
		       (cfg->flush_exit && (modes & PINSCOPE_HM_TP_FEXIT)) ||
		       (modes & (cfg->caps & PINSCOPE_CAP_OPEND ? PINSCOPE_HM_TP_OPEND :
				 PINSCOPE_HM_TP_ISSUE));
	case MODE_FENTRY:
		return modes & (PINSCOPE_HM_LIVE | PINSCOPE_HM_FENTRY);
	case MODE_KPROBE:
		return modes & (PINSCOPE_HM_LIVE | PINSCOPE_HM_KPROBE);
	case MODE_REPLAY:
		return modes & PINSCOPE_HM_REPLAY;
	default:
		return false;
	}
}

/* Every hook of include/pinscope_rules.h by its skeleton program (a hook
 * without a program does not compile); programs outside it stay unloaded */
static void enable_programs(struct pinscope_bpf *skel, const struct loader_cfg *cfg)
{
#define ENABLE(prog, kind, target, modes, origin) \
	bpf_program__set_autoload(skel->progs.prog, hook_on(PINSCOPE_HM_##modes, cfg));
	PINSCOPE_HOOKS(ENABLE)
#undef ENABLE
}

/* One entry of cpus per possible cpu (live) or per cpu of a trace */
static int size_cpu_maps(struct pinscope_bpf *skel, enum pinscope_mode mode)
{
	int n = mode == MODE_REPLAY ? PINSCOPE_REPLAY_SLOTS : libbpf_num_possible_cpus();
	int err;

	if (n < 0) {
		fprintf(stderr, "Failed to count the possible cpus: %s\n", strerror(-n));
		return n;
	}
	err = bpf_map__set_max_entries(skel->maps.cpus, n);
	if (err)
		fprintf(stderr, "Failed to size the per-cpu map to %d cpus: %s\n", n, strerror(-err));
	return err;
}

/*
 * The flight recorder (bpf/flight.bpf.h): one ring of flight_n slots per
 * possible cpu, its value sized to them; without it one header-sized entry
 */
static int size_flight(struct pinscope_bpf *skel, const struct loader_cfg *cfg)
{
	int n = cfg->flight_n ? libbpf_num_possible_cpus() : 1;
	int err;

	if (n < 0) {
		fprintf(stderr, "Failed to count the possible cpus: %s\n", strerror(-n));
		return n;
	}
	skel->rodata->flight_n = cfg->flight_n;
	err = bpf_map__set_max_entries(skel->maps.flight, n);
	if (!err)
		err = bpf_map__set_value_size(skel->maps.flight, sizeof(struct pinscope_window) +
					      cfg->flight_n * sizeof(struct pinscope_flight_ev));
	if (err)
		fprintf(stderr, "Failed to size the flight recorder to %u events on %d cpus: %s\n",
			cfg->flight_n, n, strerror(-err));
	return err;
}

/* The hook modes (PINSCOPE_HM_*) of a live mode; 0 for replay */
static unsigned int mode_hooks(enum pinscope_mode mode)
{
	switch (mode) {
	case MODE_TRACEPOINTS: return PINSCOPE_HM_TP;
	case MODE_FENTRY: return PINSCOPE_HM_FENTRY;
	case MODE_KPROBE: return PINSCOPE_HM_KPROBE;
	default: return 0;
	}
}

/*
 * --lean's bits for the run cfg's probe found (after probe_live()).  The flush
 * latency alone changes the hooks: where the series ends each operation
 * (caps OPEND), xen_mc_flush's return serves only that figure, so --lean
 * leaves fexit/xen_mc_flush unloaded (flush_exit, hook_on()) and the run
 * without caps FLUSH_EXIT: on_flush() reads no clock for a flush that is not
 * an operation's end, cpu_busy() ignores in_flush, and on_unlock() reads it
 * only without lock events (fentry).  Elsewhere the return is kept: fentry
 * and kprobe mode take the operation's end and their holds from it, and
 * tracepoints mode before issue 27 has no end event to stand for it.
 */
void loader_set_lean(struct loader_cfg *cfg, __u32 lean)
{
	if (cfg->mode != MODE_TRACEPOINTS || !(cfg->caps & PINSCOPE_CAP_OPEND))
		lean &= ~PINSCOPE_LEAN_FLUSH_TIME;
	if (lean & PINSCOPE_LEAN_FLUSH_TIME) {
		cfg->flush_exit = false;
		cfg->caps &= ~PINSCOPE_CAP_FLUSH_EXIT;
	}
	cfg->lean = lean;
}

/* The live hooks run only the settings they are compiled for
 * (include/pinscope.h PINSCOPE_LIVE_CONFIGS): their id (bpf/pinscope.bpf.c
 * live_cfg), 0 for replay, which runs any, -1 for none */
static int live_config(const struct loader_cfg *cfg)
{
	unsigned int modes = mode_hooks(cfg->mode);

#define LIVE_CONFIG(id, c, l, hm, ...) \
	if ((modes & (hm)) && cfg->caps == (c) && (cfg->lean & PINSCOPE_LEAN_CODE) == (l)) \
		return id;
	PINSCOPE_LIVE_CONFIGS(LIVE_CONFIG, -)
#undef LIVE_CONFIG
	return !modes && cfg->mode == MODE_REPLAY ? 0 : -1;
}

/*
 * Take the embedded BPF object's pages out of this process's RSS once libbpf
 * has opened it: open copies what it keeps (program instructions, BTF and
 * its line info) and reads the object no more, yet every page of it it read
 * (1.5 MB, issue 27 item 6's 16 tracepoints settings) would stay resident
 * through the load, which adds to the copies its own (the peak RSS of
 * docs/performance.md).  The object is read-only data of the binary's file
 * mapping, so a later read would fault it back in from the file, unchanged;
 * a refusal costs memory only, not correctness, hence no error.
 */
static void release_elf_bytes(void)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t size;
	const char *bytes = pinscope_bpf__elf_bytes(&size);
	uintptr_t start = ((uintptr_t)bytes + page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t end = ((uintptr_t)bytes + size) & ~(uintptr_t)(page - 1);

	if (page > 0 && end > start)
		madvise((void *)start, end - start, MADV_DONTNEED);
}

int loader_open_load(struct pinscope_bpf **skelp, const struct loader_cfg *cfg)
{
	struct pinscope_bpf *skel;
	int err, id = live_config(cfg);

	if (id < 0) {
		fprintf(stderr, "Failed to load BPF programs: %s mode with caps 0x%x and lean 0x%x "
			"is not a setting its hooks are compiled for (include/pinscope.h "
			"PINSCOPE_LIVE_CONFIGS; a pinscope bug: please report it)\n",
			loader_mode_name(cfg->mode), cfg->caps, cfg->lean);
		return -EINVAL;
	}

	skel = pinscope_bpf__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "Failed to open BPF object: %s\n", strerror(-err));
		return err;
	}
	release_elf_bytes();
	skel->rodata->caps = cfg->caps;
	skel->rodata->targ_tgid = cfg->targ_tgid;
	skel->rodata->lean = cfg->lean;
	skel->rodata->live_cfg = id;
	skel->rodata->pte_unlock_fn = cfg->pte_unlock_fn;
	skel->rodata->want_stack = cfg->want_stack;
	skel->rodata->vmemmap_base_addr = cfg->vmemmap_base_addr;
	skel->rodata->page_offset_base_addr = cfg->page_offset_base_addr;
	skel->rodata->m2p_addr = cfg->m2p_addr;
	skel->rodata->init_mm_addr = cfg->init_mm_addr;
	skel->rodata->mm_ptl_off = cfg->mm_ptl_off;
	if (cfg->page_size)
		skel->rodata->page_size_of = cfg->page_size;
	enable_programs(skel, cfg);
	if (cfg->ringbuf_size) {
		err = bpf_map__set_max_entries(skel->maps.violations, cfg->ringbuf_size);
		if (err) {
			fprintf(stderr, "Failed to size the ring buffer to %u bytes: %s\n",
				cfg->ringbuf_size, strerror(-err));
			pinscope_bpf__destroy(skel);
			return err;
		}
	}
	err = size_cpu_maps(skel, cfg->mode);
	if (!err)
		err = size_flight(skel, cfg);
	if (err) {
		pinscope_bpf__destroy(skel);
		return err;
	}

	err = pinscope_bpf__load(skel);
	if (err) {
		fprintf(stderr, "Failed to load BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (a permission problem: pinscope needs root with CAP_BPF and "
					"CAP_PERFMON)"
				      : " (run with -v for the verifier log)");
		pinscope_bpf__destroy(skel);
		return err;
	}
	*skelp = skel;
	return 0;
}

/* Attach every loaded program, naming the hook that fails */
int loader_attach(struct pinscope_bpf *skel)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	int err;

	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			fprintf(stderr, "Failed to attach %s (%s): %s\n", bpf_program__name(prog),
				bpf_program__section_name(prog), strerror(-err));
			return err;
		}
		/* the skeleton's destroy closes it: keep it with the program */
		for (int i = 0; i < skel->skeleton->prog_cnt; i++)
			if (*skel->skeleton->progs[i].prog == prog)
				*skel->skeleton->progs[i].link = link;
	}
	loader_arm(skel);
	return 0;
}

/*
 * The hooks pass events to the checker from now on: every program is in
 * (bpf/pinscope.bpf.c, armed).  The store goes to the mmapped .bss; each
 * attach above returned only once its hook was live on every cpu.
 */
void loader_arm(struct pinscope_bpf *skel)
{
	__atomic_store_n(&skel->bss->armed, true, __ATOMIC_RELEASE);
}

/* A violation record dropped (not the flight recorder's windows that follow them) */
static int count_record(void *ctx, void *data, size_t size)
{
	if (size >= sizeof(__u32) && *(__u32 *)data == PINSCOPE_REC_VIOLATION)
		(*(__u64 *)ctx)++;
	return 0;
}

int loader_restart(struct pinscope_bpf *skel, __u64 *dropped)
{
	struct timespec quiesce = { 0, 20 * 1000000L };
	int fd = bpf_map__fd(skel->maps.cpus), err = 0;
	__u32 n = bpf_map__max_entries(skel->maps.cpus), key, next;
	size_t size = bpf_map__value_size(skel->maps.cpus);
	struct ring_buffer *rb;
	void *zero;

	*dropped = 0;
	__atomic_store_n(&skel->bss->armed, false, __ATOMIC_RELEASE);
	/* a handler runs for microseconds with interrupts or preemption off */
	nanosleep(&quiesce, NULL);
	zero = calloc(1, size);
	if (!zero)
		return -ENOMEM;
	for (key = 0; key < n && !err; key++)
		if (bpf_map_update_elem(fd, &key, zero, BPF_ANY))
			err = -errno;
	free(zero);
	fd = bpf_map__fd(skel->maps.procs);
	while (!err && !bpf_map_get_next_key(fd, NULL, &next))
		if (bpf_map_delete_elem(fd, &next))
			err = -errno;
	rb = err ? NULL : ring_buffer__new(bpf_map__fd(skel->maps.violations), count_record,
					   dropped, NULL);
	if (!err && !rb)
		err = -errno;
	if (rb && ring_buffer__consume(rb) < 0)
		err = -errno;
	ring_buffer__free(rb);
	if (err) {
		fprintf(stderr, "Failed to restart the run after the visibility probe: %s\n",
			strerror(-err));
		return err;
	}
	skel->data_busy->nr_busy = 0;
	skel->bss->procs_map_full = false;
	skel->bss->flight_dropped = 0;
	loader_arm(skel);
	return 0;
}

void loader_destroy(struct pinscope_bpf *skel)
{
	pinscope_bpf__destroy(skel);
}
