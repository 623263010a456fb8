/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim rollback: put a store back on its rollback list. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_rollback(int argc, char **argv)
{
	dupg_apply_options so = DUPG_APPLY_OPTIONS_INIT;
	const char *list = NULL;
	char **deleted = NULL, **rb = NULL, *rb_file = NULL;
	const char **now = NULL;
	size_t ndel = 0, nrb = 0, nnow = 0, i;
	dupg_store *store = NULL;
	const dupg_pathlist *l;
	json_object *o;
	int rc, status = 1;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim rollback --list LIST [--wait SECONDS] [--no-fsync]\n"
		     "After the site rolled back (every device is back on the configuration of\n"
		     "LIST.rollback), makes the store say so: LIST becomes the rollback list\n"
		     "(LIST.rollback stays) and the packages LIST named beyond it, those of the\n"
		     "failed upgrade, are removed, crash-safely (run `dupg-sim recover` after a\n"
		     "crash). A later `prune --apply` of the same download then works again.\n"
		     "Prints {\"list\": [...], \"rollback\": [...], \"deleted\": [...]} with paths as\n"
		     "they stand in the lists. --wait SECONDS waits that long for the store's lock\n"
		     "(default: fail at once). --no-fsync is for simulations only.");
		return 0;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--list") == 0 && i + 1 < (size_t)argc)
			list = argv[++i];
		else if (strncmp(argv[i], "--list=", 7) == 0)
			list = argv[i] + 7;
		else if (strcmp(argv[i], "--no-fsync") == 0)
			so.no_fsync = 1;
		else if (strcmp(argv[i], "--wait") == 0 && i + 1 < (size_t)argc) {
			if (stage_parse_wait(&so.lock_timeout_ms, argv[++i], "rollback") != 0)
				return 2;
		}
		else {
			cli_fail("rollback: unexpected argument '%s' (see --help)", argv[i]);
			return 2;
		}
	}
	if (list == NULL) {
		cli_fail("rollback: --list LIST is required (see --help)");
		return 2;
	}
	rc = dupg_store_open_ext(&store, list, &so);
	if (rc == 0)
		rc = dupg_store_rollback(&deleted, &ndel, store, &so);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	rb_file = malloc(strlen(list) + sizeof(".rollback"));
	if (rb_file != NULL)
		sprintf(rb_file, "%s.rollback", list);
	l = dupg_store_list(store);
	nnow = dupg_pathlist_count(l);
	now = calloc(nnow + 1, sizeof(*now));
	if (rb_file == NULL || now == NULL) {
		cli_fail("rollback: out of memory");
		goto done;
	}
	rc = dupg_listfile_read(&rb, &nrb, rb_file);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	for (i = 0; i < nnow; i++)
		now[i] = dupg_pathlist_path(l, i);
	o = json_object_new_object();
	json_object_object_add(o, "list", stage_json_paths(now, nnow));
	json_object_object_add(o, "rollback", stage_json_paths((const char *const *)rb, nrb));
	json_object_object_add(o, "deleted", stage_json_paths((const char *const *)deleted, ndel));
	status = stage_print_object(o);
done:
	dupg_free(deleted);
	free(now);
	dupg_free(rb);
	free(rb_file);
	dupg_store_free(store);
	return status;
}
