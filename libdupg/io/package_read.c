/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading a package's manifest without its payload (I/O). */
#include "package_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Record libarchive's reason while the handle is still alive. */
int dupg__pkg_archive_fail(int code, struct archive *a, const char *path, const char *what)
{
	const char *why = archive_error_string(a);

	return dupg__error(code, "%s: %s: %s", path, what, why != NULL ? why : "unknown error");
}

/*
 * Open a read handle on fd with what the package format is (package.h):
 * the tar formats (ustar, pax, GNU) and zip; gzip, xz and zstd streams.
 * Nothing else: libarchive runs an external program (lzop, lrzip, grzip, and
 * gzip, xz or zstd too when it was built without their library) for a
 * filter it cannot decompress itself, and its other readers (7-Zip, RAR,
 * CAB, LHA, ISO 9660, XAR, cpio, ar, mtree) are code a package never needs.
 * A filter libarchive does not have built in stays off: such a stream is then
 * "not an archive" rather than a reason to fork.
 */
static int reader_setup(struct archive **out, const char *path)
{
	struct archive *a = archive_read_new();
	int r = ARCHIVE_OK;

	*out = NULL;
	if (a == NULL)
		return dupg__error_nomem();
	if (archive_zlib_version() != NULL)
		r = archive_read_support_filter_gzip(a);
	if (r == ARCHIVE_OK && archive_liblzma_version() != NULL)
		r = archive_read_support_filter_xz(a);
	if (r == ARCHIVE_OK && archive_libzstd_version() != NULL)
		r = archive_read_support_filter_zstd(a);
	if (r == ARCHIVE_OK)
		r = archive_read_support_format_tar(a);
	if (r == ARCHIVE_OK)
		r = archive_read_support_format_zip(a);
	/* ARCHIVE_WARN from a filter would mean an external program: refuse it */
	if (r != ARCHIVE_OK) {
		int rc = dupg__pkg_archive_fail(DUPG_EUNSUPPORTED, a, path,
					       "cannot set up the package reader");
		archive_read_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/*
 * The format is chosen by the open. libarchive's error number for "unknown
 * format" is private and platform-dependent, its message is what it says.
 */
static int reader_opened(struct archive **out, struct archive *a, int r, const char *path)
{
	if (r != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		int rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path,
				      why != NULL && strstr(why, "Unrecognized archive format") ?
				      "not an archive" : "truncated or corrupt archive");
		archive_read_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

int dupg__pkg_reader_new(struct archive **out, int fd, const char *path)
{
	struct archive *a;
	int rc;

	*out = NULL;
	rc = reader_setup(&a, path);
	if (rc != 0)
		return rc;
	return reader_opened(out, a, archive_read_open_fd(a, fd, DUPG__IO_BUF_BYTES), path);
}

int dupg__pkg_reader_new_cb(struct archive **out, archive_read_callback *rd, void *ctx,
			    const char *path)
{
	struct archive *a;
	int rc;

	*out = NULL;
	rc = reader_setup(&a, path);
	if (rc != 0)
		return rc;
	return reader_opened(out, a, archive_read_open(a, ctx, NULL, rd, NULL), path);
}

/*
 * libarchive names the compression method of the zip entry just read in its
 * format name, "ZIP 2.0 (deflation)", and nowhere else: the text between the
 * parentheses is taken. Stored ("uncompressed") and deflated members are
 * what packages use; libarchive's other decoders (bzip2, LZMA, XZ, zstd,
 * PPMd, ...) are code a package does not need, and some fail on valid input
 * (3.6 on a zero-length LZMA member). A name without a method is left alone.
 */
int dupg__pkg_check_method(struct archive *a, struct archive_entry *e, const char *path)
{
	const char *fmt, *open, *close, *name;

	if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_ZIP)
		return 0;
	fmt = archive_format_name(a);
	open = fmt != NULL ? strrchr(fmt, '(') : NULL;
	close = open != NULL ? strchr(open, ')') : NULL;
	if (close == NULL)
		return 0;
	open++;
	if (((size_t)(close - open) == strlen("uncompressed") &&
	     strncmp(open, "uncompressed", (size_t)(close - open)) == 0) ||
	    ((size_t)(close - open) == strlen("deflation") &&
	     strncmp(open, "deflation", (size_t)(close - open)) == 0))
		return 0;
	name = dupg__pkg_entry_name(e);
	return dupg__error(DUPG_EUNSUPPORTED, "%s: %s: zip compression method %.*s is not supported "
			   "(only stored and deflate members are read)", path,
			   name != NULL ? name : "(unreadable name)", (int)(close - open), open);
}

/* Entry name without the leading "./" that `tar -C dir .` writes; NULL when unreadable. */
const char *dupg__pkg_entry_name(struct archive_entry *e)
{
	const char *n = archive_entry_pathname(e);

	while (n != NULL && n[0] == '.' && n[1] == '/') {
		n += 2;
		while (*n == '/')
			n++;
	}
	return n;
}

/* "manifest.json", also spelled "manifest.json/" when someone made it a directory. */
int dupg__pkg_is_manifest(const char *name)
{
	size_t n = sizeof(DUPG__MANIFEST_NAME) - 1;

	if (strncmp(name, DUPG__MANIFEST_NAME, n) != 0)
		return 0;
	while (name[n] == '/')
		n++;
	return name[n] == '\0';
}

int dupg__pkg_skip_data(struct archive *a, const char *path, const char *name, uint64_t *used,
			uint64_t max, int code, const char *what)
{
	/*
	 * In an uncompressed tar (the raw file its only filter) libarchive's skip
	 * seeks. A zip read without its central directory finds the end of an
	 * entry of unknown size only by inflating it, and which reader libarchive
	 * took is not told: a zip entry is read too.
	 */
	if (archive_filter_count(a) <= 1 &&
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR)
		return 0;
	for (;;) {
		const void *block;
		size_t len = 0;
		la_int64_t off;
		int r = archive_read_data_block(a, &block, &len, &off);

		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK) {
			char where[512];
			snprintf(where, sizeof(where), "%s: truncated or corrupt archive", name);
			return dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path, where);
		}
		if (len > max - *used)
			return dupg__error(code, "%s: %s: %s", path, name, what);
		*used += len;
	}
}

/*
 * Read the current entry, at most max bytes (refused with code beyond,
 * "too large" told apart from "exactly the cap" by one byte of room).
 */
static int read_entry_data(char **out, size_t *len_out, struct archive *a, struct archive_entry *e,
			   const char *path, const char *name, size_t max, int code)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	*len_out = 0;
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > (int64_t)max)
		return dupg__error(code, "%s: %s: %lld bytes, above the %zu-byte limit",
				   path, name, (long long)archive_entry_size(e), max);
	for (;;) {
		void *p = buf;
		la_ssize_t n;

		if (dupg__grow(&p, &cap, len + DUPG__IO_BUF_BYTES, 1) != 0) {
			rc = DUPG_ENOMEM;
			break;
		}
		buf = p;
		n = archive_read_data(a, buf + len, cap - len);
		if (n < 0) {
			char what[96];

			snprintf(what, sizeof(what), "%s: truncated or corrupt archive", name);
			rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path, what);
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			rc = dupg__error(code, "%s: %s: more than %zu bytes", path, name, max);
			break;
		}
	}
	if (rc == 0 && len == 0)
		rc = dupg__error(code, "%s: %s is empty", path, name);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*len_out = len;
	return 0;
}

/* Read the current entry (manifest.json) into memory and parse it. */
static int read_manifest_data(struct dupg__pkg_head *h, struct archive *a, struct archive_entry *e,
			      const char *path)
{
	char *origin;
	int rc = read_entry_data(&h->json, &h->json_len, a, e, path, DUPG__MANIFEST_NAME,
				 DUPG_MANIFEST_MAX_BYTES, DUPG_EFORMAT);

	if (rc != 0)
		return rc;
	origin = malloc(strlen(path) + sizeof(": " DUPG__MANIFEST_NAME));
	if (origin == NULL)
		return dupg__error_nomem();
	sprintf(origin, "%s: %s", path, DUPG__MANIFEST_NAME);
	rc = dupg_manifest_parse(&h->m, h->json, h->json_len, origin);
	free(origin);
	return rc;
}

void dupg__pkg_head_clear(struct dupg__pkg_head *h)
{
	dupg_manifest_free(h->m);
	free(h->json);
	free(h->sig);
	memset(h, 0, sizeof(*h));
}

/*
 * After the manifest: manifest.sig when it comes next. Another entry is
 * left in h->pending for the caller that keeps the handle.
 */
static int read_sig(struct dupg__pkg_head *h, struct archive *a, const char *path)
{
	struct archive_entry *e;
	const char *name;
	int r = archive_read_next_header(a, &e);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r < ARCHIVE_WARN)
		return dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path, "truncated or corrupt archive");
	h->entries++;
	if ((r = dupg__pkg_check_method(a, e, path)) != 0)
		return r;
	name = dupg__pkg_entry_name(e);
	if (name == NULL || strcmp(name, DUPG__SIG_NAME) != 0) {
		h->pending = e;
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != NULL)
		return dupg__error(DUPG_ESIGFORMAT, "%s: %s is not a regular file", path, DUPG__SIG_NAME);
	return read_entry_data(&h->sig, &h->sig_len, a, e, path, DUPG__SIG_NAME, DUPG_SIG_MAX_BYTES,
			       DUPG_ESIGFORMAT);
}

int dupg__pkg_find_manifest(struct dupg__pkg_head *h, struct archive **rest, int fd,
			    const char *path, int want_sig)
{
	struct archive *a;
	int rc;

	memset(h, 0, sizeof(*h));
	if (rest != NULL)
		*rest = NULL;
	rc = dupg__pkg_reader_new(&a, fd, path);
	if (rc != 0)
		return rc;
	return dupg__pkg_find_manifest_in(h, a, rest, path, want_sig);
}

int dupg__pkg_find_manifest_in(struct dupg__pkg_head *h, struct archive *a, struct archive **rest,
			       const char *path, int want_sig)
{
	struct archive_entry *e;
	size_t seen = 0;
	uint64_t before = 0;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	if (rest != NULL)
		*rest = NULL;
	for (;;) {
		const char *name;
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF) {
			rc = dupg__error(DUPG_EFORMAT, "%s: no manifest.json at the archive root", path);
			break;
		}
		if (r < ARCHIVE_WARN) {
			rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path, "truncated or corrupt archive");
			break;
		}
		if (++seen > DUPG_PACKAGE_MAX_ENTRIES) {
			rc = dupg__error(DUPG_EFORMAT, "%s: more than %u entries", path,
					 DUPG_PACKAGE_MAX_ENTRIES);
			break;
		}
		name = dupg__pkg_entry_name(e);
		if (name == NULL) {
			rc = dupg__error(DUPG_EARCHIVE, "%s: entry %zu has an unreadable name", path, seen);
			break;
		}
		if ((rc = dupg__pkg_check_method(a, e, path)) != 0)
			break;
		if (!dupg__pkg_is_manifest(name)) {
			char what[96];

			snprintf(what, sizeof(what), "no manifest.json within the first %llu bytes of data",
				 (unsigned long long)DUPG_MANIFEST_MAX_OFFSET);
			rc = dupg__pkg_skip_data(a, path, name, &before, DUPG_MANIFEST_MAX_OFFSET,
						 DUPG_EFORMAT, what);
			if (rc != 0)
				break;
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != NULL) {
			rc = dupg__error(DUPG_EFORMAT, "%s: manifest.json is not a regular file", path);
			break;
		}
		rc = read_manifest_data(h, a, e, path);
		h->entries = seen;
		if (rc == 0 && want_sig)
			rc = read_sig(h, a, path);
		if (rc == 0 && rest != NULL && seen == 1) {
			*rest = a;
			return 0;
		}
		h->pending = NULL;
		break;
	}
	archive_read_free(a);
	return rc;
}

/* Open the package file; an empty file is named as such rather than "unrecognized". */
int dupg__pkg_open(int *fd, const char *path)
{
	struct stat st;
	int rc = dupg__pkg_open_regular(fd, &st, path, DUPG_EARCHIVE);

	if (rc == 0 && st.st_size == 0) {
		close(*fd);
		*fd = -1;
		rc = dupg__error(DUPG_EARCHIVE, "%s: not an archive: empty file", path);
	}
	return rc;
}

int dupg_package_read_manifest(dupg_manifest **out, const char *path)
{
	struct dupg__pkg_head h;
	int fd, rc;

	if (out == NULL || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_package_read_manifest: NULL argument");
	*out = NULL;
	rc = dupg__pkg_open(&fd, path);
	if (rc != 0)
		return rc;
	rc = dupg__pkg_find_manifest(&h, NULL, fd, path, 0);
	close(fd);
	if (rc == 0) {
		*out = h.m;
		h.m = NULL;
	}
	dupg__pkg_head_clear(&h);
	return rc;
}
