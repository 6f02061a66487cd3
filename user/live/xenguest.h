/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Is this kernel a Xen PV guest?  Only PV guests (dom0 or domU) pin their
 * page tables; a kernel with the xen tracepoints and functions built in but
 * booted on bare metal, KVM, or as a Xen HVM/PVH guest never runs the path
 * pinscope checks, and a live run there would judge nothing (docs/verdict.md).
 */
#ifndef PINSCOPE_XENGUEST_H
#define PINSCOPE_XENGUEST_H

#include <stddef.h>

enum xen_guest { XEN_GUEST_NONE, XEN_GUEST_PV, XEN_GUEST_HVM, XEN_GUEST_PVH, XEN_GUEST_UNKNOWN };

/*
 * From <sysfs_root>/hypervisor/type and .../guest_type (Linux >= 4.15 with
 * CONFIG_XEN_SYS_HYPERVISOR, as Debian builds it); where they are missing,
 * from cpuid_sig, the hypervisor's CPUID signature ("" = none).  found gets
 * what was seen, for messages.
 */
enum xen_guest xen_guest_detect(const char *sysfs_root, const char *cpuid_sig,
				char *found, size_t len);
/* The CPUID hypervisor signature: Xen's leaf if any, else leaf 0x40000000; "" if none */
void xen_cpuid_signature(char sig[13]);
/* 0 in a Xen PV guest, else -1 after saying what was found; $PINSCOPE_SYSFS_ROOT
 * replaces /sys (for the tests) */
int probe_xen_pv(void);

#endif
