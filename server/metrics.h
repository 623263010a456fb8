/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The server's counters, read by GET /metrics in the Prometheus text format
 * (version 0.0.4): requests by endpoint and status code, a latency histogram
 * per endpoint, package bytes served, connections, registrations, reloads.
 * Every update is one relaxed atomic add: no lock on the request path.
 */
#ifndef DUPG_SERVER_METRICS_H
#define DUPG_SERVER_METRICS_H

#include <stdint.h>

enum srv_endpoint {
	SRV_EP_REGISTER, SRV_EP_SITE, SRV_EP_DESCRIPTION, SRV_EP_STATUS, SRV_EP_PACKAGE,
	SRV_EP_VERSIONS, SRV_EP_ROLLOUT, SRV_EP_METRICS, SRV_EP_HEALTH, SRV_EP_OTHER, SRV_EP_COUNT
};

const char *srv_endpoint_name(enum srv_endpoint ep);
/* A request ended with code after seconds. */
void srv_metrics_request(enum srv_endpoint ep, unsigned code, double seconds);
void srv_metrics_bytes(uint64_t n);
void srv_metrics_connection(int opened);
void srv_metrics_registered(void);
void srv_metrics_reload(int ok, uint64_t packages, uint64_t left_out);
/* The text of GET /metrics (malloc'd), or NULL when out of memory. */
char *srv_metrics_text(void);

#endif
