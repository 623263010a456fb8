/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim keygen: an Ed25519 key pair for signing packages. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_keygen(int argc, char **argv)
{
	char id[DUPG_KEYID_HEX_LEN + 1], *pub;
	const char *out = NULL;
	int i, rc;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim keygen --out KEY\n"
		     "Generates an Ed25519 key pair: the private key in KEY (PEM, PKCS#8, mode 0600)\n"
		     "and the public key in KEY.pub (PEM), both as OpenSSL writes them. Prints\n"
		     "{\"private\": KEY, \"public\": KEY.pub, \"keyid\": ID}, ID being the hex SHA-256\n"
		     "of the raw public key, as manifest.sig names it. Sign with\n"
		     "`dupg-sim pack ... --sign KEY`; trust by copying KEY.pub into a trust directory.");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strncmp(argv[i], "--out=", 6) == 0) {
			out = argv[i] + 6;
		} else {
			cli_fail("keygen: unexpected argument '%s' (see --help)", argv[i]);
			return 2;
		}
	}
	if (out == NULL || *out == '\0') {
		cli_fail("keygen: --out KEY is required (see --help)");
		return 2;
	}
	pub = malloc(strlen(out) + sizeof(".pub"));
	if (pub == NULL) {
		cli_fail("keygen: out of memory");
		return 1;
	}
	sprintf(pub, "%s.pub", out);
	rc = dupg_key_generate(out, pub, id);
	if (rc != 0) {
		free(pub);
		return cli_lib_fail(rc);
	}
	{
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "private", json_object_new_string(out));
		json_object_object_add(o, "public", json_object_new_string(pub));
		json_object_object_add(o, "keyid", json_object_new_string(id));
		free(pub);
		return stage_print_object(o);
	}
}
