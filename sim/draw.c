/*
 * dupg-sim draw: Graphviz DOT of one site. From a report, devices are
 * coloured by their state after the run; from a scenario, the site as it
 * stands before any run.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "draw.h"
#include "sim.h"

/* Reports of big fleets are big; this caps what draw is willing to parse. */
#define REPORT_MAX_BYTES ((size_t)2 << 30)

static const char usage_text[] =
	"usage: dupg-sim draw SITE --report FILE   a site of a run's report, coloured by state\n"
	"       dupg-sim draw SCENARIO [--site ID]  a site of a scenario, before any run\n";

static void quoted(const char *s)
{
	putchar('"');
	for (; s != NULL && *s; s++) {
		if (*s == '\n') {
			fputs("\\n", stdout); /* DOT's line break inside a label */
			continue;
		}
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

static const char *color_of(const char *state)
{
	if (strcmp(state, "upgraded") == 0)
		return "palegreen";
	if (strcmp(state, "rolled_back") == 0)
		return "orange";
	if (strcmp(state, "failed") == 0)
		return "tomato";
	return "white";
}

static const char *role_shape(const char *role)
{
	if (strcmp(role, "bbu") == 0)
		return "box3d";
	if (strcmp(role, "hub") == 0)
		return "box";
	return "ellipse";
}

static const char *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int draw_report_site(json_object *site, const char *file)
{
	json_object *devs = NULL;
	const char *id = get(site, "site"), *outcome = get(site, "outcome");
	size_t i, n;

	if (!json_object_object_get_ex(site, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array))
		return sim_error(DUPG_EFORMAT, "%s: site %s has no devices array", file, id);
	n = json_object_array_length(devs);
	printf("digraph ");
	quoted(id);
	printf(" {\n\tlabel=");
	{
		char label[512];
		json_object *cause = NULL, *detail = NULL;
		snprintf(label, sizeof(label), "%s: %s", id, outcome ? outcome : "?");
		if (json_object_object_get_ex(site, "cause", &cause) && cause != NULL &&
		    json_object_object_get_ex(cause, "detail", &detail)) {
			size_t len = strlen(label);
			snprintf(label + len, sizeof(label) - len, " (%s)", json_object_get_string(detail));
		}
		quoted(label);
	}
	printf(";\n\tlabelloc=t;\n\trankdir=TB;\n\tnode [style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		const char *dev = get(d, "id"), *hw = get(d, "hw"), *before = get(d, "version_before");
		const char *after = get(d, "version_after"), *state = get(d, "state"), *role = get(d, "role");
		const char *pkg = get(d, "package");
		char label[512];

		if (dev == NULL || hw == NULL || before == NULL || after == NULL)
			return sim_error(DUPG_EFORMAT, "%s: site %s: devices[%zu] lacks id, hw or versions",
					 file, id, i);
		if (state == NULL)
			state = "unchanged";
		if (strcmp(before, after) != 0)
			snprintf(label, sizeof(label), "%s\n%s %s -> %s", dev, hw, before, after);
		else if (pkg != NULL && strcmp(state, "unchanged") != 0)
			snprintf(label, sizeof(label), "%s\n%s %s (%s: %s)", dev, hw, before,
				 strcmp(state, "failed") == 0 ? "failed with" : "rolled back from", pkg);
		else
			snprintf(label, sizeof(label), "%s\n%s %s", dev, hw, before);
		putchar('\t');
		quoted(dev);
		printf(" [label=");
		quoted(label);
		printf(", shape=%s, fillcolor=%s];\n", role_shape(role ? role : "rru"), color_of(state));
	}
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		const char *parent = get(d, "parent");
		if (parent == NULL)
			continue;
		putchar('\t');
		quoted(parent);
		printf(" -> ");
		quoted(get(d, "id"));
		printf(";\n");
	}
	printf("}\n");
	return fflush(stdout) == 0 ? 0 : sim_error(DUPG_EIO, "cannot write to stdout");
}

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
		rc = draw_report_site(site, file);
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
		const char *id = get(s, "site");
		if (id != NULL && strcmp(id, site_id) == 0) {
			rc = draw_report_site(s, file);
			json_object_put(root);
			return rc;
		}
	}
	json_object_put(root);
	return sim_error(DUPG_ENOTFOUND, "%s: no site %s in the report (a halted rollout leaves "
					 "sites out)", file, site_id);
}

static void draw_site(const struct sim_site *s)
{
	size_t i;
	char label[256];

	printf("digraph ");
	quoted(s->id);
	printf(" {\n\tlabel=");
	snprintf(label, sizeof(label), "%s (before the run)", s->id);
	quoted(label);
	printf(";\n\tlabelloc=t;\n\trankdir=TB;\n\tnode [style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
	for (i = 0; i < s->ndev; i++) {
		const struct sim_dev *d = &s->devs[i];
		snprintf(label, sizeof(label), "%s\n%s %s", d->id, d->hw, d->version);
		putchar('\t');
		quoted(d->id);
		printf(" [label=");
		quoted(label);
		printf(", shape=%s, fillcolor=white];\n", role_shape(sim_role_name(d->role)));
	}
	for (i = 0; i < s->ndev; i++) {
		const struct sim_dev *d = &s->devs[i];
		if (d->parent == NULL)
			continue;
		putchar('\t');
		quoted(d->parent);
		printf(" -> ");
		quoted(d->id);
		printf(" [label=\"%g Mb/s\"];\n", d->link_mbps);
	}
	printf("}\n");
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
			draw_site(&s);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *report = NULL, *site = NULL;
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
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			cli_fail("draw: unknown or incomplete option '%s' (try dupg-sim draw --help)",
				 argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		cli_fail("draw: expected one SITE (try dupg-sim draw --help)");
		return 2;
	}
	if (report != NULL && site != NULL) {
		cli_fail("draw: --site is for a scenario; with --report, SITE names the site");
		return 2;
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
