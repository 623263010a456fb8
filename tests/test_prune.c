/* SPDX-License-Identifier: BSD-2-Clause */
/* Pruning after a download (pure): the worked example, keep-latest, random lists against a naive model. */
#include "fixture.h"

#include "util/prune_model.h"

#include <json-c/json.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void expect_error(int rc, int code, const char *needle)
{
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(dupg_error_last_code(), code);
	if (strstr(dupg_error_last(), needle) == NULL)
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", dupg_error_last(), needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), needle));
}

/* A list from "path:T1,T2 path:T3 ..." (no files involved). */
static dupg_pathlist *make_list(const char *spec)
{
	dupg_pathlist *l = NULL;
	char buf[4096], *save = NULL, *tok;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		const char *hw[16];
		size_t n = 0;
		char *colon = strchr(tok, ':'), *s2 = NULL, *t;
		*colon = '\0';
		for (t = strtok_r(colon + 1, ",", &s2); t != NULL; t = strtok_r(NULL, ",", &s2))
			hw[n++] = t;
		CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(l, tok, hw, n), 0);
	}
	return l;
}

/* The paths of one list of a prune, space separated. */
static const char *joined(const dupg_prune *p, dupg_prune_list which)
{
	static char buf[8][4096];
	static int next;
	char *b = buf[next++ % 8];
	size_t i;

	b[0] = '\0';
	for (i = 0; i < dupg_prune_count(p, which); i++) {
		if (i > 0)
			strcat(b, " ");
		strcat(b, dupg_prune_path(p, which, i));
	}
	return b;
}

/* A configuration as "T=path ..." in its own order. */
static const char *config_str(const dupg_config *c)
{
	static char buf[8][4096];
	static int next;
	char *b = buf[next++ % 8];
	size_t i;

	b[0] = '\0';
	for (i = 0; i < dupg_config_count(c); i++) {
		if (i > 0)
			strcat(b, " ");
		strcat(b, dupg_config_hw(c, i));
		strcat(b, "=");
		strcat(b, dupg_config_path(c, i));
	}
	return b;
}

/* The worked example of the shared cases: prune the case's store with its download. */
static dupg_prune *case_prune(json_object *c)
{
	dupg_pathlist *first = fx_case_list(c, "store"), *down = fx_case_list(c, "download");
	dupg_prune *p = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, NULL), 0);
	CU_ASSERT_EQUAL(dupg_prune_to_json(&json, p), 0);
	fx_case_expect(c, "expect.prune", json);
	dupg_free(json);
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
	return p;
}

/* The worked example's stored list and download, from its case file. */
static void worked_lists(dupg_pathlist **first, dupg_pathlist **down)
{
	json_object *c = fx_case("worked");

	*first = fx_case_list(c, "store");
	*down = fx_case_list(c, "download");
	json_object_put(c);
}

static void test_worked_example(void)
{
	json_object *c = fx_case("worked");
	dupg_prune *p = case_prune(c);

	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_MERGED), 6);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_KEPT), 5);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_ROLLBACK), 3);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_DELETABLE), 1);
	/* the getters say what the JSON says */
	CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_KEPT), "pkg2 pkg3 pkg4 pkg5 pkg6");
	CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)),
			       "C=pkg6 D=pkg2 E=pkg2 A=pkg5 B=pkg6");
	/* indices point into the merged list */
	CU_ASSERT_EQUAL(dupg_prune_index(p, DUPG_LIST_DELETABLE, 0), 0);
	CU_ASSERT_EQUAL(dupg_prune_index(p, DUPG_LIST_KEPT, 0), 1);
	CU_ASSERT_EQUAL(dupg_prune_index(p, DUPG_LIST_KEPT, 4), 5);
	CU_ASSERT_EQUAL(dupg_prune_index(p, DUPG_LIST_ROLLBACK, 2), 3);
	CU_ASSERT_EQUAL(dupg_prune_index(p, DUPG_LIST_MERGED, 3), 3);
	CU_ASSERT_EQUAL(dupg_prune_index(p, DUPG_LIST_KEPT, 5), DUPG_NONE);
	CU_ASSERT_PTR_NULL(dupg_prune_path(p, DUPG_LIST_ROLLBACK, 3));
	CU_ASSERT_PTR_NULL(dupg_prune_path(p, DUPG_LIST_DELETABLE, 1));
	dupg_prune_free(p);
	json_object_put(c);
}

static void test_worked_example_extra_type(void)
{
	json_object *c = fx_case("worked-h");
	dupg_prune *p = case_prune(c);

	/* package 1 is the only package of H: it stays in both configurations */
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_DELETABLE), 0);
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK), "H"), "pkg1");
	dupg_prune_free(p);
	json_object_put(c);
}

static void test_small_cases(void)
{
	static const struct {
		const char *first, *down, *deletable, *latest, *rollback;
	} cases[] = {
		/* empty everything */
		{ "", "", "", "", "" },
		/* a fresh store: no rollback configuration */
		{ "", "a:A b:A c:A", "", "A=c", "" },
		/* the candidate is the rollback package of its type */
		{ "a:A", "b:A c:A", "", "A=c", "A=a" },
		/* two packages of a type are not enough */
		{ "a:A b:A", "", "", "A=b", "A=b" },
		/* no download: the earliest of three goes */
		{ "a:A b:A c:A", "", "a", "A=c", "A=c" },
		/* both A and B lose their earliest; order follows the third list */
		{ "a:A b:B c:A a2:A,B", "b2:B", "a b", "A=a2 B=b2", "A=a2 B=a2" },
		/* B's earliest is downloaded: not a candidate */
		{ "a:A", "b:B c:B d:B", "", "A=a B=d", "A=a" },
		/* one package is the candidate of two types: listed once */
		{ "x:A,B y:A,B z:A,B", "w:A,B", "x", "A=w B=w", "A=z B=z" },
		/* two target types, two deletables, in list order */
		{ "a1:A b1:B a2:A b2:B", "a3:A b3:B", "a1 b1", "A=a3 B=b3", "A=a2 B=b2" },
		/* an earliest package still configured for another type stays */
		{ "a1:A,C a2:A a3:A", "", "", "A=a3 C=a1", "A=a3 C=a1" },
		/* a type named twice by one package counts once */
		{ "a1:A,A a2:A", "", "", "A=a2", "A=a2" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dupg_pathlist *first = make_list(cases[i].first), *down = make_list(cases[i].down);
		dupg_prune *p = NULL;

		CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, NULL), 0);
		if (strcmp(joined(p, DUPG_LIST_DELETABLE), cases[i].deletable) != 0 ||
		    strcmp(config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)), cases[i].latest) != 0 ||
		    strcmp(config_str(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK)), cases[i].rollback) != 0)
			fprintf(stderr, "case %zu: deletable \"%s\" latest \"%s\" rollback \"%s\"\n", i,
				joined(p, DUPG_LIST_DELETABLE),
				config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)),
				config_str(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK)));
		CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_DELETABLE), cases[i].deletable);
		CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)), cases[i].latest);
		CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK)),
				       cases[i].rollback);
		dupg_prune_free(p);
		dupg_pathlist_free(first);
		dupg_pathlist_free(down);
	}
}

static void test_keep_latest(void)
{
	/*
	 * A: a1 a2 a3 ab4 | a5       (5 packages; 2 latest: ab4, a5; 3 latest: a3 ab4 a5)
	 * B: b1 b2 ab4    | b6 b7    (5 packages; 2 latest: b6, b7; 3 latest: ab4 b6 b7)
	 * C: c1                      (1 package)
	 * first config: A=ab4 B=ab4 C=c1; second config: A=a5 B=b7 C=c1.
	 */
	const char *first_spec = "a1:A b1:B a2:A c1:C b2:B a3:A ab4:A,B";
	const char *down_spec = "a5:A b6:B b7:B";
	static const struct {
		size_t keep;
		const char *deletable, *third, *fourth;
	} cases[] = {
		/* keep 2: a1 a2 a3 b1 b2 are out of the 2 latest; ab4 is configured */
		{ 2, "a1 b1 a2 b2 a3", "c1 ab4 a5 b6 b7", "c1 ab4" },
		/* keep 3: a3 is among A's 3 latest */
		{ 3, "a1 b1 a2 b2", "c1 a3 ab4 a5 b6 b7", "c1 a3 ab4" },
		/* keep 4: a2 and b2 are kept too */
		{ 4, "a1 b1", "a2 c1 b2 a3 ab4 a5 b6 b7", "a2 c1 b2 a3 ab4" },
		/* keep 5 and more: everything stays */
		{ 5, "", "a1 b1 a2 c1 b2 a3 ab4 a5 b6 b7", "a1 b1 a2 c1 b2 a3 ab4" },
		{ SIZE_MAX, "", "a1 b1 a2 c1 b2 a3 ab4 a5 b6 b7", "a1 b1 a2 c1 b2 a3 ab4" },
	};
	dupg_pathlist *first = make_list(first_spec), *down = make_list(down_spec);
	dupg_prune_options opts = DUPG_PRUNE_OPTIONS_INIT;
	dupg_prune *p = NULL;
	size_t i;

	opts.policy = DUPG_PRUNE_KEEP_LATEST;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		opts.keep = cases[i].keep;
		CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, &opts), 0);
		CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_DELETABLE), cases[i].deletable);
		CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_THIRD), cases[i].third);
		CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_FOURTH), cases[i].fourth);
		CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)),
				       i < 2 ? "C=c1 A=a5 B=b7" : i == 2 ? "A=a5 C=c1 B=b7"
								: "A=a5 B=b7 C=c1");
		CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK), "A"),
				       "ab4");
		CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK), "B"),
				       "ab4");
		dupg_prune_free(p);
		p = NULL;
	}
	/* the minimal rule on the same lists: only the earliest of A and of B */
	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, NULL), 0);
	CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_DELETABLE), "a1 b1");
	dupg_prune_free(p);
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
}

static void test_keep_latest_protects_rollback(void)
{
	/* two newer A packages arrive: a2 is no longer among A's 2 latest, but it is A's rollback */
	dupg_pathlist *first = make_list("a1:A a2:A"), *down = make_list("a3:A a4:A");
	dupg_prune_options opts = DUPG_PRUNE_OPTIONS_INIT;
	dupg_prune *p = NULL;

	opts.policy = DUPG_PRUNE_KEEP_LATEST;
	opts.keep = 2;
	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, &opts), 0);
	CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_DELETABLE), "a1");
	CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_FOURTH), "a2");
	CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK)), "A=a2");
	CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)), "A=a4");
	dupg_prune_free(p);
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
}

static void test_bad_input(void)
{
	dupg_pathlist *first, *down = make_list("pkg5:A pkg3:A"), *ok;
	dupg_prune_options opts = DUPG_PRUNE_OPTIONS_INIT;
	dupg_prune *p = (dupg_prune *)&opts;

	worked_lists(&first, &ok);
	expect_error(dupg_prune_compute(&p, first, down, NULL), DUPG_EEXISTS, "pkg3");
	CU_ASSERT_PTR_NULL(p);
	/* the same list as both: every downloaded path is already stored */
	expect_error(dupg_prune_compute(&p, first, first, NULL), DUPG_EEXISTS, "pkg1");
	expect_error(dupg_prune_compute(NULL, first, ok, NULL), DUPG_EINVAL, "dupg_prune_compute");
	expect_error(dupg_prune_compute(&p, NULL, ok, NULL), DUPG_EINVAL, "dupg_prune_compute");
	expect_error(dupg_prune_compute(&p, first, NULL, NULL), DUPG_EINVAL, "dupg_prune_compute");
	opts.policy = DUPG_PRUNE_KEEP_LATEST;
	opts.keep = 1;
	expect_error(dupg_prune_compute(&p, first, ok, &opts), DUPG_EINVAL, "at least 2");
	opts.keep = 0;
	expect_error(dupg_prune_compute(&p, first, ok, &opts), DUPG_EINVAL, "at least 2");
	opts.policy = (dupg_prune_policy)7;
	expect_error(dupg_prune_compute(&p, first, ok, &opts), DUPG_EINVAL, "policy");
	opts.policy = DUPG_PRUNE_MINIMAL;
	opts.version = 99;
	expect_error(dupg_prune_compute(&p, first, ok, &opts), DUPG_EINVAL, "version");
	CU_ASSERT_PTR_NULL(p);
	/* keep is ignored by the minimal rule */
	opts.version = DUPG_PRUNE_OPTIONS_VERSION;
	opts.keep = 0;
	CU_ASSERT_EQUAL(dupg_prune_compute(&p, first, ok, &opts), 0);
	dupg_prune_free(p);
	dupg_prune_free(NULL);
	/* accessors on NULL */
	CU_ASSERT_EQUAL(dupg_prune_count(NULL, DUPG_LIST_SECOND), 0);
	CU_ASSERT_PTR_NULL(dupg_prune_path(NULL, DUPG_LIST_SECOND, 0));
	CU_ASSERT_EQUAL(dupg_prune_index(NULL, DUPG_LIST_SECOND, 0), SIZE_MAX);
	CU_ASSERT_PTR_NULL(dupg_prune_second(NULL));
	CU_ASSERT_PTR_NULL(dupg_prune_config(NULL, DUPG_CONFIG_LATEST));
	expect_error(dupg_prune_to_json(NULL, NULL), DUPG_EINVAL, "dupg_prune_to_json");
	expect_error(dupg_prune_list_dup(NULL, NULL, DUPG_LIST_THIRD), DUPG_EINVAL, "dupg_prune_list_dup");
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
	dupg_pathlist_free(ok);
}

static void test_result_outlives_inputs(void)
{
	dupg_pathlist *first, *down;
	const char *hw[] = { "A" };
	const dupg_pathlist *second;
	dupg_prune *p = NULL;

	worked_lists(&first, &down);
	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, NULL), 0);
	/* the inputs change or go away: the result does not */
	CU_ASSERT_EQUAL(dupg_pathlist_add(first, "pkg7", hw, 1), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(first), 5);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(first, 4), "pkg7");
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
	second = dupg_prune_second(p);
	CU_ASSERT_EQUAL(dupg_pathlist_count(second), 6);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(second, 5), "pkg6");
	CU_ASSERT_EQUAL(dupg_pathlist_find(second, "pkg6"), 5);
	CU_ASSERT_EQUAL(dupg_pathlist_find(second, "pkg2"), 1);
	CU_ASSERT_EQUAL(dupg_pathlist_find(second, "pkg7"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_pathlist_hw_count(second, 1), 3);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_hw(second, 1, 2), "E");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_hw(second, 5, 1), "C");
	CU_ASSERT_STRING_EQUAL(joined(p, DUPG_LIST_THIRD), "pkg2 pkg3 pkg4 pkg5 pkg6");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_LATEST), "C"), "pkg6");
	dupg_prune_free(p);
}

static void test_list_dup(void)
{
	dupg_pathlist *first, *down;
	dupg_pathlist *l = NULL;
	dupg_config *c = NULL;
	dupg_prune *p = NULL;
	const char *hw[] = { "F" };
	static const dupg_prune_list which[] = { DUPG_LIST_SECOND, DUPG_LIST_THIRD, DUPG_LIST_FOURTH,
						 DUPG_LIST_DELETABLE };
	size_t w, i;

	worked_lists(&first, &down);
	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, NULL), 0);
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
	for (w = 0; w < 4; w++) {
		CU_ASSERT_EQUAL_FATAL(dupg_prune_list_dup(&l, p, which[w]), 0);
		CU_ASSERT_EQUAL(dupg_pathlist_count(l), dupg_prune_count(p, which[w]));
		for (i = 0; i < dupg_pathlist_count(l); i++) {
			const dupg_pathlist *second = dupg_prune_second(p);
			size_t at = dupg_prune_index(p, which[w], i), j;
			CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, i), dupg_prune_path(p, which[w], i));
			CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, i), dupg_pathlist_resolved(second, at));
			CU_ASSERT_EQUAL(dupg_pathlist_hw_count(l, i), dupg_pathlist_hw_count(second, at));
			for (j = 0; j < dupg_pathlist_hw_count(l, i); j++)
				CU_ASSERT_STRING_EQUAL(dupg_pathlist_hw(l, i, j), dupg_pathlist_hw(second, at, j));
		}
		/* a copy grows on its own */
		CU_ASSERT_EQUAL(dupg_pathlist_add(l, "pkg9", hw, 1), 0);
		CU_ASSERT_EQUAL(dupg_pathlist_add(l, "pkg9", hw, 1), DUPG_EEXISTS);
		CU_ASSERT_EQUAL(dupg_pathlist_find(l, "pkg9"), dupg_prune_count(p, which[w]));
		CU_ASSERT_EQUAL(dupg_pathlist_find(dupg_prune_second(p), "pkg9"), DUPG_NONE);
		if (which[w] == DUPG_LIST_THIRD) {
			CU_ASSERT_EQUAL(dupg_pathlist_config(&c, l), 0);
			CU_ASSERT_STRING_EQUAL(config_str(c), "C=pkg6 D=pkg2 E=pkg2 A=pkg5 B=pkg6 F=pkg9");
			dupg_config_free(c);
		}
		/* adding a path the second list already has fails in the shared copy too */
		if (which[w] == DUPG_LIST_SECOND)
			expect_error(dupg_pathlist_add(l, "pkg1", hw, 1), DUPG_EEXISTS, "pkg1");
		dupg_pathlist_free(l);
		l = NULL;
	}
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_SECOND), 6);
	expect_error(dupg_prune_list_dup(&l, p, (dupg_prune_list)9), DUPG_EINVAL, "unknown list");
	dupg_prune_free(p);
}

/* ---- random lists against the naive model written straight from the definitions ---- */

#define MAXN 64
#define MAXT 8

struct model {
	size_t n1, n2;
	unsigned types[MAXN]; /* bit set of types per entry of the merged list */
};

/* A model as the shared naive prune model reads it, and what it finds per type. */
struct model_view {
	uint32_t off[MAXN + 1];
	uint32_t ids[MAXN * MAXT];
	dupg__pm_list l;
	dupg__pm_type t[MAXT];
};

static void model_view(struct model_view *v, const struct model *m)
{
	uint32_t k = 0, t;
	size_t e;

	for (e = 0; e < m->n2; e++) {
		v->off[e] = k;
		for (t = 0; t < MAXT; t++)
			if (m->types[e] >> t & 1u)
				v->ids[k++] = t;
	}
	v->off[m->n2] = k;
	v->l = (dupg__pm_list){ m->n2, m->n1, MAXT, v->off, v->ids, NULL };
	for (t = 0; t < MAXT; t++)
		dupg__pm_scan(&v->l, t, &v->t[t]);
}

static void model_deletable(const struct model *m, size_t keep, unsigned char *del)
{
	struct model_view v;

	model_view(&v, m);
	memset(del, 0, MAXN);
	dupg__pm_deletable(&v.l, v.t, keep, del);
}

static uint64_t model_rng;

static size_t model_rand(size_t n)
{
	return fx_rand(&model_rng, (uint32_t)n);
}

static void random_model(struct model *m)
{
	size_t e;

	m->n1 = model_rand(41);
	m->n2 = m->n1 + model_rand(11);
	for (e = 0; e < m->n2; e++) {
		size_t k = 1 + model_rand(3), j;
		m->types[e] = 0;
		for (j = 0; j < k; j++)
			m->types[e] |= 1u << model_rand(MAXT);
	}
}

static dupg_pathlist *model_list(const struct model *m, size_t from, size_t to)
{
	dupg_pathlist *l = NULL;
	size_t e;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	for (e = from; e < to; e++) {
		char path[16], names[MAXT][4];
		const char *hw[MAXT];
		size_t n = 0;
		unsigned t;
		snprintf(path, sizeof(path), "p%zu", e);
		for (t = 0; t < MAXT; t++)
			if (m->types[e] >> t & 1u) {
				snprintf(names[n], sizeof(names[n]), "T%u", t);
				hw[n] = names[n];
				n++;
			}
		CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(l, path, hw, n), 0);
	}
	return l;
}

/* Every configured type maps to a package that the list still holds. */
static int config_within(const dupg_config *c, const dupg_pathlist *l)
{
	size_t i;

	for (i = 0; i < dupg_config_count(c); i++)
		if (dupg_pathlist_find(l, dupg_config_path(c, i)) == DUPG_NONE)
			return 0;
	return 1;
}

static int subsequence(const dupg_prune *p, dupg_prune_list which)
{
	size_t i;

	for (i = 1; i < dupg_prune_count(p, which); i++)
		if (dupg_prune_index(p, which, i) <= dupg_prune_index(p, which, i - 1))
			return 0;
	return 1;
}

static void check_random(const struct model *m, size_t keep)
{
	dupg_pathlist *first = model_list(m, 0, m->n1), *down = model_list(m, m->n1, m->n2);
	dupg_pathlist *third = NULL, *fourth = NULL;
	dupg_prune_options opts = DUPG_PRUNE_OPTIONS_INIT;
	dupg_config *c1 = NULL, *c2 = NULL, *c3 = NULL, *c4 = NULL;
	const dupg_pathlist *second;
	dupg_prune *p = NULL;
	unsigned char want[MAXN], got[MAXN];
	struct model_view view;
	size_t i, ndel = 0;

	if (keep > 0) {
		opts.policy = DUPG_PRUNE_KEEP_LATEST;
		opts.keep = keep;
	}
	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, &opts), 0);
	second = dupg_prune_second(p);
	model_deletable(m, keep, want);
	memset(got, 0, sizeof(got));
	for (i = 0; i < dupg_prune_count(p, DUPG_LIST_DELETABLE); i++)
		got[dupg_prune_index(p, DUPG_LIST_DELETABLE, i)] = 1;
	for (i = 0; i < m->n2; i++)
		ndel += want[i];
	CU_ASSERT_EQUAL(memcmp(want, got, sizeof(want)), 0);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_DELETABLE), ndel);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_THIRD), m->n2 - ndel);
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_FOURTH), m->n1 - ndel);
	/* no downloaded package is deleted */
	for (i = 0; i < dupg_prune_count(p, DUPG_LIST_DELETABLE); i++)
		CU_ASSERT(dupg_prune_index(p, DUPG_LIST_DELETABLE, i) < m->n1);
	CU_ASSERT(subsequence(p, DUPG_LIST_THIRD));
	CU_ASSERT(subsequence(p, DUPG_LIST_FOURTH));
	CU_ASSERT(subsequence(p, DUPG_LIST_DELETABLE));
	/* third and fourth are exactly the survivors */
	for (i = 0; i < dupg_prune_count(p, DUPG_LIST_THIRD); i++)
		CU_ASSERT(!got[dupg_prune_index(p, DUPG_LIST_THIRD, i)]);
	for (i = 0; i < dupg_prune_count(p, DUPG_LIST_FOURTH); i++)
		CU_ASSERT(dupg_prune_index(p, DUPG_LIST_FOURTH, i) < m->n1);
	/* configurations survive pruning and equal those of the lists they stand for */
	CU_ASSERT_EQUAL_FATAL(dupg_prune_list_dup(&third, p, DUPG_LIST_THIRD), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_prune_list_dup(&fourth, p, DUPG_LIST_FOURTH), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c1, first), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c2, second), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c3, third), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c4, fourth), 0);
	CU_ASSERT(dupg_config_equal(c3, c2));
	CU_ASSERT(dupg_config_equal(c4, c1));
	CU_ASSERT(config_within(dupg_prune_config(p, DUPG_CONFIG_LATEST), third));
	CU_ASSERT(config_within(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK), fourth));
	/* the result's configurations are those of its lists, in the same order */
	CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_LATEST)), config_str(c3));
	CU_ASSERT_STRING_EQUAL(config_str(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK)), config_str(c4));
	model_view(&view, m);
	for (i = 0; i < MAXT; i++) {
		char t[4];
		long e;
		snprintf(t, sizeof(t), "T%zu", i);
		e = view.t[i].latest_merged;
		if (e < 0) {
			CU_ASSERT_PTR_NULL(dupg_config_get(c3, t));
		} else {
			char path[24];
			snprintf(path, sizeof(path), "p%ld", e);
			CU_ASSERT_STRING_EQUAL(dupg_config_get(c3, t), path);
		}
	}
	dupg_config_free(c1);
	dupg_config_free(c2);
	dupg_config_free(c3);
	dupg_config_free(c4);
	dupg_pathlist_free(third);
	dupg_pathlist_free(fourth);
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
	dupg_prune_free(p);
}

static void test_random_minimal(void)
{
	struct model m;
	int i;

	model_rng = 20240601;
	for (i = 0; i < 200; i++) {
		random_model(&m);
		check_random(&m, 0);
	}
}

static void test_random_keep_latest(void)
{
	struct model m;
	int i;

	model_rng = 77;
	for (i = 0; i < 200; i++) {
		random_model(&m);
		check_random(&m, 2 + (size_t)(i % 4));
	}
}

/* The same list built in pieces (shared segments, then grown) prunes exactly as a flat one. */
static void test_random_segmented(void)
{
	struct model m;
	int i;

	model_rng = 4242;
	for (i = 0; i < 100; i++) {
		dupg_pathlist *flat, *down, *a, *b, *seg = NULL, *x;
		dupg_prune *p = NULL, *q = NULL;
		dupg_prune_options opts = DUPG_PRUNE_OPTIONS_INIT;
		char *j1 = NULL, *j2 = NULL;
		size_t cut1, cut2, e;

		random_model(&m);
		cut1 = m.n1 ? model_rand(m.n1 + 1) : 0;
		cut2 = cut1 + (m.n1 > cut1 ? model_rand(m.n1 - cut1 + 1) : 0);
		flat = model_list(&m, 0, m.n1);
		down = model_list(&m, m.n1, m.n2);
		a = model_list(&m, 0, cut1);
		b = model_list(&m, cut1, cut2);
		/* a prune's second list is a + b sharing their segments; grow it with the rest */
		CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&q, a, b, NULL), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_prune_list_dup(&seg, q, DUPG_LIST_SECOND), 0);
		x = model_list(&m, cut2, m.n1);
		for (e = 0; e < dupg_pathlist_count(x); e++) {
			const char *hw[MAXT];
			size_t k;
			for (k = 0; k < dupg_pathlist_hw_count(x, e); k++)
				hw[k] = dupg_pathlist_hw(x, e, k);
			CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(seg, dupg_pathlist_path(x, e), hw, k), 0);
		}
		dupg_pathlist_free(a);
		dupg_pathlist_free(b);
		dupg_prune_free(q);
		if (i % 2) {
			opts.policy = DUPG_PRUNE_KEEP_LATEST;
			opts.keep = 2 + (size_t)(i % 3);
		}
		CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, flat, down, &opts), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_prune_to_json(&j1, p), 0);
		dupg_prune_free(p);
		CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, seg, down, &opts), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_prune_to_json(&j2, p), 0);
		CU_ASSERT_STRING_EQUAL(j1, j2);
		dupg_prune_free(p);
		dupg_free(j1);
		dupg_free(j2);
		dupg_pathlist_free(x);
		dupg_pathlist_free(seg);
		dupg_pathlist_free(flat);
		dupg_pathlist_free(down);
	}
}

/* A larger list with many types. */
static void test_large(void)
{
	dupg_pathlist *first = NULL, *down = NULL;
	dupg_prune *p = NULL;
	size_t i, n = 20000;
	char path[32], t1[16], t2[16];

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&first), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&down), 0);
	for (i = 0; i < n; i++) {
		const char *hw[2] = { t1, t2 };
		snprintf(path, sizeof(path), "pkg%zu", i);
		snprintf(t1, sizeof(t1), "T%zu", i % 500);
		snprintf(t2, sizeof(t2), "U%zu", (i * 7) % 300);
		CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(i < n - 100 ? first : down, path, hw, 2), 0);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_prune_compute(&p, first, down, NULL), 0);
	/* every type has 40 or more packages; its earliest is pkg<type's first i>; none is configured */
	CU_ASSERT_EQUAL(dupg_prune_count(p, DUPG_LIST_DELETABLE), 500);
	CU_ASSERT_STRING_EQUAL(dupg_prune_path(p, DUPG_LIST_DELETABLE, 499), "pkg499");
	CU_ASSERT_STRING_EQUAL(dupg_prune_path(p, DUPG_LIST_THIRD, 0), "pkg500");
	CU_ASSERT_STRING_EQUAL(dupg_prune_path(p, DUPG_LIST_FOURTH, n - 601), "pkg19899");
	CU_ASSERT_EQUAL(dupg_config_count(dupg_prune_config(p, DUPG_CONFIG_LATEST)), 800);
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_LATEST), "T450"),
			       "pkg19950");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(dupg_prune_config(p, DUPG_CONFIG_ROLLBACK), "T450"),
			       "pkg19450");
	/* the third list starts at pkg500 (T0, U200) */
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(dupg_prune_config(p, DUPG_CONFIG_LATEST), 0), "T0");
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(dupg_prune_config(p, DUPG_CONFIG_LATEST), 1), "U200");
	dupg_prune_free(p);
	dupg_pathlist_free(first);
	dupg_pathlist_free(down);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "worked example", test_worked_example },
		{ "worked example, package 1 also fits H", test_worked_example_extra_type },
		{ "small cases", test_small_cases },
		{ "keep latest", test_keep_latest },
		{ "keep latest keeps the rollback package", test_keep_latest_protects_rollback },
		{ "bad input", test_bad_input },
		{ "result outlives its inputs", test_result_outlives_inputs },
		{ "list_dup", test_list_dup },
		{ "200 random lists, minimal rule", test_random_minimal },
		{ "200 random lists, keep latest", test_random_keep_latest },
		{ "lists built in pieces prune like flat ones", test_random_segmented },
		{ "20000 entries", test_large },
		CU_TEST_INFO_NULL,
	};
	return fx_run("prune", tests);
}
