/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PostgreSQL back end (libpq): several servers on one database. Rows
 * that decide a rollout are locked FOR UPDATE, so two servers deciding on one
 * rollout take turns; a serialization failure or deadlock is DUPG_EBUSY and
 * the store runs the transaction again.
 */
#include "config.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "util/buf.h"
#include "util/error.h"

static const char schema[] =
	/* two servers starting at once must not both make the tables */
	"SELECT pg_advisory_xact_lock(7236504);"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT INTO meta(key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;"
	"CREATE TABLE IF NOT EXISTS sites(id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
	" created BIGINT NOT NULL, description TEXT, task TEXT, described BIGINT,"
	" status_seq BIGINT, statuses BIGINT NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS statuses(seq BIGSERIAL PRIMARY KEY,"
	" site TEXT NOT NULL, state TEXT NOT NULL, detail TEXT, devices TEXT, at BIGINT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS statuses_site ON statuses(site, seq);"
	"CREATE TABLE IF NOT EXISTS rollouts(id BIGSERIAL PRIMARY KEY,"
	" packages TEXT NOT NULL, waves TEXT NOT NULL, threshold TEXT NOT NULL,"
	" total BIGINT NOT NULL, state TEXT NOT NULL, open_waves BIGINT NOT NULL,"
	" halted_wave BIGINT, created BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS rollout_sites(rollout BIGINT NOT NULL, site TEXT NOT NULL,"
	" rank BIGINT NOT NULL, wave BIGINT NOT NULL, state TEXT NOT NULL,"
	" PRIMARY KEY (rollout, site));"
	"CREATE INDEX IF NOT EXISTS rollout_sites_site ON rollout_sites(site);"
	"CREATE TABLE IF NOT EXISTS rollout_counts(rollout BIGINT NOT NULL, wave BIGINT NOT NULL,"
	" state TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (rollout, wave, state));";

static int pg_error(PGconn *db, PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db);
	char text[512];
	size_t n;
	int code = DUPG_EIO;

	snprintf(text, sizeof(text), "%s", msg && *msg ? msg : "unknown error");
	n = strlen(text);
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	if (state != NULL) {
		if (strcmp(state, "23505") == 0)
			code = DUPG_EEXISTS;
		else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
			code = DUPG_EBUSY;
		else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0 ||
			 strncmp(state, "42", 2) == 0)
			/* the server's own statement or data was refused: not a broken connection */
			code = DUPG_ERROR;
	}
	return dupg__error(code, "postgresql: %s: %s", what, text);
}

static int pg_script(PGconn *db, const char *sql)
{
	PGresult *res = PQexec(db, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = pg_error(db, res, "sql");
	PQclear(res);
	return rc;
}

static void pg_disconnect(void *conn)
{
	if (conn != NULL)
		PQfinish(conn);
}

static int pg_connect(void **out, const char *spec, int first)
{
	PGconn *db = PQconnectdb(spec);
	int rc;

	*out = NULL;
	if (db == NULL)
		return dupg__error_nomem();
	if (PQstatus(db) != CONNECTION_OK) {
		rc = pg_error(db, NULL, "cannot connect");
		PQfinish(db);
		return rc;
	}
	if ((rc = pg_script(db, "SET client_min_messages = warning")) != 0) {
		PQfinish(db);
		return rc;
	}
	if (first) {
		rc = pg_script(db, "BEGIN");
		if (rc == 0)
			rc = pg_script(db, schema);
		if (rc == 0)
			rc = pg_script(db, "COMMIT");
		if (rc != 0) {
			rc = dupg__error_prefix(rc, "making the schema");
			PQfinish(db);
			return rc;
		}
	}
	*out = db;
	return 0;
}

static int pg_exec(void *conn, const char *sql, const char *const *params, int n, srv_row_fn row,
		   void *arg, int64_t *changes)
{
	PGconn *db = conn;
	PGresult *res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st == PGRES_TUPLES_OK && row != NULL) {
		int r, i, ncol = PQnfields(res), nrow = PQntuples(res);
		const char *vals[16];

		if (ncol > 16)
			ncol = 16;
		for (r = 0; r < nrow && rc == 0; r++) {
			for (i = 0; i < ncol; i++)
				vals[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
			rc = row(arg, ncol, vals);
		}
	} else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_error(db, res, "sql");
	}
	if (rc == 0 && changes != NULL)
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return rc;
}

static int pg_begin(void *conn, int mode)
{
	if (mode == SRV_TXN_LAZY)
		return pg_script(conn, "BEGIN; SET LOCAL synchronous_commit TO off");
	return pg_script(conn, mode == SRV_TXN_DURABLE ? "BEGIN" : "BEGIN READ ONLY");
}

static int pg_commit(void *conn)
{
	int rc = pg_script(conn, "COMMIT");

	if (rc != 0)
		pg_script(conn, "ROLLBACK");
	return rc;
}

static void pg_rollback(void *conn)
{
	pg_script(conn, "ROLLBACK");
}

const struct srv_backend srv_pg_backend = {
	"postgresql", " FOR UPDATE", 0, pg_connect, pg_disconnect, pg_exec, pg_begin, pg_commit,
	pg_rollback
};
