/* Device version descriptions, their merge, and the system description's JSON. */
#include "fixture.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	{ "1.2.3.4a", 0 },
	{ "1.2.3.4z", 0 },
	{ "1.2.3.4+b1", 0 },
	{ "1.2.3.4+b2", 0 },
	{ "1.2.3.4-1", 0 },
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
		CU_TEST_INFO_NULL,
	};
	return fx_run("vd", tests);
}
