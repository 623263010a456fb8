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
 * Parse len bytes of JSON text. On failure records
 * "ORIGIN: invalid JSON: <json-c's reason>" and returns DUPG_EFORMAT.
 */
DUPG_HIDDEN int dupg__json_parse(json_object **out, const char *text, size_t len,
				 const char *origin);

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
