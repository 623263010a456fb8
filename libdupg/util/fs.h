/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File-system helpers. Every one records a message naming the file (and the
 * cause from errno) and returns 0 or a dupg_err code.
 */
#ifndef DUPG_UTIL_FS_H
#define DUPG_UTIL_FS_H

#include "util/common.h"

/* fsync a directory. 0 or DUPG_EIO. */
DUPG_HIDDEN int dupg__fs_fsync_dir(const char *dir);
/*
 * The one atomic writer. A file being replaced is first written to a
 * temporary "PATH.tmp.XXXXXX" beside its final name (dupg__fs_atomic_open:
 * a missing directory is DUPG_ENOTFOUND); commit makes it 0644, fsyncs it,
 * renames it over PATH and fsyncs the directory; abort removes it. On any
 * failure of commit the temporary file is removed and PATH is untouched.
 * With stop_before_rename non-NULL, it is called after the fsync and before
 * the rename; if it returns non-zero the temporary file is left in place (a
 * simulated crash) and DUPG_EABORTED is returned.
 */
typedef struct {
	const char *path;  /* borrowed */
	char *tmp;
	int fd;            /* the temporary file, open for writing */
	unsigned int mode; /* 0 (as open sets it): 0644, or a replaced file's; else always this */
} dupg__atomic;
DUPG_HIDDEN int dupg__fs_atomic_open(dupg__atomic *w, const char *path);
DUPG_HIDDEN int dupg__fs_atomic_commit(dupg__atomic *w, int no_fsync,
				       int (*stop_before_rename)(void *), void *payload);
DUPG_HIDDEN void dupg__fs_atomic_abort(dupg__atomic *w);
/*
 * The same for data in memory: replace path with data by mkstemp
 * "path.tmp.XXXXXX" in the same directory, write, fsync, rename over path,
 * fsync the directory, stop_before_rename as above.
 */
DUPG_HIDDEN int dupg__fs_write_atomic(const char *path, const char *data, size_t len,
				      int no_fsync, int (*stop_before_rename)(void *),
				      void *payload);
/*
 * Read a whole regular file, up to max bytes (DUPG_EFORMAT beyond, with no
 * more than max + 1 bytes ever held). *out is NUL-terminated; caller frees.
 * DUPG_ENOTFOUND when it does not exist, DUPG_EIO for a FIFO, a device, a
 * directory or anything else that is not a regular file (never blocks).
 */
DUPG_HIDDEN int dupg__fs_read(char **out, size_t *len, const char *path, size_t max);
/* Write a whole file, created or truncated (not atomic: scratch files only). */
DUPG_HIDDEN int dupg__fs_write(const char *path, const void *data, size_t len);
/* mkdir -p. */
DUPG_HIDDEN int dupg__fs_mkdirs(const char *path);
/* rm -rf of a scratch tree (a missing one is fine). */
DUPG_HIDDEN int dupg__fs_rmtree(const char *path);
/* A fresh directory PREFIX-XXXXXX under $TMPDIR (or /tmp); caller frees. NULL on failure. */
DUPG_HIDDEN char *dupg__fs_scratch(const char *prefix);
/* Size of a file, or -1 when it cannot be stat'ed. */
DUPG_HIDDEN int64_t dupg__fs_size(const char *path);
/* 1 when path exists (stat succeeds), else 0. */
DUPG_HIDDEN int dupg__fs_exists(const char *path);
/*
 * Copy src to dst (created exclusively), at most limit bytes (UINT64_MAX for
 * all); *copied receives the bytes written. Fsyncs dst unless no_fsync.
 */
DUPG_HIDDEN int dupg__fs_copy(const char *src, const char *dst, uint64_t limit, int no_fsync,
			      uint64_t *copied);
/* Hard-link src to dst, copying when the file system refuses links. */
DUPG_HIDDEN int dupg__fs_link_or_copy(const char *src, const char *dst, int no_fsync);

#endif
