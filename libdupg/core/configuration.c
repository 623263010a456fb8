/* SPDX-License-Identifier: BSD-2-Clause */
/* Configurations: hardware type -> package path, in first-set order (pure). */
#include "internal.h"
#include "json_internal.h"
#include "util/utf8.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct dupg_config {
	dupg_strmap *hw;   /* hw type -> entry index */
	char **paths;      /* owned, indexed like hw ids */
	char **versions;   /* owned, indexed like hw ids; NULL: not known */
	size_t cap;
	size_t vcap;
};

int dupg_config_new(dupg_config **out)
{
	dupg_config *c;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_config_new: out is NULL");
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return dupg__error_nomem();
	rc = dupg__strmap_new(&c->hw);
	if (rc != 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void dupg_config_free(dupg_config *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < dupg__strmap_count(c->hw); i++)
		free(c->paths[i]);
	for (i = 0; i < dupg__strmap_count(c->hw) && i < c->vcap; i++)
		free(c->versions[i]);
	free(c->paths);
	free(c->versions);
	dupg__strmap_free(c->hw);
	free(c);
}

int dupg_config_set(dupg_config *c, const char *hw, const char *path)
{
	size_t id;
	int added, rc;
	char *copy;

	if (c == NULL || hw == NULL || *hw == '\0' || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_config_set: hardware type and path are required");
	copy = strdup(path);
	if (copy == NULL)
		return dupg__error_nomem();
	{
		void *p = c->paths;
		rc = dupg__grow(&p, &c->cap, dupg__strmap_count(c->hw) + 1, sizeof(*c->paths));
		c->paths = p;
	}
	if (rc == 0)
		rc = dupg__strmap_intern(c->hw, hw, &id, &added);
	if (rc != 0) {
		free(copy);
		return rc;
	}
	if (!added)
		free(c->paths[id]);
	c->paths[id] = copy;
	/* another package: its version is not known until it is set again */
	if (id < c->vcap) {
		free(c->versions[id]);
		c->versions[id] = NULL;
	}
	return 0;
}

int dupg_config_set_version(dupg_config *c, const char *hw, const char *version)
{
	char why[96];
	size_t id, old;
	char *copy = NULL;

	if (c == NULL || hw == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_config_set_version: configuration and hardware "
				   "type are required");
	id = dupg__strmap_find(c->hw, hw);
	if (id == DUPG_NONE)
		return dupg__error(DUPG_ENOTFOUND, "dupg_config_set_version: hardware type \"%s\" is "
				   "not configured", hw);
	if (version != NULL &&
	    dupg__text_check(version, SIZE_MAX, DUPG_VERSION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "dupg_config_set_version: %s: version %s", hw, why);
	if (version != NULL && (copy = strdup(version)) == NULL)
		return dupg__error_nomem();
	if (id >= c->vcap) {
		void *p = c->versions;
		int rc;

		old = c->vcap;
		rc = dupg__grow(&p, &c->vcap, dupg__strmap_count(c->hw), sizeof(*c->versions));
		c->versions = p;
		if (rc != 0) {
			free(copy);
			return rc;
		}
		memset(c->versions + old, 0, (c->vcap - old) * sizeof(*c->versions));
	}
	free(c->versions[id]);
	c->versions[id] = copy;
	return 0;
}

const char *dupg_config_version(const dupg_config *c, const char *hw)
{
	size_t id;

	if (c == NULL || hw == NULL)
		return NULL;
	id = dupg__strmap_find(c->hw, hw);
	return id == DUPG_NONE || id >= c->vcap ? NULL : c->versions[id];
}

int dupg_config_dup(dupg_config **out, const dupg_config *c)
{
	dupg_config *d;
	size_t i;
	int rc;

	if (out == NULL || c == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_config_dup: NULL argument");
	rc = dupg_config_new(&d);
	for (i = 0; rc == 0 && i < dupg_config_count(c); i++) {
		const char *hw = dupg_config_hw(c, i), *v = dupg_config_version(c, hw);

		rc = dupg_config_set(d, hw, dupg_config_path(c, i));
		if (rc == 0 && v != NULL)
			rc = dupg_config_set_version(d, hw, v);
	}
	if (rc != 0) {
		dupg_config_free(d);
		*out = NULL;
		return rc;
	}
	*out = d;
	return 0;
}

size_t dupg_config_count(const dupg_config *c)
{
	return c == NULL ? 0 : dupg__strmap_count(c->hw);
}

const char *dupg_config_hw(const dupg_config *c, size_t i)
{
	return c == NULL ? NULL : dupg__strmap_key(c->hw, i);
}

const char *dupg_config_path(const dupg_config *c, size_t i)
{
	return c == NULL || i >= dupg__strmap_count(c->hw) ? NULL : c->paths[i];
}

const char *dupg_config_get(const dupg_config *c, const char *hw)
{
	size_t id;

	if (c == NULL || hw == NULL)
		return NULL;
	id = dupg__strmap_find(c->hw, hw);
	return id == DUPG_NONE ? NULL : c->paths[id];
}

int dupg_config_equal(const dupg_config *a, const dupg_config *b)
{
	size_t i;

	if (dupg_config_count(a) != dupg_config_count(b))
		return 0;
	for (i = 0; i < dupg_config_count(a); i++) {
		const char *other = dupg_config_get(b, dupg_config_hw(a, i));
		if (other == NULL || strcmp(other, dupg_config_path(a, i)) != 0)
			return 0;
	}
	return 1;
}

int dupg_config_to_json(char **out, const dupg_config *c)
{
	if (out == NULL || c == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_config_to_json: NULL argument");
	return dupg__jobj_finish(out, dupg__config_to_jobj(c));
}

json_object *dupg__config_to_jobj(const dupg_config *c)
{
	json_object *obj = json_object_new_object();
	size_t i;

	if (obj == NULL)
		return NULL;
	for (i = 0; i < dupg_config_count(c); i++) {
		json_object *v = json_object_new_string(dupg_config_path(c, i));
		if (v == NULL || json_object_object_add(obj, dupg_config_hw(c, i), v) != 0) {
			json_object_put(v);
			json_object_put(obj);
			return NULL;
		}
	}
	return obj;
}
