/* SPDX-License-Identifier: BSD-2-Clause */
/* A topology as JSON: the shape scenarios give a site's devices (pure). */
#include "internal.h"
#include "json_internal.h"
#include "topology_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dupg_topology_to_json(char **out, const dupg_topology *t)
{
	json_object *root, *devs;
	size_t n, i;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_topology_to_json: NULL argument");
	n = dupg_topology_count(t);
	devs = dupg__jarray(n);
	for (i = 0; devs != NULL && i < n; i++) {
		const struct device *d = t->devs[i];
		json_object *o = json_object_new_object();

		o = dupg__jadd_str(o, "id", d->vd.id, SIZE_MAX);
		o = dupg__jadd_str(o, "hw", d->vd.hw, SIZE_MAX);
		o = dupg__jadd_str(o, "version", d->vd.version, SIZE_MAX);
		if (d->parent_id != NULL)
			o = dupg__jadd_str(o, "parent", d->parent_id, SIZE_MAX);
		o = dupg__jadd(o, "duration_s", json_object_new_int64(d->vd.duration_s));
		if (o == NULL || json_object_array_add(devs, o) != 0) {
			json_object_put(o);
			json_object_put(devs);
			devs = NULL;
		}
	}
	root = dupg__jadd(json_object_new_object(), "devices", devs);
	return dupg__jobj_finish(out, root);
}

/* devices[i]'s string key: *out borrowed from the JSON; optional ones may stay NULL. */
static int device_text(const char **out, json_object *dev, const char *key, size_t max,
		       int optional, size_t i, const char *origin)
{
	json_object *v;
	char what[64];

	*out = NULL;
	if (!json_object_object_get_ex(dev, key, &v) || json_object_is_type(v, json_type_null)) {
		if (optional)
			return 0;
		return dupg__error(DUPG_EFORMAT, "%s: devices[%zu]: \"%s\" is missing", origin, i, key);
	}
	if (!json_object_is_type(v, json_type_string))
		return dupg__error(DUPG_EFORMAT, "%s: devices[%zu]: \"%s\" is not a string", origin, i,
				   key);
	snprintf(what, sizeof(what), "devices[%zu]: \"%s\"", i, key);
	return dupg__json_text(out, NULL, v, max, origin, what);
}

static int device_from_jobj(dupg_topology *t, json_object *dev, size_t i, const char *origin)
{
	dupg_device_vd vd = { NULL, NULL, NULL, 0 };
	const char *parent;
	json_object *v;
	int rc;

	if (!json_object_is_type(dev, json_type_object))
		return dupg__error(DUPG_EFORMAT, "%s: devices[%zu]: not an object", origin, i);
	/* the key the C struct, scenarios and reports use; the older name says so */
	if (json_object_object_get_ex(dev, "duration", NULL))
		return dupg__error(DUPG_EFORMAT, "%s: devices[%zu]: \"duration\" is not a key: the "
				   "expected upgrade time is \"duration_s\"", origin, i);
	if ((rc = device_text(&vd.id, dev, "id", DUPG_ID_MAX_BYTES, 0, i, origin)) != 0 ||
	    (rc = device_text(&vd.hw, dev, "hw", DUPG_HW_MAX_BYTES, 0, i, origin)) != 0 ||
	    (rc = device_text(&vd.version, dev, "version", DUPG_VERSION_MAX_BYTES, 0, i, origin)) != 0 ||
	    (rc = device_text(&parent, dev, "parent", DUPG_ID_MAX_BYTES, 1, i, origin)) != 0)
		return rc;
	if (json_object_object_get_ex(dev, "duration_s", &v)) {
		int64_t s = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || s < 0 || s > UINT32_MAX)
			return dupg__error(DUPG_EFORMAT, "%s: devices[%zu] (%s): \"duration_s\" is not "
					   "an integer from 0 to %" PRIu32, origin, i, vd.id,
					   UINT32_MAX);
		vd.duration_s = (uint32_t)s;
	}
	rc = dupg_topology_add(t, &vd, parent);
	if (rc != 0)
		return dupg__error_prefix(rc == DUPG_EEXISTS || rc == DUPG_ENOMEM ? rc : DUPG_EFORMAT,
					  "%s: devices[%zu]",
					  origin, i);
	return 0;
}

int dupg_topology_from_json(dupg_topology **out, const char *json, size_t len, const char *origin)
{
	json_object *root = NULL, *devs;
	dupg_topology *t = NULL;
	size_t n, i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || json == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_topology_from_json: NULL argument");
	if (origin == NULL)
		origin = "<topology>";
	if (len > DUPG_TOPOLOGY_MAX_BYTES)
		return dupg__error(DUPG_EFORMAT, "%s: %zu bytes, above the %u-byte limit", origin, len,
				   DUPG_TOPOLOGY_MAX_BYTES);
	if ((rc = dupg__json_parse(&root, json, len, origin)) != 0)
		return rc;
	if (!json_object_is_type(root, json_type_object)) {
		rc = dupg__error(DUPG_EFORMAT, "%s: not a JSON object", origin);
		goto out;
	}
	if (!json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		rc = dupg__error(DUPG_EFORMAT, "%s: \"devices\" is missing or not an array", origin);
		goto out;
	}
	if ((rc = dupg_topology_new(&t)) != 0)
		goto out;
	n = json_object_array_length(devs);
	for (i = 0; rc == 0 && i < n; i++)
		rc = device_from_jobj(t, json_object_array_get_idx(devs, i), i, origin);
out:
	json_object_put(root);
	if (rc != 0) {
		dupg_topology_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
