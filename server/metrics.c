/* SPDX-License-Identifier: BSD-2-Clause */
/* Counters and their Prometheus text. */
#include "config.h"

#include <stdlib.h>

#include "metrics.h"
#include "util/buf.h"

static const unsigned codes[] = { 200, 201, 206, 304, 400, 401, 403, 404, 405, 409, 413, 416, 500, 503 };
#define NCODES (sizeof(codes) / sizeof(codes[0]))
static const double bounds[] = { 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

static const char *const names[SRV_EP_COUNT] = {
	"register", "site", "description", "status", "package", "versions", "rollout", "metrics", "health",
	"other"
};

static struct {
	uint64_t requests[SRV_EP_COUNT][NCODES + 1]; /* the last: any other code */
	uint64_t buckets[SRV_EP_COUNT][NBOUNDS + 1];
	uint64_t micros[SRV_EP_COUNT];
	uint64_t bytes, conns_open, conns_total, registered, reloads, reload_failures;
	uint64_t packages, left_out;
} m;

#define ADD(x, n) __atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)
#define GET(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

const char *srv_endpoint_name(enum srv_endpoint ep)
{
	return ep < SRV_EP_COUNT ? names[ep] : "other";
}

void srv_metrics_request(enum srv_endpoint ep, unsigned code, double seconds)
{
	size_t c, b;

	if (ep >= SRV_EP_COUNT)
		ep = SRV_EP_OTHER;
	for (c = 0; c < NCODES && codes[c] != code; c++)
		;
	ADD(m.requests[ep][c], 1);
	for (b = 0; b < NBOUNDS && seconds > bounds[b]; b++)
		;
	ADD(m.buckets[ep][b], 1);
	ADD(m.micros[ep], (uint64_t)(seconds * 1e6));
}

void srv_metrics_bytes(uint64_t n)
{
	ADD(m.bytes, n);
}

void srv_metrics_connection(int opened)
{
	if (opened) {
		ADD(m.conns_open, 1);
		ADD(m.conns_total, 1);
	} else {
		__atomic_fetch_sub(&m.conns_open, 1, __ATOMIC_RELAXED);
	}
}

void srv_metrics_registered(void)
{
	ADD(m.registered, 1);
}

void srv_metrics_reload(int ok, uint64_t packages, uint64_t left_out)
{
	if (!ok) {
		ADD(m.reload_failures, 1);
		return;
	}
	ADD(m.reloads, 1);
	__atomic_store_n(&m.packages, packages, __ATOMIC_RELAXED);
	__atomic_store_n(&m.left_out, left_out, __ATOMIC_RELAXED);
}

static void head(dupg_buf *b, const char *name, const char *type, const char *help)
{
	dupg__buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

char *srv_metrics_text(void)
{
	dupg_buf b = { NULL, 0, 0, 0 };
	char *out = NULL;
	size_t e, c, k;

	head(&b, "dupg_http_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
	for (e = 0; e < SRV_EP_COUNT; e++) {
		for (c = 0; c <= NCODES; c++) {
			uint64_t v = GET(m.requests[e][c]);

			if (v == 0)
				continue;
			if (c < NCODES)
				dupg__buf_printf(&b, "dupg_http_requests_total{endpoint=\"%s\",code=\"%u\"} %llu\n",
						 names[e], codes[c], (unsigned long long)v);
			else
				dupg__buf_printf(&b, "dupg_http_requests_total{endpoint=\"%s\",code=\"other\"} %llu\n",
						 names[e], (unsigned long long)v);
		}
	}
	head(&b, "dupg_http_request_duration_seconds", "histogram",
	     "Time from a request's first byte to its response queued, by endpoint.");
	for (e = 0; e < SRV_EP_COUNT; e++) {
		uint64_t cum = 0;

		for (k = 0; k <= NBOUNDS; k++) {
			cum += GET(m.buckets[e][k]);
			if (k < NBOUNDS)
				dupg__buf_printf(&b, "dupg_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
						 names[e], bounds[k], (unsigned long long)cum);
			else
				dupg__buf_printf(&b, "dupg_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n",
						 names[e], (unsigned long long)cum);
		}
		dupg__buf_printf(&b, "dupg_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", names[e],
				 (double)GET(m.micros[e]) / 1e6);
		dupg__buf_printf(&b, "dupg_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n", names[e],
				 (unsigned long long)cum);
	}
	head(&b, "dupg_package_bytes_served_total", "counter", "Package bytes sent in completed responses.");
	dupg__buf_printf(&b, "dupg_package_bytes_served_total %llu\n", (unsigned long long)GET(m.bytes));
	head(&b, "dupg_connections_open", "gauge", "Client connections open now.");
	dupg__buf_printf(&b, "dupg_connections_open %llu\n", (unsigned long long)GET(m.conns_open));
	head(&b, "dupg_connections_total", "counter", "Client connections accepted.");
	dupg__buf_printf(&b, "dupg_connections_total %llu\n", (unsigned long long)GET(m.conns_total));
	head(&b, "dupg_sessions_registered_total", "counter", "Sites registered by this process (sessions given an identity).");
	dupg__buf_printf(&b, "dupg_sessions_registered_total %llu\n", (unsigned long long)GET(m.registered));
	head(&b, "dupg_packages", "gauge", "Packages in the set being served.");
	dupg__buf_printf(&b, "dupg_packages %llu\n", (unsigned long long)GET(m.packages));
	head(&b, "dupg_packages_left_out", "gauge", "Files of the package directory left out at the last load.");
	dupg__buf_printf(&b, "dupg_packages_left_out %llu\n", (unsigned long long)GET(m.left_out));
	head(&b, "dupg_reloads_total", "counter", "Package set loads (the first, and one per SIGHUP).");
	dupg__buf_printf(&b, "dupg_reloads_total %llu\n", (unsigned long long)GET(m.reloads));
	head(&b, "dupg_reload_failures_total", "counter", "Reloads that failed: the old set stayed.");
	dupg__buf_printf(&b, "dupg_reload_failures_total %llu\n", (unsigned long long)GET(m.reload_failures));
	if (dupg__buf_finish(&b, &out) != 0)
		return NULL;
	return out;
}
