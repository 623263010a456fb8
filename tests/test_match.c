/* SPDX-License-Identifier: BSD-2-Clause */
/* The indexed package set and site matching, checked against a naive scan. */
#include "fixture.h"

#include <json-c/json.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add(dupg_pkgset *set, const char *path, const char *version, const char *hw1,
		const char *hw2)
{
	const char *hw[2] = { hw1, hw2 };

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_add(set, path, version, hw, hw2 != NULL ? 2 : 1), 0);
}

static dupg_sysvd *site(const dupg_device_vd *devs, size_t n)
{
	dupg_sysvd *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, n), 0);
	return s;
}

static const dupg_device_vd worked[] = {
	{ "BBU1", "A", "3", 0 }, { "HUB1", "B", "4", 0 }, { "HUB2", "C", "2", 0 },
	{ "HUB3", "B", "4", 0 }, { "RRU1", "D", "2", 0 }, { "RRU2", "E", "2", 0 },
	{ "RRU3", "D", "2", 0 }, { "RRU4", "E", "2", 0 },
};

static dupg_pkgset *worked_set(void)
{
	dupg_pkgset *set = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	add(set, "/srv/pkgs/pkg5.tar.gz", "5", "A", NULL);
	add(set, "/srv/pkgs/pkg6.tar.gz", "6", "B", "C");
	add(set, "/srv/pkgs/pkgF.tar.gz", "3", "F", NULL);
	add(set, "/srv/pkgs/pkgG.tar.gz", "7", "G", NULL);
	return set;
}

/* The shared case: the site's merged description and its task. */
static void test_worked_case(void)
{
	json_object *c = fx_case("worked");
	dupg_topology *t = fx_case_topology(c);
	dupg_pkgset *set = fx_case_pkgset(c);
	dupg_sysvd *s = NULL;
	dupg_task *task = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_merge(&s, t), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	fx_case_expect(c, "expect.merge", json);
	dupg_free(json);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&task, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_to_json(&json, task), 0);
	fx_case_expect(c, "expect.match", json);
	dupg_free(json);
	dupg_task_free(task);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
	dupg_topology_free(t);
	json_object_put(c);
}

static void test_worked_example(void)
{
	dupg_pkgset *set = worked_set();
	dupg_sysvd *s = site(worked, 8);
	dupg_task *t = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL(dupg_pkgset_count(set), 4);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "A"), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "B"), 1);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "C"), 1);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "D"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "G"), 3);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_INCREMENTAL);
	/* package 6 fits both B and C, which both need it: it appears once */
	CU_ASSERT_EQUAL_FATAL(dupg_task_count(t), 2);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "/srv/pkgs/pkg5.tar.gz");
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 1), "/srv/pkgs/pkg6.tar.gz");
	CU_ASSERT_EQUAL(dupg_task_package(t, 0), 0);
	CU_ASSERT_EQUAL(dupg_task_package(t, 1), 1);
	/* borrowed from the set, not copied */
	CU_ASSERT_PTR_EQUAL(dupg_task_path(t, 1), dupg_pkgset_path(set, 1));
	CU_ASSERT_EQUAL(dupg_task_to_json(&json, t), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"kind\":\"incremental\",\"task\":"
			       "[\"/srv/pkgs/pkg5.tar.gz\",\"/srv/pkgs/pkg6.tar.gz\"]}");
	dupg_free(json);
	dupg_task_free(t);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

static void test_full_and_none(void)
{
	const dupg_device_vd full[] = { { "b", "A", "3", 0 }, { "h", "C", "5.9", 0 } };
	const dupg_device_vd current[] = { { "b", "A", "5", 0 }, { "h", "B", "6", 0 },
					   { "r", "D", "1", 0 } };
	const dupg_device_vd newer[] = { { "b", "A", "5.1", 0 } };
	dupg_pkgset *set = worked_set();
	dupg_sysvd *s;
	dupg_task *t = NULL;
	char *json = NULL;

	s = site(full, 2);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_FULL);
	CU_ASSERT_EQUAL(dupg_task_count(t), 2);
	dupg_task_free(t);
	dupg_sysvd_free(s);

	/* everything already current, or unknown to the set */
	s = site(current, 3);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_NONE);
	CU_ASSERT_EQUAL(dupg_task_count(t), 0);
	CU_ASSERT_PTR_NULL(dupg_task_path(t, 0));
	CU_ASSERT_EQUAL(dupg_task_to_json(&json, t), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"kind\":\"none\",\"task\":[]}");
	dupg_free(json);
	dupg_task_free(t);
	dupg_sysvd_free(s);

	/* a site ahead of the server does not go back */
	s = site(newer, 1);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_NONE);
	dupg_task_free(t);
	dupg_sysvd_free(s);

	/* a site with no devices gets nothing */
	s = site(NULL, 0);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_NONE);
	CU_ASSERT_EQUAL(dupg_task_count(t), 0);
	dupg_task_free(t);
	dupg_sysvd_free(s);

	/* an empty set gives nothing either */
	{
		dupg_pkgset *empty = NULL;
		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&empty), 0);
		s = site(full, 2);
		CU_ASSERT_EQUAL_FATAL(dupg_match(&t, empty, s), 0);
		CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_NONE);
		dupg_task_free(t);
		dupg_sysvd_free(s);
		dupg_pkgset_free(empty);
	}
	dupg_pkgset_free(set);
}

/* The task lists packages in package-set order, whatever the site's type order. */
static void test_set_order(void)
{
	const dupg_device_vd devs[] = { { "r", "R", "1", 0 }, { "h", "H", "1", 0 },
					{ "b", "M", "1", 0 } };
	dupg_pkgset *set = NULL;
	dupg_sysvd *s = site(devs, 3);
	dupg_task *t = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	add(set, "m.pkg", "2", "M", NULL);
	add(set, "h.pkg", "2", "H", NULL);
	add(set, "hr.pkg", "2", "X", "R");
	add(set, "r.pkg", "3", "R", NULL);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_FULL);
	CU_ASSERT_EQUAL_FATAL(dupg_task_count(t), 3);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "m.pkg");
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 1), "h.pkg");
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 2), "r.pkg");
	dupg_task_free(t);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

/* Equal versions: the package added first stays best, also across spellings. */
static void test_ties(void)
{
	const dupg_device_vd devs[] = { { "d", "T", "1", 0 } };
	dupg_pkgset *set = NULL;
	dupg_sysvd *s = site(devs, 1);
	dupg_task *t = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	add(set, "first.pkg", "2.0", "T", NULL);
	add(set, "second.pkg", "2.0", "T", "U");
	add(set, "third.pkg", "2.00", "T", NULL);
	add(set, "lower.pkg", "1.9", "T", NULL);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "T"), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "U"), 1);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_task_count(t), 1);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "first.pkg");
	dupg_task_free(t);
	/* a strictly higher version later takes over */
	add(set, "higher.pkg", "2.0.1", "T", NULL);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "T"), 4);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

/* '~' sorts before the end: a release candidate is older than its release. */
static void test_tilde(void)
{
	const dupg_device_vd beta[] = { { "d", "T", "3~beta", 0 } };
	const dupg_device_vd release[] = { { "d", "T", "3", 0 } };
	dupg_pkgset *set = NULL;
	dupg_sysvd *s;
	dupg_task *t = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	add(set, "rc.pkg", "3~rc1", "T", NULL);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "T"), 0);
	s = site(beta, 1);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_FULL);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "rc.pkg");
	dupg_task_free(t);
	dupg_sysvd_free(s);
	s = site(release, 1);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_NONE);
	dupg_task_free(t);
	dupg_sysvd_free(s);
	add(set, "final.pkg", "3", "T", NULL);
	add(set, "rc2.pkg", "3~rc2", "T", NULL);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "T"), 1);
	dupg_pkgset_free(set);
}

/* Two devices of one type on different versions: the lowest decides. */
static void test_lowest_decides(void)
{
	const dupg_device_vd devs[] = { { "h1", "B", "6", 0 }, { "h2", "B", "5", 0 },
					{ "h3", "B", "7", 0 } };
	dupg_pkgset *set = worked_set();
	dupg_sysvd *s = site(devs, 3);
	dupg_task *t = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_FULL);
	CU_ASSERT_EQUAL_FATAL(dupg_task_count(t), 1);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "/srv/pkgs/pkg6.tar.gz");
	dupg_task_free(t);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

static void test_add_manifest(void)
{
	dupg_pkgset *set = NULL;
	dupg_manifest *m = NULL, *nohw = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "bc", "6"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "B"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "C"), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_add_manifest(set, "pkg6.tar", m), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_count(set), 1);
	CU_ASSERT_STRING_EQUAL(dupg_pkgset_version(set, 0), "6");
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "C"), 0);
	fx_expect_error(dupg_pkgset_add_manifest(set, "pkg6.tar", m), DUPG_EEXISTS, "pkg6.tar", NULL);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&nohw, "x", "1"), 0);
	fx_expect_error(dupg_pkgset_add_manifest(set, "x.tar", nohw), DUPG_EINVAL, "x.tar",
		     "hardware list is empty");
	fx_expect_error(dupg_pkgset_add_manifest(set, "y.tar", NULL), DUPG_EINVAL,
		     "dupg_pkgset_add_manifest", NULL);
	fx_expect_error(dupg_pkgset_add_manifest(NULL, "y.tar", m), DUPG_EINVAL,
		     "dupg_pkgset_add_manifest", NULL);
	CU_ASSERT_EQUAL(dupg_pkgset_count(set), 1);
	dupg_manifest_free(m);
	dupg_manifest_free(nohw);
	dupg_pkgset_free(set);
}

static void test_errors(void)
{
	const char *hw[] = { "A", "B" };
	const char *badhw[] = { "A", "" };
	const char *nullhw[] = { NULL };
	dupg_pkgset *set = worked_set();
	dupg_sysvd *s = site(worked, 8);
	dupg_task *t = (dupg_task *)&t;
	char *json = (char *)&t;
	char path[16] = "copy.pkg", ver[8] = "9";

	fx_expect_error(dupg_pkgset_add(set, NULL, "1", hw, 1), DUPG_EINVAL, "storage path", NULL);
	fx_expect_error(dupg_pkgset_add(set, "", "1", hw, 1), DUPG_EINVAL, "storage path", NULL);
	fx_expect_error(dupg_pkgset_add(set, "p.pkg", NULL, hw, 1), DUPG_EINVAL, "p.pkg", "version");
	fx_expect_error(dupg_pkgset_add(set, "p.pkg", "", hw, 1), DUPG_EINVAL, "p.pkg", "version");
	fx_expect_error(dupg_pkgset_add(set, "p.pkg", "1", NULL, 1), DUPG_EINVAL, "p.pkg",
		     "hardware list is empty");
	fx_expect_error(dupg_pkgset_add(set, "p.pkg", "1", hw, 0), DUPG_EINVAL, "p.pkg",
		     "hardware list is empty");
	fx_expect_error(dupg_pkgset_add(set, "p.pkg", "1", badhw, 2), DUPG_EINVAL, "p.pkg",
		     "hardware type 1 is empty");
	fx_expect_error(dupg_pkgset_add(set, "p.pkg", "1", nullhw, 1), DUPG_EINVAL, "p.pkg",
		     "hardware type 0 is empty");
	fx_expect_error(dupg_pkgset_add(set, "/srv/pkgs/pkg5.tar.gz", "99", hw, 2), DUPG_EEXISTS,
		     "/srv/pkgs/pkg5.tar.gz", "already in the package set");
	fx_expect_error(dupg_pkgset_add(NULL, "p.pkg", "1", hw, 1), DUPG_EINVAL, "dupg_pkgset_add",
		     NULL);
	fx_expect_error(dupg_pkgset_new(NULL), DUPG_EINVAL, "dupg_pkgset_new", NULL);
	/* failed adds changed nothing: the duplicate's higher version did not take over */
	CU_ASSERT_EQUAL(dupg_pkgset_count(set), 4);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "A"), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "B"), 1);
	CU_ASSERT_STRING_EQUAL(dupg_pkgset_version(set, 0), "5");

	fx_expect_error(dupg_match(&t, NULL, s), DUPG_EINVAL, "dupg_match", NULL);
	CU_ASSERT_PTR_NULL(t);
	t = (dupg_task *)&t;
	fx_expect_error(dupg_match(&t, set, NULL), DUPG_EINVAL, "dupg_match", NULL);
	CU_ASSERT_PTR_NULL(t);
	fx_expect_error(dupg_match(NULL, set, s), DUPG_EINVAL, "dupg_match", NULL);
	fx_expect_error(dupg_task_to_json(&json, NULL), DUPG_EINVAL, "dupg_task_to_json", NULL);
	CU_ASSERT_PTR_NULL(json);

	/* strings are copied on add */
	CU_ASSERT_EQUAL(dupg_pkgset_add(set, path, ver, hw, 1), 0);
	strcpy(path, "gone");
	strcpy(ver, "0");
	CU_ASSERT_STRING_EQUAL(dupg_pkgset_path(set, 4), "copy.pkg");
	CU_ASSERT_STRING_EQUAL(dupg_pkgset_version(set, 4), "9");
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "A"), 4);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

static void test_getters_out_of_range(void)
{
	dupg_pkgset *set = worked_set();
	dupg_sysvd *s = site(worked, 8);
	dupg_task *t = NULL;

	CU_ASSERT_PTR_NULL(dupg_pkgset_path(set, 4));
	CU_ASSERT_PTR_NULL(dupg_pkgset_version(set, 4));
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "nope"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, NULL), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_pkgset_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_pkgset_path(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_pkgset_version(NULL, 0));
	CU_ASSERT_EQUAL(dupg_pkgset_best(NULL, "A"), DUPG_NONE);

	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_PTR_NULL(dupg_task_path(t, 2));
	CU_ASSERT_EQUAL(dupg_task_package(t, 2), SIZE_MAX);
	CU_ASSERT_EQUAL(dupg_task_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_task_path(NULL, 0));
	CU_ASSERT_EQUAL(dupg_task_package(NULL, 0), SIZE_MAX);
	CU_ASSERT_EQUAL(dupg_task_kind_get(NULL), DUPG_TASK_NONE);
	CU_ASSERT_STRING_EQUAL(dupg_task_kind_name(DUPG_TASK_NONE), "none");
	CU_ASSERT_STRING_EQUAL(dupg_task_kind_name(DUPG_TASK_INCREMENTAL), "incremental");
	CU_ASSERT_STRING_EQUAL(dupg_task_kind_name(DUPG_TASK_FULL), "full");
	CU_ASSERT_STRING_EQUAL(dupg_task_kind_name((dupg_task_kind)7), "unknown");
	dupg_task_free(t);
	dupg_task_free(NULL);
	dupg_pkgset_free(NULL);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

/* ---- randomized check against a naive scan ------------------------------ */

#define NTYPES 40
#define NPKGS 300
#define NSITES 10000

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	return fx_rand(&rng_state, n);
}

static const char *const pool[] = { "1", "1.0", "1.00", "1~rc1", "1.1", "1.2~beta", "1.2",
				    "1.10", "2", "2~~", "2~", "2a", "2.0.1", "10", "V100R001",
				    "V100R010", "3" };
#define NPOOL (sizeof(pool) / sizeof(pool[0]))

struct rpkg {
	char path[32];
	const char *version;
	const char *hw[4];
	size_t nhw;
};

static char type_names[NTYPES + 5][8];
static struct rpkg rpkgs[NPKGS];

static int fits(const struct rpkg *p, const char *hw)
{
	size_t i;

	for (i = 0; i < p->nhw; i++)
		if (strcmp(p->hw[i], hw) == 0)
			return 1;
	return 0;
}

/* What the header promises, computed the slow way from the raw inputs. */
static void naive(size_t *pkgs, size_t *npkgs, dupg_task_kind *kind, const char *const *types,
		  const char *const *lowest, size_t ntypes)
{
	char chosen[NPKGS] = { 0 };
	size_t i, k, needed = 0;

	for (i = 0; i < ntypes; i++) {
		long best = -1;
		for (k = 0; k < NPKGS; k++)
			if (fits(&rpkgs[k], types[i]) &&
			    (best < 0 || dupg_vercmp(rpkgs[k].version, rpkgs[best].version) > 0))
				best = (long)k;
		if (best >= 0 && dupg_vercmp(lowest[i], rpkgs[best].version) < 0) {
			chosen[best] = 1;
			needed++;
		}
	}
	*npkgs = 0;
	for (k = 0; k < NPKGS; k++)
		if (chosen[k])
			pkgs[(*npkgs)++] = k;
	*kind = needed == 0 ? DUPG_TASK_NONE : needed == ntypes ? DUPG_TASK_FULL
		: DUPG_TASK_INCREMENTAL;
}

static void test_random_vs_naive(void)
{
	dupg_pkgset *set = NULL;
	size_t i, k, mismatches = 0, kinds[3] = { 0, 0, 0 };

	for (i = 0; i < NTYPES + 5; i++)
		snprintf(type_names[i], sizeof(type_names[i]), "T%zu", i);
	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	for (k = 0; k < NPKGS; k++) {
		struct rpkg *p = &rpkgs[k];
		snprintf(p->path, sizeof(p->path), "/srv/p%zu.tar", k);
		p->version = pool[rnd(NPOOL)];
		p->nhw = 1 + rnd(4);
		for (i = 0; i < p->nhw; i++)
			p->hw[i] = type_names[rnd(NTYPES)];
		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_add(set, p->path, p->version, p->hw, p->nhw), 0);
	}
	for (i = 0; i < NSITES; i++) {
		/* up to 6 types, some unknown to the set, each on 1..3 devices */
		dupg_device_vd devs[18];
		const char *types[6], *lowest[6];
		char ids[18][16];
		size_t ntypes = 1 + rnd(6), ndev = 0, t, d, want[6], nwant;
		dupg_task_kind want_kind;
		dupg_sysvd *s = NULL;
		dupg_task *task = NULL;
		int same;

		for (t = 0; t < ntypes; t++) {
			size_t nd = 1 + rnd(3), j;
			const char *hw;
		again:
			hw = type_names[rnd(NTYPES + 5)];
			for (j = 0; j < t; j++)
				if (strcmp(types[j], hw) == 0)
					goto again;
			types[t] = hw;
			lowest[t] = NULL;
			for (d = 0; d < nd; d++) {
				const char *v = pool[rnd(NPOOL)];
				snprintf(ids[ndev], sizeof(ids[ndev]), "d%zu", ndev);
				devs[ndev] = (dupg_device_vd){ ids[ndev], hw, v, 0 };
				if (lowest[t] == NULL || dupg_vercmp(v, lowest[t]) < 0)
					lowest[t] = v;
				ndev++;
			}
		}
		naive(want, &nwant, &want_kind, types, lowest, ntypes);
		CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, ndev), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_match(&task, set, s), 0);
		same = dupg_task_kind_get(task) == want_kind && dupg_task_count(task) == nwant;
		for (k = 0; same && k < nwant; k++)
			same = dupg_task_package(task, k) == want[k] &&
			       strcmp(dupg_task_path(task, k), rpkgs[want[k]].path) == 0;
		if (!same)
			mismatches++;
		kinds[want_kind]++;
		dupg_task_free(task);
		dupg_sysvd_free(s);
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	/* the sample exercises every kind */
	CU_ASSERT(kinds[DUPG_TASK_NONE] > 100);
	CU_ASSERT(kinds[DUPG_TASK_INCREMENTAL] > 100);
	CU_ASSERT(kinds[DUPG_TASK_FULL] > 100);
	dupg_pkgset_free(set);
}

/* ---- many chosen packages: the sort past 64 ------------------------------ */

/*
 * A site of n types T0..T(n-1), each on one device. Package j (path "p<j>",
 * version "2") fits types j*share .. j*share+share-1 and the packages are
 * added last first, so package j has set index npkgs-1-j: the task comes
 * back in the reverse of the site's order. Types i with i % every ==
 * every - 1 run "2" already (every 0: none do); the others run "1".
 */
static void check_many(size_t n, size_t share, size_t every)
{
	size_t npkgs = (n + share - 1) / share, needed = 0, want = 0, i, j, k;
	dupg_device_vd *devs = calloc(n + 1, sizeof(*devs));
	char (*names)[16] = calloc(n + 1, sizeof(*names));
	const char **hw = calloc(share, sizeof(*hw));
	char *chosen = calloc(npkgs + 1, 1);
	dupg_pkgset *set = NULL;
	dupg_sysvd *s;
	dupg_task *t = NULL;
	dupg_task_kind kind;

	CU_ASSERT_FATAL(devs != NULL && names != NULL && hw != NULL && chosen != NULL);
	for (i = 0; i < n; i++) {
		int current = every != 0 && i % every == every - 1;

		snprintf(names[i], sizeof(names[i]), "T%zu", i);
		devs[i] = (dupg_device_vd){ names[i], names[i], current ? "2" : "1", 0 };
		if (!current) {
			needed++;
			chosen[i / share] = 1;
		}
	}
	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	for (j = npkgs; j-- > 0;) {
		char path[32];

		for (i = j * share, k = 0; i < n && k < share; i++, k++)
			hw[k] = names[i];
		snprintf(path, sizeof(path), "p%zu", j);
		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_add(set, path, "2", hw, k), 0);
	}
	s = site(devs, n);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	kind = needed == 0 ? DUPG_TASK_NONE : needed == n ? DUPG_TASK_FULL : DUPG_TASK_INCREMENTAL;
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), kind);
	for (j = npkgs; j-- > 0;) {
		char path[32];

		if (!chosen[j])
			continue;
		snprintf(path, sizeof(path), "p%zu", j);
		if (want >= dupg_task_count(t) || dupg_task_package(t, want) != npkgs - 1 - j ||
		    strcmp(dupg_task_path(t, want), path) != 0) {
			fprintf(stderr, "\n  n %zu share %zu every %zu: download %zu is %s, want %s\n",
				n, share, every, want, dupg_task_path(t, want), path);
			CU_FAIL("task out of order");
		}
		want++;
	}
	CU_ASSERT_EQUAL(dupg_task_count(t), want);
	CU_ASSERT_PTR_NULL(dupg_task_path(t, want));
	dupg_task_free(t);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
	free(chosen);
	free(hw);
	free(names);
	free(devs);
}

/* Past 64 chosen packages the task is sorted another way: same order, no repeats. */
static void test_many_chosen(void)
{
	static const char *const first[] = { "p99", "p97", "p96", "p94", "p93", "p91" };
	dupg_device_vd devs[100];
	char names[100][24];
	dupg_pkgset *set = NULL;
	dupg_sysvd *s;
	dupg_task *t = NULL;
	size_t n, i;

	/* spelled out once: 100 types, every third current, 67 downloads */
	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	for (i = 0; i < 100; i++)
		snprintf(names[i], sizeof(names[i]), "T%zu", i);
	for (i = 100; i-- > 0;) {
		char path[24];

		snprintf(path, sizeof(path), "p%zu", i);
		add(set, path, "2", names[i], NULL);
	}
	for (i = 0; i < 100; i++)
		devs[i] = (dupg_device_vd){ names[i], names[i], i % 3 == 2 ? "2" : "1", 0 };
	s = site(devs, 100);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_INCREMENTAL);
	CU_ASSERT_EQUAL_FATAL(dupg_task_count(t), 67);
	for (i = 0; i < 6; i++)
		CU_ASSERT_STRING_EQUAL(dupg_task_path(t, i), first[i]);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 65), "p1");
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 66), "p0");
	CU_ASSERT_EQUAL(dupg_task_package(t, 66), 99);
	dupg_task_free(t);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);

	/* every size around the 64 boundary and the blocks of 8, distinct or shared */
	for (n = 0; n <= 72; n++) {
		check_many(n, 1, 0);
		check_many(n, 2, 0);
		check_many(n, 3, 4);
		check_many(n, n + 1, 0);
	}
	for (n = 100; n <= 1000; n *= 10) {
		check_many(n, 1, 0);
		check_many(n, 1, 2);
		check_many(n, 2, 3);
		check_many(n, 7, 0);
		check_many(n, n, 0);
	}
	/* 130 needed types sharing 65 packages, and 65 sharing one */
	check_many(130, 2, 0);
	check_many(65, 65, 0);
}

/* Types the set does not know make a large task incremental, and stay out of it. */
static void test_many_chosen_unknown_types(void)
{
	dupg_device_vd devs[75];
	char names[75][24];
	dupg_pkgset *set = NULL;
	dupg_sysvd *s;
	dupg_task *t = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	for (i = 0; i < 75; i++) {
		snprintf(names[i], sizeof(names[i]), "%s%zu", i < 70 ? "T" : "U", i);
		devs[i] = (dupg_device_vd){ names[i], names[i], "1~rc1", 0 };
		if (i < 70) {
			char path[24];
			snprintf(path, sizeof(path), "p%zu", i);
			add(set, path, "1", names[i], NULL);
		}
	}
	s = site(devs, 75);
	CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
	CU_ASSERT_EQUAL(dupg_task_kind_get(t), DUPG_TASK_INCREMENTAL);
	CU_ASSERT_EQUAL_FATAL(dupg_task_count(t), 70);
	for (i = 0; i < 70; i++)
		CU_ASSERT_EQUAL(dupg_task_package(t, i), i);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 69), "p69");
	dupg_task_free(t);
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

/* ---- versions alike in their first numbers ------------------------------- */

/*
 * Pairs whose order is decided late: past three numbers, after a long shared
 * prefix, by '~', letters or symbols deep in the string, by digit runs longer
 * than any integer type, or not at all (leading zeros). cmp is the sign of
 * dupg_vercmp(a, b).
 */
static const struct {
	const char *a;
	const char *b;
	int cmp;
} alike[] = {
	{ "1.2.3.4", "1.2.3.5", -1 },
	{ "1.2.3.10", "1.2.3.9", 1 },
	{ "1.2.3.4", "1.2.3.4", 0 },
	{ "1.2.3.4", "1.2.3.04", 0 },
	{ "01.02.03.4", "1.2.3.4", 0 },
	{ "1.2.3.0004", "1.2.3.5", -1 },
	{ "1.2.3.", "1.2.3.0", 0 },
	{ "1.2.", "1.2.0", 0 },
	{ "1.2.~", "1.2.", -1 },
	{ "1.2.3.4~rc1", "1.2.3.4", -1 },
	{ "1.2.3.4~rc1", "1.2.3.4~rc2", -1 },
	{ "1.2.3.4~rc10", "1.2.3.4~rc9", 1 },
	{ "1.2.3.4~~", "1.2.3.4~", -1 },
	{ "1.2.3~beta.1.2.3.4.5", "1.2.3~beta.1.2.3.4.6", -1 },
	{ "1.2.3.4", "1.2.3.4a", -1 },
	{ "1.2.3a", "1.2.3b", -1 },
	{ "1.2.3B", "1.2.3a", -1 },
	{ "1.2.3z", "1.2.3+", -1 },
	{ "1.2.3+b1", "1.2.3-1", 1 },  /* upstream 1.2.3+b1 against 1.2.3 (revision 1) */
	{ "1.2.3-1", "1.2.3", 1 },
	{ "1.2.3", "1.2.3-0", 0 },     /* dpkg: no revision sorts as revision 0 */
	{ "1.2.3-1", "1.2.3a", -1 },
	{ "1.2.3-10", "1.2.3-9", 1 },
	{ "1.2-3-4", "1.2-3", 1 },     /* the revision is after the last '-' */
	{ "1:1.0", "2.0", 1 },         /* the epoch first */
	{ "0:2.0", "2.0", 0 },
	{ ":2.0", "2.0", 0 },          /* an empty epoch is 0 */
	{ "7", "1:1.8.0-2", -1 },
	{ "12-7", "12+nmu1", -1 },
	{ "a:1", "a:2", -1 },          /* not a number before ':': no epoch */
	{ "1.2.3:9", "1.2.3_0", -1 },
	{ "1.2.3.4+b2", "1.2.3.4+b1", 1 },
	{ "1.2.3.4.5.6.7.8.9.10", "1.2.3.4.5.6.7.8.9.10.1", -1 },
	{ "1.2.3.4.5.6.7.8.9.10", "1.2.3.4.5.6.7.8.9.9", 1 },
	{ "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", -1 },
	{ "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1", "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", 1 },
	{ "V100R001C00SPC100", "V100R001C00SPC101", -1 },
	{ "V100R001C10", "V100R001C9", 1 },
	{ "V100R001C00", "v100R001C00", -1 },
	{ "~1", "~2", -1 },
	{ "~~", "~", -1 },
	{ "65534", "65535", -1 },
	{ "65535", "65536", -1 },
	{ "65536", "065536", 0 },
	{ "65535.1", "65536.0", -1 },
	{ "99999.9", "100000.1", -1 },
	{ "1.2.70000.9", "1.2.80000.1", -1 },
	{ "99999.1", "99999.2", -1 },
	{ "1.70000.2", "1.70000.1", 1 },
	{ "18446744073709551615", "18446744073709551616", -1 },
	{ "1.18446744073709551616", "1.18446744073709551615", 1 },
	{ "340282366920938463463374607431768211456", "340282366920938463463374607431768211457", -1 },
	{ "1.000000000000000000000000000000000000000000000000001", "1.1", 0 },
	{ "1.0000000000000000000000000000000000000000000000000010", "1.9", 1 },
	{ "7.12345678901234567890123456789~rc1", "7.12345678901234567890123456789", -1 },
};

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/*
 * The site runs a (and, with two devices, b too), the set holds b (or a):
 * a package is needed exactly when the site's lowest version is lower.
 */
static void check_alike(const char *a, const char *b, int cmp)
{
	const dupg_device_vd one[] = { { "d1", "T", a, 0 } };
	const dupg_device_vd two[] = { { "d1", "T", a, 0 }, { "d2", "T", b, 0 } };
	const dupg_device_vd other[] = { { "d1", "T", b, 0 } };
	struct {
		const dupg_device_vd *devs;
		size_t n;
		const char *pkg;
		int needed;
	} rows[] = {
		{ one, 1, b, cmp < 0 },
		{ other, 1, a, cmp > 0 },
		{ two, 2, b, cmp < 0 },
		{ two, 2, a, cmp > 0 },
	};
	size_t r;

	if (sign(dupg_vercmp(a, b)) != cmp || sign(dupg_vercmp(b, a)) != -cmp) {
		fprintf(stderr, "\n  dupg_vercmp(%s, %s) is %d, want the sign %d\n", a, b,
			dupg_vercmp(a, b), cmp);
		CU_FAIL("dupg_vercmp");
	}
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		dupg_pkgset *set = NULL;
		dupg_sysvd *s = site(rows[r].devs, rows[r].n);
		dupg_task *t = NULL;

		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
		add(set, "t.pkg", rows[r].pkg, "T", NULL);
		CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
		if (dupg_task_kind_get(t) != (rows[r].needed ? DUPG_TASK_FULL : DUPG_TASK_NONE) ||
		    dupg_task_count(t) != (size_t)rows[r].needed) {
			fprintf(stderr, "\n  site %s%s%s, package %s: kind %s, want %s\n",
				rows[r].devs[0].version, rows[r].n == 2 ? " and " : "",
				rows[r].n == 2 ? rows[r].devs[1].version : "", rows[r].pkg,
				dupg_task_kind_name(dupg_task_kind_get(t)),
				rows[r].needed ? "full" : "none");
			CU_FAIL("wrong task for versions alike");
		}
		dupg_task_free(t);
		dupg_sysvd_free(s);
		dupg_pkgset_free(set);
	}
}

static void test_versions_alike(void)
{
	char a[600], b[600];
	size_t i, len;

	for (i = 0; i < sizeof(alike) / sizeof(alike[0]); i++)
		check_alike(alike[i].a, alike[i].b, alike[i].cmp);
	/* a shared prefix of some 500 characters, decided by its last number or a '~' */
	for (len = 0; len < 480;)
		len += (size_t)snprintf(a + len, sizeof(a) - len, "%zu.", len % 7);
	memcpy(b, a, len);
	snprintf(a + len, sizeof(a) - len, "9");
	snprintf(b + len, sizeof(b) - len, "10");
	check_alike(a, b, -1);
	snprintf(b + len, sizeof(b) - len, "9~");
	check_alike(a, b, 1);
	snprintf(b + len, sizeof(b) - len, "09");
	check_alike(a, b, 0);
}

/* The best package among versions alike: strictly higher wins, ties keep the first. */
static void test_best_among_alike(void)
{
	size_t i;

	for (i = 0; i < sizeof(alike) / sizeof(alike[0]); i++) {
		dupg_pkgset *set = NULL;

		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
		add(set, "a.pkg", alike[i].a, "T", NULL);
		add(set, "b.pkg", alike[i].b, "T", "U");
		add(set, "a2.pkg", alike[i].a, "U", NULL);
		CU_ASSERT_EQUAL(dupg_pkgset_best(set, "T"), alike[i].cmp < 0 ? 1 : 0);
		CU_ASSERT_EQUAL(dupg_pkgset_best(set, "U"), alike[i].cmp > 0 ? 2 : 1);
		dupg_pkgset_free(set);
	}
}

/* A site read from JSON with many versions of one type: its lowest decides. */
static void test_many_versions_from_json(void)
{
	static const char *const asc[] = {
		"6.0.0.1~rc1", "6.0.0.1~rc2", "6.0.0.1", "6.0.0.1a", "6.0.0.1+b1", "6.0.0.1.0",
		"6.0.0.2~", "6.0.0.2", "6.0.0.10", "6.0.0.65536", "6.0.0.99999999999999999999",
		"6.0.0.100000000000000000000", "6.0.1", "6.1", "7~", "7", "7.0.0.0.0.1", "8",
		"65535", "65536",
	};
	const size_t n = sizeof(asc) / sizeof(asc[0]);
	static const struct {
		size_t skip;     /* the site runs asc[skip..] */
		const char *pkg; /* the set's version for B */
		int needed;
	} rows[] = {
		{ 0, "6.0.0.1~rc1", 0 }, { 0, "6.0.0.01~rc1", 0 }, { 0, "6.0.0.1~rc10", 1 },
		{ 0, "6.0.0.1", 1 }, { 2, "6.0.0.1", 0 }, { 2, "6.0.0.0001", 0 },
		{ 2, "6.0.0.1.0.0.1", 1 }, { 9, "6.0.0.65536", 0 }, { 9, "6.0.0.65537", 1 },
		{ 10, "6.0.0.99999999999999999998", 0 }, { 10, "6.0.0.099999999999999999999", 0 },
		{ 10, "6.0.0.99999999999999999999a", 1 }, { 19, "65536~", 0 }, { 19, "65537", 1 },
	};
	char text[4096];
	size_t r, i, order, len;

	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		/* listed ascending as dupg_sysvd_to_json writes them, then descending */
		for (order = 0; order < 2; order++) {
			dupg_pkgset *set = NULL;
			dupg_sysvd *s = NULL;
			dupg_task *t = NULL;

			len = (size_t)snprintf(text, sizeof(text), "{\"hw\": {\"B\": [");
			for (i = rows[r].skip; i < n; i++) {
				size_t v = order == 0 ? i : n - 1 - (i - rows[r].skip);
				len += (size_t)snprintf(text + len, sizeof(text) - len,
							"%s{\"version\": \"%s\", \"devices\": [\"h%zu\"]}",
							i > rows[r].skip ? ", " : "", asc[v], v);
			}
			snprintf(text + len, sizeof(text) - len, "]}}");
			CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&s, text, strlen(text), "many.json"),
					      0);
			CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), n - rows[r].skip);
			CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), asc[rows[r].skip]);
			CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
			add(set, "b.pkg", rows[r].pkg, "B", NULL);
			CU_ASSERT_EQUAL_FATAL(dupg_match(&t, set, s), 0);
			if (dupg_task_count(t) != (size_t)rows[r].needed ||
			    dupg_task_kind_get(t) != (rows[r].needed ? DUPG_TASK_FULL : DUPG_TASK_NONE)) {
				fprintf(stderr, "\n  site from %s, package %s: %zu downloads, want %d\n",
					asc[rows[r].skip], rows[r].pkg, dupg_task_count(t),
					rows[r].needed);
				CU_FAIL("many versions of one type");
			}
			dupg_task_free(t);
			dupg_sysvd_free(s);
			dupg_pkgset_free(set);
		}
	}
}

/* ---- tricky versions: random sets and sites vs a naive scan -------------- */

#define TV_MAX 256
#define TV_TYPES 160
#define TV_SETS 40
#define TV_SITES 100
#define TV_PKGS 160
#define TV_BASES 10

static const char *const tv_prefixes[] = {
	"1.2.3.4.5.6.7.8.", "20.4.1.3000.", "V100R001C00SPC", "0.0.0.0.0.0.0.0.0.0.0.0.",
	"7.65534.", "3.14159265358979323846264338327950288.", "2~", "1.0.0",
};

static const char *const tv_edges[] = {
	"65534", "65535", "65536", "4294967295", "4294967296", "18446744073709551615",
	"18446744073709551616", "99999999999999999999999999999999",
};

static const char *const tv_seps[] = {
	".", ".", ".", ".", "~", "~~", "~rc", "+", "+b", "-", ":", "_", "a", "Z", "rc", "",
};

static void tv_append(char *buf, const char *piece)
{
	size_t len = strlen(buf);

	if (len + strlen(piece) < TV_MAX)
		memcpy(buf + len, piece, strlen(piece) + 1);
}

/* A number: small, zero-padded, at an integer type's edge, or a long digit run. */
static void tv_number(char *buf)
{
	char num[48];
	size_t i, n;

	switch (rnd(6)) {
	case 0:
	case 1:
		snprintf(num, sizeof(num), "%u", (unsigned)rnd(12));
		break;
	case 2:
		snprintf(num, sizeof(num), "%0*u", 1 + (int)rnd(8), (unsigned)rnd(100));
		break;
	case 3:
		snprintf(num, sizeof(num), "%s", tv_edges[rnd(8)]);
		break;
	case 4:
		n = 17 + rnd(24);
		for (i = 0; i < n; i++)
			num[i] = (char)('0' + rnd(10));
		num[n] = '\0';
		break;
	default:
		snprintf(num, sizeof(num), "%u", (unsigned)rnd(70000));
	}
	tv_append(buf, num);
}

static int tv_ends_in_digit(const char *buf)
{
	size_t len = strlen(buf);

	return len > 0 && buf[len - 1] >= '0' && buf[len - 1] <= '9';
}

static void tv_fresh(char *buf)
{
	size_t pieces = 1 + rnd(6), i;

	buf[0] = '\0';
	switch (rnd(8)) {
	case 0:
	case 1:
	case 2:
		tv_append(buf, tv_prefixes[rnd(sizeof(tv_prefixes) / sizeof(tv_prefixes[0]))]);
		break;
	case 3:
		tv_append(buf, "~");
		break;
	case 4:
		tv_append(buf, rnd(2) ? "V" : "b");
		break;
	}
	for (i = 0; i < pieces; i++) {
		if (tv_ends_in_digit(buf))
			tv_append(buf, tv_seps[rnd(sizeof(tv_seps) / sizeof(tv_seps[0]))]);
		tv_number(buf);
	}
}

/* A version near src: the same, or one small change that often leaves the keys alike. */
static void tv_near(char *dst, const char *src)
{
	size_t len, i;

	snprintf(dst, TV_MAX, "%s", src);
	len = strlen(dst);
	switch (rnd(10)) {
	case 0:
		break;
	case 1:
		tv_append(dst, rnd(2) ? "~" : "~rc1");
		break;
	case 2:
		tv_append(dst, ".0");
		break;
	case 3:
		tv_append(dst, rnd(2) ? "a" : "+b1");
		break;
	case 4:
		/* bump the last digit */
		for (i = len; i > 0; i--) {
			if (dst[i - 1] >= '0' && dst[i - 1] <= '9') {
				dst[i - 1] = dst[i - 1] == '9' ? '0' : (char)(dst[i - 1] + 1);
				break;
			}
		}
		break;
	case 5:
		/* a leading zero before the last digit run: the same value */
		for (i = len; i > 0 && dst[i - 1] >= '0' && dst[i - 1] <= '9'; i--)
			;
		if (i < len && len + 1 < TV_MAX) {
			memmove(dst + i + 1, dst + i, len - i + 1);
			dst[i] = '0';
		}
		break;
	case 6:
		if (len > 1)
			dst[len - 1] = '\0';
		break;
	case 7:
		tv_append(dst, ".");
		tv_number(dst);
		break;
	default:
		/* a new tail after the first half */
		dst[len / 2 + 1 < len ? len / 2 + 1 : len] = '\0';
		if (tv_ends_in_digit(dst))
			tv_append(dst, tv_seps[rnd(sizeof(tv_seps) / sizeof(tv_seps[0]))]);
		tv_number(dst);
	}
}

struct tv_pkg {
	char path[32];
	char version[TV_MAX];
	size_t hw[4];
	const char *hwname[4];
	size_t nhw;
};

static char tv_types[TV_TYPES][24];
static struct tv_pkg tv_pkgs[TV_PKGS];
static char tv_bases[TV_BASES][TV_MAX];

/* A version for a package or a device: mostly near a base, sometimes fresh. */
static void tv_version(char *out)
{
	char tmp[TV_MAX];

	switch (rnd(5)) {
	case 0:
		tv_fresh(out);
		break;
	case 1:
		tv_near(tmp, tv_bases[rnd(TV_BASES)]);
		tv_near(out, tmp);
		break;
	default:
		tv_near(out, tv_bases[rnd(TV_BASES)]);
	}
}

/* n distinct random type indexes below from (fewer when from is smaller); returns how many. */
static size_t tv_pick_types(size_t *out, size_t n, size_t from)
{
	size_t perm[TV_TYPES], i;

	for (i = 0; i < from; i++)
		perm[i] = i;
	for (i = 0; i < n && i < from; i++) {
		size_t j = i + rnd((uint32_t)(from - i)), x = perm[i];
		perm[i] = perm[j];
		perm[j] = x;
		out[i] = perm[i];
	}
	return i;
}

/* Sites of up to 130 types, of 1 to 4 devices each. */
#define TV_SITE_TYPES 130
#define TV_SITE_DEVS (TV_SITE_TYPES * 4)

struct tv_site {
	size_t types[TV_SITE_TYPES];
	const char *lowest[TV_SITE_TYPES];
	size_t ntypes;
	dupg_device_vd devs[TV_SITE_DEVS];
	char ids[TV_SITE_DEVS][24];
	char versions[TV_SITE_DEVS][TV_MAX];
	size_t ndevs;
};

static struct tv_site tv_site;

/* Counters that show the sample reached what it is for. */
struct tv_stats {
	size_t sites, over64, alike, equal_spellings, kinds[3];
};

static size_t common_prefix(const char *a, const char *b)
{
	size_t i;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		;
	return i;
}

/* The header's promise from the raw inputs, with dupg_vercmp alone. */
static void tv_naive(size_t npkgs, size_t *want, size_t *nwant, dupg_task_kind *kind,
		     size_t *needed_out, struct tv_stats *st)
{
	char chosen[TV_PKGS] = { 0 };
	size_t i, k, h, needed = 0;

	for (i = 0; i < tv_site.ntypes; i++) {
		long best = -1;

		for (k = 0; k < npkgs; k++) {
			int fits_type = 0;

			for (h = 0; h < tv_pkgs[k].nhw; h++)
				fits_type |= tv_pkgs[k].hw[h] == tv_site.types[i];
			if (fits_type && (best < 0 || dupg_vercmp(tv_pkgs[k].version,
								  tv_pkgs[best].version) > 0))
				best = (long)k;
		}
		if (best < 0)
			continue;
		if (common_prefix(tv_site.lowest[i], tv_pkgs[best].version) >= 8)
			st->alike++;
		if (dupg_vercmp(tv_site.lowest[i], tv_pkgs[best].version) == 0 &&
		    strcmp(tv_site.lowest[i], tv_pkgs[best].version) != 0)
			st->equal_spellings++;
		if (dupg_vercmp(tv_site.lowest[i], tv_pkgs[best].version) < 0) {
			chosen[best] = 1;
			needed++;
		}
	}
	*nwant = 0;
	for (k = 0; k < npkgs; k++)
		if (chosen[k])
			want[(*nwant)++] = k;
	*kind = needed == 0 ? DUPG_TASK_NONE : needed == tv_site.ntypes ? DUPG_TASK_FULL
		: DUPG_TASK_INCREMENTAL;
	*needed_out = needed;
}

/* The version of a random package of the set that fits type, or NULL. */
static const char *tv_fitting_version(size_t npkgs, size_t type)
{
	const char *found = NULL;
	size_t k, h, seen = 0;

	for (k = 0; k < npkgs; k++)
		for (h = 0; h < tv_pkgs[k].nhw; h++)
			if (tv_pkgs[k].hw[h] == type && rnd((uint32_t)++seen) == 0)
				found = tv_pkgs[k].version;
	return found;
}

static void tv_make_site(size_t npkgs)
{
	struct tv_site *ts = &tv_site;
	/* most sites have a few types; some have more than 64 */
	size_t want = rnd(7) == 0 ? 65 + rnd(TV_SITE_TYPES - 64) : 1 + rnd(10), i, d;

	ts->ntypes = tv_pick_types(ts->types, want, TV_TYPES);
	ts->ndevs = 0;
	for (i = 0; i < ts->ntypes; i++) {
		const char *near = tv_fitting_version(npkgs, ts->types[i]);
		size_t nd = 1 + rnd(4);

		ts->lowest[i] = NULL;
		for (d = 0; d < nd; d++) {
			char *v = ts->versions[ts->ndevs];

			/* large sites run older versions, so that most of their types need a package */
			if (ts->ntypes > 64 && rnd(2) == 0)
				snprintf(v, TV_MAX, "0.%u~", (unsigned)rnd(1000));
			else if (near != NULL && rnd(2) == 0)
				tv_near(v, near);
			else
				tv_version(v);
			snprintf(ts->ids[ts->ndevs], sizeof(ts->ids[0]), "d%zu", ts->ndevs);
			ts->devs[ts->ndevs] =
				(dupg_device_vd){ ts->ids[ts->ndevs], tv_types[ts->types[i]], v, 0 };
			if (ts->lowest[i] == NULL || dupg_vercmp(v, ts->lowest[i]) < 0)
				ts->lowest[i] = v;
			ts->ndevs++;
		}
	}
}

static void tv_one_set(dupg_pkgset *set, size_t npkgs, struct tv_stats *st, size_t *mismatches)
{
	size_t want[TV_PKGS], nwant, needed, i, k;
	dupg_task_kind kind;

	for (i = 0; i < TV_SITES; i++) {
		dupg_sysvd *s = NULL;
		dupg_task *task = NULL;
		int same;

		tv_make_site(npkgs);
		tv_naive(npkgs, want, &nwant, &kind, &needed, st);
		CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, tv_site.devs, tv_site.ndevs), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_match(&task, set, s), 0);
		same = dupg_task_kind_get(task) == kind && dupg_task_count(task) == nwant;
		for (k = 0; same && k < nwant; k++)
			same = dupg_task_package(task, k) == want[k] &&
			       strcmp(dupg_task_path(task, k), tv_pkgs[want[k]].path) == 0;
		if (!same && (*mismatches)++ < 5) {
			char *json = NULL, *got = NULL;

			dupg_sysvd_to_json(&json, s);
			dupg_task_to_json(&got, task);
			fprintf(stderr, "\n  site %s\n  got %s, want %s with %zu downloads\n", json, got,
				dupg_task_kind_name(kind), nwant);
			dupg_free(json);
			dupg_free(got);
		}
		st->sites++;
		st->kinds[kind]++;
		st->over64 += needed > 64;
		dupg_task_free(task);
		dupg_sysvd_free(s);
	}
}

static void test_tricky_random_vs_naive(void)
{
	struct tv_stats st = { 0, 0, 0, 0, { 0, 0, 0 } };
	size_t r, i, k, mismatches = 0;

	rng_state = 0x2545f4914f6cdd1dULL;
	for (i = 0; i < TV_TYPES; i++)
		snprintf(tv_types[i], sizeof(tv_types[i]), "T%zu", i);
	for (r = 0; r < TV_SETS; r++) {
		/* one set in ten is empty or tiny */
		size_t npkgs = r % 10 == 0 ? r % 3 : 40 + rnd(TV_PKGS - 40);
		dupg_pkgset *set = NULL;

		for (i = 0; i < TV_BASES; i++)
			tv_fresh(tv_bases[i]);
		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
		for (k = 0; k < npkgs; k++) {
			struct tv_pkg *p = &tv_pkgs[k];

			snprintf(p->path, sizeof(p->path), "/srv/q%zu", k);
			tv_version(p->version);
			/* the last 40 types are rarely in the set: sites see unknown types */
			p->nhw = tv_pick_types(p->hw, 1 + rnd(4), rnd(8) == 0 ? TV_TYPES : 120);
			for (i = 0; i < p->nhw; i++)
				p->hwname[i] = tv_types[p->hw[i]];
			CU_ASSERT_EQUAL_FATAL(dupg_pkgset_add(set, p->path, p->version, p->hwname,
							      p->nhw), 0);
		}
		tv_one_set(set, npkgs, &st, &mismatches);
		dupg_pkgset_free(set);
	}
	if (mismatches != 0)
		fprintf(stderr, "\n  %zu of %zu sites differ from the naive scan\n", mismatches,
			st.sites);
	CU_ASSERT_EQUAL(mismatches, 0);
	/* the sample reached the large-task sort, versions alike, and every kind */
	CU_ASSERT(st.over64 >= 50);
	CU_ASSERT(st.alike >= 2000);
	CU_ASSERT(st.equal_spellings >= 200);
	CU_ASSERT(st.kinds[DUPG_TASK_NONE] >= 100);
	CU_ASSERT(st.kinds[DUPG_TASK_INCREMENTAL] >= 100);
	CU_ASSERT(st.kinds[DUPG_TASK_FULL] >= 100);
}

/* ---- concurrent matching on one const set -------------------------------- */

struct worker {
	const dupg_pkgset *set;
	const dupg_sysvd *site;
	int bad;
};

static void *match_many(void *arg)
{
	struct worker *w = arg;
	int i;

	for (i = 0; i < 20000; i++) {
		dupg_task *t = NULL;
		if (dupg_match(&t, w->set, w->site) != 0 || dupg_task_count(t) != 2 ||
		    dupg_task_kind_get(t) != DUPG_TASK_INCREMENTAL ||
		    strcmp(dupg_task_path(t, 1), "/srv/pkgs/pkg6.tar.gz") != 0)
			w->bad++;
		dupg_task_free(t);
	}
	return NULL;
}

static void test_concurrent(void)
{
	dupg_pkgset *set = worked_set();
	dupg_sysvd *s = site(worked, 8);
	struct worker w[4];
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ set, s, 0 };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, match_many, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(w[i].bad, 0);
	}
	dupg_sysvd_free(s);
	dupg_pkgset_free(set);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "worked example", test_worked_example },
		{ "worked example, as its case file says", test_worked_case },
		{ "full and none", test_full_and_none },
		{ "package-set order", test_set_order },
		{ "ties", test_ties },
		{ "tilde versions", test_tilde },
		{ "lowest version decides", test_lowest_decides },
		{ "add manifest", test_add_manifest },
		{ "errors", test_errors },
		{ "getters out of range", test_getters_out_of_range },
		{ "10000 random sites vs naive scan", test_random_vs_naive },
		{ "more than 64 chosen packages", test_many_chosen },
		{ "more than 64 chosen, some types unknown", test_many_chosen_unknown_types },
		{ "versions alike in their first numbers", test_versions_alike },
		{ "best package among versions alike", test_best_among_alike },
		{ "many versions of one type from JSON", test_many_versions_from_json },
		{ "4000 random sites with tricky versions vs naive scan", test_tricky_random_vs_naive },
		{ "concurrent matching", test_concurrent },
		CU_TEST_INFO_NULL,
	};
	return fx_run("match", tests);
}
