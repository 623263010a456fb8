/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The server's state behind one small interface, with two back ends:
 * SQLite (a file, WAL mode, every commit synced) and PostgreSQL through
 * libpq (a postgresql:// URI), so that several servers can share one
 * database. Everything is done in transactions: srv_store_write() runs a
 * function in one write transaction and returns only once it is committed
 * (durably: that is what "acknowledged" means), srv_store_read() in a
 * read-only one. The srv_txn_* calls are the only things such a function
 * does with the database.
 *
 * Errors are the library's codes, recorded in the program's error record
 * (util/error.h): DUPG_ENOTFOUND, DUPG_EEXISTS, DUPG_EFORMAT (a database
 * file that is not one), DUPG_EIO, DUPG_ENOMEM.
 */
#ifndef DUPG_SERVER_STORE_H
#define DUPG_SERVER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"

struct srv_store;
struct srv_txn;

/*
 * Open the store spec names: "postgresql://..." or "postgres://..." is
 * PostgreSQL, anything else an SQLite file (created when missing). The
 * schema is made when missing; a file that is not a database, or whose
 * integrity check fails, is refused naming it. pool is the most
 * connections kept open at once.
 */
int srv_store_open(struct srv_store **out, const char *spec, size_t pool);
void srv_store_close(struct srv_store *s);
/* "sqlite" or "postgresql". */
const char *srv_store_kind(const struct srv_store *s);

typedef int (*srv_txn_fn)(struct srv_txn *t, void *arg);
/* Run fn in one write transaction, committed when this returns 0; fn may be run again on a conflict. */
int srv_store_write(struct srv_store *s, srv_txn_fn fn, void *arg);
/*
 * The same, but the commit is not waited for on disk: it survives a crash of
 * the server, not a power cut (SQLite synchronous=NORMAL in WAL mode,
 * PostgreSQL synchronous_commit=off). For what a site can send again.
 */
int srv_store_write_lazy(struct srv_store *s, srv_txn_fn fn, void *arg);
/* Run fn in one read-only transaction. */
int srv_store_read(struct srv_store *s, srv_txn_fn fn, void *arg);

/* Sites. Token hashes are 64 hex digits (SHA-256 of the token). */
int srv_txn_site_add(struct srv_txn *t, const char *id, const char *token_hash, int64_t now);
/* *out = the site's token hash (caller frees); DUPG_ENOTFOUND for an unknown site. */
int srv_txn_site_token(struct srv_txn *t, char **out, const char *id);
/* *out = the site a token hash belongs to (caller frees); DUPG_ENOTFOUND when none. */
int srv_txn_site_of_token(struct srv_txn *t, char **out, const char *token_hash);
/* Every site id, in id order, to fn; non-zero from fn stops and is returned. */
int srv_txn_site_each(struct srv_txn *t, int (*fn)(void *arg, const char *id), void *arg);
/* How many sites are registered. */
int srv_txn_site_count(struct srv_txn *t, int64_t *out);
/* Store the site's description and the task it was given. */
int srv_txn_site_describe(struct srv_txn *t, const char *id, const char *description,
			  const char *task, int64_t now);
/* Record a status; *seq receives its number (increasing over the database). */
int srv_txn_status_add(struct srv_txn *t, int64_t *seq, const char *id, const char *state,
		       const char *detail, const char *devices, int64_t now);

/* What the store knows of a site; strings are NULL when absent. */
struct srv_site_rec {
	char *id, *description, *task, *state, *detail, *devices;
	int64_t created, described, status_at, status_seq, statuses;
};
int srv_txn_site_get(struct srv_txn *t, struct srv_site_rec *out, const char *id);
void srv_site_rec_clear(struct srv_site_rec *r);

/* Rollouts. */
struct srv_rollout_rec {
	int64_t id;
	char *packages;     /* names, comma-separated */
	char *waves;        /* dupg_rollout_waves_text() */
	char *threshold;    /* written so that strtod() reads back the same double */
	int64_t total;      /* sites ranked at creation */
	dupg_rollout_status status;
	int64_t created;
};
void srv_rollout_rec_clear(struct srv_rollout_rec *r);
void srv_rollout_recs_free(struct srv_rollout_rec *r, size_t n);
/* Add a rollout (id assigned, *id receives it). */
int srv_txn_rollout_add(struct srv_txn *t, int64_t *id, const struct srv_rollout_rec *r);
/*
 * The rollouts, by id; active_only leaves out the done ones (a halted one still withholds).
 * lock takes their rows for this transaction (PostgreSQL: FOR UPDATE), so that
 * two servers deciding on one rollout take turns.
 */
int srv_txn_rollout_list(struct srv_txn *t, struct srv_rollout_rec **out, size_t *n,
			 int active_only, int lock);
/* One rollout; DUPG_ENOTFOUND when there is none. */
int srv_txn_rollout_get(struct srv_txn *t, struct srv_rollout_rec *out, int64_t id, int lock);
int srv_txn_rollout_set_status(struct srv_txn *t, int64_t id, const dupg_rollout_status *st);

/* A site's place in a rollout; DUPG_ENOTFOUND when it has none. */
int srv_txn_rollout_site(struct srv_txn *t, size_t *wave, dupg_site_state *state, int64_t rollout,
			 const char *site);
/* Put a site in a rollout's wave (keeping the wave counts). */
int srv_txn_rollout_site_add(struct srv_txn *t, int64_t rollout, const char *site, int64_t rank,
			     size_t wave, dupg_site_state state);
/* Move a site of wave to state (keeping the wave counts). */
int srv_txn_rollout_site_set(struct srv_txn *t, int64_t rollout, const char *site, size_t wave,
			     dupg_site_state from, dupg_site_state to);
/* The rollouts a site is in, with its wave and state, to fn. */
int srv_txn_rollout_site_each(struct srv_txn *t, const char *site,
			      int (*fn)(void *arg, int64_t rollout, size_t wave, dupg_site_state state),
			      void *arg);
/* The number of the rollout's sites in each (wave, state), to fn. */
int srv_txn_rollout_counts(struct srv_txn *t, int64_t rollout,
			   int (*fn)(void *arg, size_t wave, dupg_site_state state, int64_t n), void *arg);

#endif
