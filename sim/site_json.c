/* A site's entry in the report: outcome, task, bytes, cause, timeline, faults, devices. */
#include "config.h"

#include <stdlib.h>

#include "engine.h"

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *pkg_names(const struct sim_scenario *sc, const size_t *idx, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, json_object_new_string(sc->cat.pkgs[idx[i]].name));
	return a;
}

static json_object *devices_json(struct site_run *r)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < r->ndev; i++) {
		const struct dev *d = &r->devs[i];
		const struct sim_dev *s = d->spec;
		json_object *o = json_object_new_object();
		const char *after = d->state == SIM_DEV_UPGRADED ? d->pkg->version : s->version;

		json_object_object_add(o, "id", json_object_new_string(s->id));
		json_object_object_add(o, "role", json_object_new_string(sim_role_name(s->role)));
		json_object_object_add(o, "hw", json_object_new_string(s->hw));
		json_object_object_add(o, "parent", jstr(s->parent));
		json_object_object_add(o, "version_before", json_object_new_string(s->version));
		json_object_object_add(o, "version_after", json_object_new_string(after));
		json_object_object_add(o, "state", json_object_new_string(sim_dev_state_name(d->state)));
		json_object_object_add(o, "package", d->pkg ? json_object_new_string(d->pkg->name) : NULL);
		if (d->step >= 0 && r->staging_reached) {
			json_object_object_add(o, "staged_s", sim_json_num(d->staged, 3));
			if (d->switched || d->state == SIM_DEV_UPGRADED)
				json_object_object_add(o, "switched_s", sim_json_num(d->sw_end, 3));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *faults_json(struct site_run *r)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < r->site->nfaults; i++) {
		const struct sim_fault *f = &r->site->faults[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(sim_fault_name(f->kind)));
		if (f->device != NULL)
			json_object_object_add(o, "device", json_object_new_string(f->device));
		if (f->kind == SIM_FAULT_CUT && f->package != NULL)
			json_object_object_add(o, "package", json_object_new_string(f->package));
		if (f->kind == SIM_FAULT_CRASH)
			json_object_object_add(o, "step", json_object_new_string(dupg_apply_step_name(f->step)));
		json_object_object_add(o, "origin", json_object_new_string(f->origin));
		json_object_object_add(o, "fired", json_object_new_boolean(i < 64 && r->fault_fired[i]));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *site_json(struct site_run *r, unsigned wave)
{
	const struct sim_scenario *sc = r->ctx->sc;
	struct sim_site_sum *sum = r->sum;
	json_object *o = json_object_new_object(), *t, *task, *jstore, *deleted;
	size_t i;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "site", json_object_new_string(r->site->id));
	json_object_object_add(o, "wave", json_object_new_int((int)wave));
	json_object_object_add(o, "outcome", json_object_new_string(sim_outcome_name(sum->outcome)));
	json_object_object_add(o, "kind", json_object_new_string(dupg_task_kind_name(sum->kind)));
	task = json_object_new_array();
	for (i = 0; r->task != NULL && i < dupg_task_count(r->task); i++)
		json_object_array_add(task, json_object_new_string(dupg_task_path(r->task, i)));
	json_object_object_add(o, "task", task);
	json_object_object_add(o, "bytes_downloaded", json_object_new_int64((int64_t)sum->bytes_downloaded));
	json_object_object_add(o, "downloaded", pkg_names(sc, r->dl_pkgs, r->ndl));
	deleted = json_object_new_array();
	for (i = 0; r->prune != NULL && i < dupg_prune_count(r->prune, DUPG_LIST_DELETABLE); i++) {
		char *name = sim_pkg_name(dupg_prune_path(r->prune, DUPG_LIST_DELETABLE, i));
		json_object_array_add(deleted, name ? json_object_new_string(name) : NULL);
		free(name);
	}
	json_object_object_add(o, "deleted", deleted);
	json_object_object_add(o, "virtual_time_s", sim_json_num(sum->vtime, 3));
	if (r->cause.kind >= 0 || r->cause.corrupt) {
		json_object *c = json_object_new_object();
		json_object_object_add(c, "kind", json_object_new_string(
			r->cause.corrupt ? "corrupt" : sim_fault_name((enum sim_fault_kind)r->cause.kind)));
		json_object_object_add(c, "device", jstr(r->cause.device));
		json_object_object_add(c, "origin", jstr(r->cause.origin));
		json_object_object_add(c, "detail", json_object_new_string(r->cause.detail));
		json_object_object_add(o, "cause", c);
	} else {
		json_object_object_add(o, "cause", NULL);
	}
	t = json_object_new_object();
	json_object_object_add(t, "download_s", sim_json_num(r->t_download, 3));
	json_object_object_add(t, "staged_s", sim_json_num(r->t_staged, 3));
	json_object_object_add(t, "switched_s", sim_json_num(r->t_switched, 3));
	json_object_object_add(t, "done_s", sim_json_num(r->t_done, 3));
	json_object_object_add(t, "rollback_s", sim_json_num(r->t_rollback, 3));
	json_object_object_add(o, "timeline", t);
	if (r->crashed) {
		json_object *rec = json_object_new_object();
		json_object_object_add(rec, "crash_step", json_object_new_string(dupg_apply_step_name(r->crash_step)));
		json_object_object_add(rec, "action", json_object_new_string(dupg_recover_action_name(r->recovery.action)));
		json_object_object_add(rec, "temps_removed", json_object_new_int64((int64_t)r->recovery.temps_removed));
		json_object_object_add(rec, "files_deleted", json_object_new_int64((int64_t)r->recovery.files_deleted));
		json_object_object_add(o, "recovery", rec);
	}
	jstore = json_object_new_object();
	json_object_object_add(o, "store", jstore);
	json_object_object_add(o, "faults", faults_json(r));
	json_object_object_add(o, "devices", devices_json(r));
	return o;
}
