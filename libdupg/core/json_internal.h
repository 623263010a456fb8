/* SPDX-License-Identifier: BSD-2-Clause */
/* Private JSON helpers over json-c, shared by the *_to_json and parsing functions. */
#ifndef DUPG_JSON_INTERNAL_H
#define DUPG_JSON_INTERNAL_H

#include <json-c/json.h>

#include "internal.h"

/*
 * Serialize obj (compact, '/' unescaped) into a malloc'd string in *out and
 * release obj. obj == NULL means an earlier allocation failed: DUPG_ENOMEM.
 */
DUPG_HIDDEN int dupg__jobj_finish(char **out, json_object *obj);

/*
 * Parse len bytes of JSON text, nested at most DUPG_JSON_MAX_DEPTH deep, with
 * no NUL byte in an object key (json-c would cut the key there). On failure
 * records "ORIGIN: invalid JSON: <reason>" and returns DUPG_EFORMAT.
 */
DUPG_HIDDEN int dupg__json_parse(json_object **out, const char *text, size_t len,
				 const char *origin);

/*
 * The string v, checked as every kept string from outside is (util/utf8.h:
 * non-empty, at most max bytes, no NUL, UTF-8); else DUPG_EFORMAT with
 * "ORIGIN: WHAT <problem>". *out is borrowed from v; len_out may be NULL.
 */
DUPG_HIDDEN int dupg__json_text(const char **out, size_t *len_out, json_object *v, size_t max,
				const char *origin, const char *what);

/* A configuration as a {"TYPE": "path"} object; NULL on allocation failure. */
DUPG_HIDDEN json_object *dupg__config_to_jobj(const dupg_config *c);

/*
 * Add v to obj under key. When obj or v is NULL (an earlier allocation
 * failed) or the add fails, both are released and NULL comes back: a chain
 * of adds is checked once, by dupg__jobj_finish().
 */
DUPG_HIDDEN json_object *dupg__jadd(json_object *obj, const char *key, json_object *v);
/* The same for a string of len bytes (strlen when len is SIZE_MAX), or JSON null when s is NULL. */
DUPG_HIDDEN json_object *dupg__jadd_str(json_object *obj, const char *key, const char *s,
					size_t len);
/* An empty array with room for n items (json-c's hint is an int: capped, never wrapped). */
DUPG_HIDDEN json_object *dupg__jarray(size_t n);

/* A JSON array of strings; NULL on allocation failure. */
DUPG_HIDDEN json_object *dupg__jstr_array(const char *const *items, size_t n);

#endif
