/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Seeded fleet recipes: site i is generated from the recipe seed and i alone,
 * so a 100,000-site fleet needs neither a 100,000-site file nor memory for
 * 100,000 sites, and the same recipe always gives the same fleet.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/fields.h"
#include "scenario/fleet.h"
#include "util.h"

struct gen {
	char *name;
	char *hw[3];        /* per role: NAME-bbu, NAME-hub, NAME-rru */
	char **releases;    /* ascending */
	size_t nrel;
	size_t *bbu_pkg;    /* scenario package index per release */
	size_t *radio_pkg;
	double weight;
};

/* a shape's counts, and the devices its biggest site may have */
#define SHAPE_MAX 1000000u
#define SITE_MAX_DEVICES 1e7

struct shape {
	char *name;
	double weight;
	unsigned hubs[2];     /* hub chains off the master */
	unsigned cascade[2];  /* HUBs per chain (1: no cascade) */
	unsigned rrus[2];     /* RRUs behind each HUB */
};

struct sim_recipe {
	uint64_t sites;
	uint64_t seed;
	char *prefix;
	struct gen *gens;
	size_t ngen;
	struct shape *shapes;
	size_t nshape;
	double *spread;       /* P(a site runs the latest release minus k) */
	size_t nspread;
	double mixed_rru;
	double device_lag;
	unsigned store_depth;
	unsigned server_releases;
	double uplink[2];
	struct sim_timing timing; /* the scenario's defaults for generated devices */
};

void sim_recipe_free(struct sim_recipe *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->ngen; i++) {
		struct gen *g = &r->gens[i];
		for (j = 0; j < g->nrel; j++)
			free(g->releases[j]);
		for (j = 0; j < 3; j++)
			free(g->hw[j]);
		free(g->releases);
		free(g->bbu_pkg);
		free(g->radio_pkg);
		free(g->name);
	}
	for (i = 0; i < r->nshape; i++)
		free(r->shapes[i].name);
	free(r->gens);
	free(r->shapes);
	free(r->spread);
	free(r->prefix);
	free(r);
}

uint64_t sim_recipe_count(const struct sim_recipe *r)
{
	return r->sites;
}

void sim_recipe_set_count(struct sim_recipe *r, uint64_t n)
{
	r->sites = n;
}

/* ---- parsing ------------------------------------------------------------- */

/* What the parser writes to: the scenario's catalogue; file names the scenario in errors. */
struct parse {
	const char *file;
	struct sim_catalog *cat;
};

static int bad(const struct parse *sc, const char *where, const char *what)
{
	return sim_error(DUPG_EFORMAT, "%s: fleet: %s: %s", sc->file, where, what);
}

/* The keys each object of a recipe knows; a typo is refused with this list. */
static const char *const fleet_keys[] = { "sites", "seed", "site_prefix", "mixed_rru", "device_lag",
					  "store_depth", "server_releases", "uplink_mbps",
					  "generations", "shapes", "version_spread", "regions", NULL };
static const char *const gen_keys[] = { "name", "weight", "releases", "bbu_kib", "radio_kib", "files",
					NULL };
static const char *const shape_keys[] = { "name", "weight", "hubs", "cascade", "rrus_per_hub", NULL };

static int keys(const struct parse *sc, json_object *o, const char *where, const char *const *allowed)
{
	struct sim_pctx p;

	p.file = sc->file;
	if (where != NULL)
		snprintf(p.where, sizeof(p.where), "fleet: %s", where);
	else
		snprintf(p.where, sizeof(p.where), "fleet");
	return sim_keys_check(&p, o, allowed);
}

static int num(double *out, const struct parse *sc, json_object *o, const char *key,
	       const char *where, double lo, double hi)
{
	struct sim_pctx p;

	p.file = sc->file;
	snprintf(p.where, sizeof(p.where), "fleet: %s", where);
	return sim_get_num(out, &p, o, key, lo, hi);
}

/* [min, max] of whole numbers, or one number for both. */
static int range(unsigned out[2], const struct parse *sc, json_object *o, const char *key,
		 const char *where, unsigned hi)
{
	json_object *v;
	char msg[128];
	size_t i;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		int64_t x = json_object_get_int64(v);
		if (x < 0 || x > hi)
			goto fail;
		out[0] = out[1] = (unsigned)x;
		return 0;
	}
	if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) != 2)
		goto fail;
	for (i = 0; i < 2; i++) {
		json_object *e = json_object_array_get_idx(v, i);
		int64_t x = json_object_get_int64(e);
		if (!json_object_is_type(e, json_type_int) || x < 0 || x > hi)
			goto fail;
		out[i] = (unsigned)x;
	}
	if (out[0] > out[1])
		goto fail;
	return 0;
fail:
	snprintf(msg, sizeof(msg), "%s must be [min, max] with 0 <= min <= max <= %u", key, hi);
	return bad(sc, where, msg);
}

static int str(const char **out, const struct parse *sc, json_object *o, const char *key,
	       const char *where)
{
	json_object *v;
	char msg[128];

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string) ||
	    json_object_get_string_len(v) == 0) {
		snprintf(msg, sizeof(msg), "%s must be a non-empty string", key);
		return bad(sc, where, msg);
	}
	*out = json_object_get_string(v);
	return 0;
}

static int add_pkg(const struct parse *sc, size_t *index, const char *name, const char *version,
		   const char *const *hw, size_t nhw, double kib, unsigned files, int on_server)
{
	struct sim_pkg p;

	memset(&p, 0, sizeof(p));
	p.name = (char *)name;
	p.version = (char *)version;
	p.hw = (char **)hw;
	p.hw_count = nhw;
	p.payload_bytes = (uint64_t)(kib * 1024);
	p.files = files;
	p.on_server = on_server;
	if (sim_catalog_find(sc->cat, name) >= 0)
		return bad(sc, name, "generated package name clashes with a listed package");
	return sim_catalog_add(sc->cat, &p, index);
}

static int parse_gen(const struct parse *sc, struct sim_recipe *r, json_object *o, size_t gi)
{
	struct gen *g = &r->gens[gi];
	json_object *rel;
	const char *name;
	char where[96];
	double kib_bbu = 96, kib_radio = 48, files = 2;
	size_t j, k;
	int rc;

	snprintf(where, sizeof(where), "generations[%zu]", gi);
	g->weight = 1;
	if (!json_object_is_type(o, json_type_object))
		return bad(sc, where, "must be an object");
	if ((rc = str(&name, sc, o, "name", where)) != 0)
		return rc;
	snprintf(where, sizeof(where), "generation %s", name);
	if ((rc = keys(sc, o, where, gen_keys)) != 0)
		return rc;
	if ((g->name = sim_strdup(name)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = num(&g->weight, sc, o, "weight", where, 0, 1e9)) != 0 ||
	    (rc = num(&kib_bbu, sc, o, "bbu_kib", where, 0, 1024.0 * 1024)) != 0 ||
	    (rc = num(&kib_radio, sc, o, "radio_kib", where, 0, 1024.0 * 1024)) != 0 ||
	    (rc = num(&files, sc, o, "files", where, 1, 64)) != 0)
		return rc;
	for (k = 0; k < 3; k++)
		if ((g->hw[k] = sim_printf("%s-%s", name, sim_role_name((enum sim_role)k))) == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
	if (!json_object_object_get_ex(o, "releases", &rel) ||
	    !json_object_is_type(rel, json_type_array) || json_object_array_length(rel) == 0)
		return bad(sc, where, "releases must be a non-empty array of versions");
	g->nrel = json_object_array_length(rel);
	g->releases = calloc(g->nrel, sizeof(*g->releases));
	g->bbu_pkg = calloc(g->nrel, sizeof(*g->bbu_pkg));
	g->radio_pkg = calloc(g->nrel, sizeof(*g->radio_pkg));
	if (!g->releases || !g->bbu_pkg || !g->radio_pkg)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (j = 0; j < g->nrel; j++) {
		json_object *e = json_object_array_get_idx(rel, j);
		if (!json_object_is_type(e, json_type_string) || json_object_get_string_len(e) == 0)
			return bad(sc, where, "releases must be a non-empty array of versions");
		if ((g->releases[j] = sim_strdup(json_object_get_string(e))) == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		if (j > 0 && dupg_vercmp(g->releases[j - 1], g->releases[j]) >= 0)
			return bad(sc, where, "releases must be in ascending version order");
	}
	/* two packages per release: one for the BBU, one that fits both HUB and RRU */
	for (j = 0; j < g->nrel; j++) {
		const char *hw_bbu[1] = { g->hw[0] };
		const char *hw_radio[2] = { g->hw[1], g->hw[2] };
		int on_server = j + r->server_releases >= g->nrel;
		char *n1 = sim_printf("%s-bbu-%s", name, g->releases[j]);
		char *n2 = sim_printf("%s-radio-%s", name, g->releases[j]);

		rc = (n1 && n2) ? 0 : sim_error(DUPG_ENOMEM, "out of memory");
		if (rc == 0)
			rc = add_pkg(sc, &g->bbu_pkg[j], n1, g->releases[j], hw_bbu, 1, kib_bbu,
				     (unsigned)files, on_server);
		if (rc == 0)
			rc = add_pkg(sc, &g->radio_pkg[j], n2, g->releases[j], hw_radio, 2,
				     kib_radio, (unsigned)files, on_server);
		free(n1);
		free(n2);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int parse_shape(const struct parse *sc, struct shape *s, json_object *o, size_t si)
{
	const char *name;
	char where[96];
	int rc;

	snprintf(where, sizeof(where), "shapes[%zu]", si);
	s->weight = 1;
	s->hubs[0] = s->hubs[1] = 1;
	s->cascade[0] = s->cascade[1] = 1;
	s->rrus[0] = s->rrus[1] = 1;
	if (!json_object_is_type(o, json_type_object))
		return bad(sc, where, "must be an object");
	if ((rc = str(&name, sc, o, "name", where)) != 0)
		return rc;
	snprintf(where, sizeof(where), "shape %s", name);
	if ((rc = keys(sc, o, where, shape_keys)) != 0)
		return rc;
	if ((s->name = sim_strdup(name)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = num(&s->weight, sc, o, "weight", where, 0, 1e9)) != 0 ||
	    (rc = range(s->hubs, sc, o, "hubs", where, SHAPE_MAX)) != 0 ||
	    (rc = range(s->cascade, sc, o, "cascade", where, SHAPE_MAX)) != 0 ||
	    (rc = range(s->rrus, sc, o, "rrus_per_hub", where, SHAPE_MAX)) != 0)
		return rc;
	if (s->cascade[0] == 0)
		return bad(sc, where, "cascade must be at least 1 (HUBs per chain)");
	/* a site is built whole in memory: keep the biggest one within reach */
	if ((double)s->hubs[1] * s->cascade[1] * (1.0 + s->rrus[1]) > SITE_MAX_DEVICES)
		return bad(sc, where, "makes sites of more than 10,000,000 devices");
	return 0;
}

static int parse_array(json_object **out, const struct parse *sc, json_object *o,
		       const char *key)
{
	char msg[96];

	if (!json_object_object_get_ex(o, key, out) || !json_object_is_type(*out, json_type_array) ||
	    json_object_array_length(*out) == 0) {
		snprintf(msg, sizeof(msg), "must be a non-empty array");
		return bad(sc, key, msg);
	}
	return 0;
}

/* The recipe's numbers: fleet size, seed, shares, store depth, server releases, uplinks. */
static int parse_scalars(struct sim_recipe *r, const struct parse *sc, uint64_t default_seed,
			 json_object *fleet)
{
	double sites = 0, seed = -1, depth = 3, srv = 2;
	const char *prefix = "site";
	json_object *v;
	int rc;

	r->uplink[0] = 20;
	r->uplink[1] = 200;
	if ((rc = num(&sites, sc, fleet, "sites", "recipe", 1, 1e8)) != 0 ||
	    (rc = num(&seed, sc, fleet, "seed", "recipe", 0, 9007199254740991.0)) != 0 ||
	    (rc = num(&r->mixed_rru, sc, fleet, "mixed_rru", "recipe", 0, 1)) != 0 ||
	    (rc = num(&r->device_lag, sc, fleet, "device_lag", "recipe", 0, 1)) != 0 ||
	    (rc = num(&depth, sc, fleet, "store_depth", "recipe", 1, 64)) != 0 ||
	    (rc = num(&srv, sc, fleet, "server_releases", "recipe", 1, 64)) != 0)
		return rc;
	if (sites < 1)
		return bad(sc, "recipe", "sites must be a number of sites (at least 1)");
	r->sites = (uint64_t)sites;
	r->seed = seed >= 0 ? (uint64_t)seed : default_seed;
	r->store_depth = (unsigned)depth;
	r->server_releases = (unsigned)srv;
	if (json_object_object_get_ex(fleet, "site_prefix", &v) &&
	    (rc = str(&prefix, sc, fleet, "site_prefix", "recipe")) != 0)
		return rc;
	if ((r->prefix = sim_strdup(prefix)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (json_object_object_get_ex(fleet, "uplink_mbps", &v)) {
		unsigned up[2];
		if ((rc = range(up, sc, fleet, "uplink_mbps", "recipe", 1000000)) != 0)
			return rc;
		if (up[0] == 0)
			return bad(sc, "recipe", "uplink_mbps must be positive");
		r->uplink[0] = up[0];
		r->uplink[1] = up[1];
	}
	return 0;
}

/* Generations (with their packages, added to the catalogue) and site shapes. */
static int parse_kinds(struct sim_recipe *r, const struct parse *sc, json_object *fleet)
{
	json_object *gens, *shapes;
	size_t i;
	int rc;

	if ((rc = parse_array(&gens, sc, fleet, "generations")) != 0 ||
	    (rc = parse_array(&shapes, sc, fleet, "shapes")) != 0)
		return rc;
	r->ngen = json_object_array_length(gens);
	r->nshape = json_object_array_length(shapes);
	r->gens = calloc(r->ngen, sizeof(*r->gens));
	r->shapes = calloc(r->nshape, sizeof(*r->shapes));
	if (r->gens == NULL || r->shapes == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ngen; i++)
		if ((rc = parse_gen(sc, r, json_object_array_get_idx(gens, i), i)) != 0)
			return rc;
	for (i = 0; i < r->nshape; i++)
		if ((rc = parse_shape(sc, &r->shapes[i], json_object_array_get_idx(shapes, i), i)) != 0)
			return rc;
	return 0;
}

/* How many releases behind the latest a site runs, as weights (default: the latest). */
static int parse_spread(struct sim_recipe *r, const struct parse *sc, json_object *fleet)
{
	json_object *spread = NULL;
	size_t i;
	int rc;

	if (json_object_object_get_ex(fleet, "version_spread", &spread) &&
	    (rc = parse_array(&spread, sc, fleet, "version_spread")) != 0)
		return rc;
	r->nspread = spread ? json_object_array_length(spread) : 1;
	r->spread = calloc(r->nspread, sizeof(*r->spread));
	if (r->spread == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	r->spread[0] = 1;
	for (i = 0; spread != NULL && i < r->nspread; i++) {
		json_object *e = json_object_array_get_idx(spread, i);
		if ((!json_object_is_type(e, json_type_int) && !json_object_is_type(e, json_type_double)) ||
		    json_object_get_double(e) < 0)
			return bad(sc, "version_spread", "must list non-negative weights");
		r->spread[i] = json_object_get_double(e);
	}
	return 0;
}

int sim_recipe_parse(struct sim_recipe **out, struct sim_catalog *cat, const struct sim_timing *tm,
		     const char *file, uint64_t default_seed, json_object *fleet)
{
	struct parse ps = { file, cat };
	struct sim_recipe *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	r->timing = *tm;
	if ((rc = keys(&ps, fleet, NULL, fleet_keys)) != 0 ||
	    (rc = parse_scalars(r, &ps, default_seed, fleet)) != 0 ||
	    (rc = parse_kinds(r, &ps, fleet)) != 0 || (rc = parse_spread(r, &ps, fleet)) != 0) {
		sim_recipe_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* ---- generation ----------------------------------------------------------- */

static size_t pick(uint64_t *rng, const double *w, size_t n, size_t stride)
{
	double total = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		total += *(const double *)((const char *)w + i * stride);
	if (total <= 0)
		return 0;
	x = sim_rng_unit(rng) * total;
	for (i = 0; i < n; i++) {
		double wi = *(const double *)((const char *)w + i * stride);
		if (x < wi)
			return i;
		x -= wi;
	}
	return n - 1;
}

static unsigned between(uint64_t *rng, const unsigned r[2])
{
	return r[0] + (unsigned)sim_rng_below(rng, (uint64_t)(r[1] - r[0]) + 1);
}

static int add_dev(struct sim_site *s, const struct sim_timing *tm, uint64_t *rng,
		   enum sim_role role, unsigned n, const char *hw, const char *version,
		   const char *parent)
{
	/* device ids, not role names: BBU1, HUB3, RRU12 */
	static const char *const prefix[SIM_ROLES] = { "BBU", "HUB", "RRU" };
	struct sim_dev *d;
	int rc;

	if ((rc = sim_grow(&s->devs, &s->devcap, s->ndev + 1, sizeof(*s->devs))) != 0)
		return rc;
	d = &s->devs[s->ndev++];
	memset(d, 0, sizeof(*d));
	d->role = role;
	/* durations vary by +-20% around the role's default, in whole seconds */
	d->duration_s = (uint32_t)(tm->duration_s[role] * (0.8 + 0.4 * sim_rng_unit(rng)) + 0.5);
	d->switch_s = tm->switch_s[role];
	d->health_s = tm->health_s[role];
	d->link_mbps = parent == NULL ? s->uplink_mbps : tm->link_mbps[role];
	d->latency_ms = tm->latency_ms;
	d->id = sim_printf("%s%u", prefix[role], n);
	d->hw = sim_strdup(hw);
	d->version = sim_strdup(version);
	d->parent = sim_strdup(parent);
	if (!d->id || !d->hw || !d->version || (parent && !d->parent))
		return sim_error(DUPG_ENOMEM, "out of memory");
	return 0;
}

static int add_store(struct sim_site *s, size_t pkg)
{
	int rc = sim_grow(&s->store, &s->storecap, s->nstore + 1, sizeof(*s->store));

	if (rc == 0)
		s->store[s->nstore++] = pkg;
	return rc;
}

/*
 * The release a device runs: its generation's release for this site, or the
 * one before when it lags (a device replaced or left behind). Only devices of
 * a generation that is about to be upgraded lag, so a lagging device is
 * always covered by the site's task.
 */
static const char *dev_version(const struct sim_recipe *r, const struct gen *g, size_t idx,
			       uint64_t *rng)
{
	if (idx > 0 && idx + 1 < g->nrel && sim_rng_unit(rng) < r->device_lag)
		return g->releases[idx - 1];
	return g->releases[idx];
}

int sim_recipe_site(struct sim_site *out, const struct sim_recipe *r, uint64_t i)
{
	const struct sim_timing *tm = &r->timing;
	uint64_t rng = sim_rng_derive(r->seed, i);
	const struct shape *sh;
	const struct gen *g, *rg;
	size_t gi, rgi, idx, ridx, age, o;
	unsigned hubs, c, k, nhub = 0, nrru = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->index = i;
	out->id = sim_printf("%s%06llu", r->prefix, (unsigned long long)i);
	if (out->id == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	sh = &r->shapes[pick(&rng, &r->shapes[0].weight, r->nshape, sizeof(*r->shapes))];
	gi = pick(&rng, &r->gens[0].weight, r->ngen, sizeof(*r->gens));
	rgi = gi;
	if (gi + 1 < r->ngen && sim_rng_unit(&rng) < r->mixed_rru)
		rgi = gi + 1;   /* RRUs swapped for the next generation */
	g = &r->gens[gi];
	rg = &r->gens[rgi];
	age = pick(&rng, r->spread, r->nspread, sizeof(double));
	idx = age < g->nrel ? g->nrel - 1 - age : 0;
	age = pick(&rng, r->spread, r->nspread, sizeof(double));
	ridx = rgi == gi ? idx : (age < rg->nrel ? rg->nrel - 1 - age : 0);
	out->uplink_mbps = r->uplink[0] + (double)sim_rng_below(&rng, (uint64_t)(r->uplink[1] - r->uplink[0]) + 1);

	if ((rc = add_dev(out, tm, &rng, SIM_ROLE_BBU, 1, g->hw[0], g->releases[idx], NULL)) != 0)
		return rc;
	hubs = between(&rng, sh->hubs);
	for (c = 0; c < hubs; c++) {
		unsigned len = between(&rng, sh->cascade);
		char parent[32] = "BBU1";

		for (k = 0; k < len; k++) {
			unsigned m = between(&rng, sh->rrus), j;
			char hub[32];

			snprintf(hub, sizeof(hub), "HUB%u", ++nhub);
			if ((rc = add_dev(out, tm, &rng, SIM_ROLE_HUB, nhub, g->hw[1],
					  dev_version(r, g, idx, &rng), parent)) != 0)
				return rc;
			for (j = 0; j < m; j++)
				if ((rc = add_dev(out, tm, &rng, SIM_ROLE_RRU, ++nrru, rg->hw[2],
						  dev_version(r, rg, ridx, &rng), hub)) != 0)
					return rc;
			memcpy(parent, hub, sizeof(parent));
		}
	}
	/* the store holds the last store_depth releases the site has installed, oldest first */
	for (o = r->store_depth; o-- > 0;) {
		if (o <= idx) {
			if ((rc = add_store(out, g->bbu_pkg[idx - o])) != 0)
				return rc;
			if (nhub > 0 && (rc = add_store(out, g->radio_pkg[idx - o])) != 0)
				return rc;
		}
		if (rgi != gi && nrru > 0 && o <= ridx &&
		    (rc = add_store(out, rg->radio_pkg[ridx - o])) != 0)
			return rc;
	}
	return 0;
}
