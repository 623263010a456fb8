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
 * The worked example's master store in dir: packages pkg1..pkg6 (1: A,B;
 * 2: C,D,E; 3: A; 4: B; 5: A; 6: B,C; with extra_hw_on_1 non-NULL, package 1
 * also fits that type), the list file "list" naming pkg1..pkg4 and the list
 * file "new" naming pkg5 and pkg6. Package i has version "i".
 */
void fx_worked_store(const char *dir, const char *extra_hw_on_1);

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
