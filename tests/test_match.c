/* The indexed package set and site matching, checked against a naive scan. */
#include "fixture.h"

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
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "D"), -1);
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
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, "nope"), -1);
	CU_ASSERT_EQUAL(dupg_pkgset_best(set, NULL), -1);
	CU_ASSERT_EQUAL(dupg_pkgset_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_pkgset_path(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_pkgset_version(NULL, 0));
	CU_ASSERT_EQUAL(dupg_pkgset_best(NULL, "A"), -1);

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
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
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
		{ "full and none", test_full_and_none },
		{ "package-set order", test_set_order },
		{ "ties", test_ties },
		{ "tilde versions", test_tilde },
		{ "lowest version decides", test_lowest_decides },
		{ "add manifest", test_add_manifest },
		{ "errors", test_errors },
		{ "getters out of range", test_getters_out_of_range },
		{ "10000 random sites vs naive scan", test_random_vs_naive },
		{ "concurrent matching", test_concurrent },
		CU_TEST_INFO_NULL,
	};
	return fx_run("match", tests);
}
