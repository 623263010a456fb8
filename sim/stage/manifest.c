/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim manifest: verify a package fully and print its manifest. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_manifest(int argc, char **argv)
{
	dupg_verify_options o = DUPG_VERIFY_OPTIONS_INIT;
	dupg_trust *t = NULL;
	dupg_manifest *m = NULL;
	const char *pkg = NULL, *trust = NULL;
	char *json = NULL;
	int i, rc;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim manifest PKG [--trust DIR]\n"
		     "Verifies PKG fully (every file's size, XXH3-128 digest and, in a format-2\n"
		     "manifest, SHA-256; exactly the listed regular files) and prints its manifest\n"
		     "as JSON. With --trust DIR, the package must also be signed under the trust\n"
		     "store DIR (its *.pub keys, an optional `threshold` and `revoked` file) and not\n"
		     "expired; each refusal names the package and the reason.");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
			trust = argv[++i];
		else if (strncmp(argv[i], "--trust=", 8) == 0)
			trust = argv[i] + 8;
		else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_fail("manifest: unknown option '%s' (see --help)", argv[i]);
			return 2;
		} else if (pkg == NULL)
			pkg = argv[i];
		else
			pkg = "";
	}
	if (pkg == NULL || *pkg == '\0') {
		cli_fail("manifest: expected exactly one package (see --help)");
		return 2;
	}
	if (trust == NULL) {
		rc = dupg_package_verify(&m, pkg);
	} else {
		rc = dupg_trust_load_dir(&t, trust);
		o.policy = DUPG_TRUST_REQUIRED;
		o.trust = t;
		if (rc == 0)
			rc = dupg_package_verify_ext(&m, pkg, &o);
		dupg_trust_free(t);
	}
	if (rc != 0)
		return cli_lib_fail(rc);
	rc = dupg_manifest_to_json(&json, m);
	dupg_manifest_free(m);
	return stage_print_owned(json, rc);
}
