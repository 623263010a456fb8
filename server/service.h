/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the server does, without HTTP: register a site, match its
 * description against the package set (less what rollouts withhold from
 * it), record its statuses, and keep rollouts going. Every decision is a
 * libdupg call (dupg_sysvd_from_json, dupg_match, dupg_task_to_json, the
 * rollout functions); this file holds the glue to the store.
 *
 * Errors: DUPG_EINVAL / DUPG_EFORMAT for bad input (400), DUPG_ENOTFOUND
 * (404), DUPG_EEXISTS (409), others are the server's (500), each with its
 * message in the program's error record.
 */
#ifndef DUPG_SERVER_SERVICE_H
#define DUPG_SERVER_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "store.h"
#include "token.h"

/* Longest site id, and what one may hold: letters, digits, '.', '_', '-'; not starting with '.'. */
#define SRV_SITE_ID_MAX 128
int srv_site_id_valid(const char *id);

/* Register the site of a {"id": "SITE"} body; *out = {"id": ..., "token": ...}. */
int srv_register(char **out, struct srv_store *s, const char *body, size_t len);

/* Who may act for site: 0 (the site's own token), 401 (no such token), 403 (another site's), 404 (no site). */
int srv_authorize(int *verdict, struct srv_store *s, const char *site, const char *token);

/*
 * Store the site's description and answer its task:
 * {"kind": ..., "task": [...], "versions": {...}}.
 */
int srv_describe(char **out, struct srv_store *s, struct srv_index *idx, const char *site,
		 const char *body, size_t len);

/* Record a status {"state": ..., "detail": ..., "devices": {...}}; *out = {"site", "seq", "state"}. */
int srv_status(char **out, struct srv_store *s, const char *site, const char *body, size_t len);

/* What the store knows of a site, as JSON. */
int srv_site_json(char **out, struct srv_store *s, const char *site);

/* Rollouts, as JSON objects (one, or an array). */
int srv_rollout_json(char **out, struct srv_store *s, int64_t id);
int srv_rollout_list_json(char **out, struct srv_store *s);
/*
 * Create a rollout of packages (names, comma-separated) in waves ("0.01,0.1,1")
 * with threshold; the sites registered now are ranked into its waves, those
 * registering later join its last wave.
 */
int srv_rollout_create(char **out, struct srv_store *s, const char *packages, const char *waves,
		       double threshold);
/* Pause (pause = 1) or resume a rollout. */
int srv_rollout_pause(char **out, struct srv_store *s, int64_t id, int pause);

#endif
