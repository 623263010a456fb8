/* SPDX-License-Identifier: BSD-2-Clause */
/* Building a package: manifest first, then the install files (I/O). */
#include "package_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/path.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static const char *const format_names[] = { "auto", "tar", "tar.gz", "tar.xz", "tar.zst", "zip" };

const char *dupg_pack_format_name(dupg_pack_format format)
{
	return dupg__name_of(format_names, DUPG__COUNT(format_names), (int)format);
}

int dupg_pack_format_parse(dupg_pack_format *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, format_names, DUPG__COUNT(format_names), name,
					 "package format");
	if (rc == 0 && out != NULL)
		*out = (dupg_pack_format)v;
	return rc;
}

static dupg_pack_format format_from_name(const char *path)
{
	if (ends_with(path, ".tar"))
		return DUPG_PACK_TAR;
	if (ends_with(path, ".tar.xz") || ends_with(path, ".txz"))
		return DUPG_PACK_TAR_XZ;
	if (ends_with(path, ".tar.zst") || ends_with(path, ".tzst"))
		return DUPG_PACK_TAR_ZST;
	if (ends_with(path, ".zip"))
		return DUPG_PACK_ZIP;
	return DUPG_PACK_TAR_GZ;
}

/* Format and filter for fmt; the gzip header carries no timestamp, so builds are reproducible. */
static int writer_setup(struct archive *a, dupg_pack_format fmt)
{
	int r;

	if (fmt == DUPG_PACK_ZIP)
		return archive_write_set_format_zip(a);
	r = archive_write_set_format_pax_restricted(a);
	if (r != ARCHIVE_OK)
		return r;
	switch (fmt) {
	case DUPG_PACK_TAR:
		return archive_write_add_filter_none(a);
	case DUPG_PACK_TAR_GZ:
		r = archive_write_add_filter_gzip(a);
		if (r == ARCHIVE_OK)
			r = archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
		return r;
	case DUPG_PACK_TAR_XZ:
		return archive_write_add_filter_xz(a);
	case DUPG_PACK_TAR_ZST:
		return archive_write_add_filter_zstd(a);
	default:
		return ARCHIVE_FATAL;
	}
}

static int write_header(struct archive *a, struct archive_entry *e, const char *name,
			uint64_t size, unsigned int perm, const char *out_path)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, perm);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		char what[512];
		snprintf(what, sizeof(what), "%s: cannot write entry header", name);
		return dupg__pkg_archive_fail(DUPG_EARCHIVE, a, out_path, what);
	}
	return 0;
}

static int write_data(struct archive *a, const char *data, size_t len, const char *name,
		      const char *out_path)
{
	while (len > 0) {
		la_ssize_t n = archive_write_data(a, data, len);
		if (n <= 0) {
			char what[512];
			snprintf(what, sizeof(what), "%s: write failed", name);
			return dupg__pkg_archive_fail(DUPG_EARCHIVE, a, out_path, what);
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Progress of a build: twice the sources' sizes, digested and then copied. */
struct progress {
	dupg_progress_cb fn;  /* NULL: none */
	void *payload;
	const char *out_path;
	uint64_t done, total, reported;
};

/* As in verifying: when a file starts or ends the data (force), else once per DUPG_PROGRESS_BYTES. */
static int progress_report(struct progress *p, const char *file, int force)
{
	if (p == NULL || p->fn == NULL || (!force && p->done - p->reported < DUPG_PROGRESS_BYTES))
		return 0;
	p->reported = p->done;
	if (p->fn(p->done < p->total ? p->done : p->total, p->total, file, p->payload) != 0)
		return dupg__error(DUPG_EABORTED, "%s: build cancelled by the progress callback%s%s",
				   p->out_path, file != NULL ? " at " : "", file != NULL ? file : "");
	return 0;
}

/*
 * Copy install file i into the archive, hashing it again on the way: a
 * source that changed since it was digested must not produce a package whose
 * manifest lies.
 */
static int write_file(struct archive *a, struct archive_entry *e, const dupg_manifest *m,
		      size_t i, const char *source, char *buf, XXH3_state_t *st, const char *out_path,
		      struct progress *pr)
{
	const char *name = dupg_manifest_file_path(m, i);
	uint64_t size = dupg_manifest_file_size(m, i), done = 0;
	unsigned char digest[16];
	struct stat sb;
	int fd, rc;

	rc = dupg__pkg_open_regular(&fd, &sb, source, DUPG_EINVAL);
	if (rc != 0)
		return rc;
	rc = write_header(a, e, name, size, dupg_manifest_file_mode(m, i), out_path);
	if (rc == 0)
		rc = progress_report(pr, name, 1);
	XXH3_128bits_reset(st);
	while (rc == 0) {
		ssize_t n = read(fd, buf, DUPG__IO_BUF_BYTES);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = dupg__error_sys(errno, "%s: read failed", source);
			break;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > size - done) {
			rc = dupg__error(DUPG_EIO, "%s: grew while %s was being built", source, out_path);
			break;
		}
		dupg__pkg_hash_update(st, buf, (size_t)n);
		done += (uint64_t)n;
		rc = write_data(a, buf, (size_t)n, name, out_path);
		pr->done += (uint64_t)n;
		if (rc == 0)
			rc = progress_report(pr, name, 0);
	}
	close(fd);
	if (rc != 0)
		return rc;
	dupg__pkg_hash_digest(digest, st);
	if (done != size || memcmp(digest, dupg_manifest_file_xxh128(m, i), 16) != 0)
		return dupg__error(DUPG_EIO, "%s: changed while %s was being built", source, out_path);
	return 0;
}

static int write_archive(int fd, dupg_pack_format fmt, const dupg_manifest *m, const char *json,
			 const char *sig, const dupg_pack_file *files, const char *out_path,
			 struct progress *pr)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	XXH3_state_t *st = XXH3_createState();
	char *buf = malloc(DUPG__IO_BUF_BYTES);
	size_t i, n = dupg_manifest_file_count(m);
	int rc = 0;

	if (a == NULL || e == NULL || st == NULL || buf == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	if (writer_setup(a, fmt) != ARCHIVE_OK) {
		rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, out_path, "cannot set up the archive format");
		goto out;
	}
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, out_path, "cannot open the archive for writing");
		goto out;
	}
	/* the manifest first, so that readers stop before the payload */
	rc = write_header(a, e, DUPG__MANIFEST_NAME, strlen(json), 0644, out_path);
	if (rc == 0)
		rc = write_data(a, json, strlen(json), DUPG__MANIFEST_NAME, out_path);
	/* its signatures right behind it, so that the manifest-first read gets both */
	if (rc == 0 && sig != NULL)
		rc = write_header(a, e, DUPG__SIG_NAME, strlen(sig), 0644, out_path);
	if (rc == 0 && sig != NULL)
		rc = write_data(a, sig, strlen(sig), DUPG__SIG_NAME, out_path);
	/* manifest order is files[] order: dupg_manifest_add_file appends */
	for (i = 0; rc == 0 && i < n; i++)
		rc = write_file(a, e, m, i, files[i].source, buf, st, out_path, pr);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, out_path, "cannot finish the archive");
out:
	if (a != NULL)
		archive_write_free(a);
	archive_entry_free(e);
	XXH3_freeState(st);
	free(buf);
	return rc;
}

/* Write the archive to a temporary file beside out_path and rename it over out_path. */
static int write_package(const char *out_path, dupg_pack_format fmt, const dupg_manifest *m,
			 const char *json, const char *sig, const dupg_pack_file *files, int no_fsync,
			 struct progress *pr)
{
	dupg__atomic w;
	int rc = dupg__fs_atomic_open(&w, out_path);

	if (rc != 0)
		return rc;
	rc = write_archive(w.fd, fmt, m, json, sig, files, out_path, pr);
	/* the data is all read: the last call, before the file takes its name */
	if (rc == 0)
		rc = progress_report(pr, NULL, 1);
	if (rc != 0) {
		dupg__fs_atomic_abort(&w);
		return rc;
	}
	return dupg__fs_atomic_commit(&w, no_fsync, NULL, NULL);
}

/* Re-record the last error with the package being built in front. */
static int blame(int rc, const char *out_path)
{
	if (rc == DUPG_ENOMEM)
		return rc;
	return dupg__error_prefix(rc, "%s", out_path);
}

/* The manifest of the package to build, every source digested. */
/* The current file's install path, for the digest pass's reports. */
struct digest_ctx {
	struct progress *pr;
	const char *file;
};

static int digest_read(size_t n, void *ctx)
{
	struct digest_ctx *d = ctx;

	d->pr->done += n;
	return progress_report(d->pr, d->file, 0);
}

/*
 * The modes opts lists: each of opts->modes on the file it names, then,
 * with record_modes, every other file its source's permission bits.
 */
static int list_modes(dupg_manifest *m, const dupg_pack_file *files, size_t file_count,
		      const dupg_pack_options *opts, const char *out_path)
{
	size_t k, i;
	int rc;

	if (opts->mode_count > 0 && opts->modes == NULL)
		return dupg__error(DUPG_EINVAL, "%s: mode_count is %zu and modes is NULL", out_path,
				   opts->mode_count);
	for (k = 0; k < opts->mode_count; k++) {
		const char *p = opts->modes[k].path;

		if (p == NULL)
			return dupg__error(DUPG_EINVAL, "%s: mode %zu has no install path", out_path, k);
		for (i = 0; i < file_count && strcmp(files[i].path, p) != 0; i++)
			;
		if (i == file_count)
			return dupg__error(DUPG_EINVAL, "%s: a mode is given for %s, which is not among "
					   "the files", out_path, p);
		if (dupg_manifest_file_mode_listed(m, i))
			return dupg__error(DUPG_EINVAL, "%s: %s: mode given twice", out_path, p);
		if (opts->modes[k].mode > DUPG_MODE_MAX)
			return dupg__error(DUPG_EINVAL, "%s: %s: mode %o is above %04o", out_path, p,
					   opts->modes[k].mode, DUPG_MODE_MAX);
		if ((rc = dupg_manifest_set_file_mode(m, i, opts->modes[k].mode)) != 0)
			return blame(rc, out_path);
	}
	for (i = 0; opts->record_modes && i < file_count; i++) {
		struct stat sb;

		if (dupg_manifest_file_mode_listed(m, i))
			continue;
		if (stat(files[i].source, &sb) != 0)
			return dupg__error_sys(errno, "%s: cannot read the mode of %s", out_path,
					       files[i].source);
		if ((rc = dupg_manifest_set_file_mode(m, i, (unsigned int)sb.st_mode & DUPG_MODE_MAX)) != 0)
			return blame(rc, out_path);
	}
	return 0;
}

static int build_manifest(dupg_manifest **out, const char *out_path, const char *name,
			  const char *version, const char *const *hw, size_t hw_count,
			  const dupg_pack_file *files, size_t file_count, const dupg_pack_options *opts,
			  struct progress *pr)
{
	dupg_manifest *m = NULL;
	size_t i;
	int rc;

	if (name == NULL || *name == '\0')
		return dupg__error(DUPG_EINVAL, "%s: package name is empty", out_path);
	if (version == NULL || *version == '\0')
		return dupg__error(DUPG_EINVAL, "%s: package version is empty", out_path);
	if (hw == NULL || hw_count == 0)
		return dupg__error(DUPG_EINVAL, "%s: at least one hardware type is required", out_path);
	if (files == NULL && file_count > 0)
		return dupg__error(DUPG_EINVAL, "%s: files is NULL", out_path);
	/* the total as the sources stand now; a source that changes is refused later */
	for (i = 0; pr->fn != NULL && i < file_count; i++) {
		struct stat sb;

		if (files[i].source != NULL && stat(files[i].source, &sb) == 0 && S_ISREG(sb.st_mode))
			pr->total += 2 * (uint64_t)sb.st_size;
	}
	rc = dupg_manifest_new(&m, name, version);
	for (i = 0; rc == 0 && i < hw_count; i++) {
		if (hw[i] == NULL || *hw[i] == '\0')
			rc = dupg__error(DUPG_EINVAL, "%s: hardware type %zu is empty", out_path, i);
		else
			rc = dupg_manifest_add_hw(m, hw[i]);
	}
	if (rc == 0 && opts->build_time != NULL && (rc = dupg_manifest_set_build_time(m, opts->build_time)) != 0)
		rc = blame(rc, out_path);
	if (rc == 0 && opts->vendor != NULL && (rc = dupg_manifest_set_vendor(m, opts->vendor)) != 0)
		rc = blame(rc, out_path);
	/* format 2 always: the security version is written even when 0 */
	if (rc == 0 && (rc = dupg_manifest_set_security_version(m, opts->security_version)) != 0)
		rc = blame(rc, out_path);
	if (rc == 0 && (opts->applies_min != NULL || opts->applies_max != NULL) &&
	    (rc = dupg_manifest_set_applies_to(m, opts->applies_min, opts->applies_max)) != 0)
		rc = blame(rc, out_path);
	if (rc == 0 && opts->summary != NULL && (rc = dupg_manifest_set_summary(m, opts->summary)) != 0)
		rc = blame(rc, out_path);
	if (rc == 0 && opts->expires != NULL && (rc = dupg_manifest_set_expires(m, opts->expires)) != 0)
		rc = blame(rc, out_path);
	for (i = 0; rc == 0 && i < file_count; i++) {
		unsigned char digest[16], sha[32];
		uint64_t size;

		if (files[i].source == NULL || files[i].path == NULL) {
			rc = dupg__error(DUPG_EINVAL, "%s: file %zu has no source or install path", out_path, i);
			break;
		}
		{
			struct digest_ctx d = { pr, files[i].path };

			rc = progress_report(pr, files[i].path, 1);
			if (rc == 0)
				rc = dupg__pkg_hash_file_cb(digest, sha, &size, files[i].source, DUPG_EINVAL,
							    pr->fn != NULL ? digest_read : NULL, &d);
		}
		if (rc != 0)
			break;
		rc = dupg_manifest_add_file(m, files[i].path, size, digest);
		if (rc == 0)
			rc = dupg_manifest_set_file_sha256(m, dupg_manifest_file_count(m) - 1, sha);
		if (rc != 0)
			rc = blame(rc, out_path);
	}
	if (rc == 0)
		rc = list_modes(m, files, file_count, opts, out_path);
	if (rc != 0) {
		dupg_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int dupg_package_build(dupg_manifest **out, const char *out_path,
		       const char *name, const char *version,
		       const char *const *hw, size_t hw_count,
		       const dupg_pack_file *files, size_t file_count,
		       const dupg_pack_options *opts)
{
	dupg_pack_options o = DUPG_PACK_OPTIONS_INIT;
	struct progress pr = { NULL, NULL, NULL, 0, 0, 0 };
	dupg_pack_format fmt;
	dupg_manifest *m = NULL;
	char *json = NULL, *sig = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out_path == NULL || *out_path == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_package_build: no output path");
	if (opts != NULL && (opts->version < 1 || opts->version > DUPG_PACK_OPTIONS_VERSION))
		return dupg__error(DUPG_EINVAL, "%s: unknown dupg_pack_options version %u", out_path,
				   opts->version);
	/*
	 * a version-1 struct ends at no_fsync, a version-2 one at sign_key_count,
	 * a version-3 one at payload: the rest keeps its defaults
	 */
	if (opts != NULL && opts->version == 1) {
		o.format = opts->format;
		o.build_time = opts->build_time;
		o.vendor = opts->vendor;
		o.no_fsync = opts->no_fsync;
	} else if (opts != NULL && opts->version == 2) {
		memcpy(&o, opts, offsetof(dupg_pack_options, progress));
		o.version = DUPG_PACK_OPTIONS_VERSION;
	} else if (opts != NULL && opts->version == 3) {
		memcpy(&o, opts, offsetof(dupg_pack_options, modes));
		o.version = DUPG_PACK_OPTIONS_VERSION;
	} else if (opts != NULL) {
		o = *opts;
	}
	opts = &o;
	pr.fn = opts->progress;
	pr.payload = opts->payload;
	pr.out_path = out_path;
	if (opts->sign_key_count > 0 && opts->sign_keys == NULL)
		return dupg__error(DUPG_EINVAL, "%s: sign_key_count is %zu and sign_keys is NULL", out_path,
				   opts->sign_key_count);
	fmt = opts->format == DUPG_PACK_AUTO ? format_from_name(out_path) : opts->format;
	if (fmt < DUPG_PACK_TAR || fmt > DUPG_PACK_ZIP)
		return dupg__error(DUPG_EINVAL, "%s: unknown package format %d", out_path, (int)fmt);
	rc = build_manifest(&m, out_path, name, version, hw, hw_count, files, file_count, opts, &pr);
	if (rc == 0)
		rc = dupg_manifest_to_json(&json, m);
	if (rc == 0 && opts->sign_key_count > 0 &&
	    (rc = dupg_sign_manifest(&sig, json, strlen(json), opts->sign_keys, opts->sign_key_count)) != 0)
		rc = blame(rc, out_path);
	if (rc == 0)
		rc = write_package(out_path, fmt, m, json, sig, files, opts->no_fsync, &pr);
	free(sig);
	free(json);
	if (rc != 0 || out == NULL)
		dupg_manifest_free(m);
	else
		*out = m;
	return rc;
}

