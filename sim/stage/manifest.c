/* dupg-sim manifest: verify a package fully and print its manifest. */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_manifest(int argc, char **argv)
{
	dupg_manifest *m = NULL;
	char *json = NULL;
	int rc;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim manifest PKG\n"
		     "Verifies PKG fully (every file's size and XXH3-128 digest, exactly the listed\n"
		     "regular files) and prints its manifest as JSON.");
		return 0;
	}
	if (argc != 2) {
		cli_fail("manifest: expected exactly one package (see --help)");
		return 2;
	}
	rc = dupg_package_verify(&m, argv[1]);
	if (rc != 0)
		return cli_lib_fail(rc);
	rc = dupg_manifest_to_json(&json, m);
	dupg_manifest_free(m);
	return stage_print_owned(json, rc);
}
