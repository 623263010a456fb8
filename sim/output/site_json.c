/* SPDX-License-Identifier: BSD-2-Clause */
/* A site's entry in the report: outcome, task, bytes, cause, timeline, store, faults, devices. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "output/json.h"
#include "output/site_json.h"
#include "util.h"

static json_object *device_json(const struct sim_dev_result *d)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "id", json_object_new_string(d->id));
	json_object_object_add(o, "role", json_object_new_string(sim_role_name(d->role)));
	json_object_object_add(o, "hw", json_object_new_string(d->hw));
	json_object_object_add(o, "parent", sim_json_str(d->parent));
	json_object_object_add(o, "version_before", json_object_new_string(d->version_before));
	json_object_object_add(o, "version_after", json_object_new_string(d->version_after));
	json_object_object_add(o, "state", json_object_new_string(sim_dev_state_name(d->state)));
	json_object_object_add(o, "package", sim_json_str(d->package));
	if (d->has_staged)
		json_object_object_add(o, "staged_s", sim_json_num(d->staged_s, 3));
	if (d->has_switched)
		json_object_object_add(o, "switched_s", sim_json_num(d->switched_s, 3));
	return o;
}

static const struct sim_dev_result *find_dev(const struct sim_result *r, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < r->ndev; i++)
		if (strcmp(r->devs[i].id, id) == 0)
			return &r->devs[i];
	return NULL;
}

static int in_strv(const struct sim_strv *l, const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static int is_device_kind(enum sim_fault_kind k)
{
	return k == SIM_FAULT_STAGE || k == SIM_FAULT_SWITCH || k == SIM_FAULT_HEALTH;
}

/* What fault i waited for, as the run's phases say it. */
static const char *moment(enum sim_fault_kind k)
{
	switch (k) {
	case SIM_FAULT_STAGE:
		return "staging";
	case SIM_FAULT_SWITCH:
		return "its switch";
	case SIM_FAULT_HEALTH:
		return "its health check";
	default:
		return "its moment";
	}
}

/* The cause of a site that did not upgrade, in a few words: "cut", "health on HUB2". */
static void cause_words(char *buf, size_t n, const struct sim_cause *c)
{
	const char *k = c->corrupt ? "corrupt" : sim_fault_name((enum sim_fault_kind)c->kind);

	if (c->device != NULL)
		snprintf(buf, n, "%s on %s", k, c->device);
	else
		snprintf(buf, n, "%s", k);
}

/* Only the first fault of a kind (of a kind and device, for a device's) is used: an earlier one. */
static long earlier_twin(const struct sim_result *r, size_t i)
{
	const struct sim_fault_result *f = &r->faults[i];
	size_t j;

	for (j = 0; j < i; j++) {
		const struct sim_fault_result *g = &r->faults[j];

		if (g->kind != f->kind)
			continue;
		if (!is_device_kind(f->kind) ||
		    (f->device != NULL && g->device != NULL && strcmp(f->device, g->device) == 0))
			return (long)j;
	}
	return -1;
}

static void why_device(char *buf, size_t n, const struct sim_result *r, const struct sim_fault_result *f)
{
	const struct sim_dev_result *d = find_dev(r, f->device);
	char cause[160];

	if (f->device == NULL)
		snprintf(buf, n, "no device of site %s has anything to install", r->site);
	else if (d == NULL)
		snprintf(buf, n, "site %s has no device %s", r->site, f->device);
	else if (d->package == NULL)
		snprintf(buf, n, "device %s has nothing to install: the plan leaves it on version %s", d->id,
			 d->version_before);
	else if (r->outcome == SIM_FAILED) {
		cause_words(cause, sizeof(cause), &r->cause);
		snprintf(buf, n, "the site failed before any device installed (%s)", cause);
	} else if (r->outcome == SIM_ROLLED_BACK) {
		cause_words(cause, sizeof(cause), &r->cause);
		snprintf(buf, n, "the site rolled back (%s) before device %s reached %s", cause, d->id,
			 moment(f->kind));
	} else {
		snprintf(buf, n, "device %s never reached %s", d->id, moment(f->kind));
	}
}

const char *sim_fault_why(char *buf, size_t n, const struct sim_result *r, size_t i)
{
	const struct sim_fault_result *f = &r->faults[i];
	char cause[160];
	long twin;

	if (f->fired || n == 0)
		return NULL;
	if (i >= 64) {
		snprintf(buf, n, "a site's faults past the 64th are not followed");
	} else if ((twin = earlier_twin(r, i)) >= 0) {
		snprintf(buf, n, "only the first %s fault%s%s of a site is used: fault %ld came first",
			 sim_fault_name(f->kind), f->device ? " on " : "", f->device ? f->device : "",
			 twin + 1);
	} else if (r->outcome == SIM_CURRENT) {
		snprintf(buf, n, "site %s is current: it has nothing to download or install", r->site);
	} else if (is_device_kind(f->kind)) {
		why_device(buf, n, r, f);
	} else if (f->kind == SIM_FAULT_CUT) {
		if (r->downloaded.n == 0 && r->outcome != SIM_FAILED)
			snprintf(buf, n, "site %s downloaded nothing: its store held its task", r->site);
		else if (f->package != NULL && !in_strv(&r->downloaded, f->package))
			snprintf(buf, n, "package %s is not among what site %s downloads", f->package,
				 r->site);
		else if (r->outcome == SIM_FAILED) {
			cause_words(cause, sizeof(cause), &r->cause);
			snprintf(buf, n, "the download failed first (%s)", cause);
		} else
			snprintf(buf, n, "the download was never cut");
	} else if (f->kind == SIM_FAULT_CRASH) {
		if (r->outcome == SIM_FAILED) {
			cause_words(cause, sizeof(cause), &r->cause);
			snprintf(buf, n, "the download failed (%s), so the store was never updated", cause);
		} else if (f->step == DUPG_STEP_DELETE && r->deleted.n == 0)
			snprintf(buf, n, "the store update deleted nothing, so it had no step delete");
		else
			snprintf(buf, n, "the store update never reached step %s",
				 dupg_apply_step_name(f->step));
	} else if (f->kind == SIM_FAULT_TXN_CRASH) {
		if (r->outcome == SIM_FAILED) {
			cause_words(cause, sizeof(cause), &r->cause);
			snprintf(buf, n, "the download failed (%s), so no transaction ran", cause);
		} else
			snprintf(buf, n, "the transaction made %llu journal write%s, fewer than %llu",
				 (unsigned long long)r->txn.journal_writes,
				 r->txn.journal_writes == 1 ? "" : "s", (unsigned long long)f->write);
	} else if (f->kind == SIM_FAULT_DOWNLOADER_DOWN) {
		if (r->source == NULL || strcmp(r->source, "server") == 0)
			snprintf(buf, n, "site %s fetched from the management server, not from a "
					 "region's downloader", r->site);
		else
			snprintf(buf, n, "site %s fetched nothing from its region's downloader", r->site);
	} else {
		snprintf(buf, n, "its moment never came in this run");
	}
	return buf;
}

void sim_fault_describe(char *buf, size_t n, const struct sim_result *r, size_t i)
{
	const struct sim_fault_result *f = &r->faults[i];
	const char *k = sim_fault_name(f->kind);

	if (f->kind == SIM_FAULT_CRASH)
		snprintf(buf, n, "%s at %s (%s)", k, dupg_apply_step_name(f->step), f->origin);
	else if (f->kind == SIM_FAULT_TXN_CRASH)
		snprintf(buf, n, "%s after write %llu (%s)", k, (unsigned long long)f->write, f->origin);
	else if (f->device != NULL || f->package != NULL)
		snprintf(buf, n, "%s on %s (%s)", k, f->device ? f->device : f->package, f->origin);
	else
		snprintf(buf, n, "%s (%s)", k, f->origin);
}

static json_object *faults_json(const struct sim_result *r)
{
	json_object *a = json_object_new_array();
	char why[512];
	size_t i;

	for (i = 0; a != NULL && i < r->nfaults; i++) {
		const struct sim_fault_result *f = &r->faults[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(sim_fault_name(f->kind)));
		if (f->device != NULL)
			json_object_object_add(o, "device", json_object_new_string(f->device));
		if (f->package != NULL)
			json_object_object_add(o, "package", json_object_new_string(f->package));
		if (f->kind == SIM_FAULT_CRASH)
			json_object_object_add(o, "step", json_object_new_string(dupg_apply_step_name(f->step)));
		if (f->kind == SIM_FAULT_TXN_CRASH)
			json_object_object_add(o, "write", json_object_new_int64((int64_t)f->write));
		json_object_object_add(o, "origin", json_object_new_string(f->origin));
		json_object_object_add(o, "fired", json_object_new_boolean(f->fired));
		if (sim_fault_why(why, sizeof(why), r, i) != NULL)
			json_object_object_add(o, "why", json_object_new_string(why));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *cause_json(const struct sim_cause *c)
{
	json_object *o;

	if (c->kind < 0 && !c->corrupt)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(
		c->corrupt ? "corrupt" : sim_fault_name((enum sim_fault_kind)c->kind)));
	json_object_object_add(o, "device", sim_json_str(c->device));
	json_object_object_add(o, "origin", sim_json_str(c->origin));
	json_object_object_add(o, "detail", json_object_new_string(c->detail));
	return o;
}

static json_object *timeline_json(const struct sim_result *r)
{
	json_object *t = json_object_new_object();

	json_object_object_add(t, "download_s", sim_json_num(r->timeline.download_s, 3));
	json_object_object_add(t, "staged_s", sim_json_num(r->timeline.staged_s, 3));
	json_object_object_add(t, "switched_s", sim_json_num(r->timeline.switched_s, 3));
	json_object_object_add(t, "done_s", sim_json_num(r->timeline.done_s, 3));
	json_object_object_add(t, "rollback_s", sim_json_num(r->timeline.rollback_s, 3));
	return t;
}

static json_object *recovery_json(const struct sim_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "crash_step", json_object_new_string(dupg_apply_step_name(r->crash_step)));
	json_object_object_add(o, "action", json_object_new_string(dupg_recover_action_name(r->recovery.action)));
	json_object_object_add(o, "temps_removed", json_object_new_int64((int64_t)r->recovery.temps_removed));
	json_object_object_add(o, "files_deleted", json_object_new_int64((int64_t)r->recovery.files_deleted));
	return o;
}

static json_object *txn_json(const struct sim_txn_result *t)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "journal_writes", json_object_new_int64((int64_t)t->journal_writes));
	json_object_object_add(o, "crash_at", json_object_new_int64((int64_t)t->crash_at));
	json_object_object_add(o, "resumed", t->resumed < 0 ? NULL :
			       json_object_new_string(dupg_txn_outcome_name((dupg_txn_outcome)t->resumed)));
	return o;
}

static json_object *store_json(const struct sim_result *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "list", sim_json_strv(&r->store.list));
	json_object_object_add(o, "rollback", sim_json_strv(&r->store.rollback));
	json_object_object_add(o, "consistent", json_object_new_boolean(r->store.consistent));
	if (!r->store.consistent)
		json_object_object_add(o, "problem", json_object_new_string(r->store.problem));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)r->store.bytes));
	json_object_object_add(o, "baseline_bytes", json_object_new_int64((int64_t)r->store.baseline_bytes));
	return o;
}

/* Who served what: the pieces of the download, from the deployment servers. */
static json_object *served_json(const struct sim_served *s)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < s->n; i++) {
		const struct sim_piece *pc = &s->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "server", json_object_new_string(pc->server_id));
		json_object_object_add(o, "package", json_object_new_string(pc->package));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)pc->bytes));
		json_object_object_add(o, "rank", json_object_new_int64((int64_t)pc->rank));
		json_object_object_add(o, "near", json_object_new_string(
			dupg_nearness_name((dupg_nearness)pc->near)));
		json_object_object_add(o, "from_s", sim_json_num(pc->from_s, 3));
		json_object_object_add(o, "to_s", sim_json_num(pc->to_s, 3));
		json_object_object_add(o, "ended", json_object_new_string(pc->ended));
		json_object_array_add(a, o);
	}
	return a;
}

/* Everything but the devices (and current_after, which follows them). */
static json_object *head_json(const struct sim_result *r)
{
	json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "site", json_object_new_string(r->site));
	json_object_object_add(o, "wave", json_object_new_int((int)r->wave));
	json_object_object_add(o, "outcome", json_object_new_string(sim_outcome_name(r->outcome)));
	json_object_object_add(o, "kind", json_object_new_string(dupg_task_kind_name(r->kind)));
	json_object_object_add(o, "task", sim_json_strv(&r->task));
	json_object_object_add(o, "bytes_downloaded", json_object_new_int64((int64_t)r->bytes_downloaded));
	if (r->source != NULL)
		json_object_object_add(o, "source", json_object_new_string(r->source));
	json_object_object_add(o, "downloaded", sim_json_strv(&r->downloaded));
	json_object_object_add(o, "deleted", sim_json_strv(&r->deleted));
	json_object_object_add(o, "virtual_time_s", sim_json_num(r->virtual_time_s, 3));
	json_object_object_add(o, "cause", cause_json(&r->cause));
	json_object_object_add(o, "timeline", timeline_json(r));
	/* only with deployment servers: other scenarios keep their report */
	if (r->served.on) {
		json_object_object_add(o, "servers", served_json(&r->served));
		json_object_object_add(o, "failovers", json_object_new_int64((int64_t)r->served.failovers));
	}
	/* only with --serve: the master's requests to the real servers */
	if (r->http != NULL)
		json_object_object_add(o, "http", json_tokener_parse(r->http));
	if (r->crashed)
		json_object_object_add(o, "recovery", recovery_json(r));
	if (r->txn.reported)
		json_object_object_add(o, "txn", txn_json(&r->txn));
	json_object_object_add(o, "store", store_json(r));
	json_object_object_add(o, "faults", faults_json(r));
	return o;
}

/* Write o's text without its closing brace; o is released. */
static int put_open(FILE *out, json_object *o, int *failed)
{
	const char *s = o ? sim_json_text(o) : NULL;
	size_t len = s ? strlen(s) : 0;

	if (len < 2) {
		json_object_put(o);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	if (fwrite(s, 1, len - 1, out) != len - 1)
		*failed = 1;
	json_object_put(o);
	return 0;
}

int sim_site_json_write(FILE *out, const struct sim_result *r, int *failed)
{
	size_t i;
	int rc = put_open(out, head_json(r), failed);

	if (rc == 0 && fputs(",\"devices\":[", out) < 0)
		*failed = 1;
	/* one device at a time: a site of 100,000 devices is never a tree in memory */
	for (i = 0; rc == 0 && i < r->ndev; i++) {
		json_object *d = device_json(&r->devs[i]);
		const char *s = d ? sim_json_text(d) : NULL;

		if (s == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else if ((i > 0 && fputc(',', out) == EOF) || fputs(s, out) < 0)
			*failed = 1;
		json_object_put(d);
	}
	if (rc == 0 && fputc(']', out) == EOF)
		*failed = 1;
	if (rc == 0 && r->current_after >= 0 &&
	    fputs(r->current_after ? ",\"current_after\":true" : ",\"current_after\":false", out) < 0)
		*failed = 1;
	if (rc == 0 && fputc('}', out) == EOF)
		*failed = 1;
	return rc;
}
