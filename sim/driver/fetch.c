/* SPDX-License-Identifier: BSD-2-Clause */
/* A site's download into the master's store, on the virtual clock, then verification. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/fetch.h"
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

/* The cut-off download: the partial file never enters the store, nor do the packages before it. */
static int cut_off(struct site_run *r, const struct sim_pkg *p, const struct sim_fault *cut,
		   size_t fault_index, const char *src, const char *dst)
{
	uint64_t limit = (uint64_t)((double)p->size * cut->fraction), copied = 0;
	int rc = sim_copy_file(src, dst, limit, 1, &copied);

	unlink(dst);
	unlink_downloads(r);
	r->bytes_downloaded += copied;
	r->server_bytes += copied;
	r->each_bytes += copied;
	r->t += site_transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
	site_fired(r, fault_index);
	site_set_cause(r, SIM_FAULT_CUT, NULL, cut->origin,
		       "download of %s cut off after %llu of %llu bytes", p->name,
		       (unsigned long long)copied, (unsigned long long)p->size);
	return rc != 0 ? rc : 1;
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

int site_fetch(struct site_run *r, const struct sim_ctx *ctx)
{
	size_t cut_at = (size_t)-1, fi = 0, i;
	const struct sim_fault *cut = site_find_fault(r, SIM_FAULT_CUT, &fi);
	int rc;

	if ((rc = task_packages(r, ctx, cut, &cut_at)) != 0)
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
			rc = cut_off(r, p, cut, fi, src, dst);
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
		if (ctx->opt->link) {
			rc = sim_link_file(src, dst, ctx->opt->no_fsync);
			copied = p->size;
		} else {
			rc = sim_copy_file(src, dst, UINT64_MAX, ctx->opt->no_fsync, &copied);
		}
		free(src);
		free(dst);
		if (rc != 0)
			return rc;
		r->bytes_downloaded += copied;
		r->each_bytes += copied;
		if (!regional) {
			r->server_bytes += copied;
			r->t += site_transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
		}
		r->dl_pkgs[r->ndl++] = r->task_pkgs[i];
	}
	if ((rc = verify(r, ctx)) != 0)
		return rc;
	r->t_download = r->t;
	return 0;
}
