/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * util.c: the simulator's small helpers: its error buffer, memory, files, a
 * seeded PRNG, a string map. Declarations only, so that replacing util.c with
 * a shared utility layer touches this file and util.c alone.
 */
#ifndef DUPG_SIM_UTIL_H
#define DUPG_SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"

#if defined(__GNUC__)
#define SIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIM_PRINTF(f, a)
#endif

/*
 * The simulator is one single-threaded program: the detail of its last error
 * lives in one buffer, printed once by the command that gave up.
 */
int sim_error(int code, const char *fmt, ...) SIM_PRINTF(2, 3);
/* Prefix the library's last error with context: "CONTEXT: <dupg_error_last()>". */
int sim_error_lib(int code, const char *fmt, ...) SIM_PRINTF(2, 3);
const char *sim_errmsg(void);

char *sim_strdup(const char *s);
char *sim_printf(const char *fmt, ...) SIM_PRINTF(1, 2);
/* Grow *arr to hold need items of elem bytes; 0 or DUPG_ENOMEM. */
int sim_grow(void *arr, size_t *cap, size_t need, size_t elem);

/* mkdir -p. 0 or DUPG_EIO naming the path. */
int sim_mkdirs(const char *path);
/* rm -rf of a scratch tree; 0 or DUPG_EIO. */
int sim_rmtree(const char *path);
/* Size of a file, or -1 when it cannot be stat'ed. */
int64_t sim_file_size(const char *path);
/*
 * Copy src to dst (created exclusively), at most limit bytes (UINT64_MAX for
 * all); *copied receives the bytes written. Fsyncs dst unless no_fsync.
 */
int sim_copy_file(const char *src, const char *dst, uint64_t limit, int no_fsync,
		  uint64_t *copied);
/* Hard-link src to dst, copying when the file system refuses links. */
int sim_link_file(const char *src, const char *dst, int no_fsync);
/* Write a whole file (created or truncated). */
int sim_write_file(const char *path, const void *data, size_t len);
/* Read and parse a JSON file of at most max bytes; errors name the file. */
struct json_object;
int sim_json_load(struct json_object **out, const char *file, size_t max);

/* splitmix64: small, fast, and the same on every platform (never rand()). */
uint64_t sim_rng_next(uint64_t *state);
/* Uniform in [0, 1). */
double sim_rng_unit(uint64_t *state);
/* Uniform in [0, n) (n > 0). */
uint64_t sim_rng_below(uint64_t *state, uint64_t n);
/* A seed for stream `stream` derived from `seed`, so streams never overlap. */
uint64_t sim_rng_derive(uint64_t seed, uint64_t stream);
/* 64-bit hash of a string (XXH3). */
uint64_t sim_hash_str(const char *s);

/* String -> index map, open addressing over XXH3 (keys copied). */
typedef struct sim_map sim_map;
int sim_map_new(sim_map **out);
void sim_map_free(sim_map *m);
/* Value of key, or -1. */
long sim_map_get(const sim_map *m, const char *key);
/* Insert or replace. 0 or DUPG_ENOMEM. */
int sim_map_put(sim_map *m, const char *key, size_t value);
size_t sim_map_count(const sim_map *m);

#endif
