// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Xen PV guest detection (user/live/xenguest.c) on made-up sysfs trees */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "live/xenguest.h"

static char root[64];

static void attr(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hypervisor", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/hypervisor/%s", root, name);
	if (!val) {
		unlink(path);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(val, f);
	fclose(f);
}

static int setup(void **state)
{
	strcpy(root, "/tmp/pinscope-xenguest-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static enum xen_guest detect(const char *sig, char *found)
{
	return xen_guest_detect(root, sig, found, 256);
}

static void test_guest_types(void **state)
{
	char found[256];

	attr("type", "xen\n");
	attr("guest_type", "PV\n");
	assert_int_equal(detect("", found), XEN_GUEST_PV);
	/* CPUID never overrules sysfs: a PV dom0 under QEMU/KVM sees KVM's leaf */
	assert_int_equal(detect("KVMKVMKVM", found), XEN_GUEST_PV);
	attr("guest_type", "HVM\n");
	assert_int_equal(detect("XenVMMXenVMM", found), XEN_GUEST_HVM);
	assert_non_null(strstr(found, "Xen HVM guest"));
	attr("guest_type", "PVH\n");
	assert_int_equal(detect("XenVMMXenVMM", found), XEN_GUEST_PVH);
	assert_non_null(strstr(found, "Xen PVH guest"));
	attr("guest_type", "Something\n");
	assert_int_equal(detect("", found), XEN_GUEST_UNKNOWN);
	attr("guest_type", NULL);	/* Linux < 4.15 */
	assert_int_equal(detect("", found), XEN_GUEST_UNKNOWN);
	assert_non_null(strstr(found, "unknown type"));
}

static void test_no_sysfs(void **state)
{
	char found[256];

	attr("guest_type", NULL);
	attr("type", NULL);
	assert_int_equal(detect("", found), XEN_GUEST_NONE);
	assert_non_null(strstr(found, "CPUID hypervisor none"));
	assert_int_equal(detect("KVMKVMKVM", found), XEN_GUEST_NONE);
	assert_non_null(strstr(found, "'KVMKVMKVM'"));
	/* Xen, but which kind cannot be told: refused */
	assert_int_equal(detect("XenVMMXenVMM", found), XEN_GUEST_UNKNOWN);
	assert_non_null(strstr(found, "CONFIG_XEN_SYS_HYPERVISOR"));
	attr("type", "kvm\n");
	assert_int_equal(detect("", found), XEN_GUEST_NONE);
	assert_non_null(strstr(found, "hypervisor 'kvm'"));
}

/* This host's own answer: whatever it is, the message names it */
static void test_this_host(void **state)
{
	char sig[13], found[256];
	enum xen_guest g;

	xen_cpuid_signature(sig);
	g = xen_guest_detect("/sys", sig, found, sizeof(found));
	print_message("this host: %s (cpuid '%s')\n", found, sig);
	assert_true(strlen(found) > 0);
	/* PV only where the kernel says so */
	if (access("/sys/hypervisor/guest_type", R_OK))
		assert_int_not_equal(g, XEN_GUEST_PV);
	for (int i = 0; sig[i]; i++)
		assert_true(sig[i] >= ' ' && sig[i] <= '~');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_types),
		cmocka_unit_test(test_no_sysfs),
		cmocka_unit_test(test_this_host),
	};

	return cmocka_run_group_tests_name("xen guest detection", tests, setup, teardown);
}
