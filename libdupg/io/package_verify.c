/* SPDX-License-Identifier: BSD-2-Clause */
/* Verifying a package fully: every entry against its manifest (I/O). */
#include "package_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
	EVP_MD_CTX *sha;      /* SHA-256 of the files that have one */
	int manifests;
	int sigs;             /* manifest.sig entries seen */
	int after_manifest;   /* the previous entry was manifest.json */
	int sha_on;           /* the file being checked has a SHA-256 */
	size_t entries;       /* headers read */
	uint64_t data;        /* bytes of data read, hashed or not */
	uint64_t data_max;    /* what the manifest declares, plus the manifest itself */
	uint64_t holes;       /* bytes of sparse holes hashed */
	dupg_progress_cb progress; /* NULL: none */
	void *payload;
	uint64_t done;        /* bytes of listed files hashed, holes included */
	uint64_t total;       /* what the manifest declares */
	uint64_t reported;    /* done at the last call of progress */
};

/*
 * Report progress: always when force is set (a file starts, the end), else
 * once DUPG_PROGRESS_BYTES have passed since the last call.
 */
static int report(struct verifier *v, const char *file, int force)
{
	if (v->progress == NULL || (!force && v->done - v->reported < DUPG_PROGRESS_BYTES))
		return 0;
	v->reported = v->done;
	if (v->progress(v->done < v->total ? v->done : v->total, v->total, file, v->payload) != 0)
		return dupg__error(DUPG_EABORTED, "%s: verification cancelled by the progress callback%s%s",
				   v->path, file != NULL ? " at " : "", file != NULL ? file : "");
	return 0;
}

/*
 * A hole of a sparse entry reads back as zeros: hash them. XXH3 scrambles its
 * state after every 1 KiB block, so a run of zeros has no shortcut: it is
 * hashed at full speed from a large zero block, within the hole limit.
 */
static int hash_zeros(struct verifier *v, EVP_MD_CTX *sha, uint64_t len, const char *name)
{
	static const unsigned char zeros[64 * 1024];

	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		int rc;

		dupg__pkg_hash_update(v->st, zeros, n);
		if (sha != NULL)
			dupg__sha256_update(sha, zeros, n);
		len -= n;
		v->done += n;
		if ((rc = report(v, name, 0)) != 0)
			return rc;
	}
	return 0;
}

/*
 * Account for data found at offset off, len bytes long, after got bytes:
 * the gap between them is a hole. Checked against the declared size before
 * anything is hashed, so a lying offset costs nothing.
 */
static int place_block(struct verifier *v, const char *name, uint64_t *got, la_int64_t off,
		       size_t len, uint64_t declared)
{
	int rc;

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
	rc = hash_zeros(v, v->sha_on ? v->sha : NULL, (uint64_t)off - *got, name);
	*got = (uint64_t)off;
	return rc;
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
	const unsigned char *want_sha = dupg_manifest_file_sha256(v->m, i);

	XXH3_128bits_reset(v->st);
	v->sha_on = want_sha != NULL;
	if (want_sha != NULL && (rc = dupg__sha256_reset(v->sha)) != 0)
		return rc;
	if ((rc = report(v, name, 1)) != 0)
		return rc;
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
		if (len > 0) {
			dupg__pkg_hash_update(v->st, block, len);
			if (want_sha != NULL)
				dupg__sha256_update(v->sha, block, len);
		}
		got += len;
		v->done += len;
		if ((rc = report(v, name, 0)) != 0)
			return rc;
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
	if (want_sha != NULL) {
		unsigned char sha[32];
		char sha_hex[65];
		static const char hex[] = "0123456789abcdef";
		size_t k;

		rc = dupg__sha256_final(sha, v->sha);
		if (rc != 0)
			return rc;
		if (memcmp(sha, want_sha, 32) != 0) {
			for (k = 0; k < 32; k++) {
				sha_hex[2 * k] = hex[sha[k] >> 4];
				sha_hex[2 * k + 1] = hex[sha[k] & 15];
			}
			sha_hex[64] = '\0';
			return dupg__error(DUPG_EINTEGRITY, "%s: %s: digest mismatch: sha256 is %s, the "
					   "manifest says %s", v->path, name, sha_hex,
					   dupg_manifest_file_sha256_hex(v->m, i));
		}
	}
	return 0;
}

/* The bits of mode that DUPG_MODE_SPECIAL names, as words for a message. */
static void special_words(char *out, size_t cap, unsigned int mode)
{
	static const struct { unsigned int bit; const char *word; } bits[] = {
		{ 04000, "setuid" }, { 02000, "setgid" }, { 01000, "sticky" }, { 00002, "world-writable" },
	};
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < DUPG__COUNT(bits); i++) {
		if ((mode & bits[i].bit) == 0)
			continue;
		snprintf(out + used, cap - used, "%s%s", used > 0 ? ", " : "", bits[i].word);
		used += strlen(out + used);
	}
}

/*
 * The mode policy (package.h): an entry whose file lists a mode carries
 * exactly it; any other entry (a file without one, a directory, which no
 * manifest lists) carries no special bit. i is DUPG_NONE for a directory.
 */
static int check_mode(const struct verifier *v, struct archive_entry *e, const char *name, size_t i)
{
	unsigned int mode = (unsigned int)archive_entry_perm(e) & DUPG_MODE_MAX;
	char words[64];

	if (i != DUPG_NONE && dupg_manifest_file_mode_listed(v->m, i)) {
		unsigned int want = dupg_manifest_file_mode(v->m, i);

		if (mode != want)
			return dupg__error(DUPG_EMODE, "%s: %s: mode %04o in the archive, the manifest "
					   "says %04o", v->path, name, mode, want);
		return 0;
	}
	if ((mode & DUPG_MODE_SPECIAL) == 0)
		return 0;
	special_words(words, sizeof(words), mode & DUPG_MODE_SPECIAL);
	if (i == DUPG_NONE)
		return dupg__error(DUPG_EMODE, "%s: %s: directory with mode %04o (%s): refused, a "
				   "manifest lists no directory", v->path, name, mode, words);
	return dupg__error(DUPG_EMODE, "%s: %s: mode %04o (%s), and the manifest lists no mode for "
			   "it (format 3 lists each file's \"mode\")", v->path, name, mode, words);
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
	int rc;

	if (name == NULL)
		return dupg__error(DUPG_EINTEGRITY, "%s: an entry has an unreadable name", v->path);
	/* hard links are stored with a regular-file type: check them first */
	if (archive_entry_hardlink(e) != NULL)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: hard link, not a regular file", v->path, name);
	type = archive_entry_filetype(e);
	if (strcmp(name, DUPG__SIG_NAME) == 0) {
		/* read and checked with the manifest; here only where it stands */
		if (!v->after_manifest || v->sigs++ > 0)
			return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: %s", v->path,
					   v->sigs > 1 ? "duplicate entry" : "not right after manifest.json");
		if (type != AE_IFREG)
			return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: not a regular file", v->path);
		v->after_manifest = 0;
		return skip_data(v, a, name);
	}
	v->after_manifest = dupg__pkg_is_manifest(name);
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
		rc = check_mode(v, e, name, DUPG_NONE);
		return rc != 0 ? rc : skip_data(v, a, name);
	}
	if (type != AE_IFREG)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: %s, not a regular file", v->path, name,
				   kind_name(type));
	i = dupg__strmap_find(v->index, name);
	if (i == DUPG_NONE)
		return dupg__error(DUPG_EINTEGRITY, "%s: %s: not listed in the manifest", v->path, name);
	rc = check_mode(v, e, name, i);
	return rc != 0 ? rc : check_file(v, a, e, name, i);
}

/*
 * Check every entry against h->m. a is the handle dupg__pkg_find_manifest()
 * left after a leading manifest.json (and manifest.sig), with h->pending the
 * entry it read and did not handle, or NULL to read the archive again from
 * the start; it is freed here.
 */
static int verify_entries(const struct dupg__pkg_head *h, struct archive *a, int fd, const char *path,
			  int sig_read, const dupg_verify_options *o)
{
	const dupg_manifest *m = h->m;
	struct verifier v;
	size_t i, n = dupg_manifest_file_count(m);
	struct archive_entry *e = a != NULL ? h->pending : NULL;
	int rc;

	memset(&v, 0, sizeof(v));
	v.m = m;
	v.path = path;
	if (o != NULL) {
		v.progress = o->progress;
		v.payload = o->payload;
	}
	v.total = dupg_manifest_total_size(m);
	if (a != NULL) {
		/* what the head read: the manifest, and manifest.sig unless pending says otherwise */
		v.manifests = 1;
		v.entries = h->entries;
		v.sigs = h->sig != NULL;
		v.after_manifest = h->sig == NULL;
		if (e != NULL)
			v.entries--;
	}
	rc = dupg__strmap_new(&v.index);
	for (i = 0; rc == 0 && i < n; i++) {
		size_t id;
		int added;
		rc = dupg__strmap_intern(v.index, dupg_manifest_file_path(m, i), &id, &added);
	}
	if (rc != 0)
		goto out;
	/* the manifest's total is at most DUPG_PACKAGE_MAX_BYTES: no overflow */
	v.data_max = dupg_manifest_total_size(m) + DUPG_MANIFEST_MAX_BYTES + DUPG_SIG_MAX_BYTES;
	v.seen = calloc(n + 1, 1);
	v.st = XXH3_createState();
	v.sha = dupg__sha256_new();
	if (v.seen == NULL || v.st == NULL || v.sha == NULL) {
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
		if (e == NULL) {
			int r = archive_read_next_header(a, &e);

			if (r == ARCHIVE_EOF)
				break;
			if (r < ARCHIVE_WARN) {
				rc = dupg__pkg_archive_fail(DUPG_EARCHIVE, a, path, "truncated or corrupt archive");
				break;
			}
		}
		if (++v.entries > DUPG_PACKAGE_MAX_ENTRIES) {
			rc = dupg__error(DUPG_EFORMAT, "%s: more than %u entries", path,
					 DUPG_PACKAGE_MAX_ENTRIES);
			break;
		}
		rc = dupg__pkg_check_method(a, e, path);
		if (rc == 0)
			rc = check_entry(&v, a, e);
		e = NULL;
	}
	for (i = 0; rc == 0 && i < n; i++) {
		if (!v.seen[i])
			rc = dupg__error(DUPG_EINTEGRITY, "%s: %s: listed in the manifest but missing "
					 "from the archive", path, dupg_manifest_file_path(m, i));
	}
	/* the first pass found it; only a file changed under our feet gets here */
	if (rc == 0 && v.manifests == 0)
		rc = dupg__error(DUPG_EINTEGRITY, "%s: manifest.json vanished between two reads", path);
	if (rc == 0 && sig_read && (v.sigs > 0) != (h->sig != NULL))
		rc = dupg__error(DUPG_EINTEGRITY, "%s: manifest.sig changed between two reads", path);
	if (rc == 0)
		rc = report(&v, NULL, 1);
out:
	archive_read_free(a);
	XXH3_freeState(v.st);
	EVP_MD_CTX_free(v.sha);
	free(v.seen);
	dupg__strmap_free(v.index);
	return rc;
}

static const char *const policy_names[] = { "none", "required" };

const char *dupg_trust_policy_name(dupg_trust_policy policy)
{
	return dupg__name_of(policy_names, DUPG__COUNT(policy_names), (int)policy);
}

int dupg_trust_policy_parse(dupg_trust_policy *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, policy_names, DUPG__COUNT(policy_names), name,
					 "trust policy");
	if (rc == 0 && out != NULL)
		*out = (dupg_trust_policy)v;
	return rc;
}

static int check_opts(const dupg_verify_options *o, const char *fn)
{
	if (o->version != 1 && o->version != DUPG_VERIFY_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "%s: unknown dupg_verify_options version %u", fn, o->version);
	if (o->policy != DUPG_TRUST_NONE && o->policy != DUPG_TRUST_REQUIRED)
		return dupg__error(DUPG_EINVAL, "%s: unknown trust policy %d", fn, (int)o->policy);
	if (o->policy == DUPG_TRUST_REQUIRED && o->trust == NULL)
		return dupg__error(DUPG_EINVAL, "%s: the policy requires a signature, and no trust store "
				   "was given", fn);
	return 0;
}

/* What the head of the package lets us check: signatures, coverage, expiry. */
static int check_head(const struct dupg__pkg_head *h, const char *path, const dupg_verify_options *o)
{
	int64_t now = o->now;
	int rc;

	if (o->policy == DUPG_TRUST_REQUIRED) {
		if (h->sig == NULL)
			return dupg__error(DUPG_EUNSIGNED, "%s: not signed (no manifest.sig), and the trust "
					   "policy requires a signature", path);
		if (!dupg_manifest_has_sha256(h->m))
			return dupg__error(DUPG_EUNSIGNED, "%s: manifest format %d: not every file has a "
					   "sha256, so a signature would not cover the payload", path,
					   dupg_manifest_format(h->m));
		rc = dupg_trust_check(o->trust, h->json, h->json_len, h->sig, h->sig_len, path);
		if (rc != 0)
			return rc;
	}
	if (now == DUPG_VERIFY_NO_EXPIRY)
		return 0;
	if (now == DUPG_VERIFY_NOW_CLOCK)
		now = (int64_t)time(NULL);
	if (dupg_manifest_expired(h->m, now))
		return dupg__error(DUPG_EEXPIRED, "%s: expired at %s: refused for new installs", path,
				   dupg_manifest_expires(h->m));
	return 0;
}

static int verify_opts(dupg_manifest **out, const char *path, const dupg_verify_options *o, int payload);

static int verify(dupg_manifest **out, const char *path, const dupg_verify_options *o, int payload,
		  const char *fn)
{
	int rc;

	if (out != NULL)
		*out = NULL;
	if (path == NULL)
		return dupg__error(DUPG_EINVAL, "%s: path is NULL", fn);
	if (o != NULL && (rc = check_opts(o, fn)) != 0)
		return rc;
	/* a version-1 struct ends at now: no progress callback */
	if (o != NULL) {
		dupg_verify_options full = DUPG_VERIFY_OPTIONS_INIT;

		full.policy = o->policy;
		full.trust = o->trust;
		full.now = o->now;
		if (o->version >= 2) {
			full.progress = o->progress;
			full.payload = o->payload;
		}
		return verify_opts(out, path, &full, payload);
	}
	return verify_opts(out, path, NULL, payload);
}

static int verify_opts(dupg_manifest **out, const char *path, const dupg_verify_options *o, int payload)
{
	struct dupg__pkg_head h;
	struct archive *a = NULL;
	int fd, rc;

	rc = dupg__pkg_open(&fd, path);
	if (rc != 0)
		return rc;
	/*
	 * One pass when the manifest comes first, as in the packages built here.
	 * Otherwise two over one descriptor: the entries before the manifest can
	 * only be checked once it is known.
	 */
	rc = dupg__pkg_find_manifest(&h, payload ? &a : NULL, fd, path, o != NULL);
	if (rc == 0 && o != NULL)
		rc = check_head(&h, path, o);
	if (rc == 0 && payload)
		rc = verify_entries(&h, a, fd, path, o != NULL, o);
	else
		archive_read_free(a);
	close(fd);
	if (rc == 0 && out != NULL) {
		*out = h.m;
		h.m = NULL;
	}
	dupg__pkg_head_clear(&h);
	return rc;
}

int dupg__pkg_verify_stream(archive_read_callback *rd, void *ctx, const char *path)
{
	struct dupg__pkg_head h;
	struct archive *a = NULL, *rest = NULL;
	int rc = dupg__pkg_reader_new_cb(&a, rd, ctx, path);

	if (rc != 0)
		return rc;
	rc = dupg__pkg_find_manifest_in(&h, a, &rest, path, 0);
	if (rc == 0 && rest == NULL) {
		/* the entries before the manifest would need a second pass */
		rc = 1;
	} else if (rc == 0 && (archive_format(rest) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_TAR) {
		/*
		 * A zip read from a stream is read by its local headers, from a
		 * file by its central directory, and the two may disagree: only
		 * the file's reading counts.
		 */
		archive_read_free(rest);
		rc = 1;
	} else if (rc == 0) {
		rc = verify_entries(&h, rest, -1, path, 0, NULL);
	}
	dupg__pkg_head_clear(&h);
	return rc;
}

int dupg_package_verify(dupg_manifest **out, const char *path)
{
	return verify(out, path, NULL, 1, "dupg_package_verify");
}

int dupg_package_verify_ext(dupg_manifest **out, const char *path, const dupg_verify_options *opts)
{
	static const dupg_verify_options defaults = DUPG_VERIFY_OPTIONS_INIT;

	return verify(out, path, opts != NULL ? opts : &defaults, 1, "dupg_package_verify_ext");
}

int dupg_package_read_manifest_ext(dupg_manifest **out, const char *path,
				   const dupg_verify_options *opts)
{
	static const dupg_verify_options defaults = DUPG_VERIFY_OPTIONS_INIT;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_package_read_manifest_ext: out is NULL");
	return verify(out, path, opts != NULL ? opts : &defaults, 0, "dupg_package_read_manifest_ext");
}
