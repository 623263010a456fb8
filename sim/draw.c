/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg-sim draw: Graphviz DOT of one site, of a run's report (found by its
 * line, or in the parsed document) or of a scenario before any run.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "draw.h"
#include "output/dot.h"
#include "output/json.h"
#include "scenario/load.h"
#include "util.h"

/* Reports of big fleets are big; this caps what draw is willing to parse. */
#define REPORT_MAX_BYTES ((size_t)2 << 30)

static const char usage_text[] =
	"usage: dupg-sim draw SITE --report FILE   a site of a run's report, coloured by state\n"
	"       dupg-sim draw SCENARIO [--site ID]  a site of a scenario, before any run\n"
	"       dupg-sim draw --region ID --report FILE\n"
	"                                          an elect region of a run: who is elected,\n"
	"                                          who fetched from whom\n"
	"\n"
	"Every picture has a legend of its shapes and colours (Okabe-Ito, colour-blind safe).\n";

/*
 * dupg-sim writes one site per line (see sim/README.md): find the site's line
 * and parse only that, so drawing a site of a 100,000-site report stays
 * cheap. Returns 1 when the file is not laid out that way.
 */
static int scan_report(const char *site_id, const char *file)
{
	char *line = NULL, *prefix;
	size_t cap = 0, plen;
	ssize_t len;
	int rc = 1, sites_seen = 0;
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return sim_error(DUPG_ENOTFOUND, "%s: cannot open: %s", file, strerror(errno));
	prefix = sim_printf("{\"site\":\"%s\"", site_id);
	if (prefix == NULL) {
		fclose(f);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	plen = strlen(prefix);
	while ((len = getline(&line, &cap, f)) > 0) {
		json_object *site;

		if (strncmp(line, "{\"site\":\"", 9) != 0)
			continue;
		sites_seen = 1;
		if (strncmp(line, prefix, plen) != 0)
			continue;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ','))
			line[--len] = '\0';
		site = json_tokener_parse(line);
		if (site == NULL) {
			rc = sim_error(DUPG_EFORMAT, "%s: site %s: invalid JSON", file, site_id);
			break;
		}
		rc = sim_dot_report_site(site, file);
		json_object_put(site);
		break;
	}
	if (rc == 1 && sites_seen)
		rc = sim_error(DUPG_ENOTFOUND, "%s: no site %s in the report (a halted rollout "
					       "leaves sites out)", file, site_id);
	free(line);
	free(prefix);
	fclose(f);
	return rc;
}

static int draw_from_report(const char *site_id, const char *file)
{
	json_object *root, *sites = NULL;
	size_t i, n;
	int rc;

	if ((rc = scan_report(site_id, file)) != 1)
		return rc;
	/* not one site per line (pretty-printed, say): parse the whole document */
	if ((rc = sim_json_load(&root, file, REPORT_MAX_BYTES)) != 0)
		return rc;
	if (!json_object_object_get_ex(root, "sites", &sites) ||
	    !json_object_is_type(sites, json_type_array)) {
		json_object_put(root);
		return sim_error(DUPG_EFORMAT, "%s: not a dupg-sim report (no \"sites\" array)", file);
	}
	n = json_object_array_length(sites);
	for (i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(sites, i);
		const char *id = sim_json_get_str(s, "site");
		if (id != NULL && strcmp(id, site_id) == 0) {
			rc = sim_dot_report_site(s, file);
			json_object_put(root);
			return rc;
		}
	}
	json_object_put(root);
	return sim_error(DUPG_ENOTFOUND, "%s: no site %s in the report (a halted rollout leaves "
					 "sites out)", file, site_id);
}

static int draw_region(const char *region, const char *file)
{
	json_object *root;
	int rc;

	if ((rc = sim_json_load(&root, file, REPORT_MAX_BYTES)) != 0)
		return rc;
	rc = sim_dot_report_region(root, region, file);
	json_object_put(root);
	return rc;
}

static int draw_from_scenario(const char *file, const char *site_id)
{
	struct sim_scenario *sc;
	struct sim_site s;
	uint64_t i, n;
	int rc;

	if ((rc = sim_scenario_load(&sc, file)) != 0)
		return rc;
	n = sim_scenario_site_count(sc);
	rc = sim_error(DUPG_ENOTFOUND, "%s: no site %s", sc->file, site_id ? site_id : "");
	for (i = 0; i < n; i++) {
		int r2 = sim_scenario_site(&s, sc, i);
		if (r2 != 0) {
			rc = r2;
			break;
		}
		if (site_id == NULL || strcmp(s.id, site_id) == 0) {
			sim_dot_site(&s);
			sim_site_clear(&s);
			rc = fflush(stdout) == 0 ? 0 : sim_error(DUPG_EIO, "cannot write to stdout");
			break;
		}
		sim_site_clear(&s);
	}
	sim_scenario_free(sc);
	return rc;
}

int sim_draw_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "site", required_argument, NULL, 's' },
		{ "region", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *report = NULL, *site = NULL, *region = NULL;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			report = optarg;
			break;
		case 's':
			site = optarg;
			break;
		case 'g':
			region = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			cli_fail("draw: unknown or incomplete option '%s' (try dupg-sim draw --help)",
				 argv[optind - 1]);
			return 2;
		}
	}
	if (region != NULL) {
		if (report == NULL || site != NULL || optind != argc) {
			cli_fail("draw: --region ID takes --report FILE and nothing else (try dupg-sim "
				 "draw --help)");
			return 2;
		}
		if (draw_region(region, report) != 0) {
			cli_fail("%s", sim_errmsg());
			return 1;
		}
		return 0;
	}
	if (optind != argc - 1) {
		cli_fail("draw: expected one SITE (try dupg-sim draw --help)");
		return 2;
	}
	if (report != NULL && site != NULL) {
		cli_fail("draw: --site is for a scenario; with --report, SITE names the site");
		return 2;
	}
	if (report == NULL && access(argv[optind], F_OK) != 0) {
		/* "draw fig3a" meant a site of a run: say what it takes */
		cli_fail("draw: no file %s; a site of a run is drawn from its report: dupg-sim draw %s "
			 "--report FILE", argv[optind], argv[optind]);
		return 1;
	}
	if (report != NULL)
		rc = draw_from_report(argv[optind], report);
	else
		rc = draw_from_scenario(argv[optind], site);
	if (rc != 0) {
		cli_fail("%s", sim_errmsg());
		return 1;
	}
	return 0;
}
