/* SPDX-License-Identifier: BSD-2-Clause */
/* Path lists: pure building and configuration, list files, loading packages, saving. */
#include "fixture.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const dupg_apply_options nofsync = { DUPG_APPLY_OPTIONS_VERSION, 1, NULL, NULL, 0 };

static void expect_error(int rc, int code, const char *needle)
{
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(dupg_error_last_code(), code);
	if (strstr(dupg_error_last(), needle) == NULL)
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", dupg_error_last(), needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), needle));
}

static void add(dupg_pathlist *l, const char *path, const char *hw_csv)
{
	char buf[256], *save = NULL, *t;
	const char *hw[16];
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", hw_csv);
	for (t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		hw[n++] = t;
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(l, path, hw, n), 0);
}

/* The hardware types of entry i, comma separated. */
static const char *hw_of(const dupg_pathlist *l, size_t i)
{
	static char buf[4][256];
	static int next;
	char *b = buf[next++ % 4];
	size_t j;

	b[0] = '\0';
	for (j = 0; j < dupg_pathlist_hw_count(l, i); j++) {
		if (j > 0)
			strcat(b, ",");
		strcat(b, dupg_pathlist_hw(l, i, j));
	}
	return b;
}

static void test_add_and_getters(void)
{
	dupg_pathlist *l = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 0);
	add(l, "pkg1", "A,B");
	add(l, "sub/pkg2", "C,D,E");
	add(l, "/abs/pkg3", "A");
	add(l, "pkg4", "B,B");
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 4);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 1), "sub/pkg2");
	/* not loaded from a file: resolved is the path itself */
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 1), "sub/pkg2");
	CU_ASSERT_EQUAL(dupg_pathlist_hw_count(l, 1), 3);
	CU_ASSERT_STRING_EQUAL(hw_of(l, 0), "A,B");
	CU_ASSERT_STRING_EQUAL(hw_of(l, 1), "C,D,E");
	/* a type named twice by one package is kept once */
	CU_ASSERT_STRING_EQUAL(hw_of(l, 3), "B");
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "/abs/pkg3"), 2);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "pkg4"), 3);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "pkg5"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "./pkg1"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, NULL), DUPG_NONE);
	/* out of range */
	CU_ASSERT_PTR_NULL(dupg_pathlist_path(l, 4));
	CU_ASSERT_PTR_NULL(dupg_pathlist_resolved(l, 4));
	CU_ASSERT_EQUAL(dupg_pathlist_hw_count(l, 4), 0);
	CU_ASSERT_PTR_NULL(dupg_pathlist_hw(l, 4, 0));
	CU_ASSERT_PTR_NULL(dupg_pathlist_hw(l, 0, 2));
	/* NULL list */
	CU_ASSERT_EQUAL(dupg_pathlist_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_pathlist_path(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_pathlist_resolved(NULL, 0));
	CU_ASSERT_EQUAL(dupg_pathlist_hw_count(NULL, 0), 0);
	CU_ASSERT_PTR_NULL(dupg_pathlist_hw(NULL, 0, 0));
	CU_ASSERT_EQUAL(dupg_pathlist_find(NULL, "pkg1"), DUPG_NONE);
	dupg_pathlist_free(l);
	dupg_pathlist_free(NULL);
}

static void test_add_bad(void)
{
	dupg_pathlist *l = NULL;
	const char *hw[] = { "A" }, *empty_hw[] = { "A", "" }, *null_hw[] = { NULL };

	expect_error(dupg_pathlist_new(NULL), DUPG_EINVAL, "dupg_pathlist_new");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	add(l, "pkg1", "A");
	expect_error(dupg_pathlist_add(l, "pkg1", hw, 1), DUPG_EEXISTS, "pkg1");
	expect_error(dupg_pathlist_add(l, "", hw, 1), DUPG_EINVAL, "empty path");
	expect_error(dupg_pathlist_add(l, NULL, hw, 1), DUPG_EINVAL, "empty path");
	expect_error(dupg_pathlist_add(l, "a\nb", hw, 1), DUPG_EINVAL, "line break");
	expect_error(dupg_pathlist_add(l, "a\rb", hw, 1), DUPG_EINVAL, "line break");
	expect_error(dupg_pathlist_add(l, "pkg2", hw, 0), DUPG_EINVAL, "pkg2: no hardware type");
	expect_error(dupg_pathlist_add(l, "pkg2", NULL, 1), DUPG_EINVAL, "pkg2: no hardware type");
	expect_error(dupg_pathlist_add(l, "pkg2", empty_hw, 2), DUPG_EINVAL, "pkg2: empty hardware type");
	expect_error(dupg_pathlist_add(l, "pkg2", null_hw, 1), DUPG_EINVAL, "pkg2: empty hardware type");
	expect_error(dupg_pathlist_add(NULL, "pkg2", hw, 1), DUPG_EINVAL, "dupg_pathlist_add");
	/* failures leave the list as it was */
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 1);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "pkg2"), DUPG_NONE);
	dupg_pathlist_free(l);
}

static void test_config(void)
{
	dupg_pathlist *l = NULL;
	dupg_config *c = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_config(&c, l), 0);
	CU_ASSERT_EQUAL(dupg_config_count(c), 0);
	dupg_config_free(c);
	/* the worked example's fourth list plus the download */
	add(l, "pkg2", "C,D,E");
	add(l, "pkg3", "A");
	add(l, "pkg4", "B");
	add(l, "pkg5", "A");
	add(l, "pkg6", "B,C");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c, l), 0);
	CU_ASSERT_EQUAL(dupg_config_count(c), 5);
	/* types in order of first appearance, each on its latest-added package */
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 0), "C");
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 3), "A");
	CU_ASSERT_STRING_EQUAL(dupg_config_hw(c, 4), "B");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "A"), "pkg5");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "B"), "pkg6");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "C"), "pkg6");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "D"), "pkg2");
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "E"), "pkg2");
	dupg_config_free(c);
	expect_error(dupg_pathlist_config(NULL, l), DUPG_EINVAL, "dupg_pathlist_config");
	expect_error(dupg_pathlist_config(&c, NULL), DUPG_EINVAL, "dupg_pathlist_config");
	CU_ASSERT_PTR_NULL(c);
	dupg_pathlist_free(l);
}

static void test_listfile_read(void)
{
	char *dir = fx_tmpdir(), **paths = NULL;
	const char *list = fx_path(dir, "list");
	size_t n = 99;

	/* blank lines are skipped; the final newline is optional */
	fx_write(list, "pkg1\n\nsub/pkg 2\n/abs/pkg3\n\n\npkg4");
	CU_ASSERT_EQUAL_FATAL(dupg_listfile_read(&paths, &n, list), 0);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_STRING_EQUAL(paths[0], "pkg1");
	CU_ASSERT_STRING_EQUAL(paths[1], "sub/pkg 2");
	CU_ASSERT_STRING_EQUAL(paths[2], "/abs/pkg3");
	CU_ASSERT_STRING_EQUAL(paths[3], "pkg4");
	CU_ASSERT_PTR_NULL(paths[4]);
	dupg_free(paths);
	/* an empty file is an empty list */
	fx_write(list, "");
	CU_ASSERT_EQUAL_FATAL(dupg_listfile_read(&paths, NULL, list), 0);
	CU_ASSERT_PTR_NULL(paths[0]);
	dupg_free(paths);
	fx_rmrf(dir);
	free(dir);
}

static void test_listfile_bad(void)
{
	static const struct {
		const char *text;
		int code;
		const char *needle;
	} cases[] = {
		{ "pkg1\r\npkg2\r\n", DUPG_EFORMAT, "list:1: carriage return" },
		{ "pkg1\n pkg2\n", DUPG_EFORMAT, "list:2: leading or trailing white space in \" pkg2\"" },
		{ "pkg1\npkg2\t\n", DUPG_EFORMAT, "list:2: leading or trailing white space" },
		{ "pkg1\n \n", DUPG_EFORMAT, "list:2: leading or trailing white space" },
		{ "pkg1\npkg2\n\npkg1\n", DUPG_EEXISTS, "list:4: pkg1: listed twice (first on line 1)" },
	};
	char *dir = fx_tmpdir(), **paths = (char **)&cases;
	const char *list = fx_path(dir, "list");
	size_t i, n = 7;
	FILE *f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_write(list, cases[i].text);
		expect_error(dupg_listfile_read(&paths, &n, list), cases[i].code, cases[i].needle);
		CU_ASSERT_PTR_NULL(paths);
		CU_ASSERT_EQUAL(n, 0);
	}
	/* a NUL byte inside a line */
	f = fopen(list, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite("pkg1\npk\0g2\n", 1, 11, f);
	fclose(f);
	expect_error(dupg_listfile_read(&paths, &n, list), DUPG_EFORMAT, "list:2: NUL byte");
	/* missing and unreadable (a directory) */
	expect_error(dupg_listfile_read(&paths, &n, fx_path(dir, "nope")), DUPG_ENOTFOUND, "nope");
	expect_error(dupg_listfile_read(&paths, &n, dir), DUPG_EIO, dir);
	expect_error(dupg_listfile_read(NULL, &n, list), DUPG_EINVAL, "dupg_listfile_read");
	fx_rmrf(dir);
	free(dir);
}

/*
 * Only regular files are read as lists, in bounded time and memory: a FIFO
 * does not block (no writer ever comes), /dev/zero is refused at once instead
 * of being read up to the size cap.
 */
static void test_listfile_not_regular(void)
{
	char *dir = fx_tmpdir(), **paths = (char **)&dir;
	const char *fifo = fx_path(dir, "fifo");
	dupg_pathlist *l = (dupg_pathlist *)1;
	struct rusage before, after;
	struct stat st;
	size_t n = 7;

	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0644), 0);
	/* a test that blocked would hang make check: fail it after 20 s instead */
	alarm(20);
	expect_error(dupg_listfile_read(&paths, &n, fifo), DUPG_EIO, "fifo: not a regular file");
	CU_ASSERT_PTR_NULL(paths);
	CU_ASSERT_EQUAL(n, 0);
	expect_error(dupg_pathlist_load(&l, fifo), DUPG_EIO, "fifo: not a regular file");
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_EQUAL(getrusage(RUSAGE_SELF, &before), 0);
	/* the devices as they are here: a sandbox may have made /dev/null a plain file */
	if (stat("/dev/zero", &st) == 0 && S_ISCHR(st.st_mode)) {
		expect_error(dupg_listfile_read(&paths, &n, "/dev/zero"), DUPG_EIO,
			     "/dev/zero: not a regular file");
		expect_error(dupg_pathlist_load(&l, "/dev/zero"), DUPG_EIO,
			     "/dev/zero: not a regular file");
	}
	if (stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode))
		expect_error(dupg_listfile_read(&paths, &n, "/dev/null"), DUPG_EIO,
			     "/dev/null: not a regular file");
	/* a regular file above the cap (sparse: no disk used) is refused by its size */
	fx_write(fx_path(dir, "huge"), "");
	CU_ASSERT_EQUAL_FATAL(truncate(fx_path(dir, "huge"), ((off_t)1 << 30) + 1), 0);
	expect_error(dupg_listfile_read(&paths, &n, fx_path(dir, "huge")), DUPG_EFORMAT,
		     "huge: larger than 1073741824 bytes");
	CU_ASSERT_EQUAL(getrusage(RUSAGE_SELF, &after), 0);
	/* not a byte of it was held: the high-water mark did not move by 64 MB */
	CU_ASSERT_TRUE(after.ru_maxrss - before.ru_maxrss < 64 * 1024);
	alarm(0);
	fx_rmrf(dir);
	free(dir);
}

/* A path may be DUPG_PATH_MAX_BYTES long, a list DUPG_LIST_MAX_ENTRIES long; not more. */
static void test_listfile_limits(void)
{
	char *dir = fx_tmpdir(), **paths = NULL, *text;
	const char *list = fx_path(dir, "list");
	size_t n = 0, i, len = 0, cap = (size_t)(DUPG_LIST_MAX_ENTRIES + 1) * 8 + 1;
	FILE *f;

	text = malloc(DUPG_PATH_MAX_BYTES + 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memset(text, 'p', DUPG_PATH_MAX_BYTES);
	strcpy(text + DUPG_PATH_MAX_BYTES, "\n");
	fx_write(list, text);
	CU_ASSERT_EQUAL(dupg_listfile_read(&paths, &n, list), 0);
	CU_ASSERT_EQUAL(n, 1);
	dupg_free(paths);
	strcpy(text + DUPG_PATH_MAX_BYTES, "p\n");
	fx_write(list, text);
	expect_error(dupg_listfile_read(&paths, &n, list), DUPG_EFORMAT, "list:1: path longer than 4095 bytes");
	free(text);

	text = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i < DUPG_LIST_MAX_ENTRIES; i++)
		len += (size_t)snprintf(text + len, cap - len, "%zx\n", i);
	f = fopen(list, "wb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(text, 1, len, f), len);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(dupg_listfile_read(&paths, &n, list), 0);
	CU_ASSERT_EQUAL(n, DUPG_LIST_MAX_ENTRIES);
	dupg_free(paths);
	/* blank lines do not count; one more path does */
	f = fopen(list, "ab");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("\n\nlast\n", f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	expect_error(dupg_listfile_read(&paths, &n, list), DUPG_EFORMAT, "list:4194307: more than 4194304 paths");
	CU_ASSERT_PTR_NULL(paths);
	free(text);
	fx_rmrf(dir);
	free(dir);
}

/* A store directory with packages a (A,B), b (C) and sub/c (A). */
static char *make_packages(void)
{
	char *dir = fx_tmpdir();

	fx_pkg(dir, "a", "1", "A,B");
	fx_pkg(dir, "b", "2", "C");
	CU_ASSERT_EQUAL_FATAL(mkdir(fx_path(dir, "sub"), 0755), 0);
	fx_pkg(fx_path(dir, "sub"), "c", "3", "A");
	return dir;
}

static void test_load(void)
{
	char *dir = make_packages(), list[4096], abs_b[4096], text[8192], resolved[4096];
	dupg_pathlist *l = NULL;

	snprintf(list, sizeof(list), "%s/list", dir);
	snprintf(abs_b, sizeof(abs_b), "%s/b", dir);
	snprintf(text, sizeof(text), "a\n%s\nsub/c\n", abs_b);
	fx_write(list, text);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&l, list), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 3);
	/* paths as written, resolved against the list's directory */
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 0), "a");
	snprintf(resolved, sizeof(resolved), "%s/a", dir);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 0), resolved);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 1), abs_b);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 1), abs_b);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 2), "sub/c");
	snprintf(resolved, sizeof(resolved), "%s/sub/c", dir);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 2), resolved);
	/* hardware types come from each manifest */
	CU_ASSERT_STRING_EQUAL(hw_of(l, 0), "A,B");
	CU_ASSERT_STRING_EQUAL(hw_of(l, 1), "C");
	CU_ASSERT_STRING_EQUAL(hw_of(l, 2), "A");
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "sub/c"), 2);
	dupg_pathlist_free(l);
	fx_rmrf(dir);
	free(dir);
}

static void test_load_errors(void)
{
	char *dir = make_packages(), *before, *after, direct_msg[1024];
	const char *list = fx_path(dir, "list");
	dupg_pathlist *l = (dupg_pathlist *)&dir;
	dupg_manifest *m = NULL;
	int direct;

	fx_write(fx_path(dir, "junk"), "this is not an archive, not even close\n");
	fx_write(fx_path(dir, "empty"), "");

	fx_write(list, "a\nb\nmissing\n");
	before = fx_snapshot(dir);
	expect_error(dupg_pathlist_load(&l, list), DUPG_ENOTFOUND, "list:3: missing: no such package file");
	CU_ASSERT_PTR_NULL(l);

	fx_write(list, "a\nb\na\n");
	expect_error(dupg_pathlist_load(&l, list), DUPG_EEXISTS, "list:3: a: listed twice (first on line 1)");

	fx_write(list, "a\r\n");
	expect_error(dupg_pathlist_load(&l, list), DUPG_EFORMAT, "list:1: carriage return");

	/* a bad package: the package's own error, prefixed with where the list names it */
	direct = dupg_package_read_manifest(&m, fx_path(dir, "junk"));
	CU_ASSERT(direct < 0);
	snprintf(direct_msg, sizeof(direct_msg), "list:2: %s", dupg_error_last());
	fx_write(list, "a\njunk\n");
	expect_error(dupg_pathlist_load(&l, list), direct, direct_msg);
	fx_write(list, "empty\n");
	expect_error(dupg_pathlist_load(&l, list), DUPG_EARCHIVE, "list:1: ");
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "empty"));
	/* a directory named as a package */
	fx_write(list, "sub\n");
	CU_ASSERT(dupg_pathlist_load(&l, list) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "list:1: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "sub"));

	/* the list itself missing or unreadable */
	expect_error(dupg_pathlist_load(&l, fx_path(dir, "nolist")), DUPG_ENOTFOUND, "nolist");
	expect_error(dupg_pathlist_load(&l, fx_path(dir, "sub")), DUPG_EIO, "sub");
	expect_error(dupg_pathlist_load(NULL, list), DUPG_EINVAL, "dupg_pathlist_load");
	expect_error(dupg_pathlist_load(&l, ""), DUPG_EINVAL, "dupg_pathlist_load");
	CU_ASSERT_PTR_NULL(l);

	/* loading never writes */
	fx_write(list, "a\nb\nmissing\n");
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	fx_rmrf(dir);
	free(dir);
}

static void test_add_file(void)
{
	char *dir = make_packages(), abs_c[4096], *before, *after;
	dupg_pathlist *l = NULL;
	dupg_manifest *m = NULL;
	int direct;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_add_file(l, "a", dir), 0);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_path(l, 0), "a");
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 0), fx_path(dir, "a"));
	CU_ASSERT_STRING_EQUAL(hw_of(l, 0), "A,B");
	/* an absolute path ignores base_dir; NULL base_dir is the current directory */
	snprintf(abs_c, sizeof(abs_c), "%s/sub/c", dir);
	CU_ASSERT_EQUAL(dupg_pathlist_add_file(l, abs_c, NULL), 0);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(l, 1), abs_c);
	CU_ASSERT_STRING_EQUAL(hw_of(l, 1), "A");
	CU_ASSERT_EQUAL(dupg_pathlist_add_file(l, "b", fx_path(dir, "sub")), DUPG_ENOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "b: no such package file"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), fx_path(dir, "sub/b")));
	CU_ASSERT_EQUAL(dupg_pathlist_add_file(l, "c", fx_path(dir, "sub")), 0);
	/* the duplicate is refused before the file is looked at */
	expect_error(dupg_pathlist_add_file(l, "a", "/nonexistent"), DUPG_EEXISTS, "a: already in the list");
	fx_write(fx_path(dir, "junk"), "not an archive");
	direct = dupg_package_read_manifest(&m, fx_path(dir, "junk"));
	CU_ASSERT(direct < 0);
	before = fx_snapshot(dir);
	expect_error(dupg_pathlist_add_file(l, "junk", dir), direct, "junk");
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	expect_error(dupg_pathlist_add_file(l, "", dir), DUPG_EINVAL, "empty path");
	expect_error(dupg_pathlist_add_file(NULL, "a", dir), DUPG_EINVAL, "dupg_pathlist_add_file");
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 3);
	dupg_pathlist_free(l);
	free(before);
	free(after);
	fx_rmrf(dir);
	free(dir);
}

static void test_save(void)
{
	char *dir = make_packages(), *other = fx_tmpdir(), *text, real[PATH_MAX], want[3 * PATH_MAX];
	dupg_pathlist *l = NULL, *back = NULL;
	const char *hw[] = { "Z" };

	fx_write(fx_path(dir, "list"), "a\nsub/c\n");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&l, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_add(l, "pure/x", hw, 1), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_add(l, "/abs/y", hw, 1), 0);
	/* same directory: every path as written */
	CU_ASSERT_EQUAL(dupg_pathlist_save(l, fx_path(dir, "list2"), NULL), 0);
	text = fx_read(fx_path(dir, "list2"));
	CU_ASSERT_STRING_EQUAL(text, "a\nsub/c\npure/x\n/abs/y\n");
	free(text);
	/* another directory: entries loaded from the list become absolute, the rest stay */
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(dir, real));
	snprintf(want, sizeof(want), "%s/a\n%s/sub/c\npure/x\n/abs/y\n", real, real);
	CU_ASSERT_EQUAL(dupg_pathlist_save(l, fx_path(other, "list"), &nofsync), 0);
	text = fx_read(fx_path(other, "list"));
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
	/* replacing an existing file leaves no temporary file behind */
	CU_ASSERT_EQUAL(dupg_pathlist_save(l, fx_path(other, "list"), NULL), 0);
	text = fx_snapshot(other);
	CU_ASSERT_PTR_NULL(strstr(text, ".tmp."));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "list "));
	free(text);
	dupg_pathlist_free(l);
	/* what was saved elsewhere loads back to the same packages */
	fx_write(fx_path(dir, "list"), "a\nsub/c\n");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&l, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_save(l, fx_path(other, "list"), NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&back, fx_path(other, "list")), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_count(back), 2);
	snprintf(want, sizeof(want), "%s/sub/c", real);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_resolved(back, 1), want);
	CU_ASSERT_STRING_EQUAL(hw_of(back, 1), "A");
	dupg_pathlist_free(back);
	/* an empty list is an empty file */
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&back), 0);
	CU_ASSERT_EQUAL(dupg_pathlist_save(back, fx_path(other, "empty"), NULL), 0);
	text = fx_read(fx_path(other, "empty"));
	CU_ASSERT_STRING_EQUAL(text, "");
	free(text);
	dupg_pathlist_free(back);
	/* failures name the file and create nothing */
	text = fx_snapshot(other);
	/* a missing directory is named as such, not as an I/O error */
	expect_error(dupg_pathlist_save(l, fx_path(other, "nodir/list"), NULL), DUPG_ENOTFOUND, "nodir");
	{
		char *again = fx_snapshot(other);
		CU_ASSERT_STRING_EQUAL(text, again);
		free(again);
	}
	free(text);
	expect_error(dupg_pathlist_save(NULL, fx_path(other, "x"), NULL), DUPG_EINVAL, "dupg_pathlist_save");
	expect_error(dupg_pathlist_save(l, "", NULL), DUPG_EINVAL, "dupg_pathlist_save");
	dupg_pathlist_free(l);
	fx_rmrf(dir);
	fx_rmrf(other);
	free(dir);
	free(other);
}

/* A package that vanished since loading is still written where it was meant to be. */
static void test_save_missing_package(void)
{
	char *dir = make_packages(), *other = fx_tmpdir(), *text, real[PATH_MAX], want[3 * PATH_MAX];
	dupg_pathlist *l = NULL;

	fx_write(fx_path(dir, "list"), "b\n");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&l, fx_path(dir, "list")), 0);
	CU_ASSERT_EQUAL(unlink(fx_path(dir, "b")), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(realpath(dir, real));
	CU_ASSERT_EQUAL(dupg_pathlist_save(l, fx_path(other, "list"), NULL), 0);
	snprintf(want, sizeof(want), "%s/b\n", real);
	text = fx_read(fx_path(other, "list"));
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);
	dupg_pathlist_free(l);
	fx_rmrf(dir);
	fx_rmrf(other);
	free(dir);
	free(other);
}

/* Many entries: the path index and the flat type arrays grow. */
static void test_many(void)
{
	dupg_pathlist *l = NULL;
	dupg_config *c = NULL;
	char path[32], t[16];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_new(&l), 0);
	for (i = 0; i < 50000; i++) {
		const char *hw[1] = { t };
		snprintf(path, sizeof(path), "p%zu", i);
		snprintf(t, sizeof(t), "T%zu", i % 97);
		CU_ASSERT_EQUAL_FATAL(dupg_pathlist_add(l, path, hw, 1), 0);
	}
	CU_ASSERT_EQUAL(dupg_pathlist_count(l), 50000);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "p49999"), 49999);
	CU_ASSERT_EQUAL(dupg_pathlist_find(l, "p12345"), 12345);
	CU_ASSERT_STRING_EQUAL(dupg_pathlist_hw(l, 12345, 0), "T26");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_config(&c, l), 0);
	CU_ASSERT_EQUAL(dupg_config_count(c), 97);
	CU_ASSERT_STRING_EQUAL(dupg_config_get(c, "T0"), "p49955");
	dupg_config_free(c);
	dupg_pathlist_free(l);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "add and getters", test_add_and_getters },
		{ "add: bad arguments and duplicates", test_add_bad },
		{ "configuration", test_config },
		{ "list file: read", test_listfile_read },
		{ "list file: malformed, missing, unreadable", test_listfile_bad },
		{ "list file: a FIFO or a device is refused at once", test_listfile_not_regular },
		{ "list file: path length and path count limits", test_listfile_limits },
		{ "load", test_load },
		{ "load: every bad input, nothing written", test_load_errors },
		{ "add_file", test_add_file },
		{ "save", test_save },
		{ "save: a vanished package", test_save_missing_package },
		{ "50000 entries", test_many },
		CU_TEST_INFO_NULL,
	};
	return fx_run("pathlist", tests);
}
