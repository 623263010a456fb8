/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scenario files (format 1): the header, timing, fault rates, rollout, the
 * reserved keys, packages, the server's set, then sites (load_site.c) or a
 * fleet recipe (fleet.c), then events.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/fields.h"
#include "scenario/load.h"
#include "scenario/load_site.h"
#include "util.h"

/* Scenario files are small; recipes make big fleets without big files. */
#define SCENARIO_MAX_BYTES (64u * 1024u * 1024u)

/* The keys each object of the format knows (top-level keys are not checked). */
static const char *const pkg_keys[] = { "name", "version", "hw", "payload_kib", "files", NULL };
static const char *const region_keys[] = { "id", "downloader", "lan_mbps", "lan_latency_ms",
					   "period_s", "dead_after", NULL };
static const char *const fleet_region_keys[] = { "max_per_region", "downloader", "lan_mbps",
						 "lan_latency_ms", "period_s", "dead_after", NULL };
static const char *const server_keys[] = { "packages", "deployment_servers", NULL };
static const char *const dserver_keys[] = { "id", "region", "location", NULL };
static const char *const rollout_keys[] = { "waves", "halt_threshold", NULL };
static const char *const timing_keys[] = { "duration_s", "switch_s", "health_s", "link_mbps",
					   "latency_ms", "uplink_mbps", NULL };
static const char *const server_down_keys[] = { "kind", "server", "at_s", NULL };
static const char *const servers_upgrade_keys[] = { "kind", "at_s", "each_s", NULL };

static int parse_pkg(struct sim_scenario *sc, struct sim_pctx *p, json_object *o)
{
	struct sim_pkg pkg;
	json_object *hw;
	const char *hwv[64];
	double kib = 64, files = 1;
	size_t i, n, idx;
	int rc;

	memset(&pkg, 0, sizeof(pkg));
	if (!json_object_is_type(o, json_type_object))
		return sim_bad(p, "entry", "must be an object");
	if ((rc = sim_get_str((const char **)&pkg.name, p, o, "name", 1)) != 0)
		return rc;
	snprintf(p->where, sizeof(p->where), "package %s", pkg.name);
	if ((rc = sim_keys_check(p, o, pkg_keys)) != 0)
		return rc;
	if (!sim_name_ok(pkg.name))
		return sim_bad(p, "name", "may hold only letters, digits, '-', '_' and '.'");
	if (sim_catalog_find(&sc->cat, pkg.name) >= 0)
		return sim_bad(p, "name", "is used twice");
	if ((rc = sim_get_str((const char **)&pkg.version, p, o, "version", 1)) != 0 ||
	    (rc = sim_get(&hw, p, o, "hw", json_type_array, 1)) != 0 ||
	    (rc = sim_get_num(&kib, p, o, "payload_kib", 0, 1024.0 * 1024)) != 0 ||
	    (rc = sim_get_num(&files, p, o, "files", 1, 64)) != 0)
		return rc;
	n = json_object_array_length(hw);
	if (n == 0)
		return sim_bad(p, "hw", "is empty");
	if (n > sizeof(hwv) / sizeof(hwv[0]))
		return sim_bad(p, "hw", "lists too many hardware types");
	for (i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(hw, i);
		if (!json_object_is_type(h, json_type_string) || json_object_get_string_len(h) == 0)
			return sim_bad(p, "hw", "must list non-empty strings");
		hwv[i] = json_object_get_string(h);
	}
	pkg.hw = (char **)hwv;
	pkg.hw_count = n;
	pkg.payload_bytes = (uint64_t)(kib * 1024);
	pkg.files = (unsigned)files;
	return sim_catalog_add(&sc->cat, &pkg, &idx);
}

/* ---- regions, and what comes next: deployment-server clusters -------------- */

/*
 * A region's LAN, period and liveness (defaults: 1000 Mbit/s, 1 ms, 10 s
 * periods, K = 3; K at most 1000, as a re-election runs every period it waits).
 */
static int parse_region_spec(struct sim_region_spec *s, const struct sim_pctx *q, json_object *o,
			     const char *dl)
{
	double k = 3;
	int rc;

	s->elect = dl != NULL && strcmp(dl, "elect") == 0;
	s->lan_mbps = 1000;
	s->lan_latency_ms = 1;
	s->period_s = 10;
	if ((rc = sim_get_num(&s->lan_mbps, q, o, "lan_mbps", 0.001, 1e9)) != 0 ||
	    (rc = sim_get_num(&s->lan_latency_ms, q, o, "lan_latency_ms", 0, 1e6)) != 0 ||
	    (rc = sim_get_num(&s->period_s, q, o, "period_s", 0.001, 1e6)) != 0 ||
	    (rc = sim_get_num(&k, q, o, "dead_after", 1, 1000)) != 0)
		return rc;
	if (k != (double)(uint64_t)k)
		return sim_bad(q, "dead_after", "must be a whole number of periods");
	s->dead_after = (uint64_t)k;
	return 0;
}

/*
 * The fleet recipe's "regions": {"max_per_region": M, "downloader": "elect", ...}:
 * its sites are partitioned by the library's rule (dupg/region.h) as they come online.
 */
static int parse_fleet_regions(struct sim_scenario *sc, const struct sim_pctx *p, json_object *root)
{
	json_object *fleet, *o;
	struct sim_pctx q = *p;
	const char *dl;
	double m = 0;
	int rc;

	if ((rc = sim_get(&fleet, p, root, "fleet", json_type_object, 0)) != 0 || fleet == NULL)
		return rc;
	snprintf(q.where, sizeof(q.where), "fleet");
	if ((rc = sim_get(&o, &q, fleet, "regions", json_type_object, 0)) != 0 || o == NULL)
		return rc;
	snprintf(q.where, sizeof(q.where), "fleet: regions");
	if ((rc = sim_keys_check(&q, o, fleet_region_keys)) != 0)
		return rc;
	if ((rc = sim_get_num(&m, &q, o, "max_per_region", 1, 1e9)) != 0 ||
	    (rc = sim_get_str(&dl, &q, o, "downloader", 0)) != 0)
		return rc;
	if (m < 1 || m != (double)(uint64_t)m)
		return sim_bad(&q, "max_per_region", "must be a whole number from 1");
	if (dl != NULL && strcmp(dl, "each") != 0 && strcmp(dl, "elect") != 0)
		return sim_bad(&q, "downloader", "must be each or elect");
	if ((sc->fleet_regions = calloc(1, sizeof(*sc->fleet_regions))) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	sc->fleet_regions->max_per_region = (uint64_t)m;
	return parse_region_spec(sc->fleet_regions, &q, o, dl);
}


/*
 * Regions (simulated when they elect a downloader, driver/region.c), and
 * deployment servers: parsed and validated so files written for a later
 * version fail loudly when malformed, but not simulated yet.
 */
static int parse_reserved(struct sim_scenario *sc, struct sim_pctx *p, json_object *root,
			  sim_map *regions)
{
	json_object *server, *arr;
	size_t i, n;
	int rc;

	if ((rc = sim_get(&arr, p, root, "regions", json_type_array, 0)) != 0)
		return rc;
	n = arr ? json_object_array_length(arr) : 0;
	if (n > 0 && (sc->region_specs = calloc(n, sizeof(*sc->region_specs))) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		const char *id, *dl;
		struct sim_pctx q = *p;

		snprintf(q.where, sizeof(q.where), "regions[%zu]", i);
		if (!json_object_is_type(r, json_type_object))
			return sim_bad(&q, "entry", "must be an object");
		if ((rc = sim_keys_check(&q, r, region_keys)) != 0 ||
		    (rc = sim_get_str(&id, &q, r, "id", 1)) != 0 ||
		    (rc = sim_get_str(&dl, &q, r, "downloader", 0)) != 0)
			return rc;
		if (dl != NULL && strcmp(dl, "each") != 0 && strcmp(dl, "elect") != 0)
			return sim_bad(&q, "downloader", "must be each or elect");
		if (sim_map_get(regions, id) >= 0)
			return sim_bad(&q, "id", "is used by two regions");
		if ((rc = sim_map_put(regions, id, i)) != 0)
			return rc;
		sc->regions = i + 1; /* what sim_scenario_free() frees */
		if ((sc->region_specs[i].id = sim_strdup(id)) == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		if ((rc = parse_region_spec(&sc->region_specs[i], &q, r, dl)) != 0)
			return rc;
	}
	sc->regions = n;
	if ((rc = parse_fleet_regions(sc, p, root)) != 0)
		return rc;
	if ((rc = sim_get(&server, p, root, "server", json_type_object, 0)) != 0 || server == NULL)
		return rc;
	{
		struct sim_pctx q = *p;
		snprintf(q.where, sizeof(q.where), "server");
		if ((rc = sim_keys_check(&q, server, server_keys)) != 0)
			return rc;
	}
	if ((rc = sim_get(&arr, p, server, "deployment_servers", json_type_array, 0)) != 0)
		return rc;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(arr, i);
		const char *id, *region, *location;
		struct sim_dservers *c = &sc->dservers;
		struct sim_pctx q = *p;

		snprintf(q.where, sizeof(q.where), "server: deployment_servers[%zu]", i);
		if (!json_object_is_type(d, json_type_object))
			return sim_bad(&q, "entry", "must be an object");
		if ((rc = sim_keys_check(&q, d, dserver_keys)) != 0 ||
		    (rc = sim_get_str(&id, &q, d, "id", 1)) != 0 ||
		    (rc = sim_get_str(&region, &q, d, "region", 0)) != 0 ||
		    (rc = sim_get_str(&location, &q, d, "location", 0)) != 0)
			return rc;
		if (region != NULL && sim_map_get(regions, region) < 0)
			return sim_bad(&q, "region", "names no region of the scenario");
		if (sim_dservers_find(c, id) >= 0)
			return sim_bad(&q, "id", "is used by two deployment servers");
		if (location != NULL && dupg_location_check(location) != 0) {
			char why[600];
			snprintf(why, sizeof(why), "is not valid: %s", dupg_error_last());
			return sim_bad(&q, "location", why);
		}
		if ((rc = sim_grow(&c->v, &c->cap, c->n + 1, sizeof(*c->v))) != 0)
			return rc;
		memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
		c->v[c->n].down_at_s = -1;
		c->v[c->n].upgrade_from_s = c->v[c->n].upgrade_to_s = -1;
		c->v[c->n].id = sim_strdup(id);
		c->v[c->n].location = location ? sim_strdup(location) : NULL;
		if (c->v[c->n++].id == NULL || (location != NULL && c->v[c->n - 1].location == NULL))
			return sim_error(DUPG_ENOMEM, "out of memory");
	}
	sc->deployment_servers = n;
	return 0;
}

static int parse_rollout(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	json_object *ro, *waves;
	size_t i, n;
	int rc;

	if ((rc = sim_get(&ro, p, root, "rollout", json_type_object, 0)) != 0)
		return rc;
	if (ro == NULL)
		return 0;
	snprintf(p->where, sizeof(p->where), "rollout");
	if ((rc = sim_keys_check(p, ro, rollout_keys)) != 0 ||
	    (rc = sim_get(&waves, p, ro, "waves", json_type_array, 0)) != 0 ||
	    (rc = sim_get_num(&sc->halt_threshold, p, ro, "halt_threshold", 0, 1)) != 0)
		return rc;
	n = waves ? json_object_array_length(waves) : 0;
	if (waves != NULL) {
		double *w = calloc(n + 1, sizeof(*w));
		if (w == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		free(sc->waves);
		sc->waves = w;
		sc->nwaves = 0;
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(waves, i);
			double d = json_object_get_double(e);
			if ((!json_object_is_type(e, json_type_double) &&
			     !json_object_is_type(e, json_type_int)) ||
			    !(d > 0 && d <= 1) || (i > 0 && d <= w[i - 1]))
				return sim_bad(p, "waves", "must be increasing fractions of the fleet in (0, 1]");
			w[sc->nwaves++] = d;
		}
		/* the last wave always takes the rest */
		if (sc->nwaves == 0 || w[sc->nwaves - 1] < 1)
			w[sc->nwaves++] = 1;
	}
	p->where[0] = '\0';
	return 0;
}

static int parse_rates(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	const char *kinds[SIM_FAULT_RATED + 1];
	json_object *f;
	int k, rc;

	if ((rc = sim_get(&f, p, root, "faults", json_type_object, 0)) != 0 || f == NULL)
		return rc;
	snprintf(p->where, sizeof(p->where), "faults");
	/* a typo here would turn fault injection off: refused */
	for (k = 0; k < SIM_FAULT_RATED; k++)
		kinds[k] = sim_fault_name((enum sim_fault_kind)k);
	kinds[SIM_FAULT_RATED] = NULL;
	if ((rc = sim_keys_check(p, f, kinds)) != 0)
		return rc;
	for (k = 0; k < SIM_FAULT_RATED; k++)
		if ((rc = sim_get_num(&sc->rates.p[k], p, f, sim_fault_name((enum sim_fault_kind)k),
				       0, 1)) != 0)
			return rc;
	p->where[0] = '\0';
	return 0;
}

static int parse_timing(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	struct sim_timing *tm = &sc->timing;
	json_object *t;
	int rc;

	/* defaults: a BBU takes longest to write and reboot; fronthaul is fast, backhaul is not */
	tm->duration_s[SIM_ROLE_BBU] = 300;
	tm->duration_s[SIM_ROLE_HUB] = 120;
	tm->duration_s[SIM_ROLE_RRU] = 90;
	tm->switch_s[SIM_ROLE_BBU] = 60;
	tm->switch_s[SIM_ROLE_HUB] = 30;
	tm->switch_s[SIM_ROLE_RRU] = 20;
	tm->health_s[SIM_ROLE_BBU] = 10;
	tm->health_s[SIM_ROLE_HUB] = 10;
	tm->health_s[SIM_ROLE_RRU] = 10;
	tm->link_mbps[SIM_ROLE_BBU] = 100;
	tm->link_mbps[SIM_ROLE_HUB] = 10000;
	tm->link_mbps[SIM_ROLE_RRU] = 1000;
	tm->latency_ms = 1;
	tm->uplink_mbps = 100;
	if ((rc = sim_get(&t, p, root, "timing", json_type_object, 0)) != 0 || t == NULL)
		return rc;
	snprintf(p->where, sizeof(p->where), "timing");
	if ((rc = sim_keys_check(p, t, timing_keys)) != 0 ||
	    (rc = sim_get_per_role(tm->duration_s, p, t, "duration_s", 0, 86400.0 * 7)) != 0 ||
	    (rc = sim_get_per_role(tm->switch_s, p, t, "switch_s", 0, 86400)) != 0 ||
	    (rc = sim_get_per_role(tm->health_s, p, t, "health_s", 0, 86400)) != 0 ||
	    (rc = sim_get_per_role(tm->link_mbps, p, t, "link_mbps", 0.001, 1e6)) != 0 ||
	    (rc = sim_get_num(&tm->latency_ms, p, t, "latency_ms", 0, 60000)) != 0 ||
	    (rc = sim_get_num(&tm->uplink_mbps, p, t, "uplink_mbps", 0.001, 1e6)) != 0)
		return rc;
	p->where[0] = '\0';
	return 0;
}


/* The object itself, its format, name and seed. */
static int parse_header(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	const char *name;
	double format = 0, seed = -1;
	int rc;

	if (!json_object_is_type(root, json_type_object))
		return sim_error(DUPG_EFORMAT, "%s: a scenario must be a JSON object", sc->file);
	if ((rc = sim_get_num(&format, p, root, "format", 0, 1e9)) != 0)
		return rc;
	if (!json_object_object_get_ex(root, "format", NULL))
		return sim_bad(p, "format", "is missing (this simulator reads format 1)");
	if (format != 1)
		return sim_error(DUPG_EUNSUPPORTED, "%s: format %g is not supported (this simulator "
						    "reads format 1)", sc->file, format);
	if ((rc = sim_get_str(&name, p, root, "name", 0)) != 0 ||
	    (rc = sim_get_num(&seed, p, root, "seed", 0, 9007199254740991.0)) != 0)
		return rc;
	sc->name = sim_strdup(name ? name : sc->base);
	if (sc->name == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (seed >= 0)
		sc->seed = (uint64_t)seed;
	return 0;
}

/* Described packages; a recipe adds its generated ones after them. */
static int parse_packages(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	json_object *arr;
	size_t i, n;
	int rc;

	if ((rc = sim_get(&arr, p, root, "packages", json_type_array, 0)) != 0)
		return rc;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		snprintf(p->where, sizeof(p->where), "packages[%zu]", i);
		if ((rc = parse_pkg(sc, p, json_object_array_get_idx(arr, i))) != 0)
			return rc;
	}
	p->where[0] = '\0';
	return 0;
}

/* The server's set: listed names; a recipe has already marked its own. */
static int parse_server_set(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	json_object *server, *arr = NULL;
	size_t i, n;
	int rc;

	if ((rc = sim_get(&server, p, root, "server", json_type_object, 0)) != 0)
		return rc;
	if (server != NULL) {
		snprintf(p->where, sizeof(p->where), "server");
		if ((rc = sim_get(&arr, p, server, "packages", json_type_array, 0)) != 0)
			return rc;
	}
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		long pi = json_object_is_type(e, json_type_string) ?
				  sim_catalog_find(&sc->cat, json_object_get_string(e)) : -1;
		if (pi < 0)
			return sim_bad(p, "packages", "must name packages of the scenario");
		if (sc->cat.pkgs[pi].on_server)
			return sim_bad(p, "packages", "lists a package twice");
		sc->cat.pkgs[pi].on_server = 1;
	}
	p->where[0] = '\0';
	return 0;
}

/* Listed sites, each in a known region when it names one. */
static int parse_sites(struct sim_scenario *sc, struct sim_pctx *p, json_object *sites,
		       sim_map *ids, const sim_map *regions)
{
	size_t i, n = sites ? json_object_array_length(sites) : 0;
	int rc;

	if (sites != NULL && n == 0)
		return sim_bad(p, "sites", "is empty");
	for (i = 0; i < n; i++) {
		if ((rc = sim_load_site(sc, p, json_object_array_get_idx(sites, i), i, ids)) != 0)
			return rc;
		if (sc->sites[i].region != NULL && sim_map_get(regions, sc->sites[i].region) < 0)
			return sim_bad(p, "region", "names no region of the scenario");
	}
	p->where[0] = '\0';
	return 0;
}

/*
 * The deployment servers' events: {"kind": "server_down", "server": ID,
 * "at_s": T} and {"kind": "servers_upgrade", "at_s": T, "each_s": D}. 1 when
 * o is neither (a site's event), 0 when taken, or an error.
 */
static int load_server_event(struct sim_scenario *sc, struct sim_pctx *p, json_object *o)
{
	struct sim_dservers *c = &sc->dservers;
	const char *kind = NULL, *server = NULL;
	double at = -1, each = -1;
	json_object *k;
	long i;
	int rc;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "kind", &k) ||
	    !json_object_is_type(k, json_type_string))
		return 1;
	kind = json_object_get_string(k);
	if (strcmp(kind, "server_down") != 0 && strcmp(kind, "servers_upgrade") != 0)
		return 1;
	if (c->n == 0)
		return sim_bad(p, kind, "event needs server.deployment_servers");
	if ((rc = sim_keys_check(p, o, strcmp(kind, "server_down") == 0 ? server_down_keys :
				 servers_upgrade_keys)) != 0)
		return rc;
	if ((rc = sim_get_num(&at, p, o, "at_s", 0, 86400.0 * 365)) != 0)
		return rc;
	if (at < 0)
		return sim_bad(p, kind, "event needs \"at_s\": when, in seconds of virtual time");
	if (strcmp(kind, "servers_upgrade") == 0) {
		if ((rc = sim_get_num(&each, p, o, "each_s", 0, 86400.0 * 365)) != 0)
			return rc;
		if (!(each > 0))
			return sim_bad(p, "servers_upgrade event",
				       "needs \"each_s\" > 0: how long each server is out for its upgrade");
		if (c->upgrade_at_s >= 0)
			return sim_bad(p, "servers_upgrade event", "is given twice");
		c->upgrade_at_s = at;
		c->upgrade_each_s = each;
		return 0;
	}
	if ((rc = sim_get_str(&server, p, o, "server", 1)) != 0)
		return rc;
	if ((i = sim_dservers_find(c, server)) < 0) {
		char why[400];
		snprintf(why, sizeof(why), "\"%s\" names no deployment server of the scenario", server);
		return sim_bad(p, "server", why);
	}
	if (c->v[i].down_at_s >= 0)
		return sim_bad(p, "server", "goes down twice");
	c->v[i].down_at_s = at;
	return 0;
}

/* The scenario's own events, after its sites: they name them. */
static int parse_events(struct sim_scenario *sc, struct sim_pctx *p, json_object *root)
{
	json_object *events;
	size_t i, n;
	int rc;

	if ((rc = sim_get(&events, p, root, "events", json_type_array, 0)) != 0)
		return rc;
	n = events ? json_object_array_length(events) : 0;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(events, i);

		snprintf(p->where, sizeof(p->where), "events[%zu]", i);
		if ((rc = load_server_event(sc, p, e)) < 0 ||
		    (rc == 1 && (rc = sim_load_event(sc, p, e, NULL)) != 0))
			return rc;
	}
	sim_dservers_schedule(&sc->dservers);
	return 0;
}

/* The file's parts in the order their errors are reported. */
static int parse(struct sim_scenario *sc, json_object *root, sim_map *ids, sim_map *regions)
{
	struct sim_pctx p = { sc->file, "" };
	json_object *sites, *fleet;
	size_t i, n;
	int rc;

	if ((rc = parse_header(sc, &p, root)) != 0 || (rc = parse_timing(sc, &p, root)) != 0 ||
	    (rc = parse_rates(sc, &p, root)) != 0 || (rc = parse_rollout(sc, &p, root)) != 0 ||
	    (rc = parse_reserved(sc, &p, root, regions)) != 0 ||
	    (rc = parse_packages(sc, &p, root)) != 0)
		return rc;
	if ((rc = sim_get(&sites, &p, root, "sites", json_type_array, 0)) != 0 ||
	    (rc = sim_get(&fleet, &p, root, "fleet", json_type_object, 0)) != 0)
		return rc;
	if ((sites == NULL) == (fleet == NULL))
		return sim_error(DUPG_EFORMAT, "%s: a scenario has either \"sites\" (listed) or "
					       "\"fleet\" (a recipe)", sc->file);
	if (fleet != NULL && (rc = sim_recipe_parse(&sc->recipe, &sc->cat, &sc->timing, sc->file,
						    sc->seed, fleet)) != 0)
		return rc;
	if ((rc = parse_server_set(sc, &p, root)) != 0 ||
	    (rc = parse_sites(sc, &p, sites, ids, regions)) != 0 ||
	    (rc = parse_events(sc, &p, root)) != 0)
		return rc;
	for (i = 0, n = 0; i < sc->cat.npkg; i++)
		n += sc->cat.pkgs[i].on_server != 0;
	if (n == 0)
		return sim_error(DUPG_EFORMAT, "%s: the server's package set is empty", sc->file);
	return 0;
}

int sim_scenario_load(struct sim_scenario **out, const char *file)
{
	struct sim_scenario *sc;
	sim_map *ids = NULL, *regions = NULL;
	json_object *root;
	int rc;

	*out = NULL;
	if ((rc = sim_scenario_new(&sc, file)) != 0)
		return rc;
	rc = sim_json_load(&root, file, SCENARIO_MAX_BYTES);
	if (rc == 0) {
		if ((rc = sim_map_new(&ids)) == 0 && (rc = sim_map_new(&regions)) == 0)
			rc = parse(sc, root, ids, regions);
		sim_map_free(ids);
		sim_map_free(regions);
		json_object_put(root);
	}
	if (rc != 0) {
		sim_scenario_free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}
