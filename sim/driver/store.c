/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The master's store during a site's run: set up, updated by the crash-safe
 * prune (a master crash stops it at a step; the master reboots, recovers and
 * resumes), rolled back with the devices, and checked against its lists.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver/store.h"

/* ---- set-up: the master's store before this upgrade --------------------- */

int site_store_setup(struct site_run *r, const struct sim_ctx *ctx)
{
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_pathlist *l = NULL;
	size_t i;
	int rc;

	/* the site's directory is its master's store: one directory per site is cheaper at scale */
	r->dir = sim_printf("%s/%s", ctx->sites_dir, r->site->id);
	r->store_dir = sim_strdup(r->dir);
	r->list_file = sim_printf("%s/list", r->store_dir);
	r->new_file = sim_printf("%s/new", r->store_dir);
	if (!r->dir || !r->store_dir || !r->list_file || !r->new_file)
		return sim_error(DUPG_ENOMEM, "out of memory");
	/* a stale directory from an earlier --keep run would make the store lie */
	if ((rc = sim_rmtree(r->dir)) != 0 || (rc = sim_mkdirs(r->store_dir)) != 0)
		return rc;
	if ((rc = dupg_pathlist_new(&l)) != 0)
		return sim_error_lib(rc, "site %s", r->site->id);
	for (i = 0; i < r->site->nstore && rc == 0; i++) {
		const struct sim_pkg *p = &r->cat->pkgs[r->site->store[i]];
		char *dst = sim_printf("%s/%s", r->store_dir, p->base);

		if (dst == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else
			rc = sim_link_file(p->file, dst, ctx->opt->no_fsync);
		free(dst);
		if (rc == 0 && (rc = dupg_pathlist_add(l, p->base, (const char *const *)p->hw,
						       p->hw_count)) != 0)
			rc = sim_error_lib(rc, "site %s: store", r->site->id);
	}
	ao.no_fsync = ctx->opt->no_fsync;
	if (rc == 0 && (rc = dupg_pathlist_save(l, r->list_file, &ao)) != 0)
		rc = sim_error_lib(rc, "site %s", r->site->id);
	dupg_pathlist_free(l);
	return rc;
}

/* ---- the store update ---------------------------------------------------- */

static int stop_at(dupg_apply_step step, void *payload)
{
	return step == *(const dupg_apply_step *)payload;
}

static int same_list(char **paths, size_t n, const dupg_prune *p, dupg_prune_list which)
{
	size_t i;

	if (n != dupg_prune_count(p, which))
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(paths[i], dupg_prune_path(p, which, i)) != 0)
			return 0;
	return 1;
}

/* The downloaded packages as a list file, loaded as the library's downloaded list. */
static int load_downloaded(struct site_run *r)
{
	char *text = NULL;
	size_t i, len = 0;
	int rc;

	for (i = 0; i < r->ndl; i++)
		len += strlen(r->cat->pkgs[r->dl_pkgs[i]].base) + 1;
	text = calloc(1, len + 1);
	if (text == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ndl; i++) {
		strcat(text, r->cat->pkgs[r->dl_pkgs[i]].base);
		strcat(text, "\n");
	}
	rc = sim_write_file(r->new_file, text, len);
	free(text);
	if (rc != 0)
		return rc;
	if ((rc = dupg_pathlist_load(&r->dl, r->new_file)) != 0)
		return sim_error_lib(rc, "site %s: downloaded list", r->site->id);
	return 0;
}

/* What the apply is about to do, to tell after a crash how far it got. */
static int preview(dupg_prune **out, const struct site_run *r)
{
	dupg_pathlist *first = NULL;
	int rc;

	if ((rc = dupg_pathlist_load(&first, r->list_file)) != 0 ||
	    (rc = dupg_prune_compute(out, first, r->dl, NULL)) != 0) {
		dupg_pathlist_free(first);
		return sim_error_lib(rc, "site %s: store", r->site->id);
	}
	dupg_pathlist_free(first);
	return 0;
}

/*
 * The master crashed mid-update: it reboots, recovers, and resumes the task.
 * When recovery finished the apply, the list is the preview's kept list and
 * the preview stands for the prune; when it undid it, the prune runs again.
 */
/*
 * The prune of the downloads: site_fetch verified every one just now (under
 * the run's trust store with --trust), so the store reads their heads again
 * but not their payloads.
 */
static int prune(struct site_run *r, const struct sim_ctx *ctx, const dupg_apply_options *opts)
{
	dupg_admit_options ad = DUPG_ADMIT_OPTIONS_INIT;
	size_t i, n = dupg_pathlist_count(r->dl);
	const char **verified = calloc(n + 1, sizeof(*verified));
	int rc;

	if (verified == NULL)
		return DUPG_ENOMEM;
	for (i = 0; i < n; i++)
		verified[i] = dupg_pathlist_resolved(r->dl, i);
	ad.verify.policy = ctx->trust != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	ad.verify.trust = ctx->trust;
	ad.verified = verified;
	ad.verified_count = n;
	rc = dupg_store_prune_ext(&r->prune, r->store, r->dl, NULL, opts, &ad);
	free(verified);
	return rc;
}

static int recover(struct site_run *r, const struct sim_ctx *ctx, dupg_apply_options *opts,
		   dupg_prune **pure)
{
	char **paths = NULL;
	size_t n = 0;
	int rc;

	r->crashed = 1;
	dupg_prune_free(r->prune);
	r->prune = NULL;
	dupg_store_free(r->store);
	r->store = NULL;
	opts->step_cb = NULL;
	if ((rc = dupg_store_recover(&r->recovery, r->list_file, opts)) != 0)
		return sim_error_lib(rc, "site %s: recovery", r->site->id);
	if ((rc = dupg_listfile_read(&paths, &n, r->list_file)) != 0)
		return sim_error_lib(rc, "site %s: store after recovery", r->site->id);
	if (same_list(paths, n, *pure, DUPG_LIST_KEPT)) {
		r->prune = *pure;
		*pure = NULL;
	} else {
		rc = dupg_store_open(&r->store, r->list_file);
		if (rc == 0)
			rc = prune(r, ctx, opts);
		if (rc != 0)
			rc = sim_error_lib(rc, "site %s: store update after recovery", r->site->id);
	}
	dupg_free(paths);
	return rc;
}

int site_store_update(struct site_run *r, const struct sim_ctx *ctx)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	size_t fi = 0;
	const struct sim_fault *crash = site_find_fault(r, SIM_FAULT_CRASH, &fi);
	dupg_prune *pure = NULL;
	int rc;

	if ((rc = load_downloaded(r)) != 0)
		return rc;
	if ((rc = dupg_store_open(&r->store, r->list_file)) != 0)
		return sim_error_lib(rc, "site %s: store", r->site->id);
	opts.no_fsync = ctx->opt->no_fsync;
	if (crash != NULL) {
		r->crash_step = crash->step;
		opts.step_cb = stop_at;
		opts.payload = &r->crash_step;
		if ((rc = preview(&pure, r)) != 0)
			return rc;
	}
	rc = prune(r, ctx, &opts);
	if (rc == DUPG_EABORTED) {
		site_fired(r, fi);
		rc = recover(r, ctx, &opts, &pure);
	} else if (rc != 0) {
		rc = sim_error_lib(rc, "site %s: store update", r->site->id);
	}
	dupg_prune_free(pure);
	if (rc == 0 && unlink(r->new_file) != 0)
		rc = sim_error(DUPG_EIO, "%s: cannot remove: %s", r->new_file, strerror(errno));
	return rc;
}

/* ---- rollback ------------------------------------------------------------- */

/*
 * Every device runs what the rollback list describes, so the store goes back
 * to that list and the download leaves it.
 */
int site_store_rollback(struct site_run *r, const struct sim_ctx *ctx, struct sim_strv *gone)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	char **deleted = NULL;
	size_t n = 0, i;
	int rc = 0;

	/* a crash recovered past its commit point left no handle */
	if (r->store == NULL && (rc = dupg_store_open(&r->store, r->list_file)) != 0)
		return sim_error_lib(rc, "site %s: store", r->site->id);
	opts.no_fsync = ctx->opt->no_fsync;
	if ((rc = dupg_store_rollback(&deleted, &n, r->store, &opts)) != 0)
		return sim_error_lib(rc, "site %s: store rollback", r->site->id);
	for (i = 0; i < n && rc == 0; i++)
		rc = sim_strv_take(gone, sim_pkg_name(deleted[i]));
	dupg_free(deleted);
	return rc;
}

/* ---- the store after the run -------------------------------------------- */

static int names_of(struct sim_strv *out, char **paths, size_t n)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = sim_strv_take(out, sim_pkg_name(paths[i]));
	return rc;
}

static int listed(char **a, size_t na, char **b, size_t nb, const char *name)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (strcmp(a[i], name) == 0)
			return 1;
	for (i = 0; i < nb; i++)
		if (strcmp(b[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Nothing in the directory but the lists, the store's package cache and what
 * the lists name (no partial download, no temp).
 */
static void check_dir(const struct site_run *r, char **list, size_t nl, char **rb, size_t nr,
		      int *consistent, char *problem, size_t size)
{
	DIR *dir = opendir(r->store_dir);
	struct dirent *e;

	while (*consistent && dir != NULL && (e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "list") == 0 || strcmp(e->d_name, "list.rollback") == 0 ||
		    strcmp(e->d_name, "list.cache") == 0)
			continue;
		if (!listed(list, nl, rb, nr, e->d_name)) {
			*consistent = 0;
			snprintf(problem, size, "stray file %s", e->d_name);
		}
	}
	if (dir != NULL)
		closedir(dir);
	else
		*consistent = 0;
}

/*
 * A consistent store: both lists readable, every listed package present, and
 * nothing else in the directory. Store bytes count what the lists keep.
 */
int site_store_check(struct site_run *r, struct sim_result *res)
{
	char **list = NULL, **rb = NULL;
	size_t nl = 0, nr = 0, i;
	char *rb_file = sim_printf("%s.rollback", r->list_file);
	char *problem = res->store.problem;
	size_t psize = sizeof(res->store.problem);
	int consistent = 1, rc;

	if (rb_file == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (dupg_listfile_read(&list, &nl, r->list_file) != 0) {
		consistent = 0;
		snprintf(problem, psize, "%s", dupg_error_last());
	}
	if (access(rb_file, F_OK) == 0 && dupg_listfile_read(&rb, &nr, rb_file) != 0) {
		consistent = 0;
		snprintf(problem, psize, "%s", dupg_error_last());
	}
	res->store.bytes = 0;
	for (i = 0; consistent && i < nl + nr; i++) {
		const char *name = i < nl ? list[i] : rb[i - nl];
		char *p = sim_printf("%s/%s", r->store_dir, name);
		int64_t size = p ? sim_file_size(p) : -1;

		if (size < 0) {
			consistent = 0;
			snprintf(problem, psize, "%s names missing %s",
				 i < nl ? "list" : "list.rollback", name);
		} else if (i < nl || !listed(list, nl, NULL, 0, name)) {
			res->store.bytes += (uint64_t)size;
		}
		free(p);
	}
	check_dir(r, list, nl, rb, nr, &consistent, problem, psize);
	res->store.consistent = consistent;
	rc = names_of(&res->store.list, list, nl);
	if (rc == 0)
		rc = names_of(&res->store.rollback, rb, nr);
	dupg_free(list);
	dupg_free(rb);
	free(rb_file);
	return rc;
}
