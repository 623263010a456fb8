/*
 * Private to libdupg: what the package files share (io/package_hash.c,
 * package_read.c, package_verify.c, package_build.c).
 */
#ifndef DUPG_PACKAGE_INTERNAL_H
#define DUPG_PACKAGE_INTERNAL_H

#include "internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <xxhash.h>

/* What one read() or libarchive block moves at a time. */
#define DUPG__IO_BUF_BYTES (64 * 1024)
#define DUPG__MANIFEST_NAME "manifest.json"

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
/* XXH3-128 of a regular file; a file that is not regular is refused with nonreg_code. */
DUPG_HIDDEN int dupg__pkg_hash_file(unsigned char out[16], uint64_t *size_out, const char *path,
				    int nonreg_code);

/* ---- package_read.c: opening archives, finding the manifest --------------- */

/* Record libarchive's reason, "PATH: WHAT: reason", while the handle is still alive. */
DUPG_HIDDEN int dupg__pkg_archive_fail(int code, struct archive *a, const char *path,
				       const char *what);
/* Open a read handle on fd with the formats and filters a package may use. */
DUPG_HIDDEN int dupg__pkg_reader_new(struct archive **out, int fd, const char *path);
/* Entry name without the leading "./" that `tar -C dir .` writes; NULL when unreadable. */
DUPG_HIDDEN const char *dupg__pkg_entry_name(struct archive_entry *e);
/* "manifest.json", also spelled "manifest.json/" when someone made it a directory. */
DUPG_HIDDEN int dupg__pkg_is_manifest(const char *name);
/*
 * Find manifest.json at the root and parse it; stops right after it. When
 * rest is not NULL and the manifest is the first entry, *rest receives the
 * handle, positioned at the next entry; otherwise *rest is NULL.
 */
DUPG_HIDDEN int dupg__pkg_find_manifest(dupg_manifest **out, struct archive **rest, int fd,
					const char *path);
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
/* Open a package file; an empty file is named as such rather than "unrecognized". */
DUPG_HIDDEN int dupg__pkg_open(int *fd, const char *path);

#endif
