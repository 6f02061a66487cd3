// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "input/flight.h"
#include "input/own.h"

__u64 flight_count(const struct pinscope_window *w)
{
	return w->head < w->n ? w->head : w->n;
}

/* The names the tracepoints print (include/trace/events/xen.h, kernel/patches),
 * from include/pinscope_rules.h */
#define TP_NAME(id, name, ...) name,
static const char *const level_name[] = { PINSCOPE_TP_LEVELS(TP_NAME) };
static const char *const reason_name[] = { PINSCOPE_FLUSH_REASONS(TP_NAME) };
#undef TP_NAME
#define CMD_NAME(id, value, name) [value] = name,
static const char *const cmd_name[] = { PINSCOPE_MMUEXTS(CMD_NAME) };
#undef CMD_NAME

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : NULL)

/* "comm-pid [cpu] flags ts: " as tracefs prints it (the time in microseconds,
 * rounded); comm NULL or empty:
 * "<...>" (tracefs: not known) */
static int prefix(const char *name, __u32 pid, __u32 cpu, __u64 ts_ns, char *buf, size_t len)
{
	char comm[PINSCOPE_COMM_LEN] = "<...>";
	__u64 us;

	if (name && name[0]) {
		strncpy(comm, name, sizeof(comm) - 1);
		comm[sizeof(comm) - 1] = 0;
		for (char *c = comm; *c; c++)	/* one line, no field separator */
			if ((unsigned char)*c < 0x21 || *c == 0x7f || *c == '[')
				*c = '_';
	}
	us = (ts_ns + 500) / 1000;	/* rounded, as tracefs's ns2usecs() */
	return snprintf(buf, len, "%16s-%-7u [%03u] d.... %5llu.%06llu: ", comm, pid, cpu,
			(unsigned long long)(us / 1000000), (unsigned long long)(us % 1000000));
}

bool flight_own_lines(__u32 caps)
{
	return (caps & ~PINSCOPE_CAP_MMLOCK) == PINSCOPE_CAPS_OWN_LINES;
}

int flight_line(const struct pinscope_window *w, __u64 k, __u32 caps, __u64 *mm, char *buf,
		size_t len)
{
	const struct pinscope_flight_ev *f = &w->ev[(w->head - flight_count(w) + k) % w->n];

	/* the comm is the violation's for its process, not known for another */
	return flight_event_line(f->type, f->arg, f->pid, f->pid == w->v.pid ? w->v.comm : NULL,
				 w->v.cpu, f->ts_ns, caps, mm, buf, len);
}

int flight_split_line(const struct pinscope_window *w, __u32 caps, char *buf, size_t len)
{
	__u64 mm = 0;

	if (!w->split.ts_ns || w->split.type != PINSCOPE_EV_CALLBACK || !w->split.arg[0])
		return 0;
	/* one of the window's own events (its cpu, not older than its first): there already */
	if (w->split_cpu == w->v.cpu && flight_count(w) &&
	    w->split.ts_ns >= w->ev[(w->head - flight_count(w)) % w->n].ts_ns)
		return 0;
	return flight_event_line(w->split.type, w->split.arg, w->split.pid,
				 w->split.pid == w->v.pid ? w->v.comm : NULL, w->split_cpu,
				 w->split.ts_ns, caps, &mm, buf, len);
}

int flight_event_line(__u32 type, const __u64 *a, __u32 pid, const char *comm, __u32 cpu,
		      __u64 ts_ns, __u32 caps, __u64 *mm, char *buf, size_t len)
{
	const char *name;
	int n;

	if (type == PINSCOPE_EV_OP_BEGIN)
		*mm = a[1];
	if (type == PINSCOPE_EV_LOST) {	/* tracefs's mark, before the cpu's next event */
		n = a[0] ? snprintf(buf, len, "CPU:%u [LOST %llu EVENTS]", cpu,
				    (unsigned long long)a[0]) :
			   snprintf(buf, len, "CPU:%u [LOST EVENTS]", cpu);
		return n > 0 && (size_t)n < len;
	}
	n = prefix(comm, pid, cpu, ts_ns, buf, len);
	if (n < 0 || (size_t)n >= len)
		return 0;
	buf += n;
	len -= n;
	/* the stock modes: pinscope's own line where no tracepoint prints the event */
	if (flight_own_lines(caps) && own_line_format(type, a, buf, len))
		return 1;
	switch (type) {
	case PINSCOPE_EV_OP_BEGIN:
		snprintf(buf, len, "xen_mmu_pgd_%s: mm %016llx pgd %016llx",
			 a[0] == PINSCOPE_OP_UNPIN ? "unpin" : "pin", (unsigned long long)a[1],
			 (unsigned long long)a[2]);
		return 1;
	case PINSCOPE_EV_OP_END:	/* tp_pgd_done: mm, the pgd as the begin gives it */
		snprintf(buf, len, "xen_mmu_pgd_done: mm %016llx pgd %016llx op %s",
			 (unsigned long long)a[1], (unsigned long long)a[2],
			 a[0] == PINSCOPE_OP_UNPIN ? "unpin" : "pin");
		return 1;
	case PINSCOPE_EV_PAGE:
		if (!(name = NAME(level_name, a[2])))
			return 0;
		snprintf(buf, len, "xen_mmu_%s_page: mm %016llx pfn %llx level %s ptl %016llx",
			 a[0] == PINSCOPE_OP_UNPIN ? "unpin" : "pin", (unsigned long long)*mm,
			 (unsigned long long)a[1], name, (unsigned long long)a[3]);
		return 1;
	case PINSCOPE_EV_LOCK:	/* mm_locked as the series prints it, when recorded */
		n = PINSCOPE_EV_MMLOCK(a[0]);
		snprintf(buf, len, "xen_mmu_pte_lock: mm %016llx pfn %llx ptl %016llx%s",
			 (unsigned long long)*mm, (unsigned long long)a[1],
			 (unsigned long long)a[3], n == PINSCOPE_MMLOCK_HELD ? " mm_locked 1" :
			 n == PINSCOPE_MMLOCK_FREE ? " mm_locked 0" : "");
		return 1;
	case PINSCOPE_EV_UNLOCK:
		snprintf(buf, len, "xen_mmu_pte_unlock: ptl %016llx", (unsigned long long)a[3]);
		return 1;
	case PINSCOPE_EV_DO_PIN:
		if (!(name = NAME(cmd_name, a[0])))
			return 0;
		snprintf(buf, len, "xen_mmu_do_pin: cmd %s pfn %llx", name,
			 (unsigned long long)a[1]);
		return 1;
	case PINSCOPE_EV_CALLBACK:	/* the event keeps only whether it is xen_pte_unlock */
		snprintf(buf, len, "xen_mc_callback: callback %s, data %016llx",
			 a[0] ? "xen_pte_unlock" : "(not_xen_pte_unlock)", (unsigned long long)a[3]);
		return 1;
	case PINSCOPE_EV_FLUSH_REASON:
		if (!(name = NAME(reason_name, a[0])))
			return 0;
		snprintf(buf, len, "xen_mc_flush_reason: flush reason %s", name);
		return 1;
	case PINSCOPE_EV_FLUSH:
		snprintf(buf, len, "xen_mc_flush: flushing %llu hypercalls, %llu arg bytes, "
			 "%llu callbacks", (unsigned long long)a[0], (unsigned long long)a[1],
			 (unsigned long long)a[2]);
		return 1;
	case PINSCOPE_EV_MC_ENTRY:	/* the event keeps the op, args[0] as a pfn and args[2] */
		snprintf(buf, len, "xen_mc_entry: op %llu() args [%llx, 0, %llx]",
			 (unsigned long long)a[0], (unsigned long long)(a[1] << 12),
			 (unsigned long long)a[2]);
		return 1;
	case PINSCOPE_EV_MC_ISSUE:
		snprintf(buf, len, "xen_mc_issue: start batch LAZY_CPU");
		return 1;
	default:	/* tracepoints mode's FLUSH_EXIT (fexit): no tracepoint prints it */
		return 0;
	}
}
