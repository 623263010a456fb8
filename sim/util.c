/* SPDX-License-Identifier: BSD-2-Clause */
/* Small helpers of the simulator: its error buffer, files, a seeded PRNG, a string map. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "util.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/rng.h"
#include "util/strmap.h"

/*
 * Everything here but the JSON loader is the shared utility layer's
 * (libdupg/util/): the simulator's own copy, so its error buffer is its own.
 */

int sim_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dupg__error_v(code, fmt, ap);
	va_end(ap);
	return code;
}

int sim_error_lib(int code, const char *fmt, ...)
{
	char context[1024];
	const char *lib = dupg_error_last();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(context, sizeof(context), fmt, ap);
	va_end(ap);
	return dupg__error(code, "%s: %s", context, lib[0] != '\0' ? lib : dupg_strerror(code));
}

const char *sim_errmsg(void)
{
	const char *m = dupg__error_msg();

	return m[0] != '\0' ? m : "unknown error";
}

char *sim_strdup(const char *s)
{
	return dupg__strdup(s);
}

char *sim_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dupg__vprintf(fmt, ap);
	va_end(ap);
	return s;
}

int sim_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
	return dupg__grow_p(arr, cap, need, elem);
}

int sim_mkdirs(const char *path)
{
	return dupg__fs_mkdirs(path);
}

int sim_rmtree(const char *path)
{
	return dupg__fs_rmtree(path);
}

int64_t sim_file_size(const char *path)
{
	return dupg__fs_size(path);
}

int sim_copy_file(const char *src, const char *dst, uint64_t limit, int no_fsync,
		  uint64_t *copied)
{
	return dupg__fs_copy(src, dst, limit, no_fsync, copied);
}

int sim_link_file(const char *src, const char *dst, int no_fsync)
{
	return dupg__fs_link_or_copy(src, dst, no_fsync);
}

int sim_write_file(const char *path, const void *data, size_t len)
{
	return dupg__fs_write(path, data, len);
}

uint64_t sim_rng_next(uint64_t *state)
{
	return dupg__rng_next(state);
}

double sim_rng_unit(uint64_t *state)
{
	return dupg__rng_unit(state);
}

uint64_t sim_rng_below(uint64_t *state, uint64_t n)
{
	return dupg__rng_below(state, n);
}

uint64_t sim_rng_derive(uint64_t seed, uint64_t stream)
{
	return dupg__rng_derive(seed, stream);
}

uint64_t sim_hash_str(const char *s)
{
	return dupg__strmap_hash(s);
}

/* A string map with a value per key: the utility layer's map gives the ids. */
struct sim_map {
	dupg_strmap *ids;
	size_t *values;
	size_t cap;
};

int sim_map_new(sim_map **out)
{
	sim_map *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL || dupg__strmap_new(&m->ids) != 0) {
		free(m);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

void sim_map_free(sim_map *m)
{
	if (m == NULL)
		return;
	dupg__strmap_free(m->ids);
	free(m->values);
	free(m);
}

long sim_map_get(const sim_map *m, const char *key)
{
	size_t id = dupg__strmap_find(m->ids, key);

	return id == DUPG_NONE ? -1 : (long)m->values[id];
}

int sim_map_put(sim_map *m, const char *key, size_t value)
{
	size_t id;

	if (dupg__strmap_intern(m->ids, key, &id, NULL) != 0 ||
	    DUPG__GROW(&m->values, &m->cap, id + 1) != 0)
		return sim_error(DUPG_ENOMEM, "out of memory");
	m->values[id] = value;
	return 0;
}

size_t sim_map_count(const sim_map *m)
{
	return dupg__strmap_count(m->ids);
}

int sim_json_load(struct json_object **out, const char *file, size_t max)
{
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	struct stat sb;
	char *text;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	*out = NULL;
	f = fopen(file, "r");
	if (f == NULL)
		return sim_error(errno == ENOENT ? DUPG_ENOTFOUND : DUPG_EIO, "%s: cannot open: %s",
				 file, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return sim_error(DUPG_EIO, "%s: not a regular file", file);
	}
	if ((uint64_t)sb.st_size > max || (uint64_t)sb.st_size > INT32_MAX) {
		fclose(f);
		return sim_error(DUPG_EFORMAT, "%s: too large (%lld bytes)", file,
				 (long long)sb.st_size);
	}
	text = malloc((size_t)sb.st_size + 1);
	if (text == NULL) {
		fclose(f);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	len = fread(text, 1, (size_t)sb.st_size, f);
	if (ferror(f))
		rc = sim_error(DUPG_EIO, "%s: read failed", file);
	fclose(f);
	if (rc != 0) {
		free(text);
		return rc;
	}
	tok = json_tokener_new();
	if (tok == NULL) {
		free(text);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue)
		rc = sim_error(DUPG_EFORMAT, "%s: invalid JSON: unexpected end of input", file);
	else if (jerr != json_tokener_success)
		rc = sim_error(DUPG_EFORMAT, "%s: invalid JSON: %s", file,
			       json_tokener_error_desc(jerr));
	else if (json_tokener_get_parse_end(tok) < len &&
		 strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") !=
			 len - json_tokener_get_parse_end(tok))
		rc = sim_error(DUPG_EFORMAT, "%s: invalid JSON: text after the value", file);
	json_tokener_free(tok);
	free(text);
	if (rc != 0) {
		json_object_put(obj);
		return rc;
	}
	*out = obj;
	return 0;
}
