/* Shared fixtures of the CUnit suites. */
#include "config.h"

#include "fixture.h"

#include <CUnit/Basic.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fx_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[4096];
	char *d;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/dupg-test-XXXXXX", base);
	d = mkdtemp(tmpl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	return strdup(d);
}

void fx_rmrf(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	dir = opendir(path);
	if (dir != NULL) {
		while ((e = readdir(dir)) != NULL) {
			char child[4096];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
			fx_rmrf(child);
		}
		closedir(dir);
	}
	rmdir(path);
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
	FILE *f = fopen(path, "wb");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(data, 1, strlen(data), f), strlen(data));
	CU_ASSERT_EQUAL(fclose(f), 0);
}

char *fx_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			char *p = realloc(buf, cap + 65536);
			if (p == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
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

void fx_worked_store(const char *dir, const char *extra_hw_on_1)
{
	char hw1[256];

	snprintf(hw1, sizeof(hw1), "A,B%s%s", extra_hw_on_1 ? "," : "",
		 extra_hw_on_1 ? extra_hw_on_1 : "");
	fx_pkg(dir, "pkg1", "1", hw1);
	fx_pkg(dir, "pkg2", "2", "C,D,E");
	fx_pkg(dir, "pkg3", "3", "A");
	fx_pkg(dir, "pkg4", "4", "B");
	fx_pkg(dir, "pkg5", "5", "A");
	fx_pkg(dir, "pkg6", "6", "B,C");
	fx_write(fx_path(dir, "list"), "pkg1\npkg2\npkg3\npkg4\n");
	fx_write(fx_path(dir, "new"), "pkg5\npkg6\n");
}

/* The cases directory, in the sources whether run by make check or by hand. */
static const char *manifest_cases_dir(void)
{
	static char dir[4096];
	const char *top = getenv("top_srcdir");
	const char *slash = strrchr(__FILE__, '/');

	if (top != NULL && *top != '\0')
		snprintf(dir, sizeof(dir), "%s/tests/data/manifests", top);
	else if (slash != NULL)
		/* run from the build directory: __FILE__ leads to the sources */
		snprintf(dir, sizeof(dir), "%.*s/data/manifests", (int)(slash - __FILE__), __FILE__);
	else
		snprintf(dir, sizeof(dir), "data/manifests");
	return dir;
}

static const struct {
	const char *name;
	int code;
} manifest_codes[] = {
	{ "DUPG_EFORMAT", DUPG_EFORMAT },
	{ "DUPG_EUNSUPPORTED", DUPG_EUNSUPPORTED },
	{ "DUPG_EEXISTS", DUPG_EEXISTS },
	{ "DUPG_EINVAL", DUPG_EINVAL },
};

static int manifest_code(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(manifest_codes) / sizeof(manifest_codes[0]); i++)
		if (strcmp(manifest_codes[i].name, name) == 0)
			return manifest_codes[i].code;
	return 1;
}

size_t fx_manifest_cases(void (*fn)(const char *name, const char *json, int code,
				    const char *needle, void *payload),
			 void *payload)
{
	const char *dir = manifest_cases_dir();
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
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (uint32_t)(z % n);
}

static void expect_in_message(const char *needle)
{
	if (needle == NULL || strstr(dupg_error_last(), needle) != NULL)
		return;
	fprintf(stderr, "message \"%s\" lacks \"%s\"\n", dupg_error_last(), needle);
	CU_FAIL("message lacks the expected text");
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
