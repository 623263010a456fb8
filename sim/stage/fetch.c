/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim fetch: download a task's packages into a store directory (dupg/fetch.h). */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "dupg.h"
#include "stage/common.h"
#include "stage/stage.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"

#define MAX_SERVERS 64

static dupg_fetch *volatile interrupted;

static void on_signal(int sig)
{
	(void)sig;
	dupg_fetch_cancel(interrupted);
}

/* The progress bar: at most ten redraws a second, on a terminal only. */
struct bar {
	struct timespec last;
	int drawn;
};

static int draw(const dupg_fetch_progress *p, void *payload)
{
	struct bar *b = payload;
	struct timespec now;
	const char *name = strrchr(p->path, '/');
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - b->last.tv_sec) * 1e3 +
	     (double)(now.tv_nsec - b->last.tv_nsec) / 1e6;
	if (b->drawn && ms < 100 && !(p->total > 0 && p->done == p->total))
		return 0;
	b->last = now;
	b->drawn = 1;
	fprintf(stderr, "\rfetch %zu/%zu %-32.32s %8.1f / %8.1f MB %3.0f%%", p->package + 1,
		p->packages, name != NULL ? name + 1 : p->path, (double)p->done / 1e6,
		(double)p->total / 1e6, p->total > 0 ? 100.0 * (double)p->done / (double)p->total : 0.0);
	fflush(stderr);
	return 0;
}

/* URL[@LABELS]: the labels follow the last '@' when what follows holds '=' and no '/'. */
static int parse_server(dupg_fetch_server *s, char *arg)
{
	char *at = strrchr(arg, '@');

	s->url = arg;
	s->location = NULL;
	if (at != NULL && strchr(at, '=') != NULL && strchr(at, '/') == NULL) {
		*at = '\0';
		s->location = at + 1;
	}
	if (*s->url == '\0') {
		cli_fail("fetch: --server \"%s\": no URL before the labels", arg);
		return 2;
	}
	if (dupg_location_check(s->location) != 0) {
		cli_fail("fetch: --server %s: %s", s->url, dupg_error_last());
		return 2;
	}
	return 0;
}

/* The task's paths: {"task": ["path", ...], ...} as `match` or the server prints it. */
static int task_paths(const char ***out, size_t *n, json_object *task, const char *file)
{
	json_object *arr;
	size_t i, count;
	const char **paths;

	*out = NULL;
	*n = 0;
	if (!json_object_is_type(task, json_type_object) ||
	    !json_object_object_get_ex(task, "task", &arr) || !json_object_is_type(arr, json_type_array)) {
		cli_fail("%s: not a task: an object with a \"task\" array of paths is expected", file);
		return 1;
	}
	count = json_object_array_length(arr);
	paths = calloc(count > 0 ? count : 1, sizeof(*paths));
	if (paths == NULL) {
		cli_fail("%s: out of memory", file);
		return 1;
	}
	for (i = 0; i < count; i++) {
		json_object *v = json_object_array_get_idx(arr, i);
		if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0) {
			cli_fail("%s: task[%zu] is not a non-empty string", file, i);
			free(paths);
			return 1;
		}
		paths[i] = json_object_get_string(v);
	}
	*out = paths;
	*n = count;
	return 0;
}

static int parse_u64_arg(uint64_t *out, const char *arg, const char *opt)
{
	if (cli_parse_u64(out, arg, 0, UINT64_MAX) != 0) {
		cli_fail("fetch: %s \"%s\": a whole number is expected", opt, arg);
		return 2;
	}
	return 0;
}

static int print_outcome(const dupg_fetch *f, const dupg_fetch_server *servers, const char *dir)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	dupg_buf list = { 0 };
	size_t i, n = dupg_fetch_count(f);
	char *list_file = NULL;
	int rc;

	if (o == NULL || arr == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		const dupg_fetch_outcome *x = dupg_fetch_get(f, i);
		const char *name = strrchr(x->file, '/');
		json_object *e = json_object_new_object();
		if (e == NULL || json_object_array_add(arr, e) != 0) {
			json_object_put(e);
			goto nomem;
		}
		json_object_object_add(e, "path", json_object_new_string(x->path));
		json_object_object_add(e, "file", json_object_new_string(x->file));
		json_object_object_add(e, "server", json_object_new_string(servers[x->server].url));
		json_object_object_add(e, "bytes", json_object_new_int64((int64_t)x->bytes));
		json_object_object_add(e, "resumed", json_object_new_boolean(x->resumed));
		json_object_object_add(e, "failovers", json_object_new_int64((int64_t)x->failovers));
		json_object_object_add(e, "verified_inline", json_object_new_boolean(x->verified_inline));
		dupg__buf_printf(&list, "%s\n", name != NULL ? name + 1 : x->file);
	}
	json_object_object_add(o, "downloaded", arr);
	arr = NULL;
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)dupg_fetch_bytes(f)));
	list_file = dupg__printf("%s/new.list", dir);
	if (list.failed || list_file == NULL)
		goto nomem;
	rc = dupg__fs_write_atomic(list_file, list.data != NULL ? list.data : "", list.len, 0, NULL,
				   NULL);
	free(list.data);
	free(list_file);
	if (rc != 0) {
		json_object_put(o);
		cli_fail("fetch: %s", dupg__error_msg());
		return 1;
	}
	return stage_print_object(o);
nomem:
	json_object_put(o);
	json_object_put(arr);
	free(list.data);
	free(list_file);
	cli_fail("fetch: out of memory");
	return 1;
}

int cli_fetch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "into", required_argument, NULL, 'i' },
		{ "task", required_argument, NULL, 't' },
		{ "server", required_argument, NULL, 's' },
		{ "location", required_argument, NULL, 'l' },
		{ "limit-rate", required_argument, NULL, 'r' },
		{ "stall", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "pinned-key", required_argument, NULL, 'k' },
		{ "no-fsync", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	dupg_fetch_options fo = DUPG_FETCH_OPTIONS_INIT;
	dupg_fetch_server servers[MAX_SERVERS];
	const char *dir = NULL, *task_file = NULL;
	const char **paths = NULL;
	json_object *task = NULL;
	dupg_fetch *f = NULL;
	struct bar bar = { { 0, 0 }, 0 };
	size_t ns = 0, np = 0;
	uint64_t v;
	int c, rc, status = 1;

	if (stage_wants_help(argc, argv)) {
		puts("usage: dupg-sim fetch --into DIR --task TASK.json --server URL[@LABELS] [--server ...]\n"
		     "                      [--location LABELS] [--limit-rate BYTES/S] [--stall SECONDS]\n"
		     "                      [--timeout SECONDS] [--ca-file FILE] [--pinned-key KEY] [--no-fsync]\n"
		     "Downloads the packages of TASK.json (what `dupg-sim match` or the server's description\n"
		     "endpoint prints: {\"task\": [paths], ...}) into the store directory DIR. Each path is\n"
		     "resolved against a server's base URL (http, https, ftp, ftps, sftp or file); LABELS\n"
		     "(chassis=1,slot=3,cluster=east) say where a server is, --location where this master is:\n"
		     "servers are tried nearest first (same slot, same chassis, same cluster, the rest, in the\n"
		     "order given), failing over on a connection or HTTP error, a stall (no byte for --stall\n"
		     "seconds, default 30) or a package that fails verification. An interrupted download\n"
		     "resumes (DIR/NAME.part and DIR/NAME.part.meta); a package gets its name only once\n"
		     "verified (as it downloads, unless a zip or a manifest not first asks for a second\n"
		     "pass). Prints {\"downloaded\": [{\"path\", \"file\", \"server\", \"bytes\", \"resumed\",\n"
		     "\"failovers\", \"verified_inline\"}], \"bytes\": N} and writes the files, in task order,\n"
		     "to DIR/new.list for `dupg-sim prune --new`. A progress bar goes to stderr when it is a\n"
		     "terminal; Ctrl-C stops, keeping what was downloaded for the next run.");
		return 0;
	}
	stage_reset_getopt();
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			dir = optarg;
			break;
		case 't':
			task_file = optarg;
			break;
		case 's':
			if (ns == MAX_SERVERS) {
				cli_fail("fetch: more than %d --server", MAX_SERVERS);
				return 2;
			}
			if (parse_server(&servers[ns], optarg) != 0)
				return 2;
			ns++;
			break;
		case 'l':
			if (dupg_location_check(optarg) != 0) {
				cli_fail("fetch: --location: %s", dupg_error_last());
				return 2;
			}
			fo.location = optarg;
			break;
		case 'r':
			if (parse_u64_arg(&fo.limit_rate, optarg, "--limit-rate") != 0)
				return 2;
			break;
		case 'S':
			if (parse_u64_arg(&v, optarg, "--stall") != 0 || v == 0 || v > 86400) {
				cli_fail("fetch: --stall \"%s\": 1 to 86400 seconds", optarg);
				return 2;
			}
			fo.stall_seconds = (unsigned long)v;
			break;
		case 'T':
			if (parse_u64_arg(&v, optarg, "--timeout") != 0 || v == 0 || v > 30u * 86400u) {
				cli_fail("fetch: --timeout \"%s\": 1 to 2592000 seconds", optarg);
				return 2;
			}
			fo.timeout_ms = (unsigned long)v * 1000ul;
			break;
		case 'c':
			fo.ca_file = optarg;
			break;
		case 'k':
			fo.pinned_key = optarg;
			break;
		case 'n':
			fo.no_fsync = 1;
			break;
		default:
			return 2;
		}
	}
	if (dir == NULL || task_file == NULL || ns == 0) {
		cli_fail("fetch: --into DIR, --task TASK.json and --server URL are required (see --help)");
		return 2;
	}
	if (optind < argc) {
		cli_fail("fetch: unexpected argument '%s' (see --help)", argv[optind]);
		return 2;
	}
	task = stage_load_json(task_file);
	if (task == NULL)
		return 1;
	if (task_paths(&paths, &np, task, task_file) != 0)
		goto done;
	if (isatty(STDERR_FILENO)) {
		fo.progress = draw;
		fo.progress_payload = &bar;
	}
	rc = dupg_fetch_new(&f, &fo);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	interrupted = f;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = dupg_fetch_run(f, dir, paths, np, servers, ns);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (bar.drawn)
		fputc('\n', stderr);
	if (rc != 0) {
		status = cli_lib_fail(rc);
		goto done;
	}
	status = print_outcome(f, servers, dir);
done:
	interrupted = NULL;
	dupg_fetch_free(f);
	free(paths);
	json_object_put(task);
	return status;
}
