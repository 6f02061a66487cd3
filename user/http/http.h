/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --metrics: GET /metrics served by libmicrohttpd from its own thread */
#ifndef PINSCOPE_HTTP_H
#define PINSCOPE_HTTP_H

#include <stdio.h>
#include <sys/socket.h>
#include "report/prom.h"

#define HTTP_DEFAULT_ADDR "127.0.0.1"

struct http_listen {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Write the exposition of this moment in fmt; 0 or -errno.  Called from the
 * server's thread: it must only read (the BPF maps, constant fields). */
typedef int (*http_scrape_fn)(void *ctx, FILE *f, enum prom_format fmt);

struct http_server;

/* "[ADDR:]PORT", ADDR numeric IPv4 or [IPv6]; default HTTP_DEFAULT_ADDR.
 * 0, or -EINVAL with a message in err */
int http_parse_listen(const char *arg, struct http_listen *out, char *err, size_t errlen);
/* Listen and serve until http_stop(); NULL after a message on stderr.
 * Builds without libmicrohttpd (the static binary) always fail here. */
struct http_server *http_start(const struct http_listen *l, http_scrape_fn fn, void *ctx);
void http_stop(struct http_server *s);

#endif
