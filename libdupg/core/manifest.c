/* Package manifests, schema v1: the in-memory form, validation, JSON in and out (pure). */
#include "internal.h"
#include "json_internal.h"
#include "util/utf8.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Install paths are accepted only in one canonical spelling, so that a
 * manifest path and an archive entry name compare with strcmp: relative,
 * components separated by single '/', no empty, "." or ".." component, no
 * trailing '/', at most DUPG_PATH_MAX_BYTES bytes of UTF-8. "./x" and "a//b"
 * are refused rather than normalised; "manifest.json" is the manifest's own
 * name.
 */

struct file {
	uint64_t size;
	unsigned char digest[16];
	char hex[33];
};

struct dupg_manifest {
	char *name;
	char *version;
	char *build_time;
	char *vendor;
	dupg_strmap *hw;      /* hardware types, in manifest order */
	dupg_strmap *paths;   /* install path -> index into files */
	struct file *files;
	size_t files_cap;
	uint64_t total;
};

/* Why path is not a canonical install path, or NULL when it is one. */
static const char *path_problem(const char *path, size_t len)
{
	const char *p, *end = path + len;

	if (len == 0)
		return "empty path";
	if (strlen(path) != len)
		return "path contains a NUL byte";
	if (len > DUPG_PATH_MAX_BYTES)
		return "path longer than 4095 bytes";
	if (dupg__utf8_invalid(path, len) != len)
		return "path is not valid UTF-8";
	if (path[0] == '/')
		return "absolute path";
	if (path[len - 1] == '/')
		return "path ends with '/'";
	if (strcmp(path, "manifest.json") == 0)
		return "path is reserved for the manifest";
	for (p = path; p < end;) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = slash ? (size_t)(slash - p) : (size_t)(end - p);

		if (n == 0)
			return "path has an empty component ('//')";
		if (n == 1 && p[0] == '.')
			return "path has a '.' component";
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "path has a '..' component";
		p += n + 1;
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(unsigned char out[16], const char *s, size_t len)
{
	size_t i;

	if (len != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static void to_hex(char out[33], const unsigned char digest[16])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 15];
	}
	out[32] = '\0';
}

static dupg_manifest *manifest_alloc(void)
{
	dupg_manifest *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	if (dupg__strmap_new(&m->hw) != 0 || dupg__strmap_new(&m->paths) != 0) {
		dupg_manifest_free(m);
		return NULL;
	}
	return m;
}

int dupg_manifest_new(dupg_manifest **out, const char *name, const char *version)
{
	dupg_manifest *m;
	char why[64];

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_new: out is NULL");
	*out = NULL;
	if (name == NULL || *name == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_manifest_new: package name is empty");
	if (version == NULL || *version == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_manifest_new: package version is empty");
	if (dupg__text_check(name, SIZE_MAX, DUPG_MANIFEST_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_new: package name %s", why);
	if (dupg__text_check(version, SIZE_MAX, DUPG_VERSION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_new: package version %s", why);
	m = manifest_alloc();
	if (m == NULL)
		return dupg__error_nomem();
	m->name = strdup(name);
	m->version = strdup(version);
	if (m->name == NULL || m->version == NULL) {
		dupg_manifest_free(m);
		return dupg__error_nomem();
	}
	*out = m;
	return 0;
}

void dupg_manifest_free(dupg_manifest *m)
{
	if (m == NULL)
		return;
	free(m->name);
	free(m->version);
	free(m->build_time);
	free(m->vendor);
	dupg__strmap_free(m->hw);
	dupg__strmap_free(m->paths);
	free(m->files);
	free(m);
}

static int set_optional(char **field, const char *value, const char *what)
{
	char *copy = NULL, why[64];

	if (value != NULL && *value == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_%s: empty string (use NULL to clear)",
				   what);
	if (value != NULL &&
	    dupg__text_check(value, SIZE_MAX, DUPG_MANIFEST_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_%s: the value %s", what, why);
	if (value != NULL && (copy = strdup(value)) == NULL)
		return dupg__error_nomem();
	free(*field);
	*field = copy;
	return 0;
}

int dupg_manifest_set_build_time(dupg_manifest *m, const char *build_time)
{
	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_build_time: manifest is NULL");
	return set_optional(&m->build_time, build_time, "build_time");
}

int dupg_manifest_set_vendor(dupg_manifest *m, const char *vendor)
{
	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_vendor: manifest is NULL");
	return set_optional(&m->vendor, vendor, "vendor");
}

int dupg_manifest_add_hw(dupg_manifest *m, const char *hw)
{
	size_t id;
	int added;
	char why[64];

	if (m == NULL || hw == NULL || *hw == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_manifest_add_hw: hardware type is empty");
	if (dupg__text_check(hw, SIZE_MAX, DUPG_HW_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_add_hw: hardware type %s", why);
	return dupg__strmap_intern(m->hw, hw, &id, &added);
}

/* Append a file whose path is already known to be valid and new. */
static int append_file(dupg_manifest *m, const char *path, uint64_t size,
		       const unsigned char digest[16])
{
	size_t n = dupg__strmap_count(m->paths), id;
	struct file *f;
	void *p = m->files;
	int added, rc;

	rc = dupg__grow(&p, &m->files_cap, n + 1, sizeof(*m->files));
	m->files = p;
	if (rc != 0)
		return rc;
	rc = dupg__strmap_intern(m->paths, path, &id, &added);
	if (rc != 0)
		return rc;
	f = &m->files[id];
	f->size = size;
	memcpy(f->digest, digest, 16);
	to_hex(f->hex, digest);
	/* callers keep the total within DUPG_PACKAGE_MAX_BYTES */
	m->total += size;
	return 0;
}

int dupg_manifest_add_file(dupg_manifest *m, const char *path, uint64_t size,
			   const unsigned char xxh128[16])
{
	const char *why;

	if (m == NULL || path == NULL || xxh128 == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_add_file: NULL argument");
	why = path_problem(path, strlen(path));
	/* the reason must survive a path too long for the message buffer */
	if (why != NULL && dupg__utf8_invalid(path, strlen(path)) != strlen(path))
		return dupg__error(DUPG_EINVAL, "dupg_manifest_add_file: %s", why);
	if (why != NULL)
		return dupg__error(DUPG_EINVAL, "%.512s: %s", path, why);
	if (size > DUPG_FILE_MAX_BYTES)
		return dupg__error(DUPG_EINVAL, "%s: size %llu is above the %llu-byte limit", path,
				   (unsigned long long)size, (unsigned long long)DUPG_FILE_MAX_BYTES);
	if (dupg__strmap_find(m->paths, path) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "%s: install path listed twice", path);
	if (dupg__strmap_count(m->paths) >= DUPG_MANIFEST_MAX_FILES)
		return dupg__error(DUPG_EINVAL, "%s: the manifest lists %u files already, the most it may",
				   path, DUPG_MANIFEST_MAX_FILES);
	if (size > DUPG_PACKAGE_MAX_BYTES - m->total)
		return dupg__error(DUPG_EINVAL, "%s: the files would declare more than %llu bytes in total",
				   path, (unsigned long long)DUPG_PACKAGE_MAX_BYTES);
	return append_file(m, path, size, xxh128);
}

const char *dupg_manifest_name(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->name;
}

const char *dupg_manifest_version(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->version;
}

const char *dupg_manifest_build_time(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->build_time;
}

const char *dupg_manifest_vendor(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->vendor;
}

size_t dupg_manifest_hw_count(const dupg_manifest *m)
{
	return m == NULL ? 0 : dupg__strmap_count(m->hw);
}

const char *dupg_manifest_hw(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_hw_count(m) ? NULL : dupg__strmap_key(m->hw, i);
}

int dupg_manifest_fits(const dupg_manifest *m, const char *hw)
{
	return m != NULL && hw != NULL && dupg__strmap_find(m->hw, hw) != DUPG_NONE;
}

size_t dupg_manifest_file_count(const dupg_manifest *m)
{
	return m == NULL ? 0 : dupg__strmap_count(m->paths);
}

const char *dupg_manifest_file_path(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) ? NULL : dupg__strmap_key(m->paths, i);
}

uint64_t dupg_manifest_file_size(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) ? 0 : m->files[i].size;
}

const unsigned char *dupg_manifest_file_xxh128(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) ? NULL : m->files[i].digest;
}

const char *dupg_manifest_file_xxh128_hex(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) ? NULL : m->files[i].hex;
}

uint64_t dupg_manifest_total_size(const dupg_manifest *m)
{
	return m == NULL ? 0 : m->total;
}

/* ---- parsing -------------------------------------------------------------- */

/*
 * A non-empty string of at most max bytes of UTF-8 without NUL bytes, or
 * NULL after recording why not. key names the value in messages ("name",
 * "hw[2]", "files[0].path").
 */
static const char *get_string(const json_object *v, const char *origin, const char *key,
			      size_t max, int *rc)
{
	const char *s;
	size_t len;
	char why[64];

	if (!json_object_is_type(v, json_type_string)) {
		*rc = dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be a string", origin, key);
		return NULL;
	}
	s = json_object_get_string((json_object *)v);
	len = (size_t)json_object_get_string_len(v);
	if (len == 0) {
		*rc = dupg__error(DUPG_EFORMAT, "%s: \"%s\" is an empty string", origin, key);
		return NULL;
	}
	if (dupg__text_check(s, len, max, why, sizeof(why)) != 0) {
		*rc = dupg__error(DUPG_EFORMAT, "%s: \"%s\" %s", origin, key, why);
		return NULL;
	}
	return s;
}

static int require(json_object **out, json_object *obj, const char *origin, const char *key)
{
	if (!json_object_object_get_ex(obj, key, out))
		return dupg__error(DUPG_EFORMAT, "%s: missing required key \"%s\"", origin, key);
	return 0;
}

static int parse_format(json_object *root, const char *origin)
{
	json_object *v;
	int64_t f;
	int rc = require(&v, root, origin, "format");

	if (rc != 0)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		return dupg__error(DUPG_EFORMAT, "%s: \"format\" must be an integer", origin);
	f = json_object_get_int64(v);
	if (f != DUPG_MANIFEST_FORMAT)
		return dupg__error(DUPG_EUNSUPPORTED, "%s: unsupported manifest format %s (this library reads %d)",
				   origin, json_object_to_json_string(v), DUPG_MANIFEST_FORMAT);
	return 0;
}

static int parse_hw(dupg_manifest *m, json_object *root, const char *origin)
{
	json_object *arr;
	size_t i, n;
	int rc = require(&arr, root, origin, "hw");

	if (rc != 0)
		return rc;
	if (!json_object_is_type(arr, json_type_array))
		return dupg__error(DUPG_EFORMAT, "%s: \"hw\" must be an array of strings", origin);
	n = json_object_array_length(arr);
	if (n == 0)
		return dupg__error(DUPG_EFORMAT, "%s: hardware list \"hw\" is empty", origin);
	for (i = 0; i < n; i++) {
		char key[32];
		const char *s;
		size_t id;
		int added;

		snprintf(key, sizeof(key), "hw[%zu]", i);
		s = get_string(json_object_array_get_idx(arr, i), origin, key, DUPG_HW_MAX_BYTES, &rc);
		if (s == NULL)
			return rc;
		/* a type listed twice adds nothing, as with dupg_manifest_add_hw() */
		rc = dupg__strmap_intern(m->hw, s, &id, &added);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int parse_size(uint64_t *out, json_object *v, const char *origin, const char *key)
{
	int64_t s;
	uint64_t u;

	if (!json_object_is_type(v, json_type_int))
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be an integer", origin, key);
	s = json_object_get_int64(v);
	if (s < 0)
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" is negative (%lld)", origin, key, (long long)s);
	/* json-c keeps values above INT64_MAX as uint64; get_int64 would clamp them */
	u = json_object_get_uint64(v);
	if (u > DUPG_FILE_MAX_BYTES)
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" is %llu bytes, above the %llu-byte limit",
				   origin, key, (unsigned long long)u,
				   (unsigned long long)DUPG_FILE_MAX_BYTES);
	*out = u;
	return 0;
}

static int parse_file(dupg_manifest *m, json_object *f, size_t i, const char *origin)
{
	json_object *vpath, *vsize, *vdigest;
	char key[64];
	const char *path, *hex, *why;
	size_t len;
	uint64_t size = 0;
	unsigned char digest[16];
	size_t prev;
	int rc;

	if (!json_object_is_type(f, json_type_object))
		return dupg__error(DUPG_EFORMAT, "%s: \"files[%zu]\" must be an object", origin, i);
	snprintf(key, sizeof(key), "files[%zu].path", i);
	if (!json_object_object_get_ex(f, "path", &vpath))
		return dupg__error(DUPG_EFORMAT, "%s: missing required key \"%s\"", origin, key);
	if (!json_object_is_type(vpath, json_type_string))
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be a string", origin, key);
	path = json_object_get_string(vpath);
	len = (size_t)json_object_get_string_len(vpath);
	why = path_problem(path, len);
	/* bytes that are not UTF-8 are not echoed into the message */
	if (why != NULL && dupg__utf8_invalid(path, len) != len)
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\": %s", origin, key, why);
	if (why != NULL)
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\": %s: \"%s\"", origin, key, why, path);
	prev = dupg__strmap_find(m->paths, path);
	if (prev != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "%s: \"%s\": duplicate path \"%s\" (also files[%zu])",
				   origin, key, path, prev);

	snprintf(key, sizeof(key), "files[%zu].size", i);
	if (!json_object_object_get_ex(f, "size", &vsize))
		return dupg__error(DUPG_EFORMAT, "%s: missing required key \"%s\"", origin, key);
	rc = parse_size(&size, vsize, origin, key);
	if (rc != 0)
		return rc;
	if (size > DUPG_PACKAGE_MAX_BYTES - m->total)
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\": the files declare more than %llu bytes "
				   "in total", origin, key, (unsigned long long)DUPG_PACKAGE_MAX_BYTES);

	snprintf(key, sizeof(key), "files[%zu].xxh128", i);
	if (!json_object_object_get_ex(f, "xxh128", &vdigest))
		return dupg__error(DUPG_EFORMAT, "%s: missing required key \"%s\"", origin, key);
	if (!json_object_is_type(vdigest, json_type_string))
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be a string", origin, key);
	hex = json_object_get_string(vdigest);
	if (parse_hex(digest, hex, (size_t)json_object_get_string_len(vdigest)) != 0)
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" is not 32 hex digits", origin, key);
	return append_file(m, path, size, digest);
}

static int parse_files(dupg_manifest *m, json_object *root, const char *origin)
{
	json_object *arr;
	size_t i, n;
	int rc = require(&arr, root, origin, "files");

	if (rc != 0)
		return rc;
	if (!json_object_is_type(arr, json_type_array))
		return dupg__error(DUPG_EFORMAT, "%s: \"files\" must be an array", origin);
	n = json_object_array_length(arr);
	if (n > DUPG_MANIFEST_MAX_FILES)
		return dupg__error(DUPG_EFORMAT, "%s: \"files\" lists %zu files, more than %u", origin,
				   n, DUPG_MANIFEST_MAX_FILES);
	for (i = 0; i < n; i++) {
		rc = parse_file(m, json_object_array_get_idx(arr, i), i, origin);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Copy the string at key into *field; optional keys may be absent. */
static int parse_text(char **field, json_object *root, const char *origin, const char *key,
		      size_t max, int required)
{
	json_object *v;
	const char *s;
	int rc = 0;

	if (!json_object_object_get_ex(root, key, &v)) {
		if (required)
			return dupg__error(DUPG_EFORMAT, "%s: missing required key \"%s\"", origin, key);
		return 0;
	}
	s = get_string(v, origin, key, max, &rc);
	if (s == NULL)
		return rc;
	*field = strdup(s);
	return *field == NULL ? dupg__error_nomem() : 0;
}

int dupg_manifest_parse(dupg_manifest **out, const char *json, size_t len, const char *origin)
{
	json_object *root = NULL;
	dupg_manifest *m;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_parse: out is NULL");
	*out = NULL;
	if (origin == NULL)
		origin = "manifest";
	if (json == NULL)
		return dupg__error(DUPG_EINVAL, "%s: no manifest text", origin);
	if (len == 0)
		return dupg__error(DUPG_EFORMAT, "%s: manifest is empty", origin);
	if (len > DUPG_MANIFEST_MAX_BYTES)
		return dupg__error(DUPG_EFORMAT, "%s: manifest is %zu bytes, above the %u-byte limit",
				   origin, len, DUPG_MANIFEST_MAX_BYTES);
	rc = dupg__json_parse(&root, json, len, origin);
	if (rc != 0)
		return rc;
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return dupg__error(DUPG_EFORMAT, "%s: manifest must be a JSON object", origin);
	}
	m = manifest_alloc();
	if (m == NULL) {
		json_object_put(root);
		return dupg__error_nomem();
	}
	/* format first: a future format may change everything else */
	rc = parse_format(root, origin);
	if (rc == 0)
		rc = parse_text(&m->name, root, origin, "name", DUPG_MANIFEST_MAX_BYTES, 1);
	if (rc == 0)
		rc = parse_text(&m->version, root, origin, "version", DUPG_VERSION_MAX_BYTES, 1);
	if (rc == 0)
		rc = parse_hw(m, root, origin);
	if (rc == 0)
		rc = parse_text(&m->build_time, root, origin, "build_time", DUPG_MANIFEST_MAX_BYTES, 0);
	if (rc == 0)
		rc = parse_text(&m->vendor, root, origin, "vendor", DUPG_MANIFEST_MAX_BYTES, 0);
	if (rc == 0)
		rc = parse_files(m, root, origin);
	json_object_put(root);
	if (rc != 0) {
		dupg_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* ---- writing -------------------------------------------------------------- */

/* Add key: value to obj, taking value; on failure obj and value are released. */
static json_object *files_to_jobj(const dupg_manifest *m)
{
	size_t i, n = dupg_manifest_file_count(m);
	json_object *arr = dupg__jarray(n);

	for (i = 0; arr != NULL && i < n; i++) {
		json_object *f = json_object_new_object();

		f = dupg__jadd(f, "path", json_object_new_string(dupg_manifest_file_path(m, i)));
		f = dupg__jadd(f, "size", json_object_new_int64((int64_t)m->files[i].size));
		f = dupg__jadd(f, "xxh128", json_object_new_string(m->files[i].hex));
		if (f == NULL || json_object_array_add(arr, f) != 0) {
			json_object_put(f);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

int dupg_manifest_to_json(char **out, const dupg_manifest *m)
{
	json_object *obj, *hw;
	size_t i, n;

	if (out == NULL || m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_to_json: NULL argument");
	*out = NULL;
	n = dupg_manifest_hw_count(m);
	hw = dupg__jarray(n);
	for (i = 0; hw != NULL && i < n; i++) {
		json_object *s = json_object_new_string(dupg_manifest_hw(m, i));
		if (s == NULL || json_object_array_add(hw, s) != 0) {
			json_object_put(s);
			json_object_put(hw);
			hw = NULL;
		}
	}
	/* json-c keeps insertion order: format, name, version, hw, build_time?, vendor?, files */
	obj = dupg__jadd(json_object_new_object(), "format", json_object_new_int(DUPG_MANIFEST_FORMAT));
	obj = dupg__jadd(obj, "name", json_object_new_string(m->name));
	obj = dupg__jadd(obj, "version", json_object_new_string(m->version));
	obj = dupg__jadd(obj, "hw", hw);
	if (m->build_time != NULL)
		obj = dupg__jadd(obj, "build_time", json_object_new_string(m->build_time));
	if (m->vendor != NULL)
		obj = dupg__jadd(obj, "vendor", json_object_new_string(m->vendor));
	obj = dupg__jadd(obj, "files", files_to_jobj(m));
	return dupg__jobj_finish(out, obj);
}
