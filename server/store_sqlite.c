/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SQLite back end: one file in WAL mode (readers never wait for the
 * writer), every commit synced (synchronous=FULL: an acknowledged status is
 * on disk), prepared statements kept per connection.
 */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"

#define STMT_CACHE 48

struct sq_conn {
	sqlite3 *db;
	char *file;
	struct {
		uint64_t hash;
		char *sql;
		sqlite3_stmt *stmt;
	} cache[STMT_CACHE];
	size_t ncache;
	int lazy; /* synchronous=NORMAL now, else FULL */
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta(key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;"
	"CREATE TABLE IF NOT EXISTS sites(id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	" created INTEGER NOT NULL, description TEXT, task TEXT, described INTEGER,"
	" status_seq INTEGER, statuses INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS statuses(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" site TEXT NOT NULL, state TEXT NOT NULL, detail TEXT, devices TEXT, at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS statuses_site ON statuses(site, seq);"
	"CREATE TABLE IF NOT EXISTS rollouts(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" packages TEXT NOT NULL, waves TEXT NOT NULL, threshold TEXT NOT NULL,"
	" total INTEGER NOT NULL, state TEXT NOT NULL, open_waves INTEGER NOT NULL,"
	" halted_wave INTEGER, created INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS rollout_sites(rollout INTEGER NOT NULL, site TEXT NOT NULL,"
	" rank INTEGER NOT NULL, wave INTEGER NOT NULL, state TEXT NOT NULL,"
	" PRIMARY KEY (rollout, site));"
	"CREATE INDEX IF NOT EXISTS rollout_sites_site ON rollout_sites(site);"
	"CREATE TABLE IF NOT EXISTS rollout_counts(rollout INTEGER NOT NULL, wave INTEGER NOT NULL,"
	" state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (rollout, wave, state));";

static int sq_error(struct sq_conn *c, int rc, const char *what)
{
	int code = DUPG_EIO;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		code = DUPG_EEXISTS;
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		code = DUPG_EBUSY;
		break;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		code = DUPG_EFORMAT;
		break;
	case SQLITE_NOMEM:
		return dupg__error_nomem();
	default:
		break;
	}
	return dupg__error(code, "%s: %s: %s", c->file, what,
			   c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
}

/* Run statements that return nothing the caller needs. */
static int sq_script(struct sq_conn *c, const char *sql)
{
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sq_error(c, rc, "sqlite");
}

static int one_text(void *arg, int ncol, char **vals, char **names)
{
	char *out = arg;

	(void)names;
	if (ncol >= 1 && vals[0] != NULL)
		snprintf(out, 64, "%s", vals[0]);
	return 0;
}

static void sq_disconnect(void *conn)
{
	struct sq_conn *c = conn;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ncache; i++) {
		sqlite3_finalize(c->cache[i].stmt);
		free(c->cache[i].sql);
	}
	sqlite3_close(c->db);
	free(c->file);
	free(c);
}

/* The checks a database file gets before the server trusts it. */
static int sq_check(struct sq_conn *c)
{
	char mode[64] = "", ok[64] = "";
	int rc;

	rc = sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", one_text, mode, NULL);
	if (rc != SQLITE_OK)
		return dupg__error(rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? DUPG_EFORMAT : DUPG_EIO,
				   "%s: not a usable SQLite database: %s", c->file, sqlite3_errmsg(c->db));
	if (strcmp(mode, "wal") != 0)
		return dupg__error(DUPG_EIO, "%s: WAL mode refused (journal mode is \"%s\")", c->file, mode);
	rc = sqlite3_exec(c->db, "PRAGMA quick_check", one_text, ok, NULL);
	if (rc != SQLITE_OK || strcmp(ok, "ok") != 0)
		return dupg__error(DUPG_EFORMAT, "%s: the database is corrupt: %s", c->file,
				   rc != SQLITE_OK ? sqlite3_errmsg(c->db) : ok);
	return 0;
}

static int sq_connect(void **out, const char *spec, int first)
{
	struct sq_conn *c;
	int rc;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->file = dupg__strdup(spec)) == NULL) {
		free(c);
		return dupg__error_nomem();
	}
	rc = sqlite3_open_v2(spec, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = sq_error(c, rc, "cannot open the database");
		sq_disconnect(c);
		return rc;
	}
	sqlite3_extended_result_codes(c->db, 1);
	/* another process (dupg-server rollout ...) may hold the write lock a moment */
	sqlite3_busy_timeout(c->db, 10000);
	if ((first && (rc = sq_check(c)) != 0) ||
	    (rc = sq_script(c, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF")) != 0 ||
	    (first && (rc = sq_script(c, "BEGIN IMMEDIATE")) != 0)) {
		sq_disconnect(c);
		return rc;
	}
	if (first) {
		rc = sq_script(c, schema);
		if (rc == 0)
			rc = sq_script(c, "COMMIT");
		else
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		if (rc != 0) {
			sq_disconnect(c);
			return dupg__error_prefix(rc, "%s: making the schema", spec);
		}
	}
	*out = c;
	return 0;
}

static int sq_prepare(struct sq_conn *c, const char *sql, sqlite3_stmt **out)
{
	uint64_t h = dupg__strmap_hash(sql);
	size_t i;
	int rc;

	for (i = 0; i < c->ncache; i++) {
		if (c->cache[i].hash == h && strcmp(c->cache[i].sql, sql) == 0) {
			*out = c->cache[i].stmt;
			return 0;
		}
	}
	rc = sqlite3_prepare_v2(c->db, sql, -1, out, NULL);
	if (rc != SQLITE_OK)
		return sq_error(c, rc, sql);
	if (c->ncache == STMT_CACHE) {
		/* full: start the cache again; statements are few and fixed, so this is rare */
		for (i = 0; i < c->ncache; i++) {
			sqlite3_finalize(c->cache[i].stmt);
			free(c->cache[i].sql);
		}
		c->ncache = 0;
	}
	c->cache[c->ncache].sql = dupg__strdup(sql);
	if (c->cache[c->ncache].sql == NULL) {
		sqlite3_finalize(*out);
		return dupg__error_nomem();
	}
	c->cache[c->ncache].hash = h;
	c->cache[c->ncache].stmt = *out;
	c->ncache++;
	return 0;
}

static int sq_exec(void *conn, const char *sql, const char *const *params, int n, srv_row_fn row,
		   void *arg, int64_t *changes)
{
	struct sq_conn *c = conn;
	sqlite3_stmt *st;
	const char *vals[16];
	int rc, i, ncol, stop = 0;

	if ((rc = sq_prepare(c, sql, &st)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		char name[16];
		int idx;

		/* by name: $2 may come before $1 in the text */
		snprintf(name, sizeof(name), "$%d", i + 1);
		idx = sqlite3_bind_parameter_index(st, name);
		if (idx == 0)
			continue;
		rc = params[i] ? sqlite3_bind_text(st, idx, params[i], -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, idx);
		if (rc != SQLITE_OK) {
			sqlite3_reset(st);
			return sq_error(c, rc, "binding");
		}
	}
	ncol = sqlite3_column_count(st);
	if (ncol > 16)
		ncol = 16;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (row == NULL || stop)
			continue;
		for (i = 0; i < ncol; i++)
			vals[i] = (const char *)sqlite3_column_text(st, i);
		stop = row(arg, ncol, vals);
	}
	if (rc != SQLITE_DONE) {
		rc = sq_error(c, rc, "sqlite");
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return rc;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(c->db);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return stop;
}

static int sq_begin(void *conn, int mode)
{
	struct sq_conn *c = conn;
	int rc;

	/* the setting holds for the connection: change it only when the mode does */
	if (mode != SRV_TXN_READ && c->lazy != (mode == SRV_TXN_LAZY)) {
		rc = sq_script(c, mode == SRV_TXN_LAZY ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
		if (rc != 0)
			return rc;
		c->lazy = mode == SRV_TXN_LAZY;
	}
	/* a writer takes the lock at once: no deadlock between two readers turning writers */
	return sq_script(c, mode != SRV_TXN_READ ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_commit(void *conn)
{
	struct sq_conn *c = conn;
	int rc = sq_script(c, "COMMIT");

	if (rc != 0)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static void sq_rollback(void *conn)
{
	sqlite3_exec(((struct sq_conn *)conn)->db, "ROLLBACK", NULL, NULL, NULL);
}

const struct srv_backend srv_sqlite_backend = {
	"sqlite", "", 1, sq_connect, sq_disconnect, sq_exec, sq_begin, sq_commit, sq_rollback
};
