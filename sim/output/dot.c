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

/* Green upgraded, orange rolled back, red the failing device, white unchanged. */
static const char *color_of(const char *state)
{
	switch (sim_dev_state_parse(state)) {
	case SIM_DEV_UPGRADED:
		return "palegreen";
	case SIM_DEV_ROLLED_BACK:
		return "orange";
	case SIM_DEV_FAILED:
		return "tomato";
	default:
		return "white";
	}
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
	printf("}\n");
}
