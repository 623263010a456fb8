/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The run's report: the JSON document streamed site by site (a 100,000-site
 * run never holds its sites in memory), the totals beside both baselines at
 * the end, and a readable table on stderr.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/json.h"
#include "output/report.h"
#include "output/site_json.h"
#include "output/table.h"
#include "output/totals.h"
#include "util.h"
#include "util/fs.h"

struct sim_report {
	FILE *out;
	char *path;             /* NULL: stdout */
	dupg__atomic atomic;    /* a file: written beside it, fsynced, renamed over it at the end */
	struct sim_run_head head;
	struct sim_totals totals;
	struct sim_table table;
	json_object *waves;
	struct sim_wave_result halt;  /* the wave after which the rollout halted (wave 0: none) */
	int write_failed;
	int direct;             /* written straight to a device (no temporary, no rename) */
	size_t nds;             /* deployment servers, and what each served: */
	uint64_t *ds_bytes, *ds_sites, *ds_failovers;
};

static const char *const SEP = ",\n";

/* The head of the document; its "sites" array is streamed between head and tail. */
static int write_head(struct sim_report *r)
{
	json_object *head = json_object_new_object();
	const char *s;
	size_t len;

	if (head == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	json_object_object_add(head, "format", json_object_new_int(1));
	json_object_object_add(head, "scenario", json_object_new_string(r->head.name));
	json_object_object_add(head, "file", json_object_new_string(r->head.file));
	json_object_object_add(head, "seed", json_object_new_int64((int64_t)r->head.seed));
	json_object_object_add(head, "no_fsync", json_object_new_boolean(r->head.no_fsync));
	json_object_object_add(head, "downloads", json_object_new_string(r->head.serve ? "serve" :
								       r->head.link ? "link" : "copy"));
	json_object_object_add(head, "halt_threshold", sim_json_num(r->head.halt_threshold, 4));
	s = sim_json_text(head);
	len = s ? strlen(s) : 0;
	if (len < 2 || fwrite(s, 1, len - 1, r->out) != len - 1 || fputs(",\"sites\":[\n", r->out) < 0)
		r->write_failed = 1;
	json_object_put(head);
	return 0;
}

/* A file that exists and is not a regular one: a rename over it would replace a device. */
static int is_device(const char *file)
{
	struct stat st;

	return stat(file, &st) == 0 && !S_ISREG(st.st_mode);
}

int sim_report_open(struct sim_report **out, const char *file, const struct sim_run_head *head)
{
	struct sim_report *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	r->head = *head;
	r->atomic.fd = -1;
	r->waves = json_object_new_array();
	if (r->waves == NULL) {
		free(r);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	r->nds = head->dservers != NULL ? head->dservers->n : 0;
	if (r->nds > 0) {
		r->ds_bytes = calloc(r->nds, sizeof(*r->ds_bytes));
		r->ds_sites = calloc(r->nds, sizeof(*r->ds_sites));
		r->ds_failovers = calloc(r->nds, sizeof(*r->ds_failovers));
		if (r->ds_bytes == NULL || r->ds_sites == NULL || r->ds_failovers == NULL) {
			sim_report_free(r);
			return sim_error(DUPG_ENOMEM, "out of memory");
		}
	}
	if (file != NULL && is_device(file)) {
		/* /dev/null, /dev/stdout, a FIFO: written to as it is, never replaced */
		r->out = fopen(file, "w");
		if (r->out == NULL) {
			int e = errno;
			sim_report_free(r);
			return sim_error(DUPG_EIO, "%s: cannot open: %s", file, strerror(e));
		}
		r->direct = 1;
	} else if (file != NULL) {
		/* the one atomic writer: a failed run leaves no half report, a crash no torn one */
		int fd, rc;

		if ((r->path = sim_strdup(file)) == NULL) {
			sim_report_free(r);
			return sim_error(DUPG_ENOMEM, "out of memory");
		}
		if ((rc = dupg__fs_atomic_open(&r->atomic, r->path)) != 0) {
			sim_report_free(r);
			return rc;
		}
		if ((fd = dup(r->atomic.fd)) < 0 || (r->out = fdopen(fd, "w")) == NULL) {
			int e = errno;
			if (fd >= 0)
				close(fd);
			sim_report_free(r);
			return sim_error(DUPG_EIO, "%s: cannot create: %s", file, strerror(e));
		}
	} else {
		r->out = stdout;
	}
	if (write_head(r) != 0) {
		sim_report_free(r);
		return DUPG_ENOMEM;
	}
	*out = r;
	return 0;
}

/* Each server's bytes, sites it served and transfers it stopped, from a site's pieces. */
static void served_add(struct sim_report *r, const struct sim_served *s)
{
	size_t i, k;

	for (k = 0; k < r->nds; k++) {
		int any = 0;

		for (i = 0; i < s->n; i++) {
			if (s->v[i].server != k)
				continue;
			any = 1;
			r->ds_bytes[k] += s->v[i].bytes;
			r->ds_failovers[k] += strcmp(s->v[i].ended, "down") == 0 ||
					      strcmp(s->v[i].ended, "upgrade") == 0;
		}
		r->ds_sites[k] += any;
	}
}

/* The deployment servers: where each is, what it served, when it was down or upgraded. */
static json_object *servers_json(const struct sim_report *r)
{
	const struct sim_dservers *c = r->head.dservers;
	json_object *a = json_object_new_array();
	size_t k;

	for (k = 0; a != NULL && k < r->nds; k++) {
		const struct sim_dserver *s = &c->v[k];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "id", json_object_new_string(s->id));
		json_object_object_add(o, "location", sim_json_str(s->location));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)r->ds_bytes[k]));
		json_object_object_add(o, "sites", json_object_new_int64((int64_t)r->ds_sites[k]));
		json_object_object_add(o, "failovers", json_object_new_int64((int64_t)r->ds_failovers[k]));
		json_object_object_add(o, "down_at_s", s->down_at_s >= 0 ? sim_json_num(s->down_at_s, 3) : NULL);
		json_object_object_add(o, "upgrade_from_s",
				       s->upgrade_from_s >= 0 ? sim_json_num(s->upgrade_from_s, 3) : NULL);
		json_object_object_add(o, "upgraded_at_s", sim_dservers_upgraded(c, k) ?
				       sim_json_num(s->upgrade_to_s, 3) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

int sim_report_site(struct sim_report *r, const struct sim_result *res)
{
	int rc;

	if (r->totals.nsites > 0 && fputs(SEP, r->out) < 0)
		r->write_failed = 1;
	if ((rc = sim_site_json_write(r->out, res, &r->write_failed)) != 0)
		return rc;
	sim_totals_add(&r->totals, res);
	served_add(r, &res->served);
	sim_table_add(&r->table, &r->head, res);
	return 0;
}

void sim_report_wave(struct sim_report *r, const struct sim_wave_result *wr)
{
	json_object *w = json_object_new_object();

	if (w == NULL)
		return;
	json_object_object_add(w, "wave", json_object_new_int((int)wr->wave));
	json_object_object_add(w, "sites", json_object_new_int64((int64_t)wr->sites));
	json_object_object_add(w, "attempted", json_object_new_int64((int64_t)wr->attempted));
	json_object_object_add(w, "failures", json_object_new_int64((int64_t)wr->failures));
	json_object_object_add(w, "failure_rate",
			       sim_json_num(wr->attempted ? (double)wr->failures / (double)wr->attempted : 0, 4));
	json_object_object_add(w, "halted_after", json_object_new_boolean(wr->halted_after));
	json_object_array_add(r->waves, w);
	if (wr->halted_after)
		r->halt = *wr;
}

/* The elect regions: who is the virtual server, in which epoch, and the bytes. */
static json_object *regions_json(const struct sim_figures *f)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < f->nregions; i++) {
		const struct sim_region_figure *x = &f->regions[i];
		json_object *o = json_object_new_object(), *m;
		size_t k;

		if (o == NULL)
			break;
		json_object_object_add(o, "id", json_object_new_string(x->id));
		m = json_object_new_array();
		for (k = 0; m != NULL && k < x->nmembers; k++)
			json_object_array_add(m, json_object_new_string(x->members[k]));
		json_object_object_add(o, "members", m);
		json_object_object_add(o, "elected", sim_json_str(x->elected));
		json_object_object_add(o, "epoch", json_object_new_int64((int64_t)x->epoch));
		json_object_object_add(o, "reelections", json_object_new_int64((int64_t)x->reelections));
		json_object_object_add(o, "server_bytes", json_object_new_int64((int64_t)x->server_bytes));
		json_object_object_add(o, "lan_bytes", json_object_new_int64((int64_t)x->lan_bytes));
		json_object_array_add(a, o);
	}
	return a;
}

/* The end of the document: halted, waves, totals, and the measurements of this machine. */
static int write_tail(struct sim_report *r, const struct sim_figures *f, uint64_t halted_sites,
		      double wall_s)
{
	json_object *tail = json_object_new_object(), *measured;
	const char *s;

	if (tail == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	json_object_object_add(tail, "halted", json_object_new_boolean(halted_sites > 0));
	if (halted_sites > 0 && r->halt.wave > 0) {
		/* why: the wave, its failed share, the threshold it went past */
		json_object *h = json_object_new_object();

		json_object_object_add(h, "after_wave", json_object_new_int((int)r->halt.wave));
		json_object_object_add(h, "failures", json_object_new_int64((int64_t)r->halt.failures));
		json_object_object_add(h, "attempted", json_object_new_int64((int64_t)r->halt.attempted));
		json_object_object_add(h, "failure_rate", sim_json_num(r->halt.attempted ?
			(double)r->halt.failures / (double)r->halt.attempted : 0, 4));
		json_object_object_add(h, "threshold", sim_json_num(r->head.halt_threshold, 4));
		json_object_object_add(h, "not_attempted", json_object_new_int64((int64_t)halted_sites));
		json_object_object_add(tail, "halt", h);
	}
	json_object_object_add(tail, "waves", json_object_get(r->waves));
	if (f->regions != NULL)
		json_object_object_add(tail, "regions", regions_json(f));
	/* only with deployment servers: other scenarios keep their report */
	if (r->nds > 0)
		json_object_object_add(tail, "deployment_servers", servers_json(r));
	/* only with --serve: the real servers and what their metrics say they served */
	if (f->serve != NULL)
		json_object_object_add(tail, "serve", json_tokener_parse(f->serve));
	json_object_object_add(tail, "totals", sim_totals_json(&r->totals, f, halted_sites,
							       r->head.no_fsync));
	/* the only values that change from run to run: measurements of this machine */
	measured = json_object_new_object();
	json_object_object_add(measured, "wall_s", sim_json_num(wall_s, 3));
	json_object_object_add(measured, "baseline_repack_cpu_s", sim_json_num(f->repack_cpu_s, 3));
	json_object_object_add(measured, "baseline_repack_cpu_s_uncached",
			       sim_json_num(f->repack_cpu_uncached_s, 3));
	json_object_object_add(tail, "measured", measured);
	s = sim_json_text(tail);
	if (s == NULL || fputs("\n],", r->out) < 0 || fputs(s + 1, r->out) < 0 ||
	    fputc('\n', r->out) == EOF)
		r->write_failed = 1;
	json_object_put(tail);
	return 0;
}

int sim_report_close(struct sim_report *r, const struct sim_figures *f, uint64_t halted_sites,
		     double wall_s, int quiet)
{
	int rc = write_tail(r, f, halted_sites, wall_s);

	if (rc != 0)
		return rc;
	if (fflush(r->out) != 0)
		r->write_failed = 1;
	if (r->direct) {
		if (fclose(r->out) != 0 || r->write_failed)
			rc = sim_error(DUPG_EIO, "cannot write the report");
		r->out = NULL;
	} else if (r->path != NULL) {
		if (fclose(r->out) != 0)
			r->write_failed = 1;
		r->out = NULL;
		if (r->write_failed) {
			rc = sim_error(DUPG_EIO, "%s: write failed", r->path);
			dupg__fs_atomic_abort(&r->atomic);
		} else {
			/* fsync, rename over the name, fsync the directory (not with --no-fsync) */
			rc = dupg__fs_atomic_commit(&r->atomic, r->head.no_fsync, NULL, NULL);
		}
	} else if (r->write_failed) {
		rc = sim_error(DUPG_EIO, "cannot write the report to stdout");
	}
	if (!quiet) {
		sim_table_print(&r->table, &r->head, &r->totals, f, halted_sites,
				r->halt.wave > 0 ? &r->halt : NULL, wall_s);
		if (r->nds > 0)
			sim_table_servers(&r->head, r->ds_bytes, r->ds_sites, r->ds_failovers);
	}
	return rc;
}

void sim_report_free(struct sim_report *r)
{
	if (r == NULL)
		return;
	if (r->out != NULL && r->out != stdout)
		fclose(r->out);
	if (r->path != NULL)
		dupg__fs_atomic_abort(&r->atomic);
	sim_table_clear(&r->table);
	json_object_put(r->waves);
	free(r->ds_bytes);
	free(r->ds_sites);
	free(r->ds_failovers);
	free(r->path);
	free(r);
}
