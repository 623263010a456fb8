/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_store_recover on any journal, in a fresh store each time:
 *
 *     SCRATCH/victim, SCRATCH/keep/file       outside the harness's tree
 *     SCRATCH/root/near                       beside the store
 *     SCRATCH/root/store/list                 "pkg1\npkg2\n"
 *     SCRATCH/root/store/list.rollback        "pkg1\n"
 *     SCRATCH/root/store/pkg1, pkg2, pkg3     package files
 *     SCRATCH/root/store/out -> ../..         a link out of the store
 *     SCRATCH/root/store/list.journal         the input
 *
 * Deletions stay confined: whatever the journal says, no file outside the
 * store's directory is removed ("../near", "../../victim", "out/victim")
 * and the list itself never is. A recovery that succeeds leaves the state
 * it reports: finished, LIST is the journal's "third" and LIST.rollback its
 * "fourth"; undone, LIST as it was and LIST.rollback the journal's
 * "rollback_previous" (absent when null); the journal gone either way.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/fs.h"

static const char list_text[] = "pkg1\npkg2\n", rollback_text[] = "pkg1\n";

/* path holds exactly text (len bytes), or does not exist when text is NULL */
static int holds(const char *path, const char *text, size_t len)
{
	char *cur = NULL;
	size_t cur_len = 0;
	int rc = dupg__fs_read(&cur, &cur_len, path, (size_t)1 << 30), same;

	if (rc == DUPG_ENOTFOUND)
		return text == NULL;
	same = rc == 0 && text != NULL && cur_len == len && memcmp(cur, text, len) == 0;
	free(cur);
	return same;
}

static json_object *journal_value(json_object *root, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(root, key, &v);
	return v;
}

static void check_outcome(const char *store, const uint8_t *data, size_t size,
			  const dupg_recover_report *r)
{
	json_tokener *tok = json_tokener_new();
	json_object *root, *third, *fourth, *prev;
	const char *list = fuzz_path(store, "list"), *rollback = fuzz_path(store, "list.rollback");

	FUZZ_CHECK(!dupg__fs_exists(fuzz_path(store, "list.journal")), "the journal is still there");
	if (r->action == DUPG_RECOVER_CLEAN)
		return;
	FUZZ_CHECK(tok != NULL, "out of memory");
	root = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	FUZZ_CHECK(root != NULL, "recovered from a journal json-c does not parse");
	third = journal_value(root, "third");
	fourth = journal_value(root, "fourth");
	prev = journal_value(root, "rollback_previous");
	if (r->action == DUPG_RECOVER_FINISHED) {
		FUZZ_CHECK(holds(list, json_object_get_string(third), (size_t)json_object_get_string_len(third)),
			   "finished, but LIST is not the journal's third list");
		FUZZ_CHECK(holds(rollback, json_object_get_string(fourth),
				 (size_t)json_object_get_string_len(fourth)),
			   "finished, but LIST.rollback is not the journal's fourth list");
	} else {
		FUZZ_CHECK(r->action == DUPG_RECOVER_UNDONE, "action %d", (int)r->action);
		FUZZ_CHECK(holds(list, list_text, sizeof(list_text) - 1), "undone, but LIST changed");
		FUZZ_CHECK(holds(rollback, prev != NULL ? json_object_get_string(prev) : NULL,
				 prev != NULL ? (size_t)json_object_get_string_len(prev) : 0),
			   "undone, but LIST.rollback is not the journal's previous one");
	}
	json_object_put(root);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	dupg_recover_report r = { DUPG_RECOVER_CLEAN, 0, 0 };
	const char *scratch = fuzz_dir();
	char root[4200], store[4200];
	int rc;

	snprintf(root, sizeof(root), "%s", fuzz_path(scratch, "root"));
	snprintf(store, sizeof(store), "%s", fuzz_path(root, "store"));
	fuzz_write(fuzz_path(scratch, "victim"), "v", 1);
	if (!dupg__fs_exists(fuzz_path(scratch, "keep")))
		fuzz_fresh_dir(fuzz_path(scratch, "keep"));
	fuzz_write(fuzz_path(fuzz_path(scratch, "keep"), "file"), "k", 1);
	fuzz_fresh_dir(root);
	fuzz_write(fuzz_path(root, "near"), "n", 1);
	FUZZ_CHECK(dupg__fs_mkdirs(store) == 0, "%s", dupg_error_last());
	fuzz_write(fuzz_path(store, "list"), list_text, sizeof(list_text) - 1);
	fuzz_write(fuzz_path(store, "list.rollback"), rollback_text, sizeof(rollback_text) - 1);
	fuzz_write(fuzz_path(store, "pkg1"), "1", 1);
	fuzz_write(fuzz_path(store, "pkg2"), "2", 1);
	fuzz_write(fuzz_path(store, "pkg3"), "3", 1);
	FUZZ_CHECK(symlink("../..", fuzz_path(store, "out")) == 0, "symlink");
	fuzz_write(fuzz_path(store, "list.journal"), data, size);

	opts.no_fsync = 1;
	rc = dupg_store_recover(&r, fuzz_path(store, "list"), &opts);
	if (rc != 0)
		fuzz_check_error(rc, "dupg_store_recover");

	FUZZ_CHECK(dupg__fs_exists(fuzz_path(scratch, "victim")), "removed a file outside its tree (../../victim)");
	FUZZ_CHECK(dupg__fs_exists(fuzz_path(fuzz_path(scratch, "keep"), "file")),
		   "removed a file outside its tree (keep/file)");
	FUZZ_CHECK(dupg__fs_exists(fuzz_path(root, "near")), "removed a file beside the store (../near)");
	FUZZ_CHECK(dupg__fs_exists(fuzz_path(store, "list")), "removed the list file");
	if (rc == 0)
		check_outcome(store, data, size, &r);
	return 0;
}
