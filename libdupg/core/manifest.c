/* SPDX-License-Identifier: BSD-2-Clause */
/* Package manifests, formats 1 to 3: the in-memory form, validation, JSON in and out (pure). */
#include "internal.h"
#include "json_internal.h"
#include "util/utf8.h"
#include "manifest_internal.h"

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
	int has_sha256;
	unsigned char sha256[32];
	char sha256_hex[65];
	int has_mode;         /* format 3: the manifest lists mode */
	unsigned int mode;
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
	/* format 2 */
	int format;           /* as parsed; raised to 2 (3) by any format-2 (3) setter */
	uint64_t security_version;
	char *applies_min;    /* NULL: no lower end */
	char *applies_max;    /* NULL: no upper end */
	char *summary;
	char *expires;        /* RFC 3339 text as given */
	int64_t expires_unix; /* the same, in seconds since the epoch */
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
	if (strcmp(path, "manifest.sig") == 0)
		return "path is reserved for the manifest's signatures";
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

static int parse_hexn(unsigned char *out, size_t nbytes, const char *s, size_t len)
{
	size_t i;

	if (len != 2 * nbytes)
		return -1;
	for (i = 0; i < nbytes; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int parse_hex(unsigned char out[16], const char *s, size_t len)
{
	return parse_hexn(out, 16, s, len);
}

static void to_hexn(char *out, const unsigned char *digest, size_t nbytes)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < nbytes; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 15];
	}
	out[2 * nbytes] = '\0';
}

static void to_hex(char out[33], const unsigned char digest[16])
{
	to_hexn(out, digest, 16);
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
	m->format = DUPG_MANIFEST_FORMAT_MIN;
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
	free(m->applies_min);
	free(m->applies_max);
	free(m->summary);
	free(m->expires);
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
	f->has_sha256 = 0;
	f->sha256_hex[0] = '\0';
	f->has_mode = 0;
	f->mode = DUPG_MANIFEST_MODE_DEFAULT;
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

/* ---- format 2 ------------------------------------------------------------- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int mo, int d)
{
	int64_t era, yoe, doy, doe;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int dupg__rfc3339_parse(int64_t *out, const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, off = 0;
	size_t n = strlen(s), i = 19;

	/* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return -1;
	if (s[i] == '.') {
		i++;
		if (!is_digit(s[i]))
			return -1;
		while (is_digit(s[i]))
			i++;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0') {
		off = 0;
	} else if ((s[i] == '+' || s[i] == '-') && n - i == 6 && s[i + 3] == ':') {
		int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);

		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		off = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	/* a leap second counts as the second after it */
	*out = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec - off;
	return 0;
}

int dupg_manifest_format(const dupg_manifest *m)
{
	return m == NULL ? 0 : m->format;
}

static void need_v2(dupg_manifest *m)
{
	if (m->format < 2)
		m->format = 2;
}

int dupg_manifest_set_file_sha256(dupg_manifest *m, size_t i, const unsigned char sha256[32])
{
	if (m == NULL || sha256 == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_file_sha256: NULL argument");
	if (i >= dupg_manifest_file_count(m))
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_file_sha256: no file %zu", i);
	memcpy(m->files[i].sha256, sha256, 32);
	to_hexn(m->files[i].sha256_hex, sha256, 32);
	m->files[i].has_sha256 = 1;
	need_v2(m);
	return 0;
}

const unsigned char *dupg_manifest_file_sha256(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) || !m->files[i].has_sha256 ? NULL : m->files[i].sha256;
}

const char *dupg_manifest_file_sha256_hex(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) || !m->files[i].has_sha256 ? NULL
									 : m->files[i].sha256_hex;
}

int dupg_manifest_has_sha256(const dupg_manifest *m)
{
	size_t i, n = dupg_manifest_file_count(m);

	for (i = 0; i < n; i++)
		if (!m->files[i].has_sha256)
			return 0;
	return m != NULL;
}

int dupg_manifest_set_security_version(dupg_manifest *m, uint64_t security_version)
{
	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_security_version: manifest is NULL");
	if (security_version > (uint64_t)INT64_MAX)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_security_version: %llu is above %lld",
				   (unsigned long long)security_version, (long long)INT64_MAX);
	m->security_version = security_version;
	need_v2(m);
	return 0;
}

uint64_t dupg_manifest_security_version(const dupg_manifest *m)
{
	return m == NULL ? 0 : m->security_version;
}

static int version_check(const char *v, const char *fn, const char *what)
{
	char why[64];

	if (v != NULL && *v == '\0')
		return dupg__error(DUPG_EINVAL, "%s: %s version is empty (use NULL for no bound)", fn, what);
	if (v != NULL && dupg__text_check(v, SIZE_MAX, DUPG_VERSION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "%s: %s version %s", fn, what, why);
	return 0;
}

int dupg_manifest_set_applies_to(dupg_manifest *m, const char *min, const char *max)
{
	static const char fn[] = "dupg_manifest_set_applies_to";
	char *cmin = NULL, *cmax = NULL;
	int rc;

	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "%s: manifest is NULL", fn);
	if ((rc = version_check(min, fn, "lowest")) != 0 || (rc = version_check(max, fn, "highest")) != 0)
		return rc;
	if (min != NULL && max != NULL && dupg_vercmp(min, max) > 0)
		return dupg__error(DUPG_EINVAL, "%s: lowest version %s is above the highest %s", fn, min, max);
	if ((min != NULL && (cmin = strdup(min)) == NULL) || (max != NULL && (cmax = strdup(max)) == NULL)) {
		free(cmin);
		return dupg__error_nomem();
	}
	free(m->applies_min);
	free(m->applies_max);
	m->applies_min = cmin;
	m->applies_max = cmax;
	if (min != NULL || max != NULL)
		need_v2(m);
	return 0;
}

const char *dupg_manifest_applies_min(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->applies_min;
}

const char *dupg_manifest_applies_max(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->applies_max;
}

int dupg_manifest_applies(const dupg_manifest *m, const char *running)
{
	if (m == NULL || running == NULL)
		return 0;
	if (m->applies_min != NULL && dupg_vercmp(running, m->applies_min) < 0)
		return 0;
	if (m->applies_max != NULL && dupg_vercmp(running, m->applies_max) > 0)
		return 0;
	return 1;
}

int dupg_manifest_set_summary(dupg_manifest *m, const char *summary)
{
	int rc;

	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_summary: manifest is NULL");
	rc = set_optional(&m->summary, summary, "summary");
	if (rc == 0 && summary != NULL)
		need_v2(m);
	return rc;
}

const char *dupg_manifest_summary(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->summary;
}

int dupg_manifest_set_expires(dupg_manifest *m, const char *expires)
{
	int64_t t = 0;
	int rc;

	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_expires: manifest is NULL");
	if (expires != NULL && dupg__rfc3339_parse(&t, expires) != 0)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_expires: \"%.64s\" is not an RFC 3339 "
				   "time (e.g. 2027-01-31T12:00:00Z)", expires);
	rc = set_optional(&m->expires, expires, "expires");
	if (rc == 0) {
		m->expires_unix = t;
		if (expires != NULL)
			need_v2(m);
	}
	return rc;
}

const char *dupg_manifest_expires(const dupg_manifest *m)
{
	return m == NULL ? NULL : m->expires;
}

int dupg_manifest_expired(const dupg_manifest *m, int64_t now)
{
	return m != NULL && m->expires != NULL && now >= m->expires_unix;
}

/* ---- format 3 ------------------------------------------------------------- */

int dupg_manifest_set_file_mode(dupg_manifest *m, size_t i, unsigned int mode)
{
	if (m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_file_mode: manifest is NULL");
	if (i >= dupg_manifest_file_count(m))
		return dupg__error(DUPG_EINVAL, "dupg_manifest_set_file_mode: no file %zu", i);
	if (mode > DUPG_MODE_MAX)
		return dupg__error(DUPG_EINVAL, "%s: mode %o is above %04o", dupg_manifest_file_path(m, i),
				   mode, DUPG_MODE_MAX);
	m->files[i].mode = mode;
	m->files[i].has_mode = 1;
	m->format = 3;
	return 0;
}

unsigned int dupg_manifest_file_mode(const dupg_manifest *m, size_t i)
{
	return i >= dupg_manifest_file_count(m) ? DUPG_MANIFEST_MODE_DEFAULT : m->files[i].mode;
}

int dupg_manifest_file_mode_listed(const dupg_manifest *m, size_t i)
{
	return i < dupg_manifest_file_count(m) && m->files[i].has_mode;
}

/* "0755", "644": 3 or 4 octal digits, at most DUPG_MODE_MAX. @return 0, or -1 when s is not one */
static int parse_mode(unsigned int *out, const char *s, size_t len)
{
	unsigned int v = 0;
	size_t i;

	if (len < 3 || len > 4)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		v = v * 8 + (unsigned int)(s[i] - '0');
	}
	*out = v;
	return 0;
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

static int parse_format(int *out, json_object *root, const char *origin)
{
	json_object *v;
	int64_t f;
	int rc = require(&v, root, origin, "format");

	if (rc != 0)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		return dupg__error(DUPG_EFORMAT, "%s: \"format\" must be an integer", origin);
	f = json_object_get_int64(v);
	if (f < DUPG_MANIFEST_FORMAT_MIN || f > DUPG_MANIFEST_FORMAT)
		return dupg__error(DUPG_EUNSUPPORTED, "%s: unsupported manifest format %s (this library "
				   "reads %d to %d)", origin, json_object_to_json_string(v),
				   DUPG_MANIFEST_FORMAT_MIN, DUPG_MANIFEST_FORMAT);
	*out = (int)f;
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
	rc = append_file(m, path, size, digest);
	if (rc != 0 || m->format < 3 || !json_object_object_get_ex(f, "mode", &vdigest))
		goto sha;
	snprintf(key, sizeof(key), "files[%zu].mode", i);
	{
		struct file *fl = &m->files[dupg__strmap_count(m->paths) - 1];

		if (!json_object_is_type(vdigest, json_type_string) ||
		    parse_mode(&fl->mode, json_object_get_string(vdigest),
			       (size_t)json_object_get_string_len(vdigest)) != 0)
			return dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be a string of 3 or 4 octal "
					   "digits such as \"0755\"", origin, key);
		fl->has_mode = 1;
	}
sha:
	if (rc != 0 || m->format < 2 || !json_object_object_get_ex(f, "sha256", &vdigest))
		return rc;
	snprintf(key, sizeof(key), "files[%zu].sha256", i);
	if (!json_object_is_type(vdigest, json_type_string))
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" must be a string", origin, key);
	hex = json_object_get_string(vdigest);
	{
		struct file *fl = &m->files[dupg__strmap_count(m->paths) - 1];

		if (parse_hexn(fl->sha256, 32, hex, (size_t)json_object_get_string_len(vdigest)) != 0)
			return dupg__error(DUPG_EFORMAT, "%s: \"%s\" is not 64 hex digits", origin, key);
		to_hexn(fl->sha256_hex, fl->sha256, 32);
		fl->has_sha256 = 1;
	}
	return 0;
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

/* The keys format 2 adds (the per-file sha256 is read with its file). */
static int parse_v2(dupg_manifest *m, json_object *root, const char *origin)
{
	json_object *v, *b;
	int rc;

	if (json_object_object_get_ex(root, "security_version", &v)) {
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
		    json_object_get_uint64(v) > (uint64_t)INT64_MAX)
			return dupg__error(DUPG_EFORMAT, "%s: \"security_version\" must be a non-negative "
					   "integer of at most %lld", origin, (long long)INT64_MAX);
		m->security_version = (uint64_t)json_object_get_int64(v);
	}
	if (json_object_object_get_ex(root, "applies_to", &v)) {
		if (!json_object_is_type(v, json_type_object))
			return dupg__error(DUPG_EFORMAT, "%s: \"applies_to\" must be an object "
					   "{\"min\": \"V\", \"max\": \"V\"}", origin);
		if (json_object_object_get_ex(v, "min", &b) &&
		    get_string(b, origin, "applies_to.min", DUPG_VERSION_MAX_BYTES, &rc) == NULL)
			return rc;
		if (json_object_object_get_ex(v, "max", &b) &&
		    get_string(b, origin, "applies_to.max", DUPG_VERSION_MAX_BYTES, &rc) == NULL)
			return rc;
		rc = parse_text(&m->applies_min, v, origin, "min", DUPG_VERSION_MAX_BYTES, 0);
		if (rc == 0)
			rc = parse_text(&m->applies_max, v, origin, "max", DUPG_VERSION_MAX_BYTES, 0);
		if (rc != 0)
			return rc;
		if (m->applies_min != NULL && m->applies_max != NULL &&
		    dupg_vercmp(m->applies_min, m->applies_max) > 0)
			return dupg__error(DUPG_EFORMAT, "%s: \"applies_to\": min %s is above max %s", origin,
					   m->applies_min, m->applies_max);
	}
	rc = parse_text(&m->summary, root, origin, "summary", DUPG_MANIFEST_MAX_BYTES, 0);
	if (rc == 0)
		rc = parse_text(&m->expires, root, origin, "expires", DUPG_MANIFEST_MAX_BYTES, 0);
	if (rc == 0 && m->expires != NULL && dupg__rfc3339_parse(&m->expires_unix, m->expires) != 0)
		rc = dupg__error(DUPG_EFORMAT, "%s: \"expires\" is not an RFC 3339 time: \"%.64s\"",
				 origin, m->expires);
	return rc;
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
	rc = parse_format(&m->format, root, origin);
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
	if (rc == 0 && m->format >= 2)
		rc = parse_v2(m, root, origin);
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
		if (m->format >= 2 && m->files[i].has_sha256)
			f = dupg__jadd(f, "sha256", json_object_new_string(m->files[i].sha256_hex));
		if (m->format >= 3 && m->files[i].has_mode) {
			char mode[8];

			snprintf(mode, sizeof(mode), "%04o", m->files[i].mode & DUPG_MODE_MAX);
			f = dupg__jadd(f, "mode", json_object_new_string(mode));
		}
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
	/*
	 * json-c keeps insertion order: format, name, version, hw, build_time?,
	 * vendor?, then format 2's security_version, applies_to?, summary?,
	 * expires?, and files (each path, size, xxh128, sha256?, and mode? in
	 * format 3). A manifest that uses nothing of format 2 is written as
	 * format 1, one that lists no mode as format 2, which older readers take.
	 */
	obj = dupg__jadd(json_object_new_object(), "format", json_object_new_int(m->format));
	obj = dupg__jadd(obj, "name", json_object_new_string(m->name));
	obj = dupg__jadd(obj, "version", json_object_new_string(m->version));
	obj = dupg__jadd(obj, "hw", hw);
	if (m->build_time != NULL)
		obj = dupg__jadd(obj, "build_time", json_object_new_string(m->build_time));
	if (m->vendor != NULL)
		obj = dupg__jadd(obj, "vendor", json_object_new_string(m->vendor));
	if (m->format >= 2) {
		obj = dupg__jadd(obj, "security_version", json_object_new_int64((int64_t)m->security_version));
		if (m->applies_min != NULL || m->applies_max != NULL) {
			json_object *r = json_object_new_object();

			if (m->applies_min != NULL)
				r = dupg__jadd(r, "min", json_object_new_string(m->applies_min));
			if (m->applies_max != NULL)
				r = dupg__jadd(r, "max", json_object_new_string(m->applies_max));
			obj = dupg__jadd(obj, "applies_to", r);
		}
		if (m->summary != NULL)
			obj = dupg__jadd(obj, "summary", json_object_new_string(m->summary));
		if (m->expires != NULL)
			obj = dupg__jadd(obj, "expires", json_object_new_string(m->expires));
	}
	obj = dupg__jadd(obj, "files", files_to_jobj(m));
	return dupg__jobj_finish(out, obj);
}
