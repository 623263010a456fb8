/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim recover: repair a store after an interrupted apply. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_recover(int argc, char **argv)
{
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_recover_report report;
	const char *list = NULL;
	json_object *o;
	int rc, no_fsync = 0, i;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim recover --list LIST [--wait SECONDS] [--no-fsync]\n"
		     "Brings the store of LIST back to a consistent state after an interrupted\n"
		     "`prune --apply` or `rollback`: finishes it when it had reached its commit point, undoes it\n"
		     "otherwise, removes temporary files. Prints {\"action\": \"clean|finished|undone\",\n"
		     "\"temps_removed\": N, \"files_deleted\": N}. A change still under way in another\n"
		     "process holds the store's lock: recover fails at once saying who holds it, or\n"
		     "waits --wait SECONDS for it.");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0 && i + 1 < argc)
			list = argv[++i];
		else if (strncmp(argv[i], "--list=", 7) == 0)
			list = argv[i] + 7;
		else if (strcmp(argv[i], "--no-fsync") == 0)
			no_fsync = 1;
		else if (strcmp(argv[i], "--wait") == 0 && i + 1 < argc) {
			if (stage_parse_wait(&ao.lock_timeout_ms, argv[++i], "recover") != 0)
				return 2;
		}
		else {
			cli_fail("recover: unexpected argument '%s' (see --help)", argv[i]);
			return 2;
		}
	}
	if (list == NULL) {
		cli_fail("recover: --list LIST is required (see --help)");
		return 2;
	}
	ao.no_fsync = no_fsync;
	rc = dupg_store_recover(&report, list, &ao);
	if (rc != 0)
		return cli_lib_fail(rc);
	o = json_object_new_object();
	json_object_object_add(o, "list", json_object_new_string(list));
	json_object_object_add(o, "action", json_object_new_string(dupg_recover_action_name(report.action)));
	json_object_object_add(o, "temps_removed", json_object_new_int64((int64_t)report.temps_removed));
	json_object_object_add(o, "files_deleted", json_object_new_int64((int64_t)report.files_deleted));
	return stage_print_object(o);
}
