/* Private to libdupg: error recording and small helpers shared by the modules. */
#ifndef DUPG_INTERNAL_H
#define DUPG_INTERNAL_H

#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "dupg.h"

#if defined(__GNUC__)
#define DUPG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define DUPG_HIDDEN __attribute__((visibility("hidden")))
#else
#define DUPG_PRINTF(f, a)
#define DUPG_HIDDEN
#endif

/*
 * Record the detail of an error for dupg_error_last() and return code, so a
 * failure site reads `return dupg__error(DUPG_EFORMAT, "%s: ...", file);`.
 */
DUPG_HIDDEN int dupg__error(int code, const char *fmt, ...) DUPG_PRINTF(2, 3);
/* The same, appending ": strerror(errnum)". */
DUPG_HIDDEN int dupg__error_errno(int code, int errnum, const char *fmt, ...) DUPG_PRINTF(3, 4);
/* Out of memory: records a fixed message without allocating. */
DUPG_HIDDEN int dupg__error_nomem(void);

/*
 * Names of an enum's values, indexed by value (RAUC keeps a to-string and a
 * from-string beside every state enum; so do we).
 * dupg__name_of: names[value], or "unknown" when value is out of range.
 * dupg__name_parse: *out = the index of name; else DUPG_EINVAL with a
 * message "WHAT: unknown NAME (one of: a, b, c)".
 */
DUPG_HIDDEN const char *dupg__name_of(const char *const *names, size_t n, int value);
DUPG_HIDDEN int dupg__name_parse(int *out, const char *const *names, size_t n, const char *name,
				 const char *what);
#define DUPG__COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Put "PREFIX: " in front of the calling thread's current error message and
 * return code (the current code when code is 0), so that a caller adds its
 * context to what a callee said: `return dupg__error_prefix(rc, "%s", file);`.
 */
DUPG_HIDDEN int dupg__error_prefix(int code, const char *fmt, ...) DUPG_PRINTF(2, 3);

/* The calling thread's error, kept across calls that may record their own (libgit2's save/restore). */
#define DUPG__ERRMSG_MAX 1024
typedef struct {
	int code;
	char msg[DUPG__ERRMSG_MAX];
} dupg__error_saved;
DUPG_HIDDEN void dupg__error_save(dupg__error_saved *saved);
/* Record the saved error again; returns its code. */
DUPG_HIDDEN int dupg__error_restore(const dupg__error_saved *saved);

/* strdup that treats NULL as NULL. */
DUPG_HIDDEN char *dupg__strdup(const char *s);

/* Grow *arr (of elem-sized items, capacity *cap) to hold at least need items. 0 or DUPG_ENOMEM. */
DUPG_HIDDEN int dupg__grow(void **arr, size_t *cap, size_t need, size_t elem);

/*
 * Growable string buffer, used by the JSON writers and the list writer.
 * On allocation failure the buffer latches `failed` and later appends are
 * no-ops, so callers check once at the end.
 */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
	int failed;
} dupg_buf;

DUPG_HIDDEN void dupg__buf_put(dupg_buf *b, const char *s, size_t n);
DUPG_HIDDEN void dupg__buf_puts(dupg_buf *b, const char *s);
DUPG_HIDDEN void dupg__buf_printf(dupg_buf *b, const char *fmt, ...) DUPG_PRINTF(2, 3);
/* Hand the NUL-terminated contents to *out (0) or free them (DUPG_ENOMEM). */
DUPG_HIDDEN int dupg__buf_finish(dupg_buf *b, char **out);

/*
 * String map: string -> dense id (0, 1, 2... in insertion order), open
 * addressing, hashed with XXH3-64. Keys are copied into an arena owned by the
 * map, so a returned key lives as long as the map. Used for interning
 * hardware types, paths and device ids.
 */
typedef struct dupg_strmap dupg_strmap;

DUPG_HIDDEN int dupg__strmap_new(dupg_strmap **out);
DUPG_HIDDEN void dupg__strmap_free(dupg_strmap *m);
/* id of key, or DUPG_NONE when absent */
DUPG_HIDDEN size_t dupg__strmap_find(const dupg_strmap *m, const char *key);
/* Insert key if absent. *id receives its id; *added is 1 when it was new. 0 or DUPG_ENOMEM. */
DUPG_HIDDEN int dupg__strmap_intern(dupg_strmap *m, const char *key, size_t *id, int *added);
/*
 * The hash every string map uses. A caller that keeps it beside a key can
 * look the key up in any map (or intern it) without hashing it again.
 */
DUPG_HIDDEN uint64_t dupg__strmap_hash(const char *key);
/* dupg__strmap_find and dupg__strmap_intern, hash being dupg__strmap_hash(key) */
DUPG_HIDDEN size_t dupg__strmap_find_hash(const dupg_strmap *m, const char *key, uint64_t hash);
DUPG_HIDDEN int dupg__strmap_intern_hash(dupg_strmap *m, const char *key, uint64_t hash,
					 size_t *id, int *added);
/* Start fetching where a key of that hash would be looked up: a hint, for large maps. */
DUPG_HIDDEN void dupg__strmap_prefetch(const dupg_strmap *m, uint64_t hash);
DUPG_HIDDEN size_t dupg__strmap_count(const dupg_strmap *m);
/* the key of id, owned by the map */
DUPG_HIDDEN const char *dupg__strmap_key(const dupg_strmap *m, size_t id);

/* File-system helpers (fsutil.c). */

/* Directory part of path ("." when none); caller frees. NULL on ENOMEM. */
DUPG_HIDDEN char *dupg__dirname(const char *path);
/* dir + "/" + rel, or rel itself when it is absolute or dir is "."; caller frees. */
DUPG_HIDDEN char *dupg__path_join(const char *dir, const char *rel);
/* fsync a directory. 0 or DUPG_EIO (message names dir). */
DUPG_HIDDEN int dupg__fsync_dir(const char *dir);
/*
 * Replace path atomically with data: mkstemp "path.tmp.XXXXXX" in the same
 * directory, write, fsync, rename over path, fsync the directory. With
 * stop_before_rename non-NULL, *stop_before_rename is called after the fsync
 * and before the rename; if it returns non-zero the temporary file is left in
 * place (a simulated crash) and DUPG_EABORTED is returned.
 */
DUPG_HIDDEN int dupg__write_atomic(const char *path, const char *data, size_t len, int no_fsync,
				   int (*stop_before_rename)(void *), void *payload);
/* Read a whole file, up to max bytes (DUPG_EFORMAT beyond). *out is NUL-terminated; caller frees. */
DUPG_HIDDEN int dupg__read_file(char **out, size_t *len, const char *path, size_t max);

#endif
