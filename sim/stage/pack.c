/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim pack: build an upgrade package and print its manifest. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"

static const char usage_text[] =
	"usage: dupg-sim pack --out FILE --name NAME --version VER --hw T1[,T2...]\n"
	"                     [--format auto|tar|tar.gz|tar.xz|tar.zst|zip] [--vendor V]\n"
	"                     [--build-time T] [--security-version N] [--applies-min V]\n"
	"                     [--applies-max V] [--summary TEXT] [--expires RFC3339]\n"
	"                     [--sign KEY]... [--mode INSTALL_PATH=MODE]... [--record-modes]\n"
	"                     [PAYLOAD_FILE[=INSTALL_PATH]...]\n"
	"Builds an upgrade package (a format-2 manifest.json first, every file with its\n"
	"XXH3-128 and SHA-256, then manifest.sig when signed, then the payload files, each\n"
	"installed at INSTALL_PATH or at its base name) and prints its manifest.\n"
	"The format follows FILE's suffix unless --format is given.\n"
	"--sign KEY signs manifest.json with the Ed25519 private key KEY (dupg-sim keygen);\n"
	"give it once per key. --security-version feeds anti-rollback, --applies-min and\n"
	"--applies-max bound the running versions the package may be installed over, and\n"
	"--expires is the time after which a trust policy refuses the package.\n"
	"--mode INSTALL_PATH=MODE (octal, e.g. bin/app=0755) lists the mode the file\n"
	"installs with; --record-modes lists every other file's mode as its source has it.\n"
	"Listed modes make the manifest format 3 and go on the archive entries; a file\n"
	"without one installs as 0644. Setuid, setgid, sticky or world-writable modes are\n"
	"accepted at verification only when listed.";

struct pack_args {
	const char *out, *name, *version, *hw_csv;
	dupg_pack_options opts;
	char *hw_copy;           /* hw_csv split in place; hw points into it */
	const char **hw;
	size_t nhw;
	char **sources;          /* PAYLOAD_FILE copies, cut at '=' */
	dupg_pack_file *files;
	size_t nfiles;
	const char *keys[DUPG_SIG_MAX_ENTRIES];
	dupg_pack_mode *modes;   /* --mode, paths pointing into argv */
	size_t nmodes;
};

static void args_free(struct pack_args *a)
{
	size_t i;

	for (i = 0; a->sources != NULL && i < a->nfiles; i++)
		free(a->sources[i]);
	free(a->sources);
	free(a->files);
	free(a->hw);
	free(a->hw_copy);
	free(a->modes);
}

/* --mode PATH=MODE: 0, or the exit status of a bad command line. */
static int add_mode(struct pack_args *a, char *arg)
{
	char *eq = strrchr(arg, '='), *end;
	unsigned long v;
	void *p;
	size_t len;

	len = eq != NULL ? strlen(eq + 1) : 0;
	if (eq == NULL || eq == arg || len < 3 || len > 4 || strspn(eq + 1, "01234567") != len) {
		cli_fail("pack: --mode '%s' is not INSTALL_PATH=MODE with 3 or 4 octal digits "
			 "(bin/app=0755)", arg);
		return 2;
	}
	v = strtoul(eq + 1, &end, 8);
	p = realloc(a->modes, (a->nmodes + 1) * sizeof(*a->modes));
	if (p == NULL) {
		cli_fail("pack: out of memory");
		return 1;
	}
	a->modes = p;
	/* argv outlives the build: cut it in place */
	*eq = '\0';
	a->modes[a->nmodes].path = arg;
	a->modes[a->nmodes].mode = (unsigned int)v;
	a->nmodes++;
	a->opts.modes = a->modes;
	a->opts.mode_count = a->nmodes;
	return 0;
}

/* Split "A,B,C" into a malloc'd vector pointing into a malloc'd copy. */
static int split_csv(const char *csv, char **copy_out, const char ***items_out, size_t *n_out)
{
	char *copy = strdup(csv), *tok, *save = NULL;
	const char **items = NULL;
	size_t n = 0;

	if (copy == NULL)
		return -1;
	items = calloc(strlen(csv) / 2 + 2, sizeof(*items));
	if (items == NULL) {
		free(copy);
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		items[n++] = tok;
	*copy_out = copy;
	*items_out = items;
	*n_out = n;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* The options; 0, or the exit status of a bad command line. */
static int parse_options(struct pack_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "hw", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "vendor", required_argument, NULL, 'V' },
		{ "build-time", required_argument, NULL, 'b' },
		{ "sign", required_argument, NULL, 'k' },
		{ "security-version", required_argument, NULL, 's' },
		{ "applies-min", required_argument, NULL, 'm' },
		{ "applies-max", required_argument, NULL, 'M' },
		{ "summary", required_argument, NULL, 'S' },
		{ "expires", required_argument, NULL, 'e' },
		{ "mode", required_argument, NULL, 'p' },
		{ "record-modes", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	stage_reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->out = optarg; break;
		case 'n': a->name = optarg; break;
		case 'v': a->version = optarg; break;
		case 'w': a->hw_csv = optarg; break;
		case 'V': a->opts.vendor = optarg; break;
		case 'b': a->opts.build_time = optarg; break;
		case 'm': a->opts.applies_min = optarg; break;
		case 'M': a->opts.applies_max = optarg; break;
		case 'S': a->opts.summary = optarg; break;
		case 'e': a->opts.expires = optarg; break;
		case 'R': a->opts.record_modes = 1; break;
		case 'p': {
			int st = add_mode(a, optarg);

			if (st != 0)
				return st;
			break;
		}
		case 'k':
			if (a->opts.sign_key_count >= DUPG_SIG_MAX_ENTRIES) {
				cli_fail("pack: more than %u --sign keys", DUPG_SIG_MAX_ENTRIES);
				return 2;
			}
			a->keys[a->opts.sign_key_count++] = optarg;
			a->opts.sign_keys = a->keys;
			break;
		case 's':
			if (cli_parse_u64(&a->opts.security_version, optarg, 0, INT64_MAX) != 0) {
				cli_fail("pack: --security-version '%s' is not a non-negative integer", optarg);
				return 2;
			}
			break;
		case 'f':
			if (dupg_pack_format_parse(&a->opts.format, optarg) != 0) {
				cli_fail("pack: unknown --format '%s'", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (a->out == NULL || a->name == NULL || a->version == NULL || a->hw_csv == NULL) {
		cli_fail("pack: --out, --name, --version and --hw are required (see --help)");
		return 2;
	}
	return 0;
}

/* The hardware list and the payload files, PAYLOAD_FILE[=INSTALL_PATH] each; 0 or 1. */
static int payload(struct pack_args *a, int argc, char **argv)
{
	size_t i;

	if (split_csv(a->hw_csv, &a->hw_copy, &a->hw, &a->nhw) != 0) {
		cli_fail("pack: out of memory");
		return 1;
	}
	a->nfiles = (size_t)(argc - optind);
	a->files = calloc(a->nfiles + 1, sizeof(*a->files));
	a->sources = calloc(a->nfiles + 1, sizeof(*a->sources));
	if (a->files == NULL || a->sources == NULL) {
		cli_fail("pack: out of memory");
		return 1;
	}
	for (i = 0; i < a->nfiles; i++) {
		char *eq;

		a->sources[i] = strdup(argv[optind + (int)i]);
		if (a->sources[i] == NULL) {
			cli_fail("pack: out of memory");
			return 1;
		}
		eq = strchr(a->sources[i], '=');
		if (eq != NULL) {
			*eq = '\0';
			a->files[i].path = eq + 1;
		} else {
			a->files[i].path = base_name(a->sources[i]);
		}
		a->files[i].source = a->sources[i];
	}
	return 0;
}

int cli_pack(int argc, char **argv)
{
	struct pack_args a;
	dupg_pack_options init = DUPG_PACK_OPTIONS_INIT;
	dupg_manifest *m = NULL;
	char *json = NULL;
	int rc, status;

	if (stage_wants_help(argc, argv)) {
		puts(usage_text);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.opts = init;
	status = parse_options(&a, argc, argv);
	if (status == 0)
		status = payload(&a, argc, argv);
	if (status == 0) {
		rc = dupg_package_build(&m, a.out, a.name, a.version, a.hw, a.nhw, a.files, a.nfiles,
					&a.opts);
		if (rc != 0) {
			status = cli_lib_fail(rc);
		} else {
			rc = dupg_manifest_to_json(&json, m);
			status = stage_print_owned(json, rc);
		}
	}
	dupg_manifest_free(m);
	args_free(&a);
	return status;
}
