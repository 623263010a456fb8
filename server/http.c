/* SPDX-License-Identifier: BSD-2-Clause */
/* libmicrohttpd: the daemon, request bodies, replies, metrics and a graceful stop. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "util/buf.h"
#include "util/error.h"

#define MAX_HEADERS 8

struct srv_http {
	struct MHD_Daemon *d;
	srv_handler fn;
	void *cls;
	size_t max_body;
	char addr[64];
	unsigned port;
	int active; /* requests begun and not completed, atomically */
};

struct srv_request {
	struct srv_http *h;
	struct MHD_Connection *conn;
	const char *method, *url;
	char *body;
	size_t len, cap;
	int too_big, replied;
	uint64_t dropped;
	enum srv_endpoint ep;
	unsigned code;
	double t0, seconds;
	uint64_t file_bytes;
	struct {
		const char *name;
		char *value;
	} hdr[MAX_HEADERS];
	size_t nhdr;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %XX decoded in place, except %00: a NUL would cut a name short, so it stays as written. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r = s, *w = s;

	(void)cls;
	(void)c;
	while (*r) {
		int hi, lo;

		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 && (lo = hexval(r[2])) >= 0 &&
		    (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void request_free(struct srv_request *r)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++)
		free(r->hdr[i].value);
	free(r->body);
	free(r);
}

static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct srv_http *h = cls;
	struct srv_request *r = *req_cls;

	(void)c;
	if (r == NULL)
		return;
	if (r->replied) {
		srv_metrics_request(r->ep, r->code, r->seconds);
		if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
			srv_metrics_bytes(r->file_bytes);
	}
	request_free(r);
	*req_cls = NULL;
	__atomic_fetch_sub(&h->active, 1, __ATOMIC_RELAXED);
}

static void connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
		       enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)c;
	(void)socket_ctx;
	srv_metrics_connection(toe == MHD_CONNECTION_NOTIFY_STARTED);
}

static int queue(struct srv_request *r, unsigned code, struct MHD_Response *resp)
{
	enum MHD_Result ok;
	size_t i;

	if (resp == NULL)
		return MHD_NO;
	for (i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr[i].name, r->hdr[i].value);
	ok = MHD_queue_response(r->conn, code, resp);
	MHD_destroy_response(resp);
	r->replied = 1;
	r->code = code;
	r->seconds = now_s() - r->t0;
	return ok;
}

int srv_reply_body(struct srv_request *r, unsigned code, char *body, const char *ctype)
{
	struct MHD_Response *resp;

	if (body == NULL)
		return srv_reply_error(r, 500, "out of memory", "");
	resp = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	return queue(r, code, resp);
}

int srv_reply_json(struct srv_request *r, unsigned code, char *json)
{
	return srv_reply_body(r, code, json, "application/json");
}

int srv_reply_error(struct srv_request *r, unsigned code, const char *error, const char *detail)
{
	json_object *o = json_object_new_object();
	char *text;

	json_object_object_add(o, "error", json_object_new_string(error));
	json_object_object_add(o, "detail", json_object_new_string(detail ? detail : ""));
	text = dupg__strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return srv_reply_json(r, code, text);
}

int srv_reply_file(struct srv_request *r, unsigned code, int fd, uint64_t off, uint64_t len,
		   const char *ctype)
{
	struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(len, fd, (int64_t)off);

	if (resp == NULL) {
		close(fd);
		return srv_reply_error(r, 500, "cannot serve the file", "");
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	r->file_bytes = strcmp(r->method, MHD_HTTP_METHOD_HEAD) == 0 ? 0 : len;
	return queue(r, code, resp);
}

int srv_reply_empty(struct srv_request *r, unsigned code)
{
	return queue(r, code, MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT));
}

const char *srv_req_method(const struct srv_request *r)
{
	return r->method;
}

const char *srv_req_url(const struct srv_request *r)
{
	return r->url;
}

const char *srv_req_body(const struct srv_request *r, size_t *len)
{
	*len = r->len;
	return r->body ? r->body : "";
}

const char *srv_req_header(struct srv_request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void srv_req_endpoint(struct srv_request *r, enum srv_endpoint ep)
{
	r->ep = ep;
}

void srv_req_add_header(struct srv_request *r, const char *name, const char *value)
{
	if (r->nhdr == MAX_HEADERS)
		return;
	r->hdr[r->nhdr].name = name;
	r->hdr[r->nhdr].value = dupg__strdup(value);
	if (r->hdr[r->nhdr].value != NULL)
		r->nhdr++;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
				      const char *method, const char *version, const char *upload,
				      size_t *upload_size, void **req_cls)
{
	struct srv_http *h = cls;
	struct srv_request *r = *req_cls;

	(void)version;
	if (r == NULL) {
		const char *cl;

		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return MHD_NO;
		r->h = h;
		r->conn = conn;
		r->t0 = now_s();
		r->ep = SRV_EP_OTHER;
		*req_cls = r;
		__atomic_fetch_add(&h->active, 1, __ATOMIC_RELAXED);
		r->method = method;
		r->url = url;
		/* a declared body over the cap is refused before it is read */
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && strtoull(cl, NULL, 10) > h->max_body)
			r->too_big = 1;
		else if (strcmp(method, MHD_HTTP_METHOD_POST) == 0 || strcmp(method, MHD_HTTP_METHOD_PUT) == 0)
			return MHD_YES;
	}
	r->method = method;
	r->url = url;
	if (*upload_size > 0) {
		if (!r->too_big && r->len + *upload_size > h->max_body)
			r->too_big = 1;
		if (!r->too_big) {
			if (dupg__grow_p(&r->body, &r->cap, r->len + *upload_size + 1, 1) != 0)
				return MHD_NO;
			memcpy(r->body + r->len, upload, *upload_size);
			r->len += *upload_size;
			r->body[r->len] = '\0';
		} else {
			/*
			 * libmicrohttpd answers only once the body is in: an oversized
			 * one is read and dropped, up to a bound past which the
			 * connection is simply closed
			 */
			r->dropped += *upload_size;
			if (r->dropped > 16 * h->max_body + (16u << 20))
				return MHD_NO;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->replied)
		return MHD_YES;
	if (r->too_big) {
		char detail[96];

		snprintf(detail, sizeof(detail), "a request body may hold at most %zu bytes", h->max_body);
		srv_req_add_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
		return (enum MHD_Result)srv_reply_error(r, 413, "body too large", detail);
	}
	return (enum MHD_Result)h->fn(h->cls, r);
}

/* "ADDR:PORT" or "[ADDR6]:PORT" into a socket address. */
static int parse_listen(struct sockaddr_storage *ss, int *v6, char addr[64], unsigned *port,
			const char *listen)
{
	const char *colon = strrchr(listen, ':');
	size_t n;
	char *end;
	unsigned long p;

	if (colon == NULL)
		return dupg__error(DUPG_EINVAL, "--listen %s: expected ADDR:PORT", listen);
	p = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || p > 65535)
		return dupg__error(DUPG_EINVAL, "--listen %s: the port must be 0 to 65535", listen);
	n = (size_t)(colon - listen);
	if (n >= 2 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n == 0 || n >= 64)
		return dupg__error(DUPG_EINVAL, "--listen %s: expected ADDR:PORT", listen);
	memcpy(addr, listen, n);
	addr[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	*port = (unsigned)p;
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)p);
		*v6 = 0;
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)p);
		*v6 = 1;
		return 0;
	}
	return dupg__error(DUPG_EINVAL, "--listen %s: \"%s\" is not an IPv4 or IPv6 address", listen, addr);
}

int srv_http_start(struct srv_http **out, const struct srv_http_options *o, srv_handler fn, void *cls)
{
	struct srv_http *h;
	struct sockaddr_storage ss;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	int v6 = 0, rc, tls = o->tls_cert_pem && o->tls_key_pem;

	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return dupg__error_nomem();
	if ((rc = parse_listen(&ss, &v6, h->addr, &h->port, o->listen)) != 0) {
		free(h);
		return rc;
	}
	h->fn = fn;
	h->cls = cls;
	h->max_body = o->max_body;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (tls) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			free(h);
			return dupg__error(DUPG_EUNSUPPORTED, "this libmicrohttpd has no TLS");
		}
		flags |= MHD_USE_TLS;
	}
	h->d = MHD_start_daemon(flags, (uint16_t)h->port, NULL, NULL, access_handler, h,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(o->threads ? o->threads : 1),
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)o->timeout_s,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)o->max_connections,
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)4096,
				MHD_OPTION_NOTIFY_COMPLETED, completed, h,
				MHD_OPTION_NOTIFY_CONNECTION, connection, h,
				MHD_OPTION_UNESCAPE_CALLBACK, unescape, h,
				tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, o->tls_cert_pem,
				MHD_OPTION_HTTPS_MEM_KEY, o->tls_key_pem,
				MHD_OPTION_END);
	if (h->d == NULL) {
		rc = dupg__error_sys(errno ? errno : EINVAL, "cannot listen on %s", o->listen);
		free(h);
		return rc;
	}
	info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	if (info != NULL)
		h->port = info->port;
	*out = h;
	return 0;
}

const char *srv_http_address(const struct srv_http *h)
{
	return h->addr;
}

unsigned srv_http_port(const struct srv_http *h)
{
	return h->port;
}

void srv_http_stop(struct srv_http *h, unsigned grace_s)
{
	MHD_socket fd;
	double until = now_s() + grace_s;

	if (h == NULL)
		return;
	fd = MHD_quiesce_daemon(h->d);
	/* requests in flight finish; idle keep-alive connections do not count */
	while (__atomic_load_n(&h->active, __ATOMIC_RELAXED) > 0 && now_s() < until) {
		struct timespec ts = { 0, 20000000 };

		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(h->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	free(h);
}
