/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixtures of the CUnit suites: scratch directories, files, packages. */
#ifndef DUPG_TEST_FIXTURE_H
#define DUPG_TEST_FIXTURE_H

#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>

#include "dupg.h"

/* A fresh scratch directory under $TMPDIR (or /tmp); caller frees the string. */
char *fx_tmpdir(void);
/* Remove a directory tree (scratch directories only). */
void fx_rmrf(const char *path);
/* dir + "/" + name in a static rotating buffer (8 slots): for test code only. */
const char *fx_path(const char *dir, const char *name);
/* Write data to path (created or truncated); CU_FAIL on error. */
void fx_write(const char *path, const char *data);
/* Whole file contents (malloc'd, NUL-terminated), or NULL when it cannot be read. */
char *fx_read(const char *path);
/* 1 when path exists. */
int fx_exists(const char *path);
/*
 * A snapshot of every file under dir (names, sizes and contents hashed), as a
 * malloc'd string: compare two snapshots to assert "nothing on disk changed".
 */
char *fx_snapshot(const char *dir);

/*
 * Build package file dir/name with the given version and comma-separated
 * hardware types, holding one payload file "bin/<name>" with a few bytes
 * derived from the name. Returns the path (static rotating buffer).
 */
const char *fx_pkg(const char *dir, const char *name, const char *version, const char *hw_csv);

/*
 * The shared test cases of tests/data/cases (README there), e.g. "worked",
 * the seed's worked example: the case's JSON, which the caller releases with
 * json_object_put(). Fatal when it cannot be read.
 */
struct json_object;
struct json_object *fx_case(const char *name);
/* The value at a dotted path ("expect.applied.list"); fatal when missing. Borrowed. */
struct json_object *fx_case_get(struct json_object *c, const char *path);
/* The array of names at path as a list file's text, one per line (malloc'd). */
char *fx_case_text(struct json_object *c, const char *path);
/*
 * The case's master store in dir: a package file for every package of
 * "store" and "download", the list file "list" naming "store" and the list
 * file "new" naming "download".
 */
void fx_case_store(const char *dir, struct json_object *c);
/* The case's "store" or "download" as a path list (names and hardware types, no files). */
dupg_pathlist *fx_case_list(struct json_object *c, const char *key);
/* The case's site as a checked topology. */
dupg_topology *fx_case_topology(struct json_object *c);
/* The case's "server" packages as a package set, paths being the package names. */
dupg_pkgset *fx_case_pkgset(struct json_object *c);
/* The {"TYPE": "package"} object at path as a configuration. */
dupg_config *fx_case_config(struct json_object *c, const char *path);
/* Assert that json (what a dupg_*_to_json gave) is the case's value at path, key order included. */
void fx_case_expect(struct json_object *c, const char *path, const char *json);

/* Add a device to a topology (parent NULL for the master); fatal on failure. */
void fx_device(dupg_topology *t, const char *id, const char *hw, const char *version,
	       const char *parent);

/*
 * Big checked sites for the scale tests; device i of the topology is the
 * i-th added. fx_site_wide: "BBU" (hardware A, version "1", duration 60 s),
 * then one HUB (B) per 100 devices in cascades of four below the BBU, then
 * RRUs (D) behind the HUBs in turn: n devices in all (n >= 2).
 * fx_site_cascade: n devices of type B, each behind the one added before it
 * ("D0" the master, depth n - 1 at the end).
 */
dupg_topology *fx_site_wide(size_t n);
dupg_topology *fx_site_cascade(size_t n);

/*
 * A uniform-enough number in [0, n) from a caller-held splitmix64 state: tests
 * draw their random cases from a fixed seed so that a failure reproduces.
 */
uint32_t fx_rand(uint64_t *state, uint32_t n);

/*
 * How much slower than a plain build this run is, for the time bounds of the
 * hostile-input tests: $DUPG_TEST_SLOWDOWN when set, 40 under valgrind
 * (its preloaded library is in LD_PRELOAD), else 1.
 */
double fx_slowdown(void);

/*
 * Assert a failure: rc and dupg_error_last_code() are want, and the message
 * holds needle and needle2 (either may be NULL), printing the message if not.
 */
void fx_expect_error(int rc, int want, const char *needle, const char *needle2);

/*
 * Walk the bad manifest cases of tests/data/manifests (README there): for each
 * NAME.json, call fn with its file name ("NAME.json"), its text, the code that
 * NAME.expect names (1 when the name is not a known code) and the message
 * substring it gives. Returns how many cases ran.
 */
size_t fx_manifest_cases(void (*fn)(const char *name, const char *json, int code,
				    const char *needle, void *payload),
			 void *payload);

/*
 * Register one suite and run it with the basic interface; returns the exit
 * status for main() (0 when every test passed). Runs fx_tmpdir cleanup.
 */
int fx_run(const char *suite, CU_TestInfo *tests);

#endif
