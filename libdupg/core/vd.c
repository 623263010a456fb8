/* SPDX-License-Identifier: BSD-2-Clause */
/* Device version descriptions merged by hardware type (pure). */
#include "internal.h"
#include "json_internal.h"
#include "vd_internal.h"
#include "util/utf8.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A type's versions and a version's devices are most often one: that one
 * lives in the entry itself (cap 0), and an array is allocated at the second.
 */
static struct vd_version *type_vers(struct vd_type *t)
{
	return t->cap == 0 ? &t->ver.one : t->ver.many;
}

static const struct vd_version *type_vers_const(const struct vd_type *t)
{
	return t->cap == 0 ? &t->ver.one : t->ver.many;
}

static const size_t *version_devs(const struct vd_version *v)
{
	return v->cap == 0 ? &v->dev.one : v->dev.many;
}

/*
 * Room for n + 1 elements in an inline-first array: while *cap is 0, its one
 * element (n is 1) is at one; *many receives the array. 0 or DUPG_ENOMEM.
 */
static int reserve_one(void **many, size_t *cap, const void *one, size_t n, size_t elem)
{
	void *p = *many;
	size_t ncap = *cap != 0 ? *cap : 1;

	if (dupg__grow(&p, &ncap, n + 1, elem) != 0)
		return DUPG_ENOMEM;
	if (*cap == 0)
		memcpy(p, one, elem);
	*many = p;
	*cap = ncap;
	return 0;
}

static int version_reserve(struct vd_version *v)
{
	void *many = v->cap != 0 ? v->dev.many : NULL;
	int rc = reserve_one(&many, &v->cap, &v->dev.one, v->ndevs, sizeof(size_t));

	if (rc == 0)
		v->dev.many = many;
	return rc;
}

static int type_reserve(struct vd_type *t)
{
	void *many = t->cap != 0 ? t->ver.many : NULL;
	int rc = reserve_one(&many, &t->cap, &t->ver.one, t->nvers, sizeof(struct vd_version));

	if (rc == 0)
		t->ver.many = many;
	return rc;
}

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
		rc = dupg__strmap_new(&s->vers);
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
	struct vd_version *vers = type_vers(t);
	size_t v;

	for (v = 0; v < t->nvers; v++)
		if (vers[v].cap != 0)
			free(vers[v].dev.many);
	if (t->cap != 0)
		free(t->ver.many);
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
	free(s->pairs.keys);
	free(s->pairs.vals);
	dupg__strmap_free(s->hw);
	dupg__strmap_free(s->vers);
	dupg__strmap_free(s->ids);
	free(s);
}

/* ---- the pair map -------------------------------------------------------- */

static uint64_t pair_key(size_t hid, size_t vid)
{
	return ((uint64_t)hid << 32 | (uint64_t)vid) + 1;
}

static size_t pair_slot(const struct vd_pairmap *pm, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (pm->cap - 1);
}

/* seq of key, or UINT32_MAX when absent */
static uint32_t pair_find(const struct vd_pairmap *pm, uint64_t key)
{
	size_t i;

	if (pm->cap == 0)
		return UINT32_MAX;
	for (i = pair_slot(pm, key); pm->keys[i] != 0; i = (i + 1) & (pm->cap - 1))
		if (pm->keys[i] == key)
			return pm->vals[i];
	return UINT32_MAX;
}

/* key must be absent and room reserved */
static void pair_put(struct vd_pairmap *pm, uint64_t key, uint32_t val)
{
	size_t i = pair_slot(pm, key);

	while (pm->keys[i] != 0)
		i = (i + 1) & (pm->cap - 1);
	pm->keys[i] = key;
	pm->vals[i] = val;
	pm->n++;
}

/* Room for extra more keys at a load of at most 1/2. 0 or DUPG_ENOMEM. */
static int pair_reserve(struct vd_pairmap *pm, size_t extra)
{
	struct vd_pairmap old = *pm, grown = { NULL, NULL, 0, 0 };
	size_t cap = pm->cap != 0 ? pm->cap : 64, i;

	while ((pm->n + extra) * 2 > cap)
		cap *= 2;
	if (cap == pm->cap)
		return 0;
	grown.keys = calloc(cap, sizeof(*grown.keys));
	grown.vals = malloc(cap * sizeof(*grown.vals));
	grown.cap = cap;
	if (grown.keys == NULL || grown.vals == NULL) {
		free(grown.keys);
		free(grown.vals);
		return dupg__error_nomem();
	}
	for (i = 0; i < old.cap; i++)
		if (old.keys[i] != 0)
			pair_put(&grown, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
	*pm = grown;
	return 0;
}

/* ---- adding devices ------------------------------------------------------- */

/* Types with up to this many versions are scanned for the very spelling; above, the pair map. */
#define LOCATE_SCAN 16

/* The strict order of a type's versions: dupg_vercmp, then first seen first. */
static int version_order(const struct vd_version *a, const char *version, uint32_t seq)
{
	int c = dupg_vercmp(a->version, version);

	if (c != 0)
		return c;
	return a->seq < seq ? -1 : a->seq > seq;
}

/* A version beside its key (vd_internal.h), for the one sort of a build. */
struct keyed_version {
	uint64_t key;
	struct vd_version v;
};

/* Keys that differ decide as dupg_vercmp would, without walking the strings. */
static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed_version *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return version_order(&x->v, y->v.version, y->v.seq);
}

/*
 * Where version (interned in s->vers as vid) is in type t (index hid): *found
 * is 1 and the index is its entry, or *found is 0 and the index is where a
 * new entry goes (after every entry that compares lower or equal: equal
 * spellings keep their first-seen order). O(log n) dupg_vercmp calls at
 * most; while building, entries are in seq order and new ones go last.
 */
static size_t type_locate(const dupg_sysvd *s, const struct vd_type *t, size_t hid,
			  const char *version, size_t vid, int *found)
{
	const struct vd_version *vers = type_vers_const(t);
	size_t lo = 0, hi = t->nvers, i;
	uint32_t seq = UINT32_MAX;

	/* a type has few versions, and most devices run one already there */
	if (t->nvers <= LOCATE_SCAN) {
		for (i = 0; i < t->nvers; i++) {
			if (vers[i].version == version) {
				*found = 1;
				return i;
			}
		}
	} else {
		seq = pair_find(&s->pairs, pair_key(hid, vid));
	}
	*found = seq != UINT32_MAX;
	if (s->building)
		return *found ? seq : t->nvers;
	/* the lowest entry not below (version, seq): the entry itself when found */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (version_order(&vers[mid], version, seq) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The checks every add makes: present id, type and version; the id as common.h says. */
static int device_check_id(const dupg_device_vd *dev)
{
	char why[64];

	if (dev->id == NULL || *dev->id == '\0')
		return dupg__error(DUPG_EINVAL, "device description without an id");
	/* an id that is not fit to print is not printed */
	if (dupg__text_check(dev->id, SIZE_MAX, DUPG_ID_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "device id %s", why);
	if (dev->hw == NULL || *dev->hw == '\0')
		return dupg__error(DUPG_EINVAL, "device %s: hardware type is missing", dev->id);
	if (dev->version == NULL || *dev->version == '\0')
		return dupg__error(DUPG_EINVAL, "device %s: version is missing", dev->id);
	return 0;
}

static int check_hw(const dupg_device_vd *dev)
{
	char why[64];

	if (dupg__text_check(dev->hw, SIZE_MAX, DUPG_HW_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "device %s: hardware type %s", dev->id, why);
	return 0;
}

static int check_version(const dupg_device_vd *dev)
{
	char why[64];

	if (dupg__text_check(dev->version, SIZE_MAX, DUPG_VERSION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "device %s: version %s", dev->id, why);
	return 0;
}

int dupg__device_check(const dupg_device_vd *dev)
{
	int rc = device_check_id(dev);

	if (rc == 0)
		rc = check_hw(dev);
	return rc != 0 ? rc : check_version(dev);
}

/* A new (type, version) pair, or a new type: within the caps of vd.h? */
static int check_room(const dupg_sysvd *s, const dupg_device_vd *dev, int new_type)
{
	if (new_type && dupg__strmap_count(s->hw) >= DUPG_SYSVD_MAX_TYPES)
		return dupg__error(DUPG_EINVAL, "device %s: more than %u hardware types", dev->id,
				   DUPG_SYSVD_MAX_TYPES);
	if (s->nversions >= DUPG_SYSVD_MAX_VERSIONS)
		return dupg__error(DUPG_EINVAL, "device %s: more than %u versions in all", dev->id,
				   DUPG_SYSVD_MAX_VERSIONS);
	return 0;
}

/* dupg_sysvd_add of a checked device whose id hashes to id_hash */
static int device_add(dupg_sysvd *s, const dupg_device_vd *dev, uint64_t id_hash)
{
	struct vd_type *t = NULL;
	struct vd_version *vers, *ver;
	const char *version;
	uint64_t hw_hash, ver_hash;
	size_t pos = 0, did, hid = 0, vid, nhw;
	size_t found_hw;
	int found = 0, added, rc;

	if (s->ndevices >= DUPG_SYSVD_MAX_DEVICES)
		return dupg__error(DUPG_EINVAL, "device %s: more than %u devices", dev->id,
				   DUPG_SYSVD_MAX_DEVICES);
	/*
	 * Reserve everything first, so a failure leaves s as it was (but for
	 * spare room, an interned version string and an unmerged id).
	 */
	{
		void *p = s->merged;
		rc = dupg__grow(&p, &s->merged_cap, dupg__strmap_count(s->ids) + 1, 1);
		s->merged = p;
	}
	/* one probe for the id: interning an id already there changes nothing */
	if (rc == 0)
		rc = dupg__strmap_intern_hash(s->ids, dev->id, id_hash, &did, &added);
	if (rc != 0)
		return rc;
	if (added)
		s->merged[did] = 0;
	else if (s->merged[did])
		return dupg__error(DUPG_EEXISTS, "device %s: id already merged", dev->id);
	/*
	 * A type or version already in a map passed the checks of common.h when
	 * it came in: only new ones are checked (three strings per device cost
	 * a tenth of a large merge).
	 */
	nhw = dupg__strmap_count(s->hw);
	hw_hash = dupg__strmap_hash(dev->hw);
	found_hw = dupg__strmap_find_hash(s->hw, dev->hw, hw_hash);
	if (found_hw == DUPG_NONE && (rc = check_hw(dev)) != 0)
		return rc;
	ver_hash = dupg__strmap_hash(dev->version);
	vid = dupg__strmap_find_hash(s->vers, dev->version, ver_hash);
	if (vid == DUPG_NONE) {
		rc = check_version(dev);
		if (rc == 0)
			rc = dupg__strmap_intern_hash(s->vers, dev->version, ver_hash, &vid, NULL);
	}
	if (rc == 0) {
		void *p = s->types;
		rc = dupg__grow(&p, &s->types_cap, nhw + 1, sizeof(*s->types));
		s->types = p;
	}
	if (rc != 0)
		return rc;
	version = dupg__strmap_key(s->vers, vid);
	if (found_hw != DUPG_NONE) {
		t = &s->types[found_hw];
		hid = found_hw;
		pos = type_locate(s, t, hid, version, vid, &found);
		if (found) {
			rc = version_reserve(&type_vers(t)[pos]);
		} else {
			rc = check_room(s, dev, 0);
			if (rc == 0)
				rc = type_reserve(t);
			/* past LOCATE_SCAN versions, every version of the type is in the map */
			if (rc == 0 && t->nvers >= LOCATE_SCAN)
				rc = pair_reserve(&s->pairs, t->nvers == LOCATE_SCAN ? LOCATE_SCAN + 1 : 1);
		}
	} else {
		rc = check_room(s, dev, 1);
		if (rc == 0)
			rc = dupg__strmap_intern_hash(s->hw, dev->hw, hw_hash, &hid, NULL);
	}
	if (rc != 0)
		return rc;

	if (t == NULL) {
		t = &s->types[hid];
		memset(t, 0, sizeof(*t));
		t->hw = dupg__strmap_key(s->hw, hid);
		t->hash = hw_hash;
		t->nvers = 1;
		t->ver.one.version = version;
		t->ver.one.ndevs = 1;
		t->ver.one.dev.one = did;
		s->nversions++;
	} else if (!found) {
		size_t v;

		vers = type_vers(t);
		memmove(&vers[pos + 1], &vers[pos], (t->nvers - pos) * sizeof(*vers));
		memset(&vers[pos], 0, sizeof(*vers));
		vers[pos].version = version;
		vers[pos].seq = (uint32_t)t->nvers;
		vers[pos].ndevs = 1;
		vers[pos].dev.one = did;
		t->nvers++;
		s->nversions++;
		if (t->nvers == LOCATE_SCAN + 1) {
			for (v = 0; v < t->nvers; v++)
				pair_put(&s->pairs, pair_key(hid, dupg__strmap_find(s->vers, vers[v].version)),
					 vers[v].seq);
		} else if (t->nvers > LOCATE_SCAN + 1) {
			pair_put(&s->pairs, pair_key(hid, vid), vers[pos].seq);
		}
	} else {
		ver = &type_vers(t)[pos];
		ver->dev.many[ver->ndevs++] = did;
	}
	if (!s->building && t->lowest != type_vers(t)[0].version) {
		t->lowest = type_vers(t)[0].version;
		t->lowest_key = dupg__vercmp_key(t->lowest);
	}
	s->merged[did] = 1;
	s->ndevices++;
	return 0;
}

int dupg_sysvd_add(dupg_sysvd *s, const dupg_device_vd *dev)
{
	int rc;

	if (s == NULL || dev == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sysvd_add: NULL argument");
	rc = device_check_id(dev);
	return rc != 0 ? rc : device_add(s, dev, dupg__strmap_hash(dev->id));
}

void dupg__sysvd_begin(dupg_sysvd *s)
{
	s->building = 1;
}

int dupg__sysvd_build_add(dupg_sysvd *s, const dupg_device_vd *dev)
{
	int rc = device_check_id(dev);

	return rc != 0 ? rc : device_add(s, dev, dupg__strmap_hash(dev->id));
}

/*
 * Sort each type's versions once: O(n log n) in all, where inserting each in
 * place was O(n) apiece. (dupg_vercmp, seq) is a strict order, so the sort
 * gives the order one-by-one adds give.
 */
int dupg__sysvd_end(dupg_sysvd *s)
{
	struct keyed_version *tmp = NULL;
	size_t i, v, most = 0;

	for (i = 0; i < dupg__strmap_count(s->hw); i++)
		if (s->types[i].nvers > most)
			most = s->types[i].nvers;
	if (most > 1 && (tmp = malloc(most * sizeof(*tmp))) == NULL)
		return dupg__error_nomem();
	for (i = 0; i < dupg__strmap_count(s->hw); i++) {
		struct vd_type *t = &s->types[i];
		struct vd_version *vers = type_vers(t);

		if (t->nvers > 1) {
			for (v = 0; v < t->nvers; v++) {
				tmp[v].key = dupg__vercmp_key(vers[v].version);
				tmp[v].v = vers[v];
			}
			qsort(tmp, t->nvers, sizeof(*tmp), keyed_cmp);
			for (v = 0; v < t->nvers; v++)
				vers[v] = tmp[v].v;
		}
		t->lowest = vers[0].version;
		t->lowest_key = t->nvers > 1 ? tmp[0].key : dupg__vercmp_key(t->lowest);
	}
	free(tmp);
	s->building = 0;
	return 0;
}

/*
 * How many devices ahead dupg_merge hashes an id and fetches its slot: a
 * large site's device map outgrows the caches, and a lookup that waits for
 * its slot costs more than the rest of an add.
 */
#define MERGE_AHEAD 8

static uint64_t id_hash_ahead(const dupg_sysvd *s, const dupg_device_vd *dev)
{
	uint64_t h;

	if (dev->id == NULL)
		return 0;
	h = dupg__strmap_hash(dev->id);
	dupg__strmap_prefetch(s->ids, h);
	return h;
}

int dupg_merge(dupg_sysvd **out, const dupg_device_vd *devs, size_t n)
{
	uint64_t ahead[MERGE_AHEAD];
	dupg_sysvd *s;
	size_t i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || (devs == NULL && n > 0))
		return dupg__error(DUPG_EINVAL, "dupg_merge: NULL argument");
	rc = dupg_sysvd_new(&s);
	if (rc == 0)
		dupg__sysvd_begin(s);
	for (i = 0; rc == 0 && i < n && i < MERGE_AHEAD; i++)
		ahead[i] = id_hash_ahead(s, &devs[i]);
	for (i = 0; rc == 0 && i < n; i++) {
		uint64_t h = ahead[i % MERGE_AHEAD];

		if (i + MERGE_AHEAD < n)
			ahead[i % MERGE_AHEAD] = id_hash_ahead(s, &devs[i + MERGE_AHEAD]);
		rc = device_check_id(&devs[i]);
		if (rc == 0)
			rc = device_add(s, &devs[i], h);
	}
	if (rc == 0)
		rc = dupg__sysvd_end(s);
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

size_t dupg_sysvd_find_hw(const dupg_sysvd *s, const char *hw)
{
	return s == NULL || hw == NULL ? DUPG_NONE : dupg__strmap_find(s->hw, hw);
}

static const struct vd_type *type_at(const dupg_sysvd *s, size_t i)
{
	return s == NULL || i >= dupg__strmap_count(s->hw) ? NULL : &s->types[i];
}

static const struct vd_version *version_at(const dupg_sysvd *s, size_t i, size_t v)
{
	const struct vd_type *t = type_at(s, i);

	return t == NULL || v >= t->nvers ? NULL : &type_vers_const(t)[v];
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
	const struct vd_type *t = type_at(s, hw_index);

	return t == NULL ? NULL : t->lowest;
}

size_t dupg_sysvd_device_count(const dupg_sysvd *s, size_t hw_index, size_t v)
{
	const struct vd_version *ver = version_at(s, hw_index, v);

	return ver == NULL ? 0 : ver->ndevs;
}

const char *dupg_sysvd_device(const dupg_sysvd *s, size_t hw_index, size_t v, size_t d)
{
	const struct vd_version *ver = version_at(s, hw_index, v);

	return ver == NULL || d >= ver->ndevs ? NULL : dupg__strmap_key(s->ids, version_devs(ver)[d]);
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
	devs = dupg__jarray(ver->ndevs);
	if (devs == NULL)
		goto fail;
	for (d = 0; d < ver->ndevs; d++) {
		v = json_object_new_string(dupg__strmap_key(s->ids, version_devs(ver)[d]));
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
		arr = dupg__jarray(s->types[i].nvers);
		if (arr == NULL)
			goto fail;
		for (v = 0; v < s->types[i].nvers; v++) {
			ver = version_to_jobj(s, &type_vers_const(&s->types[i])[v]);
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
	char what[DUPG_HW_MAX_BYTES + 64];
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
	snprintf(what, sizeof(what), "hw: %s[%zu]: \"version\"", hw, k);
	rc = dupg__json_text(&dev.version, NULL, jv, DUPG_VERSION_MAX_BYTES, origin, what);
	if (rc != 0)
		return rc;
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
		snprintf(what, sizeof(what), "hw: %s[%zu]: devices[%zu]", hw, k, d);
		rc = dupg__json_text(&dev.id, NULL, jid, DUPG_ID_MAX_BYTES, origin, what);
		if (rc != 0)
			return rc;
		rc = dupg__sysvd_build_add(s, &dev);
		if (rc == DUPG_EEXISTS)
			return dupg__error(DUPG_EEXISTS, "%s: hw: %s[%zu]: device %s is listed twice",
					   origin, hw, k, dev.id);
		/* the strings are checked: what is left is a limit of vd.h */
		if (rc == DUPG_EINVAL)
			return dupg__error_prefix(DUPG_EFORMAT, "%s: hw: %s[%zu]", origin, hw, k);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int dupg_sysvd_from_json(dupg_sysvd **out, const char *json, size_t len, const char *origin)
{
	json_object *root = NULL, *jhw;
	dupg_sysvd *s = NULL;
	size_t nkey = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || json == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sysvd_from_json: NULL argument");
	if (origin == NULL)
		origin = "<system description>";
	if (len > DUPG_SYSVD_MAX_BYTES)
		return dupg__error(DUPG_EFORMAT, "%s: %zu bytes, above the %u-byte limit", origin, len,
				   DUPG_SYSVD_MAX_BYTES);
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
	dupg__sysvd_begin(s);
	/* json-c iterates an object's keys in document order */
	json_object_object_foreach(jhw, key, val) {
		size_t k, n;
		char why[64];

		if (*key == '\0') {
			rc = dupg__error(DUPG_EFORMAT, "%s: hw: empty hardware type", origin);
			goto out;
		}
		/* json-c's keys hold no NUL (dupg__json_parse): check the rest, echo nothing bad */
		if (dupg__text_check(key, strlen(key), DUPG_HW_MAX_BYTES, why, sizeof(why)) != 0) {
			rc = dupg__error(DUPG_EFORMAT, "%s: hw: hardware type %zu %s", origin, nkey, why);
			goto out;
		}
		nkey++;
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
	rc = dupg__sysvd_end(s);
out:
	json_object_put(root);
	if (rc != 0) {
		dupg_sysvd_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
