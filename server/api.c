/* SPDX-License-Identifier: BSD-2-Clause */
/* Routes, methods, tokens and status codes; the work is service.c's. */
#include "config.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "files.h"
#include "index.h"
#include "metrics.h"
#include "service.h"
#include "util/buf.h"
#include "util/error.h"

static int is(const char *method, const char *want)
{
	return strcmp(method, want) == 0;
}

static int not_allowed(struct srv_request *r, const char *allow)
{
	srv_req_add_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	return srv_reply_error(r, 405, "method not allowed", allow);
}

/* A service error as its status code, the message as the detail. */
static int failed(struct srv_request *r, int rc)
{
	const char *msg = dupg__error_msg();

	switch (rc) {
	case DUPG_EINVAL:
		return srv_reply_error(r, 400, "invalid request", msg);
	case DUPG_EFORMAT:
		return srv_reply_error(r, 400, strstr(msg, "invalid JSON") ? "invalid JSON" : "invalid request", msg);
	case DUPG_ENOTFOUND:
		return srv_reply_error(r, 404, "not found", msg);
	case DUPG_EEXISTS:
		return srv_reply_error(r, 409, "conflict", msg);
	case DUPG_EBUSY:
		srv_req_add_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
		return srv_reply_error(r, 503, "busy", msg);
	default:
		return srv_reply_error(r, 500, "server error", msg);
	}
}

/* The token of "Authorization: Bearer TOKEN", or NULL. */
static const char *bearer(struct srv_request *r)
{
	const char *h = srv_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

/* 0 when the request holds site's own token; else the reply is made and its result is in *sent. */
static int authorized(struct srv_request *r, struct srv_api *api, const char *site, int *sent)
{
	const char *token = bearer(r);
	int verdict = 401, rc;

	if (token == NULL) {
		srv_req_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"dupg\"");
		*sent = srv_reply_error(r, 401, "unauthorized", "Authorization: Bearer TOKEN is required");
		return -1;
	}
	if ((rc = srv_authorize(&verdict, api->store, site, token)) != 0) {
		*sent = failed(r, rc);
		return -1;
	}
	switch (verdict) {
	case 0:
		return 0;
	case 404:
		*sent = srv_reply_error(r, 404, "not found", "no such site");
		return -1;
	case 403:
		*sent = srv_reply_error(r, 403, "forbidden", "the token is another site's");
		return -1;
	default:
		srv_req_add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
				   "Bearer realm=\"dupg\", error=\"invalid_token\"");
		*sent = srv_reply_error(r, 401, "unauthorized", "the token is not valid");
		return -1;
	}
}

static int site_route(struct srv_request *r, struct srv_api *api, const char *rest)
{
	const char *method = srv_req_method(r), *slash = strchr(rest, '/'), *action = slash ? slash + 1 : "";
	char site[SRV_SITE_ID_MAX + 1];
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest), len;
	const char *body;
	char *out = NULL;
	int rc, sent = 0;

	if (*action == '\0' && slash == NULL) {
		srv_req_endpoint(r, SRV_EP_SITE);
	} else if (strcmp(action, "description") == 0) {
		srv_req_endpoint(r, SRV_EP_DESCRIPTION);
	} else if (strcmp(action, "status") == 0) {
		srv_req_endpoint(r, SRV_EP_STATUS);
	} else {
		return srv_reply_error(r, 404, "not found", "no such resource");
	}
	if (n == 0 || n > SRV_SITE_ID_MAX)
		return srv_reply_error(r, 404, "not found", "no such site");
	memcpy(site, rest, n);
	site[n] = '\0';
	if (!srv_site_id_valid(site))
		return srv_reply_error(r, 404, "not found", "no such site");
	if (slash == NULL && !is(method, MHD_HTTP_METHOD_GET) && !is(method, MHD_HTTP_METHOD_HEAD))
		return not_allowed(r, "GET, HEAD");
	if (slash != NULL && !is(method, MHD_HTTP_METHOD_POST))
		return not_allowed(r, "POST");
	if (authorized(r, api, site, &sent) != 0)
		return sent;
	body = srv_req_body(r, &len);
	if (slash == NULL) {
		rc = srv_site_json(&out, api->store, site);
	} else if (strcmp(action, "status") == 0) {
		rc = srv_status(&out, api->store, site, body, len);
	} else {
		struct srv_index *idx = srv_index_current();

		rc = srv_describe(&out, api->store, idx, site, body, len);
		srv_index_unref(idx);
	}
	return rc ? failed(r, rc) : srv_reply_json(r, 200, out);
}

static int rollout_route(struct srv_request *r, struct srv_api *api, const char *rest)
{
	char *out = NULL, *end;
	long long id;
	int rc;

	srv_req_endpoint(r, SRV_EP_ROLLOUT);
	if (!is(srv_req_method(r), MHD_HTTP_METHOD_GET) && !is(srv_req_method(r), MHD_HTTP_METHOD_HEAD))
		return not_allowed(r, "GET, HEAD");
	if (rest == NULL) {
		rc = srv_rollout_list_json(&out, api->store);
	} else {
		id = strtoll(rest, &end, 10);
		if (*rest < '0' || *rest > '9' || *end != '\0' || id <= 0)
			return srv_reply_error(r, 404, "not found", "no such rollout");
		rc = srv_rollout_json(&out, api->store, id);
	}
	return rc ? failed(r, rc) : srv_reply_json(r, 200, out);
}

int srv_api_handle(void *cls, struct srv_request *r)
{
	struct srv_api *api = cls;
	const char *url = srv_req_url(r), *method = srv_req_method(r);
	int get = is(method, MHD_HTTP_METHOD_GET) || is(method, MHD_HTTP_METHOD_HEAD);

	if (strncmp(url, "/v1/packages/", 13) == 0) {
		struct srv_index *idx;
		int rc;

		srv_req_endpoint(r, SRV_EP_PACKAGE);
		if (!get)
			return not_allowed(r, "GET, HEAD");
		idx = srv_index_current();
		rc = srv_serve_package(r, idx, url + 13);
		srv_index_unref(idx);
		return rc;
	}
	if (strcmp(url, "/v1/versions") == 0) {
		struct srv_index *idx;
		char *text;

		srv_req_endpoint(r, SRV_EP_VERSIONS);
		if (!get)
			return not_allowed(r, "GET, HEAD");
		idx = srv_index_current();
		text = dupg__strdup(srv_index_versions(idx));
		srv_index_unref(idx);
		return srv_reply_json(r, 200, text);
	}
	if (strcmp(url, "/v1/sites") == 0) {
		const char *body;
		char *out = NULL;
		size_t len;
		int rc;

		srv_req_endpoint(r, SRV_EP_REGISTER);
		if (!is(method, MHD_HTTP_METHOD_POST))
			return not_allowed(r, "POST");
		body = srv_req_body(r, &len);
		if ((rc = srv_register(&out, api->store, body, len)) != 0)
			return failed(r, rc);
		srv_metrics_registered();
		return srv_reply_json(r, 201, out);
	}
	if (strncmp(url, "/v1/sites/", 10) == 0)
		return site_route(r, api, url + 10);
	if (strcmp(url, "/v1/rollouts") == 0)
		return rollout_route(r, api, NULL);
	if (strncmp(url, "/v1/rollouts/", 13) == 0)
		return rollout_route(r, api, url + 13);
	if (strcmp(url, "/v1/health") == 0) {
		/* for load balancers' probes: no database, no work */
		srv_req_endpoint(r, SRV_EP_HEALTH);
		if (!get)
			return not_allowed(r, "GET, HEAD");
		return srv_reply_json(r, 200, dupg__strdup("{\"ok\":true}"));
	}
	if (strcmp(url, "/metrics") == 0) {
		srv_req_endpoint(r, SRV_EP_METRICS);
		if (!get)
			return not_allowed(r, "GET, HEAD");
		return srv_reply_body(r, 200, srv_metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
	}
	return srv_reply_error(r, 404, "not found", "no such resource");
}
