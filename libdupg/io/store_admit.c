/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a store admits (store.h): every package new to the store is verified
 * in full before the change is journalled, and none below the store's
 * anti-rollback floor comes in. The floor is `LIST.floor`:
 *
 *     {"format": 1, "floor": {"B": 3, "C": 1}}
 *
 * the highest security_version an upgrade committed per hardware type,
 * journalled with the change and replaced atomically right after its commit
 * point (io/store.c; recovery writes it again when it finishes the change).
 * (I/O)
 */
#include "internal.h"
#include "store_admit_internal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"

#define FLOOR_FORMAT 1
#define FLOOR_MAX_BYTES (1024u * 1024u)

void dupg__admit_free(struct dupg__admit *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->hw[i]);
	free(a->hw);
	free(a->floor);
	free(a->file);
	memset(a, 0, sizeof(*a));
}

static size_t find_hw(const struct dupg__admit *a, const char *hw)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->hw[i], hw) == 0)
			return i;
	return DUPG_NONE;
}

/* Set the floor of hw to v (adding hw). */
static int set_floor(struct dupg__admit *a, const char *hw, uint64_t v)
{
	size_t i = find_hw(a, hw), cap = a->cap;
	void *p;
	int rc;

	if (i != DUPG_NONE) {
		a->floor[i] = v;
		return 0;
	}
	p = a->hw;
	rc = dupg__grow(&p, &cap, a->n + 1, sizeof(*a->hw));
	a->hw = p;
	if (rc != 0)
		return rc;
	cap = a->cap;
	p = a->floor;
	rc = dupg__grow(&p, &cap, a->n + 1, sizeof(*a->floor));
	a->floor = p;
	if (rc != 0)
		return rc;
	a->cap = cap;
	if ((a->hw[a->n] = strdup(hw)) == NULL)
		return dupg__error_nomem();
	a->floor[a->n++] = v;
	return 0;
}

static int load_floor(struct dupg__admit *a)
{
	json_object *root = NULL, *v, *fl;
	char *text = NULL;
	size_t len = 0;
	int rc = dupg__fs_read(&text, &len, a->file, FLOOR_MAX_BYTES);

	if (rc == DUPG_ENOTFOUND) {
		dupg_error_clear();
		return 0;
	}
	if (rc != 0)
		return rc;
	root = json_tokener_parse(text);
	free(text);
	if (root == NULL || !json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "format", &v) || json_object_get_int(v) != FLOOR_FORMAT ||
	    !json_object_object_get_ex(root, "floor", &fl) || !json_object_is_type(fl, json_type_object)) {
		json_object_put(root);
		return dupg__error(DUPG_EFORMAT, "%s: not an anti-rollback floor file "
				   "({\"format\": 1, \"floor\": {\"HW\": N}})", a->file);
	}
	{
		json_object_object_foreach(fl, key, val) {
			if (rc != 0)
				break;
			if (!json_object_is_type(val, json_type_int) || json_object_get_int64(val) < 0)
				rc = dupg__error(DUPG_EFORMAT, "%s: the floor of \"%.256s\" is not a "
						 "non-negative integer", a->file, key);
			else
				rc = set_floor(a, key, (uint64_t)json_object_get_int64(val));
		}
	}
	json_object_put(root);
	return rc;
}

static int was_verified(const dupg_admit_options *o, const char *path, const char *resolved)
{
	size_t i;

	for (i = 0; o != NULL && i < o->verified_count; i++)
		if (o->verified[i] != NULL &&
		    (strcmp(o->verified[i], path) == 0 || strcmp(o->verified[i], resolved) == 0))
			return 1;
	return 0;
}

/* The layout of version 1, whose verify options ended at `now`. */
struct admit_options_v1 {
	unsigned int version;
	struct {
		unsigned int version;
		dupg_trust_policy policy;
		const dupg_trust *trust;
		int64_t now;
	} verify;
	const char *const *verified;
	size_t verified_count;
};

int dupg__admit_check(struct dupg__admit *a, const char *list_file, const dupg_pathlist *current,
		      const dupg_pathlist *downloaded, const dupg_admit_options *o)
{
	static const dupg_admit_options defaults = DUPG_ADMIT_OPTIONS_INIT;
	dupg_admit_options v2 = DUPG_ADMIT_OPTIONS_INIT;
	struct dupg__admit base;   /* the floor as committed: what a new package is held to */
	size_t i, n = dupg_pathlist_count(downloaded);
	int rc;

	memset(a, 0, sizeof(*a));
	memset(&base, 0, sizeof(base));
	if (o == NULL)
		o = &defaults;
	if (o->version == 1) {
		const struct admit_options_v1 *o1 = (const struct admit_options_v1 *)(const void *)o;

		v2.verify.version = o1->verify.version;
		v2.verify.policy = o1->verify.policy;
		v2.verify.trust = o1->verify.trust;
		v2.verify.now = o1->verify.now;
		v2.verified = o1->verified;
		v2.verified_count = o1->verified_count;
		o = &v2;
	}
	if (o->version != 1 && o->version != DUPG_ADMIT_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "%s: unknown dupg_admit_options version %u", list_file,
				   o->version);
	if (o->verified_count > 0 && o->verified == NULL)
		return dupg__error(DUPG_EINVAL, "%s: verified_count is %zu and verified is NULL", list_file,
				   o->verified_count);
	a->file = malloc(strlen(list_file) + sizeof(".floor"));
	base.file = malloc(strlen(list_file) + sizeof(".floor"));
	if (a->file == NULL || base.file == NULL) {
		free(base.file);
		return dupg__error_nomem();
	}
	sprintf(a->file, "%s.floor", list_file);
	sprintf(base.file, "%s.floor", list_file);
	rc = load_floor(a);
	if (rc == 0)
		rc = load_floor(&base);
	for (i = 0; rc == 0 && i < n; i++) {
		const char *path = dupg_pathlist_path(downloaded, i);
		const char *resolved = dupg_pathlist_resolved(downloaded, i);
		dupg_manifest *m = NULL;
		size_t j, nhw;
		uint64_t sv;

		/* the store admitted it when it came in: the rollback configuration stays reachable */
		if (current != NULL && dupg_pathlist_find(current, path) != DUPG_NONE)
			continue;
		rc = was_verified(o, path, resolved) ? dupg_package_read_manifest_ext(&m, resolved, &o->verify)
						     : dupg_package_verify_ext(&m, resolved, &o->verify);
		if (rc != 0) {
			rc = dupg__error_prefix(rc, "%s: %s is not admitted", list_file, path);
			break;
		}
		sv = dupg_manifest_security_version(m);
		nhw = dupg_manifest_hw_count(m);
		for (j = 0; rc == 0 && j < nhw; j++) {
			const char *hw = dupg_manifest_hw(m, j);
			size_t k = find_hw(&base, hw);

			if (k != DUPG_NONE && sv < base.floor[k]) {
				rc = dupg__error(DUPG_EROLLBACK, "%s: %s: security_version %llu is below the "
						 "store's floor %llu for hardware type %s (%s): refused "
						 "as a rollback", list_file, path, (unsigned long long)sv,
						 (unsigned long long)base.floor[k], hw, a->file);
				break;
			}
			k = find_hw(a, hw);
			/* a floor of 0 is no floor: a store of security version 0 gets no file */
			if (k == DUPG_NONE ? sv > 0 : sv > a->floor[k]) {
				rc = set_floor(a, hw, sv);
				a->changed = 1;
			}
		}
		dupg_manifest_free(m);
	}
	dupg__admit_free(&base);
	return rc;
}

int dupg__admit_render(char **out, size_t *len, const struct dupg__admit *a)
{
	json_object *fl, *root;
	char *text = NULL;
	size_t i;

	*out = NULL;
	*len = 0;
	if (!a->changed)
		return 0;
	fl = json_object_new_object();
	for (i = 0; fl != NULL && i < a->n; i++) {
		json_object *v = json_object_new_int64((int64_t)a->floor[i]);

		if (v == NULL || json_object_object_add(fl, a->hw[i], v) != 0) {
			json_object_put(v);
			json_object_put(fl);
			fl = NULL;
		}
	}
	root = json_object_new_object();
	if (fl == NULL || root == NULL ||
	    json_object_object_add(root, "format", json_object_new_int(FLOOR_FORMAT)) != 0 ||
	    json_object_object_add(root, "floor", fl) != 0) {
		json_object_put(root);
		return dupg__error_nomem();
	}
	text = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	if (text == NULL)
		return dupg__error_nomem();
	*out = text;
	*len = strlen(text);
	return 0;
}

int dupg_store_floor(uint64_t *out, const char *list_file, const char *hw)
{
	struct dupg__admit a;
	size_t k;
	int rc;

	if (out == NULL || list_file == NULL || hw == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_store_floor: NULL argument");
	*out = 0;
	memset(&a, 0, sizeof(a));
	a.file = malloc(strlen(list_file) + sizeof(".floor"));
	if (a.file == NULL)
		return dupg__error_nomem();
	sprintf(a.file, "%s.floor", list_file);
	rc = load_floor(&a);
	k = rc == 0 ? find_hw(&a, hw) : DUPG_NONE;
	if (k != DUPG_NONE)
		*out = a.floor[k];
	dupg__admit_free(&a);
	return rc;
}
