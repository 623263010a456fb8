/* SPDX-License-Identifier: BSD-2-Clause */
/* The run's totals, added up site by site, and their JSON beside the baselines. */
#include "config.h"

#include "output/json.h"
#include "output/totals.h"

void sim_totals_add(struct sim_totals *t, const struct sim_result *r)
{
	t->nsites++;
	t->outcome[r->outcome]++;
	t->kinds[r->kind]++;
	t->bytes += r->bytes_downloaded;
	t->universal += r->universal_bytes;
	t->repack += r->repack_bytes;
	t->store += r->store.bytes;
	t->baseline_store += r->store.baseline_bytes;
	t->deleted += r->deleted.n;
	t->server_bytes += r->server_bytes;
	t->each_bytes += r->each_bytes;
	if (r->outcome == SIM_ROLLED_BACK && r->cause.kind >= 0 && r->cause.kind <= SIM_FAULT_HEALTH)
		t->rollbacks[r->cause.kind]++;
	if (r->outcome == SIM_ROLLED_BACK && r->cause.kind == SIM_FAULT_TXN_CRASH)
		t->txn_crash_rollbacks++;
	if (r->outcome == SIM_FAILED && r->cause.corrupt)
		t->corrupt++;
	else if (r->outcome == SIM_FAILED && r->cause.kind == SIM_FAULT_CUT)
		t->cut++;
	else if (r->outcome == SIM_FAILED && r->cause.kind == SIM_FAULT_SERVER_DOWN)
		t->server_down++;
	if (r->crashed) {
		t->crashes++;
		t->recoveries[r->recovery.action]++;
	}
	if (r->virtual_time_s > t->vtime_max)
		t->vtime_max = r->virtual_time_s;
	t->vtime_sum += r->virtual_time_s;
}

/* {"NAME": count, ...} for the first n values of an enum, spelled by name(). */
static json_object *counts(const char *(*name)(int), const uint64_t *v, int n)
{
	json_object *o = json_object_new_object();
	int i;

	for (i = 0; o != NULL && i < n; i++)
		json_object_object_add(o, name(i), json_object_new_int64((int64_t)v[i]));
	return o;
}

static const char *kind_name(int i)
{
	return dupg_task_kind_name((dupg_task_kind)i);
}

static const char *cause_name(int i)
{
	return sim_fault_name((enum sim_fault_kind)i);
}

static const char *action_name(int i)
{
	return dupg_recover_action_name((dupg_recover_action)i);
}

static json_object *count(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

json_object *sim_totals_json(const struct sim_totals *t, const struct sim_figures *f,
			     uint64_t not_attempted, int no_fsync)
{
	json_object *o = json_object_new_object(), *fail, *rb;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "sites", count(t->nsites));
	json_object_object_add(o, "upgraded", count(t->outcome[SIM_UPGRADED]));
	json_object_object_add(o, "rolled_back", count(t->outcome[SIM_ROLLED_BACK]));
	json_object_object_add(o, "current", count(t->outcome[SIM_CURRENT]));
	json_object_object_add(o, "failed", count(t->outcome[SIM_FAILED]));
	json_object_object_add(o, "not_attempted", count(not_attempted));
	json_object_object_add(o, "kinds", counts(kind_name, t->kinds, 3));
	json_object_object_add(o, "bytes_downloaded", count(t->bytes));
	json_object_object_add(o, "baseline_universal_bytes", count(t->universal));
	json_object_object_add(o, "baseline_repack_bytes", count(t->repack));
	json_object_object_add(o, "baseline_repack_cpu_s", sim_json_num(f->repack_cpu_s, 3));
	json_object_object_add(o, "store_bytes", count(t->store));
	json_object_object_add(o, "baseline_store_bytes", count(t->baseline_store));
	json_object_object_add(o, "server_store_bytes", count(f->server_store_bytes));
	json_object_object_add(o, "universal_package_bytes", count(f->universal_bytes));
	json_object_object_add(o, "baseline_repack_archives", count(f->repack_archives));
	json_object_object_add(o, "baseline_repack_server_bytes", count(f->repack_server_bytes));
	json_object_object_add(o, "packages_deleted", count(t->deleted));
	if (f->regions != NULL) {
		/* elect regions: what the management server sent, beside every site on its own */
		uint64_t server = t->server_bytes;
		size_t i;

		for (i = 0; i < f->nregions; i++)
			server += f->regions[i].server_bytes;
		json_object_object_add(o, "server_bytes", count(server));
		json_object_object_add(o, "baseline_each_bytes", count(t->each_bytes));
	}
	rb = counts(cause_name, t->rollbacks, 3);
	/* only when there are any: runs without --crash-txn keep their report */
	if (rb != NULL && t->txn_crash_rollbacks > 0)
		json_object_object_add(rb, sim_fault_name(SIM_FAULT_TXN_CRASH), count(t->txn_crash_rollbacks));
	json_object_object_add(o, "rollbacks_by_cause", rb);
	fail = json_object_new_object();
	json_object_object_add(fail, "cut", count(t->cut));
	json_object_object_add(fail, "corrupt", count(t->corrupt));
	/* only when there are any: runs without deployment servers keep their report */
	if (t->server_down > 0)
		json_object_object_add(fail, sim_fault_name(SIM_FAULT_SERVER_DOWN), count(t->server_down));
	json_object_object_add(o, "failures_by_cause", fail);
	json_object_object_add(o, "master_crashes", count(t->crashes));
	json_object_object_add(o, "recoveries", counts(action_name, t->recoveries, 3));
	json_object_object_add(o, "virtual_time_s_max", sim_json_num(t->vtime_max, 3));
	json_object_object_add(o, "virtual_time_s_mean",
			       sim_json_num(t->nsites ? t->vtime_sum / (double)t->nsites : 0, 3));
	json_object_object_add(o, "no_fsync", json_object_new_boolean(no_fsync));
	return o;
}
