/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-server: the management server. Serves the API until SIGTERM, reloads
 * the package set on SIGHUP; `dupg-server rollout ...` manages rollouts in
 * the same database.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "api.h"
#include "http.h"
#include "index.h"
#include "metrics.h"
#include "service.h"
#include "store.h"
#include "util/buf.h"
#include "util/error.h"

static const char usage_text[] =
	"NAME\n"
	"    dupg-server - the management server of libdupg: site sessions, tasks, packages, rollouts\n"
	"\n"
	"SYNOPSIS\n"
	"    dupg-server --packages DIR --db FILE|URI [--listen ADDR:PORT] [--threads N]\n"
	"                [--tls-cert FILE --tls-key FILE] [--package-base URL] [--verify] [--trust DIR]\n"
	"                [--timeout SECONDS] [--max-body BYTES] [--max-connections N]\n"
	"    dupg-server rollout create --db FILE|URI --packages NAME,... [--waves F,F,...] [--threshold X]\n"
	"    dupg-server rollout list --db FILE|URI\n"
	"    dupg-server rollout pause|resume --db FILE|URI ID\n"
	"    dupg-server --help | --version\n"
	"\n"
	"DESCRIPTION\n"
	"    Serves the package files of DIR and an HTTP API: sites register and get a token,\n"
	"    post their system version description and get their task (dupg_match against the\n"
	"    package set, less the packages rollouts withhold from them), report their status.\n"
	"    When ready it prints one line, \"listening on http://ADDR:PORT\", on stdout.\n"
	"    SIGTERM (or SIGINT) stops it: requests in flight finish, the database is closed.\n"
	"    SIGHUP reloads DIR: a new index is built and swapped in whole; a bad package is\n"
	"    reported on stderr and left out.\n"
	"\n"
	"OPTIONS\n"
	"    --packages DIR        the package set: every regular file of DIR (names starting with '.'\n"
	"                          and symlinks are left out)\n"
	"    --db FILE|URI         an SQLite file (WAL mode, made when missing), or a PostgreSQL\n"
	"                          URI, postgresql://..., that several servers may share\n"
	"    --listen ADDR:PORT    where to listen (default 127.0.0.1:8080); port 0 picks a free one;\n"
	"                          IPv6 as [ADDR]:PORT\n"
	"    --threads N           polling threads, each with its own epoll loop (default: 4 per core)\n"
	"    --tls-cert FILE, --tls-key FILE\n"
	"                          PEM certificate and key: HTTPS (GnuTLS); the line says https://\n"
	"    --package-base URL    tasks list URL/NAME instead of /v1/packages/NAME, so that another\n"
	"                          HTTP server or a CDN serves the files\n"
	"    --verify              verify every package in full when loading (else the manifest is read)\n"
	"    --trust DIR           a trust directory as dupg-sim --trust reads it (*.pub keys, threshold,\n"
	"                          revoked): a package not signed under it, or expired, is left out\n"
	"    --timeout SECONDS     close a connection idle this long (default 30)\n"
	"    --max-body BYTES      refuse larger request bodies with 413 (default 1048576)\n"
	"    --max-connections N   connections at once (default: what the open-file limit allows)\n"
	"    --db-connections N    database connections kept (default: threads + 2)\n"
	"\n"
	"ROLLOUTS\n"
	"    A rollout hands packages of DIR to the fleet in waves, cumulative fractions of the\n"
	"    sites registered when it is created (--waves, default 0.01,0.1,1); a site's task holds\n"
	"    them only while its wave is open; a wave opens when the one before has settled; when a\n"
	"    wave's failed share passes --threshold (default 0.05) the rollout halts for good.\n"
	"    create prints the new rollout as JSON; list prints them all; pause and resume print it.\n"
	"\n"
	"API\n"
	"    POST /v1/sites                    {\"id\": SITE} -> 201 {\"id\", \"token\"}; 409 when taken\n"
	"    POST /v1/sites/SITE/description   -> {\"kind\", \"task\", \"versions\"}\n"
	"    POST /v1/sites/SITE/status        {\"state\", \"detail\", \"devices\"} -> {\"site\", \"seq\", \"state\"}\n"
	"    GET  /v1/sites/SITE               what the server knows of the site\n"
	"    GET  /v1/packages/NAME            the file: ETag, Range, If-None-Match\n"
	"    GET  /v1/versions                 the latest version of each hardware type\n"
	"    GET  /v1/rollouts, /v1/rollouts/ID   rollouts and their progress\n"
	"    GET  /v1/health                   {\"ok\": true}, for load balancers' probes\n"
	"    GET  /metrics                     Prometheus text format\n"
	"    Per-site calls need Authorization: Bearer TOKEN: 401 without a valid token, 403 with\n"
	"    another site's, 404 for an unknown site. Errors are {\"error\", \"detail\"}.\n"
	"\n"
	"EXIT STATUS\n"
	"    0 after a clean stop, 1 on an error (one line on stderr naming the file or the\n"
	"    problem), 2 on a bad command line.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int bad_usage(const char *msg)
{
	fprintf(stderr, "dupg-server: %s (dupg-server --help)\n", msg);
	return 2;
}

static int fail(void)
{
	fprintf(stderr, "dupg-server: %s\n", dupg__error_msg());
	return 1;
}

/* A whole small file (a PEM), NUL-terminated. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	dupg_buf b = { NULL, 0, 0, 0 };
	char chunk[4096], *out = NULL;
	size_t n;

	if (f == NULL) {
		dupg__error_sys(errno, "%s", path);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		dupg__buf_put(&b, chunk, n);
	fclose(f);
	if (dupg__buf_finish(&b, &out) != 0)
		return NULL;
	return out;
}

static int parse_count(unsigned long *out, const char *arg, const char *opt, unsigned long min)
{
	char *end;

	errno = 0;
	*out = strtoul(arg, &end, 10);
	if (arg[0] == '-' || *end != '\0' || errno != 0 || *out < min) {
		fprintf(stderr, "dupg-server: %s %s: expected a whole number of at least %lu\n", opt, arg, min);
		return -1;
	}
	return 0;
}

/* The most connections the open-file limit leaves room for, after raising it as far as allowed. */
static unsigned connection_room(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1000;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* room for the database, the package directory and the files being sent (503 when out) */
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 200000)
		return 100000;
	return rl.rlim_cur > 1024 ? (unsigned)(rl.rlim_cur - 512) : (unsigned)(rl.rlim_cur / 2);
}

static int load(struct srv_index **out, const char *dir, const char *base, int verify,
		const char *trust_dir)
{
	dupg_trust *trust = NULL;
	size_t bad = 0;
	int rc;

	/* read again at every reload, so a revoked key takes effect with SIGHUP */
	if (trust_dir != NULL && (rc = dupg_trust_load_dir(&trust, trust_dir)) != 0) {
		srv_metrics_reload(0, 0, 0);
		return rc;
	}
	rc = srv_index_load(out, dir, base, verify, trust, stderr, &bad);
	dupg_trust_free(trust);

	srv_metrics_reload(rc == 0, rc == 0 ? srv_index_count(*out) : 0, bad);
	if (rc == 0)
		fprintf(stderr, "dupg-server: %s: %zu packages, %zu left out\n", dir, srv_index_count(*out), bad);
	return rc;
}

static int serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "packages", required_argument, NULL, 'p' },
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "tls-cert", required_argument, NULL, 'c' },
		{ "tls-key", required_argument, NULL, 'k' },
		{ "package-base", required_argument, NULL, 'b' },
		{ "verify", no_argument, NULL, 'V' },
		{ "trust", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "max-body", required_argument, NULL, 'm' },
		{ "max-connections", required_argument, NULL, 'C' },
		{ "db-connections", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	struct srv_http_options ho;
	struct srv_http *http = NULL;
	struct srv_store *store = NULL;
	struct srv_index *idx = NULL;
	struct srv_api api;
	const char *dir = NULL, *db = NULL, *cert = NULL, *key = NULL, *base = NULL, *trust = NULL;
	char *cert_pem = NULL, *key_pem = NULL;
	unsigned long threads = 0, timeout = 30, max_body = 1 << 20, max_conns = 0, pool = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int verify = 0, c, rc = 0, sig;
	sigset_t set;

	opterr = 0;
	memset(&ho, 0, sizeof(ho));
	ho.listen = "127.0.0.1:8080";
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': dir = optarg; break;
		case 'd': db = optarg; break;
		case 'l': ho.listen = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'b': base = optarg; break;
		case 'V': verify = 1; break;
		case 'r': trust = optarg; break;
		case 't': if (parse_count(&threads, optarg, "--threads", 1) != 0) return 2; break;
		case 'T': if (parse_count(&timeout, optarg, "--timeout", 1) != 0) return 2; break;
		case 'm': if (parse_count(&max_body, optarg, "--max-body", 1) != 0) return 2; break;
		case 'C': if (parse_count(&max_conns, optarg, "--max-connections", 1) != 0) return 2; break;
		case 'P': if (parse_count(&pool, optarg, "--db-connections", 1) != 0) return 2; break;
		case 'h': usage(stdout); return 0;
		case 'v': printf("dupg-server %s (libdupg %s)\n", PACKAGE_VERSION, dupg_version_string()); return 0;
		default: return bad_usage("unknown option");
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument");
	if (dir == NULL || db == NULL)
		return bad_usage("--packages DIR and --db FILE are required");
	if ((cert == NULL) != (key == NULL))
		return bad_usage("--tls-cert and --tls-key go together");
	if (threads == 0)
		threads = (unsigned long)(ncpu > 0 ? 4 * ncpu : 4);
	ho.threads = (unsigned)threads;
	ho.timeout_s = (unsigned)timeout;
	ho.max_body = max_body;
	ho.max_connections = max_conns ? (unsigned)max_conns : connection_room();
	if (max_conns)
		connection_room();
	if (cert != NULL) {
		if ((cert_pem = slurp(cert)) == NULL || (key_pem = slurp(key)) == NULL) {
			free(cert_pem);
			return fail();
		}
		ho.tls_cert_pem = cert_pem;
		ho.tls_key_pem = key_pem;
	}
	/* the signals are taken by this thread alone, with sigwait: block them before any thread starts */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (srv_store_open(&store, db, pool ? pool : threads + 2) != 0 || load(&idx, dir, base, verify, trust) != 0) {
		rc = fail();
		goto out;
	}
	srv_index_swap(idx);
	api.store = store;
	if (srv_http_start(&http, &ho, srv_api_handle, &api) != 0) {
		rc = fail();
		goto out;
	}
	if (strchr(srv_http_address(http), ':') != NULL)
		printf("listening on %s://[%s]:%u\n", cert ? "https" : "http", srv_http_address(http),
		       srv_http_port(http));
	else
		printf("listening on %s://%s:%u\n", cert ? "https" : "http", srv_http_address(http),
		       srv_http_port(http));
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (load(&idx, dir, base, verify, trust) != 0) {
			fprintf(stderr, "dupg-server: reload failed, the old package set stays: %s\n",
				dupg__error_msg());
			continue;
		}
		srv_index_swap(idx);
	}
	fprintf(stderr, "dupg-server: stopping\n");
	srv_http_stop(http, 10);
out:
	srv_index_swap(NULL);
	srv_store_close(store);
	free(cert_pem);
	free(key_pem);
	return rc;
}

static int rollout(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "packages", required_argument, NULL, 'p' },
		{ "waves", required_argument, NULL, 'w' },
		{ "threshold", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = NULL, *packages = NULL, *waves = "0.01,0.1,1", *cmd;
	double threshold = 0.05;
	struct srv_store *store = NULL;
	char *out = NULL, *end;
	int c, rc;

	if (argc < 2)
		return bad_usage("rollout: create, list, pause or resume?");
	cmd = argv[1];
	argc--;
	argv++;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p': packages = optarg; break;
		case 'w': waves = optarg; break;
		case 't':
			threshold = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0')
				return bad_usage("--threshold: expected a number in [0, 1]");
			break;
		case 'h': usage(stdout); return 0;
		default: return bad_usage("unknown option");
		}
	}
	if (db == NULL)
		return bad_usage("rollout: --db is required");
	if (strcmp(cmd, "create") == 0) {
		if (packages == NULL || optind != argc)
			return bad_usage("rollout create: --packages NAME,... and no other argument");
	} else if (strcmp(cmd, "list") == 0) {
		if (optind != argc)
			return bad_usage("rollout list: no argument");
	} else if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0) {
		if (optind + 1 != argc)
			return bad_usage("rollout pause|resume: the rollout's ID");
	} else {
		return bad_usage("rollout: create, list, pause or resume?");
	}
	if (srv_store_open(&store, db, 1) != 0)
		return fail();
	if (strcmp(cmd, "create") == 0) {
		rc = srv_rollout_create(&out, store, packages, waves, threshold);
	} else if (strcmp(cmd, "list") == 0) {
		rc = srv_rollout_list_json(&out, store);
	} else {
		long long id = strtoll(argv[optind], &end, 10);

		if (*end != '\0' || id <= 0) {
			srv_store_close(store);
			return bad_usage("rollout: the ID is a whole number");
		}
		rc = srv_rollout_pause(&out, store, id, strcmp(cmd, "pause") == 0);
	}
	srv_store_close(store);
	if (rc != 0)
		return fail();
	printf("%s\n", out);
	free(out);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "rollout") == 0)
		return rollout(argc - 1, argv + 1);
	return serve(argc, argv);
}
