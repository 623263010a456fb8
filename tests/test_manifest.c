/* SPDX-License-Identifier: BSD-2-Clause */
/* Manifests: building one in memory, JSON out, parsing and validating JSON in. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* XXH3-128 of "hello\n", as `xxhsum -H2` prints it. */
#define HELLO_HEX "6bba86c7e069f56d5a10b435f1c8e49c"
static const unsigned char hello_digest[16] = {
	0x6b, 0xba, 0x86, 0xc7, 0xe0, 0x69, 0xf5, 0x6d,
	0x5a, 0x10, 0xb4, 0x35, 0xf1, 0xc8, 0xe4, 0x9c,
};

#define ASSERT_ERR(expr, code, needle)                                        \
	do {                                                                      \
		CU_ASSERT_EQUAL((expr), (code));                                  \
		CU_ASSERT_EQUAL(dupg_error_last_code(), (code));                  \
		if (strstr(dupg_error_last(), (needle)) == NULL) {                \
			fprintf(stderr, "\n  message \"%s\" lacks \"%s\"\n",      \
				dupg_error_last(), (needle));                     \
			CU_FAIL("message lacks the expected text");               \
		}                                                                 \
	} while (0)

static dupg_manifest *sample(void)
{
	dupg_manifest *m = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "pkg6", "6.0~rc1"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "B"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "C"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "bin/app", 6, hello_digest), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "etc/app.conf", 0, hello_digest), 0);
	return m;
}

static void test_new(void)
{
	dupg_manifest *m = (dupg_manifest *)1;

	ASSERT_ERR(dupg_manifest_new(&m, "", "1"), DUPG_EINVAL, "name is empty");
	CU_ASSERT_PTR_NULL(m);
	ASSERT_ERR(dupg_manifest_new(&m, NULL, "1"), DUPG_EINVAL, "name is empty");
	ASSERT_ERR(dupg_manifest_new(&m, "p", ""), DUPG_EINVAL, "version is empty");
	ASSERT_ERR(dupg_manifest_new(&m, "p", NULL), DUPG_EINVAL, "version is empty");
	ASSERT_ERR(dupg_manifest_new(NULL, "p", "1"), DUPG_EINVAL, "out is NULL");

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "p", "1.2"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_name(m), "p");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_version(m), "1.2");
	CU_ASSERT_PTR_NULL(dupg_manifest_build_time(m));
	CU_ASSERT_PTR_NULL(dupg_manifest_vendor(m));
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(m), 0);
	CU_ASSERT_PTR_NULL(dupg_manifest_hw(m, 0));
	CU_ASSERT_EQUAL(dupg_manifest_file_count(m), 0);
	CU_ASSERT_EQUAL(dupg_manifest_total_size(m), 0);
	CU_ASSERT_FALSE(dupg_manifest_fits(m, "A"));
	dupg_manifest_free(m);
	dupg_manifest_free(NULL);
}

static void test_getters_on_null(void)
{
	CU_ASSERT_PTR_NULL(dupg_manifest_name(NULL));
	CU_ASSERT_PTR_NULL(dupg_manifest_version(NULL));
	CU_ASSERT_PTR_NULL(dupg_manifest_build_time(NULL));
	CU_ASSERT_PTR_NULL(dupg_manifest_vendor(NULL));
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_manifest_hw(NULL, 0));
	CU_ASSERT_FALSE(dupg_manifest_fits(NULL, "A"));
	CU_ASSERT_EQUAL(dupg_manifest_file_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_manifest_file_path(NULL, 0));
	CU_ASSERT_EQUAL(dupg_manifest_file_size(NULL, 0), 0);
	CU_ASSERT_PTR_NULL(dupg_manifest_file_xxh128(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_manifest_file_xxh128_hex(NULL, 0));
	CU_ASSERT_EQUAL(dupg_manifest_total_size(NULL), 0);
	ASSERT_ERR(dupg_manifest_add_hw(NULL, "A"), DUPG_EINVAL, "dupg_manifest_add_hw");
	ASSERT_ERR(dupg_manifest_add_file(NULL, "a", 1, hello_digest), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_manifest_set_vendor(NULL, "v"), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_manifest_set_build_time(NULL, "t"), DUPG_EINVAL, "NULL");
}

static void test_hw(void)
{
	dupg_manifest *m = sample();

	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "B"), 0);  /* twice: no-op */
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "A"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(m), 3);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_hw(m, 0), "B");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_hw(m, 1), "C");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_hw(m, 2), "A");
	CU_ASSERT_PTR_NULL(dupg_manifest_hw(m, 3));
	CU_ASSERT_TRUE(dupg_manifest_fits(m, "A"));
	CU_ASSERT_TRUE(dupg_manifest_fits(m, "C"));
	CU_ASSERT_FALSE(dupg_manifest_fits(m, "D"));
	CU_ASSERT_FALSE(dupg_manifest_fits(m, "b"));
	CU_ASSERT_FALSE(dupg_manifest_fits(m, NULL));
	ASSERT_ERR(dupg_manifest_add_hw(m, ""), DUPG_EINVAL, "hardware type is empty");
	ASSERT_ERR(dupg_manifest_add_hw(m, NULL), DUPG_EINVAL, "hardware type is empty");
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(m), 3);
	dupg_manifest_free(m);
}

static void test_optional_fields(void)
{
	dupg_manifest *m = sample();

	CU_ASSERT_EQUAL(dupg_manifest_set_build_time(m, "2024-05-01T10:00:00Z"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_set_vendor(m, "ACME"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_build_time(m), "2024-05-01T10:00:00Z");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_vendor(m), "ACME");
	CU_ASSERT_EQUAL(dupg_manifest_set_vendor(m, "Other"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_vendor(m), "Other");
	/* an empty string would make a manifest that parse refuses */
	ASSERT_ERR(dupg_manifest_set_vendor(m, ""), DUPG_EINVAL, "empty string");
	ASSERT_ERR(dupg_manifest_set_build_time(m, ""), DUPG_EINVAL, "empty string");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_vendor(m), "Other");
	CU_ASSERT_EQUAL(dupg_manifest_set_build_time(m, NULL), 0);
	CU_ASSERT_EQUAL(dupg_manifest_set_vendor(m, NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_manifest_build_time(m));
	CU_ASSERT_PTR_NULL(dupg_manifest_vendor(m));
	dupg_manifest_free(m);
}

static void test_files(void)
{
	dupg_manifest *m = sample();
	static const unsigned char ff[16] = {
		0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88,
		0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00,
	};

	CU_ASSERT_EQUAL(dupg_manifest_file_count(m), 2);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_path(m, 0), "bin/app");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_path(m, 1), "etc/app.conf");
	CU_ASSERT_EQUAL(dupg_manifest_file_size(m, 0), 6);
	CU_ASSERT_EQUAL(dupg_manifest_file_size(m, 1), 0);
	CU_ASSERT_EQUAL(memcmp(dupg_manifest_file_xxh128(m, 0), hello_digest, 16), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(m, 0), HELLO_HEX);
	CU_ASSERT_PTR_NULL(dupg_manifest_file_path(m, 2));
	CU_ASSERT_EQUAL(dupg_manifest_file_size(m, 2), 0);
	CU_ASSERT_PTR_NULL(dupg_manifest_file_xxh128(m, 2));
	CU_ASSERT_PTR_NULL(dupg_manifest_file_xxh128_hex(m, 2));

	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "lib/big.so", DUPG_FILE_MAX_BYTES, ff), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(m, 2), "ffeeddccbbaa99887766554433221100");
	CU_ASSERT_EQUAL(dupg_manifest_total_size(m), 6 + DUPG_FILE_MAX_BYTES);
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "a.b/.hidden/x..y/...", 1, ff), 0);

	ASSERT_ERR(dupg_manifest_add_file(m, "lib/huge", DUPG_FILE_MAX_BYTES + 1, ff), DUPG_EINVAL,
		   "lib/huge: size 1099511627777 is above the 1099511627776-byte limit");
	ASSERT_ERR(dupg_manifest_add_file(m, "bin/app", 6, ff), DUPG_EEXISTS,
		   "bin/app: install path listed twice");
	ASSERT_ERR(dupg_manifest_add_file(m, "/bin/sh", 1, ff), DUPG_EINVAL, "/bin/sh: absolute path");
	ASSERT_ERR(dupg_manifest_add_file(m, "bin/../../x", 1, ff), DUPG_EINVAL, "'..' component");
	ASSERT_ERR(dupg_manifest_add_file(m, "..", 1, ff), DUPG_EINVAL, "'..' component");
	ASSERT_ERR(dupg_manifest_add_file(m, "./bin/x", 1, ff), DUPG_EINVAL, "'.' component");
	ASSERT_ERR(dupg_manifest_add_file(m, "bin/./x", 1, ff), DUPG_EINVAL, "'.' component");
	ASSERT_ERR(dupg_manifest_add_file(m, "bin//x", 1, ff), DUPG_EINVAL, "empty component");
	ASSERT_ERR(dupg_manifest_add_file(m, "bin/", 1, ff), DUPG_EINVAL, "ends with '/'");
	ASSERT_ERR(dupg_manifest_add_file(m, "", 1, ff), DUPG_EINVAL, "empty path");
	ASSERT_ERR(dupg_manifest_add_file(m, "manifest.json", 1, ff), DUPG_EINVAL, "reserved");
	ASSERT_ERR(dupg_manifest_add_file(m, NULL, 1, ff), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_manifest_add_file(m, "x", 1, NULL), DUPG_EINVAL, "NULL");
	{
		char longp[5000];
		memset(longp, 'a', sizeof(longp) - 1);
		longp[sizeof(longp) - 1] = '\0';
		ASSERT_ERR(dupg_manifest_add_file(m, longp, 1, ff), DUPG_EINVAL, "longer than 4095");
	}
	/* a nested "manifest.json" is an ordinary file */
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "doc/manifest.json", 1, ff), 0);
	CU_ASSERT_EQUAL(dupg_manifest_file_count(m), 5);
	dupg_manifest_free(m);
}

static void test_to_json(void)
{
	dupg_manifest *m = sample();
	char *json = NULL;

	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_STRING_EQUAL(json,
		"{\"format\":1,\"name\":\"pkg6\",\"version\":\"6.0~rc1\",\"hw\":[\"B\",\"C\"],"
		"\"files\":[{\"path\":\"bin/app\",\"size\":6,\"xxh128\":\"" HELLO_HEX "\"},"
		"{\"path\":\"etc/app.conf\",\"size\":0,\"xxh128\":\"" HELLO_HEX "\"}]}");
	dupg_free(json);

	/* optional keys go between hw and files, build_time before vendor */
	CU_ASSERT_EQUAL(dupg_manifest_set_vendor(m, "ACME \"5G\""), 0);
	CU_ASSERT_EQUAL(dupg_manifest_set_build_time(m, "2024-05-01"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json,
		"\"hw\":[\"B\",\"C\"],\"build_time\":\"2024-05-01\",\"vendor\":\"ACME \\\"5G\\\"\",\"files\":["));
	dupg_free(json);
	dupg_manifest_free(m);

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "n", "v"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"format\":1,\"name\":\"n\",\"version\":\"v\",\"hw\":[],\"files\":[]}");
	dupg_free(json);
	ASSERT_ERR(dupg_manifest_to_json(NULL, m), DUPG_EINVAL, "NULL");
	ASSERT_ERR(dupg_manifest_to_json(&json, NULL), DUPG_EINVAL, "NULL");
	dupg_manifest_free(m);
}

static void assert_same(const dupg_manifest *a, const dupg_manifest *b)
{
	size_t i;

	CU_ASSERT_STRING_EQUAL(dupg_manifest_name(a), dupg_manifest_name(b));
	CU_ASSERT_STRING_EQUAL(dupg_manifest_version(a), dupg_manifest_version(b));
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(a), dupg_manifest_hw_count(b));
	for (i = 0; i < dupg_manifest_hw_count(a); i++)
		CU_ASSERT_STRING_EQUAL(dupg_manifest_hw(a, i), dupg_manifest_hw(b, i));
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_file_count(a), dupg_manifest_file_count(b));
	for (i = 0; i < dupg_manifest_file_count(a); i++) {
		CU_ASSERT_STRING_EQUAL(dupg_manifest_file_path(a, i), dupg_manifest_file_path(b, i));
		CU_ASSERT_EQUAL(dupg_manifest_file_size(a, i), dupg_manifest_file_size(b, i));
		CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(a, i), dupg_manifest_file_xxh128_hex(b, i));
	}
	CU_ASSERT_EQUAL(dupg_manifest_total_size(a), dupg_manifest_total_size(b));
}

static void test_round_trip(void)
{
	dupg_manifest *m = sample(), *back = NULL;
	char *json = NULL, *again = NULL;

	CU_ASSERT_EQUAL(dupg_manifest_set_vendor(m, "ACME"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_set_build_time(m, "today"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&back, json, strlen(json), "rt"), 0);
	assert_same(m, back);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_vendor(back), "ACME");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_build_time(back), "today");
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_to_json(&again, back), 0);
	CU_ASSERT_STRING_EQUAL(json, again);
	dupg_free(json);
	dupg_free(again);
	dupg_manifest_free(back);
	dupg_manifest_free(m);
}

static void test_parse_lenient(void)
{
	/* unknown keys ignored, uppercase digest accepted, a repeated hw type kept once */
	static const char text[] =
		"  {\"future\": {\"x\": [1, 2]}, \"files\": [\n"
		"   {\"xxh128\": \"6BBA86C7E069F56D5A10B435F1C8E49C\", \"size\": 6, \"path\": \"bin/app\", \"mode\": 493},\n"
		"   {\"path\": \"lib/empty\", \"size\": 0, \"xxh128\": \"99aa06d3014798d86001c324468d497f\"},\n"
		"   {\"path\": \"lib/max\", \"size\": 1099511627776, \"xxh128\": \"00000000000000000000000000000000\"}],\n"
		"  \"hw\": [\"RRU-X\", \"HUB\", \"RRU-X\"], \"version\": \"2\", \"name\": \"n\", \"format\": 1,\n"
		"  \"vendor\": \"V\"}\n";
	dupg_manifest *m = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m, text, strlen(text), "lenient.json"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_name(m), "n");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_version(m), "2");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_vendor(m), "V");
	CU_ASSERT_PTR_NULL(dupg_manifest_build_time(m));
	CU_ASSERT_EQUAL(dupg_manifest_hw_count(m), 2);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_hw(m, 0), "RRU-X");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_hw(m, 1), "HUB");
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_file_count(m), 3);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_xxh128_hex(m, 0), HELLO_HEX);
	CU_ASSERT_EQUAL(memcmp(dupg_manifest_file_xxh128(m, 0), hello_digest, 16), 0);
	CU_ASSERT_EQUAL(dupg_manifest_file_size(m, 2), DUPG_FILE_MAX_BYTES);
	CU_ASSERT_EQUAL(dupg_manifest_total_size(m), 6 + DUPG_FILE_MAX_BYTES);
	dupg_manifest_free(m);

	/* no files at all is a valid (if odd) package */
	{
		static const char none[] = "{\"format\":1,\"name\":\"n\",\"version\":\"1\",\"hw\":[\"A\"],\"files\":[]}";
		CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m, none, strlen(none), NULL), 0);
		CU_ASSERT_EQUAL(dupg_manifest_file_count(m), 0);
		dupg_manifest_free(m);
	}
}

static void test_parse_length(void)
{
	/* the text need not be NUL-terminated: only len bytes are read */
	static const char text[] =
		"{\"format\":1,\"name\":\"n\",\"version\":\"1\",\"hw\":[\"A\"],\"files\":[]}GARBAGE";
	dupg_manifest *m = (dupg_manifest *)1;

	CU_ASSERT_EQUAL(dupg_manifest_parse(&m, text, strlen(text) - 7, "len"), 0);
	dupg_manifest_free(m);
	ASSERT_ERR(dupg_manifest_parse(&m, text, strlen(text), "withgarbage.json"), DUPG_EFORMAT,
		   "withgarbage.json: invalid JSON");
	CU_ASSERT_PTR_NULL(m);
	ASSERT_ERR(dupg_manifest_parse(&m, text, 0, "zero.json"), DUPG_EFORMAT, "zero.json: manifest is empty");
	ASSERT_ERR(dupg_manifest_parse(&m, text, 20, "cut.json"), DUPG_EFORMAT, "cut.json: invalid JSON");
	ASSERT_ERR(dupg_manifest_parse(&m, NULL, 3, "null.json"), DUPG_EINVAL, "null.json");
	ASSERT_ERR(dupg_manifest_parse(NULL, text, 3, "x"), DUPG_EINVAL, "out is NULL");
	/* without an origin the message still says what is wrong */
	ASSERT_ERR(dupg_manifest_parse(&m, "[]", 2, NULL), DUPG_EFORMAT, "manifest: manifest must be a JSON object");
}

/*
 * The limits of manifest.h through the API: strings (length, NUL, UTF-8),
 * the number of files and their declared total; and the file count when
 * parsed, checked before the entries are looked at.
 */
static void test_limits(void)
{
	static const unsigned char ff[16] = { 0xff };
	char hw[DUPG_HW_MAX_BYTES + 2], ver[DUPG_VERSION_MAX_BYTES + 2], path[16], *text;
	dupg_manifest *m = NULL;
	size_t i, len, cap;

	memset(hw, 'h', sizeof(hw) - 1);
	hw[sizeof(hw) - 1] = '\0';
	memset(ver, '1', sizeof(ver) - 1);
	ver[sizeof(ver) - 1] = '\0';
	ASSERT_ERR(dupg_manifest_new(&m, "p", ver), DUPG_EINVAL, "version is longer than 1024 bytes");
	ver[DUPG_VERSION_MAX_BYTES] = '\0';
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "p", ver), 0);
	dupg_manifest_free(m);
	ASSERT_ERR(dupg_manifest_new(&m, "p\xff", "1"), DUPG_EINVAL, "name is not valid UTF-8 (byte 1)");
	ASSERT_ERR(dupg_manifest_new(&m, "p", "1\xc0\x80"), DUPG_EINVAL, "version is not valid UTF-8");
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_new(&m, "p\xc3\xa9", "1~\xce\xb2"), 0);
	ASSERT_ERR(dupg_manifest_add_hw(m, hw), DUPG_EINVAL, "hardware type is longer than 256 bytes");
	hw[DUPG_HW_MAX_BYTES] = '\0';
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, hw), 0);
	ASSERT_ERR(dupg_manifest_add_hw(m, "B\xed\xa0\x80"), DUPG_EINVAL, "hardware type is not valid UTF-8");
	ASSERT_ERR(dupg_manifest_set_vendor(m, "acme\xe2\x82"), DUPG_EINVAL, "vendor: the value is not valid UTF-8");
	ASSERT_ERR(dupg_manifest_set_build_time(m, "\xf5"), DUPG_EINVAL, "build_time: the value is not valid UTF-8");
	ASSERT_ERR(dupg_manifest_add_file(m, "bin/\xff", 1, ff), DUPG_EINVAL, "path is not valid UTF-8");
	/* the declared total: two files at the per-file limit fill it, one byte more does not fit */
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "a", DUPG_FILE_MAX_BYTES, ff), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "b", DUPG_FILE_MAX_BYTES, ff), 0);
	CU_ASSERT_EQUAL(dupg_manifest_total_size(m), DUPG_PACKAGE_MAX_BYTES);
	ASSERT_ERR(dupg_manifest_add_file(m, "c", 1, ff), DUPG_EINVAL,
		   "c: the files would declare more than 2199023255552 bytes in total");
	/* the number of files */
	for (i = 2; i < DUPG_MANIFEST_MAX_FILES; i++) {
		snprintf(path, sizeof(path), "f%zu", i);
		CU_ASSERT_EQUAL_FATAL(dupg_manifest_add_file(m, path, 0, ff), 0);
	}
	ASSERT_ERR(dupg_manifest_add_file(m, "one-more", 0, ff), DUPG_EINVAL,
		   "one-more: the manifest lists 65536 files already");
	CU_ASSERT_EQUAL(dupg_manifest_file_count(m), DUPG_MANIFEST_MAX_FILES);
	dupg_manifest_free(m);
	m = NULL;
	/* one more file listed than may be: refused on the count, whatever the entries hold */
	cap = 128 + 3 * ((size_t)DUPG_MANIFEST_MAX_FILES + 1);
	text = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	len = (size_t)snprintf(text, cap, "{\"format\":1,\"name\":\"n\",\"version\":\"1\",\"hw\":[\"A\"],\"files\":[");
	for (i = 0; i <= DUPG_MANIFEST_MAX_FILES; i++)
		len += (size_t)snprintf(text + len, cap - len, "%s{}", i > 0 ? "," : "");
	len += (size_t)snprintf(text + len, cap - len, "]}");
	ASSERT_ERR(dupg_manifest_parse(&m, text, len, "many.json"), DUPG_EFORMAT,
		   "many.json: \"files\" lists 65537 files, more than 65536");
	CU_ASSERT_PTR_NULL(m);
	free(text);
}

static void test_parse_size_cap(void)
{
	static const char head[] = "{\"format\":1,\"name\":\"n\",\"version\":\"1\",\"hw\":[\"A\"],\"files\":[]}";
	size_t cap = DUPG_MANIFEST_MAX_BYTES;
	char *text = malloc(cap + 2);
	dupg_manifest *m = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	/* exactly the cap (padded with blanks) is accepted, one byte more is not */
	memset(text, ' ', cap + 1);
	memcpy(text, head, strlen(head));
	CU_ASSERT_EQUAL(dupg_manifest_parse(&m, text, cap, "cap.json"), 0);
	dupg_manifest_free(m);
	m = NULL;
	ASSERT_ERR(dupg_manifest_parse(&m, text, cap + 1, "big.json"), DUPG_EFORMAT,
		   "big.json: manifest is 4194305 bytes, above the 4194304-byte limit");
	CU_ASSERT_PTR_NULL(m);
	free(text);
}

/* One case of tests/data/manifests: parsing fails with its code, naming the file. */
static void bad_case(const char *name, const char *text, int code, const char *needle,
		     void *payload)
{
	dupg_manifest *m = (dupg_manifest *)1;
	int rc;

	(void)payload;
	CU_ASSERT_TRUE(code < 0);
	rc = dupg_manifest_parse(&m, text, strlen(text), name);
	if (rc != code || strstr(dupg_error_last(), needle) == NULL ||
	    strncmp(dupg_error_last(), name, strlen(name)) != 0) {
		fprintf(stderr, "\n  case %s: got %d \"%s\", want %d \"%s\"\n", name, rc,
			dupg_error_last(), code, needle);
		CU_FAIL("bad manifest case");
	}
	CU_ASSERT_PTR_NULL(m);
}

/* Format 3: a file's mode, listed or not, through the setters, JSON out and JSON in. */
static void test_modes(void)
{
	static const char v3[] =
		"{\"format\": 3, \"name\": \"p\", \"version\": \"1\", \"hw\": [\"B\"], \"files\": ["
		"{\"path\": \"bin/app\", \"size\": 6, \"xxh128\": \"" HELLO_HEX "\", \"mode\": \"4755\"},"
		"{\"path\": \"etc/a\", \"size\": 6, \"xxh128\": \"" HELLO_HEX "\", \"mode\": \"600\"},"
		"{\"path\": \"etc/b\", \"size\": 6, \"xxh128\": \"" HELLO_HEX "\"}]}";
	/* a format-2 manifest lists no mode: the key is ignored there, as unknown keys are */
	static const char v2[] =
		"{\"format\": 2, \"name\": \"p\", \"version\": \"1\", \"hw\": [\"B\"], \"files\": ["
		"{\"path\": \"bin/app\", \"size\": 6, \"xxh128\": \"" HELLO_HEX "\", \"mode\": \"4755\"}]}";
	dupg_manifest *m = sample(), *back = NULL;
	char *json = NULL;

	/* formats 1 and 2: every file installs as 0644 */
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), DUPG_MANIFEST_MODE_DEFAULT);
	CU_ASSERT_EQUAL(DUPG_MANIFEST_MODE_DEFAULT, 0644);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 0), 0);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 9), DUPG_MANIFEST_MODE_DEFAULT);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 9), 0);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(NULL, 0), DUPG_MANIFEST_MODE_DEFAULT);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 1);
	ASSERT_ERR(dupg_manifest_set_file_mode(m, 0, 010000), DUPG_EINVAL, "bin/app: mode 10000 is above 7777");
	ASSERT_ERR(dupg_manifest_set_file_mode(m, 2, 0755), DUPG_EINVAL, "no file 2");
	ASSERT_ERR(dupg_manifest_set_file_mode(NULL, 0, 0755), DUPG_EINVAL, "manifest is NULL");
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 1);
	CU_ASSERT_EQUAL(dupg_manifest_set_file_mode(m, 0, 04755), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 3);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 04755);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 0), 1);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 1), 0644);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 1), 0);
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	/* format 3 carries format 2's keys; only the listed file has "mode", after its digests */
	CU_ASSERT_STRING_EQUAL(json,
		"{\"format\":3,\"name\":\"pkg6\",\"version\":\"6.0~rc1\",\"hw\":[\"B\",\"C\"],"
		"\"security_version\":0,"
		"\"files\":[{\"path\":\"bin/app\",\"size\":6,\"xxh128\":\"" HELLO_HEX "\",\"mode\":\"4755\"},"
		"{\"path\":\"etc/app.conf\",\"size\":0,\"xxh128\":\"" HELLO_HEX "\"}]}");
	CU_ASSERT_EQUAL(dupg_manifest_parse(&back, json, strlen(json), "again"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(back), 3);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(back, 0), 04755);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(back, 1), 0);
	dupg_manifest_free(back);
	dupg_free(json);
	dupg_manifest_free(m);

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m, v3, strlen(v3), "v3"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 3);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 04755);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 1), 0600);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 1), 1);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 2), 0644);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 2), 0);
	/* written back with four digits */
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"mode\":\"0600\""));
	dupg_free(json);
	dupg_manifest_free(m);

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m, v2, strlen(v2), "v2"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 2);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode(m, 0), 0644);
	CU_ASSERT_EQUAL(dupg_manifest_file_mode_listed(m, 0), 0);
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_PTR_NULL(strstr(json, "\"mode\""));
	dupg_free(json);
	dupg_manifest_free(m);
}

static void test_bad_cases(void)
{
	CU_ASSERT_TRUE(fx_manifest_cases(bad_case, NULL) >= 40);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "new and defaults", test_new },
		{ "getters and setters accept NULL manifests", test_getters_on_null },
		{ "hardware types", test_hw },
		{ "build_time and vendor", test_optional_fields },
		{ "files, path rules, size cap, duplicates", test_files },
		{ "to_json writes the exact schema in key order", test_to_json },
		{ "to_json then parse gives the same manifest", test_round_trip },
		{ "parse ignores unknown keys, accepts uppercase hex", test_parse_lenient },
		{ "parse reads exactly len bytes", test_parse_length },
		{ "parse caps the manifest size", test_parse_size_cap },
		{ "strings, file count and declared total are capped", test_limits },
		{ "every bad case of tests/data/manifests", test_bad_cases },
		{ "format 3: file modes listed, defaults, JSON both ways", test_modes },
		CU_TEST_INFO_NULL,
	};
	return fx_run("manifest", tests);
}
