// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --metrics in builds without libmicrohttpd: the static binary, because
 * Debian's libmicrohttpd.a needs gnutls, and Debian ships no static
 * libp11-kit or libunistring to link gnutls statically (install.mk).
 */
#include <errno.h>
#include "http/http.h"

struct http_server *http_start(const struct http_listen *l, http_scrape_fn fn, void *ctx)
{
	fprintf(stderr, "Failed to start the metrics server: this pinscope is the static build, "
		"linked without libmicrohttpd. Use the dynamically linked pinscope "
		"(make; or the Debian package) for --metrics, or --prometheus for a file.\n");
	return NULL;
}

void http_stop(struct http_server *s)
{
}
