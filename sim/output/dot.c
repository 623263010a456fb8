/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Graphviz DOT of one site: from a report, devices coloured by their state
 * after the run; from a scenario, the site as it stands before any run.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "names.h"
#include "output/dot.h"
#include "output/json.h"
#include "util.h"

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

/*
 * Okabe and Ito's palette, told apart with any colour vision: bluish green
 * upgraded, orange rolled back, vermillion the failing device (which also gets
 * a double border, so the picture reads in grey too), white unchanged.
 */
#define OI_GREEN "\"#009E73\""
#define OI_ORANGE "\"#E69F00\""
#define OI_VERMILLION "\"#D55E00\""
#define OI_SKY "\"#56B4E9\""
#define OI_BLUE "\"#0072B2\""
#define OI_GREY "\"#BBBBBB\""

static const char *color_of(const char *state)
{
	switch (sim_dev_state_parse(state)) {
	case SIM_DEV_UPGRADED:
		return OI_GREEN;
	case SIM_DEV_ROLLED_BACK:
		return OI_ORANGE;
	case SIM_DEV_FAILED:
		return OI_VERMILLION ", peripheries=2";
	default:
		return "white";
	}
}

/* One legend entry: a node of the legend cluster. */
static void legend_node(const char *id, const char *label, const char *attrs)
{
	printf("\t\t\"legend:%s\" [label=", id);
	quoted(label);
	printf(", %s];\n", attrs);
}

/* The roles' shapes, as every site picture draws them. */
static void legend_shapes(void)
{
	legend_node("bbu", "BBU (the master)", "shape=box3d, fillcolor=white");
	legend_node("hub", "HUB", "shape=box, fillcolor=white");
	legend_node("rru", "RRU", "shape=ellipse, fillcolor=white");
}

/*
 * The legend, a cluster of its own drawn below the picture: the nodes in a
 * row tied by invisible edges, so the layout keeps them together.
 */
static void legend_open(void)
{
	printf("\tsubgraph \"cluster_legend\" {\n\t\tlabel=\"legend\";\n\t\tlabeljust=l;\n"
	       "\t\tstyle=dashed;\n\t\tfontname=\"Helvetica\";\n");
}

static void legend_close(const char *const *ids, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		printf("\t\t\"legend:%s\" -> \"legend:%s\" [style=invis];\n", ids[i], ids[i + 1]);
	printf("\t}\n");
}

static void legend_report_site(void)
{
	static const char *const ids[] = { "bbu", "hub", "rru", "upgraded", "rolled_back", "failed",
					   "unchanged" };

	legend_open();
	legend_shapes();
	legend_node("upgraded", "upgraded\nold -> new version", "shape=box, fillcolor=" OI_GREEN);
	legend_node("rolled_back", "rolled back", "shape=box, fillcolor=" OI_ORANGE);
	legend_node("failed", "failed: the cause\nof the rollback",
		    "shape=box, fillcolor=" OI_VERMILLION ", peripheries=2");
	legend_node("unchanged", "unchanged", "shape=box, fillcolor=white");
	legend_close(ids, sizeof(ids) / sizeof(ids[0]));
}

static const char *role_shape(int role)
{
	if (role == SIM_ROLE_BBU)
		return "box3d";
	if (role == SIM_ROLE_HUB)
		return "box";
	return "ellipse";
}

int sim_dot_report_site(json_object *site, const char *file)
{
	json_object *devs = NULL;
	const char *id = sim_json_get_str(site, "site"), *outcome = sim_json_get_str(site, "outcome");
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
		const char *dev = sim_json_get_str(d, "id"), *hw = sim_json_get_str(d, "hw"), *before = sim_json_get_str(d, "version_before");
		const char *after = sim_json_get_str(d, "version_after"), *state = sim_json_get_str(d, "state"), *role = sim_json_get_str(d, "role");
		const char *pkg = sim_json_get_str(d, "package");
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
		printf(", shape=%s, fillcolor=%s];\n", role_shape(sim_role_parse(role)), color_of(state));
	}
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		const char *parent = sim_json_get_str(d, "parent");
		if (parent == NULL)
			continue;
		putchar('\t');
		quoted(parent);
		printf(" -> ");
		quoted(sim_json_get_str(d, "id"));
		printf(";\n");
	}
	legend_report_site();
	printf("}\n");
	return fflush(stdout) == 0 ? 0 : sim_error(DUPG_EIO, "cannot write to stdout");
}

/* The integer at key, 0 when absent. */
static long long json_int(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? (long long)json_object_get_int64(v) : 0;
}

/* 1 when id is one of the members. */
static int in_members(json_object *members, const char *id)
{
	size_t i, n = json_object_array_length(members);

	for (i = 0; i < n; i++)
		if (strcmp(json_object_get_string(json_object_array_get_idx(members, i)), id) == 0)
			return 1;
	return 0;
}

static void legend_region(void)
{
	static const char *const ids[] = { "server", "elected", "member", "not_upgraded", "earlier",
					   "from_server_a", "from_server_b" };

	legend_open();
	legend_node("server", "management server", "shape=cylinder, fillcolor=" OI_SKY);
	legend_node("elected", "virtual server\nat the end", "shape=doubleoctagon, fillcolor=" OI_GREEN);
	legend_node("member", "member, upgraded", "shape=ellipse, fillcolor=white");
	legend_node("not_upgraded", "member, not upgraded", "shape=ellipse, fillcolor=" OI_ORANGE);
	legend_node("earlier", "an earlier virtual\nserver (went down)", "shape=ellipse, fillcolor=" OI_GREY);
	legend_node("from_server_a", "a fetch from", "shape=plaintext, style=\"\"");
	legend_node("from_server_b", "the management server\n(other edges: over the LAN)",
		    "shape=plaintext, style=\"\"");
	printf("\t\t\"legend:from_server_a\" -> \"legend:from_server_b\" [color=" OI_BLUE
	       ", penwidth=2, label=\"bytes\"];\n");
	legend_close(ids, 5);
}

int sim_dot_report_region(json_object *report, const char *region, const char *file)
{
	json_object *regions = NULL, *sites = NULL, *reg = NULL, *members = NULL;
	const char *elected;
	char label[512];
	size_t i, n;

	if (!json_object_object_get_ex(report, "regions", &regions) ||
	    !json_object_is_type(regions, json_type_array))
		return sim_error(DUPG_EFORMAT, "%s: no \"regions\" list: the run had no elect region",
				 file);
	for (i = 0; reg == NULL && i < json_object_array_length(regions); i++) {
		json_object *r = json_object_array_get_idx(regions, i);
		const char *id = sim_json_get_str(r, "id");

		if (id != NULL && strcmp(id, region) == 0)
			reg = r;
	}
	if (reg == NULL)
		return sim_error(DUPG_ENOTFOUND, "%s: no region %s in the report", file, region);
	if (!json_object_object_get_ex(reg, "members", &members) ||
	    !json_object_is_type(members, json_type_array) ||
	    !json_object_object_get_ex(report, "sites", &sites) ||
	    !json_object_is_type(sites, json_type_array))
		return sim_error(DUPG_EFORMAT, "%s: region %s: no members or no sites", file, region);
	elected = sim_json_get_str(reg, "elected");
	printf("digraph ");
	quoted(region);
	printf(" {\n\tlabel=");
	snprintf(label, sizeof(label), "%s: virtual server %s, epoch %lld, %lld re-election(s); "
		 "%lld bytes from the server, %lld over the LAN", region, elected ? elected : "none",
		 json_int(reg, "epoch"), json_int(reg, "reelections"),
		 json_int(reg, "server_bytes"),
		 json_int(reg, "lan_bytes"));
	quoted(label);
	printf(";\n\tlabelloc=t;\n\trankdir=TB;\n\tnode [style=\"rounded,filled\", fontname=\"Helvetica\"];\n");
	printf("\t\"server\" [label=\"management server\", shape=cylinder, fillcolor=" OI_SKY "];\n");
	n = json_object_array_length(sites);
	for (i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(sites, i);
		const char *id = sim_json_get_str(s, "site"), *src = sim_json_get_str(s, "source");
		const char *outcome = sim_json_get_str(s, "outcome");
		int lead = elected != NULL && id != NULL && strcmp(id, elected) == 0;

		if (id == NULL || src == NULL || !in_members(members, id))
			continue;
		snprintf(label, sizeof(label), "%s\n%s", id, outcome ? outcome : "?");
		putchar('\t');
		quoted(id);
		printf(" [label=");
		quoted(label);
		printf(", shape=%s, fillcolor=%s];\n", lead ? "doubleoctagon" : "ellipse",
		       lead ? OI_GREEN : outcome && strcmp(outcome, "upgraded") == 0 ? "white" : OI_ORANGE);
		putchar('\t');
		quoted(src);
		printf(" -> ");
		quoted(id);
		printf(" [label=\"%lld B\"%s];\n", json_int(s, "bytes_downloaded"),
		       strcmp(src, "server") == 0 ? ", color=" OI_BLUE ", penwidth=2" : "");
	}
	/* a source that is not the virtual server at the end: one that went down */
	for (i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(sites, i);
		const char *id = sim_json_get_str(s, "site"), *src = sim_json_get_str(s, "source");
		size_t k;
		int first = 1;

		if (id == NULL || src == NULL || !in_members(members, id) || strcmp(src, "server") == 0 ||
		    (elected != NULL && strcmp(src, elected) == 0))
			continue;
		for (k = 0; k < i; k++) {
			const char *o = sim_json_get_str(json_object_array_get_idx(sites, k), "source");
			if (o != NULL && strcmp(o, src) == 0)
				first = 0;
		}
		if (!first)
			continue;
		putchar('\t');
		quoted(src);
		printf(" [xlabel=\"an earlier virtual server\", fillcolor=" OI_GREY "];\n");
	}
	legend_region();
	printf("}\n");
	return fflush(stdout) == 0 ? 0 : sim_error(DUPG_EIO, "cannot write to stdout");
}

void sim_dot_site(const struct sim_site *s)
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
		printf(", shape=%s, fillcolor=white];\n", role_shape((int)d->role));
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
	{
		static const char *const ids[] = { "bbu", "hub", "rru", "link_a" };

		legend_open();
		legend_shapes();
		legend_node("link_a", "parent", "shape=plaintext, style=\"\"");
		legend_node("link_b", "child", "shape=plaintext, style=\"\"");
		printf("\t\t\"legend:link_a\" -> \"legend:link_b\" [label=\"link bandwidth\"];\n");
		legend_close(ids, sizeof(ids) / sizeof(ids[0]));
	}
	printf("}\n");
}
