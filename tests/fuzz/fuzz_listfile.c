/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_listfile_read and dupg_pathlist_load on any list file, in a
 * directory holding two real packages (p1 for A and B, p2 for C) that its
 * lines may name. A list that loads reads as the same paths; saved and
 * loaded again, it is the same list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char *store;

/* Build the two packages once per process. */
static void setup(void)
{
	static const char *const hw1[] = { "A", "B" }, *const hw2[] = { "C" };
	const char *src;
	dupg_pack_file f;

	store = strdup(fuzz_path(fuzz_dir(), "store"));
	FUZZ_CHECK(store != NULL, "out of memory");
	fuzz_fresh_dir(store);
	src = fuzz_path(store, "payload");
	fuzz_write(src, "hello\n", 6);
	f.source = src;
	f.path = "bin/app";
	FUZZ_CHECK(dupg_package_build(NULL, fuzz_path(store, "p1"), "p1", "1", hw1, 2, &f, 1, NULL) == 0,
		   "%s", dupg_error_last());
	FUZZ_CHECK(dupg_package_build(NULL, fuzz_path(store, "p2"), "p2", "2", hw2, 1, &f, 1, NULL) == 0,
		   "%s", dupg_error_last());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_pathlist *l = (dupg_pathlist *)&l, *back = NULL;
	char **paths = (char **)&paths;
	const char *list, *saved;
	size_t n = 7, i;
	int rc;

	if (store == NULL)
		setup();
	list = fuzz_path(store, "list");
	saved = fuzz_path(store, "saved");
	fuzz_write(list, data, size);
	rc = dupg_listfile_read(&paths, &n, list);
	if (rc != 0) {
		fuzz_check_error(rc, "dupg_listfile_read");
		FUZZ_CHECK(paths == NULL && n == 0, "a failed read left paths");
	} else {
		FUZZ_CHECK(n <= DUPG_LIST_MAX_ENTRIES && paths[n] == NULL, "%zu paths", n);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(*paths[i] != '\0' && strlen(paths[i]) <= DUPG_PATH_MAX_BYTES &&
				   strpbrk(paths[i], "\r\n") == NULL, "path %zu", i);
	}
	rc = dupg_pathlist_load(&l, list);
	if (rc != 0) {
		fuzz_check_error(rc, "dupg_pathlist_load");
		FUZZ_CHECK(l == NULL, "a failed load left a list");
		if (paths != NULL && paths != (char **)&paths)
			dupg_free(paths);
		return 0;
	}
	FUZZ_CHECK(paths != NULL && dupg_pathlist_count(l) == n, "load %zu, read %zu",
		   dupg_pathlist_count(l), n);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(dupg_pathlist_path(l, i), paths[i]) == 0, "entry %zu", i);
		FUZZ_CHECK(dupg_pathlist_hw_count(l, i) >= 1, "entry %zu fits nothing", i);
	}
	opts.no_fsync = 1;
	FUZZ_CHECK(dupg_pathlist_save(l, saved, &opts) == 0, "save: %s", dupg_error_last());
	FUZZ_CHECK(dupg_pathlist_load(&back, saved) == 0, "saved list does not load: %s",
		   dupg_error_last());
	FUZZ_CHECK(dupg_pathlist_count(back) == n, "saved %zu", dupg_pathlist_count(back));
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(dupg_pathlist_path(back, i), paths[i]) == 0, "saved entry %zu", i);
		FUZZ_CHECK(strcmp(dupg_pathlist_resolved(back, i), dupg_pathlist_resolved(l, i)) == 0,
			   "saved entry %zu resolves elsewhere", i);
	}
	dupg_pathlist_free(back);
	dupg_pathlist_free(l);
	dupg_free(paths);
	return 0;
}
