/* Device version descriptions merged by hardware type (pure). */
#include "internal.h"
#include "json_internal.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct vd_version {
	char *version;
	size_t *devs;      /* ids in the sysvd's device map, in the order added */
	size_t ndevs;
	size_t cap;
};

struct vd_type {
	struct vd_version *vers; /* ascending by dupg_vercmp, ties in first-seen order */
	size_t nvers;
	size_t cap;
};

struct dupg_sysvd {
	dupg_strmap *hw;           /* hardware type -> index into types */
	struct vd_type *types;
	size_t types_cap;
	dupg_strmap *ids;          /* device id -> id; keys live in the map's arena */
	/*
	 * merged[id] is 1 once the device is in: an add that fails after
	 * interning the id leaves 0, so the id can be added again.
	 */
	unsigned char *merged;
	size_t merged_cap;
};

int dupg_sysvd_new(dupg_sysvd **out)
{
	dupg_sysvd *s;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sysvd_new: out is NULL");
	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return dupg__error_nomem();
	rc = dupg__strmap_new(&s->hw);
	if (rc == 0)
		rc = dupg__strmap_new(&s->ids);
	if (rc != 0) {
		dupg_sysvd_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static void type_clear(struct vd_type *t)
{
	size_t v;

	for (v = 0; v < t->nvers; v++) {
		free(t->vers[v].version);
		free(t->vers[v].devs);
	}
	free(t->vers);
}

void dupg_sysvd_free(dupg_sysvd *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->hw != NULL)
		for (i = 0; i < dupg__strmap_count(s->hw); i++)
			type_clear(&s->types[i]);
	free(s->types);
	free(s->merged);
	dupg__strmap_free(s->hw);
	dupg__strmap_free(s->ids);
	free(s);
}

/*
 * Where version belongs in t: *found is 1 and the index is that of the entry
 * spelled exactly so, or *found is 0 and the index is the insertion point
 * (after every entry that compares lower or equal, so that equal-comparing
 * spellings keep their first-seen order).
 */
static size_t type_locate(const struct vd_type *t, const char *version, int *found)
{
	size_t lo = 0, hi = t->nvers, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dupg_vercmp(t->vers[mid].version, version) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i > 0 && dupg_vercmp(t->vers[i - 1].version, version) == 0; i--) {
		if (strcmp(t->vers[i - 1].version, version) == 0) {
			*found = 1;
			return i - 1;
		}
	}
	*found = 0;
	return lo;
}

int dupg_sysvd_add(dupg_sysvd *s, const dupg_device_vd *dev)
{
	struct vd_type fresh = { NULL, 0, 0 }, *t;
	struct vd_version nv = { NULL, NULL, 0, 0 }, *ver;
	size_t pos, did, hid, nhw;
	long found_id, found_hw;
	int found, added, rc;

	if (s == NULL || dev == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sysvd_add: NULL argument");
	if (dev->id == NULL || *dev->id == '\0')
		return dupg__error(DUPG_EINVAL, "device description without an id");
	if (dev->hw == NULL || *dev->hw == '\0')
		return dupg__error(DUPG_EINVAL, "device %s: hardware type is missing", dev->id);
	if (dev->version == NULL || *dev->version == '\0')
		return dupg__error(DUPG_EINVAL, "device %s: version is missing", dev->id);
	found_id = dupg__strmap_find(s->ids, dev->id);
	if (found_id >= 0 && s->merged[found_id])
		return dupg__error(DUPG_EEXISTS, "device %s: id already merged", dev->id);

	/* reserve everything first, so a failure leaves s as it was */
	nhw = dupg__strmap_count(s->hw);
	{
		void *p = s->types;
		rc = dupg__grow(&p, &s->types_cap, nhw + 1, sizeof(*s->types));
		s->types = p;
	}
	if (rc == 0) {
		void *p = s->merged;
		rc = dupg__grow(&p, &s->merged_cap, dupg__strmap_count(s->ids) + 1, 1);
		s->merged = p;
	}
	if (rc != 0)
		return rc;
	found_hw = dupg__strmap_find(s->hw, dev->hw);
	t = found_hw >= 0 ? &s->types[found_hw] : &fresh;
	pos = type_locate(t, dev->version, &found);
	if (found) {
		void *p = t->vers[pos].devs;
		rc = dupg__grow(&p, &t->vers[pos].cap, t->vers[pos].ndevs + 1, sizeof(size_t));
		t->vers[pos].devs = p;
	} else {
		void *p = t->vers;
		rc = dupg__grow(&p, &t->cap, t->nvers + 1, sizeof(*t->vers));
		t->vers = p;
		if (rc == 0) {
			nv.version = strdup(dev->version);
			nv.devs = malloc(4 * sizeof(size_t));
			nv.cap = 4;
			if (nv.version == NULL || nv.devs == NULL)
				rc = dupg__error_nomem();
		}
	}
	if (rc == 0)
		rc = dupg__strmap_intern(s->ids, dev->id, &did, &added);
	if (rc == 0 && added)
		s->merged[did] = 0;
	if (rc == 0 && found_hw < 0)
		rc = dupg__strmap_intern(s->hw, dev->hw, &hid, NULL);
	if (rc != 0) {
		free(nv.version);
		free(nv.devs);
		free(fresh.vers);
		return rc;
	}

	if (found_hw < 0) {
		s->types[hid] = fresh;
		t = &s->types[hid];
	}
	if (!found) {
		memmove(&t->vers[pos + 1], &t->vers[pos], (t->nvers - pos) * sizeof(*t->vers));
		t->vers[pos] = nv;
		t->nvers++;
	}
	ver = &t->vers[pos];
	ver->devs[ver->ndevs++] = did;
	s->merged[did] = 1;
	return 0;
}

int dupg_merge(dupg_sysvd **out, const dupg_device_vd *devs, size_t n)
{
	dupg_sysvd *s;
	size_t i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || (devs == NULL && n > 0))
		return dupg__error(DUPG_EINVAL, "dupg_merge: NULL argument");
	rc = dupg_sysvd_new(&s);
	for (i = 0; rc == 0 && i < n; i++)
		rc = dupg_sysvd_add(s, &devs[i]);
	if (rc != 0) {
		dupg_sysvd_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

size_t dupg_sysvd_hw_count(const dupg_sysvd *s)
{
	return s == NULL ? 0 : dupg__strmap_count(s->hw);
}

const char *dupg_sysvd_hw(const dupg_sysvd *s, size_t i)
{
	return s == NULL ? NULL : dupg__strmap_key(s->hw, i);
}

long dupg_sysvd_find_hw(const dupg_sysvd *s, const char *hw)
{
	return s == NULL || hw == NULL ? -1 : dupg__strmap_find(s->hw, hw);
}

static const struct vd_type *type_at(const dupg_sysvd *s, size_t i)
{
	return s == NULL || i >= dupg__strmap_count(s->hw) ? NULL : &s->types[i];
}

static const struct vd_version *version_at(const dupg_sysvd *s, size_t i, size_t v)
{
	const struct vd_type *t = type_at(s, i);

	return t == NULL || v >= t->nvers ? NULL : &t->vers[v];
}

size_t dupg_sysvd_version_count(const dupg_sysvd *s, size_t hw_index)
{
	const struct vd_type *t = type_at(s, hw_index);

	return t == NULL ? 0 : t->nvers;
}

const char *dupg_sysvd_version(const dupg_sysvd *s, size_t hw_index, size_t v)
{
	const struct vd_version *ver = version_at(s, hw_index, v);

	return ver == NULL ? NULL : ver->version;
}

const char *dupg_sysvd_lowest_version(const dupg_sysvd *s, size_t hw_index)
{
	return dupg_sysvd_version(s, hw_index, 0);
}

size_t dupg_sysvd_device_count(const dupg_sysvd *s, size_t hw_index, size_t v)
{
	const struct vd_version *ver = version_at(s, hw_index, v);

	return ver == NULL ? 0 : ver->ndevs;
}

const char *dupg_sysvd_device(const dupg_sysvd *s, size_t hw_index, size_t v, size_t d)
{
	const struct vd_version *ver = version_at(s, hw_index, v);

	return ver == NULL || d >= ver->ndevs ? NULL : dupg__strmap_key(s->ids, ver->devs[d]);
}

static json_object *version_to_jobj(const dupg_sysvd *s, const struct vd_version *ver)
{
	json_object *obj = json_object_new_object(), *devs = NULL, *v = NULL;
	size_t d;

	if (obj == NULL)
		return NULL;
	v = json_object_new_string(ver->version);
	if (v == NULL || json_object_object_add(obj, "version", v) != 0)
		goto fail;
	v = NULL;
	devs = json_object_new_array_ext((int)ver->ndevs);
	if (devs == NULL)
		goto fail;
	for (d = 0; d < ver->ndevs; d++) {
		v = json_object_new_string(dupg__strmap_key(s->ids, ver->devs[d]));
		if (v == NULL || json_object_array_add(devs, v) != 0)
			goto fail;
	}
	v = NULL;
	if (json_object_object_add(obj, "devices", devs) != 0)
		goto fail;
	return obj;
fail:
	json_object_put(v);
	json_object_put(devs);
	json_object_put(obj);
	return NULL;
}

static json_object *sysvd_to_jobj(const dupg_sysvd *s)
{
	json_object *root = NULL, *hw, *arr = NULL, *ver = NULL;
	size_t i, v;

	hw = json_object_new_object();
	if (hw == NULL)
		return NULL;
	for (i = 0; i < dupg__strmap_count(s->hw); i++) {
		arr = json_object_new_array_ext((int)s->types[i].nvers);
		if (arr == NULL)
			goto fail;
		for (v = 0; v < s->types[i].nvers; v++) {
			ver = version_to_jobj(s, &s->types[i].vers[v]);
			if (ver == NULL || json_object_array_add(arr, ver) != 0)
				goto fail;
		}
		ver = NULL;
		if (json_object_object_add(hw, dupg__strmap_key(s->hw, i), arr) != 0)
			goto fail;
		arr = NULL;
	}
	root = json_object_new_object();
	if (root == NULL || json_object_object_add(root, "hw", hw) != 0)
		goto fail;
	return root;
fail:
	json_object_put(ver);
	json_object_put(arr);
	json_object_put(hw);
	json_object_put(root);
	return NULL;
}

int dupg_sysvd_to_json(char **out, const dupg_sysvd *s)
{
	if (out != NULL)
		*out = NULL;
	if (out == NULL || s == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sysvd_to_json: NULL argument");
	return dupg__jobj_finish(out, sysvd_to_jobj(s));
}

static int is_nonempty_string(json_object *o)
{
	return json_object_is_type(o, json_type_string) && json_object_get_string_len(o) > 0;
}

/* One {"version": "V", "devices": [...]} entry of type hw, at position k. */
static int version_from_jobj(dupg_sysvd *s, json_object *entry, const char *hw, size_t k,
			     const char *origin)
{
	json_object *jv, *jdevs;
	dupg_device_vd dev = { NULL, hw, NULL, 0 };
	size_t d, n;
	int rc;

	if (!json_object_is_type(entry, json_type_object))
		return dupg__error(DUPG_EFORMAT, "%s: hw: %s[%zu]: not an object", origin, hw, k);
	if (!json_object_object_get_ex(entry, "version", &jv))
		return dupg__error(DUPG_EFORMAT, "%s: hw: %s[%zu]: \"version\" is missing", origin,
				   hw, k);
	if (!is_nonempty_string(jv))
		return dupg__error(DUPG_EFORMAT,
				   "%s: hw: %s[%zu]: \"version\" is not a non-empty string",
				   origin, hw, k);
	dev.version = json_object_get_string(jv);
	if (!json_object_object_get_ex(entry, "devices", &jdevs))
		return dupg__error(DUPG_EFORMAT, "%s: hw: %s[%zu]: \"devices\" is missing", origin,
				   hw, k);
	if (!json_object_is_type(jdevs, json_type_array))
		return dupg__error(DUPG_EFORMAT, "%s: hw: %s[%zu]: \"devices\" is not an array",
				   origin, hw, k);
	n = json_object_array_length(jdevs);
	if (n == 0)
		return dupg__error(DUPG_EFORMAT, "%s: hw: %s[%zu]: \"devices\" is empty", origin, hw,
				   k);
	for (d = 0; d < n; d++) {
		json_object *jid = json_object_array_get_idx(jdevs, d);
		if (!is_nonempty_string(jid))
			return dupg__error(DUPG_EFORMAT,
					   "%s: hw: %s[%zu]: devices[%zu] is not a non-empty string",
					   origin, hw, k, d);
		dev.id = json_object_get_string(jid);
		rc = dupg_sysvd_add(s, &dev);
		if (rc == DUPG_EEXISTS)
			return dupg__error(DUPG_EEXISTS, "%s: hw: %s[%zu]: device %s is listed twice",
					   origin, hw, k, dev.id);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int dupg_sysvd_from_json(dupg_sysvd **out, const char *json, size_t len, const char *origin)
{
	json_object *root = NULL, *jhw;
	dupg_sysvd *s = NULL;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || json == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sysvd_from_json: NULL argument");
	if (origin == NULL)
		origin = "<system description>";
	rc = dupg__json_parse(&root, json, len, origin);
	if (rc != 0)
		return rc;
	if (!json_object_is_type(root, json_type_object)) {
		rc = dupg__error(DUPG_EFORMAT, "%s: not a JSON object", origin);
		goto out;
	}
	if (!json_object_object_get_ex(root, "hw", &jhw)) {
		rc = dupg__error(DUPG_EFORMAT, "%s: \"hw\" is missing", origin);
		goto out;
	}
	if (!json_object_is_type(jhw, json_type_object)) {
		rc = dupg__error(DUPG_EFORMAT, "%s: \"hw\" is not an object", origin);
		goto out;
	}
	rc = dupg_sysvd_new(&s);
	if (rc != 0)
		goto out;
	/* json-c iterates an object's keys in document order */
	json_object_object_foreach(jhw, key, val) {
		size_t k, n;

		if (*key == '\0') {
			rc = dupg__error(DUPG_EFORMAT, "%s: hw: empty hardware type", origin);
			goto out;
		}
		if (!json_object_is_type(val, json_type_array)) {
			rc = dupg__error(DUPG_EFORMAT, "%s: hw: %s: not an array", origin, key);
			goto out;
		}
		n = json_object_array_length(val);
		if (n == 0) {
			rc = dupg__error(DUPG_EFORMAT, "%s: hw: %s: version list is empty", origin,
					 key);
			goto out;
		}
		for (k = 0; k < n; k++) {
			rc = version_from_jobj(s, json_object_array_get_idx(val, k), key, k, origin);
			if (rc != 0)
				goto out;
		}
	}
out:
	json_object_put(root);
	if (rc != 0) {
		dupg_sysvd_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
