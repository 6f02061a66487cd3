// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * --metrics with Debian's libmicrohttpd: one internal thread polls the
 * listening socket and answers GET /metrics by calling the scrape function,
 * which reads the BPF maps (lock-free array lookups: the BPF handlers never
 * wait for a scrape).  OpenMetrics 1.0 when the Accept header names it
 * (Prometheus does), the 0.0.4 text format otherwise.
 *
 * Slow or many clients cannot keep a scrape out (issue 25): at most
 * HTTP_CONN_PER_IP connections from one address and HTTP_CONN_MAX in all, and
 * a request's headers must be complete HTTP_HEADER_DEADLINE_S seconds after
 * the connection (or its last answer): libmicrohttpd's timeout is one of
 * idleness, which a header line every few seconds resets, so a watchdog
 * thread shuts the sockets that are past the deadline down.  Clients from
 * many addresses can still hold every connection: libmicrohttpd takes one
 * more (HTTP_CONN_MAX + 1), and a connection that takes the last free one
 * shuts down the one that has waited longest for its request's headers, so
 * that there is always one for the next client (a scrape sends its headers
 * at once and is then no longer waiting).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "http/http.h"
#include "report/names.h"

#define HTTP_CONN_MAX		32
#define HTTP_CONN_PER_IP	4
#define HTTP_HEADER_DEADLINE_S	5
#define HTTP_IDLE_TIMEOUT_S	10
#define HTTP_CONN_SLOTS		(HTTP_CONN_MAX + 1)	/* one always free */

/* A connection waiting for a request's headers since start */
struct conn {
	bool used, waiting;
	int fd;
	struct timespec start;
};

struct http_server {
	struct MHD_Daemon *d;
	http_scrape_fn fn;
	void *ctx;
	pthread_mutex_t lock;	/* conns, stopping: MHD's thread and the watchdog */
	pthread_cond_t wake;
	pthread_t watchdog;
	bool stopping, watching;
	struct conn conns[HTTP_CONN_SLOTS];
};

static double since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) + (now.tv_nsec - t->tv_nsec) / 1e9;
}

/*
 * libmicrohttpd's messages (a connection refused at the limit, one cut at the
 * deadline): one line in 10 s at the most, so that clients cannot flood the
 * journal; the number left out is said with the next one
 */
static void log_limited(void *cls, const char *fmt, va_list ap)
{
	static struct timespec last;
	static unsigned long dropped;
	static bool once;
	char msg[512], safe[sizeof(msg) * 4];

	if (once && since(&last) < 10) {	/* MHD's thread, or the starting one: never both */
		dropped++;
		return;
	}
	once = true;
	clock_gettime(CLOCK_MONOTONIC, &last);
	/* a message may quote what a client sent: escaped, one line */
	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (size_t n = strlen(msg); n && msg[n - 1] == '\n'; n--)
		msg[n - 1] = 0;
	fprintf(stderr, "pinscope: metrics server: ");
	if (dropped)
		fprintf(stderr, "(%lu messages left out) ", dropped);
	dropped = 0;
	fprintf(stderr, "%s\n", str_safe(safe, sizeof(safe), msg, sizeof(msg)));
}

/* The slots all taken (the last by new): the connection other than new waiting
 * longest for its headers is shut down (MHD then closes it and frees its slot);
 * s->lock held */
static void evict_oldest(struct http_server *s, const struct conn *new)
{
	struct conn *old = NULL;

	for (int i = 0; i < HTTP_CONN_SLOTS; i++) {
		struct conn *k = &s->conns[i];

		if (!k->used)
			return;
		if (k != new && k->waiting && (!old || k->start.tv_sec < old->start.tv_sec ||
				   (k->start.tv_sec == old->start.tv_sec &&
				    k->start.tv_nsec < old->start.tv_nsec)))
			old = k;
	}
	if (old) {
		shutdown(old->fd, SHUT_RDWR);
		old->waiting = false;	/* once */
	}
}

/* MHD_OPTION_NOTIFY_CONNECTION: a slot for each connection while it is open */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *s = cls;
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct conn *k = *socket_ctx;

	pthread_mutex_lock(&s->lock);
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		for (int i = 0; i < HTTP_CONN_SLOTS && !k; i++)
			if (!s->conns[i].used)
				k = &s->conns[i];
		if (k && fd) {	/* never more than HTTP_CONN_SLOTS: MHD_OPTION_CONNECTION_LIMIT */
			*k = (struct conn){ .used = true, .waiting = true, .fd = fd->connect_fd };
			clock_gettime(CLOCK_MONOTONIC, &k->start);
			*socket_ctx = k;
			evict_oldest(s, k);
		}
	} else if (k) {
		k->used = false;
		*socket_ctx = NULL;
	}
	pthread_mutex_unlock(&s->lock);
}

/* The headers of a request are in (waiting false), or its answer is sent (the next one's clock) */
static void conn_waiting(struct http_server *s, struct MHD_Connection *c, bool waiting)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = i ? i->socket_context : NULL;

	if (!k)
		return;
	pthread_mutex_lock(&s->lock);
	k->waiting = waiting;
	clock_gettime(CLOCK_MONOTONIC, &k->start);
	pthread_mutex_unlock(&s->lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
			 enum MHD_RequestTerminationCode toe)
{
	conn_waiting(cls, c, true);
}

/* Twice a second: a connection past the header deadline is shut down (MHD then closes it) */
static void *watchdog(void *arg)
{
	struct http_server *s = arg;
	struct timespec t;

	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		for (int i = 0; i < HTTP_CONN_SLOTS; i++) {
			struct conn *k = &s->conns[i];

			if (k->used && k->waiting && since(&k->start) > HTTP_HEADER_DEADLINE_S) {
				shutdown(k->fd, SHUT_RDWR);
				k->waiting = false;	/* once */
			}
		}
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 500000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&s->wake, &s->lock, &t);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

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

/* 405 names the methods there are (RFC 9110 15.5.6) */
static enum MHD_Result not_allowed(struct MHD_Connection *c)
{
	static const char msg[] = "Only GET /metrics\n";
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(msg), (void *)msg,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	MHD_destroy_response(r);
	return ret;
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

	conn_waiting(s, c, false);	/* the headers are in */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return not_allowed(c);
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
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;

	if (!s) {
		fprintf(stderr, "Failed to start the metrics server: %s\n", strerror(ENOMEM));
		return NULL;
	}
	if (l->ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->fn = fn;
	s->ctx = ctx;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, log_limited, NULL,	/* first */
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&l->ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CONN_SLOTS,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)HTTP_CONN_PER_IP,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_TIMEOUT_S,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
	if (!s->d) {
		fprintf(stderr, "Failed to start the metrics server: cannot listen on the "
			"--metrics address (in use, or not an address of this machine?)\n");
		http_stop(s);
		return NULL;
	}
	errno = pthread_create(&s->watchdog, NULL, watchdog, s);
	if (errno) {
		fprintf(stderr, "Failed to start the metrics server: its header watchdog: %s\n",
			strerror(errno));
		http_stop(s);
		return NULL;
	}
	s->watching = true;
	return s;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	if (s->watching) {
		pthread_mutex_lock(&s->lock);
		s->stopping = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->watchdog, NULL);
	}
	if (s->d)
		MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
}
