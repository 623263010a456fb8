/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTTP glue over libmicrohttpd: a daemon with a thread pool, each thread
 * its own epoll loop; a request's body gathered up to a cap (413 past it);
 * one call to the handler per complete request; replies as JSON, errors
 * ({"error", "detail"}) or files (sendfile where the platform allows);
 * metrics on every request; a stop that lets requests in flight finish.
 */
#ifndef DUPG_SERVER_HTTP_H
#define DUPG_SERVER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

struct srv_http;
struct srv_request;

/* Answer r with one srv_reply_* call; return what it returned. */
typedef int (*srv_handler)(void *cls, struct srv_request *r);

struct srv_http_options {
	const char *listen;        /* "ADDR:PORT" or "[ADDR6]:PORT"; port 0 picks a free one */
	unsigned threads;          /* polling threads (thread pool) */
	unsigned timeout_s;        /* an idle connection is closed after this */
	size_t max_body;           /* a body over this is 413 */
	unsigned max_connections;
	const char *tls_cert_pem;  /* both set: HTTPS through GnuTLS */
	const char *tls_key_pem;
};

int srv_http_start(struct srv_http **out, const struct srv_http_options *o, srv_handler fn,
		   void *cls);
/* The address and port it listens on ("127.0.0.1", 43121), for the line scripts wait for. */
const char *srv_http_address(const struct srv_http *h);
unsigned srv_http_port(const struct srv_http *h);
/* Stop accepting, let requests in flight finish (grace_s at most), close everything. */
void srv_http_stop(struct srv_http *h, unsigned grace_s);

const char *srv_req_method(const struct srv_request *r);
const char *srv_req_url(const struct srv_request *r);
const char *srv_req_body(const struct srv_request *r, size_t *len);
/* A request header, or NULL. */
const char *srv_req_header(struct srv_request *r, const char *name);
/* Which endpoint the request is, for the metrics. */
void srv_req_endpoint(struct srv_request *r, enum srv_endpoint ep);
/* Add a header to the reply about to be made (name static, value copied). */
void srv_req_add_header(struct srv_request *r, const char *name, const char *value);

/* Reply with body of type ctype (body is taken and freed). */
int srv_reply_body(struct srv_request *r, unsigned code, char *body, const char *ctype);
/* Reply with JSON (json is taken and freed). */
int srv_reply_json(struct srv_request *r, unsigned code, char *json);
/* Reply {"error": error, "detail": detail}. */
int srv_reply_error(struct srv_request *r, unsigned code, const char *error, const char *detail);
/* Reply with len bytes of fd from off (fd is taken and closed); counted as package bytes. */
int srv_reply_file(struct srv_request *r, unsigned code, int fd, uint64_t off, uint64_t len,
		   const char *ctype);
/* Reply with no body (304, and 416 with its headers). */
int srv_reply_empty(struct srv_request *r, unsigned code);

#endif
