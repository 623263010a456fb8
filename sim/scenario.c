/* Scenario files: packages, the server's set, sites and their stores, events, rollout. */
#include "config.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* Scenario files are small; recipes make big fleets without big files. */
#define SCENARIO_MAX_BYTES (64u * 1024u * 1024u)

/* ---- typed getters: every error names the file, the place and the key -- */

struct pctx {
	const char *file;
	char where[256];   /* "site fig3a: device HUB1" */
};

static int bad(const struct pctx *p, const char *key, const char *what)
{
	if (p->where[0] != '\0')
		return sim_error(DUPG_EFORMAT, "%s: %s: %s %s", p->file, p->where, key, what);
	return sim_error(DUPG_EFORMAT, "%s: %s %s", p->file, key, what);
}

/* 0 and *out NULL when absent (or null) and not required. */
static int get(json_object **out, const struct pctx *p, json_object *o, const char *key,
	       json_type type, int required)
{
	json_object *v = NULL;
	static const char *const tnames[] = { "null", "a boolean", "a number", "a number",
					      "an object", "an array", "a string" };

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		if (required)
			return bad(p, key, "is missing");
		return 0;
	}
	if (type == json_type_double) {
		if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
			return bad(p, key, "must be a number");
	} else if (!json_object_is_type(v, type)) {
		char msg[64];
		snprintf(msg, sizeof(msg), "must be %s", tnames[type]);
		return bad(p, key, msg);
	}
	*out = v;
	return 0;
}

static int get_str(const char **out, const struct pctx *p, json_object *o, const char *key,
		   int required)
{
	json_object *v;
	int rc = get(&v, p, o, key, json_type_string, required);

	*out = NULL;
	if (rc != 0 || v == NULL)
		return rc;
	if (json_object_get_string_len(v) == 0)
		return bad(p, key, "is empty");
	*out = json_object_get_string(v);
	return 0;
}

/* A number in [lo, hi]; *out keeps its default when absent. */
static int get_num(double *out, const struct pctx *p, json_object *o, const char *key, double lo,
		   double hi)
{
	json_object *v;
	double d;
	int rc = get(&v, p, o, key, json_type_double, 0);

	if (rc != 0 || v == NULL)
		return rc;
	d = json_object_get_double(v);
	if (!(d >= lo && d <= hi) || !isfinite(d)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "must be between %g and %g", lo, hi);
		return bad(p, key, msg);
	}
	*out = d;
	return 0;
}

/* {"bbu": N, "hub": N, "rru": N} or one number for every role. */
static int get_per_role(double out[3], const struct pctx *p, json_object *o, const char *key,
			double lo, double hi)
{
	json_object *v;
	int rc, r;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object)) {
		struct pctx q = *p;
		snprintf(q.where, sizeof(q.where), "%.200s%s%.40s", p->where, p->where[0] ? ": " : "", key);
		for (r = 0; r < 3; r++)
			if ((rc = get_num(&out[r], &q, v, sim_role_name((enum sim_role)r), lo, hi)) != 0)
				return rc;
		return 0;
	}
	{
		double d = -1;
		rc = get_num(&d, p, o, key, lo, hi);
		if (rc == 0 && d >= 0)
			for (r = 0; r < 3; r++)
				out[r] = d;
		return rc;
	}
}

/* ---- packages ------------------------------------------------------------ */

long sim_scenario_find_pkg(const struct sim_scenario *sc, const char *name)
{
	return sim_map_get(sc->pkg_by_name, name);
}

int sim_scenario_add_pkg(struct sim_scenario *sc, const struct sim_pkg *p, size_t *index)
{
	struct sim_pkg *q;
	size_t i;
	int rc;

	if ((rc = sim_grow(&sc->pkgs, &sc->pkgcap, sc->npkg + 1, sizeof(*sc->pkgs))) != 0)
		return rc;
	q = &sc->pkgs[sc->npkg];
	memset(q, 0, sizeof(*q));
	q->name = sim_strdup(p->name);
	q->version = sim_strdup(p->version);
	q->hw = calloc(p->hw_count, sizeof(*q->hw));
	q->hw_count = p->hw_count;
	q->payload_bytes = p->payload_bytes;
	q->files = p->files;
	q->on_server = p->on_server;
	q->set_index = -1;
	sc->npkg++;
	if (q->name == NULL || q->version == NULL || q->hw == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < p->hw_count; i++)
		if ((q->hw[i] = sim_strdup(p->hw[i])) == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
	*index = sc->npkg - 1;
	return sim_map_put(sc->pkg_by_name, p->name, sc->npkg - 1);
}

/* Package names become file names in stores: keep them to a safe alphabet. */
static int name_ok(const char *s)
{
	if (*s == '.' || *s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int parse_pkg(struct sim_scenario *sc, struct pctx *p, json_object *o)
{
	struct sim_pkg pkg;
	json_object *hw;
	const char *hwv[64];
	double kib = 64, files = 1;
	size_t i, n, idx;
	int rc;

	memset(&pkg, 0, sizeof(pkg));
	if (!json_object_is_type(o, json_type_object))
		return bad(p, "entry", "must be an object");
	if ((rc = get_str((const char **)&pkg.name, p, o, "name", 1)) != 0)
		return rc;
	snprintf(p->where, sizeof(p->where), "package %s", pkg.name);
	if (!name_ok(pkg.name))
		return bad(p, "name", "may hold only letters, digits, '-', '_' and '.'");
	if (sim_scenario_find_pkg(sc, pkg.name) >= 0)
		return bad(p, "name", "is used twice");
	if ((rc = get_str((const char **)&pkg.version, p, o, "version", 1)) != 0 ||
	    (rc = get(&hw, p, o, "hw", json_type_array, 1)) != 0 ||
	    (rc = get_num(&kib, p, o, "payload_kib", 0, 1024.0 * 1024)) != 0 ||
	    (rc = get_num(&files, p, o, "files", 1, 64)) != 0)
		return rc;
	n = json_object_array_length(hw);
	if (n == 0)
		return bad(p, "hw", "is empty");
	if (n > sizeof(hwv) / sizeof(hwv[0]))
		return bad(p, "hw", "lists too many hardware types");
	for (i = 0; i < n; i++) {
		json_object *h = json_object_array_get_idx(hw, i);
		if (!json_object_is_type(h, json_type_string) || json_object_get_string_len(h) == 0)
			return bad(p, "hw", "must list non-empty strings");
		hwv[i] = json_object_get_string(h);
	}
	pkg.hw = (char **)hwv;
	pkg.hw_count = n;
	pkg.payload_bytes = (uint64_t)(kib * 1024);
	pkg.files = (unsigned)files;
	return sim_scenario_add_pkg(sc, &pkg, &idx);
}

/* ---- faults and events ----------------------------------------------------- */

static void fault_clear(struct sim_fault *f)
{
	free(f->site);
	free(f->device);
	free(f->package);
}

static int fault_copy(struct sim_fault *dst, const struct sim_fault *src)
{
	*dst = *src;
	dst->site = sim_strdup(src->site);
	dst->device = sim_strdup(src->device);
	dst->package = sim_strdup(src->package);
	if ((src->site && !dst->site) || (src->device && !dst->device) ||
	    (src->package && !dst->package)) {
		fault_clear(dst);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	return 0;
}

int sim_site_add_fault(struct sim_site *s, const struct sim_fault *f)
{
	int rc = sim_grow(&s->faults, &s->faultcap, s->nfaults + 1, sizeof(*s->faults));

	if (rc == 0)
		rc = fault_copy(&s->faults[s->nfaults], f);
	if (rc == 0)
		s->nfaults++;
	return rc;
}

static int add_event(struct sim_scenario *sc, const struct sim_fault *f)
{
	int rc = sim_grow(&sc->events, &sc->eventcap, sc->nevents + 1, sizeof(*sc->events));

	if (rc == 0)
		rc = fault_copy(&sc->events[sc->nevents], f);
	if (rc == 0)
		sc->nevents++;
	return rc;
}

static long find_site(const struct sim_scenario *sc, const char *id)
{
	size_t i;

	for (i = 0; i < sc->nsites; i++)
		if (strcmp(sc->sites[i].id, id) == 0)
			return (long)i;
	return -1;
}

static int site_has_device(const struct sim_site *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->ndev; i++)
		if (strcmp(s->devs[i].id, id) == 0)
			return 1;
	return 0;
}

/*
 * Tie a fault to the listed sites it names, checking what can be checked:
 * the site exists, the device exists there. Recipe fleets keep it in
 * sc->events and match it when a site is generated.
 */
static int place_fault(struct sim_scenario *sc, const struct sim_fault *f, const char *origin)
{
	size_t i, hits = 0;

	if (sc->recipe != NULL)
		return add_event(sc, f);
	for (i = 0; i < sc->nsites; i++) {
		struct sim_site *s = &sc->sites[i];
		int rc;

		if (f->site != NULL && strcmp(f->site, s->id) != 0)
			continue;
		if (f->device != NULL && !site_has_device(s, f->device)) {
			if (f->site != NULL)
				return sim_error(DUPG_ENOTFOUND, "%s: site %s has no device %s",
						 origin, s->id, f->device);
			continue;
		}
		if ((rc = sim_site_add_fault(s, f)) != 0)
			return rc;
		hits++;
	}
	if (hits == 0 && f->site != NULL)
		return sim_error(DUPG_ENOTFOUND, "%s: no site %s in %s", origin, f->site, sc->file);
	if (hits == 0)
		return sim_error(DUPG_ENOTFOUND, "%s: no device %s in %s", origin,
				 f->device ? f->device : "?", sc->file);
	return 0;
}

int sim_scenario_add_event(struct sim_scenario *sc, const struct sim_fault *f, const char *origin)
{

	if (f->kind == SIM_FAULT_CUT && f->package != NULL && sim_scenario_find_pkg(sc, f->package) < 0)
		return sim_error(DUPG_ENOTFOUND, "%s: no package %s in %s", origin, f->package,
				 sc->file);
	return place_fault(sc, f, origin);
}

static int parse_event(struct sim_scenario *sc, struct pctx *p, json_object *o,
		       const char *site_id)
{
	struct sim_fault f;
	const char *kind, *site = NULL, *dev = NULL, *pkg = NULL, *step = NULL;
	double fraction = 0.5;
	int k, rc;
	long pi;

	memset(&f, 0, sizeof(f));
	if (!json_object_is_type(o, json_type_object))
		return bad(p, "event", "must be an object");
	if ((rc = get_str(&kind, p, o, "kind", 1)) != 0 ||
	    (rc = get_str(&site, p, o, "site", 0)) != 0 ||
	    (rc = get_str(&dev, p, o, "device", 0)) != 0 ||
	    (rc = get_str(&pkg, p, o, "package", 0)) != 0 ||
	    (rc = get_str(&step, p, o, "step", 0)) != 0 ||
	    (rc = get_num(&fraction, p, o, "fraction", 0, 0.999)) != 0)
		return rc;
	if (site_id != NULL)
		site = site_id;
	if (strcmp(kind, "corrupt") == 0) {
		/* a property of the server's copy, seen by every site that downloads it */
		if (pkg == NULL)
			return bad(p, "corrupt event", "needs a package");
		pi = sim_scenario_find_pkg(sc, pkg);
		if (pi < 0 || !sc->pkgs[pi].on_server)
			return bad(p, "package", "of a corrupt event must be in the server's set");
		sc->pkgs[pi].corrupt = 1;
		return 0;
	}
	k = sim_fault_parse(kind);
	if (k < 0)
		return bad(p, "kind",
			   "must be stage, switch, health, cut, corrupt or master_crash");
	f.kind = (enum sim_fault_kind)k;
	f.origin = "scenario";
	f.fraction = fraction;
	if (k <= SIM_FAULT_HEALTH && dev == NULL)
		return bad(p, "event", "needs a device");
	if (k == SIM_FAULT_CRASH) {
		f.step = DUPG_STEP_LIST;
		if (step != NULL && dupg_apply_step_parse(&f.step, step) != 0)
			return bad(p, "step", "must be journal_temp, journal, rollback_temp, rollback, "
					      "list_temp, list, delete or done");
	}
	if (k == SIM_FAULT_CUT && pkg != NULL && sim_scenario_find_pkg(sc, pkg) < 0)
		return bad(p, "package", "is not a package of the scenario");
	if (site == NULL && sc->nsites == 1)
		site = sc->sites[0].id;
	f.site = (char *)site;
	f.device = k <= SIM_FAULT_HEALTH ? (char *)dev : NULL;
	f.package = k == SIM_FAULT_CUT ? (char *)pkg : NULL;
	{
		char origin[400];
		snprintf(origin, sizeof(origin), "%s: %s", sc->file, p->where);
		return place_fault(sc, &f, origin);
	}
}

/* ---- sites ---------------------------------------------------------------- */

void sim_site_clear(struct sim_site *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndev; i++) {
		free(s->devs[i].id);
		free(s->devs[i].hw);
		free(s->devs[i].version);
		free(s->devs[i].parent);
	}
	for (i = 0; i < s->nfaults; i++)
		fault_clear(&s->faults[i]);
	free(s->devs);
	free(s->store);
	free(s->faults);
	free(s->id);
	free(s->region);
	memset(s, 0, sizeof(*s));
}

int sim_site_topology(dupg_topology **out, const struct sim_site *s, const char *origin)
{
	dupg_topology *t;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = dupg_topology_new(&t)) != 0)
		return sim_error_lib(rc, "%s", origin);
	for (i = 0; i < s->ndev; i++) {
		const struct sim_dev *d = &s->devs[i];
		dupg_device_vd vd = { d->id, d->hw, d->version, d->duration_s };

		rc = dupg_topology_add(t, &vd, d->parent);
		if (rc == DUPG_EEXISTS) {
			rc = sim_error(DUPG_EFORMAT, "%s: duplicate device id %s", origin, d->id);
			break;
		}
		if (rc != 0) {
			rc = sim_error_lib(rc, "%s: device %s", origin, d->id);
			break;
		}
	}
	if (rc == 0 && (rc = dupg_topology_check(t, origin)) != 0)
		rc = sim_error(rc, "%s", dupg_error_last());
	/* roles: the library knows a master and its tree; the simulator knows BBUs, HUBs and RRUs */
	for (i = 0; rc == 0 && i < s->ndev; i++) {
		const struct sim_dev *d = &s->devs[i];
		size_t parent = dupg_topology_parent(t, i);

		if (parent == DUPG_NONE && d->role != SIM_ROLE_BBU)
			rc = sim_error(DUPG_EFORMAT, "%s: device %s: the master must have role bbu",
				       origin, d->id);
		else if (parent != DUPG_NONE && d->role == SIM_ROLE_BBU)
			rc = sim_error(DUPG_EFORMAT, "%s: device %s: a bbu must be the master "
						     "(it has parent %s)", origin, d->id, d->parent);
		else if (parent != DUPG_NONE && s->devs[parent].role == SIM_ROLE_RRU)
			rc = sim_error(DUPG_EFORMAT, "%s: device %s: parent %s is an rru, which has "
						     "no devices behind it", origin, d->id, d->parent);
	}
	if (rc != 0) {
		dupg_topology_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static int parse_dev(struct sim_site *s, const struct sim_timing *tm, struct pctx *p,
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
		return bad(p, key, "must be an object");
	}
	if ((rc = get_str(&id, p, o, "id", 1)) != 0)
		return rc;
	{
		size_t n = strlen(p->where);
		snprintf(p->where + n, sizeof(p->where) - n, ": device %s", id);
	}
	if (!json_object_object_get_ex(o, "hw", NULL))
		return bad(p, "hw", "is missing: every device needs a hardware type");
	if ((rc = get_str(&hw, p, o, "hw", 1)) != 0 ||
	    (rc = get_str(&version, p, o, "version", 1)) != 0 ||
	    (rc = get_str(&role, p, o, "role", 1)) != 0 ||
	    (rc = get_str(&parent, p, o, "parent", 0)) != 0)
		return rc;
	if ((r = sim_role_parse(role)) < 0)
		return bad(p, "role", "must be bbu, hub or rru");
	duration = tm->duration_s[r];
	sw = tm->switch_s[r];
	health = tm->health_s[r];
	if ((rc = get_num(&duration, p, o, "duration_s", 0, 86400.0 * 7)) != 0 ||
	    (rc = get_num(&sw, p, o, "switch_s", 0, 86400)) != 0 ||
	    (rc = get_num(&health, p, o, "health_s", 0, 86400)) != 0 ||
	    (rc = get(&link, p, o, "link", json_type_object, 0)) != 0)
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
		struct pctx q = *p;
		size_t n = strlen(q.where);
		snprintf(q.where + n, sizeof(q.where) - n, ": link");
		if ((rc = get_num(&d->link_mbps, &q, link, "mbps", 0.001, 1e6)) != 0 ||
		    (rc = get_num(&d->latency_ms, &q, link, "latency_ms", 0, 60000)) != 0)
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

static int parse_site(struct sim_scenario *sc, struct pctx *p, json_object *o, size_t index,
		      sim_map *ids)
{
	struct sim_site *s;
	json_object *devs, *store, *events;
	const char *id, *region;
	char origin[512];
	dupg_topology *t;
	size_t i, n;
	int rc;

	snprintf(p->where, sizeof(p->where), "sites[%zu]", index);
	if (!json_object_is_type(o, json_type_object))
		return bad(p, "entry", "must be an object");
	if ((rc = get_str(&id, p, o, "id", 1)) != 0)
		return rc;
	snprintf(p->where, sizeof(p->where), "site %s", id);
	if (!name_ok(id))
		return bad(p, "id", "may hold only letters, digits, '-', '_' and '.'");
	if (sim_map_get(ids, id) >= 0)
		return bad(p, "id", "is used by two sites");
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
	if ((rc = get_str(&region, p, o, "region", 0)) != 0 ||
	    (rc = get_num(&s->uplink_mbps, p, o, "uplink_mbps", 0.001, 1e6)) != 0 ||
	    (rc = get(&devs, p, o, "devices", json_type_array, 1)) != 0 ||
	    (rc = get(&store, p, o, "store", json_type_array, 0)) != 0 ||
	    (rc = get(&events, p, o, "events", json_type_array, 0)) != 0)
		return rc;
	if (region != NULL && (s->region = sim_strdup(region)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	n = json_object_array_length(devs);
	if (n == 0)
		return bad(p, "devices", "is empty: a site needs at least its master");
	for (i = 0; i < n; i++) {
		struct pctx q = *p;
		if ((rc = parse_dev(s, &sc->timing, &q, json_object_array_get_idx(devs, i), i)) != 0)
			return rc;
	}
	snprintf(origin, sizeof(origin), "%s: site %s", sc->file, id);
	if ((rc = sim_site_topology(&t, s, origin)) != 0)
		return rc;
	dupg_topology_free(t);
	n = store ? json_object_array_length(store) : 0;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(store, i);
		long pi;
		size_t j;

		if (!json_object_is_type(e, json_type_string))
			return bad(p, "store", "must list package names");
		pi = sim_scenario_find_pkg(sc, json_object_get_string(e));
		if (pi < 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "names %s, which is not a package of the scenario",
				 json_object_get_string(e));
			return bad(p, "store", msg);
		}
		for (j = 0; j < s->nstore; j++)
			if (s->store[j] == (size_t)pi)
				return bad(p, "store", "lists a package twice");
		if ((rc = sim_grow(&s->store, &s->storecap, s->nstore + 1, sizeof(*s->store))) != 0)
			return rc;
		s->store[s->nstore++] = (size_t)pi;
	}
	n = events ? json_object_array_length(events) : 0;
	for (i = 0; i < n; i++) {
		struct pctx q = *p;
		size_t len = strlen(q.where);
		snprintf(q.where + len, sizeof(q.where) - len, ": events[%zu]", i);
		if ((rc = parse_event(sc, &q, json_object_array_get_idx(events, i), id)) != 0)
			return rc;
	}
	return 0;
}

/* ---- what comes next: deployment-server clusters and regions -------------- */

/*
 * Parsed and validated so files written for a later version fail loudly when
 * malformed, but not simulated yet: every site downloads from the one
 * management server.
 */
static int parse_reserved(struct sim_scenario *sc, struct pctx *p, json_object *root,
			  sim_map *regions)
{
	json_object *server, *arr;
	size_t i, n;
	int rc;

	if ((rc = get(&arr, p, root, "regions", json_type_array, 0)) != 0)
		return rc;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *r = json_object_array_get_idx(arr, i);
		const char *id, *dl;
		struct pctx q = *p;

		snprintf(q.where, sizeof(q.where), "regions[%zu]", i);
		if (!json_object_is_type(r, json_type_object))
			return bad(&q, "entry", "must be an object");
		if ((rc = get_str(&id, &q, r, "id", 1)) != 0 ||
		    (rc = get_str(&dl, &q, r, "downloader", 0)) != 0)
			return rc;
		if (dl != NULL && strcmp(dl, "each") != 0 && strcmp(dl, "elect") != 0)
			return bad(&q, "downloader", "must be each or elect");
		if (sim_map_get(regions, id) >= 0)
			return bad(&q, "id", "is used by two regions");
		if ((rc = sim_map_put(regions, id, i)) != 0)
			return rc;
	}
	sc->regions = n;
	if ((rc = get(&server, p, root, "server", json_type_object, 0)) != 0 || server == NULL)
		return rc;
	if ((rc = get(&arr, p, server, "deployment_servers", json_type_array, 0)) != 0)
		return rc;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(arr, i);
		const char *id, *region;
		struct pctx q = *p;

		snprintf(q.where, sizeof(q.where), "server: deployment_servers[%zu]", i);
		if (!json_object_is_type(d, json_type_object))
			return bad(&q, "entry", "must be an object");
		if ((rc = get_str(&id, &q, d, "id", 1)) != 0 ||
		    (rc = get_str(&region, &q, d, "region", 0)) != 0)
			return rc;
		if (region != NULL && sim_map_get(regions, region) < 0)
			return bad(&q, "region", "names no region of the scenario");
	}
	sc->deployment_servers = n;
	return 0;
}

static int parse_rollout(struct sim_scenario *sc, struct pctx *p, json_object *root)
{
	json_object *ro, *waves;
	size_t i, n;
	int rc;

	if ((rc = get(&ro, p, root, "rollout", json_type_object, 0)) != 0)
		return rc;
	if (ro == NULL)
		return 0;
	snprintf(p->where, sizeof(p->where), "rollout");
	if ((rc = get(&waves, p, ro, "waves", json_type_array, 0)) != 0 ||
	    (rc = get_num(&sc->halt_threshold, p, ro, "halt_threshold", 0, 1)) != 0)
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
				return bad(p, "waves", "must be increasing fractions of the fleet in (0, 1]");
			w[sc->nwaves++] = d;
		}
		/* the last wave always takes the rest */
		if (sc->nwaves == 0 || w[sc->nwaves - 1] < 1)
			w[sc->nwaves++] = 1;
	}
	p->where[0] = '\0';
	return 0;
}

static int parse_rates(struct sim_scenario *sc, struct pctx *p, json_object *root)
{
	json_object *f;
	int k, rc;

	if ((rc = get(&f, p, root, "faults", json_type_object, 0)) != 0 || f == NULL)
		return rc;
	snprintf(p->where, sizeof(p->where), "faults");
	for (k = 0; k < SIM_FAULT_KINDS; k++)
		if ((rc = get_num(&sc->rates.p[k], p, f, sim_fault_name((enum sim_fault_kind)k), 0, 1)) != 0)
			return rc;
	p->where[0] = '\0';
	return 0;
}

static int parse_timing(struct sim_scenario *sc, struct pctx *p, json_object *root)
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
	if ((rc = get(&t, p, root, "timing", json_type_object, 0)) != 0 || t == NULL)
		return rc;
	snprintf(p->where, sizeof(p->where), "timing");
	if ((rc = get_per_role(tm->duration_s, p, t, "duration_s", 0, 86400.0 * 7)) != 0 ||
	    (rc = get_per_role(tm->switch_s, p, t, "switch_s", 0, 86400)) != 0 ||
	    (rc = get_per_role(tm->health_s, p, t, "health_s", 0, 86400)) != 0 ||
	    (rc = get_per_role(tm->link_mbps, p, t, "link_mbps", 0.001, 1e6)) != 0 ||
	    (rc = get_num(&tm->latency_ms, p, t, "latency_ms", 0, 60000)) != 0 ||
	    (rc = get_num(&tm->uplink_mbps, p, t, "uplink_mbps", 0.001, 1e6)) != 0)
		return rc;
	p->where[0] = '\0';
	return 0;
}

static int parse(struct sim_scenario *sc, json_object *root)
{
	struct pctx p = { sc->file, "" };
	json_object *arr, *server, *fleet, *sites, *events;
	sim_map *ids = NULL, *regions = NULL;
	const char *name;
	double format = 0, seed = -1;
	size_t i, n;
	int rc;

	p.file = sc->file;
	if (!json_object_is_type(root, json_type_object))
		return sim_error(DUPG_EFORMAT, "%s: a scenario must be a JSON object", sc->file);
	if ((rc = get_num(&format, &p, root, "format", 0, 1e9)) != 0)
		return rc;
	if (!json_object_object_get_ex(root, "format", NULL))
		return bad(&p, "format", "is missing (this simulator reads format 1)");
	if (format != 1)
		return sim_error(DUPG_EUNSUPPORTED, "%s: format %g is not supported (this simulator "
						    "reads format 1)", sc->file, format);
	if ((rc = get_str(&name, &p, root, "name", 0)) != 0 ||
	    (rc = get_num(&seed, &p, root, "seed", 0, 9007199254740991.0)) != 0)
		return rc;
	sc->name = sim_strdup(name ? name : sc->base);
	if (sc->name == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (seed >= 0) {
		sc->seed = (uint64_t)seed;
		sc->has_seed = 1;
	}
	if ((rc = parse_timing(sc, &p, root)) != 0 || (rc = parse_rates(sc, &p, root)) != 0 ||
	    (rc = parse_rollout(sc, &p, root)) != 0)
		return rc;
	if ((rc = sim_map_new(&ids)) != 0 || (rc = sim_map_new(&regions)) != 0)
		goto out;
	if ((rc = parse_reserved(sc, &p, root, regions)) != 0)
		goto out;

	/* packages: described ones first, then the recipe's generated ones */
	if ((rc = get(&arr, &p, root, "packages", json_type_array, 0)) != 0)
		goto out;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		snprintf(p.where, sizeof(p.where), "packages[%zu]", i);
		if ((rc = parse_pkg(sc, &p, json_object_array_get_idx(arr, i))) != 0)
			goto out;
	}
	p.where[0] = '\0';
	if ((rc = get(&sites, &p, root, "sites", json_type_array, 0)) != 0 ||
	    (rc = get(&fleet, &p, root, "fleet", json_type_object, 0)) != 0)
		goto out;
	if ((sites == NULL) == (fleet == NULL)) {
		rc = sim_error(DUPG_EFORMAT, "%s: a scenario has either \"sites\" (listed) or "
					     "\"fleet\" (a recipe)", sc->file);
		goto out;
	}
	if (fleet != NULL && (rc = sim_recipe_parse(sc, fleet)) != 0)
		goto out;

	/* the server's set: listed names; a recipe has already marked its own */
	if ((rc = get(&server, &p, root, "server", json_type_object, 0)) != 0)
		goto out;
	arr = NULL;
	if (server != NULL) {
		snprintf(p.where, sizeof(p.where), "server");
		if ((rc = get(&arr, &p, server, "packages", json_type_array, 0)) != 0)
			goto out;
	}
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		long pi = json_object_is_type(e, json_type_string) ?
				  sim_scenario_find_pkg(sc, json_object_get_string(e)) : -1;
		if (pi < 0) {
			rc = bad(&p, "packages", "must name packages of the scenario");
			goto out;
		}
		if (sc->pkgs[pi].on_server) {
			rc = bad(&p, "packages", "lists a package twice");
			goto out;
		}
		sc->pkgs[pi].on_server = 1;
	}
	p.where[0] = '\0';
	n = sites ? json_object_array_length(sites) : 0;
	if (sites != NULL && n == 0) {
		rc = bad(&p, "sites", "is empty");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((rc = parse_site(sc, &p, json_object_array_get_idx(sites, i), i, ids)) != 0)
			goto out;
		if (sc->sites[i].region != NULL && sim_map_get(regions, sc->sites[i].region) < 0) {
			rc = bad(&p, "region", "names no region of the scenario");
			goto out;
		}
	}
	p.where[0] = '\0';
	if ((rc = get(&events, &p, root, "events", json_type_array, 0)) != 0)
		goto out;
	n = events ? json_object_array_length(events) : 0;
	for (i = 0; i < n; i++) {
		snprintf(p.where, sizeof(p.where), "events[%zu]", i);
		if ((rc = parse_event(sc, &p, json_object_array_get_idx(events, i), NULL)) != 0)
			goto out;
	}
	for (i = 0, n = 0; i < sc->npkg; i++)
		n += sc->pkgs[i].on_server != 0;
	if (n == 0)
		rc = sim_error(DUPG_EFORMAT, "%s: the server's package set is empty", sc->file);
out:
	sim_map_free(ids);
	sim_map_free(regions);
	return rc;
}

int sim_scenario_load(struct sim_scenario **out, const char *file)
{
	struct sim_scenario *sc;
	json_object *root;
	const char *slash;
	int rc;

	*out = NULL;
	sc = calloc(1, sizeof(*sc));
	if (sc == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	slash = strrchr(file, '/');
	sc->file = sim_strdup(file);
	sc->base = sim_strdup(slash ? slash + 1 : file);
	sc->seed = 1;
	sc->halt_threshold = 0.05;
	if (sc->file == NULL || sc->base == NULL || (rc = sim_map_new(&sc->pkg_by_name)) != 0) {
		sim_scenario_free(sc);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	rc = sim_json_load(&root, file, SCENARIO_MAX_BYTES);
	if (rc == 0) {
		rc = parse(sc, root);
		json_object_put(root);
	}
	if (rc != 0) {
		sim_scenario_free(sc);
		return rc;
	}
	*out = sc;
	return 0;
}

void sim_scenario_free(struct sim_scenario *sc)
{
	size_t i, j;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->npkg; i++) {
		struct sim_pkg *p = &sc->pkgs[i];
		for (j = 0; j < p->hw_count && p->hw != NULL; j++)
			free(p->hw[j]);
		free(p->hw);
		free(p->name);
		free(p->version);
		free(p->base);
		free(p->file);
	}
	for (i = 0; i < sc->nsites; i++)
		sim_site_clear(&sc->sites[i]);
	for (i = 0; i < sc->nevents; i++)
		fault_clear(&sc->events[i]);
	sim_recipe_free(sc->recipe);
	sim_map_free(sc->pkg_by_name);
	free(sc->events);
	free(sc->sites);
	free(sc->pkgs);
	free(sc->waves);
	free(sc->name);
	free(sc->base);
	free(sc->file);
	free(sc);
}

uint64_t sim_scenario_site_count(const struct sim_scenario *sc)
{
	return sc->recipe != NULL ? sim_recipe_count(sc->recipe) : sc->nsites;
}

static int site_copy(struct sim_site *dst, const struct sim_site *src)
{
	size_t i;
	int rc = 0;

	memset(dst, 0, sizeof(*dst));
	dst->id = sim_strdup(src->id);
	dst->region = sim_strdup(src->region);
	dst->uplink_mbps = src->uplink_mbps;
	dst->index = src->index;
	if (dst->id == NULL || (src->region && dst->region == NULL))
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = sim_grow(&dst->devs, &dst->devcap, src->ndev, sizeof(*dst->devs))) != 0 ||
	    (src->nstore > 0 &&
	     (rc = sim_grow(&dst->store, &dst->storecap, src->nstore, sizeof(*dst->store))) != 0))
		return rc;
	for (i = 0; i < src->ndev; i++) {
		struct sim_dev *d = &dst->devs[dst->ndev++];
		*d = src->devs[i];
		d->id = sim_strdup(src->devs[i].id);
		d->hw = sim_strdup(src->devs[i].hw);
		d->version = sim_strdup(src->devs[i].version);
		d->parent = sim_strdup(src->devs[i].parent);
		if (!d->id || !d->hw || !d->version || (src->devs[i].parent && !d->parent))
			return sim_error(DUPG_ENOMEM, "out of memory");
	}
	if (src->nstore > 0)
		memcpy(dst->store, src->store, src->nstore * sizeof(*src->store));
	dst->nstore = src->nstore;
	for (i = 0; i < src->nfaults; i++)
		if ((rc = sim_site_add_fault(dst, &src->faults[i])) != 0)
			return rc;
	return 0;
}

int sim_scenario_site(struct sim_site *out, const struct sim_scenario *sc, uint64_t i)
{
	size_t k;
	int rc;

	if (sc->recipe != NULL)
		rc = sim_recipe_site(out, sc, i);
	else
		rc = site_copy(out, &sc->sites[i]);
	if (rc != 0) {
		sim_site_clear(out);
		return rc;
	}
	/* recipe sites pick up the scenario's and the command line's events here */
	for (k = 0; sc->recipe != NULL && k < sc->nevents; k++) {
		const struct sim_fault *f = &sc->events[k];
		if (f->site != NULL && strcmp(f->site, out->id) != 0)
			continue;
		if (f->device != NULL && !site_has_device(out, f->device))
			continue;
		if ((rc = sim_site_add_fault(out, f)) != 0) {
			sim_site_clear(out);
			return rc;
		}
	}
	return 0;
}

long sim_scenario_find_site(const struct sim_scenario *sc, const char *id)
{
	return find_site(sc, id);
}
