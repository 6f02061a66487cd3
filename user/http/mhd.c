// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --metrics with Debian's libmicrohttpd: one internal thread polls the
 * listening socket and answers GET /metrics by calling the scrape function,
 * which reads the BPF maps (lock-free array lookups: the BPF handlers never
 * wait for a scrape).  OpenMetrics 1.0 when the Accept header names it
 * (Prometheus does), the 0.0.4 text format otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include "http/http.h"

struct http_server {
	struct MHD_Daemon *d;
	http_scrape_fn fn;
	void *ctx;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned int status, const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", strdup(msg), strlen(msg));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **req_cls)
{
	struct http_server *s = cls;
	const char *accept;
	enum prom_format fmt;
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Only GET /metrics\n");
	if (strcmp(url, "/metrics"))
		return text(c, MHD_HTTP_NOT_FOUND, "Not found: pinscope serves GET /metrics\n");
	accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	fmt = accept && strstr(accept, "application/openmetrics-text") ?
	      PROM_OPENMETRICS : PROM_TEXT_004;
	f = open_memstream(&body, &len);
	if (!f)
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Failed to allocate the reply\n");
	err = s->fn(s->ctx, f, fmt);
	if (fclose(f) || err) {
		free(body);
		return text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Failed to read the BPF maps\n");
	}
	return reply(c, MHD_HTTP_OK, prom_content_type(fmt), body, len);
}

struct http_server *http_start(const struct http_listen *l, http_scrape_fn fn, void *ctx)
{
	struct http_server *s = calloc(1, sizeof(*s));
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (!s) {
		fprintf(stderr, "Failed to start the metrics server: %s\n", strerror(ENOMEM));
		return NULL;
	}
	if (l->ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->fn = fn;
	s->ctx = ctx;
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&l->ss,
				MHD_OPTION_CONNECTION_LIMIT, 16U,
				MHD_OPTION_CONNECTION_TIMEOUT, 10U,
				MHD_OPTION_END);
	if (!s->d) {
		fprintf(stderr, "Failed to start the metrics server: cannot listen on the "
			"--metrics address (in use, or not an address of this machine?)\n");
		free(s);
		return NULL;
	}
	return s;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->d);
	free(s);
}
