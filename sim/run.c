/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-sim run: every site of a scenario through the whole flow, in waves, with a report. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "driver/cluster.h"
#include "driver/context.h"
#include "driver/region.h"
#include "driver/rollout.h"
#include "model/baseline.h"
#include "model/server.h"
#include "output/progress.h"
#include "output/report.h"
#include "run.h"
#include "scenario/load.h"
#include "util.h"

static const char usage_text[] =
	"usage: dupg-sim run SCENARIO [options]\n"
	"\n"
	"Runs every site of SCENARIO (a JSON file, see sim/README.md) through the whole\n"
	"upgrade flow, shows a table (and a progress bar with a time estimate) on stderr\n"
	"and writes the JSON report: to stdout when stdout is not a terminal; on a\n"
	"terminal to NAME-report.json in the current directory (NAME: SCENARIO's file\n"
	"name without .json), named by a last line \"report: FILE\".\n"
	"\n"
	"  --seed N                  run seed: wave order and random faults (default: the\n"
	"                            scenario's \"seed\", else 1)\n"
	"  --fail [SITE/]DEVICE:KIND device fails; KIND is stage, switch or health (repeatable)\n"
	"  --cut [SITE/]PKG[:FRAC]   the download of PKG is cut off after FRAC of it (0.5)\n"
	"  --corrupt PKG             the server's copy of PKG is corrupt\n"
	"  --crash [SITE/]STEP       the master crashes at STEP of the store update\n"
	"                            (journal_temp journal rollback_temp rollback list_temp\n"
	"                            list delete done)\n"
	"  --crash-txn [SITE/]N      the master crashes right after the Nth journal write\n"
	"                            of the site's transaction, reboots and resumes it\n"
	"  --report FILE             write the JSON report to FILE\n"
	"  --json                    write the JSON report to stdout, even on a terminal\n"
	"  --workdir DIR             build packages and stores in DIR (default: a fresh\n"
	"                            temporary directory, removed at the end)\n"
	"  --keep                    keep the work directory and every site's store\n"
	"  --no-fsync                skip fsync (simulation only; the report says so)\n"
	"  --link                    downloads hard-link the server's file instead of copying\n"
	"  --trust                   sign the catalogue with a key made for the run\n"
	"                            (WORKDIR/trust) and require the signature wherever a\n"
	"                            package is verified (download, store)\n"
	"  --sites N                 generate only the first N sites of a fleet recipe\n"
	"  --halt-threshold X        halt the rollout when a wave's failure rate exceeds X\n"
	"  --serve                   real dupg-server processes on 127.0.0.1 (one per\n"
	"                            deployment server, else one): every master registers,\n"
	"                            describes itself and downloads over HTTP (dupg/fetch.h);\n"
	"                            server_down kills a server, --cut drops a connection\n"
	"  --server-bin PATH         the dupg-server of --serve (default: $DUPG_SERVER, else\n"
	"                            beside dupg-sim or in ../server/ of its build tree)\n"
	"  --quiet                   no table, no progress bar\n";

enum {
	OPT_SEED = 256, OPT_FAIL, OPT_CUT, OPT_CORRUPT, OPT_CRASH, OPT_CRASH_TXN, OPT_REPORT, OPT_WORKDIR,
	OPT_KEEP, OPT_NO_FSYNC, OPT_LINK, OPT_TRUST, OPT_SITES, OPT_HALT, OPT_QUIET, OPT_JSON, OPT_HELP,
	OPT_SERVE, OPT_SERVER_BIN
};

static const struct option long_opts[] = {
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "fail", required_argument, NULL, OPT_FAIL },
	{ "cut", required_argument, NULL, OPT_CUT },
	{ "corrupt", required_argument, NULL, OPT_CORRUPT },
	{ "crash", required_argument, NULL, OPT_CRASH },
	{ "crash-txn", required_argument, NULL, OPT_CRASH_TXN },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "workdir", required_argument, NULL, OPT_WORKDIR },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-fsync", no_argument, NULL, OPT_NO_FSYNC },
	{ "link", no_argument, NULL, OPT_LINK },
	{ "trust", no_argument, NULL, OPT_TRUST },
	{ "sites", required_argument, NULL, OPT_SITES },
	{ "halt-threshold", required_argument, NULL, OPT_HALT },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "serve", no_argument, NULL, OPT_SERVE },
	{ "server-bin", required_argument, NULL, OPT_SERVER_BIN },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 }
};

struct cli_event {
	int opt;
	const char *arg;
};

struct run_args {
	const char *scenario;
	const char *report;
	char *auto_report;    /* a person at a terminal: the report file chosen for them */
	const char *workdir;
	uint64_t seed;
	int has_seed;
	uint64_t sites;
	double halt;
	int has_halt;
	int quiet;
	int json;             /* --json: the report on stdout, terminal or not */
	struct sim_options opt;
	struct cli_event *events;
	size_t nevents;
};

/* "[SITE/]REST": splits off the site part in place. */
static char *split_site(char *arg, char **rest)
{
	char *slash = strchr(arg, '/');

	if (slash == NULL) {
		*rest = arg;
		return NULL;
	}
	*slash = '\0';
	*rest = slash + 1;
	return arg;
}

/* --corrupt PKG: a property of the server's copy, seen by every site that downloads it. */
static int corrupt(struct sim_scenario *sc, const char *pkg)
{
	long pi = sim_catalog_find(&sc->cat, pkg);

	if (pi < 0 || !sc->cat.pkgs[pi].on_server)
		return sim_error(DUPG_ENOTFOUND, "--corrupt %s: no package %s in the server's set "
						 "of %s", pkg, pkg, sc->file);
	sc->cat.pkgs[pi].corrupt = 2;
	return 0;
}

/* What --fail, --cut, --crash or --crash-txn ARG says after its site part (rest, cut in place). */
static int parse_fault(struct sim_fault *f, int opt, char *rest, const char *arg)
{
	char *colon = strrchr(rest, ':');

	if (opt == OPT_FAIL) {
		int k = colon ? sim_fault_parse(colon + 1) : -1;
		if (colon == NULL || k < 0 || k > SIM_FAULT_HEALTH || colon == rest)
			return sim_error(DUPG_EINVAL, "--fail %s: expected [SITE/]DEVICE:stage|switch|health",
					 arg);
		*colon = '\0';
		f->kind = (enum sim_fault_kind)k;
		f->device = rest;
	} else if (opt == OPT_CUT) {
		f->kind = SIM_FAULT_CUT;
		if (colon != NULL) {
			char *end;
			*colon = '\0';
			f->fraction = strtod(colon + 1, &end);
			if (*end != '\0' || end == colon + 1 || !(f->fraction >= 0 && f->fraction < 1))
				return sim_error(DUPG_EINVAL, "--cut %s: the fraction must be in [0, 1)",
						 arg);
		}
		f->package = rest;
	} else if (opt == OPT_CRASH_TXN) {
		f->kind = SIM_FAULT_TXN_CRASH;
		if (cli_parse_u64(&f->write, rest, 1, UINT32_MAX) != 0)
			return sim_error(DUPG_EINVAL, "--crash-txn %s: expected [SITE/]N, N a journal "
						      "write from 1", arg);
	} else {
		f->kind = SIM_FAULT_CRASH;
		if (dupg_apply_step_parse(&f->step, rest) != 0)
			return sim_error(DUPG_EINVAL, "--crash %s: unknown step (journal_temp, journal, "
						      "rollback_temp, rollback, list_temp, list, "
						      "delete, done)", arg);
	}
	return 0;
}

static int add_cli_event(struct sim_scenario *sc, const struct cli_event *ev)
{
	struct sim_fault f;
	char *copy, *rest, origin[512];
	const char *opt = ev->opt == OPT_FAIL ? "--fail" : ev->opt == OPT_CUT ? "--cut" :
			  ev->opt == OPT_CRASH_TXN ? "--crash-txn" : "--crash";
	int rc;

	if (ev->opt == OPT_CORRUPT)
		return corrupt(sc, ev->arg);
	if ((copy = sim_strdup(ev->arg)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	memset(&f, 0, sizeof(f));
	f.origin = opt;
	f.fraction = 0.5;
	f.site = split_site(copy, &rest);
	rc = parse_fault(&f, ev->opt, rest, ev->arg);
	if (rc == 0) {
		if (f.site == NULL && sc->recipe == NULL && sc->nsites == 1)
			f.site = sc->sites[0].id;
		snprintf(origin, sizeof(origin), "%s %s", opt, ev->arg);
		rc = sim_scenario_add_event(sc, &f, origin);
	}
	free(copy);
	return rc;
}

static int parse_args(struct run_args *a, int argc, char **argv)
{
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_SEED:
			if (cli_parse_u64(&a->seed, optarg, 0, UINT64_MAX) != 0)
				return sim_error(DUPG_EINVAL, "--seed %s: not a number", optarg);
			a->has_seed = 1;
			break;
		case OPT_FAIL:
		case OPT_CUT:
		case OPT_CORRUPT:
		case OPT_CRASH:
		case OPT_CRASH_TXN: {
			void *p = realloc(a->events, (a->nevents + 1) * sizeof(*a->events));
			if (p == NULL)
				return sim_error(DUPG_ENOMEM, "out of memory");
			a->events = p;
			a->events[a->nevents].opt = c;
			a->events[a->nevents++].arg = optarg;
			break;
		}
		case OPT_REPORT:
			a->report = optarg;
			break;
		case OPT_WORKDIR:
			a->workdir = optarg;
			break;
		case OPT_KEEP:
			a->opt.keep = 1;
			break;
		case OPT_NO_FSYNC:
			a->opt.no_fsync = 1;
			break;
		case OPT_LINK:
			a->opt.link = 1;
			break;
		case OPT_TRUST:
			a->opt.trust = 1;
			break;
		case OPT_SITES:
			if (cli_parse_u64(&a->sites, optarg, 1, UINT64_MAX) != 0)
				return sim_error(DUPG_EINVAL, "--sites %s: not a positive number", optarg);
			break;
		case OPT_HALT: {
			char *end;
			a->halt = strtod(optarg, &end);
			if (*end != '\0' || end == optarg || !(a->halt >= 0 && a->halt <= 1))
				return sim_error(DUPG_EINVAL, "--halt-threshold %s: not in [0, 1]", optarg);
			a->has_halt = 1;
			break;
		}
		case OPT_QUIET:
			a->quiet = 1;
			break;
		case OPT_JSON:
			a->json = 1;
			break;
		case OPT_SERVE:
			a->opt.serve = 1;
			break;
		case OPT_SERVER_BIN:
			a->opt.server_bin = optarg;
			break;
		case 'h':
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 1;
		default:
			return sim_error(DUPG_EINVAL, "run: unknown or incomplete option '%s' "
						      "(try dupg-sim run --help)", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return sim_error(DUPG_EINVAL, "run: expected one SCENARIO file (try dupg-sim run --help)");
	a->scenario = argv[optind];
	if (a->json && a->report != NULL)
		return sim_error(DUPG_EINVAL, "run: --json and --report: choose one place for the report");
	return 0;
}

/*
 * Where a person at a terminal gets the report: SCENARIO's file name without
 * its directories and ".json", then "-report.json", in the current directory.
 */
static char *report_name(const char *scenario)
{
	const char *base = strrchr(scenario, '/');
	size_t len;
	char *name;

	base = base != NULL ? base + 1 : scenario;
	len = strlen(base);
	if (len > 5 && strcmp(base + len - 5, ".json") == 0)
		len -= 5;
	name = sim_printf("%.*s-report.json", (int)len, base);
	if (name == NULL)
		sim_error(DUPG_ENOMEM, "out of memory");
	return name;
}

/* A fresh temporary work directory under $TMPDIR. */
static char *temp_workdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = sim_printf("%s/dupg-sim.XXXXXX", tmp && *tmp ? tmp : "/tmp");

	if (dir == NULL) {
		sim_error(DUPG_ENOMEM, "out of memory");
		return NULL;
	}
	if (mkdtemp(dir) == NULL) {
		sim_error(DUPG_EIO, "%s: cannot create a work directory: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/* The sink of the rollout: each result into the report, and the progress bar. */
struct sink_state {
	struct sim_report *rep;
	struct sim_progress prog;
};

static int sink_site(void *payload, const struct sim_result *res, uint64_t done, unsigned nwaves)
{
	struct sink_state *st = payload;
	int rc = sim_report_site(st->rep, res);

	sim_progress_show(&st->prog, done, res->wave, nwaves, 0);
	return rc;
}

static void sink_wave(void *payload, const struct sim_wave_result *w)
{
	struct sink_state *st = payload;

	sim_report_wave(st->rep, w);
}

/* The scenario as this run sees it: the file, then --seed, --halt-threshold, --sites and events. */
static int load(struct sim_scenario **out, struct run_args *a)
{
	struct sim_scenario *sc;
	size_t i;
	int rc;

	if ((rc = sim_scenario_load(&sc, a->scenario)) != 0)
		return rc;
	if (a->has_seed)
		sc->seed = a->seed;
	if (a->has_halt)
		sc->halt_threshold = a->halt;
	if (a->sites > 0) {
		if (sc->recipe == NULL)
			rc = sim_error(DUPG_EINVAL, "--sites: %s lists its sites; only a fleet recipe "
						    "can be cut down", sc->file);
		else
			sim_recipe_set_count(sc->recipe, a->sites);
	}
	for (i = 0; rc == 0 && i < a->nevents; i++)
		rc = add_cli_event(sc, &a->events[i]);
	*out = sc;
	return rc;
}

/* The work directory, the server's packages, the sites' directory, the baselines. */
static int setup(struct sim_ctx *ctx, struct sim_scenario *sc, struct run_args *a, char **workdir)
{
	char *basedir;
	int rc;

	if (a->workdir != NULL) {
		*workdir = sim_strdup(a->workdir);
		if (*workdir == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		if ((rc = sim_mkdirs(*workdir)) != 0)
			return rc;
	} else if ((*workdir = temp_workdir()) == NULL) {
		return DUPG_EIO;
	}
	a->opt.workdir = *workdir;
	ctx->sc = sc;
	ctx->opt = &a->opt;
	if (a->opt.trust) {
		/* one key for the run: it signs the catalogue, the sites trust it */
		char *tdir = sim_printf("%s/trust", *workdir), *key = sim_printf("%s/trust/signing.key", *workdir);
		char *pub = sim_printf("%s/trust/signing.pub", *workdir);

		if (tdir == NULL || key == NULL || pub == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else if ((rc = sim_mkdirs(tdir)) == 0 && (rc = dupg_key_generate(key, pub, NULL)) != 0)
			rc = sim_error_lib(rc, "signing key");
		if (rc == 0 && (rc = dupg_trust_load_dir(&ctx->trust, tdir)) != 0)
			rc = sim_error_lib(rc, "trust store");
		if (rc == 0)
			rc = sim_server_build(&ctx->server, &sc->cat, *workdir, a->opt.no_fsync, key);
		free(tdir);
		free(key);
		free(pub);
		if (rc != 0)
			return rc;
	} else if ((rc = sim_server_build(&ctx->server, &sc->cat, *workdir, a->opt.no_fsync, NULL)) != 0) {
		return rc;
	}
	ctx->sites_dir = sim_printf("%s/sites", *workdir);
	basedir = sim_printf("%s/baseline", *workdir);
	if (ctx->sites_dir == NULL || basedir == NULL)
		rc = sim_error(DUPG_ENOMEM, "out of memory");
	else if ((rc = sim_mkdirs(ctx->sites_dir)) == 0)
		rc = sim_baseline_new(&ctx->base, basedir, &sc->cat);
	free(basedir);
	/* regions that elect a downloader: members, scores, the first election */
	if (rc == 0)
		rc = sim_regions_new(&ctx->regions, sc);
	return rc;
}

/* Every site through the flow into the report; the totals and the table at the end. */
static int run(struct sim_ctx *ctx, const struct run_args *a, double t0)
{
	const struct sim_scenario *sc = ctx->sc;
	struct sim_run_head head = { sc->name, sc->base, sc->seed, sim_scenario_site_count(sc),
				     a->opt.no_fsync, a->opt.link, &sc->dservers, sc->halt_threshold, a->opt.serve };
	struct sink_state st;
	struct sim_sink sink = { sink_site, sink_wave, &st };
	struct sim_rollout_end end = { 0, 0, 0, 0 };
	struct sim_figures f;
	int rc;

	memset(&st, 0, sizeof(st));
	st.prog.total = head.sites;
	st.prog.on = !a->quiet && head.sites > 1 && isatty(2);
	if ((rc = sim_report_open(&st.rep, a->report, &head)) != 0)
		return rc;
	/* the rate of the sites alone: setting up the server is not part of it */
	st.prog.start = sim_clock_s();
	rc = sim_rollout(&end, ctx, &sink);
	sim_progress_show(&st.prog, end.done, end.wave, end.nwaves, 1);
	if (rc == 0) {
		char *serve = NULL;
		sim_rollout_figures(&f, ctx);
		/* --serve: the servers' own counters, read before they stop */
		if (ctx->cluster != NULL && (rc = sim_cluster_collect(ctx->cluster)) == 0 &&
		    (f.serve = serve = sim_cluster_json(ctx->cluster)) == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		if (rc == 0)
			rc = sim_report_close(st.rep, &f, end.halted, sim_clock_s() - t0, a->quiet);
		free(serve);
	}
	sim_report_free(st.rep);
	return rc;
}

/* Remove what the run made: the whole work directory when it chose it, else its parts. */
static void cleanup(const char *workdir, const struct run_args *a)
{
	static const char *const sub[] = { "catalog", "server", "sites", "baseline", "payload", "serve" };
	size_t i;

	if (workdir == NULL || a->opt.keep)
		return;
	if (a->workdir == NULL) {
		sim_rmtree(workdir);
		return;
	}
	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char *p = sim_printf("%s/%s", workdir, sub[i]);
		if (p != NULL)
			sim_rmtree(p);
		free(p);
	}
}

int sim_run_main(int argc, char **argv)
{
	struct run_args a;
	struct sim_scenario *sc = NULL;
	struct sim_ctx ctx;
	char *workdir = NULL;
	double t0 = sim_clock_s();
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	rc = parse_args(&a, argc, argv);
	if (rc == 1) {
		free(a.events);
		return 0;
	}
	/* scripts read the JSON on stdout; a terminal gets no JSON, but a file it names */
	if (rc == 0 && a.report == NULL && !a.json && isatty(STDOUT_FILENO)) {
		if ((a.auto_report = report_name(a.scenario)) == NULL)
			rc = DUPG_ENOMEM;
		a.report = a.auto_report;
	}
	if (rc == 0)
		rc = load(&sc, &a);
	if (rc == 0)
		rc = setup(&ctx, sc, &a, &workdir);
	if (rc == 0 && a.opt.serve)
		rc = sim_cluster_up(&ctx);
	if (rc == 0)
		rc = run(&ctx, &a, t0);
	if (rc != 0)
		cli_fail("%s", sim_errmsg());
	sim_cluster_free(ctx.cluster);
	sim_regions_free(ctx.regions);
	sim_baseline_free(ctx.base);
	sim_server_clear(&ctx.server);
	dupg_trust_free(ctx.trust);
	ctx.trust = NULL;
	free(ctx.sites_dir);
	cleanup(workdir, &a);
	if (a.opt.keep && workdir != NULL && rc == 0 && !a.quiet)
		fprintf(stderr, "work directory kept: %s\n", workdir);
	if (a.auto_report != NULL && rc == 0)
		printf("report: %s\n", a.auto_report);
	free(a.auto_report);
	free(workdir);
	free(a.events);
	sim_scenario_free(sc);
	return rc == 0 ? 0 : 1;
}
