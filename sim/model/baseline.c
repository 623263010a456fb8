/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two baselines of the seed's background, measured for real on the same
 * package set:
 * - the universal package: one archive holding every package of the server's
 *   set; every site with a task downloads (and stores) all of it;
 * - per-site repacked packages: for each distinct need the server decompresses
 *   the needed packages and recompresses one custom archive. The CPU time of
 *   that work and the archives' bytes are measured; archives are cached by
 *   need, as a real server would, so a large fleet costs its distinct needs.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/baseline.h"
#include "util.h"

struct sim_baseline {
	const struct sim_catalog *cat;
	char *dir;
	uint64_t universal;
	sim_map *needs;        /* "3,7,12" -> archive index */
	uint64_t *sizes;
	double *cpu;           /* CPU seconds each archive took */
	size_t count, cap, cpu_cap;
	uint64_t server_bytes;
	double cpu_s;
	double uncached_s;     /* what a server repacking for every site would have spent */
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Append every entry of package p under "NAME/" to the archive being written. */
static int copy_into(struct archive *out, const struct sim_pkg *p, const char *out_path)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	char buf[65536];
	int r, rc = 0;

	if (in == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	archive_read_support_filter_all(in);
	archive_read_support_format_all(in);
	if (archive_read_open_filename(in, p->file, sizeof(buf)) != ARCHIVE_OK) {
		rc = sim_error(DUPG_EARCHIVE, "%s: %s", p->file, archive_error_string(in));
		archive_read_free(in);
		return rc;
	}
	while (rc == 0 && (r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		char *name = sim_printf("%s/%s", p->name, archive_entry_pathname(e));

		if (name == NULL) {
			rc = sim_error(DUPG_ENOMEM, "out of memory");
			break;
		}
		archive_entry_set_pathname(e, name);
		free(name);
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			rc = sim_error(DUPG_EARCHIVE, "%s: %s", out_path, archive_error_string(out));
			break;
		}
		for (;;) {
			la_ssize_t n = archive_read_data(in, buf, sizeof(buf));
			if (n < 0)
				rc = sim_error(DUPG_EARCHIVE, "%s: %s", p->file, archive_error_string(in));
			if (n <= 0)
				break;
			if (archive_write_data(out, buf, (size_t)n) != n) {
				rc = sim_error(DUPG_EARCHIVE, "%s: %s", out_path,
					       archive_error_string(out));
				break;
			}
		}
	}
	if (rc == 0 && r != ARCHIVE_EOF)
		rc = sim_error(DUPG_EARCHIVE, "%s: %s", p->file, archive_error_string(in));
	archive_read_free(in);
	return rc;
}

/* Decompress the packages and recompress them into one tar.gz; *size receives its bytes. */
static int repack(uint64_t *size, const char *path, const struct sim_catalog *cat,
		  const size_t *pkgs, size_t n)
{
	struct archive *out = archive_write_new();
	size_t i;
	int rc = 0;
	int64_t sz;

	if (out == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	archive_write_set_format_pax_restricted(out);
	archive_write_add_filter_gzip(out);
	/* no timestamp in the gzip header: the same need gives the same bytes */
	archive_write_set_filter_option(out, "gzip", "timestamp", NULL);
	if (archive_write_open_filename(out, path) != ARCHIVE_OK) {
		rc = sim_error(DUPG_EARCHIVE, "%s: %s", path, archive_error_string(out));
		archive_write_free(out);
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = copy_into(out, &cat->pkgs[pkgs[i]], path);
	if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
		rc = sim_error(DUPG_EARCHIVE, "%s: %s", path, archive_error_string(out));
	archive_write_free(out);
	if (rc == 0 && (sz = sim_file_size(path)) < 0)
		rc = sim_error(DUPG_EIO, "%s: missing after repacking", path);
	if (rc == 0)
		*size = (uint64_t)sz;
	return rc;
}

int sim_baseline_new(struct sim_baseline **out, const char *dir, const struct sim_catalog *cat)
{
	struct sim_baseline *b = calloc(1, sizeof(*b));
	size_t *all = NULL, n = 0, i;
	char *path = NULL;
	int rc;

	*out = NULL;
	if (b == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	b->cat = cat;
	b->dir = sim_strdup(dir);
	all = calloc(cat->npkg ? cat->npkg : 1, sizeof(*all));
	path = sim_printf("%s/universal.tar.gz", dir);
	if (b->dir == NULL || all == NULL || path == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = sim_map_new(&b->needs)) != 0 || (rc = sim_mkdirs(dir)) != 0)
		goto out;
	for (i = 0; i < cat->npkg; i++)
		if (cat->pkgs[i].on_server)
			all[n++] = i;
	rc = repack(&b->universal, path, cat, all, n);
out:
	free(all);
	free(path);
	if (rc != 0) {
		sim_baseline_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

void sim_baseline_free(struct sim_baseline *b)
{
	if (b == NULL)
		return;
	sim_map_free(b->needs);
	free(b->sizes);
	free(b->cpu);
	free(b->dir);
	free(b);
}

uint64_t sim_baseline_universal(const struct sim_baseline *b)
{
	return b->universal;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int sim_baseline_repack(uint64_t *bytes, struct sim_baseline *b, const size_t *pkgs, size_t n)
{
	size_t sorted[256], i, len = 0;
	char key[256 * 12];
	char *path;
	long hit;
	double t0;
	int rc;

	*bytes = 0;
	if (n == 0)
		return 0;
	if (n > sizeof(sorted) / sizeof(sorted[0]))
		return sim_error(DUPG_EINVAL, "repack baseline: a task of %zu packages is too large", n);
	memcpy(sorted, pkgs, n * sizeof(*pkgs));
	qsort(sorted, n, sizeof(*sorted), cmp_size);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(key + len, sizeof(key) - len, i ? ",%zu" : "%zu", sorted[i]);
	hit = sim_map_get(b->needs, key);
	if (hit >= 0) {
		*bytes = b->sizes[hit];
		b->uncached_s += b->cpu[hit];
		return 0;
	}
	if ((rc = sim_grow(&b->sizes, &b->cap, b->count + 1, sizeof(*b->sizes))) != 0 ||
	    (rc = sim_grow(&b->cpu, &b->cpu_cap, b->count + 1, sizeof(*b->cpu))) != 0)
		return rc;
	path = sim_printf("%s/need-%zu.tar.gz", b->dir, b->count);
	if (path == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	t0 = cpu_now();
	rc = repack(&b->sizes[b->count], path, b->cat, sorted, n);
	b->cpu[b->count] = cpu_now() - t0;
	b->cpu_s += b->cpu[b->count];
	b->uncached_s += b->cpu[b->count];
	free(path);
	if (rc == 0)
		rc = sim_map_put(b->needs, key, b->count);
	if (rc != 0)
		return rc;
	*bytes = b->sizes[b->count];
	b->server_bytes += b->sizes[b->count];
	b->count++;
	return 0;
}

double sim_baseline_cpu_s(const struct sim_baseline *b)
{
	return b->cpu_s;
}

double sim_baseline_cpu_uncached_s(const struct sim_baseline *b)
{
	return b->uncached_s;
}

size_t sim_baseline_archives(const struct sim_baseline *b)
{
	return b->count;
}

uint64_t sim_baseline_server_bytes(const struct sim_baseline *b)
{
	return b->server_bytes;
}
