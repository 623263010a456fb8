/* Device version descriptions, their merge, and the system description's JSON. */
#include "fixture.h"

#include <stdio.h>
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
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(s, hw), (long)i);
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
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(s, "F"), -1);
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(s, NULL), -1);
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
	CU_ASSERT_EQUAL(dupg_sysvd_find_hw(NULL, "A"), -1);
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
		CU_TEST_INFO_NULL,
	};
	return fx_run("vd", tests);
}
