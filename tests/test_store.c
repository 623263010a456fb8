/* SPDX-License-Identifier: BSD-2-Clause */
/* The package store on disk: applying a prune crash-safely, and recovering after a crash anywhere. */
#include "fixture.h"

#include <json-c/json.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Records the steps of an apply and stops at the stop_at-th one (1-based; 0 never). */
struct steps {
	int stop_at;
	int calls;
	dupg_apply_step seen[64];
};

/*
 * What dupg_apply_step_path() said at each call of on_step ("" for NULL),
 * and how often it named a file at a step other than a delete.
 */
static char step_paths[64][256];
static int step_path_misplaced;

static int on_step(dupg_apply_step step, void *payload)
{
	struct steps *s = payload;
	const char *path = dupg_apply_step_path();

	if (step != DUPG_STEP_DELETE && path != NULL)
		step_path_misplaced++;
	if (s->calls < 64) {
		s->seen[s->calls] = step;
		snprintf(step_paths[s->calls], sizeof(step_paths[0]), "%s", path != NULL ? path : "");
	}
	s->calls++;
	return s->calls == s->stop_at;
}

static const dupg_apply_options nofsync = { DUPG_APPLY_OPTIONS_VERSION, 1, NULL, NULL, 0 };

/* Open dir/list, load dir/new and prune; apply with opts, or only compute when opts is NULL. */
static int run_prune(const char *dir, const dupg_prune_options *po, const dupg_apply_options *opts,
		     dupg_prune **out)
{
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	int rc;

	rc = dupg_store_open(&s, fx_path(dir, "list"));
	if (rc == 0)
		rc = dupg_pathlist_load(&down, fx_path(dir, "new"));
	if (rc == 0 && opts != NULL)
		rc = dupg_store_prune(out, s, down, po, opts);
	else if (rc == 0 && out != NULL)
		rc = dupg_prune_compute(out, dupg_store_list(s), down, po);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	return rc;
}

/* The store of a shared case (tests/data/cases) in dir; the case for its expectations. */
static json_object *case_store(const char *dir, const char *name)
{
	json_object *c = fx_case(name);

	fx_case_store(dir, c);
	return c;
}

/* The case's worked example store, when a test needs only its files. */
static void worked_store(const char *dir)
{
	json_object_put(case_store(dir, "worked"));
}

static void expect_file(const char *path, const char *content)
{
	char *got = fx_read(path);

	if (content == NULL) {
		CU_ASSERT_PTR_NULL(got);
	} else {
		CU_ASSERT_PTR_NOT_NULL_FATAL(got);
		if (strcmp(got, content) != 0)
			fprintf(stderr, "%s holds \"%s\", want \"%s\"\n", path, got, content);
		CU_ASSERT_STRING_EQUAL(got, content);
	}
	free(got);
}

/*
 * The store in dir is as the case says at path: "list" and "rollback" are
 * LIST and LIST.rollback, the "deleted" packages are gone and every package
 * of the list is there.
 */
static void expect_case_store(const char *dir, json_object *c, const char *path)
{
	char key[128], *text;
	json_object *arr;
	size_t i;

	snprintf(key, sizeof(key), "%s.list", path);
	text = fx_case_text(c, key);
	expect_file(fx_path(dir, "list"), text);
	free(text);
	snprintf(key, sizeof(key), "%s.rollback", path);
	text = fx_case_text(c, key);
	expect_file(fx_path(dir, "list.rollback"), text);
	free(text);
	snprintf(key, sizeof(key), "%s.deleted", path);
	arr = fx_case_get(c, key);
	for (i = 0; i < json_object_array_length(arr); i++)
		CU_ASSERT(!fx_exists(fx_path(dir, json_object_get_string(json_object_array_get_idx(arr, i)))));
	snprintf(key, sizeof(key), "%s.list", path);
	arr = fx_case_get(c, key);
	for (i = 0; i < json_object_array_length(arr); i++)
		CU_ASSERT(fx_exists(fx_path(dir, json_object_get_string(json_object_array_get_idx(arr, i)))));
}

static void test_worked_example_applied(void)
{
	char *dir = fx_tmpdir(), *snap;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	struct steps st = { 0, 0, { 0 } };
	static const dupg_apply_step want[] = {
		DUPG_STEP_JOURNAL_TEMP, DUPG_STEP_JOURNAL, DUPG_STEP_ROLLBACK_TEMP, DUPG_STEP_ROLLBACK,
		DUPG_STEP_LIST_TEMP, DUPG_STEP_LIST, DUPG_STEP_DELETE, DUPG_STEP_DONE,
	};
	dupg_recover_report r;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	dupg_prune *p = NULL;
	const dupg_pathlist *l;
	json_object *c;
	char *json = NULL;
	int i;

	c = case_store(dir, "worked");
	opts.step_cb = on_step;
	opts.payload = &st;
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(&p, s, down, NULL, &opts), 0);
	CU_ASSERT_EQUAL(dupg_prune_to_json(&json, p), 0);
	fx_case_expect(c, "expect.prune", json);
	dupg_free(json);
	expect_case_store(dir, c, "expect.applied");
	CU_ASSERT(!fx_exists(fx_path(dir, "list.journal")));
	snap = fx_snapshot(dir);
	CU_ASSERT_PTR_NULL(strstr(snap, ".tmp."));
	free(snap);
	CU_ASSERT_EQUAL(st.calls, 8);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(st.seen[i], want[i]);
	/* the delete step names its file, as LIST named it; no other step names one */
	CU_ASSERT_STRING_EQUAL(step_paths[6], "pkg1");
	CU_ASSERT_EQUAL(step_path_misplaced, 0);
	CU_ASSERT_PTR_NULL(dupg_apply_step_path());
	/* the result and the handle's list */
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_DELETABLE), 1);
	CU_ASSERT_STRING_EQUAL(dupg_prune_path(p, DUPG_LIST_DELETABLE, 0), "pkg1");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_LATEST), "A"), "pkg5");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK), "B"), "pkg4");
	l = dupg_store_list(s);
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 5);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 0), "pkg2");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 4), "pkg6");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 4), fx_path(dir, "pkg6"));
	CU_ASSERT_STRING_EQUAL(dupg_store_list_file(s), fx_path(dir, "list"));
	dupg_prune_free(p);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	/* the store reopens as the third list and has nothing to recover */
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 5);
	dupg_store_free(s);
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
	CU_ASSERT_EQUAL(r.temps_removed, 0);
	CU_ASSERT_EQUAL(r.files_deleted, 0);
	json_object_put(c);
	fx_rmrf(dir);
	free(dir);
}

static void test_worked_example_extra_type_applied(void)
{
	char *dir = fx_tmpdir();
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_prune *p = NULL;
	json_object *c = case_store(dir, "worked-h");
	char *json = NULL;

	opts.no_fsync = 1;
	CU_ASSERT_EQUAL_FATAL(run_prune(dir, NULL, &opts, &p), 0);
	CU_ASSERT_EQUAL(dupg_prune_to_json(&json, p), 0);
	fx_case_expect(c, "expect.prune", json);
	dupg_free(json);
	expect_case_store(dir, c, "expect.applied");
	CU_ASSERT(!fx_exists(fx_path(dir, "list.journal")));
	dupg_prune_free(p);
	json_object_put(c);
	fx_rmrf(dir);
	free(dir);
}

static void test_compute_only(void)
{
	char *dir = fx_tmpdir(), *before, *after;
	dupg_prune_options po = DUPG_PRUNE_OPTIONS_INIT;
	dupg_prune *p = NULL;

	worked_store(dir);
	before = fx_snapshot(dir);
	CU_ASSERT_EQUAL_FATAL(run_prune(dir, &po, NULL, &p), 0);
	CU_ASSERT_STRING_EQUAL(dupg_prune_path(p, DUPG_LIST_DELETABLE, 0), "pkg1");
	dupg_prune_free(p);
	/* NULL options: the minimal rule */
	CU_ASSERT_EQUAL(run_prune(dir, NULL, NULL, &p), 0);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_THIRD), 5);
	dupg_prune_free(p);
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	fx_rmrf(dir);
	free(dir);
}

static void test_keep_latest_applied(void)
{
	char *dir = fx_tmpdir();
	dupg_prune_options po = DUPG_PRUNE_OPTIONS_INIT;
	dupg_prune *p = NULL;

	fx_pkg(dir, "a1", "1", "A");
	fx_pkg(dir, "a2", "2", "A");
	fx_pkg(dir, "a3", "3", "A");
	fx_pkg(dir, "a4", "4", "A");
	fx_pkg(dir, "a5", "5", "A");
	fx_write(fx_path(dir, "list"), "a1\na2\na3\na4\n");
	fx_write(fx_path(dir, "new"), "a5\n");
	po.policy = DUPG_PRUNE_KEEP_LATEST;
	po.keep = 2;
	CU_ASSERT_EQUAL_FATAL(run_prune(dir, &po, &nofsync, &p), 0);
	/* a4 and a5 are the 2 latest; a4 is also the rollback package */
	expect_file(fx_path(dir, "list"), "a4\na5\n");
	expect_file(fx_path(dir, "list.rollback"), "a4\n");
	CU_ASSERT(!fx_exists(fx_path(dir, "a1")));
	CU_ASSERT(!fx_exists(fx_path(dir, "a2")));
	CU_ASSERT(!fx_exists(fx_path(dir, "a3")));
	dupg_prune_free(p);
	fx_rmrf(dir);
	free(dir);
}

/* Downloaded packages named by a list in another directory are written absolute. */
static void test_download_elsewhere(void)
{
	char *dir = fx_tmpdir(), real[PATH_MAX], want[3 * PATH_MAX];
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(fx_path(dir, "in"), 0755), 0);
	fx_pkg(fx_path(dir, "in"), "pkg7", "7", "Z");
	fx_write(fx_path(dir, "in/new"), "pkg7\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(dir, real));
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "in/new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(NULL, s, down, NULL, &opts), 0);
	snprintf(want, sizeof(want), "pkg1\npkg2\npkg3\npkg4\n%s/in/pkg7\n", real);
	expect_file(fx_path(dir, "list"), want);
	expect_file(fx_path(dir, "list.rollback"), "pkg1\npkg2\npkg3\npkg4\n");
	/* the handle keeps the path as its list wrote it */
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(dupg_store_list(s), 4), "pkg7");
	dupg_pathlist_free(down);
	dupg_store_free(s);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	snprintf(want, sizeof(want), "%s/in/pkg7", real);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(dupg_store_list(s), 4), want);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

static void test_bad_input(void)
{
	char *dir = fx_tmpdir(), *before, *after;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_prune_options po = DUPG_PRUNE_OPTIONS_INIT;
	dupg_store *s = (dupg_store *)&opts;
	dupg_pathlist *down = NULL;
	dupg_prune *p = (dupg_prune *)&opts;

	worked_store(dir);
	fx_write(fx_path(dir, "junk"), "not a package at all");
	fx_write(fx_path(dir, "dup"), "pkg1\npkg2\npkg1\n");
	fx_write(fx_path(dir, "missing"), "pkg1\npkg9\n");
	fx_write(fx_path(dir, "bad"), "pkg1\njunk\n");
	fx_write(fx_path(dir, "again"), "pkg5\npkg3\n");
	before = fx_snapshot(dir);

	fx_expect_error(dupg_store_open(&s, fx_path(dir, "dup")), DUPG_EEXISTS, "dup:3: pkg1: listed twice", NULL);
	CU_ASSERT_PTR_NULL(s);
	fx_expect_error(dupg_store_open(&s, fx_path(dir, "missing")), DUPG_ENOTFOUND, "missing:2: pkg9", NULL);
	CU_ASSERT(dupg_store_open(&s, fx_path(dir, "bad")) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "bad:2: "));
	fx_expect_error(dupg_store_open(&s, fx_path(dir, "nolist")), DUPG_ENOTFOUND, "nolist", NULL);
	fx_expect_error(dupg_store_open(&s, dir), DUPG_EIO, dir, NULL);
	fx_expect_error(dupg_store_open(&s, NULL), DUPG_EINVAL, "dupg_store_open", NULL);
	fx_expect_error(dupg_store_open(NULL, fx_path(dir, "list")), DUPG_EINVAL, "dupg_store_open", NULL);

	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	/* the downloaded list is bad: it never loads, so nothing is applied */
	fx_expect_error(dupg_pathlist_load(&down, fx_path(dir, "dup")), DUPG_EEXISTS, "dup:3", NULL);
	fx_expect_error(dupg_pathlist_load(&down, fx_path(dir, "missing")), DUPG_ENOTFOUND, "missing:2: pkg9", NULL);
	/* a downloaded package already stored */
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "again")), 0);
	fx_expect_error(dupg_store_prune(&p, s, down, NULL, &opts), DUPG_EEXISTS, "pkg3", NULL);
	CU_ASSERT_PTR_NULL(p);
	dupg_pathlist_free(down);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	/* bad options */
	po.policy = DUPG_PRUNE_KEEP_LATEST;
	po.keep = 1;
	fx_expect_error(dupg_store_prune(&p, s, down, &po, &opts), DUPG_EINVAL, "at least 2", NULL);
	po.version = 42;
	fx_expect_error(dupg_store_prune(&p, s, down, &po, &opts), DUPG_EINVAL, "version", NULL);
	opts.version = 42;
	fx_expect_error(dupg_store_prune(&p, s, down, NULL, &opts), DUPG_EINVAL, "version", NULL);
	fx_expect_error(dupg_store_prune(&p, NULL, down, NULL, &opts), DUPG_EINVAL, "dupg_store_prune", NULL);
	fx_expect_error(dupg_store_prune(&p, s, NULL, NULL, &opts), DUPG_EINVAL, "dupg_store_prune", NULL);
	/* the handle's list is untouched by the failures */
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 4);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	CU_ASSERT_PTR_NULL(dupg_store_list(NULL));
	CU_ASSERT_PTR_NULL(dupg_store_list_file(NULL));
	dupg_store_free(NULL);
	fx_rmrf(dir);
	free(dir);
}

/* A pending journal: the store refuses to open and to apply until recovered. */
static void test_pending_journal(void)
{
	char *dir = fx_tmpdir(), *before, *after;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *s = NULL, *s2 = NULL;
	dupg_pathlist *down = NULL;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	fx_write(fx_path(dir, "list.journal"), "{}");
	before = fx_snapshot(dir);
	fx_expect_error(dupg_store_open(&s2, fx_path(dir, "list")), DUPG_EPENDING, "recover", NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "list.journal"));
	fx_expect_error(dupg_store_prune(NULL, s, down, NULL, &opts), DUPG_EPENDING, "recover", NULL);
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/* ---- crash at every step, then recover ---- */

/*
 * An apply to crash: a prune of dir/new, or a rollback. For a rollback,
 * "third" and "fourth" are the lists it leaves (the rollback list, twice)
 * and "deletable" the packages it removes.
 */
struct scenario {
	const char *name;
	void (*build)(const char *dir);
	int rollback;
	const char *old_list, *old_rollback; /* old_rollback NULL: absent */
	const char *third, *fourth;
	const char *deletable[4];
	int steps; /* callbacks of a whole apply */
};

static void build_worked(const char *dir)
{
	worked_store(dir);
}

/* Two target types, two deletables, and a rollback list from an earlier apply. */
static void build_two(const char *dir)
{
	fx_pkg(dir, "a1", "1", "A");
	fx_pkg(dir, "b1", "1", "B");
	fx_pkg(dir, "a2", "2", "A");
	fx_pkg(dir, "b2", "2", "B");
	fx_pkg(dir, "a3", "3", "A");
	fx_pkg(dir, "b3", "3", "B");
	fx_write(fx_path(dir, "list"), "a1\nb1\na2\nb2\n");
	fx_write(fx_path(dir, "list.rollback"), "a1\nb1\n");
	fx_write(fx_path(dir, "new"), "a3\nb3\n");
}

/* The same stores after their prune was applied: what a rollback starts from. */
static void build_worked_applied(const char *dir)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;

	build_worked(dir);
	opts.no_fsync = 1;
	CU_ASSERT_EQUAL_FATAL(run_prune(dir, NULL, &opts, NULL), 0);
}

static void build_two_applied(const char *dir)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;

	build_two(dir);
	opts.no_fsync = 1;
	CU_ASSERT_EQUAL_FATAL(run_prune(dir, NULL, &opts, NULL), 0);
}

static const struct scenario scenarios[] = {
	{ "worked example", build_worked, 0, "pkg1\npkg2\npkg3\npkg4\n", NULL,
	  "pkg2\npkg3\npkg4\npkg5\npkg6\n", "pkg2\npkg3\npkg4\n", { "pkg1", NULL }, 8 },
	{ "two deletables", build_two, 0, "a1\nb1\na2\nb2\n", "a1\nb1\n", "a2\nb2\na3\nb3\n",
	  "a2\nb2\n", { "a1", "b1", NULL }, 9 },
	{ "worked example rolled back", build_worked_applied, 1, "pkg2\npkg3\npkg4\npkg5\npkg6\n",
	  "pkg2\npkg3\npkg4\n", "pkg2\npkg3\npkg4\n", "pkg2\npkg3\npkg4\n", { "pkg5", "pkg6", NULL }, 9 },
	{ "two deletables rolled back", build_two_applied, 1, "a2\nb2\na3\nb3\n", "a2\nb2\n",
	  "a2\nb2\n", "a2\nb2\n", { "a3", "b3", NULL }, 9 },
};

/* Open dir/list and roll it back. */
static int run_rollback(const char *dir, const dupg_apply_options *opts)
{
	dupg_store *s = NULL;
	int rc;

	rc = dupg_store_open(&s, fx_path(dir, "list"));
	if (rc == 0)
		rc = dupg_store_rollback(NULL, NULL, s, opts);
	dupg_store_free(s);
	return rc;
}

static int run_scenario(const struct scenario *sc, const char *dir, dupg_apply_options *opts)
{
	return sc->rollback ? run_rollback(dir, opts) : run_prune(dir, NULL, opts, NULL);
}

/* Every path a list file names exists. */
static void expect_listed_exist(const char *dir, const char *list)
{
	char **paths = NULL;
	size_t n = 0, i;

	if (!fx_exists(fx_path(dir, list)))
		return;
	CU_ASSERT_EQUAL_FATAL(dupg_listfile_read(&paths, &n, fx_path(dir, list)), 0);
	for (i = 0; i < n; i++) {
		if (!fx_exists(fx_path(dir, paths[i])))
			fprintf(stderr, "%s names missing %s\n", list, paths[i]);
		CU_ASSERT(fx_exists(fx_path(dir, paths[i])));
	}
	dupg_free(paths);
}

/* A consistent store: the apply is either undone or finished, nothing else. */
static int expect_consistent(const char *dir, const struct scenario *sc)
{
	char *list = fx_read(fx_path(dir, "list")), *snap = fx_snapshot(dir);
	int finished = 0;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(list);
	CU_ASSERT(!fx_exists(fx_path(dir, "list.journal")));
	CU_ASSERT_PTR_NULL(strstr(snap, ".tmp."));
	expect_listed_exist(dir, "list");
	expect_listed_exist(dir, "list.rollback");
	if (strcmp(list, sc->third) == 0) {
		finished = 1;
		expect_file(fx_path(dir, "list.rollback"), sc->fourth);
		for (i = 0; sc->deletable[i] != NULL; i++)
			CU_ASSERT(!fx_exists(fx_path(dir, sc->deletable[i])));
	} else {
		CU_ASSERT_STRING_EQUAL(list, sc->old_list);
		expect_file(fx_path(dir, "list.rollback"), sc->old_rollback);
		expect_listed_exist(dir, "new");
		for (i = 0; sc->deletable[i] != NULL; i++)
			CU_ASSERT(fx_exists(fx_path(dir, sc->deletable[i])));
	}
	free(list);
	free(snap);
	return finished;
}

static size_t ndeletable(const struct scenario *sc)
{
	size_t n = 0;

	while (sc->deletable[n] != NULL)
		n++;
	return n;
}

static void crash_at(const struct scenario *sc, int stop_at)
{
	char *dir = fx_tmpdir(), *snap1, *snap2;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	struct steps st = { stop_at, 0, { 0 } };
	dupg_recover_report r, r2;
	dupg_apply_step step;
	dupg_store *s = NULL;
	int rc, finished;

	sc->build(dir);
	opts.step_cb = on_step;
	opts.payload = &st;
	rc = run_scenario(sc, dir, &opts);
	CU_ASSERT_EQUAL(rc, DUPG_EABORTED);
	CU_ASSERT_EQUAL(st.calls, stop_at);
	step = st.seen[stop_at - 1];
	/* between the journal and its removal, the store will not open */
	if (step >= DUPG_STEP_JOURNAL && step < DUPG_STEP_DONE)
		CU_ASSERT_EQUAL(dupg_store_open(&s, fx_path(dir, "list")), DUPG_EPENDING);
	CU_ASSERT_EQUAL_FATAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	finished = expect_consistent(dir, sc);
	/* what recovery did follows from where the apply stopped */
	switch (step) {
	case DUPG_STEP_JOURNAL_TEMP:
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
		CU_ASSERT_EQUAL(r.temps_removed, 1);
		CU_ASSERT(!finished);
		break;
	case DUPG_STEP_JOURNAL:
	case DUPG_STEP_ROLLBACK:
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_UNDONE);
		CU_ASSERT_EQUAL(r.temps_removed, 0);
		CU_ASSERT(!finished);
		break;
	case DUPG_STEP_ROLLBACK_TEMP:
	case DUPG_STEP_LIST_TEMP:
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_UNDONE);
		CU_ASSERT_EQUAL(r.temps_removed, 1);
		CU_ASSERT(!finished);
		break;
	case DUPG_STEP_LIST:
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_FINISHED);
		CU_ASSERT_EQUAL(r.files_deleted, ndeletable(sc));
		CU_ASSERT(finished);
		break;
	case DUPG_STEP_DELETE:
		/* stopped after the k-th deletion: the rest are recovery's */
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_FINISHED);
		CU_ASSERT_EQUAL(r.files_deleted, ndeletable(sc) - (size_t)(stop_at - 6));
		CU_ASSERT(finished);
		break;
	case DUPG_STEP_DONE:
		CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
		CU_ASSERT(finished);
		break;
	}
	/* a second recovery finds nothing to do and changes nothing */
	snap1 = fx_snapshot(dir);
	CU_ASSERT_EQUAL(dupg_store_recover(&r2, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r2.action, DUPG_RECOVER_CLEAN);
	CU_ASSERT_EQUAL(r2.temps_removed, 0);
	CU_ASSERT_EQUAL(r2.files_deleted, 0);
	snap2 = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(snap1, snap2);
	free(snap1);
	free(snap2);
	/* and the store opens again, every listed package in place */
	CU_ASSERT_EQUAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

static void test_crash_every_step(void)
{
	size_t i;
	int k;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		/* a full run counts the steps the crashes will stop at */
		char *dir = fx_tmpdir();
		dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
		struct steps st = { 0, 0, { 0 } };
		scenarios[i].build(dir);
		opts.step_cb = on_step;
		opts.payload = &st;
		CU_ASSERT_EQUAL(run_scenario(&scenarios[i], dir, &opts), 0);
		CU_ASSERT_EQUAL(st.calls, scenarios[i].steps);
		CU_ASSERT_EQUAL(expect_consistent(dir, &scenarios[i]), 1);
		fx_rmrf(dir);
		free(dir);
		for (k = 1; k <= scenarios[i].steps; k++)
			crash_at(&scenarios[i], k);
	}
}

/*
 * A recovery itself interrupted: its work is redone by the next one. Forward,
 * after the commit point with one deletion done by the crashed recovery;
 * backward, with the rollback list already put back.
 */
static void test_recover_interrupted(void)
{
	const struct scenario *sc = &scenarios[1];
	char *dir = fx_tmpdir();
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	struct steps st = { 6, 0, { 0 } };
	dupg_recover_report r;

	sc->build(dir);
	opts.step_cb = on_step;
	opts.payload = &st;
	CU_ASSERT_EQUAL(run_prune(dir, NULL, &opts, NULL), DUPG_EABORTED);
	CU_ASSERT_EQUAL(st.seen[5], DUPG_STEP_LIST);
	CU_ASSERT_EQUAL(unlink(fx_path(dir, "a1")), 0);
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_FINISHED);
	CU_ASSERT_EQUAL(r.files_deleted, 1);
	CU_ASSERT_EQUAL(expect_consistent(dir, sc), 1);
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), &nofsync), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
	fx_rmrf(dir);
	free(dir);

	dir = fx_tmpdir();
	sc->build(dir);
	st.stop_at = 4;
	st.calls = 0;
	CU_ASSERT_EQUAL(run_prune(dir, NULL, &opts, NULL), DUPG_EABORTED);
	CU_ASSERT_EQUAL(st.seen[3], DUPG_STEP_ROLLBACK);
	fx_write(fx_path(dir, "list.rollback"), sc->old_rollback);
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_UNDONE);
	CU_ASSERT_EQUAL(expect_consistent(dir, sc), 0);
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
	fx_rmrf(dir);
	free(dir);
}

static void test_recover_temps(void)
{
	char *dir = fx_tmpdir();
	dupg_recover_report r;

	worked_store(dir);
	fx_write(fx_path(dir, "list.tmp.Ab12cD"), "partial");
	fx_write(fx_path(dir, "list.rollback.tmp.zzzzzz"), "partial");
	fx_write(fx_path(dir, "list.journal.tmp.000000"), "{");
	/* not ours: wrong length, other characters, other lists */
	fx_write(fx_path(dir, "list.tmp.Ab12c"), "keep");
	fx_write(fx_path(dir, "list.tmp.Ab12cDE"), "keep");
	fx_write(fx_path(dir, "list.tmp.Ab-2cD"), "keep");
	fx_write(fx_path(dir, "other.tmp.Ab12cD"), "keep");
	fx_write(fx_path(dir, "new.tmp.Ab12cD"), "keep");
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
	CU_ASSERT_EQUAL(r.temps_removed, 3);
	CU_ASSERT(!fx_exists(fx_path(dir, "list.tmp.Ab12cD")));
	CU_ASSERT(!fx_exists(fx_path(dir, "list.rollback.tmp.zzzzzz")));
	CU_ASSERT(!fx_exists(fx_path(dir, "list.journal.tmp.000000")));
	CU_ASSERT(fx_exists(fx_path(dir, "list.tmp.Ab12c")));
	CU_ASSERT(fx_exists(fx_path(dir, "list.tmp.Ab12cDE")));
	CU_ASSERT(fx_exists(fx_path(dir, "list.tmp.Ab-2cD")));
	CU_ASSERT(fx_exists(fx_path(dir, "other.tmp.Ab12cD")));
	CU_ASSERT(fx_exists(fx_path(dir, "new.tmp.Ab12cD")));
	/* a NULL report is fine */
	CU_ASSERT_EQUAL(dupg_store_recover(NULL, fx_path(dir, "list"), &nofsync), 0);
	fx_rmrf(dir);
	free(dir);
}

static void test_recover_bad_journal(void)
{
	static const char *journals[] = {
		"{\"format\": 1, \"third\": ",
		"[1, 2]",
		"{\"format\": 2, \"third\": \"\", \"fourth\": \"\", \"deletable\": [], "
		"\"rollback_previous\": null, \"list_previous\": \"\"}",
		"{\"format\": 1, \"fourth\": \"\", \"deletable\": [], "
		"\"rollback_previous\": null, \"list_previous\": \"\"}",
		"{\"format\": 1, \"third\": 3, \"fourth\": \"\", \"deletable\": [], "
		"\"rollback_previous\": null, \"list_previous\": \"\"}",
		"{\"format\": 1, \"third\": \"\", \"fourth\": \"\", \"deletable\": {}, "
		"\"rollback_previous\": null, \"list_previous\": \"\"}",
		"{\"format\": 1, \"third\": \"\", \"fourth\": \"\", \"deletable\": [\"\"], "
		"\"rollback_previous\": null, \"list_previous\": \"\"}",
		"{\"format\": 1, \"third\": \"\", \"fourth\": \"\", \"deletable\": [], "
		"\"rollback_previous\": 5, \"list_previous\": \"\"}",
		"{\"format\": 1, \"third\": \"\", \"fourth\": \"\", \"deletable\": [], "
		"\"rollback_previous\": null}",
	};
	char *dir = fx_tmpdir(), *before, *after;
	dupg_recover_report r;
	size_t i;

	worked_store(dir);
	for (i = 0; i < sizeof(journals) / sizeof(journals[0]); i++) {
		fx_write(fx_path(dir, "list.journal"), journals[i]);
		before = fx_snapshot(dir);
		fx_expect_error(dupg_store_recover(&r, fx_path(dir, "list"), NULL), DUPG_EFORMAT, "list.journal", NULL);
		after = fx_snapshot(dir);
		CU_ASSERT_STRING_EQUAL(before, after);
		free(before);
		free(after);
	}
	/* a well-formed journal whose third list LIST does not hold: undone */
	fx_write(fx_path(dir, "list.journal"),
		 "{\"format\": 1, \"third\": \"pkg2\\n\", \"fourth\": \"pkg2\\n\", \"deletable\": [\"pkg1\"], "
		 "\"rollback_previous\": null, \"list_previous\": \"pkg1\\npkg2\\npkg3\\npkg4\\n\"}");
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_UNDONE);
	CU_ASSERT(fx_exists(fx_path(dir, "pkg1")));
	CU_ASSERT(!fx_exists(fx_path(dir, "list.journal")));
	/* missing list, bad arguments */
	fx_expect_error(dupg_store_recover(&r, fx_path(dir, "nolist"), NULL), DUPG_ENOTFOUND, "nolist", NULL);
	fx_expect_error(dupg_store_recover(&r, NULL, NULL), DUPG_EINVAL, "dupg_store_recover", NULL);
	fx_rmrf(dir);
	free(dir);
}

/* ---- rolling back ---- */

/* Each of the packages named is in dir (present != 0) or gone from it. */
/* No journal and no temporary file in dir. */
static void expect_settled(const char *dir)
{
	char *snap = fx_snapshot(dir);

	CU_ASSERT(!fx_exists(fx_path(dir, "list.journal")));
	CU_ASSERT_PTR_NULL(strstr(snap, ".tmp."));
	free(snap);
}

static void test_worked_example_rolled_back(void)
{
	static const dupg_apply_step want[] = {
		DUPG_STEP_JOURNAL_TEMP, DUPG_STEP_JOURNAL, DUPG_STEP_ROLLBACK_TEMP, DUPG_STEP_ROLLBACK,
		DUPG_STEP_LIST_TEMP, DUPG_STEP_LIST, DUPG_STEP_DELETE, DUPG_STEP_DELETE, DUPG_STEP_DONE,
	};
	static const char *const types[] = { "A", "B", "C", "D", "E" };
	static const char *const rollback_config[] = { "pkg3", "pkg4", "pkg2", "pkg2", "pkg2" };
	char *dir = fx_tmpdir(), *snap1, *snap2;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	struct steps st = { 0, 0, { 0 } };
	dupg_recover_report r;
	dupg_config *c = NULL;
	dupg_store *s = NULL;
	const dupg_pathlist *l;
	char **deleted = NULL;
	size_t ndeleted = 0;
	json_object *cs = fx_case("worked"), *want_deleted;
	int i;

	build_worked_applied(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	opts.step_cb = on_step;
	opts.payload = &st;
	CU_ASSERT_EQUAL_FATAL(dupg_store_rollback(&deleted, &ndeleted, s, &opts), 0);
	/* the failed download, as LIST named it, NULL-terminated */
	want_deleted = fx_case_get(cs, "expect.rolled_back.deleted");
	CU_ASSERT_EQUAL_FATAL(ndeleted, json_object_array_length(want_deleted));
	for (i = 0; i < (int)ndeleted; i++)
		CU_ASSERT_STRING_EQUAL(deleted[i], json_object_get_string(
						   json_object_array_get_idx(want_deleted, (size_t)i)));
	CU_ASSERT_PTR_NULL(deleted[ndeleted]);
	dupg_free(deleted);
	expect_case_store(dir, cs, "expect.rolled_back");
	/* and what the prune had deleted before stays deleted */
	CU_ASSERT(!fx_exists(fx_path(dir, "pkg1")));
	expect_settled(dir);
	CU_ASSERT_EQUAL(st.calls, 9);
	for (i = 0; i < 9; i++)
		CU_ASSERT_EQUAL(st.seen[i], want[i]);
	/* each delete step names its file: the deleted ones, in order */
	CU_ASSERT_EQUAL(json_object_array_length(want_deleted), 2);
	for (i = 0; i < 2; i++)
		CU_ASSERT_STRING_EQUAL(step_paths[6 + i], json_object_get_string(
						   json_object_array_get_idx(want_deleted, (size_t)i)));
	CU_ASSERT_EQUAL(step_path_misplaced, 0);
	/* the handle's list is the new LIST, and describes the rollback configuration */
	l = dupg_store_list(s);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_count(l), 3);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 0), "pkg2");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 2), "pkg4");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 2), fx_path(dir, "pkg4"));
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c, l), 0);
	CU_ASSERT_EQUAL(dupg_config_count(c), 5);
	for (i = 0; i < 5; i++)
		CU_ASSERT_STRING_EQUAL(dupg_config_get(c, types[i]), rollback_config[i]);
	dupg_config_free(c);
	/* again: the same lists, nothing deleted (no DELETE step) */
	snap1 = fx_snapshot(dir);
	st.calls = 0;
	ndeleted = 99;
	CU_ASSERT_EQUAL(dupg_store_rollback(&deleted, &ndeleted, s, &opts), 0);
	CU_ASSERT_EQUAL(ndeleted, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(deleted);
	CU_ASSERT_PTR_NULL(deleted[0]);
	dupg_free(deleted);
	CU_ASSERT_EQUAL(st.calls, 7);
	CU_ASSERT_EQUAL(st.seen[6], DUPG_STEP_DONE);
	snap2 = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(snap1, snap2);
	free(snap1);
	free(snap2);
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 3);
	dupg_store_free(s);
	/* NULL options: the defaults */
	CU_ASSERT_EQUAL(run_rollback(dir, NULL), 0);
	expect_file(fx_path(dir, "list"), "pkg2\npkg3\npkg4\n");
	CU_ASSERT_EQUAL(dupg_store_recover(&r, fx_path(dir, "list"), NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_CLEAN);
	CU_ASSERT_EQUAL(r.temps_removed, 0);
	json_object_put(cs);
	fx_rmrf(dir);
	free(dir);
}

/*
 * After a rollback the same download can be pruned again, with the result of
 * the first time. Without the rollback the store still lists the download
 * and the retry is refused: the problem dupg_store_rollback(NULL, NULL, ) solves.
 */
static void test_retry_after_rollback(void)
{
	static const char *const types[] = { "A", "B", "C", "D", "E" };
	char *dir = fx_tmpdir();
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;
	dupg_prune *first = NULL, *again = NULL;
	size_t i;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(&first, s, down, NULL, &opts), 0);
	fx_expect_error(dupg_store_prune(&again, s, down, NULL, &opts), DUPG_EEXISTS, "pkg5", NULL);
	CU_ASSERT_PTR_NULL(again);
	dupg_pathlist_free(down);
	down = NULL;
	/* the site rolled back; the master then downloads the same packages again */
	CU_ASSERT_EQUAL_FATAL(dupg_store_rollback(NULL, NULL, s, &opts), 0);
	CU_ASSERT(!fx_exists(fx_path(dir, "pkg5")));
	fx_pkg(dir, "pkg5", "5", "A");
	fx_pkg(dir, "pkg6", "6", "B,C");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(&again, s, down, NULL, &opts), 0);
	expect_file(fx_path(dir, "list"), "pkg2\npkg3\npkg4\npkg5\npkg6\n");
	expect_file(fx_path(dir, "list.rollback"), "pkg2\npkg3\npkg4\n");
	expect_settled(dir);
	/* package 1 went the first time; nothing is left to delete */
	CU_ASSERT_EQUAL(dupg_prune_count(again, DUPG_LIST_DELETABLE), 0);
	CU_ASSERT_EQUAL(dupg_prune_count(again, DUPG_LIST_THIRD), 5);
	CU_ASSERT_EQUAL(dupg_prune_count(again, DUPG_LIST_FOURTH), 3);
	for (i = 0; i < 5; i++) {
		CU_ASSERT_STRING_EQUAL(dupg_prune_path(again, DUPG_LIST_THIRD, i),
				       dupg_prune_path(first, DUPG_LIST_THIRD, i));
		CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(again, DUPG_CONFIG_LATEST), types[i]),
				       dupg_config_get(dupg_prune_config(first, DUPG_CONFIG_LATEST), types[i]));
		CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(again, DUPG_CONFIG_ROLLBACK), types[i]),
				       dupg_config_get(dupg_prune_config(first, DUPG_CONFIG_ROLLBACK), types[i]));
	}
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(again, DUPG_CONFIG_LATEST), "A"), "pkg5");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(again, DUPG_CONFIG_ROLLBACK), "A"), "pkg3");
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 5);
	dupg_prune_free(first);
	dupg_prune_free(again);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

/* A rollback package spelled otherwise in LIST.rollback is the same file: it stays. */
static void test_rollback_other_spelling(void)
{
	char *dir = fx_tmpdir();

	build_worked_applied(dir);
	fx_write(fx_path(dir, "list.rollback"), "./pkg2\npkg3\n\npkg4");
	CU_ASSERT_EQUAL_FATAL(run_rollback(dir, NULL), 0);
	expect_file(fx_path(dir, "list"), "./pkg2\npkg3\npkg4\n");
	expect_file(fx_path(dir, "list.rollback"), "./pkg2\npkg3\npkg4\n");
	CU_ASSERT(fx_exists(fx_path(dir, "pkg2")));
	CU_ASSERT(!fx_exists(fx_path(dir, "pkg5")));
	CU_ASSERT(!fx_exists(fx_path(dir, "pkg6")));
	expect_settled(dir);
	fx_rmrf(dir);
	free(dir);
}

/* A download stored outside the store's directory is named absolute in LIST, and removed there. */
static void test_rollback_download_elsewhere(void)
{
	char *dir = fx_tmpdir();
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *s = NULL;
	dupg_pathlist *down = NULL;

	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(fx_path(dir, "in"), 0755), 0);
	fx_pkg(fx_path(dir, "in"), "pkg7", "7", "A");
	fx_write(fx_path(dir, "in/new"), "pkg7\n");
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&down, fx_path(dir, "in/new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(NULL, s, down, NULL, &opts), 0);
	/* pkg3 (A) is the rollback package, pkg1 goes */
	expect_file(fx_path(dir, "list.rollback"), "pkg2\npkg3\npkg4\n");
	CU_ASSERT(fx_exists(fx_path(dir, "in/pkg7")));
	CU_ASSERT_EQUAL(dupg_store_rollback(NULL, NULL, s, &opts), 0);
	expect_file(fx_path(dir, "list"), "pkg2\npkg3\npkg4\n");
	CU_ASSERT(!fx_exists(fx_path(dir, "in/pkg7")));
	CU_ASSERT(fx_exists(fx_path(dir, "pkg5")));
	expect_settled(dir);
	dupg_pathlist_free(down);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

static void test_rollback_bad_input(void)
{
	char *dir = fx_tmpdir(), *before, *after;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *s = NULL;

	/* a store that was never pruned has no rollback list */
	worked_store(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	before = fx_snapshot(dir);
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_ENOTFOUND, "list.rollback", "nothing to roll back to");
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);

	/* the rest on a pruned store; each failure leaves the disk and the handle as they were */
	dir = fx_tmpdir();
	build_worked_applied(dir);
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&s, fx_path(dir, "list")), 0);
	fx_write(fx_path(dir, "list.rollback"), "pkg2\npkg9\n");
	before = fx_snapshot(dir);
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_ENOTFOUND, "list.rollback:2: pkg9", NULL);
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	fx_write(fx_path(dir, "list.rollback"), "pkg2\npkg3\npkg2\n");
	before = fx_snapshot(dir);
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_EEXISTS, "list.rollback:3: pkg2", NULL);
	fx_write(fx_path(dir, "list.rollback"), "pkg2\n pkg3\n");
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_EFORMAT, "list.rollback:2", NULL);
	fx_write(fx_path(dir, "list.rollback"), "pkg2\npkg3\npkg2\n");
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	fx_write(fx_path(dir, "list.rollback"), "pkg2\npkg3\npkg4\n");
	fx_write(fx_path(dir, "list.journal"), "{}");
	before = fx_snapshot(dir);
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_EPENDING, "recover", "list.journal");
	opts.version = 42;
	fx_expect_error(dupg_store_rollback(NULL, NULL, s, &opts), DUPG_EINVAL, "version", NULL);
	{
		char **deleted = (char **)1;
		size_t ndeleted = 7;
		fx_expect_error(dupg_store_rollback(&deleted, &ndeleted, NULL, &opts), DUPG_EINVAL,
				"dupg_store_rollback", NULL);
		CU_ASSERT_PTR_NULL(deleted);
		CU_ASSERT_EQUAL(ndeleted, 0);
	}
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	CU_ASSERT_EQUAL(dupg_pathlist_count(dupg_store_list(s)), 5);
	CU_ASSERT(fx_exists(fx_path(dir, "pkg5")));
	dupg_store_free(s);
	fx_rmrf(dir);
	free(dir);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "worked example applied", test_worked_example_applied },
		{ "worked example, package 1 also fits H, applied", test_worked_example_extra_type_applied },
		{ "compute only changes nothing", test_compute_only },
		{ "keep latest applied", test_keep_latest_applied },
		{ "download from another directory", test_download_elsewhere },
		{ "bad input leaves the store unchanged", test_bad_input },
		{ "pending journal", test_pending_journal },
		{ "worked example applied, then rolled back", test_worked_example_rolled_back },
		{ "retry after a rollback", test_retry_after_rollback },
		{ "rollback keeps a package spelled otherwise", test_rollback_other_spelling },
		{ "rollback removes a download stored elsewhere", test_rollback_download_elsewhere },
		{ "rollback: bad input leaves the store unchanged", test_rollback_bad_input },
		{ "crash at every step, then recover", test_crash_every_step },
		{ "interrupted recovery", test_recover_interrupted },
		{ "recover removes only our temporary files", test_recover_temps },
		{ "recover: malformed journals", test_recover_bad_journal },
		CU_TEST_INFO_NULL,
	};
	return fx_run("store", tests);
}
