/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-bench: benchmarks of libdupg's matching and pruning core, each run
 * against the seed's literal method (naive) and a limit reference.
 *
 * Every benchmark prints one JSON object per line and size. Shared here:
 * options, timing, a seeded generator, the per-size child process, JSON
 * fields and a small open-addressing string table used by the references.
 */
#ifndef DUPG_BENCH_H
#define DUPG_BENCH_H

#include "config.h"

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Seed of every generator: the figures are reproducible. */
#define BENCH_SEED 0x5eedd09bULL

struct bench_opts {
	const char *name;
	int have_size;
	uint64_t size;
	int have_packages;
	uint64_t packages;
	const char *variant;  /* NULL: every variant of the benchmark */
	int check;            /* smoke mode: tiny sizes, full naive, compare */
	int fork;             /* run each size in a fresh child (per-size peak RSS) */
	const char *cache;    /* directory for packages built once */
	double naive_budget;  /* seconds of naive work per size before sampling */
	double min_time;      /* seconds spent repeating one measurement */
};

/* One benchmark: runs its sizes, returns 0 or 1 (failure or mismatch). */
int bench_match(const struct bench_opts *o);
int bench_prune(const struct bench_opts *o);
int bench_merge(const struct bench_opts *o);
int bench_vercmp(const struct bench_opts *o);
int bench_verify(const struct bench_opts *o);
int bench_txn(const struct bench_opts *o);

/* --- allocations (alloc.c: the program's malloc, calloc and realloc count their calls) --- */

/* 0 when the counts are not available (under AddressSanitizer) */
int bench_alloc_available(void);
/* Count from now on... */
void bench_alloc_start(void);
/* ...until now: the number of malloc, calloc and realloc calls in between. */
size_t bench_alloc_stop(void);

/* --- running one size ------------------------------------------------------ */

/*
 * Run fn(o, arg, line) in a child process (unless o->fork is 0). fn fills the
 * JSON object `line` and returns 0, or 1 on a failure or a mismatch;
 * peak_rss_kb is added and the line printed when fn returns. The return is
 * fn's (or 1 when the child died).
 */
typedef int (*bench_size_fn)(const struct bench_opts *o, const void *arg, json_object *line);
int bench_in_child(const struct bench_opts *o, bench_size_fn fn, const void *arg);

/* --- timing ---------------------------------------------------------------- */

/* Monotonic clock in nanoseconds. */
uint64_t bench_now_ns(void);

/* One timed function; after(arg), when not NULL, runs untimed after each run (to free a result). */
struct bench_fn {
	void (*run)(void *arg);
	void (*after)(void *arg);
};

/*
 * Time n functions on the same data, taking turns so that a disturbance from
 * the other programs on this shared machine hits them alike: at least
 * min_reps turns, more until o->min_time seconds are spent or max_reps turns
 * are done (one turn in smoke mode). best[i] receives function i's fastest
 * run in nanoseconds: the figure least disturbed.
 */
void bench_turns(const struct bench_opts *o, const struct bench_fn *fns, size_t n, void *arg,
		 int min_reps, int max_reps, double *best);

/* --- seeded generator (the utility layer's splitmix64) ------------------------ */

uint64_t rng_next(uint64_t *state);
/* uniform in [0, n) */
uint32_t rng_below(uint64_t *state, uint32_t n);

/* --- JSON fields ------------------------------------------------------------- */

/* The first fields of every line: "bench", "variant" (when not NULL), "size". */
void bench_head(json_object *line, const char *bench, const char *variant, uint64_t size);
void jput_int(json_object *o, const char *key, int64_t v);
/* a number with 4 significant digits; NaN becomes null */
void jput_num(json_object *o, const char *key, double v);
void jput_str(json_object *o, const char *key, const char *v);
void jput_bool(json_object *o, const char *key, int v);
void jput_null(json_object *o, const char *key);

/*
 * The common figures: ns_per_item, naive_ns_per_item, limit_ns_per_item and
 * the two ratios (naive / optimized, optimized / limit). NaN means "does not
 * apply" and becomes null.
 */
void bench_put_figures(json_object *o, uint64_t items, double ns, double naive_ns,
		       double limit_ns);
/* "target": text, "target_met": met (a negative met writes null: not evaluated here) */
void bench_put_target(json_object *o, const char *text, int met);

/*
 * --- open-addressing string table (the limit references' "plain hash table") --
 * Not the library's string map on purpose: a limit reference must not be the
 * code it measures.
 */

struct strtab_slot {
	const char *key;
	uint64_t hash;
	long value;
};

struct strtab {
	struct strtab_slot *slots;
	size_t mask;
};

/* capacity: the number of keys that will be put (the table is sized for half load) */
int strtab_init(struct strtab *t, size_t capacity);
void strtab_free(struct strtab *t);
void strtab_put(struct strtab *t, const char *key, long value);

uint64_t bench_hash(const char *key);

/* value of key, or -1 */
static inline long strtab_get(const struct strtab *t, const char *key)
{
	uint64_t h = bench_hash(key);
	size_t i = (size_t)h & t->mask;

	for (;; i = (i + 1) & t->mask) {
		const struct strtab_slot *s = &t->slots[i];
		if (s->key == NULL)
			return -1;
		if (s->hash == h && strcmp(s->key, key) == 0)
			return s->value;
	}
}

/* --- files ------------------------------------------------------------------- */

/* snprintf into a path buffer; 0, or 1 (message printed) when it does not fit */
int bench_pathf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* mkdir -p; 0 or -1 (message printed) */
int bench_mkdirs(const char *path);
/* a fresh scratch directory under $TMPDIR (caller frees), or NULL */
char *bench_scratch(void);
/* rm -rf of a scratch directory */
void bench_rmrf(const char *path);
/* copy a file; 0 or -1 (message printed) */
int bench_copy(const char *from, const char *to);
/* write a whole file; 0 or -1 (message printed) */
int bench_write(const char *path, const char *data, size_t len);
/* replace a file the crash-safe way: temporary file, fsync, rename, fsync of the directory */
int bench_write_atomic(const char *path, const char *data, size_t len);
/* fsync a directory; 0 or -1 (message printed) */
int bench_fsync_dir(const char *dir);
/* 1 when path exists */
int bench_exists(const char *path);

/* Print "dupg-bench: ..." on stderr; returns 1 so failures read `return bench_fail(...)`. */
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Report a failed libdupg call: its error text and code; returns 1. */
int bench_lib_fail(const char *what, int rc);

/* A plain dpkg comparison (epoch, upstream, revision), written independently of libdupg: the cross-check of vercmp. */
int bench_ref_vercmp(const char *a, const char *b);

#endif
