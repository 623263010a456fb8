/* SPDX-License-Identifier: BSD-2-Clause */
/* Configurations: hardware type -> package path, in first-set order. */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static void expect_error(int rc, int code, const char *needle)
{
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(dupg_error_last_code(), code);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), needle));
}

static void test_new_set_get(void)
{
	dupg_config *c = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	CU_ASSERT_EQUAL(dupg_config_count(c), 0);
	CU_ASSERT_PTR_NULL(dupg_config_get(c, "A"));
	CU_ASSERT_EQUAL(dupg_config_set(c, "B", "pkg4"), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "A", "pkg3"), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "C", "pkg2"), 0);
	CU_ASSERT_EQUAL(dupg_config_count(c), 3);
	/* first-set order, not sorted */
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 0), "B");
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 1), "A");
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 2), "C");
	CU_ASSERT_STRING_EQUAL(dupg_config_path(c, 0), "pkg4");
	CU_ASSERT_STRING_EQUAL(dupg_config_path(c, 1), "pkg3");
	CU_ASSERT_STRING_EQUAL(dupg_config_path(c, 2), "pkg2");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "A"), "pkg3");
	CU_ASSERT_PTR_NULL(dupg_config_get(c, "a"));
	CU_ASSERT_PTR_NULL(dupg_config_get(c, NULL));
	CU_ASSERT_PTR_NULL(dupg_config_hw(c, 3));
	CU_ASSERT_PTR_NULL(dupg_config_path(c, 3));
	dupg_config_free(c);
}

static void test_replace_keeps_position(void)
{
	dupg_config *c = NULL;
	char path[32];

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "A", "pkg1"), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "B", "pkg1"), 0);
	/* the caller's buffer is copied, not kept */
	strcpy(path, "pkg5");
	CU_ASSERT_EQUAL(dupg_config_set(c, "A", path), 0);
	strcpy(path, "junk");
	CU_ASSERT_EQUAL(dupg_config_count(c), 2);
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 0), "A");
	CU_ASSERT_STRING_EQUAL(dupg_config_path(c, 0), "pkg5");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "B"), "pkg1");
	dupg_config_free(c);
}

static void test_bad_arguments(void)
{
	dupg_config *c = NULL;
	char *json = (char *)"x";

	expect_error(dupg_config_new(NULL), DUPG_EINVAL, "dupg_config_new");
	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	expect_error(dupg_config_set(c, "", "p"), DUPG_EINVAL, "hardware type");
	expect_error(dupg_config_set(c, NULL, "p"), DUPG_EINVAL, "hardware type");
	expect_error(dupg_config_set(c, "A", NULL), DUPG_EINVAL, "path");
	expect_error(dupg_config_set(NULL, "A", "p"), DUPG_EINVAL, "dupg_config_set");
	CU_ASSERT_EQUAL(dupg_config_count(c), 0);
	expect_error(dupg_config_dup(NULL, c), DUPG_EINVAL, "dupg_config_dup");
	expect_error(dupg_config_to_json(&json, NULL), DUPG_EINVAL, "dupg_config_to_json");
	expect_error(dupg_config_to_json(NULL, c), DUPG_EINVAL, "dupg_config_to_json");
	/* getters on NULL answer "nothing" rather than crash */
	CU_ASSERT_EQUAL(dupg_config_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_config_hw(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_config_path(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_config_get(NULL, "A"));
	dupg_config_free(c);
	dupg_config_free(NULL);
}

static void test_dup_and_equal(void)
{
	dupg_config *a = NULL, *b = NULL, *c = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&a), 0);
	CU_ASSERT_EQUAL(dupg_config_set(a, "A", "pkg5"), 0);
	CU_ASSERT_EQUAL(dupg_config_set(a, "B", "pkg6"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_config_dup(&b, a), 0);
	CU_ASSERT_EQUAL(dupg_config_equal(a, b), 1);
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(b, 1), "B");
	/* the copy is independent */
	CU_ASSERT_EQUAL(dupg_config_set(b, "B", "pkg4"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_config_get(a, "B"), "pkg6");
	CU_ASSERT_EQUAL(dupg_config_equal(a, b), 0);
	/* order does not matter, content does */
	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "B", "pkg6"), 0);
	CU_ASSERT_EQUAL(dupg_config_equal(a, c), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "A", "pkg5"), 0);
	CU_ASSERT_EQUAL(dupg_config_equal(a, c), 1);
	CU_ASSERT_EQUAL(dupg_config_equal(c, a), 1);
	CU_ASSERT_EQUAL(dupg_config_set(c, "C", "pkg6"), 0);
	CU_ASSERT_EQUAL(dupg_config_equal(a, c), 0);
	CU_ASSERT_EQUAL(dupg_config_equal(c, a), 0);
	CU_ASSERT_EQUAL(dupg_config_equal(NULL, NULL), 1);
	dupg_config_free(a);
	dupg_config_free(b);
	dupg_config_free(c);
}

static void test_to_json(void)
{
	dupg_config *c = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	CU_ASSERT_EQUAL(dupg_config_to_json(&json, c), 0);
	CU_ASSERT_STRING_EQUAL(json, "{}");
	dupg_free(json);
	CU_ASSERT_EQUAL(dupg_config_set(c, "C", "store/pkg6"), 0);
	CU_ASSERT_EQUAL(dupg_config_set(c, "A", "/srv/pkg \"5\""), 0);
	CU_ASSERT_EQUAL(dupg_config_to_json(&json, c), 0);
	/* slashes stay as they are, quotes are escaped */
	CU_ASSERT_STRING_EQUAL(json, "{\"C\":\"store/pkg6\",\"A\":\"/srv/pkg \\\"5\\\"\"}");
	dupg_free(json);
	dupg_config_free(c);
}

static void test_many_types(void)
{
	dupg_config *c = NULL;
	char hw[32], path[32];
	int i;

	/* enough to make the map grow several times */
	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	for (i = 0; i < 5000; i++) {
		snprintf(hw, sizeof(hw), "T%d", i);
		snprintf(path, sizeof(path), "p%d", i);
		CU_ASSERT_EQUAL(dupg_config_set(c, hw, path), 0);
	}
	for (i = 0; i < 5000; i += 7) {
		snprintf(hw, sizeof(hw), "T%d", i);
		snprintf(path, sizeof(path), "p%d", i);
		CU_ASSERT_STRING_EQUAL(dupg_config_get(c, hw), path);
		CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, (size_t)i), hw);
	}
	CU_ASSERT_EQUAL(dupg_config_count(c), 5000);
	dupg_config_free(c);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "new, set, get, getters", test_new_set_get },
		{ "set replaces in place", test_replace_keeps_position },
		{ "bad arguments", test_bad_arguments },
		{ "dup and equal", test_dup_and_equal },
		{ "to_json", test_to_json },
		{ "many types", test_many_types },
		CU_TEST_INFO_NULL,
	};
	return fx_run("configuration", tests);
}
