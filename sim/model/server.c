/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The management server: the catalogue's packages, built for real with the
 * library into the work directory: workdir/catalog holds one good copy of
 * every package, workdir/server the management server's set (links to the
 * catalog, or a corrupted copy when an event says so).
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/server.h"
#include "util.h"

#define BUILD_TIME "2024-01-01T00:00:00Z"

/*
 * Payload bytes derived from the package name alone: half the 4 KiB blocks
 * are noise, half are drawn from 16 symbols, so archives compress a little,
 * as firmware images do.
 */
static int write_payload(const char *path, uint64_t *rng, uint64_t bytes)
{
	unsigned char block[4096];
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (f == NULL)
		return sim_error(DUPG_EIO, "%s: cannot create: %s", path, strerror(errno));
	while (bytes > 0 && rc == 0) {
		size_t n = bytes < sizeof(block) ? (size_t)bytes : sizeof(block), i;
		int noisy = (int)(sim_rng_next(rng) & 1);

		for (i = 0; i < n; i += 8) {
			uint64_t x = sim_rng_next(rng);
			size_t j;
			for (j = 0; j < 8 && i + j < n; j++, x >>= 8)
				block[i + j] = noisy ? (unsigned char)x : (unsigned char)('a' + (x & 15));
		}
		if (fwrite(block, 1, n, f) != n)
			rc = sim_error(DUPG_EIO, "%s: write failed", path);
		bytes -= n;
	}
	if (fclose(f) != 0 && rc == 0)
		rc = sim_error(DUPG_EIO, "%s: write failed", path);
	return rc;
}

static int build_one(struct sim_pkg *p, const char *workdir, int no_fsync, const char *sign_key,
		     dupg_manifest **m)
{
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	dupg_pack_file *files = NULL;
	char **src = NULL, **dst = NULL, *dir;
	uint64_t rng = sim_hash_str(p->name), left = p->payload_bytes;
	unsigned k;
	int rc;

	*m = NULL;
	dir = sim_printf("%s/payload/%s", workdir, p->name);
	p->base = sim_printf("%s.tar.gz", p->name);
	p->file = sim_printf("%s/catalog/%s", workdir, p->base);
	files = calloc(p->files, sizeof(*files));
	src = calloc(p->files, sizeof(*src));
	dst = calloc(p->files, sizeof(*dst));
	if (!dir || !p->base || !p->file || !files || !src || !dst) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = sim_mkdirs(dir)) != 0)
		goto out;
	for (k = 0; k < p->files; k++) {
		uint64_t share = left / (p->files - k);

		src[k] = sim_printf("%s/part%u.bin", dir, k);
		dst[k] = sim_printf("opt/%s/part%u.bin", p->name, k);
		if (!src[k] || !dst[k]) {
			rc = sim_error(DUPG_ENOMEM, "out of memory");
			goto out;
		}
		if ((rc = write_payload(src[k], &rng, share)) != 0)
			goto out;
		left -= share;
		files[k].source = src[k];
		files[k].path = dst[k];
	}
	opts.format = DUPG_PACK_TAR_GZ;
	opts.build_time = BUILD_TIME;
	opts.vendor = "dupg-sim";
	opts.no_fsync = no_fsync;
	if (sign_key != NULL) {
		opts.sign_keys = &sign_key;
		opts.sign_key_count = 1;
	}
	rc = dupg_package_build(m, p->file, p->name, p->version, (const char *const *)p->hw,
				p->hw_count, files, p->files, &opts);
	if (rc != 0) {
		rc = sim_error_lib(rc, "building package %s", p->name);
		goto out;
	}
	{
		int64_t size = sim_file_size(p->file);
		if (size < 0) {
			rc = sim_error(DUPG_EIO, "%s: missing after build", p->file);
			goto out;
		}
		p->size = (uint64_t)size;
	}
out:
	if (src != NULL)
		for (k = 0; k < p->files; k++)
			free(src[k]);
	if (dst != NULL)
		for (k = 0; k < p->files; k++)
			free(dst[k]);
	free(src);
	free(dst);
	free(files);
	if (dir != NULL)
		sim_rmtree(dir);
	free(dir);
	return rc;
}

/*
 * A package damaged on the server: the same entries and manifest, but one
 * payload byte flipped (or, for an empty payload, one unlisted file added),
 * so the archive still reads and only verification can tell.
 */
static int write_corrupt(const char *good, const char *bad_path)
{
	struct archive *in = archive_read_new(), *out = archive_write_new();
	struct archive_entry *e;
	int rc = 0, flipped = 0, r;
	char buf[65536];

	if (in == NULL || out == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto done;
	}
	archive_read_support_filter_all(in);
	archive_read_support_format_all(in);
	archive_write_set_format_pax_restricted(out);
	archive_write_add_filter_gzip(out);
	if (archive_read_open_filename(in, good, sizeof(buf)) != ARCHIVE_OK ||
	    archive_write_open_filename(out, bad_path) != ARCHIVE_OK) {
		rc = sim_error(DUPG_EARCHIVE, "%s: cannot corrupt: %s", bad_path,
			       archive_error_string(archive_errno(in) ? in : out));
		goto done;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		int64_t size = archive_entry_size(e), pos = 0;
		int victim = !flipped && size > 0 &&
			     strcmp(archive_entry_pathname(e), "manifest.json") != 0;

		if (archive_write_header(out, e) != ARCHIVE_OK)
			break;
		for (;;) {
			la_ssize_t n = archive_read_data(in, buf, sizeof(buf));
			if (n <= 0)
				break;
			if (victim && !flipped && pos + n > size / 2) {
				buf[size / 2 - pos] ^= 0x5a;
				flipped = 1;
			}
			pos += n;
			if (archive_write_data(out, buf, (size_t)n) != n) {
				r = ARCHIVE_FATAL;
				break;
			}
		}
		if (r == ARCHIVE_FATAL)
			break;
	}
	if (r == ARCHIVE_EOF && !flipped) {
		e = archive_entry_new();
		if (e != NULL) {
			archive_entry_set_pathname(e, "corrupt.bin");
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, 1);
			if (archive_write_header(out, e) == ARCHIVE_OK &&
			    archive_write_data(out, "x", 1) == 1)
				flipped = 1;
			archive_entry_free(e);
		}
	}
	if (r != ARCHIVE_EOF || !flipped || archive_write_close(out) != ARCHIVE_OK)
		rc = sim_error(DUPG_EARCHIVE, "%s: cannot write the corrupt copy: %s", bad_path,
			       archive_error_string(out) ? archive_error_string(out) : "read error");
done:
	archive_read_free(in);
	archive_write_free(out);
	return rc;
}

int sim_server_build(struct sim_server *srv, struct sim_catalog *cat, const char *workdir,
		     int no_fsync, const char *sign_key)
{
	char *catalog = sim_printf("%s/catalog", workdir);
	size_t i, n = 0;
	int rc;

	memset(srv, 0, sizeof(*srv));
	srv->dir = sim_printf("%s/server", workdir);
	srv->set_pkg = calloc(cat->npkg ? cat->npkg : 1, sizeof(*srv->set_pkg));
	if (!catalog || !srv->dir || !srv->set_pkg) {
		free(catalog);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	rc = sim_mkdirs(catalog);
	free(catalog);
	if (rc != 0 || (rc = sim_mkdirs(srv->dir)) != 0)
		return rc;
	if ((rc = dupg_pkgset_new(&srv->set)) != 0)
		return sim_error_lib(rc, "package set");
	for (i = 0; i < cat->npkg; i++) {
		struct sim_pkg *p = &cat->pkgs[i];
		dupg_manifest *m;
		char *server_path, *rel;

		if ((rc = build_one(p, workdir, no_fsync, sign_key, &m)) != 0)
			return rc;
		if (!p->on_server) {
			dupg_manifest_free(m);
			continue;
		}
		server_path = sim_printf("%s/%s", srv->dir, p->base);
		rel = sim_printf("server/%s", p->base);
		if (server_path == NULL || rel == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else if (unlink(server_path) != 0 && errno != ENOENT)
			/* a kept work directory from an earlier run */
			rc = sim_error(DUPG_EIO, "%s: cannot replace: %s", server_path, strerror(errno));
		else if (p->corrupt)
			rc = write_corrupt(p->file, server_path);
		else
			rc = sim_link_file(p->file, server_path, no_fsync);
		/* the server indexes what the manifest says; the task names server/NAME.tar.gz */
		if (rc == 0 && (rc = dupg_pkgset_add_manifest(srv->set, rel, m)) != 0)
			rc = sim_error_lib(rc, "server package set: %s", rel);
		if (rc == 0) {
			p->set_index = (long)n;
			srv->set_pkg[n++] = i;
		}
		free(server_path);
		free(rel);
		dupg_manifest_free(m);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void sim_server_clear(struct sim_server *srv)
{
	dupg_pkgset_free(srv->set);
	free(srv->set_pkg);
	free(srv->dir);
	memset(srv, 0, sizeof(*srv));
}

uint64_t sim_server_bytes(const struct sim_catalog *cat)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = 0; i < cat->npkg; i++)
		if (cat->pkgs[i].on_server)
			bytes += cat->pkgs[i].size;
	return bytes;
}
