/* SPDX-License-Identifier: BSD-2-Clause */
/* The readable table on stderr: sites, outcomes, and this design beside both baselines. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/site_json.h"
#include "output/table.h"
#include "util.h"

static void human(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, n, "%.1f %s", v, unit[u]);
}

/* "a,b,c", shortened to fit. */
static void joined(char *buf, size_t n, const struct sim_strv *l, size_t width)
{
	size_t i, len = 0;

	buf[0] = '\0';
	if (l->n == 0) {
		snprintf(buf, n, "-");
		return;
	}
	for (i = 0; i < l->n && len + 1 < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "", l->v[i]);
	/* keep the table's columns: long lists end in "..." */
	if (width > 3 && strlen(buf) > width)
		memcpy(buf + width - 3, "...", 4);
}

/* A fault that did not fire is a fault the run did not test: say which, and why. */
static void add_unfired(struct sim_table *t, const struct sim_result *r)
{
	char why[512], what[256];
	size_t i;

	for (i = 0; i < r->nfaults; i++) {
		if (sim_fault_why(why, sizeof(why), r, i) == NULL)
			continue;
		if (strcmp(r->faults[i].origin, "random") == 0) {
			t->unfired_random++;
			continue;
		}
		t->unfired_asked++;
		if (t->nunfired >= SIM_TABLE_ROWS)
			continue;
		sim_fault_describe(what, sizeof(what), r, i);
		t->unfired[t->nunfired] = sim_printf("site %s: %s did not fire: %s", r->site, what, why);
		if (t->unfired[t->nunfired] != NULL)
			t->nunfired++;
	}
}

void sim_table_add(struct sim_table *t, const struct sim_run_head *h, const struct sim_result *r)
{
	char dl[128], del[128], bytes[32], cause[160] = "-";

	add_unfired(t, r);

	/* small runs show every site; big ones the first sites that did not upgrade */
	if (h->sites > SIM_TABLE_ROWS && r->outcome != SIM_ROLLED_BACK && r->outcome != SIM_FAILED)
		return;
	if (t->nrows >= SIM_TABLE_ROWS)
		return;
	joined(dl, sizeof(dl), &r->downloaded, 20);
	joined(del, sizeof(del), &r->deleted, 20);
	human(bytes, sizeof(bytes), r->bytes_downloaded);
	/* the detail cut to the column: the table is for reading, the report has it whole */
	if (r->cause.kind >= 0 || r->cause.corrupt)
		snprintf(cause, sizeof(cause), "%.*s", (int)sizeof(cause) - 1, r->cause.detail);
	t->rows[t->nrows++] = sim_printf("%-14s %4d  %-11s  %-11s  %10s  %-20s %-20s %9.1fs  %s",
					 r->site, (int)r->wave, sim_outcome_name(r->outcome),
					 dupg_task_kind_name(r->kind), bytes, dl, del,
					 r->virtual_time_s, cause);
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void print_sites(const struct sim_table *t, const struct sim_run_head *h)
{
	size_t i;

	if (t->nrows == 0)
		return;
	fprintf(stderr, "\n%-14s %4s  %-11s  %-11s  %10s  %-20s %-20s %10s  %s\n", "site", "wave",
		"outcome", "kind", "downloaded", "packages", "deleted", "time", "cause");
	for (i = 0; i < t->nrows; i++)
		fprintf(stderr, "%s\n", t->rows[i] ? t->rows[i] : "?");
	if (h->sites > SIM_TABLE_ROWS)
		fprintf(stderr, "(first %zu sites that rolled back or failed)\n", t->nrows);
}

static void print_unfired(const struct sim_table *t)
{
	size_t i;

	if (t->unfired_asked > 0)
		fprintf(stderr, "faults asked for that did not fire: %llu\n",
			(unsigned long long)t->unfired_asked);
	for (i = 0; i < t->nunfired; i++)
		fprintf(stderr, "  %s\n", t->unfired[i]);
	if (t->unfired_asked > t->nunfired)
		fprintf(stderr, "  (the first %zu; the report's \"why\" says it for each)\n", t->nunfired);
	if (t->unfired_random > 0)
		fprintf(stderr, "random faults that did not fire: %llu (the report's \"why\" says why)\n",
			(unsigned long long)t->unfired_random);
}

static void print_designs(const struct sim_totals *tot, const struct sim_figures *f)
{
	char a[32], b[32], c[32];

	fprintf(stderr, "\n%-26s %16s %18s %18s\n", "", "this run", "universal pkg", "repacked per site");
	human(a, sizeof(a), tot->bytes);
	human(b, sizeof(b), tot->universal);
	human(c, sizeof(c), tot->repack);
	fprintf(stderr, "%-26s %16s %18s %18s\n", "bytes downloaded", a, b, c);
	if (tot->universal > 0)
		fprintf(stderr, "%-26s %16s %17.1f%% %17.1f%%\n", "  this run as a share", "",
			pct(tot->bytes, tot->universal), pct(tot->bytes, tot->repack));
	human(a, sizeof(a), f->server_store_bytes);
	human(b, sizeof(b), f->universal_bytes);
	human(c, sizeof(c), f->repack_server_bytes);
	fprintf(stderr, "%-26s %16s %18s %18s\n", "server storage", a, b, c);
	fprintf(stderr, "%-26s %16s %18s %16.3f s\n", "server CPU to prepare", "none", "one archive",
		f->repack_cpu_s);
	fprintf(stderr, "%-26s %16s %18s %16.3f s\n", "  without a cache by need", "none", "",
		f->repack_cpu_uncached_s);
	fprintf(stderr, "%-26s %16s %18s %18zu\n", "archives on the server", "", "1",
		f->repack_archives);
}

void sim_table_print(const struct sim_table *t, const struct sim_run_head *h,
		     const struct sim_totals *tot, const struct sim_figures *f, uint64_t halted,
		     const struct sim_wave_result *halt, double wall_s)
{
	char a[32], b[32];

	fprintf(stderr, "dupg-sim run: %s (%s), seed %llu, %llu site%s%s\n", h->name, h->file,
		(unsigned long long)h->seed, (unsigned long long)tot->nsites,
		tot->nsites == 1 ? "" : "s", h->no_fsync ? ", no fsync (simulation only)" : "");
	print_sites(t, h);
	fprintf(stderr, "\noutcomes: %llu upgraded, %llu rolled back, %llu current, %llu failed",
		(unsigned long long)tot->outcome[SIM_UPGRADED],
		(unsigned long long)tot->outcome[SIM_ROLLED_BACK],
		(unsigned long long)tot->outcome[SIM_CURRENT],
		(unsigned long long)tot->outcome[SIM_FAILED]);
	if (halted > 0 && halt != NULL)
		fprintf(stderr, "\nrollout HALTED after wave %u: %llu of its %llu sites that needed the "
				"upgrade rolled back or failed (%.1f%%), above the halt threshold %.1f%%; "
				"%llu site%s not attempted", halt->wave,
			(unsigned long long)halt->failures, (unsigned long long)halt->attempted,
			pct(halt->failures, halt->attempted), 100.0 * h->halt_threshold,
			(unsigned long long)halted, halted == 1 ? "" : "s");
	else if (halted > 0)
		fprintf(stderr, "; rollout HALTED, %llu sites not attempted", (unsigned long long)halted);
	fprintf(stderr, "\nrollbacks by cause: stage %llu, switch %llu, health %llu",
		(unsigned long long)tot->rollbacks[0], (unsigned long long)tot->rollbacks[1],
		(unsigned long long)tot->rollbacks[2]);
	if (tot->txn_crash_rollbacks > 0)
		fprintf(stderr, ", txn_crash %llu", (unsigned long long)tot->txn_crash_rollbacks);
	fprintf(stderr, "; failed downloads: cut %llu, corrupt %llu", (unsigned long long)tot->cut,
		(unsigned long long)tot->corrupt);
	if (tot->server_down > 0)
		fprintf(stderr, ", server_down %llu", (unsigned long long)tot->server_down);
	fprintf(stderr, "; master crashes recovered: %llu\n", (unsigned long long)tot->crashes);
	print_unfired(t);
	print_designs(tot, f);
	human(a, sizeof(a), tot->store);
	human(b, sizeof(b), tot->baseline_store);
	fprintf(stderr, "\nmaster storage after the run: %s, against %s keeping every task's package "
			"(%.1f%%); packages deleted: %llu\n", a, b, pct(tot->store, tot->baseline_store),
		(unsigned long long)tot->deleted);
	fprintf(stderr, "virtual time per site: max %.1f s, mean %.1f s; wall time %.2f s\n",
		tot->vtime_max, tot->nsites ? tot->vtime_sum / (double)tot->nsites : 0, wall_s);
}

void sim_table_servers(const struct sim_run_head *h, const uint64_t *bytes, const uint64_t *sites,
		       const uint64_t *failovers)
{
	const struct sim_dservers *c = h->dservers;
	size_t k;

	fprintf(stderr, "\ndeployment server  location             served    sites  failovers  down     upgrade\n");
	for (k = 0; k < c->n; k++) {
		const struct sim_dserver *s = &c->v[k];
		char a[32], down[32] = "-", up[48] = "-";

		human(a, sizeof(a), bytes[k]);
		if (s->down_at_s >= 0)
			snprintf(down, sizeof(down), "%.1fs", s->down_at_s);
		if (sim_dservers_upgraded(c, k))
			snprintf(up, sizeof(up), "%.1fs-%.1fs", s->upgrade_from_s, s->upgrade_to_s);
		fprintf(stderr, "%-18.18s %-18.18s %10s %8llu %10llu  %-8s %s\n", s->id,
			s->location ? s->location : "-", a, (unsigned long long)sites[k],
			(unsigned long long)failovers[k], down, up);
	}
}

void sim_table_clear(struct sim_table *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		free(t->rows[i]);
	for (i = 0; i < t->nunfired; i++)
		free(t->unfired[i]);
	memset(t, 0, sizeof(*t));
}
