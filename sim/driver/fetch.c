/* SPDX-License-Identifier: BSD-2-Clause */
/* A site's download into the master's store, on the virtual clock, then verification. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/fetch.h"
#include "driver/http.h"
#include "driver/region.h"

static void unlink_downloads(struct site_run *r)
{
	size_t i;

	for (i = 0; i < r->ndl; i++) {
		char *p = sim_printf("%s/%s", r->store_dir, r->cat->pkgs[r->dl_pkgs[i]].base);
		if (p != NULL)
			unlink(p);
		free(p);
	}
	r->ndl = 0;
}

static int in_store(const struct sim_site *s, size_t pkg)
{
	size_t i;

	for (i = 0; i < s->nstore; i++)
		if (s->store[i] == pkg)
			return 1;
	return 0;
}

/* The task's packages by catalogue index, and where a cut fault cuts (SIZE_MAX: nowhere). */
static int task_packages(struct site_run *r, const struct sim_ctx *ctx,
			 const struct sim_fault *cut, size_t *cut_at)
{
	size_t i;

	r->ntask = dupg_task_count(r->task);
	r->task_pkgs = calloc(r->ntask ? r->ntask : 1, sizeof(*r->task_pkgs));
	r->dl_pkgs = calloc(r->ntask ? r->ntask : 1, sizeof(*r->dl_pkgs));
	if (r->task_pkgs == NULL || r->dl_pkgs == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ntask; i++)
		r->task_pkgs[i] = ctx->server.set_pkg[dupg_task_package(r->task, i)];
	*cut_at = (size_t)-1;
	if (cut != NULL) {
		for (i = 0; i < r->ntask; i++)
			if (cut->package != NULL &&
			    strcmp(r->cat->pkgs[r->task_pkgs[i]].name, cut->package) == 0)
				*cut_at = i;
		if (cut->package == NULL && r->ntask > 0)
			*cut_at = (size_t)sim_rng_below(&r->rng, r->ntask);
	}
	return 0;
}

/* The site's ranking of the deployment servers by its location: the library's (dupg/locality.h). */
static int rank_servers(struct site_run *r, const struct sim_ctx *ctx)
{
	const struct sim_dservers *c = &ctx->sc->dservers;
	const char **locs = calloc(c->n, sizeof(*locs));
	size_t i;
	int rc;

	r->ds_order = calloc(c->n, sizeof(*r->ds_order));
	r->ds_tier = calloc(c->n, sizeof(*r->ds_tier));
	if (locs == NULL || r->ds_order == NULL || r->ds_tier == NULL) {
		free(locs);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	for (i = 0; i < c->n; i++)
		locs[i] = c->v[i].location;
	rc = dupg_locality_rank(r->ds_order, r->ds_tier, r->site->location, locs, c->n);
	free(locs);
	if (rc != 0)
		return sim_error_lib(rc, "site %s: ranking the deployment servers", r->site->id);
	r->served.on = 1;
	return 0;
}

/*
 * bytes of package p over the uplink, from the nearest deployment server that
 * serves at r->t. When that server stops serving (down, or out for its
 * upgrade) the master fails over to the next one that serves and resumes: the
 * bytes that came down are kept. With none serving it waits for one back from
 * its upgrade. *got receives the bytes that came down. 0 when all came down,
 * 1 when no server will serve again, or a negative error.
 */
static int serve(struct site_run *r, const struct sim_ctx *ctx, const struct sim_pkg *p,
		 uint64_t bytes, const char *end, uint64_t *got)
{
	const struct sim_dservers *c = &ctx->sc->dservers;
	double mbps = r->site->uplink_mbps, lat = r->site->devs[0].latency_ms;
	uint64_t left = bytes;
	int rc;

	*got = 0;
	while (left > 0) {
		double when = sim_dservers_next_up(c, r->t), out, need;
		struct sim_piece *pc;
		size_t k;

		if (isinf(when))
			return 1;
		r->t = when;
		for (k = 0; k < c->n && !sim_dservers_up(c, r->ds_order[k], r->t); k++)
			;
		if (k == c->n)
			return sim_error(DUPG_ERROR, "site %s: no deployment server up at %.3f s",
					 r->site->id, r->t);
		if ((rc = sim_grow(&r->served.v, &r->served.cap, r->served.n + 1,
				   sizeof(*r->served.v))) != 0)
			return rc;
		pc = &r->served.v[r->served.n++];
		pc->server = r->ds_order[k];
		pc->server_id = c->v[pc->server].id;
		pc->rank = k;
		pc->near = (int)r->ds_tier[pc->server];
		pc->package = p->name;
		pc->from_s = r->t;
		out = sim_dservers_next_out(c, pc->server, r->t);
		need = site_transfer_s(left, mbps, lat);
		if (r->t + need <= out) {
			pc->bytes = left;
			r->t += need;
			pc->ended = end;
		} else {
			/* the server stops mid-transfer: what came down until then stays */
			double span = out - r->t - lat / 1000.0;
			uint64_t n = span > 0 ? (uint64_t)(span * mbps * 1e6 / 8.0) : 0;

			pc->bytes = n < left ? n : left;
			r->t = out;
			pc->ended = c->v[pc->server].down_at_s == out ? "down" : "upgrade";
			r->served.failovers++;
		}
		pc->to_s = r->t;
		left -= pc->bytes;
		*got += pc->bytes;
	}
	return 0;
}

/* The cut-off download: the partial file never enters the store, nor do the packages before it. */
static int cut_off(struct site_run *r, const struct sim_ctx *ctx, const struct sim_pkg *p, const struct sim_fault *cut,
		   size_t fault_index, const char *src, const char *dst)
{
	uint64_t limit = (uint64_t)((double)p->size * cut->fraction), copied = 0;
	size_t first = r->served.n;
	int64_t size = sim_file_size(src);
	int rc;

	if (ctx->cluster != NULL) {
		/* --serve: no copy; the real transfer below drops at the cut byte */
		copied = size >= 0 && (uint64_t)size < limit ? (uint64_t)size : limit;
		rc = 0;
	} else {
		rc = sim_copy_file(src, dst, limit, 1, &copied);
		unlink(dst);
	}
	unlink_downloads(r);
	if (rc == 0 && r->served.on) {
		uint64_t got = 0;
		/* the cut comes after copied bytes, from whichever servers served them */
		if ((rc = serve(r, ctx, p, copied, "cut", &got)) < 0)
			return rc;
		rc = 0;
		copied = got;
	} else {
		r->t += site_transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
	}
	if (rc == 0 && ctx->cluster != NULL &&
	    (rc = sim_http_fetch(r, ctx, p, first, "cut", copied)) > 0)
		rc = 0;
	r->bytes_downloaded += copied;
	r->server_bytes += copied;
	r->each_bytes += copied;
	site_fired(r, fault_index);
	site_set_cause(r, SIM_FAULT_CUT, NULL, cut->origin,
		       "download of %s cut off after %llu of %llu bytes", p->name,
		       (unsigned long long)copied, (unsigned long long)p->size);
	return rc != 0 ? rc : 1;
}

/* Every deployment server is down for good: the download stops, nothing of it stays in the store. */
static int no_server(struct site_run *r, const struct sim_pkg *p, uint64_t got)
{
	char *dst = sim_printf("%s/%s", r->store_dir, p->base);

	if (dst == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	unlink(dst);
	free(dst);
	unlink_downloads(r);
	r->bytes_downloaded += got;
	site_set_cause(r, SIM_FAULT_SERVER_DOWN, NULL, "scenario",
		       "download of %s stopped after %llu of %llu bytes: every deployment server "
		       "is down from %.3f s", p->name, (unsigned long long)got,
		       (unsigned long long)p->size, r->t);
	return 1;
}

/* Verify before anything touches the store: a corrupt package never enters a list. */
static int verify(struct site_run *r, const struct sim_ctx *ctx)
{
	dupg_verify_options o = DUPG_VERIFY_OPTIONS_INIT;
	size_t i;
	int rc;

	for (i = 0; i < r->ndl; i++) {
		const struct sim_pkg *p = &r->cat->pkgs[r->dl_pkgs[i]];
		char *dst = sim_printf("%s/%s", r->store_dir, p->base);

		if (dst == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		o.policy = ctx->trust != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
		o.trust = ctx->trust;
		rc = ctx->trust != NULL ? dupg_package_verify_ext(NULL, dst, &o)
					: dupg_package_verify(NULL, dst);
		free(dst);
		if (rc != 0) {
			site_set_cause(r, -1, NULL, p->corrupt == 2 ? "--corrupt" : p->corrupt ? "scenario" : "library",
				       "%s failed verification: %s", p->name, dupg_error_last());
			r->cause.corrupt = 1;
			unlink_downloads(r);
			return 1;
		}
	}
	return 0;
}

/* --serve: every server sent a package that failed verification (dupg_fetch kept none of it). */
static int refused(struct site_run *r)
{
	const char *origin = "library";
	size_t i;

	for (i = 0; i < r->ndl; i++) {
		const struct sim_pkg *p = &r->cat->pkgs[r->dl_pkgs[i]];
		if (p->corrupt)
			origin = p->corrupt == 2 ? "--corrupt" : "scenario";
	}
	site_set_cause(r, -1, NULL, origin, "%s", sim_http_refusal(r));
	r->cause.corrupt = 1;
	unlink_downloads(r);
	return 1;
}

int site_fetch(struct site_run *r, const struct sim_ctx *ctx)
{
	size_t cut_at = (size_t)-1, fi = 0, i;
	const struct sim_fault *cut = site_find_fault(r, SIM_FAULT_CUT, &fi);
	int rc;

	if ((rc = task_packages(r, ctx, cut, &cut_at)) != 0 ||
	    (ctx->sc->dservers.n > 0 && (rc = rank_servers(r, ctx)) != 0))
		return rc;
	for (i = 0; i < r->ntask; i++) {
		const struct sim_pkg *p = &r->cat->pkgs[r->task_pkgs[i]];
		char *src, *dst;
		uint64_t copied = 0;
		int regional;

		/* a package the store already holds (an earlier attempt) is not fetched again */
		if (in_store(r->site, r->task_pkgs[i]))
			continue;
		src = sim_printf("%s/%s", ctx->server.dir, p->base);
		dst = sim_printf("%s/%s", r->store_dir, p->base);
		if (src == NULL || dst == NULL) {
			free(src);
			free(dst);
			return sim_error(DUPG_ENOMEM, "out of memory");
		}
		if (i == cut_at) {
			rc = cut_off(r, ctx, p, cut, fi, src, dst);
			free(src);
			free(dst);
			return rc;
		}
		/* a member of an elect region fetches from its virtual server (driver/region.c) */
		if ((regional = sim_region_fetch(ctx->regions, r, r->task_pkgs[i])) < 0) {
			free(src);
			free(dst);
			return regional;
		}
		if (ctx->cluster != NULL && !regional) {
			/* --serve: over HTTP from the real servers (driver/http.c), after the clock */
			int64_t size = sim_file_size(src);
			copied = size > 0 ? (uint64_t)size : 0;
			rc = 0;
		} else if (ctx->opt->link) {
			rc = sim_link_file(src, dst, ctx->opt->no_fsync);
			copied = p->size;
		} else {
			rc = sim_copy_file(src, dst, UINT64_MAX, ctx->opt->no_fsync, &copied);
		}
		free(src);
		free(dst);
		if (rc != 0)
			return rc;
		if (regional) {
			/* over the region's LAN: driver/region.c kept the clock */
		} else if (r->served.on) {
			uint64_t got = 0;
			size_t first = r->served.n;
			if ((rc = serve(r, ctx, p, copied, "done", &got)) < 0)
				return rc;
			if (ctx->cluster != NULL) {
				int h = sim_http_fetch(r, ctx, p, first, rc == 1 ? "no_server" : "done", 0);
				if (h < 0)
					return h;
			}
			if (rc == 1)
				return no_server(r, p, got);
		} else {
			size_t first = r->served.n;
			r->t += site_transfer_s(copied, r->site->uplink_mbps,
						r->site->devs[0].latency_ms);
			if (ctx->cluster != NULL && (rc = sim_http_fetch(r, ctx, p, first, "done", 0)) < 0)
				return rc;
		}
		r->bytes_downloaded += copied;
		r->each_bytes += copied;
		if (!regional)
			r->server_bytes += copied;
		r->dl_pkgs[r->ndl++] = r->task_pkgs[i];
	}
	if (ctx->cluster != NULL && sim_http_refusal(r) != NULL)
		return refused(r);
	if ((rc = verify(r, ctx)) != 0)
		return rc;
	r->t_download = r->t;
	return 0;
}
