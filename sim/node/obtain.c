/* SPDX-License-Identifier: BSD-2-Clause */
/* A node's store: its versions, a download in a thread, the install by a crash-safe prune. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "node/obtain.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

void node_versions_clear(struct node_versions *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->hw[i]);
		free(v->version[i]);
	}
	free(v->hw);
	free(v->version);
	memset(v, 0, sizeof(*v));
}

const char *node_versions_get(const struct node_versions *v, const char *hw)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->hw[i], hw) == 0)
			return v->version[i];
	return NULL;
}

static int versions_put(struct node_versions *v, const char *hw, const char *version)
{
	size_t i;
	char **nh, **nv, *h, *ver;

	for (i = 0; i < v->n; i++) {
		if (strcmp(v->hw[i], hw) != 0)
			continue;
		if (dupg_vercmp(version, v->version[i]) <= 0)
			return 0;
		ver = strdup(version);
		if (ver == NULL)
			return -1;
		free(v->version[i]);
		v->version[i] = ver;
		return 0;
	}
	nh = realloc(v->hw, (v->n + 1) * sizeof(*nh));
	if (nh == NULL)
		return -1;
	v->hw = nh;
	nv = realloc(v->version, (v->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	v->version = nv;
	h = strdup(hw);
	ver = strdup(version);
	if (h == NULL || ver == NULL) {
		free(h);
		free(ver);
		return -1;
	}
	v->hw[v->n] = h;
	v->version[v->n] = ver;
	v->n++;
	return 0;
}

int node_versions_load(struct node_versions *v, const char *list)
{
	dupg_pathlist *l = NULL;
	size_t i, j;
	int rc;

	node_versions_clear(v);
	rc = dupg_pathlist_load(&l, list);
	if (rc != 0) {
		cli_lib_fail(rc);
		return -1;
	}
	for (i = 0; i < dupg_pathlist_count(l); i++) {
		dupg_manifest *m = NULL;
		const char *file = dupg_pathlist_resolved(l, i);

		rc = dupg_package_read_manifest(&m, file);
		if (rc != 0) {
			cli_lib_fail(rc);
			dupg_pathlist_free(l);
			return -1;
		}
		for (j = 0; j < dupg_manifest_hw_count(m); j++) {
			if (versions_put(v, dupg_manifest_hw(m, j), dupg_manifest_version(m)) != 0) {
				cli_fail("node: %s: out of memory", list);
				dupg_manifest_free(m);
				dupg_pathlist_free(l);
				return -1;
			}
		}
		dupg_manifest_free(m);
	}
	dupg_pathlist_free(l);
	return 0;
}

static void *job_run(void *arg)
{
	struct node_job *j = arg;
	dupg_fetch_options fo = DUPG_FETCH_OPTIONS_INIT;
	dupg_fetch_server servers[2];
	const char *paths[1];
	dupg_fetch *f = NULL;
	size_t i;

	fo.limit_rate = j->limit_rate;
	fo.no_fsync = j->no_fsync;
	fo.stall_seconds = 5;
	fo.connect_timeout_ms = 2000;
	for (i = 0; i < j->nservers; i++) {
		servers[i].url = j->urls[i];
		servers[i].location = NULL;
	}
	paths[0] = j->path;
	j->rc = dupg_fetch_new(&f, &fo);
	pthread_mutex_lock(&j->lock);
	j->fetch = f;
	if (f != NULL && j->cancelled)
		dupg_fetch_cancel(f);
	pthread_mutex_unlock(&j->lock);
	if (j->rc == 0)
		j->rc = dupg_fetch_run(f, j->dir, paths, 1, servers, j->nservers);
	pthread_mutex_lock(&j->lock);
	j->fetch = NULL;
	pthread_mutex_unlock(&j->lock);
	if (j->rc == 0 && dupg_fetch_count(f) == 1) {
		const dupg_fetch_outcome *o = dupg_fetch_get(f, 0);
		j->server = o->server;
		j->failovers = o->failovers;
		j->resumed = o->resumed;
	}
	if (f != NULL)
		j->bytes = dupg_fetch_bytes(f);
	/* the message is this thread's: copy it before the thread ends */
	if (j->rc != 0)
		snprintf(j->error, sizeof(j->error), "%s (%s)", dupg_error_last(), dupg_strerror(j->rc));
	dupg_fetch_free(f);
	__atomic_store_n(&j->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

void node_job_cancel(struct node_job *j)
{
	if (!j->started)
		return;
	pthread_mutex_lock(&j->lock);
	j->cancelled = 1;
	if (j->fetch != NULL)
		dupg_fetch_cancel(j->fetch);
	pthread_mutex_unlock(&j->lock);
}

void node_job_clear(struct node_job *j)
{
	size_t i;

	if (j->dir != NULL || j->path != NULL)
		pthread_mutex_destroy(&j->lock);
	free(j->dir);
	free(j->path);
	for (i = 0; i < 2; i++)
		free(j->urls[i]);
	memset(j, 0, sizeof(*j));
}

int node_job_start(struct node_job *j, const char *dir, const char *path, const char *const *urls,
		   size_t n, uint64_t limit_rate, int no_fsync)
{
	size_t i;

	memset(j, 0, sizeof(*j));
	pthread_mutex_init(&j->lock, NULL);
	j->dir = strdup(dir);
	j->path = strdup(path);
	j->nservers = n;
	j->limit_rate = limit_rate;
	j->no_fsync = no_fsync;
	for (i = 0; i < n && i < 2; i++)
		j->urls[i] = strdup(urls[i]);
	if (j->dir == NULL || j->path == NULL || j->urls[0] == NULL || (n > 1 && j->urls[1] == NULL)) {
		cli_fail("node: out of memory");
		node_job_clear(j);
		return -1;
	}
	if (pthread_create(&j->thread, NULL, job_run, j) != 0) {
		cli_fail("node: cannot start the download thread");
		node_job_clear(j);
		return -1;
	}
	j->started = 1;
	return 0;
}

int node_job_done(const struct node_job *j)
{
	return j->started && __atomic_load_n(&j->finished, __ATOMIC_ACQUIRE);
}

void node_job_join(struct node_job *j)
{
	if (j->started)
		pthread_join(j->thread, NULL);
	j->started = 0;
}

int node_install(struct json_object **prune, const char *list, const char *name, int no_fsync)
{
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_admit_options adm = DUPG_ADMIT_OPTIONS_INIT;
	dupg_store *store = NULL;
	dupg_pathlist *downloaded = NULL;
	dupg_prune *result = NULL;
	const char *slash = strrchr(list, '/');
	char *dir, *new_list, *line, *json = NULL;
	int rc;

	*prune = NULL;
	/* the fetch verified it in full: the store reads its head, not its payload again
	 * (a node that stalls here for long misses its own heartbeats) */
	adm.verified = &name;
	adm.verified_count = 1;
	ao.no_fsync = no_fsync;
	ao.lock_timeout_ms = 5000;
	dir = slash != NULL ? strndup(list, (size_t)(slash - list)) : strdup(".");
	new_list = dir != NULL ? dupg__printf("%s/.new.list", dir) : NULL;
	line = dupg__printf("%s\n", name);
	if (dir == NULL || new_list == NULL || line == NULL) {
		rc = DUPG_ENOMEM;
		goto out;
	}
	/* the download's list, as `dupg-sim fetch` writes it for `prune --new` */
	rc = dupg__fs_write_atomic(new_list, line, strlen(line), no_fsync, NULL, NULL);
	if (rc != 0) {
		cli_fail("node: %s", dupg__error_msg());
		goto out_quiet;
	}
	rc = dupg_store_open_ext(&store, list, &ao);
	if (rc == 0)
		rc = dupg_pathlist_load(&downloaded, new_list);
	if (rc == 0)
		rc = dupg_store_prune_ext(&result, store, downloaded, NULL, &ao, &adm);
	if (rc == 0)
		rc = dupg_prune_to_json(&json, result);
	if (rc == 0) {
		*prune = json_tokener_parse(json);
		if (*prune == NULL)
			rc = DUPG_ENOMEM;
	}
out:
	if (rc != 0)
		cli_lib_fail(rc);
out_quiet:
	dupg_free(json);
	dupg_prune_free(result);
	dupg_pathlist_free(downloaded);
	dupg_store_free(store);
	free(dir);
	free(new_list);
	free(line);
	return rc == 0 ? 0 : -1;
}
