/* SPDX-License-Identifier: BSD-2-Clause */
/* A site entry of a scenario file (devices, store, events) and an event entry. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "scenario/fields.h"
#include "scenario/load_site.h"
#include "util.h"

/* The keys each object knows; a typo is refused with this list. */
static const char *const event_keys[] = { "kind", "site", "device", "package", "step", "fraction",
					  "write", NULL };
static const char *const device_keys[] = { "id", "role", "hw", "version", "parent", "duration_s",
					   "switch_s", "health_s", "link", NULL };
static const char *const link_keys[] = { "mbps", "latency_ms", NULL };
static const char *const site_keys[] = { "id", "region", "location", "uplink_mbps", "devices",
					 "store", "events", NULL };

int sim_load_event(struct sim_scenario *sc, struct sim_pctx *p, json_object *o,
		   const char *site_id)
{
	struct sim_fault f;
	const char *kind, *site = NULL, *dev = NULL, *pkg = NULL, *step = NULL;
	double fraction = 0.5, write = 0;
	int k, rc;
	long pi;

	memset(&f, 0, sizeof(f));
	if (!json_object_is_type(o, json_type_object))
		return sim_bad(p, "event", "must be an object");
	if ((rc = sim_get_str(&kind, p, o, "kind", 1)) != 0)
		return rc;
	if (sim_fault_parse(kind) == SIM_FAULT_SERVER_DOWN)
		return sim_bad(p, "server_down event", "belongs in the scenario's own \"events\": "
						       "a server goes down for every site");
	if ((rc = sim_keys_check(p, o, event_keys)) != 0 ||
	    (rc = sim_get_str(&site, p, o, "site", 0)) != 0 ||
	    (rc = sim_get_str(&dev, p, o, "device", 0)) != 0 ||
	    (rc = sim_get_str(&pkg, p, o, "package", 0)) != 0 ||
	    (rc = sim_get_str(&step, p, o, "step", 0)) != 0 ||
	    (rc = sim_get_num(&fraction, p, o, "fraction", 0, 0.999)) != 0 ||
	    (rc = sim_get_num(&write, p, o, "write", 1, 4294967295.0)) != 0)
		return rc;
	if (site_id != NULL)
		site = site_id;
	if (strcmp(kind, "corrupt") == 0) {
		/* a property of the server's copy, seen by every site that downloads it */
		if (pkg == NULL)
			return sim_bad(p, "corrupt event", "needs a package");
		pi = sim_catalog_find(&sc->cat, pkg);
		if (pi < 0 || !sc->cat.pkgs[pi].on_server)
			return sim_bad(p, "package", "of a corrupt event must be in the server's set");
		sc->cat.pkgs[pi].corrupt = 1;
		return 0;
	}
	k = sim_fault_parse(kind);
	if (k < 0)
		return sim_bad(p, "kind",
			   "must be stage, switch, health, cut, corrupt, master_crash, txn_crash or "
			   "downloader_down");
	if (k == SIM_FAULT_SERVER_DOWN)
		return sim_bad(p, "server_down event", "belongs in the scenario's own \"events\": "
						       "a server goes down for every site");
	f.kind = (enum sim_fault_kind)k;
	f.origin = "scenario";
	f.fraction = fraction;
	if (k <= SIM_FAULT_HEALTH && dev == NULL)
		return sim_bad(p, "event", "needs a device");
	if (k == SIM_FAULT_CRASH) {
		f.step = DUPG_STEP_LIST;
		if (step != NULL && dupg_apply_step_parse(&f.step, step) != 0)
			return sim_bad(p, "step", "must be journal_temp, journal, rollback_temp, rollback, "
					      "list_temp, list, delete or done");
	}
	if (k == SIM_FAULT_TXN_CRASH) {
		if (write < 1 || write != (double)(uint64_t)write)
			return sim_bad(p, "txn_crash event", "needs \"write\": a journal write, from 1");
		f.write = (uint64_t)write;
	}
	if (k == SIM_FAULT_DOWNLOADER_DOWN && site == NULL && site_id == NULL)
		return sim_bad(p, "downloader_down event", "needs a site: the member whose fetch it cuts");
	if (k == SIM_FAULT_CUT && pkg != NULL && sim_catalog_find(&sc->cat, pkg) < 0)
		return sim_bad(p, "package", "is not a package of the scenario");
	if (site == NULL && sc->nsites == 1)
		site = sc->sites[0].id;
	f.site = (char *)site;
	f.device = k <= SIM_FAULT_HEALTH ? (char *)dev : NULL;
	f.package = k == SIM_FAULT_CUT ? (char *)pkg : NULL;
	{
		char origin[400];
		snprintf(origin, sizeof(origin), "%s: %s", sc->file, p->where);
		return sim_scenario_place(sc, &f, origin);
	}
}

static int parse_dev(struct sim_site *s, const struct sim_timing *tm, struct sim_pctx *p,
		     json_object *o, size_t index)
{
	struct sim_dev *d;
	json_object *link;
	const char *id, *hw, *version, *role, *parent;
	double duration, sw, health;
	int r, rc;

	if (!json_object_is_type(o, json_type_object)) {
		char key[48];
		snprintf(key, sizeof(key), "devices[%zu]", index);
		return sim_bad(p, key, "must be an object");
	}
	if (!json_object_object_get_ex(o, "id", NULL)) {
		/* no name to give it: its place, counted from 1, and its index */
		size_t n = strlen(p->where);
		char what[64];

		snprintf(p->where + n, sizeof(p->where) - n, ": device #%zu", index + 1);
		if ((rc = sim_keys_check(p, o, device_keys)) != 0)
			return rc;
		p->where[n] = '\0';
		snprintf(what, sizeof(what), "#%zu (devices[%zu]) has no id", index + 1, index);
		return sim_bad(p, "device", what);
	}
	if ((rc = sim_get_str(&id, p, o, "id", 1)) != 0)
		return rc;
	{
		size_t n = strlen(p->where);
		snprintf(p->where + n, sizeof(p->where) - n, ": device %s", id);
	}
	if ((rc = sim_keys_check(p, o, device_keys)) != 0)
		return rc;
	if (!json_object_object_get_ex(o, "hw", NULL))
		return sim_bad(p, "hw", "is missing: every device needs a hardware type");
	if ((rc = sim_get_str(&hw, p, o, "hw", 1)) != 0 ||
	    (rc = sim_get_str(&version, p, o, "version", 1)) != 0 ||
	    (rc = sim_get_str(&role, p, o, "role", 1)) != 0 ||
	    (rc = sim_get_str(&parent, p, o, "parent", 0)) != 0)
		return rc;
	if ((r = sim_role_parse(role)) < 0)
		return sim_bad(p, "role", "must be bbu, hub or rru");
	duration = tm->duration_s[r];
	sw = tm->switch_s[r];
	health = tm->health_s[r];
	if ((rc = sim_get_num(&duration, p, o, "duration_s", 0, 86400.0 * 7)) != 0 ||
	    (rc = sim_get_num(&sw, p, o, "switch_s", 0, 86400)) != 0 ||
	    (rc = sim_get_num(&health, p, o, "health_s", 0, 86400)) != 0 ||
	    (rc = sim_get(&link, p, o, "link", json_type_object, 0)) != 0)
		return rc;
	if ((rc = sim_grow(&s->devs, &s->devcap, s->ndev + 1, sizeof(*s->devs))) != 0)
		return rc;
	d = &s->devs[s->ndev];
	memset(d, 0, sizeof(*d));
	d->role = (enum sim_role)r;
	d->duration_s = (uint32_t)duration;
	d->switch_s = sw;
	d->health_s = health;
	d->link_mbps = parent == NULL ? s->uplink_mbps : tm->link_mbps[r];
	d->latency_ms = tm->latency_ms;
	if (link != NULL) {
		struct sim_pctx q = *p;
		size_t n = strlen(q.where);
		snprintf(q.where + n, sizeof(q.where) - n, ": link");
		if ((rc = sim_keys_check(&q, link, link_keys)) != 0 ||
		    (rc = sim_get_num(&d->link_mbps, &q, link, "mbps", 0.001, 1e6)) != 0 ||
		    (rc = sim_get_num(&d->latency_ms, &q, link, "latency_ms", 0, 60000)) != 0)
			return rc;
	}
	s->ndev++;
	d->id = sim_strdup(id);
	d->hw = sim_strdup(hw);
	d->version = sim_strdup(version);
	d->parent = sim_strdup(parent);
	if (!d->id || !d->hw || !d->version || (parent && !d->parent))
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (parent == NULL)
		s->uplink_mbps = d->link_mbps;
	return 0;
}

/* The store's list: package names of the catalogue, each once, in list order. */
static int parse_store(struct sim_site *s, const struct sim_scenario *sc, const struct sim_pctx *p,
		       json_object *store)
{
	size_t i, n = store ? json_object_array_length(store) : 0;
	int rc;

	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(store, i);
		long pi;
		size_t j;

		if (!json_object_is_type(e, json_type_string))
			return sim_bad(p, "store", "must list package names");
		pi = sim_catalog_find(&sc->cat, json_object_get_string(e));
		if (pi < 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "names %s, which is not a package of the scenario",
				 json_object_get_string(e));
			return sim_bad(p, "store", msg);
		}
		for (j = 0; j < s->nstore; j++)
			if (s->store[j] == (size_t)pi)
				return sim_bad(p, "store", "lists a package twice");
		if ((rc = sim_grow(&s->store, &s->storecap, s->nstore + 1, sizeof(*s->store))) != 0)
			return rc;
		s->store[s->nstore++] = (size_t)pi;
	}
	return 0;
}

/* The devices, then the tree they make, checked now so a bad site fails at load. */
static int parse_devices(struct sim_site *s, const struct sim_scenario *sc,
			 const struct sim_pctx *p, json_object *devs)
{
	size_t i, n = json_object_array_length(devs);
	char origin[512];
	dupg_topology *t;
	int rc;

	if (n == 0)
		return sim_bad(p, "devices", "is empty: a site needs at least its master");
	for (i = 0; i < n; i++) {
		struct sim_pctx q = *p;
		if ((rc = parse_dev(s, &sc->timing, &q, json_object_array_get_idx(devs, i), i)) != 0)
			return rc;
	}
	snprintf(origin, sizeof(origin), "%s: site %s", sc->file, s->id);
	if ((rc = sim_site_topology(&t, s, origin)) != 0)
		return rc;
	dupg_topology_free(t);
	return 0;
}

int sim_load_site(struct sim_scenario *sc, struct sim_pctx *p, json_object *o, size_t index,
		  sim_map *ids)
{
	struct sim_site *s;
	json_object *devs, *store, *events;
	const char *id, *region, *location;
	size_t i, n;
	int rc;

	snprintf(p->where, sizeof(p->where), "sites[%zu]", index);
	if (!json_object_is_type(o, json_type_object))
		return sim_bad(p, "entry", "must be an object");
	if ((rc = sim_get_str(&id, p, o, "id", 1)) != 0)
		return rc;
	snprintf(p->where, sizeof(p->where), "site %s", id);
	if ((rc = sim_keys_check(p, o, site_keys)) != 0)
		return rc;
	if (!sim_name_ok(id))
		return sim_bad(p, "id", "may hold only letters, digits, '-', '_' and '.'");
	if (sim_map_get(ids, id) >= 0)
		return sim_bad(p, "id", "is used by two sites");
	if ((rc = sim_map_put(ids, id, index)) != 0)
		return rc;
	if ((rc = sim_grow(&sc->sites, &sc->sitecap, sc->nsites + 1, sizeof(*sc->sites))) != 0)
		return rc;
	s = &sc->sites[sc->nsites++];
	memset(s, 0, sizeof(*s));
	s->index = index;
	s->uplink_mbps = sc->timing.uplink_mbps;
	if ((s->id = sim_strdup(id)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = sim_get_str(&region, p, o, "region", 0)) != 0 ||
	    (rc = sim_get_str(&location, p, o, "location", 0)) != 0 ||
	    (rc = sim_get_num(&s->uplink_mbps, p, o, "uplink_mbps", 0.001, 1e6)) != 0 ||
	    (rc = sim_get(&devs, p, o, "devices", json_type_array, 1)) != 0 ||
	    (rc = sim_get(&store, p, o, "store", json_type_array, 0)) != 0 ||
	    (rc = sim_get(&events, p, o, "events", json_type_array, 0)) != 0)
		return rc;
	if (region != NULL && (s->region = sim_strdup(region)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (location != NULL && dupg_location_check(location) != 0) {
		char why[600];
		snprintf(why, sizeof(why), "is not valid: %s", dupg_error_last());
		return sim_bad(p, "location", why);
	}
	if (location != NULL && (s->location = sim_strdup(location)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = parse_devices(s, sc, p, devs)) != 0 || (rc = parse_store(s, sc, p, store)) != 0)
		return rc;
	n = events ? json_object_array_length(events) : 0;
	for (i = 0; i < n; i++) {
		struct sim_pctx q = *p;
		size_t len = strlen(q.where);
		snprintf(q.where + len, sizeof(q.where) - len, ": events[%zu]", i);
		if ((rc = sim_load_event(sc, &q, json_object_array_get_idx(events, i), id)) != 0)
			return rc;
	}
	return 0;
}
