// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --metrics [ADDR:]PORT: parsed at option time, so a typo is a usage error */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include "http.h"

int http_parse_listen(const char *arg, struct http_listen *out, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
				  .ai_socktype = SOCK_STREAM }, *ai;
	char host[64] = HTTP_DEFAULT_ADDR, *end;
	const char *port = arg, *colon = strrchr(arg, ':');
	long p;
	int rc;

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
	if (errno || end == port || *end || p < 1 || p > 65535) {
		snprintf(err, errlen, "port '%s' is not a number in 1..65535", port);
		return -EINVAL;
	}
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "address '%s' is not a numeric IPv4 or [IPv6] address: %s",
			 host, gai_strerror(rc));
		return -EINVAL;
	}
	memcpy(&out->ss, ai->ai_addr, ai->ai_addrlen);
	out->len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}
