/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixtures of the CUnit suites. */
#include "config.h"

#include "fixture.h"

#include "util/buf.h"
#include "util/fs.h"
#include "util/rng.h"

#include <CUnit/Basic.h>
#include <json-c/json.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fx_tmpdir(void)
{
	char *d = dupg__fs_scratch("dupg-test");

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return d;
}

void fx_rmrf(const char *path)
{
	dupg__fs_rmtree(path);
}

const char *fx_path(const char *dir, const char *name)
{
	static char bufs[8][4096];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

void fx_write(const char *path, const char *data)
{
	CU_ASSERT_EQUAL_FATAL(dupg__fs_write(path, data, strlen(data)), 0);
}

char *fx_read(const char *path)
{
	char *buf = NULL;

	return dupg__fs_read(&buf, NULL, path, SIZE_MAX - 1) == 0 ? buf : NULL;
}

int fx_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void snapshot_into(const char *dir, const char *rel, char ***items, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char full[8192], name[8192], line[16384];
		struct stat st;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		snprintf(name, sizeof(name), "%s%s", rel, e->d_name);
		if (lstat(full, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			char sub[8200];
			snprintf(sub, sizeof(sub), "%s/", name);
			snapshot_into(full, sub, items, n);
			continue;
		}
		{
			unsigned char digest[16] = {0};
			uint64_t size = 0;
			size_t k;
			char hex[33];
			dupg_file_xxh128(digest, &size, full);
			for (k = 0; k < 16; k++)
				sprintf(hex + 2 * k, "%02x", digest[k]);
			snprintf(line, sizeof(line), "%s %llu %s", name, (unsigned long long)size, hex);
		}
		*items = realloc(*items, (*n + 1) * sizeof(**items));
		(*items)[(*n)++] = strdup(line);
	}
	closedir(d);
}

char *fx_snapshot(const char *dir)
{
	char **items = NULL;
	size_t n = 0, i, total = 1;
	char *out;

	snapshot_into(dir, "", &items, &n);
	qsort(items, n, sizeof(*items), cmp_str);
	for (i = 0; i < n; i++)
		total += strlen(items[i]) + 1;
	out = malloc(total);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, items[i]);
		strcat(out, "\n");
		free(items[i]);
	}
	free(items);
	return out;
}

const char *fx_pkg(const char *dir, const char *name, const char *version, const char *hw_csv)
{
	static char bufs[8][4096];
	static int next;
	char *out = bufs[next++ % 8];
	char payload_src[4096], install[256], content[512], hwbuf[1024];
	const char *hw[32];
	size_t nhw = 0;
	char *tok, *save = NULL;
	dupg_pack_file file;
	int rc;

	snprintf(out, sizeof(bufs[0]), "%s/%s", dir, name);
	snprintf(payload_src, sizeof(payload_src), "%s/.payload-%s", dir, name);
	snprintf(content, sizeof(content), "payload of %s version %s\n", name, version);
	fx_write(payload_src, content);
	snprintf(install, sizeof(install), "bin/%s", name);
	snprintf(hwbuf, sizeof(hwbuf), "%s", hw_csv);
	for (tok = strtok_r(hwbuf, ",", &save); tok != NULL && nhw < 32; tok = strtok_r(NULL, ",", &save))
		hw[nhw++] = tok;
	file.source = payload_src;
	file.path = install;
	rc = dupg_package_build(NULL, out, name, version, hw, nhw, &file, 1, NULL);
	if (rc != 0)
		fprintf(stderr, "fx_pkg %s: %s\n", out, dupg_error_last());
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	unlink(payload_src);
	return out;
}

/* ---- shared test cases (tests/data/cases) ----------------------------------- */

static const char *data_dir(const char *sub);

json_object *fx_case(const char *name)
{
	char file[64];
	json_object *c;

	snprintf(file, sizeof(file), "%s.json", name);
	c = json_object_from_file(fx_path(data_dir("cases"), file));
	if (c == NULL)
		fprintf(stderr, "case %s: %s\n", name, json_util_get_last_err());
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

json_object *fx_case_get(json_object *c, const char *path)
{
	char buf[256], *key, *save = NULL;
	json_object *v = c;

	snprintf(buf, sizeof(buf), "%s", path);
	for (key = strtok_r(buf, ".", &save); key != NULL; key = strtok_r(NULL, ".", &save)) {
		if (!json_object_object_get_ex(v, key, &v)) {
			fprintf(stderr, "case: no %s\n", path);
			CU_FAIL_FATAL("case key missing");
		}
	}
	return v;
}

/* The package named name in the case's "packages". */
static json_object *case_package(json_object *c, const char *name)
{
	json_object *pkgs = fx_case_get(c, "packages");
	size_t i;

	for (i = 0; i < json_object_array_length(pkgs); i++) {
		json_object *p = json_object_array_get_idx(pkgs, i), *n;
		if (json_object_object_get_ex(p, "name", &n) &&
		    strcmp(json_object_get_string(n), name) == 0)
			return p;
	}
	fprintf(stderr, "case: no package %s\n", name);
	CU_FAIL_FATAL("case package missing");
	return NULL;
}

/* "A,B" of a package's hardware types, into buf. */
static const char *case_hw_csv(json_object *p, char *buf, size_t size)
{
	json_object *hw = fx_case_get(p, "hw");
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < json_object_array_length(hw); i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i > 0 ? "," : "",
					 json_object_get_string(json_object_array_get_idx(hw, i)));
	return buf;
}

char *fx_case_text(json_object *c, const char *path)
{
	json_object *arr = fx_case_get(c, path);
	dupg_buf b = { 0 };
	char *out = NULL;
	size_t i;

	for (i = 0; i < json_object_array_length(arr); i++)
		dupg__buf_printf(&b, "%s\n", json_object_get_string(json_object_array_get_idx(arr, i)));
	CU_ASSERT_EQUAL_FATAL(dupg__buf_finish(&b, &out), 0);
	return out;
}

void fx_case_store(const char *dir, json_object *c)
{
	static const char *const lists[] = { "store", "download" };
	char hw[512], *text;
	size_t k, i;

	for (k = 0; k < 2; k++) {
		json_object *names = fx_case_get(c, lists[k]);
		for (i = 0; i < json_object_array_length(names); i++) {
			const char *name = json_object_get_string(json_object_array_get_idx(names, i));
			json_object *p = case_package(c, name);
			fx_pkg(dir, name, json_object_get_string(fx_case_get(p, "version")),
			       case_hw_csv(p, hw, sizeof(hw)));
		}
	}
	text = fx_case_text(c, "store");
	fx_write(fx_path(dir, "list"), text);
	free(text);
	text = fx_case_text(c, "download");
	fx_write(fx_path(dir, "new"), text);
	free(text);
}

dupg_pathlist *fx_case_list(json_object *c, const char *key)
{
	json_object *names = fx_case_get(c, key);
	dupg_pathlist *l = NULL;
	size_t i, j;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	for (i = 0; i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		json_object *hw = fx_case_get(case_package(c, name), "hw");
		const char *types[16];
		size_t n = json_object_array_length(hw);

		CU_ASSERT_FATAL(n <= 16);
		for (j = 0; j < n; j++)
			types[j] = json_object_get_string(json_object_array_get_idx(hw, j));
		CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(l, name, types, n), 0);
	}
	return l;
}

dupg_topology *fx_case_topology(json_object *c)
{
	json_object *devs = fx_case_get(c, "devices");
	dupg_topology *t = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	for (i = 0; i < json_object_array_length(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i), *parent = NULL;

		json_object_object_get_ex(d, "parent", &parent);
		fx_device(t, json_object_get_string(fx_case_get(d, "id")),
			  json_object_get_string(fx_case_get(d, "hw")),
			  json_object_get_string(fx_case_get(d, "version")),
			  parent != NULL ? json_object_get_string(parent) : NULL);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, "case"), 0);
	return t;
}

dupg_pkgset *fx_case_pkgset(json_object *c)
{
	json_object *names = fx_case_get(c, "server");
	dupg_pkgset *set = NULL;
	size_t i, j;

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	for (i = 0; i < json_object_array_length(names); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		json_object *p = case_package(c, name), *hw = fx_case_get(p, "hw");
		const char *types[16];
		size_t n = json_object_array_length(hw);

		CU_ASSERT_FATAL(n <= 16);
		for (j = 0; j < n; j++)
			types[j] = json_object_get_string(json_object_array_get_idx(hw, j));
		CU_ASSERT_EQUAL_FATAL(dupg_pkgset_add(set, name, json_object_get_string(
							     fx_case_get(p, "version")), types, n), 0);
	}
	return set;
}

dupg_config *fx_case_config(json_object *c, const char *path)
{
	dupg_config *cfg = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&cfg), 0);
	json_object_object_foreach(fx_case_get(c, path), hw, v)
		CU_ASSERT_EQUAL_FATAL(dupg_config_set(cfg, hw, json_object_get_string(v)), 0);
	return cfg;
}

void fx_case_expect(json_object *c, const char *path, const char *json)
{
	const char *want = json_object_to_json_string_ext(fx_case_get(c, path),
							  JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);

	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	if (strcmp(want, json) != 0)
		fprintf(stderr, "\n  %s:\n  got  %s\n  want %s\n", path, json, want);
	CU_ASSERT_STRING_EQUAL(json, want);
}

/* tests/data/SUB in the sources, whether run by make check or by hand. */
static const char *data_dir(const char *sub)
{
	static char dir[4096];
	const char *top = getenv("top_srcdir");
	const char *slash = strrchr(__FILE__, '/');

	if (top != NULL && *top != '\0')
		snprintf(dir, sizeof(dir), "%s/tests/data/%s", top, sub);
	else if (slash != NULL)
		/* run from the build directory: __FILE__ leads to the sources */
		snprintf(dir, sizeof(dir), "%.*s/data/%s", (int)(slash - __FILE__), __FILE__, sub);
	else
		snprintf(dir, sizeof(dir), "data/%s", sub);
	return dir;
}

/* The code an .expect file names (1 for a name that is not a code, so the case fails). */
static int manifest_code(const char *name)
{
	int code = 1;

	return dupg_error_parse(&code, name) == 0 ? code : 1;
}

size_t fx_manifest_cases(void (*fn)(const char *name, const char *json, int code,
				    const char *needle, void *payload),
			 void *payload)
{
	const char *dir = data_dir("manifests");
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t ran = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d)) != NULL) {
		char expect_path[4400], *text, *expect, *nl, *needle;
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		snprintf(expect_path, sizeof(expect_path), "%s/%.*s.expect", dir, (int)(n - 5),
			 e->d_name);
		text = fx_read(fx_path(dir, e->d_name));
		expect = fx_read(expect_path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(expect);
		/* line 1: code name, line 2: message substring */
		nl = strchr(expect, '\n');
		CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
		*nl = '\0';
		needle = nl + 1;
		if ((nl = strchr(needle, '\n')) != NULL)
			*nl = '\0';
		fn(e->d_name, text, manifest_code(expect), needle, payload);
		free(text);
		free(expect);
		ran++;
	}
	closedir(d);
	return ran;
}

void fx_device(dupg_topology *t, const char *id, const char *hw, const char *version,
	       const char *parent)
{
	dupg_device_vd d = { id, hw, version, 0 };

	CU_ASSERT_EQUAL_FATAL(dupg_topology_add(t, &d, parent), 0);
}

static void big_device(dupg_topology *t, const char *id, const char *hw, const char *parent)
{
	dupg_device_vd d = { id, hw, "1", 60 };

	CU_ASSERT_EQUAL_FATAL(dupg_topology_add(t, &d, parent), 0);
}

dupg_topology *fx_site_wide(size_t n)
{
	dupg_topology *t = NULL;
	size_t hubs = n / 100 > 0 ? n / 100 : 1, i;
	char id[32], parent[32];

	CU_ASSERT_FATAL(n >= 2);
	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	big_device(t, "BBU", "A", NULL);
	for (i = 0; i < hubs && i + 1 < n; i++) {
		snprintf(id, sizeof(id), "HUB%zu", i);
		snprintf(parent, sizeof(parent), "HUB%zu", i - 1);
		big_device(t, id, "B", i % 4 == 0 ? "BBU" : parent);
	}
	for (i = 0; i + 1 + hubs < n; i++) {
		snprintf(id, sizeof(id), "RRU%zu", i);
		snprintf(parent, sizeof(parent), "HUB%zu", i % hubs);
		big_device(t, id, "D", parent);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, "wide site"), 0);
	return t;
}

dupg_topology *fx_site_cascade(size_t n)
{
	dupg_topology *t = NULL;
	char id[32], parent[32];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "D%zu", i);
		snprintf(parent, sizeof(parent), "D%zu", i - 1);
		big_device(t, id, "B", i == 0 ? NULL : parent);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, "cascade"), 0);
	return t;
}

uint32_t fx_rand(uint64_t *state, uint32_t n)
{
	return (uint32_t)dupg__rng_below(state, n);
}

static void expect_in_message(const char *needle)
{
	if (needle == NULL || strstr(dupg_error_last(), needle) != NULL)
		return;
	fprintf(stderr, "message \"%s\" lacks \"%s\"\n", dupg_error_last(), needle);
	CU_FAIL("message lacks the expected text");
}

double fx_slowdown(void)
{
	const char *s = getenv("DUPG_TEST_SLOWDOWN"), *pre = getenv("LD_PRELOAD");

	if (s != NULL && atof(s) >= 1.0)
		return atof(s);
	return pre != NULL && strstr(pre, "vgpreload") != NULL ? 40.0 : 1.0;
}

void fx_expect_error(int rc, int want, const char *needle, const char *needle2)
{
	CU_ASSERT_EQUAL(rc, want);
	CU_ASSERT_EQUAL(dupg_error_last_code(), want);
	expect_in_message(needle);
	expect_in_message(needle2);
}

int fx_run(const char *suite, CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {
		{ suite, NULL, NULL, NULL, NULL, tests },
		CU_SUITE_INFO_NULL,
	};
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	if (CU_register_suites(suites) != CUE_SUCCESS) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}
