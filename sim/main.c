/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-sim: drives libdupg on real files; JSON on stdout, one-line errors on
 * stderr. This file only dispatches: the stage commands live in stage/, the
 * simulator proper in run.c and draw.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "node/node.h"
#include "dupg.h"
#include "run.h"
#include "stage/stage.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{ "pack", cli_pack,
	  "pack --out FILE --name NAME --version VER --hw T1[,T2...] [--format tar|tar.gz|tar.xz|tar.zst|zip]\n"
	  "                [--vendor V] [--build-time T] [--security-version N] [--applies-min V]\n"
	  "                [--applies-max V] [--summary S] [--expires T] [--sign KEY]...\n"
	  "                [PAYLOAD_FILE[=INSTALL_PATH]...]" },
	{ "manifest", cli_manifest, "manifest PKG [--trust DIR]   verify PKG fully (and its signatures), print its manifest" },
	{ "keygen", cli_keygen, "keygen --out KEY      an Ed25519 key pair: KEY (private, 0600) and KEY.pub" },
	{ "merge", cli_merge, "merge DEVICES.json    merge device descriptions by hardware type" },
	{ "match", cli_match, "match --site SYSTEM.json PKG...   the site's download task" },
	{ "prune", cli_prune,
	  "prune --list LIST --new NEW_LIST [--apply] [--keep N] [--trust DIR] [--no-fsync]" },
	{ "fetch", cli_fetch,
	  "fetch --into DIR --task TASK.json --server URL[@LABELS] [--server ...]\n"
	  "                [--location LABELS] [--limit-rate BYTES/S]   download a task's packages" },
	{ "recover", cli_recover, "recover --list LIST   repair a store after an interrupted apply" },
	{ "rollback", cli_rollback, "rollback --list LIST [--no-fsync]   put the store back on its rollback list" },
	{ "run", sim_run_main,
	  "run SCENARIO [--seed N] [--fail DEVICE:stage|switch|health]... [--report FILE|--json]\n"
	  "                [--cut PKG] [--corrupt PKG] [--crash STEP] [--workdir DIR] [--keep]\n"
	  "                [--no-fsync] [--link] [--trust] [--sites N] [--halt-threshold X] [--quiet]\n"
	  "                [--serve [--server-bin PATH]]" },
	{ "node", cli_node,
	  "node --id ID --region N --group ADDR:PORT --iface ADDR --resources R --period MS\n"
	  "                --server URL --store DIR --package PATH [--rogue] ...   one node of a region on a real network" },
	{ "draw", sim_draw_main,
	  "draw SITE --report FILE | draw SCENARIO [--site ID]   Graphviz DOT of a site" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dupg-sim COMMAND [ARGS]   (libdupg %s)\n\n", dupg_version_string());
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  dupg-sim %s\n", commands[i].usage);
	fprintf(out, "\nJSON goes to stdout (run on a terminal writes its report to a file it names;\n"
		     "--json puts it on stdout); errors are one line on stderr naming the file;\n"
		     "the exit status is non-zero on error.\n"
		     "`dupg-sim COMMAND --help` describes one command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("dupg-sim (libdupg) %s\n", dupg_version_string());
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_fail("unknown command '%s' (try dupg-sim --help)", argv[1]);
	return 2;
}
