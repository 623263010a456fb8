/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim prune: the seed's pruning of a store, computed or applied crash-safely. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

int cli_prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "new", required_argument, NULL, 'n' },
		{ "apply", no_argument, NULL, 'a' },
		{ "keep", required_argument, NULL, 'k' },
		{ "no-fsync", no_argument, NULL, 'F' },
		{ "wait", required_argument, NULL, 'w' },
		{ "trust", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	dupg_prune_options po = DUPG_PRUNE_OPTIONS_INIT;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_admit_options adm = DUPG_ADMIT_OPTIONS_INIT;
	dupg_trust *trust = NULL;
	const char *list = NULL, *new_list = NULL, *trust_dir = NULL;
	dupg_store *store = NULL;
	dupg_pathlist *downloaded = NULL;
	dupg_prune *result = NULL;
	char *json = NULL;
	int c, rc, apply = 0;
	uint64_t keep;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim prune --list LIST --new NEW_LIST [--apply] [--keep N] [--wait SECONDS]\n"
		     "                      [--trust DIR] [--no-fsync]\n"
		     "LIST is the master's path list, NEW_LIST the newly downloaded packages in download\n"
		     "order (relative paths are relative to each list file's directory). Prints\n"
		     "{\"second\", \"third\", \"fourth\", \"deletable\", \"latest\", \"rollback\"} with paths as\n"
		     "they stand in the lists. Without --apply nothing on disk changes. With --apply,\n"
		     "LIST becomes the third list, LIST.rollback the fourth, and the deletable files are\n"
		     "removed, crash-safely (run `dupg-sim recover` after a crash). Before anything is\n"
		     "written, every package of NEW_LIST that LIST does not name is verified in full\n"
		     "(sizes, digests; signatures too with --trust DIR, a trust directory as\n"
		     "`dupg-sim manifest --trust` takes it) and held to the store's anti-rollback floor\n"
		     "(LIST.floor: a security_version below it is refused); a failure names the\n"
		     "package and changes nothing.\n"
		     "--keep N (N >= 2) keeps the N latest packages per hardware type instead of the\n"
		     "minimal rule. An empty NEW_LIST is refused. --wait SECONDS waits that long for\n"
		     "the store's lock when another process is changing the store (default: fail at\n"
		     "once, saying who holds it). --no-fsync is for simulations only.");
		return 0;
	}
	stage_reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': list = optarg; break;
		case 'n': new_list = optarg; break;
		case 'a': apply = 1; break;
		case 'F': ao.no_fsync = 1; break;
		case 't': trust_dir = optarg; break;
		case 'w':
			if (stage_parse_wait(&ao.lock_timeout_ms, optarg, "prune") != 0)
				return 2;
			break;
		case 'k':
			if (cli_parse_u64(&keep, optarg, 2, SIZE_MAX) != 0) {
				cli_fail("prune: --keep needs a whole number of at least 2, not '%s'", optarg);
				return 2;
			}
			po.policy = DUPG_PRUNE_KEEP_LATEST;
			po.keep = (size_t)keep;
			break;
		default:
			return 2;
		}
	}
	if (list == NULL || new_list == NULL || optind != argc) {
		cli_fail("prune: --list LIST and --new NEW_LIST are required (see --help)");
		return 2;
	}
	rc = trust_dir != NULL ? dupg_trust_load_dir(&trust, trust_dir) : 0;
	adm.verify.trust = trust;
	adm.verify.policy = trust != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	if (rc == 0)
		rc = dupg_store_open_ext(&store, list, &ao);
	if (rc == 0)
		rc = dupg_pathlist_load(&downloaded, new_list);
	if (rc == 0 && apply)
		rc = dupg_store_prune_ext(&result, store, downloaded, &po, &ao, &adm);
	else if (rc == 0)
		rc = dupg_prune_compute(&result, dupg_store_list(store), downloaded, &po);
	if (rc == 0)
		rc = dupg_prune_to_json(&json, result);
	dupg_prune_free(result);
	dupg_pathlist_free(downloaded);
	dupg_store_free(store);
	dupg_trust_free(trust);
	return stage_print_owned(json, rc);
}
