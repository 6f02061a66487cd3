// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --metrics [ADDR:]PORT: what binds where, and what is refused */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include "http/http.h"

static void want(const char *arg, int family, const char *addr, int port)
{
	struct http_listen l;
	char err[128] = "", got[INET6_ADDRSTRLEN];

	if (http_parse_listen(arg, &l, err, sizeof(err)))
		fail_msg("'%s' refused: %s", arg, err);
	assert_int_equal(l.ss.ss_family, family);
	if (family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&l.ss;

		inet_ntop(AF_INET, &in->sin_addr, got, sizeof(got));
		assert_int_equal(ntohs(in->sin_port), port);
		assert_int_equal(l.len, sizeof(*in));
	} else {
		const struct sockaddr_in6 *in = (const void *)&l.ss;

		inet_ntop(AF_INET6, &in->sin6_addr, got, sizeof(got));
		assert_int_equal(ntohs(in->sin6_port), port);
		assert_int_equal(l.len, sizeof(*in));
	}
	assert_string_equal(got, addr);
}

static void refused(const char *arg, const char *why)
{
	struct http_listen l;
	char err[128] = "";

	assert_int_equal(http_parse_listen(arg, &l, err, sizeof(err)), -EINVAL);
	if (!strstr(err, why))
		fail_msg("'%s': message '%s' lacks '%s'", arg, err, why);
}

static void test_accepted(void **state)
{
	want("9464", AF_INET, "127.0.0.1", 9464);	/* local only unless told */
	want("0.0.0.0:9464", AF_INET, "0.0.0.0", 9464);
	want("10.0.2.15:1", AF_INET, "10.0.2.15", 1);
	want("[::]:65535", AF_INET6, "::", 65535);
	want("[::1]:9464", AF_INET6, "::1", 9464);
}

static void test_refused(void **state)
{
	refused("0", "not a number in 1..65535");
	refused("65536", "not a number in 1..65535");
	refused("+80", "not a number in 1..65535");
	refused("127.0.0.1: 80", "not a number in 1..65535");
	refused("127.0.0.1:", "not a number");
	refused("127.0.0.1:http", "not a number");
	refused(":9464", "no address before ':'");
	refused("localhost:9464", "not a numeric IPv4 or [IPv6] address");
	refused("300.1.1.1:9464", "not a numeric");
	refused("[]:9464", "no address before");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
