/* Upgrade package archives: read the manifest, verify the payload, build (I/O). */
#include "internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#if defined(HAVE_XXH3_128BITS_UPDATE_DISPATCH) && defined(HAVE_XXH_X86DISPATCH_H)
#define USE_XXH_DISPATCH 1
/* the plain names stay plain: the dispatching update is called by its name */
#define XXH_DISPATCH_DISABLE_REPLACE 1
#include <pthread.h>
#include <xxh_x86dispatch.h>
#endif

#define IO_BUF_BYTES (64 * 1024)
#define MANIFEST_NAME "manifest.json"

/*
 * Open path read-only and make sure it is a regular file; a non-regular file
 * is refused with code. O_NONBLOCK keeps a FIFO from blocking the open.
 */
static int open_regular(int *fd_out, struct stat *st, const char *path, int code)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*fd_out = -1;
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dupg__error(DUPG_ENOTFOUND, "%s: no such file", path);
		return dupg__error_errno(DUPG_EIO, errno, "%s: cannot open", path);
	}
	if (fstat(fd, st) != 0) {
		int e = errno;
		close(fd);
		return dupg__error_errno(DUPG_EIO, e, "%s: cannot stat", path);
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return dupg__error(code, "%s: not a regular file", path);
	}
	*fd_out = fd;
	return 0;
}

/*
 * Feed len bytes to an XXH3-128 state. Debian's libxxhash is built for
 * baseline x86-64 (SSE2); its dispatching update picks AVX2 or AVX-512 when
 * the CPU has them, about three times faster, on the same XXH3_state_t and
 * with the same digests. Its first call picks the variant without a lock, so
 * the first call is made once, under pthread_once: a server verifying
 * packages on several threads never races there.
 */
#ifdef USE_XXH_DISPATCH
static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

static void dispatch_init(void)
{
	/* any dispatching call fills libxxhash's whole table */
	(void)XXH3_128bits_dispatch("", 0);
}
#endif

static void hash_update(XXH3_state_t *st, const void *data, size_t len)
{
#ifdef USE_XXH_DISPATCH
	pthread_once(&dispatch_once, dispatch_init);
	XXH3_128bits_update_dispatch(st, data, len);
#else
	XXH3_128bits_update(st, data, len);
#endif
}

static void canonical(unsigned char out[16], XXH3_state_t *st)
{
	XXH128_canonical_t c;

	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	memcpy(out, c.digest, 16);
}

/* XXH3-128 of an open file from its current offset to the end. */
static int hash_fd(unsigned char out[16], uint64_t *size_out, int fd, const char *path)
{
	XXH3_state_t *st = XXH3_createState();
	char *buf = malloc(IO_BUF_BYTES);
	uint64_t size = 0;
	int rc = 0;

	if (st == NULL || buf == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	XXH3_128bits_reset(st);
	for (;;) {
		ssize_t n = read(fd, buf, IO_BUF_BYTES);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = dupg__error_errno(DUPG_EIO, errno, "%s: read failed", path);
			goto out;
		}
		if (n == 0)
			break;
		hash_update(st, buf, (size_t)n);
		size += (uint64_t)n;
	}
	canonical(out, st);
	if (size_out != NULL)
		*size_out = size;
out:
	free(buf);
	XXH3_freeState(st);
	return rc;
}

static int hash_file(unsigned char out[16], uint64_t *size_out, const char *path, int nonreg_code)
{
	struct stat st;
	int fd, rc;

	rc = open_regular(&fd, &st, path, nonreg_code);
	if (rc != 0)
		return rc;
	rc = hash_fd(out, size_out, fd, path);
	close(fd);
	return rc;
}

int dupg_file_xxh128(unsigned char out[16], uint64_t *size_out, const char *path)
{
	if (out == NULL || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_file_xxh128: NULL argument");
	return hash_file(out, size_out, path, DUPG_EIO);
}

/* ---- reading -------------------------------------------------------------- */

/* Record libarchive's reason while the handle is still alive. */
static int archive_fail(int code, struct archive *a, const char *path, const char *what)
{
	const char *why = archive_error_string(a);

	return dupg__error(code, "%s: %s: %s", path, what, why != NULL ? why : "unknown error");
}

/*
 * Open a read handle on fd. Every format libarchive reads except mtree (whose
 * entries name files on the local disk that libarchive would then read),
 * raw and empty; every filter.
 */
static int reader_new(struct archive **out, int fd, const char *path)
{
	struct archive *a = archive_read_new();

	*out = NULL;
	if (a == NULL)
		return dupg__error_nomem();
	archive_read_support_filter_all(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
	/*
	 * The format is chosen here. libarchive's error number for "unknown
	 * format" is private and platform-dependent, its message is what it says.
	 */
	if (archive_read_open_fd(a, fd, IO_BUF_BYTES) != ARCHIVE_OK) {
		const char *why = archive_error_string(a);
		int rc = archive_fail(DUPG_EARCHIVE, a, path,
				      why != NULL && strstr(why, "Unrecognized archive format") ?
				      "not an archive" : "truncated or corrupt archive");
		archive_read_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

/* Entry name without the leading "./" that `tar -C dir .` writes; NULL when unreadable. */
static const char *entry_name(struct archive_entry *e)
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
static int is_manifest(const char *name)
{
	size_t n = sizeof(MANIFEST_NAME) - 1;

	if (strncmp(name, MANIFEST_NAME, n) != 0)
		return 0;
	while (name[n] == '/')
		n++;
	return name[n] == '\0';
}

/* Read the current entry (manifest.json) into memory and parse it. */
static int read_manifest_data(dupg_manifest **out, struct archive *a, struct archive_entry *e,
			      const char *path)
{
	char *buf = NULL, *origin;
	size_t len = 0, cap = 0;
	int rc = 0;

	if (archive_entry_size_is_set(e) && archive_entry_size(e) > (int64_t)DUPG_MANIFEST_MAX_BYTES)
		return dupg__error(DUPG_EFORMAT, "%s: manifest.json: %lld bytes, above the %u-byte limit",
				   path, (long long)archive_entry_size(e), DUPG_MANIFEST_MAX_BYTES);
	for (;;) {
		void *p = buf;
		la_ssize_t n;

		/* one byte of room beyond the cap tells "too large" from "exactly the cap" */
		if (dupg__grow(&p, &cap, len + IO_BUF_BYTES, 1) != 0) {
			rc = DUPG_ENOMEM;
			break;
		}
		buf = p;
		n = archive_read_data(a, buf + len, cap - len);
		if (n < 0) {
			rc = archive_fail(DUPG_EARCHIVE, a, path, "manifest.json: truncated or corrupt archive");
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > DUPG_MANIFEST_MAX_BYTES) {
			rc = dupg__error(DUPG_EFORMAT, "%s: manifest.json: more than %u bytes",
					 path, DUPG_MANIFEST_MAX_BYTES);
			break;
		}
	}
	if (rc == 0 && len == 0)
		rc = dupg__error(DUPG_EFORMAT, "%s: manifest.json is empty", path);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	origin = malloc(strlen(path) + sizeof(": " MANIFEST_NAME));
	if (origin == NULL) {
		free(buf);
		return dupg__error_nomem();
	}
	sprintf(origin, "%s: %s", path, MANIFEST_NAME);
	rc = dupg_manifest_parse(out, buf, len, origin);
	free(origin);
	free(buf);
	return rc;
}

/*
 * Find manifest.json at the root and parse it; stops right after it. When
 * rest is not NULL and the manifest is the first entry, *rest receives the
 * handle, positioned at the next entry: verification goes on from there
 * instead of opening the archive a second time. Otherwise *rest is NULL.
 */
static int find_manifest(dupg_manifest **out, struct archive **rest, int fd, const char *path)
{
	struct archive *a;
	struct archive_entry *e;
	size_t seen = 0;
	int rc;

	if (rest != NULL)
		*rest = NULL;

	rc = reader_new(&a, fd, path);
	if (rc != 0)
		return rc;
	for (;;) {
		const char *name;
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF) {
			rc = dupg__error(DUPG_EFORMAT, "%s: no manifest.json at the archive root", path);
			break;
		}
		if (r < ARCHIVE_WARN) {
			rc = archive_fail(DUPG_EARCHIVE, a, path, "truncated or corrupt archive");
			break;
		}
		seen++;
		name = entry_name(e);
		if (name == NULL) {
			rc = dupg__error(DUPG_EARCHIVE, "%s: entry %zu has an unreadable name", path, seen);
			break;
		}
		/* the next header call skips this entry's data without hashing it */
		if (!is_manifest(name))
			continue;
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != NULL) {
			rc = dupg__error(DUPG_EFORMAT, "%s: manifest.json is not a regular file", path);
			break;
		}
		rc = read_manifest_data(out, a, e, path);
		if (rc == 0 && rest != NULL && seen == 1) {
			*rest = a;
			return 0;
		}
		break;
	}
	archive_read_free(a);
	return rc;
}

/* Open the package file; an empty file is named as such rather than "unrecognized". */
static int open_package(int *fd, const char *path)
{
	struct stat st;
	int rc = open_regular(fd, &st, path, DUPG_EARCHIVE);

	if (rc == 0 && st.st_size == 0) {
		close(*fd);
		*fd = -1;
		rc = dupg__error(DUPG_EARCHIVE, "%s: not an archive: empty file", path);
	}
	return rc;
}

int dupg_package_read_manifest(dupg_manifest **out, const char *path)
{
	int fd, rc;

	if (out == NULL || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_package_read_manifest: NULL argument");
	*out = NULL;
	rc = open_package(&fd, path);
	if (rc != 0)
		return rc;
	rc = find_manifest(out, NULL, fd, path);
	close(fd);
	return rc;
}

static const char *kind_name(unsigned int type)
{
	switch (type) {
	case AE_IFLNK: return "symbolic link";
	case AE_IFCHR: return "character device";
	case AE_IFBLK: return "block device";
	case AE_IFIFO: return "FIFO";
	case AE_IFSOCK: return "socket";
	default: return "special entry";
	}
}

/* A directory entry must not point outside the install root. */
static int dir_escapes(const char *name)
{
	const char *p = name;

	if (name[0] == '/')
		return 1;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

struct verifier {
	const dupg_manifest *m;
	const char *path;
	dupg_strmap *index;   /* install path -> file index (ids follow manifest order) */
	unsigned char *seen;
	XXH3_state_t *st;
	int manifests;
};

/* A hole of a sparse entry reads back as zeros: hash them. */
static void hash_zeros(XXH3_state_t *st, uint64_t len)
{
	static const unsigned char zeros[4096];

	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);

		hash_update(st, zeros, n);
		len -= n;
	}
}

/*
 * Account for data found at offset off, len bytes long, after got bytes:
 * the gap between them is a hole. Checked against the declared size before
 * anything is hashed, so a lying offset costs nothing.
 */
static int place_block(struct verifier *v, const char *name, uint64_t *got, la_int64_t off,
		       size_t len, uint64_t declared)
{
	if (off < 0 || (uint64_t)off < *got)
		return dupg__error(DUPG_EARCHIVE, "%s: %s: corrupt archive: data blocks out of order",
				   v->path, name);
	/* stop at once: a header can lie about the size, the data cannot be trusted */
	if ((uint64_t)off > declared || len > declared - (uint64_t)off)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: size mismatch: more data than the "
				   "%llu bytes the manifest says", v->path, name,
				   (unsigned long long)declared);
	hash_zeros(v->st, (uint64_t)off - *got);
	*got = (uint64_t)off;
	return 0;
}

/*
 * Stream one listed regular file through XXH3-128 and compare with the
 * manifest. The blocks are libarchive's own (no copy). A sparse entry (GNU or
 * pax sparse tar) is checked as the file it extracts to: its holes, the one
 * up to its logical size included, hash as zeros.
 */
static int check_file(struct verifier *v, struct archive *a, struct archive_entry *e,
		      const char *name, size_t i)
{
	uint64_t declared = dupg_manifest_file_size(v->m, i), got = 0;
	unsigned char digest[16];
	int rc;

	if (v->seen[i])
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: duplicate entry", v->path, name);
	v->seen[i] = 1;
	if (archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) != declared)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: size mismatch: %lld bytes in the archive, "
				   "the manifest says %llu", v->path, name,
				   (long long)archive_entry_size(e), (unsigned long long)declared);
	XXH3_128bits_reset(v->st);
	for (;;) {
		const void *block;
		size_t len = 0;
		la_int64_t off = (la_int64_t)got;
		int r = archive_read_data_block(a, &block, &len, &off);

		if (r == ARCHIVE_EOF) {
			/* the end offset is the logical size; formats without holes say got */
			if (off > (la_int64_t)got && (rc = place_block(v, name, &got, off, 0, declared)) != 0)
				return rc;
			break;
		}
		/* a warning here is a bad checksum or the like: as bad as an error */
		if (r != ARCHIVE_OK) {
			char what[512];
			snprintf(what, sizeof(what), "%s: truncated or corrupt archive", name);
			return archive_fail(DUPG_EARCHIVE, a, v->path, what);
		}
		rc = place_block(v, name, &got, off, len, declared);
		if (rc != 0)
			return rc;
		if (len > 0)
			hash_update(v->st, block, len);
		got += len;
	}
	if (got != declared)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: size mismatch: %llu bytes in the archive, "
				   "the manifest says %llu", v->path, name,
				   (unsigned long long)got, (unsigned long long)declared);
	canonical(digest, v->st);
	if (memcmp(digest, dupg_manifest_file_xxh128(v->m, i), 16) != 0) {
		static const char hex[] = "0123456789abcdef";
		char got_hex[33];
		size_t k;

		for (k = 0; k < 16; k++) {
			got_hex[2 * k] = hex[digest[k] >> 4];
			got_hex[2 * k + 1] = hex[digest[k] & 15];
		}
		got_hex[32] = '\0';
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: digest mismatch: xxh128 is %s, the manifest says %s",
				   v->path, name, got_hex, dupg_manifest_file_xxh128_hex(v->m, i));
	}
	return 0;
}

static int check_entry(struct verifier *v, struct archive *a, struct archive_entry *e)
{
	const char *name = entry_name(e);
	unsigned int type;
	size_t i;

	if (name == NULL)
		return dupg__error(DUPG_EINTEGRITY, "%s: an entry has an unreadable name", v->path);
	/* hard links are stored with a regular-file type: check them first */
	if (archive_entry_hardlink(e) != NULL)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: hard link, not a regular file", v->path, name);
	type = archive_entry_filetype(e);
	if (is_manifest(name)) {
		if (type != AE_IFREG)
			return dupg__error(DUPG_EINTEGRITY, "%s: manifest.json: %s, not a regular file",
					   v->path, type == AE_IFDIR ? "directory" : kind_name(type));
		if (v->manifests++ > 0)
			return dupg__error(DUPG_EINTEGRITY, "%s: manifest.json: duplicate entry", v->path);
		return 0;
	}
	if (type == AE_IFDIR) {
		if (dir_escapes(name))
			return dupg__error(DUPG_EINTEGRITY, "%s: %s: directory outside the package root",
					   v->path, name);
		return 0;
	}
	if (type != AE_IFREG)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: %s, not a regular file", v->path, name,
				   kind_name(type));
	i = dupg__strmap_find(v->index, name);
	if (i == DUPG_NONE)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: not listed in the manifest", v->path, name);
	return check_file(v, a, e, name, i);
}

/*
 * Check every entry against m. a is the handle find_manifest() left right
 * after a leading manifest.json, or NULL to read the archive again from the
 * start; it is freed here.
 */
static int verify_entries(const dupg_manifest *m, struct archive *a, int fd, const char *path)
{
	struct verifier v = { m, path, NULL, NULL, NULL, a != NULL };
	size_t i, n = dupg_manifest_file_count(m);
	struct archive_entry *e;
	int rc;

	rc = dupg__strmap_new(&v.index);
	for (i = 0; rc == 0 && i < n; i++) {
		size_t id;
		int added;
		rc = dupg__strmap_intern(v.index, dupg_manifest_file_path(m, i), &id, &added);
	}
	if (rc != 0)
		goto out;
	v.seen = calloc(n + 1, 1);
	v.st = XXH3_createState();
	if (v.seen == NULL || v.st == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	if (a == NULL) {
		if (lseek(fd, 0, SEEK_SET) != 0) {
			rc = dupg__error_errno(DUPG_EIO, errno, "%s: cannot rewind", path);
			goto out;
		}
		rc = reader_new(&a, fd, path);
	}
	while (rc == 0) {
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = archive_fail(DUPG_EARCHIVE, a, path, "truncated or corrupt archive");
			break;
		}
		rc = check_entry(&v, a, e);
	}
	for (i = 0; rc == 0 && i < n; i++) {
		if (!v.seen[i])
			rc = dupg__error(DUPG_EINTEGRITY, "%s: %s: listed in the manifest but missing "
					 "from the archive", path, dupg_manifest_file_path(m, i));
	}
	/* the first pass found it; only a file changed under our feet gets here */
	if (rc == 0 && v.manifests == 0)
		rc = dupg__error(DUPG_EINTEGRITY, "%s: manifest.json vanished between two reads", path);
out:
	archive_read_free(a);
	XXH3_freeState(v.st);
	free(v.seen);
	dupg__strmap_free(v.index);
	return rc;
}

int dupg_package_verify(dupg_manifest **out, const char *path)
{
	dupg_manifest *m = NULL;
	struct archive *a;
	int fd, rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_package_verify: path is NULL");
	rc = open_package(&fd, path);
	if (rc != 0)
		return rc;
	/*
	 * One pass when the manifest comes first, as in the packages built here.
	 * Otherwise two over one descriptor: the entries before the manifest can
	 * only be checked once it is known.
	 */
	rc = find_manifest(&m, &a, fd, path);
	if (rc == 0)
		rc = verify_entries(m, a, fd, path);
	close(fd);
	if (rc != 0 || out == NULL)
		dupg_manifest_free(m);
	else
		*out = m;
	return rc;
}

/* ---- building ------------------------------------------------------------- */

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
			uint64_t size, const char *out_path)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		char what[512];
		snprintf(what, sizeof(what), "%s: cannot write entry header", name);
		return archive_fail(DUPG_EARCHIVE, a, out_path, what);
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
			return archive_fail(DUPG_EARCHIVE, a, out_path, what);
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copy install file i into the archive, hashing it again on the way: a
 * source that changed since it was digested must not produce a package whose
 * manifest lies.
 */
static int write_file(struct archive *a, struct archive_entry *e, const dupg_manifest *m,
		      size_t i, const char *source, char *buf, XXH3_state_t *st, const char *out_path)
{
	const char *name = dupg_manifest_file_path(m, i);
	uint64_t size = dupg_manifest_file_size(m, i), done = 0;
	unsigned char digest[16];
	struct stat sb;
	int fd, rc;

	rc = open_regular(&fd, &sb, source, DUPG_EINVAL);
	if (rc != 0)
		return rc;
	rc = write_header(a, e, name, size, out_path);
	XXH3_128bits_reset(st);
	while (rc == 0) {
		ssize_t n = read(fd, buf, IO_BUF_BYTES);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = dupg__error_errno(DUPG_EIO, errno, "%s: read failed", source);
			break;
		}
		if (n == 0)
			break;
		if ((uint64_t)n > size - done) {
			rc = dupg__error(DUPG_EIO, "%s: grew while %s was being built", source, out_path);
			break;
		}
		hash_update(st, buf, (size_t)n);
		done += (uint64_t)n;
		rc = write_data(a, buf, (size_t)n, name, out_path);
	}
	close(fd);
	if (rc != 0)
		return rc;
	canonical(digest, st);
	if (done != size || memcmp(digest, dupg_manifest_file_xxh128(m, i), 16) != 0)
		return dupg__error(DUPG_EIO, "%s: changed while %s was being built", source, out_path);
	return 0;
}

static int write_archive(int fd, dupg_pack_format fmt, const dupg_manifest *m, const char *json,
			 const dupg_pack_file *files, const char *out_path)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	XXH3_state_t *st = XXH3_createState();
	char *buf = malloc(IO_BUF_BYTES);
	size_t i, n = dupg_manifest_file_count(m);
	int rc = 0;

	if (a == NULL || e == NULL || st == NULL || buf == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	if (writer_setup(a, fmt) != ARCHIVE_OK) {
		rc = archive_fail(DUPG_EARCHIVE, a, out_path, "cannot set up the archive format");
		goto out;
	}
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		rc = archive_fail(DUPG_EARCHIVE, a, out_path, "cannot open the archive for writing");
		goto out;
	}
	/* the manifest first, so that readers stop before the payload */
	rc = write_header(a, e, MANIFEST_NAME, strlen(json), out_path);
	if (rc == 0)
		rc = write_data(a, json, strlen(json), MANIFEST_NAME, out_path);
	/* manifest order is files[] order: dupg_manifest_add_file appends */
	for (i = 0; rc == 0 && i < n; i++)
		rc = write_file(a, e, m, i, files[i].source, buf, st, out_path);
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = archive_fail(DUPG_EARCHIVE, a, out_path, "cannot finish the archive");
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
			 const char *json, const dupg_pack_file *files, int no_fsync)
{
	size_t pl = strlen(out_path);
	char *tmp = malloc(pl + sizeof(".tmp.XXXXXX"));
	char *dir;
	int fd, rc;

	if (tmp == NULL)
		return dupg__error_nomem();
	memcpy(tmp, out_path, pl);
	memcpy(tmp + pl, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		if (e == ENOENT || e == ENOTDIR)
			return dupg__error(DUPG_ENOTFOUND, "%s: directory does not exist", out_path);
		return dupg__error_errno(DUPG_EIO, e, "%s: cannot create temporary file", out_path);
	}
	rc = write_archive(fd, fmt, m, json, files, out_path);
	/* mkstemp creates 0600; packages are read by other tools */
	if (rc == 0 && fchmod(fd, 0644) != 0)
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: chmod failed", tmp);
	if (rc == 0 && !no_fsync && fsync(fd) != 0)
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: fsync failed", tmp);
	if (close(fd) != 0 && rc == 0)
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: close failed", tmp);
	if (rc == 0 && rename(tmp, out_path) != 0)
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: cannot rename %s over it", out_path, tmp);
	if (rc != 0) {
		unlink(tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	if (no_fsync)
		return 0;
	dir = dupg__dirname(out_path);
	if (dir == NULL)
		return dupg__error_nomem();
	rc = dupg__fsync_dir(dir);
	free(dir);
	return rc;
}

/* Re-record the last error with the package being built in front. */
static int blame(int rc, const char *out_path)
{
	if (rc == DUPG_ENOMEM)
		return rc;
	return dupg__error_prefix(rc, "%s", out_path);
}

/* The manifest of the package to build, every source digested. */
static int build_manifest(dupg_manifest **out, const char *out_path, const char *name,
			  const char *version, const char *const *hw, size_t hw_count,
			  const dupg_pack_file *files, size_t file_count, const dupg_pack_options *opts)
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
	for (i = 0; rc == 0 && i < file_count; i++) {
		unsigned char digest[16];
		uint64_t size;

		if (files[i].source == NULL || files[i].path == NULL) {
			rc = dupg__error(DUPG_EINVAL, "%s: file %zu has no source or install path", out_path, i);
			break;
		}
		rc = hash_file(digest, &size, files[i].source, DUPG_EINVAL);
		if (rc != 0)
			break;
		rc = dupg_manifest_add_file(m, files[i].path, size, digest);
		if (rc != 0)
			rc = blame(rc, out_path);
	}
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
	static const dupg_pack_options defaults = DUPG_PACK_OPTIONS_INIT;
	dupg_pack_format fmt;
	dupg_manifest *m = NULL;
	char *json = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out_path == NULL || *out_path == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_package_build: no output path");
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != DUPG_PACK_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "%s: unknown dupg_pack_options version %u", out_path,
				   opts->version);
	fmt = opts->format == DUPG_PACK_AUTO ? format_from_name(out_path) : opts->format;
	if (fmt < DUPG_PACK_TAR || fmt > DUPG_PACK_ZIP)
		return dupg__error(DUPG_EINVAL, "%s: unknown package format %d", out_path, (int)fmt);
	rc = build_manifest(&m, out_path, name, version, hw, hw_count, files, file_count, opts);
	if (rc == 0)
		rc = dupg_manifest_to_json(&json, m);
	if (rc == 0)
		rc = write_package(out_path, fmt, m, json, files, opts->no_fsync);
	free(json);
	if (rc != 0 || out == NULL)
		dupg_manifest_free(m);
	else
		*out = m;
	return rc;
}
