/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim merge: merge device descriptions into a system version description. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_merge(int argc, char **argv)
{
	dupg_topology *t = NULL;
	dupg_sysvd *s = NULL;
	char *text, *json = NULL;
	size_t len;
	int rc, status = 1;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim merge DEVICES.json\n"
		     "DEVICES.json: {\"devices\": [{\"id\": ..., \"hw\": ..., \"version\": ...,\n"
		     "               \"parent\": id (optional), \"duration_s\": seconds (optional)}, ...]}\n"
		     "(what dupg_topology_to_json() writes, a scenario's site devices too; other keys\n"
		     "of a device are ignored, the old \"duration\" is refused)\n"
		     "Prints the system version description: {\"hw\": {\"TYPE\": [{\"version\": V,\n"
		     "\"devices\": [ids]}, ...]}}.");
		return 0;
	}
	if (argc != 2) {
		cli_fail("merge: expected exactly one DEVICES.json (see --help)");
		return 2;
	}
	text = stage_read_text(argv[1], &len);
	if (text == NULL)
		return 1;
	/* the devices need not form a tree to be merged: no check */
	rc = dupg_topology_from_json(&t, text, len, argv[1]);
	if (rc == 0)
		rc = dupg_topology_merge(&s, t);
	if (rc != 0) {
		cli_fail("%s", dupg_error_last());
		goto done;
	}
	rc = dupg_sysvd_to_json(&json, s);
	status = stage_print_owned(json, rc);
done:
	dupg_sysvd_free(s);
	dupg_topology_free(t);
	free(text);
	return status;
}
