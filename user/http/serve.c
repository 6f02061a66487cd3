// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --metrics: the scrape callbacks of the HTTP server's thread (user/http/) */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "http/serve.h"		/* pinscope.h, before the skeleton */
#include "pinscope.skel.h"

struct scrape_ctx {
	struct pinscope_bpf *skel;
	const struct report *fixed;	/* replay: its final report */
	const char *mode;
	__u32 caps, lean;
};

/* Reads only: the statistics in the cpus map (array lookups, no lock: the BPF handlers never
 * wait for a scrape) and fields that are constant while serving */
static int scrape(void *ctx, FILE *f, enum prom_format fmt)
{
	const struct scrape_ctx *sc = ctx;
	struct report *r;
	int err;

	if (sc->fixed)
		return prom_write(f, sc->fixed, fmt);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->mode = sc->mode;
	r->caps = sc->caps;
	r->lean = sc->lean;
	err = stats_read(bpf_map__fd(sc->skel->maps.cpus), &r->st);
	if (!err)
		err = prom_write(f, r, fmt);
	free(r);
	return err;
}

struct http_server *serve_live(const struct http_listen *l, struct pinscope_bpf *skel,
			       const struct report *like)
{
	static struct scrape_ctx sc;	/* lives as long as the server */

	sc = (struct scrape_ctx){ .skel = skel, .mode = like->mode, .caps = like->caps,
				  .lean = like->lean };
	return http_start(l, scrape, &sc);
}

int serve_report(const struct http_listen *l, const struct report *rep, volatile const sig_atomic_t *stop)
{
	struct scrape_ctx sc = { .fixed = rep };
	struct http_server *http = http_start(l, scrape, &sc);

	if (!http)
		return -EADDRNOTAVAIL;
	while (!*stop)
		sleep(1);	/* a signal ends it early */
	http_stop(http);
	return 0;
}
