/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a storage back end gives the store (store.c): connections that run
 * one SQL text with text parameters and hand back rows as text. The SQL is
 * written once, in the dialect both SQLite and PostgreSQL read ($1, $2, ...
 * numbered in order of first use; ON CONFLICT; RETURNING); only the schema
 * and the row lock differ, and each back end says its own.
 */
#ifndef DUPG_SERVER_STORE_INTERNAL_H
#define DUPG_SERVER_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* A row: ncol values, NULL for SQL NULL. Non-zero stops the statement and is returned. */
typedef int (*srv_row_fn)(void *arg, int ncol, const char *const *vals);

enum srv_txn_mode {
	SRV_TXN_READ = 0,
	SRV_TXN_DURABLE = 1, /* committed means on disk */
	SRV_TXN_LAZY = 2     /* committed means it survives the server's crash, not the machine's */
};

struct srv_backend {
	const char *kind;       /* "sqlite" or "postgresql" */
	const char *lock_rows;  /* appended to a SELECT that locks the rows it reads ("" or " FOR UPDATE") */
	int serial_writes;      /* one writer at a time in this process (SQLite's single writer) */
	/* Connect to spec; check or create the schema when first is set. */
	int (*connect)(void **conn, const char *spec, int first);
	void (*disconnect)(void *conn);
	/*
	 * Run sql with n text parameters (NULL for SQL NULL). Rows go to row;
	 * *changes (may be NULL) receives the rows changed. 0, DUPG_EEXISTS
	 * (a unique key), DUPG_EBUSY (try the transaction again) or DUPG_EIO.
	 */
	int (*exec)(void *conn, const char *sql, const char *const *params, int n, srv_row_fn row,
		    void *arg, int64_t *changes);
	/* Transactions of a mode (srv_txn_mode): read-only, durable or lazy writes. */
	int (*begin)(void *conn, int mode);
	int (*commit)(void *conn);
	void (*rollback)(void *conn);
};

extern const struct srv_backend srv_sqlite_backend;
extern const struct srv_backend srv_pg_backend;

#endif
