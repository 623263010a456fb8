/* dupg-sim run: every site of a scenario through the whole flow, in waves, with a report. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "run.h"
#include "sim.h"

static const char usage_text[] =
	"usage: dupg-sim run SCENARIO [options]\n"
	"\n"
	"Runs every site of SCENARIO (a JSON file, see sim/README.md) through the whole\n"
	"upgrade flow and writes the JSON report to stdout (or --report FILE) and a table\n"
	"to stderr.\n"
	"\n"
	"  --seed N                  run seed: wave order and random faults (default: the\n"
	"                            scenario's \"seed\", else 1)\n"
	"  --fail [SITE/]DEVICE:KIND device fails; KIND is stage, switch or health (repeatable)\n"
	"  --cut [SITE/]PKG[:FRAC]   the download of PKG is cut off after FRAC of it (0.5)\n"
	"  --corrupt PKG             the server's copy of PKG is corrupt\n"
	"  --crash [SITE/]STEP       the master crashes at STEP of the store update\n"
	"                            (journal_temp journal rollback_temp rollback list_temp\n"
	"                            list delete done)\n"
	"  --report FILE             write the JSON report to FILE\n"
	"  --workdir DIR             build packages and stores in DIR (default: a fresh\n"
	"                            temporary directory, removed at the end)\n"
	"  --keep                    keep the work directory and every site's store\n"
	"  --no-fsync                skip fsync (simulation only; the report says so)\n"
	"  --link                    downloads hard-link the server's file instead of copying\n"
	"  --sites N                 generate only the first N sites of a fleet recipe\n"
	"  --halt-threshold X        halt the rollout when a wave's failure rate exceeds X\n"
	"  --quiet                   no table, no progress bar\n";

enum {
	OPT_SEED = 256, OPT_FAIL, OPT_CUT, OPT_CORRUPT, OPT_CRASH, OPT_REPORT, OPT_WORKDIR,
	OPT_KEEP, OPT_NO_FSYNC, OPT_LINK, OPT_SITES, OPT_HALT, OPT_QUIET, OPT_HELP
};

static const struct option long_opts[] = {
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "fail", required_argument, NULL, OPT_FAIL },
	{ "cut", required_argument, NULL, OPT_CUT },
	{ "corrupt", required_argument, NULL, OPT_CORRUPT },
	{ "crash", required_argument, NULL, OPT_CRASH },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "workdir", required_argument, NULL, OPT_WORKDIR },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-fsync", no_argument, NULL, OPT_NO_FSYNC },
	{ "link", no_argument, NULL, OPT_LINK },
	{ "sites", required_argument, NULL, OPT_SITES },
	{ "halt-threshold", required_argument, NULL, OPT_HALT },
	{ "quiet", no_argument, NULL, OPT_QUIET },
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
	const char *workdir;
	uint64_t seed;
	int has_seed;
	uint64_t sites;
	double halt;
	int has_halt;
	int quiet;
	struct sim_options opt;
	struct cli_event *events;
	size_t nevents;
};

static int parse_u64(uint64_t *out, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return -1;
	*out = (uint64_t)v;
	return 0;
}

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

static int add_cli_event(struct sim_scenario *sc, const struct cli_event *ev)
{
	struct sim_fault f;
	char *copy = sim_strdup(ev->arg), *rest, *colon;
	const char *opt = ev->opt == OPT_FAIL ? "--fail" : ev->opt == OPT_CUT ? "--cut" :
			  ev->opt == OPT_CRASH ? "--crash" : "--corrupt";
	int rc = 0;

	if (copy == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	memset(&f, 0, sizeof(f));
	f.origin = opt;
	f.fraction = 0.5;
	if (ev->opt == OPT_CORRUPT) {
		long pi = sim_catalog_find(&sc->cat, copy);
		if (pi < 0 || !sc->cat.pkgs[pi].on_server)
			rc = sim_error(DUPG_ENOTFOUND, "--corrupt %s: no package %s in the server's set "
						       "of %s", ev->arg, copy, sc->file);
		else
			sc->cat.pkgs[pi].corrupt = 2;
		free(copy);
		return rc;
	}
	f.site = split_site(copy, &rest);
	colon = strrchr(rest, ':');
	if (ev->opt == OPT_FAIL) {
		int k = colon ? sim_fault_parse(colon + 1) : -1;
		if (colon == NULL || k < 0 || k > SIM_FAULT_HEALTH || colon == rest) {
			free(copy);
			return sim_error(DUPG_EINVAL, "--fail %s: expected [SITE/]DEVICE:stage|switch|health",
					 ev->arg);
		}
		*colon = '\0';
		f.kind = (enum sim_fault_kind)k;
		f.device = rest;
	} else if (ev->opt == OPT_CUT) {
		f.kind = SIM_FAULT_CUT;
		if (colon != NULL) {
			char *end;
			*colon = '\0';
			f.fraction = strtod(colon + 1, &end);
			if (*end != '\0' || end == colon + 1 || !(f.fraction >= 0 && f.fraction < 1)) {
				free(copy);
				return sim_error(DUPG_EINVAL, "--cut %s: the fraction must be in [0, 1)",
						 ev->arg);
			}
		}
		f.package = rest;
	} else {
		f.kind = SIM_FAULT_CRASH;
		if (dupg_apply_step_parse(&f.step, rest) != 0) {
			free(copy);
			return sim_error(DUPG_EINVAL, "--crash %s: unknown step (journal_temp, journal, "
						      "rollback_temp, rollback, list_temp, list, "
						      "delete, done)", ev->arg);
		}
	}
	if (f.site == NULL && sc->recipe == NULL && sc->nsites == 1)
		f.site = sc->sites[0].id;
	{
		char origin[512];
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
			if (parse_u64(&a->seed, optarg) != 0)
				return sim_error(DUPG_EINVAL, "--seed %s: not a number", optarg);
			a->has_seed = 1;
			break;
		case OPT_FAIL:
		case OPT_CUT:
		case OPT_CORRUPT:
		case OPT_CRASH: {
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
		case OPT_SITES:
			if (parse_u64(&a->sites, optarg) != 0 || a->sites == 0)
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
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct progress {
	int on;
	double last;
	uint64_t total;
};

static void progress_show(struct progress *p, uint64_t done, unsigned wave, unsigned nwaves,
			  int force)
{
	char bar[41];
	double t;
	int i, fill;

	if (!p->on)
		return;
	t = now_s();
	if (!force && t - p->last < 0.2)
		return;
	p->last = t;
	fill = p->total ? (int)(40 * done / p->total) : 40;
	for (i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r  wave %u/%u [%s] %llu/%llu sites", wave, nwaves, bar,
		(unsigned long long)done, (unsigned long long)p->total);
	if (force)
		fputc('\n', stderr);
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

/* Visit sites in a seeded order: canary waves are a random sample, as operators pick them. */
static uint64_t *site_order(uint64_t n, uint64_t seed)
{
	uint64_t *order = malloc((n ? n : 1) * sizeof(*order)), i, rng = sim_rng_derive(seed, 0x3A7E);

	if (order == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		uint64_t j = sim_rng_below(&rng, i), x = order[i - 1];
		order[i - 1] = order[j];
		order[j] = x;
	}
	return order;
}

static int rollout(struct sim_ctx *ctx, struct sim_report *rep, int quiet, uint64_t *halted)
{
	struct sim_scenario *sc = ctx->sc;
	static const double default_waves[] = { 0.01, 0.1, 1 };
	const double *waves = sc->waves;
	uint64_t n = sim_scenario_site_count(sc), *order, pos = 0;
	size_t nwaves = sc->nwaves, w;
	struct progress prog = { 0, 0, n };
	int rc = 0;

	if (waves == NULL) {
		static const double one[] = { 1 };
		waves = n > 1 ? default_waves : one;
		nwaves = n > 1 ? 3 : 1;
	}
	order = site_order(n, sc->seed);
	if (order == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	prog.on = !quiet && n > 1 && isatty(2);
	*halted = 0;
	for (w = 0; w < nwaves && rc == 0; w++) {
		uint64_t end = (uint64_t)ceil(waves[w] * (double)n), sites = 0, attempted = 0, failures = 0;
		int halt;

		if (w + 1 == nwaves || end > n)
			end = n;
		for (; pos < end && rc == 0; pos++) {
			struct sim_site site;
			struct sim_site_sum sum;
			json_object *json = NULL;

			if ((rc = sim_scenario_site(&site, sc, order[pos])) != 0)
				break;
			rc = sim_site_run(&json, &sum, ctx, &site, (unsigned)w + 1);
			if (rc == 0)
				rc = sim_report_site(rep, json, &sum, site.id);
			json_object_put(json);
			sim_site_clear(&site);
			sites++;
			attempted += sum.outcome != SIM_CURRENT;
			failures += sum.outcome == SIM_ROLLED_BACK || sum.outcome == SIM_FAILED;
			progress_show(&prog, pos + 1, (unsigned)w + 1, (unsigned)nwaves, 0);
		}
		if (rc != 0)
			break;
		/* an operator stops a rollout whose wave fails too often; the last wave has no after */
		halt = w + 1 < nwaves && attempted > 0 &&
		       (double)failures / (double)attempted > sc->halt_threshold;
		sim_report_wave(rep, (unsigned)w + 1, sites, attempted, failures, halt);
		if (halt) {
			*halted = n - pos;
			break;
		}
	}
	progress_show(&prog, pos, (unsigned)(w < nwaves ? w + 1 : nwaves), (unsigned)nwaves, 1);
	free(order);
	return rc;
}

int sim_run_main(int argc, char **argv)
{
	struct run_args a;
	struct sim_scenario *sc = NULL;
	struct sim_ctx ctx;
	struct sim_report *rep = NULL;
	char *workdir = NULL, *basedir = NULL;
	uint64_t halted = 0;
	double t0 = now_s();
	size_t i;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	rc = parse_args(&a, argc, argv);
	if (rc == 1) {
		free(a.events);
		return 0;
	}
	if (rc == 0)
		rc = sim_scenario_load(&sc, a.scenario);
	if (rc == 0 && a.has_seed)
		sc->seed = a.seed;
	if (rc == 0 && a.has_halt)
		sc->halt_threshold = a.halt;
	if (rc == 0 && a.sites > 0) {
		if (sc->recipe == NULL)
			rc = sim_error(DUPG_EINVAL, "--sites: %s lists its sites; only a fleet recipe "
						    "can be cut down", sc->file);
		else
			sim_recipe_set_count(sc->recipe, a.sites);
	}
	for (i = 0; rc == 0 && i < a.nevents; i++)
		rc = add_cli_event(sc, &a.events[i]);
	if (rc == 0) {
		if (a.workdir != NULL) {
			workdir = sim_strdup(a.workdir);
			rc = workdir ? sim_mkdirs(workdir) : sim_error(DUPG_ENOMEM, "out of memory");
		} else if ((workdir = temp_workdir()) == NULL) {
			rc = DUPG_EIO;
		}
	}
	a.opt.workdir = workdir;
	ctx.sc = sc;
	ctx.opt = &a.opt;
	if (rc == 0)
		rc = sim_server_build(&ctx.server, &sc->cat, workdir, a.opt.no_fsync);
	if (rc == 0) {
		ctx.sites_dir = sim_printf("%s/sites", workdir);
		rc = ctx.sites_dir ? sim_mkdirs(ctx.sites_dir) : sim_error(DUPG_ENOMEM, "out of memory");
	}
	if (rc == 0) {
		basedir = sim_printf("%s/baseline", workdir);
		rc = basedir ? sim_baseline_new(&ctx.base, basedir, &sc->cat)
			     : sim_error(DUPG_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = sim_report_open(&rep, a.report, sc, &a.opt);
	if (rc == 0)
		rc = rollout(&ctx, rep, a.quiet, &halted);
	if (rc == 0)
		rc = sim_report_close(rep, &ctx, halted, now_s() - t0, a.quiet);
	if (rc != 0)
		cli_fail("%s", sim_errmsg());
	sim_report_free(rep);
	sim_baseline_free(ctx.base);
	sim_server_clear(&ctx.server);
	free(ctx.sites_dir);
	if (workdir != NULL && !a.opt.keep && a.workdir == NULL)
		sim_rmtree(workdir);
	else if (workdir != NULL && !a.opt.keep)
		for (i = 0; i < 5; i++) {
			static const char *const sub[] = { "catalog", "server", "sites", "baseline",
							   "payload" };
			char *p = sim_printf("%s/%s", workdir, sub[i]);
			if (p != NULL)
				sim_rmtree(p);
			free(p);
		}
	if (a.opt.keep && workdir != NULL && rc == 0 && !a.quiet)
		fprintf(stderr, "work directory kept: %s\n", workdir);
	free(basedir);
	free(workdir);
	free(a.events);
	sim_scenario_free(sc);
	return rc == 0 ? 0 : 1;
}
