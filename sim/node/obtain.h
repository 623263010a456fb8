/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * obtain.c: what a node holds and how it gets the package: the latest version
 * per hardware type in its store, a download in a thread of its own (so that
 * the node keeps announcing while it runs), and the install: the store pruned
 * with the crash-safe apply, as `dupg-sim prune --apply` does.
 */
#ifndef DUPG_SIM_NODE_OBTAIN_H
#define DUPG_SIM_NODE_OBTAIN_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* The latest version per hardware type among a store's packages. */
struct node_versions {
	size_t n;
	char **hw, **version;
};

/*
 * Read the versions of the packages LIST names (each manifest read, the
 * highest per hardware type by dupg_vercmp). -1 after a message naming the file.
 */
int node_versions_load(struct node_versions *v, const char *list);
/* The version held for hw; NULL when none. */
const char *node_versions_get(const struct node_versions *v, const char *hw);
void node_versions_clear(struct node_versions *v);

/* One download of the package, run in its own thread. */
struct node_job {
	pthread_t thread;
	int started;
	pthread_mutex_t lock;  /* guards fetch and cancelled */
	struct dupg_fetch *fetch; /* the thread's handle while it runs */
	int cancelled;
	int finished;          /* set by the thread, read with __atomic_load_n */
	int rc;                /* dupg_fetch_run()'s */
	char error[1024];      /* its message */
	char *dir, *path;
	char *urls[2];
	size_t nservers;
	size_t server;         /* the index of the server that served it */
	uint64_t bytes;        /* every attempt */
	size_t failovers;
	int resumed;
	uint64_t limit_rate;
	int no_fsync;
};

/*
 * Start downloading path into dir from urls[0..n-1] (tried in this order;
 * each fetch verifies the package before it gets its name). -1 after a message.
 */
int node_job_start(struct node_job *j, const char *dir, const char *path, const char *const *urls,
		   size_t n, uint64_t limit_rate, int no_fsync);
/* 1 when the thread is done (then node_job_join()), else 0. */
int node_job_done(const struct node_job *j);
/* Ask a running download to stop (it keeps its partial file); it ends within about a second. */
void node_job_cancel(struct node_job *j);
void node_job_join(struct node_job *j);
void node_job_clear(struct node_job *j);

/*
 * Install the downloaded file NAME (in LIST's directory): prune the store
 * with the crash-safe apply. *prune receives the prune's JSON (caller
 * releases it). -1 after a message.
 */
int node_install(struct json_object **prune, const char *list, const char *name, int no_fsync);

#endif
