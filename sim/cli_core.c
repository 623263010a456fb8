/* dupg-sim subcommands that drive one library function each on real files. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dupg.h"

/* getopt keeps state between calls; each subcommand parses a fresh vector. */
static void reset_getopt(void)
{
	optind = 0;
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

static int print_owned_json(char *json, int rc)
{
	int status;

	if (rc != 0)
		return cli_lib_fail(rc);
	status = cli_print_json(json);
	dupg_free(json);
	return status;
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

int cli_pack(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "hw", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "vendor", required_argument, NULL, 'V' },
		{ "build-time", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	dupg_pack_options po = DUPG_PACK_OPTIONS_INIT;
	const char *out = NULL, *name = NULL, *version = NULL, *hw_csv = NULL;
	char *hw_copy = NULL, **sources = NULL;
	const char **hw = NULL;
	dupg_pack_file *files = NULL;
	dupg_manifest *m = NULL;
	size_t nhw = 0, nfiles, i;
	int c, rc, status = 1;
	char *json = NULL;

	if (wants_help(argc, argv)) {
		puts("usage: dupg-sim pack --out FILE --name NAME --version VER --hw T1[,T2...]\n"
		     "                     [--format auto|tar|tar.gz|tar.xz|tar.zst|zip] [--vendor V]\n"
		     "                     [--build-time T] [PAYLOAD_FILE[=INSTALL_PATH]...]\n"
		     "Builds an upgrade package (manifest.json first, then the payload files, each\n"
		     "installed at INSTALL_PATH or at its base name) and prints its manifest.\n"
		     "The format follows FILE's suffix unless --format is given.");
		return 0;
	}
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'n': name = optarg; break;
		case 'v': version = optarg; break;
		case 'w': hw_csv = optarg; break;
		case 'V': po.vendor = optarg; break;
		case 'b': po.build_time = optarg; break;
		case 'f':
			if (dupg_pack_format_parse(&po.format, optarg) != 0) {
				cli_fail("pack: unknown --format '%s'", optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (out == NULL || name == NULL || version == NULL || hw_csv == NULL) {
		cli_fail("pack: --out, --name, --version and --hw are required (see --help)");
		return 2;
	}
	if (split_csv(hw_csv, &hw_copy, &hw, &nhw) != 0) {
		cli_fail("pack: out of memory");
		return 1;
	}
	nfiles = (size_t)(argc - optind);
	files = calloc(nfiles + 1, sizeof(*files));
	sources = calloc(nfiles + 1, sizeof(*sources));
	if (files == NULL || sources == NULL) {
		cli_fail("pack: out of memory");
		goto done;
	}
	for (i = 0; i < nfiles; i++) {
		char *eq;
		sources[i] = strdup(argv[optind + (int)i]);
		if (sources[i] == NULL) {
			cli_fail("pack: out of memory");
			goto done;
		}
		eq = strchr(sources[i], '=');
		if (eq != NULL) {
			*eq = '\0';
			files[i].path = eq + 1;
		} else {
			files[i].path = base_name(sources[i]);
		}
		files[i].source = sources[i];
	}
	rc = dupg_package_build(&m, out, name, version, hw, nhw, files, nfiles, &po);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	rc = dupg_manifest_to_json(&json, m);
	status = print_owned_json(json, rc);
done:
	dupg_manifest_free(m);
	for (i = 0; sources != NULL && i < nfiles; i++)
		free(sources[i]);
	free(sources);
	free(files);
	free(hw);
	free(hw_copy);
	return status;
}

int cli_manifest(int argc, char **argv)
{
	dupg_manifest *m = NULL;
	char *json = NULL;
	int rc;

	if (wants_help(argc, argv)) {
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
	return print_owned_json(json, rc);
}

/* Read a whole file; on failure print the reason naming path and return NULL. */
static char *read_text(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *p;
	size_t cap = 0, len = 0, got;

	if (f == NULL) {
		cli_fail("%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			p = realloc(text, cap + 65536);
			if (p == NULL) {
				fclose(f);
				free(text);
				cli_fail("%s: out of memory", path);
				return NULL;
			}
			text = p;
			cap += 65536;
		}
		got = fread(text + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		cli_fail("%s: read error", path);
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	text[len] = '\0';
	*len_out = len;
	return text;
}

static json_object *load_json_file(const char *path)
{
	enum json_tokener_error jerr = json_tokener_success;
	json_object *obj;
	size_t len;
	char *text = read_text(path, &len);

	if (text == NULL)
		return NULL;
	obj = json_tokener_parse_verbose(text, &jerr);
	free(text);
	if (obj == NULL || jerr != json_tokener_success) {
		json_object_put(obj);
		cli_fail("%s: invalid JSON: %s", path,
			 jerr == json_tokener_continue ? "unexpected end of input"
						       : json_tokener_error_desc(jerr));
		return NULL;
	}
	return obj;
}

static const char *device_str(json_object *dev, const char *key, const char *path, size_t i)
{
	json_object *v;

	if (!json_object_object_get_ex(dev, key, &v) || !json_object_is_type(v, json_type_string)) {
		cli_fail("%s: devices[%zu]: \"%s\" must be a string", path, i, key);
		return NULL;
	}
	return json_object_get_string(v);
}

int cli_merge(int argc, char **argv)
{
	json_object *root, *devs;
	dupg_device_vd *vds = NULL;
	dupg_sysvd *s = NULL;
	char *json = NULL;
	size_t n, i;
	int rc, status = 1;

	if (wants_help(argc, argv)) {
		puts("usage: dupg-sim merge DEVICES.json\n"
		     "DEVICES.json: {\"devices\": [{\"id\": ..., \"hw\": ..., \"version\": ...,\n"
		     "               \"duration\": seconds (optional)}, ...]}\n"
		     "Prints the system version description: {\"hw\": {\"TYPE\": [{\"version\": V,\n"
		     "\"devices\": [ids]}, ...]}}.");
		return 0;
	}
	if (argc != 2) {
		cli_fail("merge: expected exactly one DEVICES.json (see --help)");
		return 2;
	}
	root = load_json_file(argv[1]);
	if (root == NULL)
		return 1;
	if (!json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		cli_fail("%s: \"devices\" must be an array", argv[1]);
		goto done;
	}
	n = json_object_array_length(devs);
	vds = calloc(n + 1, sizeof(*vds));
	if (vds == NULL) {
		cli_fail("merge: out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		json_object *dev = json_object_array_get_idx(devs, i), *dur;
		if (!json_object_is_type(dev, json_type_object)) {
			cli_fail("%s: devices[%zu] must be an object", argv[1], i);
			goto done;
		}
		vds[i].id = device_str(dev, "id", argv[1], i);
		vds[i].hw = vds[i].id ? device_str(dev, "hw", argv[1], i) : NULL;
		vds[i].version = vds[i].hw ? device_str(dev, "version", argv[1], i) : NULL;
		if (vds[i].version == NULL)
			goto done;
		if (json_object_object_get_ex(dev, "duration", &dur)) {
			int64_t d = json_object_get_int64(dur);
			if (!json_object_is_type(dur, json_type_int) || d < 0 || d > UINT32_MAX) {
				cli_fail("%s: devices[%zu]: \"duration\" must be a non-negative integer",
					 argv[1], i);
				goto done;
			}
			vds[i].duration_s = (uint32_t)d;
		}
	}
	rc = dupg_merge(&s, vds, n);
	if (rc != 0) {
		cli_fail("%s: %s", argv[1], dupg_error_last());
		goto done;
	}
	rc = dupg_sysvd_to_json(&json, s);
	status = print_owned_json(json, rc);
done:
	dupg_sysvd_free(s);
	free(vds);
	json_object_put(root);
	return status;
}

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

	if (wants_help(argc, argv)) {
		puts("usage: dupg-sim match --site SYSTEM.json PKG...\n"
		     "SYSTEM.json is a system version description as `dupg-sim merge` prints it.\n"
		     "Indexes the packages (by their manifests) and prints the site's download task:\n"
		     "{\"kind\": \"full|incremental|none\", \"task\": [package paths as given]}.");
		return 0;
	}
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 's')
			return 2;
		site_path = optarg;
	}
	if (site_path == NULL) {
		cli_fail("match: --site SYSTEM.json is required (see --help)");
		return 2;
	}
	text = read_text(site_path, &len);
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
	status = print_owned_json(json, rc);
done:
	dupg_task_free(task);
	dupg_pkgset_free(set);
	dupg_sysvd_free(site);
	free(text);
	return status;
}

int cli_prune(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "new", required_argument, NULL, 'n' },
		{ "apply", no_argument, NULL, 'a' },
		{ "keep", required_argument, NULL, 'k' },
		{ "no-fsync", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	dupg_prune_options po = DUPG_PRUNE_OPTIONS_INIT;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	const char *list = NULL, *new_list = NULL;
	dupg_store *store = NULL;
	dupg_pathlist *downloaded = NULL;
	dupg_prune *result = NULL;
	char *json = NULL, *end;
	int c, rc, apply = 0;
	unsigned long keep;

	if (wants_help(argc, argv)) {
		puts("usage: dupg-sim prune --list LIST --new NEW_LIST [--apply] [--keep N] [--no-fsync]\n"
		     "LIST is the master's path list, NEW_LIST the newly downloaded packages in download\n"
		     "order (relative paths are relative to each list file's directory). Prints\n"
		     "{\"second\", \"third\", \"fourth\", \"deletable\", \"latest\", \"rollback\"} with paths as\n"
		     "they stand in the lists. Without --apply nothing on disk changes. With --apply,\n"
		     "LIST becomes the third list, LIST.rollback the fourth, and the deletable files are\n"
		     "removed, crash-safely (run `dupg-sim recover` after a crash).\n"
		     "--keep N (N >= 2) keeps the N latest packages per hardware type instead of the\n"
		     "minimal rule. --no-fsync is for simulations only.");
		return 0;
	}
	reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': list = optarg; break;
		case 'n': new_list = optarg; break;
		case 'a': apply = 1; break;
		case 'F': ao.no_fsync = 1; break;
		case 'k':
			errno = 0;
			keep = strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || keep < 2) {
				cli_fail("prune: --keep needs a whole number of at least 2, not '%s'", optarg);
				return 2;
			}
			po.policy = DUPG_PRUNE_KEEP_LATEST;
			po.keep = keep;
			break;
		default:
			return 2;
		}
	}
	if (list == NULL || new_list == NULL || optind != argc) {
		cli_fail("prune: --list LIST and --new NEW_LIST are required (see --help)");
		return 2;
	}
	rc = dupg_store_open(&store, list);
	if (rc == 0)
		rc = dupg_pathlist_load(&downloaded, new_list);
	if (rc == 0 && apply)
		rc = dupg_store_prune(&result, store, downloaded, &po, &ao);
	else if (rc == 0)
		rc = dupg_prune_compute(&result, dupg_store_list(store), downloaded, &po);
	if (rc == 0)
		rc = dupg_prune_to_json(&json, result);
	dupg_prune_free(result);
	dupg_pathlist_free(downloaded);
	dupg_store_free(store);
	return print_owned_json(json, rc);
}

int cli_recover(int argc, char **argv)
{
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_recover_report report;
	const char *list = NULL;
	int rc, no_fsync = 0, i;

	if (wants_help(argc, argv)) {
		puts("usage: dupg-sim recover --list LIST [--no-fsync]\n"
		     "Brings the store of LIST back to a consistent state after an interrupted\n"
		     "`prune --apply` or `rollback`: finishes it when it had reached its commit point, undoes it\n"
		     "otherwise, removes temporary files. Prints {\"action\": \"clean|finished|undone\",\n"
		     "\"temps_removed\": N, \"files_deleted\": N}.");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--list") == 0 && i + 1 < argc)
			list = argv[++i];
		else if (strncmp(argv[i], "--list=", 7) == 0)
			list = argv[i] + 7;
		else if (strcmp(argv[i], "--no-fsync") == 0)
			no_fsync = 1;
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
	{
		json_object *o = json_object_new_object();
		json_object_object_add(o, "list", json_object_new_string(list));
		json_object_object_add(o, "action", json_object_new_string(dupg_recover_action_name(report.action)));
		json_object_object_add(o, "temps_removed", json_object_new_int64((int64_t)report.temps_removed));
		json_object_object_add(o, "files_deleted", json_object_new_int64((int64_t)report.files_deleted));
		rc = cli_print_json(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								       JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	return rc;
}

static json_object *json_paths(const char *const *paths, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, json_object_new_string(paths[i]));
	return a;
}

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

	if (wants_help(argc, argv)) {
		puts("usage: dupg-sim rollback --list LIST [--no-fsync]\n"
		     "After the site rolled back (every device is back on the configuration of\n"
		     "LIST.rollback), makes the store say so: LIST becomes the rollback list\n"
		     "(LIST.rollback stays) and the packages LIST named beyond it, those of the\n"
		     "failed upgrade, are removed, crash-safely (run `dupg-sim recover` after a\n"
		     "crash). A later `prune --apply` of the same download then works again.\n"
		     "Prints {\"list\": [...], \"rollback\": [...], \"deleted\": [...]} with paths as\n"
		     "they stand in the lists. --no-fsync is for simulations only.");
		return 0;
	}
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--list") == 0 && i + 1 < (size_t)argc)
			list = argv[++i];
		else if (strncmp(argv[i], "--list=", 7) == 0)
			list = argv[i] + 7;
		else if (strcmp(argv[i], "--no-fsync") == 0)
			so.no_fsync = 1;
		else {
			cli_fail("rollback: unexpected argument '%s' (see --help)", argv[i]);
			return 2;
		}
	}
	if (list == NULL) {
		cli_fail("rollback: --list LIST is required (see --help)");
		return 2;
	}
	rc = dupg_store_open(&store, list);
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
	json_object_object_add(o, "list", json_paths(now, nnow));
	json_object_object_add(o, "rollback", json_paths((const char *const *)rb, nrb));
	json_object_object_add(o, "deleted", json_paths((const char *const *)deleted, ndel));
	status = cli_print_json(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
done:
	dupg_free(deleted);
	free(now);
	dupg_free(rb);
	free(rb_file);
	dupg_store_free(store);
	return status;
}
