// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include "live/xenguest.h"
#include "report/names.h"

/* First line of a sysfs file, without its newline; -1 if unreadable */
static int read_attr(const char *root, const char *name, char *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hypervisor/%s", root, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

enum xen_guest xen_guest_detect(const char *root, const char *cpuid_sig, char *found, size_t len)
{
	char type[32], gt[32];

	if (read_attr(root, "type", type, sizeof(type))) {
		if (!strcmp(cpuid_sig, "XenVMMXenVMM")) {
			snprintf(found, len, "Xen by CPUID, but no %s/hypervisor/type to tell PV from "
				 "HVM or PVH: kernel built without CONFIG_XEN_SYS_HYPERVISOR?", root);
			return XEN_GUEST_UNKNOWN;
		}
		snprintf(found, len, "no %s/hypervisor/type; CPUID hypervisor %s%s%s", root,
			 *cpuid_sig ? "'" : "", *cpuid_sig ? cpuid_sig : "none", *cpuid_sig ? "'" : "");
		return XEN_GUEST_NONE;
	}
	if (strcmp(type, "xen")) {
		snprintf(found, len, "hypervisor '%s' in %s/hypervisor/type", type, root);
		return XEN_GUEST_NONE;
	}
	if (read_attr(root, "guest_type", gt, sizeof(gt))) {
		snprintf(found, len, "a Xen guest of unknown type: no %s/hypervisor/guest_type "
			 "(Linux before 4.15?)", root);
		return XEN_GUEST_UNKNOWN;
	}
	snprintf(found, len, "Xen %s guest (%s/hypervisor/guest_type)", gt, root);
	if (!strcmp(gt, "PV"))
		return XEN_GUEST_PV;
	if (!strcmp(gt, "HVM"))
		return XEN_GUEST_HVM;
	if (!strcmp(gt, "PVH"))
		return XEN_GUEST_PVH;
	return XEN_GUEST_UNKNOWN;
}

#if defined(__x86_64__) || defined(__i386__)
static void leaf_sig(unsigned int leaf, char sig[13])
{
	unsigned int a, b, c, d;

	__cpuid(leaf, a, b, c, d);
	memcpy(sig, &b, 4);
	memcpy(sig + 4, &c, 4);
	memcpy(sig + 8, &d, 4);
	sig[12] = 0;
}
#endif

void xen_cpuid_signature(char sig[13])
{
	memset(sig, 0, 13);
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1U << 31)))
		return;		/* no hypervisor bit */
	/* Xen moves its leaves by 0x100 steps when it also offers Viridian
	 * (the range Linux's hypervisor_cpuid_base() scans) */
	for (unsigned int leaf = 0x40000000; leaf < 0x40010000; leaf += 0x100) {
		leaf_sig(leaf, sig);
		if (!strcmp(sig, "XenVMMXenVMM"))
			return;
	}
	leaf_sig(0x40000000, sig);
	for (int i = 0; i < 12 && sig[i]; i++)
		if (sig[i] < ' ' || sig[i] > '~')
			sig[i] = '?';
#endif
}

int probe_xen_pv(void)
{
	const char *root = getenv("PINSCOPE_SYSFS_ROOT");
	char sig[13], found[320];

	xen_cpuid_signature(sig);
	if (xen_guest_detect(root && *root ? root : "/sys", sig, found, sizeof(found)) ==
	    XEN_GUEST_PV)
		return 0;
	fprintf(stderr, "Failed to start live tracing: not a Xen PV guest (found: %s).\n"
		"Only Xen PV guests (dom0 or domU) pin their page tables; HVM and PVH guests and "
		"other hypervisors never run the path pinscope checks.\nTo check a recorded trace "
		"here, run 'pinscope replay FILE'; to see it live, run 'make demo' (boots a Xen PV "
		"guest under QEMU).\n", name_safe(found));
	return -1;
}
