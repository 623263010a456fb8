/* SPDX-License-Identifier: BSD-2-Clause */
/* The server's work, over the store and the package index; every decision is libdupg's. */
#include "config.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int srv_site_id_valid(const char *id)
{
	size_t i, n = id ? strlen(id) : 0;

	if (n == 0 || n > SRV_SITE_ID_MAX || id[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

/* A request body as a JSON object; DUPG_EFORMAT naming the problem. */
static int parse_object(json_object **out, const char *body, size_t len, const char *what)
{
	json_tokener *tok;
	json_object *o;

	*out = NULL;
	if (len > (size_t)INT32_MAX)
		return dupg__error(DUPG_EFORMAT, "%s: too long", what);
	tok = json_tokener_new();
	if (tok == NULL)
		return dupg__error_nomem();
	o = json_tokener_parse_ex(tok, body ? body : "", (int)len);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		json_object_put(o);
		json_tokener_free(tok);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: %s", what,
				   e == json_tokener_continue || e == json_tokener_success
					   ? "unexpected end or trailing data" : json_tokener_error_desc(e));
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return dupg__error(DUPG_EFORMAT, "%s: expected a JSON object", what);
	}
	*out = o;
	return 0;
}

/* An optional string member; DUPG_EFORMAT when it is there with another type. */
static int get_string(const char **out, json_object *o, const char *key, const char *what, int required)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return dupg__error(DUPG_EFORMAT, "%s: \"%s\" is missing", what, key);
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be a string", what, key);
	*out = json_object_get_string(v);
	return 0;
}

static char *to_text(json_object *o)
{
	char *s = dupg__strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

	if (s == NULL)
		dupg__error_nomem();
	return s;
}

/* Shortest text that strtod reads back as v. */
static void fmt_double(char *buf, size_t n, double v)
{
	int prec;

	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, n, "%.17g", v);
}

/* A JSON number written as the shortest text that reads back as v. */
static json_object *new_double(double v)
{
	char buf[40];

	fmt_double(buf, sizeof(buf), v);
	return json_object_new_double_s(v, buf);
}

/* --- registration and authorization ---------------------------------------- */

struct register_ctx {
	const char *id, *hash;
};

static int register_txn(struct srv_txn *t, void *arg)
{
	struct register_ctx *c = arg;
	int rc = srv_txn_site_add(t, c->id, c->hash, now_ms());

	if (rc == DUPG_EEXISTS)
		return dupg__error(DUPG_EEXISTS, "site %s is registered already", c->id);
	return rc;
}

int srv_register(char **out, struct srv_store *s, const char *body, size_t len)
{
	char token[SRV_TOKEN_LEN + 1], hash[SRV_HASH_LEN + 1];
	struct register_ctx c;
	json_object *o, *r;
	const char *id;
	int rc;

	*out = NULL;
	if ((rc = parse_object(&o, body, len, "registration")) != 0)
		return rc;
	if ((rc = get_string(&id, o, "id", "registration", 1)) != 0) {
		json_object_put(o);
		return rc;
	}
	if (!srv_site_id_valid(id)) {
		rc = dupg__error(DUPG_EINVAL, "registration: \"id\" must be 1 to %d letters, digits, "
				 "'.', '_' or '-', not starting with '.'", SRV_SITE_ID_MAX);
		json_object_put(o);
		return rc;
	}
	if ((rc = srv_token_new(token)) != 0 || (rc = srv_token_hash(hash, token)) != 0) {
		json_object_put(o);
		return rc;
	}
	c.id = id;
	c.hash = hash;
	rc = srv_store_write(s, register_txn, &c);
	if (rc == 0) {
		r = json_object_new_object();
		json_object_object_add(r, "id", json_object_new_string(id));
		json_object_object_add(r, "token", json_object_new_string(token));
		*out = to_text(r);
		json_object_put(r);
		if (*out == NULL)
			rc = DUPG_ENOMEM;
	}
	json_object_put(o);
	return rc;
}

struct auth_ctx {
	const char *site, *hash;
	int verdict;
};

static int auth_txn(struct srv_txn *t, void *arg)
{
	struct auth_ctx *c = arg;
	char *want = NULL, *owner = NULL;
	int rc = srv_txn_site_token(t, &want, c->site);

	if (rc == DUPG_ENOTFOUND) {
		c->verdict = 404;
		return 0;
	}
	if (rc != 0)
		return rc;
	if (c->hash == NULL) {
		c->verdict = 401;
	} else if (srv_token_equal(want, c->hash)) {
		c->verdict = 0;
	} else {
		rc = srv_txn_site_of_token(t, &owner, c->hash);
		c->verdict = rc == 0 ? 403 : 401;
		if (rc == DUPG_ENOTFOUND)
			rc = 0;
	}
	free(want);
	free(owner);
	return rc;
}

int srv_authorize(int *verdict, struct srv_store *s, const char *site, const char *token)
{
	char hash[SRV_HASH_LEN + 1];
	struct auth_ctx c = { site, NULL, 401 };
	int rc;

	*verdict = 401;
	if (token != NULL && strlen(token) == SRV_TOKEN_LEN) {
		if ((rc = srv_token_hash(hash, token)) != 0)
			return rc;
		c.hash = hash;
	}
	rc = srv_store_read(s, auth_txn, &c);
	if (rc == 0)
		*verdict = c.verdict;
	return rc;
}

/* --- rollouts, as the store holds them --------------------------------------- */

/* A rollout of the store with its plan, and what one request decided about it. */
struct live {
	struct srv_rollout_rec rec;
	dupg_rollout *plan;
	unsigned char *names; /* per package of the index: named by the rollout */
	size_t wave;
	dupg_site_state state;
	int allowed;
};

static void live_clear(struct live *l)
{
	srv_rollout_rec_clear(&l->rec);
	dupg_rollout_free(l->plan);
	free(l->names);
}

static int live_plan(struct live *l)
{
	int rc = dupg_rollout_new_text(&l->plan, l->rec.waves, strtod(l->rec.threshold, NULL));

	if (rc != 0)
		return dupg__error(DUPG_EIO, "rollout %" PRId64 " in the store: %s", l->rec.id,
				   dupg_error_last());
	return 0;
}

/* Mark the index's packages the rollout names. */
static int live_names(struct live *l, const struct srv_index *idx)
{
	const char *p = l->rec.packages;

	l->names = calloc(srv_index_count(idx) ? srv_index_count(idx) : 1, 1);
	if (l->names == NULL)
		return dupg__error_nomem();
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p), i;
		char name[512];

		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			/* a name the set does not hold withholds nothing */
			i = srv_index_find(idx, name);
			if (i != DUPG_NONE)
				l->names[i] = 1;
		}
		p += n + (comma != NULL);
	}
	return 0;
}

struct tallies {
	dupg_wave_tally *t;
	size_t k;
};

static int count_into(void *arg, size_t wave, dupg_site_state state, int64_t n)
{
	struct tallies *c = arg;

	/* a site that joined after the ranking counts in the last wave */
	if (n > 0)
		dupg_wave_tally_add(&c->t[wave < c->k ? wave : c->k - 1], state, (size_t)n);
	return 0;
}

/* Step the rollout from its counts; store its progress when it moved. */
static int advance(struct srv_txn *t, struct live *l)
{
	struct tallies c;
	dupg_rollout_status st = l->rec.status;
	int rc;

	c.k = dupg_rollout_wave_count(l->plan);
	c.t = calloc(c.k, sizeof(*c.t));
	if (c.t == NULL)
		return dupg__error_nomem();
	rc = srv_txn_rollout_counts(t, l->rec.id, count_into, &c);
	if (rc == 0 && dupg_rollout_step(&st, l->plan, c.t) == 1) {
		rc = srv_txn_rollout_set_status(t, l->rec.id, &st);
		if (rc == 0)
			l->rec.status = st;
	}
	free(c.t);
	return rc;
}

/* --- descriptions ------------------------------------------------------------- */

struct describe_ctx {
	const char *site;
	struct srv_index *idx;
	const dupg_sysvd *vd;
	const char *description;
	char *response;
};

/* {"kind", "task", "versions"}: the library's task JSON with the versions this site is offered. */
static int task_response(char **out, char **task_json, const dupg_task *task, const dupg_pkgset *set,
			 const dupg_sysvd *vd)
{
	json_object *o, *v;
	size_t h;
	int rc;

	if ((rc = dupg_task_to_json(task_json, task)) != 0)
		return dupg__error(rc, "%s", dupg_error_last());
	o = json_tokener_parse(*task_json);
	v = json_object_new_object();
	if (o == NULL || v == NULL) {
		json_object_put(o);
		json_object_put(v);
		return dupg__error_nomem();
	}
	for (h = 0; h < dupg_sysvd_hw_count(vd); h++) {
		const char *hw = dupg_sysvd_hw(vd, h);
		size_t best = dupg_pkgset_best(set, hw);

		if (best != DUPG_NONE)
			json_object_object_add(v, hw, json_object_new_string(dupg_pkgset_version(set, best)));
	}
	json_object_object_add(o, "versions", v);
	*out = to_text(o);
	json_object_put(o);
	return *out ? 0 : DUPG_ENOMEM;
}

static int describe_txn(struct srv_txn *t, void *arg)
{
	struct describe_ctx *c = arg;
	struct srv_rollout_rec *recs = NULL;
	struct live *lives = NULL;
	unsigned char *withheld = NULL;
	const struct srv_view *view = NULL;
	dupg_task *task = NULL;
	char *task_json = NULL;
	dupg_buf key = { NULL, 0, 0, 0 };
	char *keys = NULL;
	size_t n = 0, i, j, npkg = srv_index_count(c->idx);
	int rc;

	free(c->response);
	c->response = NULL;
	/* the rollouts' rows are held to the end: a halt decided elsewhere waits, or is seen */
	if ((rc = srv_txn_rollout_list(t, &recs, &n, 1, 1)) != 0)
		return rc;
	if (n > 0) {
		lives = calloc(n, sizeof(*lives));
		withheld = calloc(npkg ? npkg : 1, 1);
		if (lives == NULL || withheld == NULL)
			rc = dupg__error_nomem();
	}
	for (i = 0; i < n && rc == 0; i++) {
		struct live *l = &lives[i];

		l->rec = recs[i];
		memset(&recs[i], 0, sizeof(recs[i]));
		if ((rc = live_plan(l)) != 0 || (rc = live_names(l, c->idx)) != 0)
			break;
		rc = srv_txn_rollout_site(t, &l->wave, &l->state, l->rec.id, c->site);
		if (rc == DUPG_ENOTFOUND) {
			/* registered after the ranking: the last wave */
			l->wave = dupg_rollout_wave_of(l->plan, (size_t)l->rec.total, (size_t)l->rec.total);
			l->state = DUPG_SITE_PENDING;
			rc = srv_txn_rollout_site_add(t, l->rec.id, c->site, l->rec.total, l->wave, l->state);
		}
		if (rc != 0)
			break;
		l->allowed = dupg_rollout_wave_open(&l->rec.status, l->wave);
		if (!l->allowed) {
			for (j = 0; j < npkg; j++)
				withheld[j] |= l->names[j];
			dupg__buf_printf(&key, "%" PRId64 ",", l->rec.id);
		}
	}
	if (rc == 0)
		rc = dupg__buf_finish(&key, &keys);
	else
		free(key.data);
	if (rc == 0)
		rc = srv_index_view(&view, c->idx, keys, withheld);
	if (rc == 0 && (rc = dupg_match(&task, view->set, c->vd)) != 0)
		rc = dupg__error(rc, "%s", dupg_error_last());
	/* where the site now stands in each rollout that is open to it */
	for (i = 0; i < n && rc == 0; i++) {
		struct live *l = &lives[i];
		dupg_site_state to = l->state;
		int needs = 0;

		if (!l->allowed || dupg_site_state_final(l->state))
			continue;
		for (j = 0; j < dupg_task_count(task) && !needs; j++)
			needs = l->names[view->pkg[dupg_task_package(task, j)]];
		if (needs && (l->state == DUPG_SITE_PENDING || l->state == DUPG_SITE_CURRENT))
			to = DUPG_SITE_ASSIGNED;
		else if (!needs && l->state == DUPG_SITE_PENDING)
			to = DUPG_SITE_CURRENT;
		if (to == l->state)
			continue;
		rc = srv_txn_rollout_site_set(t, l->rec.id, c->site, l->wave, l->state, to);
		if (rc == 0)
			rc = advance(t, l);
	}
	if (rc == 0)
		rc = task_response(&c->response, &task_json, task, view->set, c->vd);
	if (rc == 0)
		rc = srv_txn_site_describe(t, c->site, c->description, task_json, now_ms());
	dupg_task_free(task);
	free(task_json);
	free(keys);
	free(withheld);
	for (i = 0; i < n; i++)
		live_clear(&lives[i]);
	free(lives);
	srv_rollout_recs_free(recs, n);
	return rc;
}

int srv_describe(char **out, struct srv_store *s, struct srv_index *idx, const char *site,
		 const char *body, size_t len)
{
	struct describe_ctx c;
	dupg_sysvd *vd = NULL;
	char *norm = NULL;
	int rc;

	*out = NULL;
	rc = dupg_sysvd_from_json(&vd, body ? body : "", len, "description");
	if (rc != 0)
		return dupg__error(rc == DUPG_ENOMEM ? rc : DUPG_EFORMAT, "%s", dupg_error_last());
	/* kept as the library writes it back */
	if ((rc = dupg_sysvd_to_json(&norm, vd)) != 0) {
		dupg_sysvd_free(vd);
		return dupg__error(rc, "%s", dupg_error_last());
	}
	memset(&c, 0, sizeof(c));
	c.site = site;
	c.idx = idx;
	c.vd = vd;
	c.description = norm;
	/* a description is sent again by its site: it need not wait for the disk, a status does */
	rc = srv_store_write_lazy(s, describe_txn, &c);
	if (rc == 0)
		*out = c.response;
	else
		free(c.response);
	dupg_free(norm);
	dupg_sysvd_free(vd);
	return rc;
}

/* --- statuses --------------------------------------------------------------- */

struct place_rec {
	int64_t rollout;
	size_t wave;
	dupg_site_state state;
};

struct status_ctx {
	const char *site, *state, *detail, *devices;
	dupg_site_state to;
	int64_t seq;
	struct place_rec *places;
	size_t nplaces, cap;
};

static int collect_place(void *arg, int64_t rollout, size_t wave, dupg_site_state state)
{
	struct status_ctx *c = arg;
	int rc = dupg__grow_p(&c->places, &c->cap, c->nplaces + 1, sizeof(*c->places));

	if (rc != 0)
		return rc;
	c->places[c->nplaces].rollout = rollout;
	c->places[c->nplaces].wave = wave;
	c->places[c->nplaces].state = state;
	c->nplaces++;
	return 0;
}

static int status_txn(struct srv_txn *t, void *arg)
{
	struct status_ctx *c = arg;
	size_t i;
	int rc;

	c->nplaces = 0;
	if ((rc = srv_txn_status_add(t, &c->seq, c->site, c->state, c->detail, c->devices, now_ms())) != 0)
		return rc;
	if ((rc = srv_txn_rollout_site_each(t, c->site, collect_place, c)) != 0)
		return rc;
	for (i = 0; i < c->nplaces && rc == 0; i++) {
		struct live l;

		/* only a site that was given the rollout's packages reports on it */
		if (c->places[i].state < DUPG_SITE_ASSIGNED || dupg_site_state_final(c->places[i].state))
			continue;
		memset(&l, 0, sizeof(l));
		rc = srv_txn_rollout_get(t, &l.rec, c->places[i].rollout, 1);
		if (rc == 0)
			rc = live_plan(&l);
		/* read again under the rollout's lock */
		if (rc == 0)
			rc = srv_txn_rollout_site(t, &l.wave, &l.state, l.rec.id, c->site);
		if (rc == 0 && l.state >= DUPG_SITE_ASSIGNED && !dupg_site_state_final(l.state)) {
			rc = srv_txn_rollout_site_set(t, l.rec.id, c->site, l.wave, l.state, c->to);
			if (rc == 0)
				rc = advance(t, &l);
		}
		live_clear(&l);
	}
	return rc;
}

int srv_status(char **out, struct srv_store *s, const char *site, const char *body, size_t len)
{
	struct status_ctx c;
	json_object *o, *dev, *r;
	const char *state;
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((rc = parse_object(&o, body, len, "status")) != 0)
		return rc;
	if ((rc = get_string(&state, o, "state", "status", 1)) != 0 ||
	    (rc = get_string(&c.detail, o, "detail", "status", 0)) != 0)
		goto done;
	if (dupg_site_state_parse(&c.to, state) != 0 || c.to < DUPG_SITE_DOWNLOADING) {
		rc = dupg__error(DUPG_EINVAL, "status: \"state\" must be one of downloading, staged, "
				 "upgraded, rolled_back, failed (not \"%s\")", state);
		goto done;
	}
	if (json_object_object_get_ex(o, "devices", &dev) && !json_object_is_type(dev, json_type_null)) {
		if (!json_object_is_type(dev, json_type_object)) {
			rc = dupg__error(DUPG_EFORMAT, "status: \"devices\" must be an object");
			goto done;
		}
		c.devices = json_object_to_json_string_ext(dev, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	}
	c.site = site;
	c.state = dupg_site_state_name(c.to);
	rc = srv_store_write(s, status_txn, &c);
	if (rc == 0) {
		r = json_object_new_object();
		json_object_object_add(r, "site", json_object_new_string(site));
		json_object_object_add(r, "seq", json_object_new_int64(c.seq));
		json_object_object_add(r, "state", json_object_new_string(c.state));
		*out = to_text(r);
		json_object_put(r);
		if (*out == NULL)
			rc = DUPG_ENOMEM;
	}
done:
	free(c.places);
	json_object_put(o);
	return rc;
}

/* --- what the store knows ------------------------------------------------------ */

/* Embed stored JSON text (null when absent or unreadable). */
static json_object *stored(const char *text)
{
	return text ? json_tokener_parse(text) : NULL;
}

struct site_ctx {
	const char *site;
	json_object *out, *rollouts;
};

static int add_rollout_place(void *arg, int64_t rollout, size_t wave, dupg_site_state state)
{
	struct site_ctx *c = arg;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(rollout));
	json_object_object_add(o, "wave", json_object_new_int64((int64_t)wave + 1));
	json_object_object_add(o, "state", json_object_new_string(dupg_site_state_name(state)));
	json_object_array_add(c->rollouts, o);
	return 0;
}

static int site_txn(struct srv_txn *t, void *arg)
{
	struct site_ctx *c = arg;
	struct srv_site_rec r;
	json_object *o, *st = NULL;
	int rc;

	json_object_put(c->out);
	c->out = NULL;
	if ((rc = srv_txn_site_get(t, &r, c->site)) != 0)
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(r.id));
	json_object_object_add(o, "created_ms", json_object_new_int64(r.created));
	json_object_object_add(o, "description", stored(r.description));
	json_object_object_add(o, "task", stored(r.task));
	json_object_object_add(o, "described_ms", r.description ? json_object_new_int64(r.described) : NULL);
	if (r.state != NULL) {
		st = json_object_new_object();
		json_object_object_add(st, "seq", json_object_new_int64(r.status_seq));
		json_object_object_add(st, "state", json_object_new_string(r.state));
		json_object_object_add(st, "detail", r.detail ? json_object_new_string(r.detail) : NULL);
		json_object_object_add(st, "devices", stored(r.devices));
		json_object_object_add(st, "at_ms", json_object_new_int64(r.status_at));
	}
	json_object_object_add(o, "status", st);
	json_object_object_add(o, "statuses", json_object_new_int64(r.statuses));
	c->rollouts = json_object_new_array();
	json_object_object_add(o, "rollouts", c->rollouts);
	c->out = o;
	srv_site_rec_clear(&r);
	return srv_txn_rollout_site_each(t, c->site, add_rollout_place, c);
}

int srv_site_json(char **out, struct srv_store *s, const char *site)
{
	struct site_ctx c = { site, NULL, NULL };
	int rc = srv_store_read(s, site_txn, &c);

	*out = NULL;
	if (rc == 0 && (*out = to_text(c.out)) == NULL)
		rc = DUPG_ENOMEM;
	json_object_put(c.out);
	return rc;
}

struct wave_counts {
	json_object *waves;
	size_t k;
};

static int add_count(void *arg, size_t wave, dupg_site_state state, int64_t n)
{
	struct wave_counts *c = arg;
	json_object *w, *v;

	if (wave >= c->k)
		wave = c->k - 1;
	w = json_object_array_get_idx(c->waves, wave);
	if (json_object_object_get_ex(w, dupg_site_state_name(state), &v))
		json_object_set_int64(v, json_object_get_int64(v) + n);
	if (json_object_object_get_ex(w, "sites", &v))
		json_object_set_int64(v, json_object_get_int64(v) + n);
	return 0;
}

/* A rollout as JSON; waves are numbered from 1, as the simulator's report numbers them. */
static int rollout_object(json_object **out, struct srv_txn *t, struct srv_rollout_rec *r)
{
	json_object *o = json_object_new_object(), *pk = json_object_new_array(), *wv;
	struct wave_counts wc;
	dupg_rollout *plan = NULL;
	const char *p;
	size_t w, k;
	int rc;

	*out = NULL;
	if (dupg_rollout_new_text(&plan, r->waves, strtod(r->threshold, NULL)) != 0) {
		json_object_put(o);
		json_object_put(pk);
		return dupg__error(DUPG_EIO, "rollout %" PRId64 " in the store: %s", r->id, dupg_error_last());
	}
	k = dupg_rollout_wave_count(plan);
	json_object_object_add(o, "id", json_object_new_int64(r->id));
	json_object_object_add(o, "state", json_object_new_string(dupg_rollout_state_name(r->status.state)));
	for (p = r->packages; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		json_object_array_add(pk, json_object_new_string_len(p, (int)n));
		p += n + (comma != NULL);
	}
	json_object_object_add(o, "packages", pk);
	wv = json_object_new_array();
	for (w = 0; w < k; w++)
		json_object_array_add(wv, new_double(dupg_rollout_wave_fraction(plan, w)));
	json_object_object_add(o, "waves", wv);
	json_object_object_add(o, "threshold", new_double(dupg_rollout_threshold(plan)));
	json_object_object_add(o, "total", json_object_new_int64(r->total));
	json_object_object_add(o, "open_waves", json_object_new_int64((int64_t)r->status.open));
	json_object_object_add(o, "halted_wave", r->status.halted_wave == DUPG_NONE ? NULL :
			       json_object_new_int64((int64_t)r->status.halted_wave + 1));
	json_object_object_add(o, "created_ms", json_object_new_int64(r->created));
	wc.waves = json_object_new_array();
	wc.k = k;
	for (w = 0; w < k; w++) {
		json_object *e = json_object_new_object();
		int s;

		json_object_object_add(e, "wave", json_object_new_int64((int64_t)w + 1));
		json_object_object_add(e, "fraction", new_double(dupg_rollout_wave_fraction(plan, w)));
		json_object_object_add(e, "open", json_object_new_boolean(dupg_rollout_wave_open(&r->status, w)));
		json_object_object_add(e, "sites", json_object_new_int64(0));
		for (s = DUPG_SITE_PENDING; s <= DUPG_SITE_FAILED; s++)
			json_object_object_add(e, dupg_site_state_name((dupg_site_state)s), json_object_new_int64(0));
		json_object_array_add(wc.waves, e);
	}
	json_object_object_add(o, "per_wave", wc.waves);
	rc = srv_txn_rollout_counts(t, r->id, add_count, &wc);
	dupg_rollout_free(plan);
	if (rc != 0) {
		json_object_put(o);
		return rc;
	}
	*out = o;
	return 0;
}

struct rollout_ctx {
	int64_t id;
	int all;
	json_object *out;
};

static int rollout_txn(struct srv_txn *t, void *arg)
{
	struct rollout_ctx *c = arg;
	struct srv_rollout_rec *recs = NULL;
	size_t n = 0, i;
	int rc;

	json_object_put(c->out);
	c->out = NULL;
	if (!c->all) {
		struct srv_rollout_rec r;

		if ((rc = srv_txn_rollout_get(t, &r, c->id, 0)) != 0)
			return rc;
		rc = rollout_object(&c->out, t, &r);
		srv_rollout_rec_clear(&r);
		return rc;
	}
	if ((rc = srv_txn_rollout_list(t, &recs, &n, 0, 0)) != 0)
		return rc;
	c->out = json_object_new_array();
	for (i = 0; i < n && rc == 0; i++) {
		json_object *o = NULL;

		if ((rc = rollout_object(&o, t, &recs[i])) == 0)
			json_object_array_add(c->out, o);
	}
	srv_rollout_recs_free(recs, n);
	return rc;
}

static int rollout_read(char **out, struct srv_store *s, int64_t id, int all)
{
	struct rollout_ctx c = { id, all, NULL };
	int rc = srv_store_read(s, rollout_txn, &c);

	*out = NULL;
	if (rc == 0 && (*out = to_text(c.out)) == NULL)
		rc = DUPG_ENOMEM;
	json_object_put(c.out);
	return rc;
}

int srv_rollout_json(char **out, struct srv_store *s, int64_t id)
{
	return rollout_read(out, s, id, 0);
}

int srv_rollout_list_json(char **out, struct srv_store *s)
{
	return rollout_read(out, s, 0, 1);
}

/* --- creating, pausing, resuming ------------------------------------------------ */

struct ranked {
	uint64_t key;
	char *id;
};

struct create_ctx {
	struct srv_rollout_rec rec;
	const dupg_rollout *plan;
	struct ranked *sites;
	size_t n, cap;
};

static int collect_site(void *arg, const char *id)
{
	struct create_ctx *c = arg;
	int rc = dupg__grow_p(&c->sites, &c->cap, c->n + 1, sizeof(*c->sites));

	if (rc != 0)
		return rc;
	if ((c->sites[c->n].id = dupg__strdup(id)) == NULL)
		return dupg__error_nomem();
	c->n++;
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void free_sites(struct create_ctx *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->sites[i].id);
	free(c->sites);
	c->sites = NULL;
	c->n = c->cap = 0;
}

static int create_txn(struct srv_txn *t, void *arg)
{
	struct create_ctx *c = arg;
	size_t i;
	int rc;

	free_sites(c);
	if ((rc = srv_txn_site_each(t, collect_site, c)) != 0)
		return rc;
	c->rec.total = (int64_t)c->n;
	c->rec.created = now_ms();
	if ((rc = srv_txn_rollout_add(t, &c->rec.id, &c->rec)) != 0)
		return rc;
	/* a seeded shuffle: the canaries are a sample, and another rollout draws another one */
	for (i = 0; i < c->n; i++) {
		char buf[SRV_SITE_ID_MAX + 32];

		snprintf(buf, sizeof(buf), "%" PRId64 "/%s", c->rec.id, c->sites[i].id);
		c->sites[i].key = dupg__strmap_hash(buf);
	}
	qsort(c->sites, c->n, sizeof(*c->sites), by_key);
	for (i = 0; i < c->n && rc == 0; i++)
		rc = srv_txn_rollout_site_add(t, c->rec.id, c->sites[i].id, (int64_t)i,
					      dupg_rollout_wave_of(c->plan, i, c->n), DUPG_SITE_PENDING);
	return rc;
}

/* "a, b" -> "a,b"; each a plain file name, none twice. */
static int package_list(char **out, const char *names)
{
	dupg_buf b = { NULL, 0, 0, 0 };
	dupg_strmap *seen = NULL;
	const char *p = names;
	int rc = dupg__strmap_new(&seen);

	*out = NULL;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p), id;
		char name[256];
		int added = 0;

		if (rc != 0)
			break;
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(name)) {
			rc = dupg__error(DUPG_EINVAL, "--packages: expected package names separated by commas");
			break;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (strchr(name, '/') != NULL || name[0] == '.') {
			rc = dupg__error(DUPG_EINVAL, "--packages: \"%s\" is not the name of a file of "
					 "the package directory", name);
			break;
		}
		if ((rc = dupg__strmap_intern(seen, name, &id, &added)) == 0 && !added)
			rc = dupg__error(DUPG_EINVAL, "--packages: %s is named twice", name);
		if (rc != 0)
			break;
		dupg__buf_printf(&b, "%s%s", b.len ? "," : "", name);
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	dupg__strmap_free(seen);
	if (rc != 0) {
		free(b.data);
		return rc;
	}
	return dupg__buf_finish(&b, out);
}

int srv_rollout_create(char **out, struct srv_store *s, const char *packages, const char *waves,
		       double threshold)
{
	struct create_ctx c;
	dupg_rollout *plan = NULL;
	dupg_rollout_status init = DUPG_ROLLOUT_STATUS_INIT;
	char thr[40];
	int rc;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	if ((rc = dupg_rollout_new_text(&plan, waves, threshold)) != 0)
		return dupg__error(rc, "%s", dupg_error_last());
	fmt_double(thr, sizeof(thr), threshold);
	c.plan = plan;
	c.rec.status = init;
	c.rec.threshold = thr;
	if ((rc = package_list(&c.rec.packages, packages)) == 0 &&
	    (rc = dupg_rollout_waves_text(&c.rec.waves, plan)) != 0)
		rc = dupg__error(rc, "%s", dupg_error_last());
	if (rc == 0)
		rc = srv_store_write(s, create_txn, &c);
	if (rc == 0)
		rc = srv_rollout_json(out, s, c.rec.id);
	free_sites(&c);
	free(c.rec.packages);
	dupg_free(c.rec.waves);
	dupg_rollout_free(plan);
	return rc;
}

struct pause_ctx {
	int64_t id;
	int pause;
};

static int pause_txn(struct srv_txn *t, void *arg)
{
	struct pause_ctx *c = arg;
	struct live l;
	int rc;

	memset(&l, 0, sizeof(l));
	if ((rc = srv_txn_rollout_get(t, &l.rec, c->id, 1)) == 0 && (rc = live_plan(&l)) == 0) {
		dupg_rollout_status st = l.rec.status;

		rc = c->pause ? dupg_rollout_pause(&st) : dupg_rollout_resume(&st);
		if (rc != 0)
			rc = dupg__error(rc, "rollout %" PRId64 ": %s", c->id, dupg_error_last());
		if (rc == 0)
			rc = srv_txn_rollout_set_status(t, c->id, &st);
		l.rec.status = st;
		/* waves that settled while it was paused open now */
		if (rc == 0 && !c->pause)
			rc = advance(t, &l);
	}
	live_clear(&l);
	return rc;
}

int srv_rollout_pause(char **out, struct srv_store *s, int64_t id, int pause)
{
	struct pause_ctx c = { id, pause };
	int rc = srv_store_write(s, pause_txn, &c);

	*out = NULL;
	return rc ? rc : srv_rollout_json(out, s, id);
}
