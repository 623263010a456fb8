/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The API: each route of the contract to its service call, with its
 * status codes. GET /v1/versions, GET /metrics and the package files need no
 * token; every per-site call needs the site's own (Authorization: Bearer).
 */
#ifndef DUPG_SERVER_API_H
#define DUPG_SERVER_API_H

#include "http.h"
#include "store.h"

struct srv_api {
	struct srv_store *store;
};

/* The handler srv_http_start() is given, cls being a struct srv_api. */
int srv_api_handle(void *cls, struct srv_request *r);

#endif
