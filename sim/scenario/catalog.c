/* SPDX-License-Identifier: BSD-2-Clause */
/* The package catalogue: what fleet recipes and scenario files describe, by index and name. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/catalog.h"

int sim_catalog_init(struct sim_catalog *c)
{
	memset(c, 0, sizeof(*c));
	return sim_map_new(&c->by_name);
}

void sim_catalog_clear(struct sim_catalog *c)
{
	size_t i, j;

	for (i = 0; i < c->npkg; i++) {
		struct sim_pkg *p = &c->pkgs[i];
		for (j = 0; j < p->hw_count && p->hw != NULL; j++)
			free(p->hw[j]);
		free(p->hw);
		free(p->name);
		free(p->version);
		free(p->base);
		free(p->file);
	}
	free(c->pkgs);
	sim_map_free(c->by_name);
	memset(c, 0, sizeof(*c));
}

int sim_catalog_add(struct sim_catalog *c, const struct sim_pkg *p, size_t *index)
{
	struct sim_pkg *q;
	size_t i;
	int rc;

	if ((rc = sim_grow(&c->pkgs, &c->pkgcap, c->npkg + 1, sizeof(*c->pkgs))) != 0)
		return rc;
	q = &c->pkgs[c->npkg];
	memset(q, 0, sizeof(*q));
	q->name = sim_strdup(p->name);
	q->version = sim_strdup(p->version);
	q->hw = calloc(p->hw_count, sizeof(*q->hw));
	q->hw_count = p->hw_count;
	q->payload_bytes = p->payload_bytes;
	q->files = p->files;
	q->on_server = p->on_server;
	q->set_index = -1;
	c->npkg++;
	if (q->name == NULL || q->version == NULL || q->hw == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < p->hw_count; i++)
		if ((q->hw[i] = sim_strdup(p->hw[i])) == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
	*index = c->npkg - 1;
	return sim_map_put(c->by_name, p->name, c->npkg - 1);
}

long sim_catalog_find(const struct sim_catalog *c, const char *name)
{
	return sim_map_get(c->by_name, name);
}

char *sim_pkg_name(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	if (n > 7 && strcmp(base + n - 7, ".tar.gz") == 0)
		n -= 7;
	return strndup(base, n);
}

const struct sim_pkg *sim_catalog_by_path(const struct sim_catalog *c, const char *path)
{
	char *name = sim_pkg_name(path);
	long i = name ? sim_catalog_find(c, name) : -1;

	free(name);
	return i < 0 ? NULL : &c->pkgs[i];
}
