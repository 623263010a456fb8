/* SPDX-License-Identifier: BSD-2-Clause */
/* Device version descriptions, their merge, and the system description's JSON. */
#include "fixture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const dupg_device_vd worked[] = {
	{ "BBU1", "A", "3", 0 },
	{ "HUB1", "B", "4", 0 },
	{ "HUB2", "C", "2", 0 },
	{ "HUB3", "B", "4", 0 },
	{ "RRU1", "D", "2", 0 },
	{ "RRU2", "E", "2", 0 },
	{ "RRU3", "D", "2", 0 },
	{ "RRU4", "E", "2", 0 },
};

static const char worked_json[] =
	"{\"hw\":{\"A\":[{\"version\":\"3\",\"devices\":[\"BBU1\"]}],"
	"\"B\":[{\"version\":\"4\",\"devices\":[\"HUB1\",\"HUB3\"]}],"
	"\"C\":[{\"version\":\"2\",\"devices\":[\"HUB2\"]}],"
	"\"D\":[{\"version\":\"2\",\"devices\":[\"RRU1\",\"RRU3\"]}],"
	"\"E\":[{\"version\":\"2\",\"devices\":[\"RRU2\",\"RRU4\"]}]}}";

/* Expect type i to be hw with one version v run by the devices d1 (and d2). */
static void expect_single(const dupg_sysvd *s, size_t i, const char *hw, const char *v,
			  const char *d1, const char *d2)
{
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_hw(s, i), hw);
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(s, hw), i);
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, i), 1);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, i, 0), v);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, i), v);
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, i, 0), d2 ? 2 : 1);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, i, 0, 0), d1);
	if (d2 != NULL)
		CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, i, 0, 1), d2);
}

static void test_worked_example(void)
{
	dupg_sysvd *s = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, worked, sizeof(worked) / sizeof(worked[0])), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 5);
	expect_single(s, 0, "A", "3", "BBU1", NULL);
	expect_single(s, 1, "B", "4", "HUB1", "HUB3");
	expect_single(s, 2, "C", "2", "HUB2", NULL);
	expect_single(s, 3, "D", "2", "RRU1", "RRU3");
	expect_single(s, 4, "E", "2", "RRU2", "RRU4");
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	CU_ASSERT_STRING_EQUAL(json, worked_json);
	dupg_free(json);
	dupg_sysvd_free(s);
}

/* Strings are copied: the caller's buffers may change after the add. */
static void test_strings_copied(void)
{
	dupg_sysvd *s = NULL;
	char id[8] = "X1", hw[8] = "T", ver[8] = "1.0";
	dupg_device_vd d = { id, hw, ver, 30 };

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_new(&s), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &d), 0);
	strcpy(id, "zz");
	strcpy(hw, "zz");
	strcpy(ver, "zz");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_hw(s, 0), "T");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 0), "1.0");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 0, 0), "X1");
	dupg_sysvd_free(s);
}

/* Two devices of a type on different versions both stay visible; the lowest decides. */
static void test_versions_sorted(void)
{
	const dupg_device_vd devs[] = {
		{ "r1", "RRU", "2.10", 0 },
		{ "r2", "RRU", "2.9", 0 },
		{ "h1", "HUB", "1", 0 },
		{ "r3", "RRU", "2.10", 0 },
		{ "r4", "RRU", "2.10~rc1", 0 },
		{ "r5", "RRU", "10", 0 },
	};
	dupg_sysvd *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, 6), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_hw(s, 0), "RRU");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_hw(s, 1), "HUB");
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), 4);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 0), "2.9");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 1), "2.10~rc1");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 2), "2.10");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 3), "10");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), "2.9");
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 0, 0), 1);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 0, 0), "r2");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 1, 0), "r4");
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 0, 2), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 2, 0), "r1");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 2, 1), "r3");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 3, 0), "r5");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 1), "1");
	dupg_sysvd_free(s);
}

/* Spellings equal under dupg_vercmp stay distinct, in first-seen order; nothing is lost. */
static void test_equal_spellings(void)
{
	const dupg_device_vd devs[] = {
		{ "a", "T", "1.02", 0 },
		{ "b", "T", "1.2", 0 },
		{ "c", "T", "1.002", 0 },
		{ "d", "T", "1.2", 0 },
		{ "e", "T", "1.1", 0 },
		{ "f", "T", "1.3", 0 },
	};
	dupg_sysvd *s = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, 6), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), 5);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 0), "1.1");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 1), "1.02");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 2), "1.2");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 3), "1.002");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 4), "1.3");
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 0, 2), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 2, 1), "d");
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"hw\":{\"T\":["
			       "{\"version\":\"1.1\",\"devices\":[\"e\"]},"
			       "{\"version\":\"1.02\",\"devices\":[\"a\"]},"
			       "{\"version\":\"1.2\",\"devices\":[\"b\",\"d\"]},"
			       "{\"version\":\"1.002\",\"devices\":[\"c\"]},"
			       "{\"version\":\"1.3\",\"devices\":[\"f\"]}]}}");
	dupg_free(json);
	dupg_sysvd_free(s);
}

static void test_empty(void)
{
	dupg_sysvd *s = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, NULL, 0), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"hw\":{}}");
	dupg_free(json);
	dupg_sysvd_free(s);
}

static void test_add_errors(void)
{
	dupg_sysvd *s = NULL;
	dupg_device_vd d;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_new(&s), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &worked[0]), 0);

	d = (dupg_device_vd){ NULL, "A", "1", 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EINVAL, "without an id", NULL);
	d = (dupg_device_vd){ "", "A", "1", 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EINVAL, "without an id", NULL);
	d = (dupg_device_vd){ "X9", NULL, "1", 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EINVAL, "X9", "hardware type");
	d = (dupg_device_vd){ "X9", "", "1", 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EINVAL, "X9", "hardware type");
	d = (dupg_device_vd){ "X9", "A", NULL, 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EINVAL, "X9", "version");
	d = (dupg_device_vd){ "X9", "A", "", 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EINVAL, "X9", "version");
	/* the same id on another type and version is still a duplicate */
	d = (dupg_device_vd){ "BBU1", "Z", "9", 0 };
	fx_expect_error(dupg_sysvd_add(s, &d), DUPG_EEXISTS, "BBU1", "already");
	fx_expect_error(dupg_sysvd_add(NULL, &d), DUPG_EINVAL, "dupg_sysvd_add", NULL);
	fx_expect_error(dupg_sysvd_add(s, NULL), DUPG_EINVAL, "dupg_sysvd_add", NULL);
	fx_expect_error(dupg_sysvd_new(NULL), DUPG_EINVAL, "dupg_sysvd_new", NULL);

	/* failed adds left nothing behind, and X9 can still be added */
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"hw\":{\"A\":[{\"version\":\"3\",\"devices\":[\"BBU1\"]}]}}");
	dupg_free(json);
	d = (dupg_device_vd){ "X9", "A", "1", 0 };
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &d), 0);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), "1");
	dupg_sysvd_free(s);
}

static void test_merge_errors(void)
{
	const dupg_device_vd dup[] = {
		{ "h1", "HUB", "1", 0 },
		{ "h2", "HUB", "1", 0 },
		{ "h1", "RRU", "2", 0 },
	};
	const dupg_device_vd nover[] = {
		{ "h1", "HUB", "1", 0 },
		{ "r7", "RRU", NULL, 0 },
	};
	dupg_sysvd *s = (dupg_sysvd *)&s;

	fx_expect_error(dupg_merge(&s, dup, 3), DUPG_EEXISTS, "h1", NULL);
	CU_ASSERT_PTR_NULL(s);
	s = (dupg_sysvd *)&s;
	fx_expect_error(dupg_merge(&s, nover, 2), DUPG_EINVAL, "r7", "version");
	CU_ASSERT_PTR_NULL(s);
	fx_expect_error(dupg_merge(NULL, dup, 3), DUPG_EINVAL, "dupg_merge", NULL);
	s = (dupg_sysvd *)&s;
	fx_expect_error(dupg_merge(&s, NULL, 3), DUPG_EINVAL, "dupg_merge", NULL);
	CU_ASSERT_PTR_NULL(s);
	fx_expect_error(dupg_sysvd_to_json(NULL, NULL), DUPG_EINVAL, "dupg_sysvd_to_json", NULL);
	{
		char *json = (char *)&s;
		fx_expect_error(dupg_sysvd_to_json(&json, NULL), DUPG_EINVAL, "dupg_sysvd_to_json", NULL);
		CU_ASSERT_PTR_NULL(json);
	}
}

static void test_getters_out_of_range(void)
{
	dupg_sysvd *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, worked, 8), 0);
	CU_ASSERT_PTR_NULL(dupg_sysvd_hw(s, 5));
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(s, "F"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(s, NULL), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 5), 0);
	CU_ASSERT_PTR_NULL(dupg_sysvd_version(s, 5, 0));
	CU_ASSERT_PTR_NULL(dupg_sysvd_version(s, 0, 1));
	CU_ASSERT_PTR_NULL(dupg_sysvd_lowest_version(s, 5));
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 5, 0), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 1, 1), 0);
	CU_ASSERT_PTR_NULL(dupg_sysvd_device(s, 1, 0, 2));
	CU_ASSERT_PTR_NULL(dupg_sysvd_device(s, 1, 1, 0));
	CU_ASSERT_PTR_NULL(dupg_sysvd_device(s, 5, 0, 0));
	/* a NULL description reads as empty */
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_sysvd_hw(NULL, 0));
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(NULL, "A"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(NULL, 0), 0);
	CU_ASSERT_PTR_NULL(dupg_sysvd_version(NULL, 0, 0));
	CU_ASSERT_PTR_NULL(dupg_sysvd_lowest_version(NULL, 0));
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(NULL, 0, 0), 0);
	CU_ASSERT_PTR_NULL(dupg_sysvd_device(NULL, 0, 0, 0));
	dupg_sysvd_free(s);
	dupg_sysvd_free(NULL);
}

static void test_from_json_roundtrip(void)
{
	dupg_sysvd *s = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&s, worked_json, strlen(worked_json), "w.json"),
			      0);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 5);
	expect_single(s, 1, "B", "4", "HUB1", "HUB3");
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	CU_ASSERT_STRING_EQUAL(json, worked_json);
	dupg_free(json);
	dupg_sysvd_free(s);
}

/* Keys of "hw" keep document order; versions are sorted; extra keys are ignored. */
static void test_from_json_order(void)
{
	const char *text =
		"{\"site\": \"s1\", \"hw\": {\n"
		"  \"Z\": [{\"version\": \"2\", \"devices\": [\"z2\"], \"note\": 1},\n"
		"         {\"version\": \"1~beta\", \"devices\": [\"z1\", \"z0\"]}],\n"
		"  \"A\": [{\"version\": \"7\", \"devices\": [\"a\"]},\n"
		"         {\"version\": \"7\", \"devices\": [\"b\"]}]\n"
		"}}  \n";
	dupg_sysvd *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&s, text, strlen(text), NULL), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_hw(s, 0), "Z");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_hw(s, 1), "A");
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), "1~beta");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 0, 0), "z1");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 0, 1), "z0");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 1, 0), "z2");
	/* one version listed twice merges into one entry */
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 1), 1);
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 1, 0), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 1, 0, 1), "b");
	dupg_sysvd_free(s);
}

struct bad_json {
	const char *text;
	int code;
	const char *needle;
};

static void test_from_json_errors(void)
{
	const struct bad_json cases[] = {
		{ "{\"hw\": ", DUPG_EFORMAT, "invalid JSON" },
		{ "{\"hw\": {}} x", DUPG_EFORMAT, "invalid JSON" },
		{ "[1, 2]", DUPG_EFORMAT, "not a JSON object" },
		{ "{\"HW\": {}}", DUPG_EFORMAT, "\"hw\" is missing" },
		{ "{\"hw\": []}", DUPG_EFORMAT, "\"hw\" is not an object" },
		{ "{\"hw\": {\"\": []}}", DUPG_EFORMAT, "empty hardware type" },
		{ "{\"hw\": {\"B\": {}}}", DUPG_EFORMAT, "hw: B: not an array" },
		{ "{\"hw\": {\"B\": []}}", DUPG_EFORMAT, "hw: B: version list is empty" },
		{ "{\"hw\": {\"B\": [\"4\"]}}", DUPG_EFORMAT, "hw: B[0]: not an object" },
		{ "{\"hw\": {\"B\": [{\"devices\": [\"h\"]}]}}", DUPG_EFORMAT,
		  "hw: B[0]: \"version\" is missing" },
		{ "{\"hw\": {\"B\": [{\"version\": 4, \"devices\": [\"h\"]}]}}", DUPG_EFORMAT,
		  "hw: B[0]: \"version\" is not a non-empty string" },
		{ "{\"hw\": {\"B\": [{\"version\": \"\", \"devices\": [\"h\"]}]}}", DUPG_EFORMAT,
		  "hw: B[0]: \"version\" is not a non-empty string" },
		{ "{\"hw\": {\"B\": [{\"version\": \"4\"}]}}", DUPG_EFORMAT,
		  "hw: B[0]: \"devices\" is missing" },
		{ "{\"hw\": {\"B\": [{\"version\": \"4\", \"devices\": \"h\"}]}}", DUPG_EFORMAT,
		  "hw: B[0]: \"devices\" is not an array" },
		{ "{\"hw\": {\"B\": [{\"version\": \"4\", \"devices\": []}]}}", DUPG_EFORMAT,
		  "hw: B[0]: \"devices\" is empty" },
		{ "{\"hw\": {\"B\": [{\"version\": \"3\", \"devices\": [\"x\"]},"
		  "{\"version\": \"4\", \"devices\": [\"h\", null]}]}}", DUPG_EFORMAT,
		  "hw: B[1]: devices[1] is not a non-empty string" },
		{ "{\"hw\": {\"B\": [{\"version\": \"4\", \"devices\": [\"\"]}]}}", DUPG_EFORMAT,
		  "hw: B[0]: devices[0] is not a non-empty string" },
		{ "{\"hw\": {\"B\": [{\"version\": \"4\", \"devices\": [\"h\", \"h\"]}]}}",
		  DUPG_EEXISTS, "hw: B[0]: device h is listed twice" },
		{ "{\"hw\": {\"B\": [{\"version\": \"4\", \"devices\": [\"h\"]}],"
		  "\"C\": [{\"version\": \"1\", \"devices\": [\"h\"]}]}}",
		  DUPG_EEXISTS, "hw: C[0]: device h is listed twice" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dupg_sysvd *s = (dupg_sysvd *)&s;
		int rc = dupg_sysvd_from_json(&s, cases[i].text, strlen(cases[i].text), "site7.json");
		if (rc != cases[i].code)
			fprintf(stderr, "case %zu: got %d (%s)\n", i, rc, dupg_error_last());
		fx_expect_error(rc, cases[i].code, "site7.json: ", cases[i].needle);
		CU_ASSERT_PTR_NULL(s);
	}
	/* without an origin the message still says where */
	fx_expect_error(dupg_sysvd_from_json(&(dupg_sysvd *){ NULL }, "{}", 2, NULL), DUPG_EFORMAT,
		     "<system description>: \"hw\" is missing", NULL);
	fx_expect_error(dupg_sysvd_from_json(NULL, "{}", 2, "x"), DUPG_EINVAL, "dupg_sysvd_from_json",
		     NULL);
}

/* ---- many versions of one type ------------------------------------------ */

/*
 * Versions of one type in ascending dupg_vercmp order, most of them alike in
 * their first three numbers, decided by '~', letters, symbols, a fourth or
 * fifth number, or digit runs longer than any integer type. A tie row
 * compares equal to the row before it, spelled otherwise.
 */
static const struct {
	const char *version;
	int tie;
} ladder[] = {
	{ "1.2.3.4~~", 0 },
	{ "1.2.3.4~rc1", 0 },
	{ "1.2.3.4~rc2", 0 },
	{ "1.2.3.4~rc10", 0 },
	{ "1.2.3.4", 0 },
	{ "1.2.3.04", 1 },
	{ "1.2.3.0004", 1 },
	{ "1.2.3.4-1", 0 },  /* upstream 1.2.3.4, revision 1 */
	{ "1.2.3.4a", 0 },
	{ "1.2.3.4z", 0 },
	{ "1.2.3.4+b1", 0 },
	{ "1.2.3.4+b2", 0 },
	{ "1.2.3.4.0", 0 },
	{ "1.2.3.4.", 1 },
	{ "1.2.3.4.1~rc1", 0 },
	{ "1.2.3.4.1", 0 },
	{ "1.2.3.4.1.0", 0 },
	{ "1.2.3.4.1:1", 0 },
	{ "1.2.3.4.9", 0 },
	{ "1.2.3.4.10", 0 },
	{ "1.2.3.4.65535", 0 },
	{ "1.2.3.4.65536", 0 },
	{ "1.2.3.4.18446744073709551616", 0 },
	{ "1.2.3.4.100000000000000000000000000000000000000", 0 },
	{ "1.2.3.4_", 0 },
	{ "1.2.3.5~", 0 },
	{ "1.2.3.5", 0 },
	{ "1.2.3.10", 0 },
	{ "1.2.3.010", 1 },
};
#define NLADDER (sizeof(ladder) / sizeof(ladder[0]))

/* Device ids of ladder row r: "L<r>", then the extra ones added last. */
static const struct {
	size_t row;
	const char *id;
} ladder_extra[] = { { 27, "x0" }, { 0, "x1" }, { 5, "x2" }, { 27, "x3" }, { 13, "x4" } };
#define NEXTRA (sizeof(ladder_extra) / sizeof(ladder_extra[0]))

/* The JSON of the ladder type "RRU", rows in the given order, with their devices. */
static char *ladder_json(const size_t *rows, size_t n)
{
	size_t cap = 16384, len = 0, i, e;
	char *out = malloc(cap);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	len += (size_t)snprintf(out + len, cap - len, "{\"hw\":{\"RRU\":[");
	for (i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, cap - len,
					"%s{\"version\":\"%s\",\"devices\":[\"L%zu\"",
					i > 0 ? "," : "", ladder[rows[i]].version, rows[i]);
		for (e = 0; e < NEXTRA; e++)
			if (ladder_extra[e].row == rows[i])
				len += (size_t)snprintf(out + len, cap - len, ",\"%s\"",
							ladder_extra[e].id);
		len += (size_t)snprintf(out + len, cap - len, "]}");
	}
	snprintf(out + len, cap - len, "]}}");
	CU_ASSERT_FATAL(len + 4 < cap);
	return out;
}

static void test_many_versions(void)
{
	dupg_device_vd devs[NLADDER + NEXTRA];
	char ids[NLADDER][24];
	size_t rows[NLADDER], n = 0, i, k, lowest_row = NLADDER;
	dupg_sysvd *s = NULL, *merged = NULL, *back = NULL;
	char *want, *json = NULL, *text;

	/*
	 * The rows that are not ties in a scrambled order (29 rows, stepping
	 * by 11), then the ties, each after the row it ties with, then devices
	 * on versions already there.
	 */
	for (i = 0; i < NLADDER; i++) {
		size_t r = i * 11 % NLADDER;
		if (ladder[r].tie)
			continue;
		snprintf(ids[r], sizeof(ids[r]), "L%zu", r);
		devs[n++] = (dupg_device_vd){ ids[r], "RRU", ladder[r].version, 0 };
	}
	for (i = 0; i < NLADDER; i++) {
		if (!ladder[i].tie)
			continue;
		snprintf(ids[i], sizeof(ids[i]), "L%zu", i);
		devs[n++] = (dupg_device_vd){ ids[i], "RRU", ladder[i].version, 0 };
	}
	for (i = 0; i < NEXTRA; i++)
		devs[n++] = (dupg_device_vd){ ladder_extra[i].id, "RRU",
					      ladder[ladder_extra[i].row].version, 0 };
	CU_ASSERT_EQUAL_FATAL(n, NLADDER + NEXTRA);

	/* one at a time: the lowest follows every add */
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_new(&s), 0);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_add(s, &devs[i]), 0);
		for (k = 0; k < NLADDER; k++)
			if (strcmp(ladder[k].version, devs[i].version) == 0 && k < lowest_row)
				lowest_row = k;
		CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), ladder[lowest_row].version);
	}
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 1);
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_version_count(s, 0), NLADDER);
	for (i = 0; i < NLADDER; i++) {
		if (strcmp(dupg_sysvd_version(s, 0, i), ladder[i].version) != 0) {
			fprintf(stderr, "\n  version %zu is %s, want %s\n", i, dupg_sysvd_version(s, 0, i),
				ladder[i].version);
			CU_FAIL("versions out of order");
		}
		rows[i] = i;
	}
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), "1.2.3.4~~");
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 0, 27), 3);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 27, 0), "L27");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 27, 1), "x0");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 27, 2), "x3");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 0, 1), "x1");
	/* a device on a tie spelling joins that spelling, not its equal */
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 0, 4), 1);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 5, 1), "x2");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 13, 1), "x4");
	CU_ASSERT_EQUAL(dupg_sysvd_device_count(s, 0, 12), 1);

	/* the JSON lists the versions ascending; dupg_merge agrees with the adds */
	want = ladder_json(rows, NLADDER);
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_to_json(&json, s), 0);
	CU_ASSERT_STRING_EQUAL(json, want);
	dupg_free(json);
	CU_ASSERT_EQUAL_FATAL(dupg_merge(&merged, devs, n), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_to_json(&json, merged), 0);
	CU_ASSERT_STRING_EQUAL(json, want);
	dupg_free(json);

	/* read back from a document listing them descending (ties kept in their order) */
	for (i = NLADDER, k = 0; i > 0;) {
		size_t start = i - 1, r;
		while (start > 0 && ladder[start].tie)
			start--;
		for (r = start; r < i; r++)
			rows[k++] = r;
		i = start;
	}
	text = ladder_json(rows, NLADDER);
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&back, text, strlen(text), "ladder.json"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(back, 0), "1.2.3.4~~");
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_to_json(&json, back), 0);
	CU_ASSERT_STRING_EQUAL(json, want);
	dupg_free(json);
	free(text);
	free(want);
	dupg_sysvd_free(back);
	dupg_sysvd_free(merged);
	dupg_sysvd_free(s);
}

/* ---- random sites: the lowest is the minimum under dupg_vercmp ----------- */

#define RS_SITES 600
#define RS_POOL 48
#define RS_DEVS 160
#define RS_VMAX 200

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint32_t rnd(uint32_t n)
{
	return fx_rand(&rng_state, n);
}

/* Long shared beginnings: a site's versions all start with one of these. */
static const char *const rs_stems[] = {
	"5.1.2.", "5.1.2.3.4.5.6.", "V200R003C10SPC", "2.65535.", "0.0.0.0.0.0.", "9~",
	"4.18446744073709551616.", "", "1.0", "3.000",
};

/* One piece of a version's tail: a number of some kind, or a separator. */
static const char *rs_piece(char *buf, size_t size)
{
	static const char *const seps[] = { ".", ".", "~", "~rc", "+b", "-", ":", "_", "a", "Z" };
	size_t i, n;

	switch (rnd(8)) {
	case 0:
		snprintf(buf, size, "%u", (unsigned)rnd(10));
		break;
	case 1:
		snprintf(buf, size, "%0*u", 2 + (int)rnd(6), (unsigned)rnd(20));
		break;
	case 2:
		snprintf(buf, size, "%u", 65533 + (unsigned)rnd(5));
		break;
	case 3:
		n = 18 + rnd(30);
		for (i = 0; i < n && i + 1 < size; i++)
			buf[i] = (char)('0' + (i == 0 ? 1 + rnd(9) : rnd(10)));
		buf[i] = '\0';
		break;
	default:
		snprintf(buf, size, "%s", seps[rnd(sizeof(seps) / sizeof(seps[0]))]);
	}
	return buf;
}

struct rs_site {
	char pool[RS_POOL][RS_VMAX];
	size_t npool;
	size_t pick[RS_DEVS];     /* pool entry of each RRU device */
	size_t ndevs;
	size_t first[RS_POOL];    /* device that first ran each pool entry, or RS_DEVS */
};

static struct rs_site rs;

static void rs_make(void)
{
	const char *stem = rs_stems[rnd(sizeof(rs_stems) / sizeof(rs_stems[0]))];
	size_t want = 8 + rnd(RS_POOL - 8), i, j, p;

	rs.npool = 0;
	for (i = 0; i < want; i++) {
		char *v = rs.pool[rs.npool], piece[64];
		size_t pieces = 1 + rnd(5);

		snprintf(v, RS_VMAX, "%s", stem);
		for (p = 0; p < pieces; p++)
			if (strlen(v) + sizeof(piece) < RS_VMAX)
				strcat(v, rs_piece(piece, sizeof(piece)));
		for (j = 0; j < rs.npool && strcmp(rs.pool[j], v) != 0; j++)
			;
		if (j == rs.npool)
			rs.first[rs.npool++] = RS_DEVS;
	}
	rs.ndevs = 20 + rnd(RS_DEVS - 20);
	for (i = 0; i < rs.ndevs; i++) {
		/* a few versions run on most devices */
		rs.pick[i] = rnd(2) ? rnd((uint32_t)(rs.npool < 4 ? rs.npool : 4)) : rnd((uint32_t)rs.npool);
		if (rs.first[rs.pick[i]] == RS_DEVS)
			rs.first[rs.pick[i]] = i;
	}
}

/* The pool entries in use, ascending by dupg_vercmp, ties in first-seen order. */
static size_t rs_expected(size_t *order)
{
	size_t n = 0, d, i;

	for (d = 0; d < rs.ndevs; d++) {
		size_t e = rs.pick[d];

		if (rs.first[e] != d)
			continue;
		/* after every entry lower or equal: the insertion sort is stable */
		for (i = n; i > 0 && dupg_vercmp(rs.pool[order[i - 1]], rs.pool[e]) > 0; i--)
			order[i] = order[i - 1];
		order[i] = e;
		n++;
	}
	return n;
}

static void rs_check_site(size_t site_no, size_t *bad)
{
	dupg_device_vd dev;
	dupg_sysvd *s = NULL;
	char ids[RS_DEVS][24];
	size_t order[RS_POOL], nver, d, v, k, hub = 0;
	const char *min = NULL;
	size_t rru;
	int ok = 1;

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_new(&s), 0);
	for (d = 0; d < rs.ndevs; d++) {
		const char *ver = rs.pool[rs.pick[d]];

		snprintf(ids[d], sizeof(ids[d]), "r%zu", d);
		dev = (dupg_device_vd){ ids[d], "RRU", ver, 0 };
		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_add(s, &dev), 0);
		/* other types come and go between the RRUs */
		if (rnd(8) == 0) {
			char hid[24];
			snprintf(hid, sizeof(hid), "h%zu", hub++);
			dev = (dupg_device_vd){ hid, rnd(2) ? "HUB" : "BBU", ver, 0 };
			CU_ASSERT_EQUAL_FATAL(dupg_sysvd_add(s, &dev), 0);
		}
		if (min == NULL || dupg_vercmp(ver, min) < 0)
			min = ver;
		rru = dupg_sysvd_find_hw(s, "RRU");
		if (ok && strcmp(dupg_sysvd_lowest_version(s, rru), min) != 0) {
			fprintf(stderr, "\n  site %zu, after device %zu (%s): lowest %s, want %s\n",
				site_no, d, ver, dupg_sysvd_lowest_version(s, rru), min);
			ok = 0;
		}
	}
	rru = dupg_sysvd_find_hw(s, "RRU");
	CU_ASSERT_EQUAL_FATAL(rru, 0);
	nver = rs_expected(order);
	if (dupg_sysvd_version_count(s, 0) != nver)
		ok = 0;
	for (v = 0; ok && v < nver; v++) {
		size_t e = order[v], nd = 0;

		if (strcmp(dupg_sysvd_version(s, 0, v), rs.pool[e]) != 0) {
			fprintf(stderr, "\n  site %zu: version %zu is %s, want %s\n", site_no, v,
				dupg_sysvd_version(s, 0, v), rs.pool[e]);
			ok = 0;
		}
		/* its devices, in the order added */
		for (d = 0; ok && d < rs.ndevs; d++) {
			if (rs.pick[d] != e)
				continue;
			ok = dupg_sysvd_device(s, 0, v, nd) != NULL &&
			     strcmp(dupg_sysvd_device(s, 0, v, nd), ids[d]) == 0;
			nd++;
		}
		ok = ok && dupg_sysvd_device_count(s, 0, v) == nd;
	}
	ok = ok && strcmp(dupg_sysvd_lowest_version(s, 0), rs.pool[order[0]]) == 0 &&
	     dupg_sysvd_lowest_version(s, 0) == dupg_sysvd_version(s, 0, 0);
	/* one site in ten goes through its JSON and back */
	if (ok && site_no % 10 == 0) {
		dupg_sysvd *back = NULL;
		char *json = NULL, *again = NULL;

		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_to_json(&json, s), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&back, json, strlen(json), "site.json"), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_to_json(&again, back), 0);
		k = dupg_sysvd_find_hw(back, "RRU");
		ok = strcmp(json, again) == 0 &&
		     strcmp(dupg_sysvd_lowest_version(back, k), rs.pool[order[0]]) == 0;
		dupg_free(json);
		dupg_free(again);
		dupg_sysvd_free(back);
	}
	if (!ok)
		(*bad)++;
	dupg_sysvd_free(s);
}

static void test_random_lowest(void)
{
	size_t i, bad = 0, versions = 0;

	for (i = 0; i < RS_SITES; i++) {
		rs_make();
		versions += rs.npool;
		rs_check_site(i, &bad);
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* the sites had many versions of their type */
	CU_ASSERT(versions > RS_SITES * 20);
}

/* ---- hostile descriptions: cost, strings, limits -------------------------- */

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* to_json of s, compared with want (NULL: return it for the caller to free). */
static char *json_of(const dupg_sysvd *s)
{
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_to_json(&json, s), 0);
	return json;
}

/*
 * A random site whose versions come from a pool full of spellings that
 * compare equal, with more versions per type than a scan covers: dupg_merge,
 * one dupg_sysvd_add after the other, and a merge followed by more adds all
 * give the same description, which its JSON gives back.
 */
static void test_batch_equals_one_by_one(void)
{
	enum { N = 3000, POOL = 60 };
	static dupg_device_vd devs[N];
	static char ids[N][16], pool[POOL][24];
	static const char *const types[] = { "A", "B", "C" };
	uint64_t rng = 15;
	size_t i, round;

	for (round = 0; round < 8; round++) {
		dupg_sysvd *batch = NULL, *single = NULL, *mixed = NULL, *back = NULL;
		char *a, *b, *c, *d;
		size_t split = fx_rand(&rng, N);

		for (i = 0; i < POOL; i++) {
			/* "7", "07", "7.0", "007.00", "7~rc1", ... */
			uint32_t major = fx_rand(&rng, 12), zeros = fx_rand(&rng, 3);
			snprintf(pool[i], sizeof(pool[i]), "%.*s%u%s%s", (int)zeros, "000", major,
				 fx_rand(&rng, 3) == 0 ? ".0" : "", fx_rand(&rng, 4) == 0 ? "~rc1" : "");
		}
		for (i = 0; i < N; i++) {
			snprintf(ids[i], sizeof(ids[i]), "d%zu", i);
			devs[i] = (dupg_device_vd){ ids[i], types[fx_rand(&rng, 3)],
						    pool[fx_rand(&rng, round < 4 ? POOL : 20)], 0 };
		}
		CU_ASSERT_EQUAL_FATAL(dupg_merge(&batch, devs, N), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_new(&single), 0);
		for (i = 0; i < N; i++)
			CU_ASSERT_EQUAL_FATAL(dupg_sysvd_add(single, &devs[i]), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_merge(&mixed, devs, split), 0);
		for (i = split; i < N; i++)
			CU_ASSERT_EQUAL_FATAL(dupg_sysvd_add(mixed, &devs[i]), 0);
		a = json_of(batch);
		b = json_of(single);
		c = json_of(mixed);
		CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&back, a, strlen(a), "a.json"), 0);
		d = json_of(back);
		CU_ASSERT_STRING_EQUAL(a, b);
		CU_ASSERT_STRING_EQUAL(a, c);
		CU_ASSERT_STRING_EQUAL(a, d);
		for (i = 0; i < dupg_sysvd_hw_count(batch); i++)
			CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(batch, i),
					       dupg_sysvd_lowest_version(single, i));
		/* the pools were large enough to outgrow the scan of a type's versions */
		if (round == 0)
			CU_ASSERT(dupg_sysvd_version_count(batch, 0) > 16);
		dupg_free(a);
		dupg_free(b);
		dupg_free(c);
		dupg_free(d);
		dupg_sysvd_free(batch);
		dupg_sysvd_free(single);
		dupg_sysvd_free(mixed);
		dupg_sysvd_free(back);
	}
}

/* The JSON of one type "T" whose entry i runs version versions[i] on device "d<i>". */
static char *one_type_json(char *const *versions, size_t n)
{
	size_t cap = 64, len, i;
	char *out;

	for (i = 0; i < n; i++)
		cap += strlen(versions[i]) + 48;
	out = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	len = (size_t)snprintf(out, cap, "{\"hw\": {\"T\": [");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s{\"version\": \"%s\", \"devices\": [\"d%zu\"]}",
					i > 0 ? ", " : "", versions[i], i);
	snprintf(out + len, cap - len, "]}}");
	return out;
}

/*
 * The two descriptions that took minutes: 64,000 spellings of one version
 * ("1.1.1", "01.1.1", "1.001.1", ...; 2 min 37 s) and 200,000 versions in
 * descending order (21 s). Each now parses in well under a second; the bound
 * is loose for slow and instrumented machines. Order as before: equal
 * spellings in first-seen order, versions ascending.
 */
static void test_hostile_merges(void)
{
	enum { EQ = 64000, DESC = 200000 };
	char **v = malloc(DESC * sizeof(*v)), *text, *json;
	dupg_device_vd *devs = malloc(DESC * sizeof(*devs));
	char (*ids)[16] = malloc(DESC * sizeof(*ids));
	size_t i, n = 0, a, b, c;
	dupg_sysvd *s = NULL;
	double t0;

	CU_ASSERT_FATAL(v != NULL && devs != NULL && ids != NULL);
	for (a = 0; a < 40; a++)
		for (b = 0; b < 40; b++)
			for (c = 0; c < 40; c++) {
				v[n] = malloc(128);
				CU_ASSERT_PTR_NOT_NULL_FATAL(v[n]);
				snprintf(v[n], 128, "%.*s1.%.*s1.%.*s1", (int)a,
					 "0000000000000000000000000000000000000000", (int)b,
					 "0000000000000000000000000000000000000000", (int)c,
					 "0000000000000000000000000000000000000000");
				n++;
			}
	CU_ASSERT_EQUAL_FATAL(n, EQ);
	text = one_type_json(v, EQ);
	t0 = seconds();
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&s, text, strlen(text), "eq.json"), 0);
	CU_ASSERT(seconds() - t0 < 20.0 * fx_slowdown());
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), EQ);
	for (i = 0; i < EQ; i++)
		if (strcmp(dupg_sysvd_version(s, 0, i), v[i]) != 0)
			break;
	CU_ASSERT_EQUAL(i, EQ);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, 0), "1.1.1");
	/* what it prints is what it read */
	json = json_of(s);
	dupg_sysvd_free(s);
	s = NULL;
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&s, json, strlen(json), "eq2.json"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, EQ - 1), v[EQ - 1]);
	dupg_sysvd_free(s);
	s = NULL;
	dupg_free(json);
	free(text);
	for (i = 0; i < EQ; i++)
		free(v[i]);

	for (i = 0; i < DESC; i++) {
		v[i] = malloc(16);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v[i]);
		snprintf(v[i], 16, "%zu", DESC - i);
		snprintf(ids[i], sizeof(ids[i]), "d%zu", i);
		devs[i] = (dupg_device_vd){ ids[i], "T", v[i], 0 };
	}
	text = one_type_json(v, DESC);
	t0 = seconds();
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&s, text, strlen(text), "desc.json"), 0);
	CU_ASSERT(seconds() - t0 < 20.0 * fx_slowdown());
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), DESC);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 0), "1");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_device(s, 0, 0, 0), "d199999");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, DESC - 1), "200000");
	dupg_sysvd_free(s);
	s = NULL;
	t0 = seconds();
	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, DESC), 0);
	CU_ASSERT(seconds() - t0 < 20.0 * fx_slowdown());
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, 0, 1), "2");
	dupg_sysvd_free(s);
	free(text);
	for (i = 0; i < DESC; i++)
		free(v[i]);
	free(v);
	free(devs);
	free(ids);
}

/* Ids, types and versions: length limits, NUL bytes and UTF-8, from the API and from JSON. */
static void test_string_limits(void)
{
	static char id[DUPG_ID_MAX_BYTES + 2], hw[DUPG_HW_MAX_BYTES + 2],
		ver[DUPG_VERSION_MAX_BYTES + 2];
	static const char *const bad_utf8[] = {
		"\xff", "A\xc0\x80", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80", "\x80x",
	};
	static const struct bad_json cases[] = {
		{ "{\"hw\": {\"T\": [{\"version\": \"1\", \"devices\": [\"a\"]}, "
		  "{\"version\": \"1\\u0000evil\", \"devices\": [\"b\"]}]}}",
		  DUPG_EFORMAT, "hw: T[1]: \"version\" contains a NUL byte" },
		{ "{\"hw\": {\"U\": [{\"version\": \"2\", \"devices\": [\"HUB1\\u0000x\"]}]}}",
		  DUPG_EFORMAT, "hw: U[0]: devices[0] contains a NUL byte" },
		{ "{\"hw\": {\"A\\u0000x\": [{\"version\": \"2\", \"devices\": [\"a\"]}], "
		  "\"A\": [{\"version\": \"3\", \"devices\": [\"b\"]}]}}",
		  DUPG_EFORMAT, "object key at byte 8 contains a NUL byte" },
		{ "{\"hw\": {\"A\": [{\"version\": \"2\", \"devices\": [\"a\"], \"x\\u0000\": 1}]}}",
		  DUPG_EFORMAT, "contains a NUL byte" },
		{ "{\"hw\": {\"\xc3\": [{\"version\": \"2\", \"devices\": [\"a\"]}]}}",
		  DUPG_EFORMAT, "hw: hardware type 0 is not valid UTF-8 (byte 0)" },
		{ "{\"hw\": {\"A\": [{\"version\": \"2\xed\xbf\xbf\", \"devices\": [\"a\"]}]}}",
		  DUPG_EFORMAT, "hw: A[0]: \"version\" is not valid UTF-8 (byte 1)" },
		{ "{\"hw\": {\"A\": [{\"version\": \"2\", \"devices\": [\"a\", \"\xe0\x80\xaf\"]}]}}",
		  DUPG_EFORMAT, "hw: A[0]: devices[1] is not valid UTF-8 (byte 0)" },
		{ "{\"hw\": {\"A\": [{\"version\": \"2\", \"devices\": [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}]}}",
		  DUPG_EFORMAT, "invalid JSON: nested deeper than 16 levels" },
	};
	const dupg_device_vd good = { "RRU-\xc3\xbc", "\xe7\x89\x88-B", "1.0~\xce\xb2", 0 };
	dupg_sysvd *s = NULL;
	char *text, *json;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_new(&s), 0);
	/* at the limits, and multi-byte UTF-8: accepted, printed back as given */
	memset(id, 'i', DUPG_ID_MAX_BYTES);
	memset(hw, 'h', DUPG_HW_MAX_BYTES);
	memset(ver, '9', DUPG_VERSION_MAX_BYTES);
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &(dupg_device_vd){ id, hw, ver, 0 }), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &good), 0);
	json = json_of(s);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"RRU-\xc3\xbc\""));
	dupg_free(json);
	/* one byte more */
	id[DUPG_ID_MAX_BYTES] = 'i';
	fx_expect_error(dupg_sysvd_add(s, &(dupg_device_vd){ id, "A", "1", 0 }), DUPG_EINVAL,
			"device id is longer than 256 bytes", NULL);
	hw[DUPG_HW_MAX_BYTES] = 'h';
	fx_expect_error(dupg_sysvd_add(s, &(dupg_device_vd){ "x1", hw, "1", 0 }), DUPG_EINVAL,
			"device x1: hardware type is longer than 256 bytes", NULL);
	ver[DUPG_VERSION_MAX_BYTES] = '9';
	fx_expect_error(dupg_sysvd_add(s, &(dupg_device_vd){ "x1", "A", ver, 0 }), DUPG_EINVAL,
			"device x1: version is longer than 1024 bytes", NULL);
	for (i = 0; i < sizeof(bad_utf8) / sizeof(bad_utf8[0]); i++) {
		fx_expect_error(dupg_sysvd_add(s, &(dupg_device_vd){ bad_utf8[i], "A", "1", 0 }),
				DUPG_EINVAL, "device id is not valid UTF-8", NULL);
		fx_expect_error(dupg_sysvd_add(s, &(dupg_device_vd){ "x1", bad_utf8[i], "1", 0 }),
				DUPG_EINVAL, "device x1: hardware type is not valid UTF-8", NULL);
		fx_expect_error(dupg_sysvd_add(s, &(dupg_device_vd){ "x1", "A", bad_utf8[i], 0 }),
				DUPG_EINVAL, "device x1: version is not valid UTF-8", NULL);
	}
	/* nothing of the refused devices stayed */
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 2);
	dupg_sysvd_free(s);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = (dupg_sysvd *)&s;
		fx_expect_error(dupg_sysvd_from_json(&s, cases[i].text, strlen(cases[i].text), "h.json"),
				cases[i].code, "h.json: ", cases[i].needle);
		CU_ASSERT_PTR_NULL(s);
	}
	/* a 10 MB hardware type is refused, at once */
	text = malloc(10000100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memcpy(text, "{\"hw\": {\"", 9);
	memset(text + 9, 'H', 10000000);
	strcpy(text + 10000009, "\": [{\"version\": \"1\", \"devices\": [\"d\"]}]}}");
	fx_expect_error(dupg_sysvd_from_json(&s, text, strlen(text), "big.json"), DUPG_EFORMAT,
			"big.json: hw: hardware type 0 is longer than 256 bytes", NULL);
	free(text);
	/* more text than a description may be is not parsed */
	fx_expect_error(dupg_sysvd_from_json(&s, "{}", (size_t)DUPG_SYSVD_MAX_BYTES + 1, "huge.json"),
			DUPG_EFORMAT, "huge.json: 67108865 bytes, above the 67108864-byte limit", NULL);
}

/*
 * One more hardware type, version or device than a description may hold is
 * refused, naming the device and the limit, and leaves what was there.
 */
static void test_count_limits(void)
{
	size_t n = DUPG_SYSVD_MAX_DEVICES + 1, i;
	dupg_device_vd *devs = malloc(n * sizeof(*devs));
	char (*ids)[12] = malloc(n * sizeof(*ids)), (*names)[12] = malloc(n * sizeof(*names));
	dupg_sysvd *s = NULL;
	char *text;
	size_t len = 0, cap;

	CU_ASSERT_FATAL(devs != NULL && ids != NULL && names != NULL);
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "d%zu", i);
		snprintf(names[i], sizeof(names[i]), "%zu", i);
	}
	/* a type per device */
	for (i = 0; i <= DUPG_SYSVD_MAX_TYPES; i++)
		devs[i] = (dupg_device_vd){ ids[i], names[i], "1", 0 };
	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, DUPG_SYSVD_MAX_TYPES), 0);
	fx_expect_error(dupg_sysvd_add(s, &devs[DUPG_SYSVD_MAX_TYPES]), DUPG_EINVAL,
			"device d65536: more than 65536 hardware types", NULL);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), DUPG_SYSVD_MAX_TYPES);
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &(dupg_device_vd){ "late", "7", "2", 0 }), 0);
	dupg_sysvd_free(s);
	s = (dupg_sysvd *)&s;
	fx_expect_error(dupg_merge(&s, devs, DUPG_SYSVD_MAX_TYPES + 1), DUPG_EINVAL,
			"more than 65536 hardware types", NULL);
	CU_ASSERT_PTR_NULL(s);
	/* the same from JSON */
	cap = (size_t)(DUPG_SYSVD_MAX_TYPES + 1) * 64 + 16;
	text = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	len += (size_t)snprintf(text, cap, "{\"hw\": {");
	for (i = 0; i <= DUPG_SYSVD_MAX_TYPES; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s\"%s\": [{\"version\": \"1\", "
					"\"devices\": [\"%s\"]}]", i > 0 ? ", " : "", names[i], ids[i]);
	snprintf(text + len, cap - len, "}}");
	fx_expect_error(dupg_sysvd_from_json(&s, text, strlen(text), "types.json"), DUPG_EFORMAT,
			"types.json: hw: 65536[0]: device d65536: more than 65536 hardware types", NULL);
	free(text);

	/* a version per device, one type */
	for (i = 0; i <= DUPG_SYSVD_MAX_VERSIONS; i++)
		devs[i] = (dupg_device_vd){ ids[i], "T", names[i], 0 };
	fx_expect_error(dupg_merge(&s, devs, DUPG_SYSVD_MAX_VERSIONS + 1), DUPG_EINVAL,
			"device d1048576: more than 1048576 versions in all", NULL);
	CU_ASSERT_EQUAL_FATAL(dupg_merge(&s, devs, DUPG_SYSVD_MAX_VERSIONS), 0);
	fx_expect_error(dupg_sysvd_add(s, &devs[DUPG_SYSVD_MAX_VERSIONS]), DUPG_EINVAL,
			"more than 1048576 versions in all", NULL);
	/* a version already there still takes devices */
	CU_ASSERT_EQUAL(dupg_sysvd_add(s, &(dupg_device_vd){ "late", "T", "77", 0 }), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, 0), DUPG_SYSVD_MAX_VERSIONS);
	dupg_sysvd_free(s);

	/* one version, one type, a device too many */
	for (i = 0; i < n; i++)
		devs[i] = (dupg_device_vd){ ids[i], "T", "1", 0 };
	fx_expect_error(dupg_merge(&s, devs, n), DUPG_EINVAL, "device d4194304: more than 4194304 devices",
			NULL);
	free(devs);
	free(ids);
	free(names);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "worked example", test_worked_example },
		{ "strings copied", test_strings_copied },
		{ "versions sorted, lowest decides", test_versions_sorted },
		{ "equal spellings kept apart", test_equal_spellings },
		{ "empty", test_empty },
		{ "add errors", test_add_errors },
		{ "merge errors", test_merge_errors },
		{ "getters out of range", test_getters_out_of_range },
		{ "from_json round trip", test_from_json_roundtrip },
		{ "from_json order", test_from_json_order },
		{ "from_json errors", test_from_json_errors },
		{ "many versions of one type, alike in their first numbers", test_many_versions },
		{ "600 random sites: the lowest is the minimum", test_random_lowest },
		{ "merge, one add at a time and JSON give one description", test_batch_equals_one_by_one },
		{ "64,000 equal spellings, 200,000 descending versions", test_hostile_merges },
		{ "ids, types, versions: length, NUL bytes, UTF-8", test_string_limits },
		{ "most types, versions and devices", test_count_limits },
		CU_TEST_INFO_NULL,
	};
	return fx_run("vd", tests);
}
