/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libdupg: what the package files share (io/package_hash.c,
 * package_read.c, package_verify.c, package_build.c).
 */
#ifndef DUPG_PACKAGE_INTERNAL_H
#define DUPG_PACKAGE_INTERNAL_H

#include "internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <xxhash.h>

/* What one read() or libarchive block moves at a time. */
#define DUPG__IO_BUF_BYTES (64 * 1024)
#define DUPG__MANIFEST_NAME "manifest.json"
#define DUPG__SIG_NAME "manifest.sig"

/* ---- package_hash.c: XXH3-128 of files and streams ----------------------- */

/*
 * Open path read-only and make sure it is a regular file; a non-regular file
 * is refused with code. O_NONBLOCK keeps a FIFO from blocking the open.
 */
DUPG_HIDDEN int dupg__pkg_open_regular(int *fd_out, struct stat *st, const char *path, int code);
/* Feed len bytes to an XXH3-128 state (through the dispatching variant when libxxhash has it). */
DUPG_HIDDEN void dupg__pkg_hash_update(XXH3_state_t *st, const void *data, size_t len);
/* The canonical (big-endian) 16-byte digest of a state. */
DUPG_HIDDEN void dupg__pkg_hash_digest(unsigned char out[16], XXH3_state_t *st);
/*
 * XXH3-128 of a regular file, and its SHA-256 when sha256_out is not NULL; a
 * file that is not regular is refused with nonreg_code.
 */
DUPG_HIDDEN int dupg__pkg_hash_file(unsigned char out[16], unsigned char *sha256_out,
				    uint64_t *size_out, const char *path, int nonreg_code);
/* dupg__pkg_hash_file(), calling on_read(bytes, ctx) after each read; its non-zero result stops it. */
DUPG_HIDDEN int dupg__pkg_hash_file_cb(unsigned char out[16], unsigned char *sha256_out,
				       uint64_t *size_out, const char *path, int nonreg_code,
				       int (*on_read)(size_t n, void *ctx), void *ctx);
/* SHA-256 through EVP: a started context (NULL when out of memory), restart, feed, finish. */
DUPG_HIDDEN EVP_MD_CTX *dupg__sha256_new(void);
DUPG_HIDDEN int dupg__sha256_reset(EVP_MD_CTX *c);
DUPG_HIDDEN void dupg__sha256_update(EVP_MD_CTX *c, const void *data, size_t len);
DUPG_HIDDEN int dupg__sha256_final(unsigned char out[32], EVP_MD_CTX *c);
/* SHA-256 of a buffer. */
DUPG_HIDDEN int dupg__sha256(unsigned char out[32], const void *data, size_t len);

/* ---- package_read.c: opening archives, finding the manifest --------------- */

/* Record libarchive's reason, "PATH: WHAT: reason", while the handle is still alive. */
DUPG_HIDDEN int dupg__pkg_archive_fail(int code, struct archive *a, const char *path,
				       const char *what);
/* Open a read handle on fd with the formats and filters a package may use. */
DUPG_HIDDEN int dupg__pkg_reader_new(struct archive **out, int fd, const char *path);
/* The same, the bytes coming from rd(ctx) in order, without seeking. */
DUPG_HIDDEN int dupg__pkg_reader_new_cb(struct archive **out, archive_read_callback *rd, void *ctx,
					const char *path);
/* Entry name without the leading "./" that `tar -C dir .` writes; NULL when unreadable. */
DUPG_HIDDEN const char *dupg__pkg_entry_name(struct archive_entry *e);
/* "manifest.json", also spelled "manifest.json/" when someone made it a directory. */
DUPG_HIDDEN int dupg__pkg_is_manifest(const char *name);
/* What the manifest-first read finds at the head of a package. */
struct dupg__pkg_head {
	dupg_manifest *m;       /* the parsed manifest */
	char *json;             /* manifest.json's bytes, exactly as in the archive */
	size_t json_len;
	char *sig;              /* manifest.sig's bytes when it follows the manifest, else NULL */
	size_t sig_len;
	/*
	 * With a handle handed back: the entry read after the manifest when it
	 * is not manifest.sig (not yet looked at), else NULL.
	 */
	struct archive_entry *pending;
	size_t entries;         /* entries read through the handle handed back */
};
/* Free what a head holds (not the archive handle) and zero it. */
DUPG_HIDDEN void dupg__pkg_head_clear(struct dupg__pkg_head *h);
/*
 * Find manifest.json at the root and parse it; stops right after it, or
 * after manifest.sig right behind it when want_sig. When rest is not NULL
 * and the manifest is the first entry, *rest receives the handle,
 * positioned after what was read (h->pending tells an entry read and not
 * yet handled); otherwise *rest is NULL. h is filled; clear it with
 * dupg__pkg_head_clear() on success and failure alike.
 */
DUPG_HIDDEN int dupg__pkg_find_manifest(struct dupg__pkg_head *h, struct archive **rest, int fd,
					const char *path, int want_sig);
/* The same on a handle already open, which it takes (handed back in *rest or freed). */
DUPG_HIDDEN int dupg__pkg_find_manifest_in(struct dupg__pkg_head *h, struct archive *a,
					   struct archive **rest, const char *path, int want_sig);
/*
 * Pass over the data of the current entry, which is not hashed: when the
 * archive is compressed or a zip, by
 * reading it, each byte added to *used, failing with code once *used passes
 * max, so that a small file never inflates unbounded (libarchive's own skip
 * would decompress all of it at once). Otherwise libarchive's skip seeks:
 * the file's size bounds it. what says the limit in the message.
 */
DUPG_HIDDEN int dupg__pkg_skip_data(struct archive *a, const char *path, const char *name,
				    uint64_t *used, uint64_t max, int code, const char *what);
/*
 * A zip member is read only when stored or deflated (package.h): any other
 * compression method libarchive names for the entry just read is refused
 * with DUPG_EUNSUPPORTED, naming the package, the member and the method.
 * 0 for every tar entry.
 */
DUPG_HIDDEN int dupg__pkg_check_method(struct archive *a, struct archive_entry *e, const char *path);
/* Open a package file; an empty file is named as such rather than "unrecognized". */
DUPG_HIDDEN int dupg__pkg_open(int *fd, const char *path);

/* ---- package_verify.c ----------------------------------------------------- */

/*
 * What dupg_package_verify() checks, in one pass over the bytes rd(ctx)
 * gives, path naming them: 0 when verified, 1 when a tar with the manifest
 * first is not what they hold (a zip, a manifest further in), so that only
 * the file can tell, else the failure.
 */
DUPG_HIDDEN int dupg__pkg_verify_stream(archive_read_callback *rd, void *ctx, const char *path);

#endif
