// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --metrics [ADDR:]PORT: parsed at option time, so a typo is a usage error;
 * numeric addresses only (inet_pton: no resolver in the static binary) */
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "http/http.h"

int http_parse_listen(const char *arg, struct http_listen *out, char *err, size_t errlen)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->ss;
	char host[64] = HTTP_DEFAULT_ADDR, *end;
	const char *port = arg, *colon = strrchr(arg, ':');
	long p;

	if (colon) {
		const char *h = arg;
		size_t n = colon - arg;

		if (n && h[0] == '[' && h[n - 1] == ']') {	/* [IPv6]:PORT */
			h++;
			n -= 2;
		}
		if (!n || n >= sizeof(host)) {
			snprintf(err, errlen, "no address before ':' (give ADDR:PORT or PORT)");
			return -EINVAL;
		}
		memcpy(host, h, n);
		host[n] = '\0';
		port = colon + 1;
	}
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno || end == port || *end || strspn(port, "0123456789") != strlen(port) || p < 1 ||
	    p > 65535) {	/* digits only: strtol would take " 80", "+80" */
		snprintf(err, errlen, "port '%s' is not a number in 1..65535", port);
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(p);
		out->len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(p);
		out->len = sizeof(*in6);
	} else {
		snprintf(err, errlen, "address '%s' is not a numeric IPv4 or [IPv6] address", host);
		return -EINVAL;
	}
	return 0;
}
