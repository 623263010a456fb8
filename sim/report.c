/*
 * The run's report: the JSON document streamed site by site (a 100,000-site
 * run never holds its sites in memory), the totals beside both baselines at
 * the end, and a readable table on stderr.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

#define TABLE_ROWS 20

struct sim_report {
	FILE *out;
	char *path, *tmp;       /* NULL: stdout */
	const struct sim_scenario *sc;
	const struct sim_options *opt;
	uint64_t nsites;
	uint64_t outcome[4];
	uint64_t kinds[3];
	uint64_t bytes, universal, repack, store, baseline_store;
	uint64_t rollbacks[3];  /* stage, switch, health */
	uint64_t cut, corrupt, crashes, recoveries[3], deleted;
	double vtime_max, vtime_sum;
	json_object *waves;
	char *rows[TABLE_ROWS];
	size_t nrows;
	int write_failed;
};

static const char *const SEP = ",\n";

json_object *sim_json_num(double v, int decimals)
{
	char buf[64];

	/* a fixed number of decimals: readable, and the same text on every run */
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

int sim_report_open(struct sim_report **out, const char *file, const struct sim_scenario *sc,
		    const struct sim_options *opt)
{
	struct sim_report *r = calloc(1, sizeof(*r));
	json_object *head;
	const char *s;
	size_t len;

	*out = NULL;
	if (r == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	r->sc = sc;
	r->opt = opt;
	r->waves = json_object_new_array();
	if (r->waves == NULL) {
		free(r);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	if (file != NULL) {
		/* written beside, renamed at the end: a failed run leaves no half report */
		r->path = sim_strdup(file);
		r->tmp = sim_printf("%s.tmp", file);
		if (r->path == NULL || r->tmp == NULL) {
			sim_report_free(r);
			return sim_error(DUPG_ENOMEM, "out of memory");
		}
		r->out = fopen(r->tmp, "w");
		if (r->out == NULL) {
			int e = errno;
			sim_report_free(r);
			return sim_error(DUPG_EIO, "%s: cannot create: %s", file, strerror(e));
		}
	} else {
		r->out = stdout;
	}
	head = json_object_new_object();
	if (head == NULL) {
		sim_report_free(r);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	json_object_object_add(head, "format", json_object_new_int(1));
	json_object_object_add(head, "scenario", json_object_new_string(sc->name));
	json_object_object_add(head, "file", json_object_new_string(sc->base));
	json_object_object_add(head, "seed", json_object_new_int64((int64_t)sc->seed));
	json_object_object_add(head, "no_fsync", json_object_new_boolean(opt->no_fsync));
	json_object_object_add(head, "downloads", json_object_new_string(opt->link ? "link" : "copy"));
	/* the document is one object; its "sites" array is streamed between head and tail */
	s = json_object_to_json_string_ext(head, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	len = s ? strlen(s) : 0;
	if (len < 2 || fwrite(s, 1, len - 1, r->out) != len - 1 || fputs(",\"sites\":[\n", r->out) < 0)
		r->write_failed = 1;
	json_object_put(head);
	*out = r;
	return 0;
}

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

/* "a,b,c" of a JSON array of strings, shortened to fit. */
static void joined(char *buf, size_t n, json_object *site, const char *key, size_t width)
{
	json_object *a = NULL;
	size_t i, len = 0;

	buf[0] = '\0';
	if (!json_object_object_get_ex(site, key, &a) || json_object_array_length(a) == 0) {
		snprintf(buf, n, "-");
		return;
	}
	for (i = 0; i < json_object_array_length(a) && len + 1 < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "," : "",
					json_object_get_string(json_object_array_get_idx(a, i)));
	/* keep the table's columns: long lists end in "..." */
	if (width > 3 && strlen(buf) > width)
		memcpy(buf + width - 3, "...", 4);
}

static void table_row(struct sim_report *r, json_object *site, const struct sim_site_sum *sum,
		      const char *site_id)
{
	char dl[128], del[128], bytes[32], cause[160] = "-";
	json_object *c = NULL, *wave = NULL;

	if (r->nrows >= TABLE_ROWS)
		return;
	joined(dl, sizeof(dl), site, "downloaded", 20);
	joined(del, sizeof(del), site, "deleted", 20);
	human(bytes, sizeof(bytes), sum->bytes_downloaded);
	if (json_object_object_get_ex(site, "cause", &c) && c != NULL) {
		json_object *detail = NULL;
		json_object_object_get_ex(c, "detail", &detail);
		snprintf(cause, sizeof(cause), "%s", json_object_get_string(detail));
	}
	json_object_object_get_ex(site, "wave", &wave);
	r->rows[r->nrows++] = sim_printf("%-14s %4d  %-11s  %-11s  %10s  %-20s %-20s %9.1fs  %s",
					 site_id, json_object_get_int(wave),
					 sim_outcome_name(sum->outcome),
					 dupg_task_kind_name(sum->kind), bytes, dl, del, sum->vtime,
					 cause);
}

int sim_report_site(struct sim_report *r, json_object *site, const struct sim_site_sum *sum,
		    const char *site_id)
{
	const char *s = json_object_to_json_string_ext(site, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE);

	if (s == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((r->nsites > 0 && fputs(SEP, r->out) < 0) || fputs(s, r->out) < 0)
		r->write_failed = 1;
	r->nsites++;
	r->outcome[sum->outcome]++;
	r->kinds[sum->kind]++;
	r->bytes += sum->bytes_downloaded;
	r->universal += sum->universal_bytes;
	r->repack += sum->repack_bytes;
	r->store += sum->store_bytes;
	r->baseline_store += sum->baseline_store_bytes;
	r->deleted += sum->deleted;
	if (sum->outcome == SIM_ROLLED_BACK && sum->cause >= 0 && sum->cause <= SIM_FAULT_HEALTH)
		r->rollbacks[sum->cause]++;
	if (sum->outcome == SIM_FAILED && sum->corrupt)
		r->corrupt++;
	else if (sum->outcome == SIM_FAILED && sum->cause == SIM_FAULT_CUT)
		r->cut++;
	if (sum->crashed) {
		r->crashes++;
		r->recoveries[sum->recovery]++;
	}
	if (sum->vtime > r->vtime_max)
		r->vtime_max = sum->vtime;
	r->vtime_sum += sum->vtime;
	/* small runs show every site; big ones the first sites that did not upgrade */
	if (r->sc != NULL && (sim_scenario_site_count(r->sc) <= TABLE_ROWS || sum->outcome == SIM_ROLLED_BACK ||
			      sum->outcome == SIM_FAILED))
		table_row(r, site, sum, site_id);
	return 0;
}

void sim_report_wave(struct sim_report *r, unsigned wave, uint64_t sites, uint64_t attempted,
		     uint64_t failures, int halted)
{
	json_object *w = json_object_new_object();

	if (w == NULL)
		return;
	json_object_object_add(w, "wave", json_object_new_int((int)wave));
	json_object_object_add(w, "sites", json_object_new_int64((int64_t)sites));
	json_object_object_add(w, "attempted", json_object_new_int64((int64_t)attempted));
	json_object_object_add(w, "failures", json_object_new_int64((int64_t)failures));
	json_object_object_add(w, "failure_rate",
			       sim_json_num(attempted ? (double)failures / (double)attempted : 0, 4));
	json_object_object_add(w, "halted_after", json_object_new_boolean(halted));
	json_object_array_add(r->waves, w);
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

static json_object *totals_json(struct sim_report *r, struct sim_ctx *ctx, uint64_t halted)
{
	json_object *t = json_object_new_object(), *f;
	uint64_t server = sim_server_bytes(&ctx->sc->cat);

	if (t == NULL)
		return NULL;
	json_object_object_add(t, "sites", json_object_new_int64((int64_t)r->nsites));
	json_object_object_add(t, "upgraded", json_object_new_int64((int64_t)r->outcome[SIM_UPGRADED]));
	json_object_object_add(t, "rolled_back", json_object_new_int64((int64_t)r->outcome[SIM_ROLLED_BACK]));
	json_object_object_add(t, "current", json_object_new_int64((int64_t)r->outcome[SIM_CURRENT]));
	json_object_object_add(t, "failed", json_object_new_int64((int64_t)r->outcome[SIM_FAILED]));
	json_object_object_add(t, "not_attempted", json_object_new_int64((int64_t)halted));
	json_object_object_add(t, "kinds", counts(kind_name, r->kinds, 3));
	json_object_object_add(t, "bytes_downloaded", json_object_new_int64((int64_t)r->bytes));
	json_object_object_add(t, "baseline_universal_bytes", json_object_new_int64((int64_t)r->universal));
	json_object_object_add(t, "baseline_repack_bytes", json_object_new_int64((int64_t)r->repack));
	json_object_object_add(t, "baseline_repack_cpu_s", sim_json_num(sim_baseline_cpu_s(ctx->base), 3));
	json_object_object_add(t, "store_bytes", json_object_new_int64((int64_t)r->store));
	json_object_object_add(t, "baseline_store_bytes", json_object_new_int64((int64_t)r->baseline_store));
	json_object_object_add(t, "server_store_bytes", json_object_new_int64((int64_t)server));
	json_object_object_add(t, "universal_package_bytes",
			       json_object_new_int64((int64_t)sim_baseline_universal(ctx->base)));
	json_object_object_add(t, "baseline_repack_archives",
			       json_object_new_int64((int64_t)sim_baseline_archives(ctx->base)));
	json_object_object_add(t, "baseline_repack_server_bytes",
			       json_object_new_int64((int64_t)sim_baseline_server_bytes(ctx->base)));
	json_object_object_add(t, "packages_deleted", json_object_new_int64((int64_t)r->deleted));
	json_object_object_add(t, "rollbacks_by_cause", counts(cause_name, r->rollbacks, 3));
	f = json_object_new_object();
	json_object_object_add(f, "cut", json_object_new_int64((int64_t)r->cut));
	json_object_object_add(f, "corrupt", json_object_new_int64((int64_t)r->corrupt));
	json_object_object_add(t, "failures_by_cause", f);
	json_object_object_add(t, "master_crashes", json_object_new_int64((int64_t)r->crashes));
	json_object_object_add(t, "recoveries", counts(action_name, r->recoveries, 3));
	json_object_object_add(t, "virtual_time_s_max", sim_json_num(r->vtime_max, 3));
	json_object_object_add(t, "virtual_time_s_mean",
			       sim_json_num(r->nsites ? r->vtime_sum / (double)r->nsites : 0, 3));
	json_object_object_add(t, "no_fsync", json_object_new_boolean(r->opt->no_fsync));
	return t;
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0;
}

static void print_table(struct sim_report *r, struct sim_ctx *ctx, uint64_t halted, double wall_s)
{
	char a[32], b[32], c[32];
	size_t i;
	uint64_t server = sim_server_bytes(&ctx->sc->cat);

	fprintf(stderr, "dupg-sim run: %s (%s), seed %llu, %llu site%s%s\n", r->sc->name, r->sc->base,
		(unsigned long long)r->sc->seed, (unsigned long long)r->nsites,
		r->nsites == 1 ? "" : "s", r->opt->no_fsync ? ", no fsync (simulation only)" : "");
	if (r->nrows > 0) {
		fprintf(stderr, "\n%-14s %4s  %-11s  %-11s  %10s  %-20s %-20s %10s  %s\n", "site", "wave",
			"outcome", "kind", "downloaded", "packages", "deleted", "time", "cause");
		for (i = 0; i < r->nrows; i++)
			fprintf(stderr, "%s\n", r->rows[i] ? r->rows[i] : "?");
		if (sim_scenario_site_count(r->sc) > TABLE_ROWS)
			fprintf(stderr, "(first %zu sites that rolled back or failed)\n", r->nrows);
	}
	fprintf(stderr, "\noutcomes: %llu upgraded, %llu rolled back, %llu current, %llu failed",
		(unsigned long long)r->outcome[0], (unsigned long long)r->outcome[1],
		(unsigned long long)r->outcome[2], (unsigned long long)r->outcome[3]);
	if (halted > 0)
		fprintf(stderr, "; rollout HALTED, %llu sites not attempted", (unsigned long long)halted);
	fprintf(stderr, "\nrollbacks by cause: stage %llu, switch %llu, health %llu; "
			"failed downloads: cut %llu, corrupt %llu; master crashes recovered: %llu\n",
		(unsigned long long)r->rollbacks[0], (unsigned long long)r->rollbacks[1],
		(unsigned long long)r->rollbacks[2], (unsigned long long)r->cut,
		(unsigned long long)r->corrupt, (unsigned long long)r->crashes);
	fprintf(stderr, "\n%-26s %16s %18s %18s\n", "", "this run", "universal pkg", "repacked per site");
	human(a, sizeof(a), r->bytes);
	human(b, sizeof(b), r->universal);
	human(c, sizeof(c), r->repack);
	fprintf(stderr, "%-26s %16s %18s %18s\n", "bytes downloaded", a, b, c);
	if (r->universal > 0)
		fprintf(stderr, "%-26s %16s %17.1f%% %17.1f%%\n", "  this run as a share", "",
			pct(r->bytes, r->universal), pct(r->bytes, r->repack));
	human(a, sizeof(a), server);
	human(b, sizeof(b), sim_baseline_universal(ctx->base));
	human(c, sizeof(c), sim_baseline_server_bytes(ctx->base));
	fprintf(stderr, "%-26s %16s %18s %18s\n", "server storage", a, b, c);
	fprintf(stderr, "%-26s %16s %18s %16.3f s\n", "server CPU to prepare", "none", "one archive",
		sim_baseline_cpu_s(ctx->base));
	fprintf(stderr, "%-26s %16s %18s %16.3f s\n", "  without a cache by need", "none", "",
		sim_baseline_cpu_uncached_s(ctx->base));
	fprintf(stderr, "%-26s %16s %18s %18zu\n", "archives on the server", "", "1",
		sim_baseline_archives(ctx->base));
	human(a, sizeof(a), r->store);
	human(b, sizeof(b), r->baseline_store);
	fprintf(stderr, "\nmaster storage after the run: %s, against %s keeping every task's package "
			"(%.1f%%); packages deleted: %llu\n", a, b, pct(r->store, r->baseline_store),
		(unsigned long long)r->deleted);
	fprintf(stderr, "virtual time per site: max %.1f s, mean %.1f s; wall time %.2f s\n",
		r->vtime_max, r->nsites ? r->vtime_sum / (double)r->nsites : 0, wall_s);
}

int sim_report_close(struct sim_report *r, struct sim_ctx *ctx, uint64_t halted_sites,
		     double wall_s, int quiet)
{
	json_object *tail = json_object_new_object(), *measured;
	const char *s;
	int rc = 0;

	if (tail == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	json_object_object_add(tail, "halted", json_object_new_boolean(halted_sites > 0));
	json_object_object_add(tail, "waves", json_object_get(r->waves));
	json_object_object_add(tail, "totals", totals_json(r, ctx, halted_sites));
	/* the only values that change from run to run: measurements of this machine */
	measured = json_object_new_object();
	json_object_object_add(measured, "wall_s", sim_json_num(wall_s, 3));
	json_object_object_add(measured, "baseline_repack_cpu_s",
			       sim_json_num(sim_baseline_cpu_s(ctx->base), 3));
	json_object_object_add(measured, "baseline_repack_cpu_s_uncached",
			       sim_json_num(sim_baseline_cpu_uncached_s(ctx->base), 3));
	json_object_object_add(tail, "measured", measured);
	s = json_object_to_json_string_ext(tail, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL || fputs("\n],", r->out) < 0 || fputs(s + 1, r->out) < 0 ||
	    fputc('\n', r->out) == EOF)
		r->write_failed = 1;
	json_object_put(tail);
	if (fflush(r->out) != 0)
		r->write_failed = 1;
	if (r->path != NULL) {
		if (fclose(r->out) != 0)
			r->write_failed = 1;
		r->out = NULL;
		if (r->write_failed)
			rc = sim_error(DUPG_EIO, "%s: write failed", r->path);
		else if (rename(r->tmp, r->path) != 0)
			rc = sim_error(DUPG_EIO, "%s: cannot rename %s: %s", r->path, r->tmp,
				       strerror(errno));
		if (rc != 0)
			unlink(r->tmp);
	} else if (r->write_failed) {
		rc = sim_error(DUPG_EIO, "cannot write the report to stdout");
	}
	if (!quiet)
		print_table(r, ctx, halted_sites, wall_s);
	return rc;
}

void sim_report_free(struct sim_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	if (r->out != NULL && r->out != stdout) {
		fclose(r->out);
		unlink(r->tmp);
	}
	for (i = 0; i < r->nrows; i++)
		free(r->rows[i]);
	json_object_put(r->waves);
	free(r->path);
	free(r->tmp);
	free(r);
}
