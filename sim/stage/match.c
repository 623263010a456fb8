/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim match: a site's download task against a set of packages. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_match(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "site", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *site_path = NULL;
	char *text = NULL, *json = NULL;
	dupg_sysvd *site = NULL;
	dupg_pkgset *set = NULL;
	dupg_task *task = NULL;
	int c, rc, status = 1;
	size_t len = 0;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim match --site SYSTEM.json PKG...\n"
		     "SYSTEM.json is a system version description as `dupg-sim merge` prints it.\n"
		     "Indexes the packages (by their manifests) and prints the site's download task:\n"
		     "{\"kind\": \"full|incremental|none\", \"task\": [package paths as given]}.");
		return 0;
	}
	stage_reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return 2;
		site_path = optarg;
	}
	if (site_path == NULL) {
		cli_fail("match: --site SYSTEM.json is required (see --help)");
		return 2;
	}
	text = stage_read_text(site_path, &len);
	if (text == NULL)
		return 1;
	rc = dupg_sysvd_from_json(&site, text, len, site_path);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	rc = dupg_pkgset_new(&set);
	for (c = optind; rc == 0 && c < argc; c++) {
		dupg_manifest *m = NULL;
		rc = dupg_package_read_manifest(&m, argv[c]);
		if (rc == 0)
			rc = dupg_pkgset_add_manifest(set, argv[c], m);
		dupg_manifest_free(m);
	}
	if (rc == 0)
		rc = dupg_match(&task, set, site);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	rc = dupg_task_to_json(&json, task);
	status = stage_print_owned(json, rc);
done:
	dupg_task_free(task);
	dupg_pkgset_free(set);
	dupg_sysvd_free(site);
	free(text);
	return status;
}
