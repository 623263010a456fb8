/* SPDX-License-Identifier: BSD-2-Clause */
/* A site's master against real dupg-server processes: register, describe, fetch, status. */
#include "config.h"

#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "driver/cluster.h"
#include "driver/http.h"

struct sim_http {
	size_t ctl;          /* the server the site registered with first */
	size_t n;            /* servers of the cluster */
	char **tokens;       /* by server: the site's token there, NULL when not registered */
	size_t *order;       /* the servers, nearest first */
	dupg_fetch *fetch;   /* created at the first download */
	dupg_fetch *slow;    /* the same, rate-limited: an attempt to stop at a byte sees it in time */
	json_object *o;      /* the report's "http" */
	json_object *pkgs;   /* its "fetches" */
	json_object *ctls;   /* its "control": the servers it registered with */
	char *refusal;       /* the first verification failure */
};

static const struct sim_dservers *dservers(const struct sim_ctx *ctx)
{
	return &ctx->sc->dservers;
}

/* Server i serves at virtual time t (always, without deployment servers). */
static int serves(const struct sim_ctx *ctx, size_t i, double t)
{
	const struct sim_dservers *c = dservers(ctx);

	return c->n == 0 || sim_dservers_up(c, i, t);
}

/* Server i is down for good at t (server_down): it stays in a fetch's list, and fails. */
static int down(const struct sim_ctx *ctx, size_t i, double t)
{
	const struct sim_dservers *c = dservers(ctx);

	return c->n > 0 && c->v[i].down_at_s >= 0 && t >= c->v[i].down_at_s;
}

/*
 * The processes as the site's virtual clock at t sees them: a server whose
 * down time is after t runs (started again after an earlier site's kill);
 * one whose down time has come is killed.
 */
static int sync_processes(const struct sim_ctx *ctx, double t)
{
	struct sim_cluster *cl = ctx->cluster;
	size_t i;
	int rc;

	for (i = 0; i < cl->n; i++) {
		if (down(ctx, i, t)) {
			if (sim_cluster_alive(cl, i) && (rc = sim_cluster_kill(cl, i)) != 0)
				return rc;
		} else if (!sim_cluster_alive(cl, i) && (rc = sim_cluster_restart(cl, i)) != 0) {
			return rc;
		}
	}
	return 0;
}

static int parse_object(json_object **out, const char *text, const char *what, const char *url)
{
	*out = json_tokener_parse(text);
	if (*out == NULL || !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return sim_error(DUPG_EFORMAT, "%s %s: the answer is not a JSON object", what, url);
	}
	return 0;
}

/* POST /v1/sites (once a server) and the description at server k; its answer into *answer. */
static int describe_at(struct site_run *r, const struct sim_ctx *ctx, size_t k, json_object **answer)
{
	struct sim_http *h = r->http;
	const struct sim_srv *s = &ctx->cluster->v[k];
	json_object *reg, *tok;
	char *body = NULL, *req = NULL, *path = NULL, *desc = NULL;
	long code;
	int rc;

	*answer = NULL;
	if (h->tokens[k] == NULL) {
		req = sim_printf("{\"id\":\"%s\"}", r->site->id);
		if (req == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		rc = sim_cluster_request(ctx->cluster, k, "POST", "/v1/sites", NULL, req, &code, &body);
		free(req);
		if (rc != 0)
			return sim_error(rc, "site %s: register: %s", r->site->id, sim_errmsg());
		if (code != 201) {
			rc = sim_error(DUPG_ENETWORK, "site %s: POST %s/v1/sites: HTTP %ld: %s",
				       r->site->id, s->url, code, body);
			free(body);
			return rc;
		}
		rc = parse_object(&reg, body, "POST", s->url);
		free(body);
		if (rc != 0)
			return rc;
		if (!json_object_object_get_ex(reg, "token", &tok) ||
		    (h->tokens[k] = sim_strdup(json_object_get_string(tok))) == NULL) {
			json_object_put(reg);
			return sim_error(DUPG_EFORMAT, "site %s: POST %s/v1/sites: no token", r->site->id,
					 s->url);
		}
		json_object_put(reg);
		json_object_array_add(h->ctls, json_object_new_string(s->id));
	}
	if ((rc = dupg_sysvd_to_json(&desc, r->sysvd)) != 0)
		return sim_error_lib(rc, "site %s: description", r->site->id);
	path = sim_printf("/v1/sites/%s/description", r->site->id);
	if (path == NULL) {
		free(desc);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	rc = sim_cluster_request(ctx->cluster, k, "POST", path, h->tokens[k], desc, &code, &body);
	free(desc);
	free(path);
	if (rc != 0)
		return sim_error(rc, "site %s: description: %s", r->site->id, sim_errmsg());
	if (code != 200) {
		rc = sim_error(DUPG_ENETWORK, "site %s: POST %s/v1/sites/%s/description: HTTP %ld: %s",
			       r->site->id, s->url, r->site->id, code, body);
		free(body);
		return rc;
	}
	rc = parse_object(answer, body, "POST", s->url);
	free(body);
	return rc;
}

static const char *last_segment(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* The server's task against the simulator's own dupg_match: kind and packages must agree. */
static int compare_task(struct site_run *r, const struct sim_srv *s, json_object *answer)
{
	json_object *kind, *task;
	const char *local = dupg_task_kind_name(dupg_task_kind_get(r->task));
	size_t i, n = dupg_task_count(r->task);
	int same;

	if (!json_object_object_get_ex(answer, "kind", &kind) ||
	    !json_object_object_get_ex(answer, "task", &task) ||
	    !json_object_is_type(task, json_type_array))
		return sim_error(DUPG_EFORMAT, "site %s: %s answered the description without kind "
					       "and task", r->site->id, s->url);
	same = strcmp(json_object_get_string(kind), local) == 0 &&
	       json_object_array_length(task) == n;
	for (i = 0; same && i < n; i++)
		same = strcmp(last_segment(json_object_get_string(json_object_array_get_idx(task, i))),
			      last_segment(dupg_task_path(r->task, i))) == 0;
	if (!same)
		return sim_error(DUPG_ERROR, "site %s: dupg-server %s (%s) answered the task %s %s; "
					     "the simulator matched %s with %zu packages",
				 r->site->id, s->id, s->url, json_object_get_string(kind),
				 json_object_to_json_string(task), local, n);
	return 0;
}

/* The nearest server that serves at t and runs; SIZE_MAX when none. */
static size_t nearest(const struct site_run *r, const struct sim_ctx *ctx, double t)
{
	size_t k;

	for (k = 0; k < ctx->cluster->n; k++) {
		size_t i = r->http->order[k];
		if (serves(ctx, i, t) && sim_cluster_alive(ctx->cluster, i))
			return i;
	}
	return (size_t)-1;
}

int sim_http_begin(struct site_run *r, const struct sim_ctx *ctx)
{
	struct sim_cluster *cl = ctx->cluster;
	struct sim_http *h = calloc(1, sizeof(*h));
	json_object *answer = NULL;
	size_t i, k;
	int rc;

	if (h == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	r->http = h;
	h->n = cl->n;
	h->tokens = calloc(cl->n, sizeof(*h->tokens));
	h->order = calloc(cl->n, sizeof(*h->order));
	h->o = json_object_new_object();
	h->pkgs = json_object_new_array();
	h->ctls = json_object_new_array();
	if (h->tokens == NULL || h->order == NULL || h->o == NULL || h->pkgs == NULL || h->ctls == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (dservers(ctx)->n > 0) {
		const char **locs = calloc(cl->n, sizeof(*locs));
		if (locs == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		for (i = 0; i < cl->n; i++)
			locs[i] = cl->v[i].location;
		rc = dupg_locality_rank(h->order, NULL, r->site->location, locs, cl->n);
		free(locs);
		if (rc != 0)
			return sim_error_lib(rc, "site %s: ranking the servers", r->site->id);
	}
	if ((rc = sync_processes(ctx, r->t)) != 0)
		return rc;
	if ((k = nearest(r, ctx, r->t)) == (size_t)-1)
		return sim_error(DUPG_ENETWORK, "site %s: no dupg-server serves at %.3f s", r->site->id,
				 r->t);
	h->ctl = k;
	if ((rc = describe_at(r, ctx, k, &answer)) != 0)
		return rc;
	rc = compare_task(r, &cl->v[k], answer);
	if (rc == 0) {
		json_object *kind = NULL;
		json_object_object_get_ex(answer, "kind", &kind);
		json_object_object_add(h->o, "server", json_object_new_string(cl->v[k].id));
		json_object_object_add(h->o, "task", json_object_get(kind));
	}
	json_object_put(answer);
	return rc;
}

/* ---- downloads ----------------------------------------------------------- */

static int stop_at(const dupg_fetch_progress *p, void *payload)
{
	const uint64_t *limit = payload;

	return *limit != UINT64_MAX && p->done >= *limit;
}

static int verify_trusted(const char *file, const char *path, const char *url, void *payload)
{
	dupg_verify_options o = DUPG_VERIFY_OPTIONS_INIT;

	(void)path;
	(void)url;
	o.policy = DUPG_TRUST_REQUIRED;
	o.trust = payload;
	return dupg_package_verify_ext(NULL, file, &o);
}

/* The stop byte of the running attempt (UINT64_MAX: none), read by the progress callback. */
static uint64_t attempt_limit = UINT64_MAX;

/*
 * An attempt that must stop at a byte (the connection drops there): curl's
 * progress callback runs between its reads, which on loopback take a whole
 * small package at once, so the attempt is held to STOP_RATE (the library's
 * limit_rate, which sleeps between writes and watches the cancel flag) and
 * a timer, due when the bytes before the stop would have come at that rate
 * and then every STOP_TICK_US, cancels it (dupg_fetch_cancel, safe in a
 * signal handler, once) as soon as the partial file holds them (stat, also
 * safe there). The drop is real and lands a few KiB past the byte; a
 * process held off the CPU may land further, and a package may even be
 * whole first: the report gives the bytes that came, and what ended how.
 */
#define STOP_RATE (4u << 20)
#define STOP_TICK_US 2000

static dupg_fetch *volatile stop_handle;
static volatile sig_atomic_t stop_fired;
static char stop_part[4096];   /* the partial file the timer watches */
static uint64_t stop_bytes;    /* the byte it stops at */

static void on_stop_timer(int sig)
{
	struct stat st;

	(void)sig;
	if (stop_fired || stop_handle == NULL || stat(stop_part, &st) != 0 ||
	    (uint64_t)st.st_size < stop_bytes)
		return;
	dupg_fetch_cancel(stop_handle);
	stop_fired = 1;
}

/* Arm the stop timer of f for part reaching limit bytes, have on disk now; f NULL disarms it. */
static void stop_timer(dupg_fetch *f, const char *part, uint64_t limit, uint64_t have)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	if (f != NULL) {
		struct sigaction sa;
		uint64_t us = (limit > have ? limit - have : 0) * 1000000u / STOP_RATE;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_stop_timer;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		snprintf(stop_part, sizeof(stop_part), "%s", part);
		stop_bytes = limit;
		stop_fired = 0;
		stop_handle = f;
		if (us == 0)
			us = 1;
		it.it_value.tv_sec = (time_t)(us / 1000000u);
		it.it_value.tv_usec = (suseconds_t)(us % 1000000u);
		it.it_interval.tv_usec = STOP_TICK_US;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	if (f == NULL)
		stop_handle = NULL;
}

static int get_fetch(dupg_fetch **out, const struct site_run *r, const struct sim_ctx *ctx, int slow)
{
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	int rc;

	if (*out != NULL)
		return 0;
	o.limit_rate = slow ? STOP_RATE : 0;
	o.location = r->site->location;
	o.no_fsync = ctx->opt->no_fsync;
	o.stall_seconds = 20;
	o.connect_timeout_ms = 5000;
	o.progress = stop_at;
	o.progress_payload = &attempt_limit;
	if (ctx->trust != NULL) {
		o.verify = verify_trusted;
		o.verify_payload = ctx->trust;
	}
	if ((rc = dupg_fetch_new(out, &o)) != 0)
		return sim_error_lib(rc, "site %s: fetch", r->site->id);
	return 0;
}

/*
 * One real attempt at p from the servers that serve at t (and those down
 * for good, which fail), stopped after limit bytes unless UINT64_MAX. *rc_out
 * receives dupg_fetch_run's code; the attempt goes into the report.
 */
static int attempt(struct site_run *r, const struct sim_ctx *ctx, const struct sim_pkg *p, double t,
		   uint64_t limit, const char *ended, const char *want, int *rc_out)
{
	struct sim_http *h = r->http;
	struct sim_cluster *cl = ctx->cluster;
	dupg_fetch_server *list = calloc(cl->n, sizeof(*list));
	size_t *idx = calloc(cl->n, sizeof(*idx)), n = 0, i;
	char *path = sim_printf("/v1/packages/%s", p->base);
	const char *paths[1];
	dupg_fetch **fp = limit == UINT64_MAX ? &h->fetch : &h->slow, *f;
	json_object *a;
	int rc = 0;

	if (list == NULL || idx == NULL || path == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = get_fetch(fp, r, ctx, limit != UINT64_MAX)) != 0)
		goto done;
	f = *fp;
	for (i = 0; i < cl->n; i++)
		if (serves(ctx, i, t) || down(ctx, i, t)) {
			list[n].url = cl->v[i].url;
			list[n].location = cl->v[i].location;
			idx[n++] = i;
		}
	if (n == 0) {
		rc = sim_error(DUPG_ERROR, "site %s: no dupg-server to fetch %s from at %.3f s",
			       r->site->id, p->name, t);
		goto done;
	}
	paths[0] = path;
	attempt_limit = limit;
	if (limit != UINT64_MAX) {
		/* the bytes already on disk (a partial file) are not sent again */
		char *part = sim_printf("%s/%s.part", r->store_dir, p->base);
		struct stat st;

		if (part == NULL) {
			rc = sim_error(DUPG_ENOMEM, "out of memory");
			goto done;
		}
		stop_timer(f, part, limit, stat(part, &st) == 0 ? (uint64_t)st.st_size : 0);
		free(part);
	}
	*rc_out = dupg_fetch_run(f, r->store_dir, paths, 1, list, n);
	if (limit != UINT64_MAX) {
		stop_timer(NULL, NULL, 0, 0);
		/* a cancel that came after the run ended would cancel the next one: a fresh handle */
		if (stop_fired && *rc_out != DUPG_EABORTED) {
			dupg_fetch_free(*fp);
			*fp = NULL;
		}
	}
	attempt_limit = UINT64_MAX;
	a = json_object_new_object();
	if (a == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto done;
	}
	json_object_object_add(a, "package", json_object_new_string(p->name));
	json_object_object_add(a, "bytes", json_object_new_int64((int64_t)dupg_fetch_bytes(f)));
	if (*rc_out == 0) {
		const dupg_fetch_outcome *x = dupg_fetch_get(f, 0);
		/* a partial file already whole on disk is verified without a transfer */
		int disk = x->resumed && x->bytes == 0;
		const char *got = cl->v[idx[x->server]].id;

		json_object_object_add(a, "server", disk ? NULL : json_object_new_string(got));
		json_object_object_add(a, "url", json_object_new_string(x->url));
		json_object_object_add(a, "resumed", json_object_new_boolean(x->resumed));
		json_object_object_add(a, "failovers", json_object_new_int64((int64_t)x->failovers));
		json_object_object_add(a, "ended", json_object_new_string("done"));
		if (disk)
			json_object_object_add(a, "from_disk", json_object_new_boolean(1));
		if (!disk && want != NULL && strcmp(want, got) != 0)
			rc = sim_error(DUPG_ERROR, "site %s: the library fetched %s from %s where the "
						   "simulator's ranking says %s", r->site->id,
					 p->name, got, want);
	} else {
		const char *who = want != NULL ? want : n == 1 ? cl->v[idx[0]].id : NULL;
		json_object_object_add(a, "server", who ? json_object_new_string(who) : NULL);
		json_object_object_add(a, "ended", json_object_new_string(ended));
		json_object_object_add(a, "error", json_object_new_string(dupg_error_last()));
	}
	json_object_array_add(h->pkgs, a);
done:
	free(list);
	free(idx);
	free(path);
	return rc;
}

/* Remove what a dropped download left: the file, its partial file and the partial's metadata. */
static void drop(const struct site_run *r, const struct sim_pkg *p)
{
	static const char *const ext[] = { "", ".part", ".part.meta" };
	size_t i;

	for (i = 0; i < 3; i++) {
		char *f = sim_printf("%s/%s%s", r->store_dir, p->base, ext[i]);
		if (f != NULL)
			unlink(f);
		free(f);
	}
}

/* A failed attempt that was not the stop asked for is an error, unless it is a refusal. */
static int judge(struct site_run *r, const struct sim_pkg *p, int frc, int stopped)
{
	struct sim_http *h = r->http;

	if (frc == 0 || (stopped && frc == DUPG_EABORTED))
		return 0;
	if (frc == DUPG_EINTEGRITY || frc == DUPG_EFORMAT || frc == DUPG_EARCHIVE ||
	    (frc <= DUPG_EUNSIGNED && frc >= DUPG_ESIGFORMAT)) {
		if (h->refusal == NULL && (h->refusal = sim_strdup(dupg_error_last())) == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		return 1;
	}
	return sim_error_lib(frc, "site %s: fetching %s over HTTP", r->site->id, p->name);
}

int sim_http_fetch(struct site_run *r, const struct sim_ctx *ctx, const struct sim_pkg *p,
		   size_t first_piece, const char *how, uint64_t cut_bytes)
{
	int frc = 0, rc, complete = 0;
	uint64_t upto = 0;
	size_t j;

	if (r->served.n <= first_piece) {
		/* one server: the whole package, or cut at cut_bytes then resumed */
		int cut = strcmp(how, "cut") == 0;
		if ((rc = attempt(r, ctx, p, r->t, cut ? cut_bytes : UINT64_MAX, "cut", NULL, &frc)) != 0 ||
		    (rc = judge(r, p, frc, cut)) != 0)
			return rc;
		if (cut && frc != 0 && (rc = attempt(r, ctx, p, r->t, UINT64_MAX, "cut", NULL, &frc)) == 0)
			rc = judge(r, p, frc, 0);
		if (cut)
			drop(r, p);
		return rc;
	}
	for (j = first_piece; j < r->served.n && !complete; j++) {
		const struct sim_piece *pc = &r->served.v[j];
		int whole = strcmp(pc->ended, "done") == 0;

		upto += pc->bytes;
		if ((rc = sync_processes(ctx, pc->from_s)) != 0)
			return rc;
		if ((rc = attempt(r, ctx, p, pc->from_s, whole ? UINT64_MAX : upto, pc->ended,
				  pc->server_id, &frc)) != 0 || (rc = judge(r, p, frc, !whole)) != 0)
			return rc;
		/* a small file may be whole before the stop is seen: the rest has nothing to do */
		complete = frc == 0;
		if (strcmp(pc->ended, "down") == 0 && (rc = sync_processes(ctx, pc->to_s)) != 0)
			return rc;
	}
	if (strcmp(how, "cut") == 0 && !complete) {
		/* the connection dropped at the cut: the next attempt resumes the partial file */
		if ((rc = attempt(r, ctx, p, r->t, UINT64_MAX, "cut", NULL, &frc)) != 0 ||
		    (rc = judge(r, p, frc, 0)) != 0)
			return rc;
	} else if (strcmp(how, "no_server") == 0) {
		/* every server is down for good: the last attempt fails on each of them */
		if ((rc = sync_processes(ctx, r->t)) != 0 ||
		    (rc = attempt(r, ctx, p, r->t, UINT64_MAX, "no_server", NULL, &frc)) != 0)
			return rc;
		if (frc == 0)
			return sim_error(DUPG_ERROR, "site %s: %s came down with every server down",
					 r->site->id, p->name);
	}
	if (strcmp(how, "done") != 0)
		drop(r, p);
	return 0;
}

const char *sim_http_refusal(const struct site_run *r)
{
	return r->http ? r->http->refusal : NULL;
}

int sim_http_status(struct site_run *r, const struct sim_ctx *ctx, const char *state,
		    const char *detail)
{
	struct sim_http *h = r->http;
	struct sim_cluster *cl = ctx->cluster;
	json_object *st = json_object_new_object(), *answer = NULL, *seq;
	char *path = NULL, *body = NULL, *req = NULL;
	long code;
	size_t k;
	int rc;

	if (st == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = sync_processes(ctx, r->t)) != 0)
		goto done;
	if ((k = nearest(r, ctx, r->t)) == (size_t)-1) {
		/* nobody to tell: the report says so */
		json_object_object_add(h->o, "status", NULL);
		goto done;
	}
	/* its server went down meanwhile: the site registers with the next and describes itself */
	if (h->tokens[k] == NULL) {
		if ((rc = describe_at(r, ctx, k, &answer)) != 0)
			goto done;
		json_object_put(answer);
		answer = NULL;
	}
	json_object_object_add(st, "state", json_object_new_string(state));
	json_object_object_add(st, "detail", json_object_new_string(detail ? detail : ""));
	if ((req = sim_strdup(json_object_to_json_string(st))) == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto done;
	}
	/* the report keeps the state, the server and its sequence number */
	json_object_object_del(st, "detail");
	path = sim_printf("/v1/sites/%s/status", r->site->id);
	if (path == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = sim_cluster_request(cl, k, "POST", path, h->tokens[k], req, &code, &body)) != 0) {
		rc = sim_error(rc, "site %s: status: %s", r->site->id, sim_errmsg());
		goto done;
	}
	if (code != 200) {
		rc = sim_error(DUPG_ENETWORK, "site %s: POST %s%s: HTTP %ld: %s", r->site->id,
			       cl->v[k].url, path, code, body);
		goto done;
	}
	if ((rc = parse_object(&answer, body, "POST", cl->v[k].url)) != 0)
		goto done;
	json_object_object_add(st, "server", json_object_new_string(cl->v[k].id));
	if (json_object_object_get_ex(answer, "seq", &seq))
		json_object_object_add(st, "seq", json_object_get(seq));
	json_object_object_add(h->o, "status", json_object_get(st));
done:
	json_object_put(st);
	json_object_put(answer);
	free(path);
	free(body);
	free(req);
	return rc;
}

char *sim_http_end(struct site_run *r)
{
	struct sim_http *h = r->http;
	char *text = NULL;
	size_t i;

	if (h == NULL)
		return NULL;
	if (h->o != NULL) {
		json_object_object_add(h->o, "control", json_object_get(h->ctls));
		json_object_object_add(h->o, "fetches", json_object_get(h->pkgs));
		text = sim_strdup(json_object_to_json_string_ext(h->o, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	json_object_put(h->o);
	json_object_put(h->pkgs);
	json_object_put(h->ctls);
	for (i = 0; h->tokens != NULL && i < h->n; i++)
		free(h->tokens[i]);
	free(h->tokens);
	free(h->order);
	dupg_fetch_free(h->fetch);
	dupg_fetch_free(h->slow);
	free(h->refusal);
	r->http = NULL;
	free(h);
	return text;
}
