/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store: a pool of back-end connections, transactions around the
 * caller's function, and the server's state as SQL written once for both
 * back ends (store_internal.h).
 */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_internal.h"
#include "util/buf.h"
#include "util/error.h"

struct srv_store {
	const struct srv_backend *be;
	char *spec;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	void **idle;
	size_t nidle, open, max;
	/* SQLite has one writer: the process's writers take turns here rather than spin on its lock */
	pthread_mutex_t writer;
};

struct srv_txn {
	const struct srv_backend *be;
	void *conn;
};

static int is_pg(const char *spec)
{
	return strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0;
}

int srv_store_open(struct srv_store **out, const char *spec, size_t pool)
{
	struct srv_store *s;
	void *conn = NULL;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->spec = dupg__strdup(spec)) == NULL ||
	    (s->idle = calloc(pool ? pool : 1, sizeof(*s->idle))) == NULL) {
		if (s != NULL)
			free(s->spec);
		free(s);
		return dupg__error_nomem();
	}
	s->be = is_pg(spec) ? &srv_pg_backend : &srv_sqlite_backend;
	s->max = pool ? pool : 1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	pthread_mutex_init(&s->writer, NULL);
	/* the first connection checks the database and makes the schema */
	if ((rc = s->be->connect(&conn, spec, 1)) != 0) {
		srv_store_close(s);
		return rc;
	}
	s->idle[s->nidle++] = conn;
	s->open = 1;
	*out = s;
	return 0;
}

void srv_store_close(struct srv_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nidle; i++)
		s->be->disconnect(s->idle[i]);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->writer);
	free(s->idle);
	free(s->spec);
	free(s);
}

const char *srv_store_kind(const struct srv_store *s)
{
	return s->be->kind;
}

static int acquire(struct srv_store *s, void **conn)
{
	int rc;

	pthread_mutex_lock(&s->lock);
	while (s->nidle == 0 && s->open >= s->max)
		pthread_cond_wait(&s->freed, &s->lock);
	if (s->nidle > 0) {
		*conn = s->idle[--s->nidle];
		pthread_mutex_unlock(&s->lock);
		return 0;
	}
	s->open++;
	pthread_mutex_unlock(&s->lock);
	if ((rc = s->be->connect(conn, s->spec, 0)) != 0) {
		pthread_mutex_lock(&s->lock);
		s->open--;
		pthread_cond_signal(&s->freed);
		pthread_mutex_unlock(&s->lock);
	}
	return rc;
}

/* Give a connection back; a broken one (bad) is closed so the next user opens a fresh one. */
static void release(struct srv_store *s, void *conn, int bad)
{
	if (bad)
		s->be->disconnect(conn);
	pthread_mutex_lock(&s->lock);
	if (bad)
		s->open--;
	else
		s->idle[s->nidle++] = conn;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

static int run(struct srv_store *s, srv_txn_fn fn, void *arg, int mode)
{
	int write = mode != SRV_TXN_READ;
	struct srv_txn t;
	int rc = 0, attempt;

	for (attempt = 0; attempt < 8; attempt++) {
		if ((rc = acquire(s, &t.conn)) != 0)
			return rc;
		t.be = s->be;
		if (write && s->be->serial_writes)
			pthread_mutex_lock(&s->writer);
		rc = s->be->begin(t.conn, mode);
		if (rc == 0) {
			rc = fn(&t, arg);
			if (rc == 0)
				rc = s->be->commit(t.conn);
			else
				s->be->rollback(t.conn);
		}
		if (write && s->be->serial_writes)
			pthread_mutex_unlock(&s->writer);
		/* DUPG_EIO may be a connection that died (a restarted PostgreSQL): open a new one */
		release(s, t.conn, rc == DUPG_EIO);
		if (rc != DUPG_EBUSY)
			break;
	}
	return rc;
}

int srv_store_write(struct srv_store *s, srv_txn_fn fn, void *arg)
{
	return run(s, fn, arg, SRV_TXN_DURABLE);
}

int srv_store_write_lazy(struct srv_store *s, srv_txn_fn fn, void *arg)
{
	return run(s, fn, arg, SRV_TXN_LAZY);
}

int srv_store_read(struct srv_store *s, srv_txn_fn fn, void *arg)
{
	return run(s, fn, arg, SRV_TXN_READ);
}

/* --- helpers over exec ------------------------------------------------------ */

static int exec(struct srv_txn *t, const char *sql, const char *const *p, int n, srv_row_fn row,
		void *arg, int64_t *changes)
{
	return t->be->exec(t->conn, sql, p, n, row, arg, changes);
}

/* A row's first value as a new string. */
static int row_str(void *arg, int ncol, const char *const *v)
{
	char **out = arg;

	if (ncol < 1)
		return 0;
	free(*out);
	*out = v[0] ? dupg__strdup(v[0]) : NULL;
	return v[0] && *out == NULL ? dupg__error_nomem() : 0;
}

static int64_t num(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

static int row_int(void *arg, int ncol, const char *const *v)
{
	if (ncol >= 1)
		*(int64_t *)arg = num(v[0]);
	return 0;
}

static void fmt_i64(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%" PRId64, v);
}

/* Take a value of a row as an owned string (NULL stays NULL). */
static int take(char **dst, const char *v)
{
	*dst = NULL;
	if (v == NULL)
		return 0;
	*dst = dupg__strdup(v);
	return *dst ? 0 : dupg__error_nomem();
}

/* --- sites ------------------------------------------------------------------ */

int srv_txn_site_add(struct srv_txn *t, const char *id, const char *token_hash, int64_t now)
{
	char at[24];
	const char *p[3];

	fmt_i64(at, now);
	p[0] = id;
	p[1] = token_hash;
	p[2] = at;
	return exec(t, "INSERT INTO sites(id, token_hash, created, statuses) VALUES ($1, $2, $3, 0)",
		    p, 3, NULL, NULL, NULL);
}

int srv_txn_site_token(struct srv_txn *t, char **out, const char *id)
{
	int rc;

	*out = NULL;
	rc = exec(t, "SELECT token_hash FROM sites WHERE id = $1", &id, 1, row_str, out, NULL);
	if (rc == 0 && *out == NULL)
		rc = dupg__error(DUPG_ENOTFOUND, "no site %s", id);
	return rc;
}

int srv_txn_site_of_token(struct srv_txn *t, char **out, const char *token_hash)
{
	int rc;

	*out = NULL;
	rc = exec(t, "SELECT id FROM sites WHERE token_hash = $1", &token_hash, 1, row_str, out, NULL);
	if (rc == 0 && *out == NULL)
		rc = dupg__error(DUPG_ENOTFOUND, "no site holds that token");
	return rc;
}

struct each_ctx {
	int (*fn)(void *arg, const char *id);
	void *arg;
};

static int row_each(void *arg, int ncol, const char *const *v)
{
	struct each_ctx *c = arg;

	return ncol >= 1 && v[0] ? c->fn(c->arg, v[0]) : 0;
}

int srv_txn_site_each(struct srv_txn *t, int (*fn)(void *arg, const char *id), void *arg)
{
	struct each_ctx c = { fn, arg };

	return exec(t, "SELECT id FROM sites ORDER BY id", NULL, 0, row_each, &c, NULL);
}

int srv_txn_site_count(struct srv_txn *t, int64_t *out)
{
	*out = 0;
	return exec(t, "SELECT COUNT(*) FROM sites", NULL, 0, row_int, out, NULL);
}

int srv_txn_site_describe(struct srv_txn *t, const char *id, const char *description,
			  const char *task, int64_t now)
{
	char at[24];
	const char *p[4];
	int64_t changed = 0;
	int rc;

	fmt_i64(at, now);
	p[0] = id;
	p[1] = description;
	p[2] = task;
	p[3] = at;
	rc = exec(t, "UPDATE sites SET description = $2, task = $3, described = $4 WHERE id = $1",
		  p, 4, NULL, NULL, &changed);
	if (rc == 0 && changed == 0)
		rc = dupg__error(DUPG_ENOTFOUND, "no site %s", id);
	return rc;
}

int srv_txn_status_add(struct srv_txn *t, int64_t *seq, const char *id, const char *state,
		       const char *detail, const char *devices, int64_t now)
{
	char at[24], s[24];
	const char *p[5];
	int64_t changed = 0;
	int rc;

	fmt_i64(at, now);
	p[0] = id;
	p[1] = state;
	p[2] = detail;
	p[3] = devices;
	p[4] = at;
	*seq = 0;
	rc = exec(t, "INSERT INTO statuses(site, state, detail, devices, at) VALUES ($1, $2, $3, $4, $5) "
		  "RETURNING seq", p, 5, row_int, seq, NULL);
	if (rc != 0)
		return rc;
	fmt_i64(s, *seq);
	p[1] = s;
	rc = exec(t, "UPDATE sites SET status_seq = $2, statuses = statuses + 1 WHERE id = $1",
		  p, 2, NULL, NULL, &changed);
	if (rc == 0 && changed == 0)
		rc = dupg__error(DUPG_ENOTFOUND, "no site %s", id);
	return rc;
}

static int row_site(void *arg, int ncol, const char *const *v)
{
	struct srv_site_rec *r = arg;
	int rc;

	if (ncol < 11)
		return dupg__error(DUPG_EIO, "site row: %d columns", ncol);
	if ((rc = take(&r->id, v[0])) != 0 || (rc = take(&r->description, v[2])) != 0 ||
	    (rc = take(&r->task, v[3])) != 0 || (rc = take(&r->state, v[6])) != 0 ||
	    (rc = take(&r->detail, v[7])) != 0 || (rc = take(&r->devices, v[8])) != 0)
		return rc;
	r->created = num(v[1]);
	r->described = num(v[4]);
	r->status_seq = num(v[5]);
	r->status_at = num(v[9]);
	r->statuses = num(v[10]);
	return 0;
}

int srv_txn_site_get(struct srv_txn *t, struct srv_site_rec *out, const char *id)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = exec(t, "SELECT s.id, s.created, s.description, s.task, s.described, s.status_seq, "
		  "st.state, st.detail, st.devices, st.at, s.statuses "
		  "FROM sites s LEFT JOIN statuses st ON st.seq = s.status_seq WHERE s.id = $1",
		  &id, 1, row_site, out, NULL);
	if (rc == 0 && out->id == NULL)
		rc = dupg__error(DUPG_ENOTFOUND, "no site %s", id);
	if (rc != 0)
		srv_site_rec_clear(out);
	return rc;
}

void srv_site_rec_clear(struct srv_site_rec *r)
{
	free(r->id);
	free(r->description);
	free(r->task);
	free(r->state);
	free(r->detail);
	free(r->devices);
	memset(r, 0, sizeof(*r));
}

/* --- rollouts --------------------------------------------------------------- */

void srv_rollout_rec_clear(struct srv_rollout_rec *r)
{
	free(r->packages);
	free(r->waves);
	free(r->threshold);
	memset(r, 0, sizeof(*r));
}

void srv_rollout_recs_free(struct srv_rollout_rec *r, size_t n)
{
	size_t i;

	for (i = 0; r != NULL && i < n; i++)
		srv_rollout_rec_clear(&r[i]);
	free(r);
}

int srv_txn_rollout_add(struct srv_txn *t, int64_t *id, const struct srv_rollout_rec *r)
{
	char total[24], open[24], created[24];
	const char *p[7];

	fmt_i64(total, r->total);
	fmt_i64(open, (int64_t)r->status.open);
	fmt_i64(created, r->created);
	p[0] = r->packages;
	p[1] = r->waves;
	p[2] = r->threshold;
	p[3] = total;
	p[4] = dupg_rollout_state_name(r->status.state);
	p[5] = open;
	p[6] = created;
	*id = 0;
	return exec(t, "INSERT INTO rollouts(packages, waves, threshold, total, state, open_waves, "
		    "halted_wave, created) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7) RETURNING id",
		    p, 7, row_int, id, NULL);
}

struct list_ctx {
	struct srv_rollout_rec *recs;
	size_t n, cap;
};

static int row_rollout(void *arg, int ncol, const char *const *v)
{
	struct list_ctx *c = arg;
	struct srv_rollout_rec *r;
	int rc;

	if (ncol < 9)
		return dupg__error(DUPG_EIO, "rollout row: %d columns", ncol);
	if ((rc = dupg__grow_p(&c->recs, &c->cap, c->n + 1, sizeof(*c->recs))) != 0)
		return rc;
	r = &c->recs[c->n++];
	memset(r, 0, sizeof(*r));
	r->id = num(v[0]);
	if ((rc = take(&r->packages, v[1])) != 0 || (rc = take(&r->waves, v[2])) != 0 ||
	    (rc = take(&r->threshold, v[3])) != 0)
		return rc;
	r->total = num(v[4]);
	if (v[5] == NULL || dupg_rollout_state_parse(&r->status.state, v[5]) != 0)
		return dupg__error(DUPG_EIO, "rollout %" PRId64 ": state \"%s\" is unknown", r->id,
				   v[5] ? v[5] : "");
	r->status.open = (size_t)num(v[6]);
	r->status.halted_wave = v[7] ? (size_t)num(v[7]) : DUPG_NONE;
	r->created = num(v[8]);
	return 0;
}

#define ROLLOUT_COLUMNS "id, packages, waves, threshold, total, state, open_waves, halted_wave, created"

int srv_txn_rollout_list(struct srv_txn *t, struct srv_rollout_rec **out, size_t *n,
			 int active_only, int lock)
{
	struct list_ctx c = { NULL, 0, 0 };
	char sql[256];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT " ROLLOUT_COLUMNS " FROM rollouts%s ORDER BY id%s",
		 active_only ? " WHERE state <> 'done'" : "",
		 lock ? t->be->lock_rows : "");
	rc = exec(t, sql, NULL, 0, row_rollout, &c, NULL);
	if (rc != 0) {
		srv_rollout_recs_free(c.recs, c.n);
		c.recs = NULL;
		c.n = 0;
	}
	*out = c.recs;
	*n = c.n;
	return rc;
}

int srv_txn_rollout_get(struct srv_txn *t, struct srv_rollout_rec *out, int64_t id, int lock)
{
	struct list_ctx c = { NULL, 0, 0 };
	char sql[256], ids[24];
	const char *p[1];
	int rc;

	memset(out, 0, sizeof(*out));
	fmt_i64(ids, id);
	p[0] = ids;
	snprintf(sql, sizeof(sql), "SELECT " ROLLOUT_COLUMNS " FROM rollouts WHERE id = $1%s",
		 lock ? t->be->lock_rows : "");
	rc = exec(t, sql, p, 1, row_rollout, &c, NULL);
	if (rc == 0 && c.n == 0)
		rc = dupg__error(DUPG_ENOTFOUND, "no rollout %" PRId64, id);
	if (rc == 0) {
		*out = c.recs[0];
		c.recs[0].packages = c.recs[0].waves = c.recs[0].threshold = NULL;
	}
	srv_rollout_recs_free(c.recs, c.n);
	return rc;
}

int srv_txn_rollout_set_status(struct srv_txn *t, int64_t id, const dupg_rollout_status *st)
{
	char ids[24], open[24], halted[24];
	const char *p[4];

	fmt_i64(ids, id);
	fmt_i64(open, (int64_t)st->open);
	fmt_i64(halted, (int64_t)st->halted_wave);
	p[0] = ids;
	p[1] = dupg_rollout_state_name(st->state);
	p[2] = open;
	p[3] = st->halted_wave == DUPG_NONE ? NULL : halted;
	return exec(t, "UPDATE rollouts SET state = $2, open_waves = $3, halted_wave = $4 WHERE id = $1",
		    p, 4, NULL, NULL, NULL);
}

struct place {
	int found;
	size_t wave;
	dupg_site_state state;
};

static int row_place(void *arg, int ncol, const char *const *v)
{
	struct place *pl = arg;

	if (ncol < 2 || v[1] == NULL || dupg_site_state_parse(&pl->state, v[1]) != 0)
		return dupg__error(DUPG_EIO, "rollout_sites: a row with an unknown state");
	pl->wave = (size_t)num(v[0]);
	pl->found = 1;
	return 0;
}

int srv_txn_rollout_site(struct srv_txn *t, size_t *wave, dupg_site_state *state, int64_t rollout,
			 const char *site)
{
	struct place pl = { 0, 0, DUPG_SITE_PENDING };
	char ids[24];
	const char *p[2];
	int rc;

	fmt_i64(ids, rollout);
	p[0] = ids;
	p[1] = site;
	rc = exec(t, "SELECT wave, state FROM rollout_sites WHERE rollout = $1 AND site = $2",
		  p, 2, row_place, &pl, NULL);
	if (rc == 0 && !pl.found)
		return dupg__error(DUPG_ENOTFOUND, "site %s is not in rollout %" PRId64, site, rollout);
	*wave = pl.wave;
	*state = pl.state;
	return rc;
}

/* Add delta sites to the count of (rollout, wave, state). */
static int count_add(struct srv_txn *t, const char *rollout, const char *wave, dupg_site_state state,
		     int delta)
{
	const char *p[4];

	p[0] = rollout;
	p[1] = wave;
	p[2] = dupg_site_state_name(state);
	p[3] = delta > 0 ? "1" : "-1";
	return exec(t, "INSERT INTO rollout_counts(rollout, wave, state, n) VALUES ($1, $2, $3, $4) "
		    "ON CONFLICT (rollout, wave, state) DO UPDATE SET n = rollout_counts.n + excluded.n",
		    p, 4, NULL, NULL, NULL);
}

int srv_txn_rollout_site_add(struct srv_txn *t, int64_t rollout, const char *site, int64_t rank,
			     size_t wave, dupg_site_state state)
{
	char ids[24], ranks[24], waves[24];
	const char *p[5];
	int rc;

	fmt_i64(ids, rollout);
	fmt_i64(ranks, rank);
	fmt_i64(waves, (int64_t)wave);
	p[0] = ids;
	p[1] = site;
	p[2] = ranks;
	p[3] = waves;
	p[4] = dupg_site_state_name(state);
	rc = exec(t, "INSERT INTO rollout_sites(rollout, site, rank, wave, state) VALUES ($1, $2, $3, $4, $5)",
		  p, 5, NULL, NULL, NULL);
	return rc ? rc : count_add(t, ids, waves, state, 1);
}

int srv_txn_rollout_site_set(struct srv_txn *t, int64_t rollout, const char *site, size_t wave,
			     dupg_site_state from, dupg_site_state to)
{
	char ids[24], waves[24];
	const char *p[4];
	int64_t changed = 0;
	int rc;

	if (from == to)
		return 0;
	fmt_i64(ids, rollout);
	fmt_i64(waves, (int64_t)wave);
	p[0] = ids;
	p[1] = site;
	p[2] = dupg_site_state_name(to);
	p[3] = dupg_site_state_name(from);
	rc = exec(t, "UPDATE rollout_sites SET state = $3 WHERE rollout = $1 AND site = $2 AND state = $4",
		  p, 4, NULL, NULL, &changed);
	if (rc == 0 && changed != 1)
		rc = dupg__error(DUPG_EBUSY, "site %s of rollout %s changed meanwhile", site, ids);
	if (rc == 0)
		rc = count_add(t, ids, waves, from, -1);
	return rc ? rc : count_add(t, ids, waves, to, 1);
}

struct site_each_ctx {
	int (*fn)(void *arg, int64_t rollout, size_t wave, dupg_site_state state);
	void *arg;
};

static int row_site_each(void *arg, int ncol, const char *const *v)
{
	struct site_each_ctx *c = arg;
	dupg_site_state st;

	if (ncol < 3 || v[2] == NULL || dupg_site_state_parse(&st, v[2]) != 0)
		return dupg__error(DUPG_EIO, "rollout_sites: a row with an unknown state");
	return c->fn(c->arg, num(v[0]), (size_t)num(v[1]), st);
}

int srv_txn_rollout_site_each(struct srv_txn *t, const char *site,
			      int (*fn)(void *arg, int64_t rollout, size_t wave, dupg_site_state state),
			      void *arg)
{
	struct site_each_ctx c = { fn, arg };

	return exec(t, "SELECT rollout, wave, state FROM rollout_sites WHERE site = $1 ORDER BY rollout",
		    &site, 1, row_site_each, &c, NULL);
}

struct counts_ctx {
	int (*fn)(void *arg, size_t wave, dupg_site_state state, int64_t n);
	void *arg;
};

static int row_count(void *arg, int ncol, const char *const *v)
{
	struct counts_ctx *c = arg;
	dupg_site_state st;

	if (ncol < 3 || v[1] == NULL || dupg_site_state_parse(&st, v[1]) != 0)
		return dupg__error(DUPG_EIO, "rollout_counts: a row with an unknown state");
	return c->fn(c->arg, (size_t)num(v[0]), st, num(v[2]));
}

int srv_txn_rollout_counts(struct srv_txn *t, int64_t rollout,
			   int (*fn)(void *arg, size_t wave, dupg_site_state state, int64_t n), void *arg)
{
	struct counts_ctx c = { fn, arg };
	char ids[24];
	const char *p[1];

	fmt_i64(ids, rollout);
	p[0] = ids;
	return exec(t, "SELECT wave, state, n FROM rollout_counts WHERE rollout = $1 ORDER BY wave, state",
		    p, 1, row_count, &c, NULL);
}
