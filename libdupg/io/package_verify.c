/* Verifying a package fully: every entry against its manifest (I/O). */
#include "package_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	size_t entries;       /* headers read */
	uint64_t data;        /* bytes of data read, hashed or not */
	uint64_t data_max;    /* what the manifest declares, plus the manifest itself */
	uint64_t holes;       /* bytes of sparse holes hashed */
};

/*
 * A hole of a sparse entry reads back as zeros: hash them. XXH3 scrambles its
 * state after every 1 KiB block, so a run of zeros has no shortcut: it is
 * hashed at full speed from a large zero block, within the hole limit.
 */
static void hash_zeros(XXH3_state_t *st, uint64_t len)
{
	static const unsigned char zeros[64 * 1024];

	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);

		dupg__pkg_hash_update(st, zeros, n);
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
	if ((uint64_t)off - *got > DUPG_PACKAGE_MAX_HOLE_BYTES - v->holes)
		return dupg__error(DUPG_EFORMAT, "%s: %s: sparse holes of more than %llu bytes in all",
				   v->path, name, (unsigned long long)DUPG_PACKAGE_MAX_HOLE_BYTES);
	if (len > v->data_max - v->data)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: more data than the %llu bytes the manifest "
				   "declares", v->path, name, (unsigned long long)v->data_max);
	v->holes += (uint64_t)off - *got;
	v->data += len;
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
			return dupg__pkg_archive_fail(DUPG_EARCHIVE, a, v->path, what);
		}
		rc = place_block(v, name, &got, off, len, declared);
		if (rc != 0)
			return rc;
		if (len > 0)
			dupg__pkg_hash_update(v->st, block, len);
		got += len;
	}
	if (got != declared)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: size mismatch: %llu bytes in the archive, "
				   "the manifest says %llu", v->path, name,
				   (unsigned long long)got, (unsigned long long)declared);
	dupg__pkg_hash_digest(digest, v->st);
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

/* The data of an entry that is not hashed (manifest.json, a directory) counts too. */
static int skip_data(struct verifier *v, struct archive *a, const char *name)
{
	char what[96];

	snprintf(what, sizeof(what), "more data than the %llu bytes the manifest declares",
		 (unsigned long long)v->data_max);
	return dupg__pkg_skip_data(a, v->path, name, &v->data, v->data_max, DUPG_EINTEGRITY, what);
}

static int check_entry(struct verifier *v, struct archive *a, struct archive_entry *e)
{
	const char *name = dupg__pkg_entry_name(e);
	unsigned int type;
	size_t i;

	if (name == NULL)
		return dupg__error(DUPG_EINTEGRITY, "%s: an entry has an unreadable name", v->path);
	/* hard links are stored with a regular-file type: check them first */
	if (archive_entry_hardlink(e) != NULL)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: hard link, not a regular file", v->path, name);
	type = archive_entry_filetype(e);
	if (dupg__pkg_is_manifest(name)) {
		if (type != AE_IFREG)
			return dupg__error(DUPG_EINTEGRITY, "%s: manifest.json: %s, not a regular file",
					   v->path, type == AE_IFDIR ? "directory" : kind_name(type));
		if (v->manifests++ > 0)
			return dupg__error(DUPG_EINTEGRITY, "%s: manifest.json: duplicate entry", v->path);
		return skip_data(v, a, name);
	}
	if (type == AE_IFDIR) {
		if (dir_escapes(name))
			return dupg__error(DUPG_EINTEGRITY, "%s: %s: directory outside the package root",
					   v->path, name);
		return skip_data(v, a, name);
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
 * Check every entry against m. a is the handle dupg__pkg_find_manifest() left right
 * after a leading manifest.json, or NULL to read the archive again from the
 * start; it is freed here.
 */
static int verify_entries(const dupg_manifest *m, struct archive *a, int fd, const char *path)
{
	struct verifier v = { m, path, NULL, NULL, NULL, a != NULL, a != NULL, 0, 0, 0 };
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
	/* the manifest's total is at most DUPG_PACKAGE_MAX_BYTES: no overflow */
	v.data_max = dupg_manifest_total_size(m) + DUPG_MANIFEST_MAX_BYTES;
	v.seen = calloc(n + 1, 1);
	v.st = XXH3_createState();
	if (v.seen == NULL || v.st == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	if (a == NULL) {
		if (lseek(fd, 0, SEEK_SET) != 0) {
			rc = dupg__error_sys(errno, "%s: cannot rewind", path);
			goto out;
		}
		rc = dupg__pkg_reader_new(&a, fd, path);
	}
	while (rc == 0) {
		int r = archive_read_next_header(a, &e);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path, "truncated or corrupt archive");
			break;
		}
		if (++v.entries > DUPG_PACKAGE_MAX_ENTRIES) {
			rc = dupg__error(DUPG_EFORMAT, "%s: more than %u entries", path,
					 DUPG_PACKAGE_MAX_ENTRIES);
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
	rc = dupg__pkg_open(&fd, path);
	if (rc != 0)
		return rc;
	/*
	 * One pass when the manifest comes first, as in the packages built here.
	 * Otherwise two over one descriptor: the entries before the manifest can
	 * only be checked once it is known.
	 */
	rc = dupg__pkg_find_manifest(&m, &a, fd, path);
	if (rc == 0)
		rc = verify_entries(m, a, fd, path);
	close(fd);
	if (rc != 0 || out == NULL)
		dupg_manifest_free(m);
	else
		*out = m;
	return rc;
}

