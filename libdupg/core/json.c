/* SPDX-License-Identifier: BSD-2-Clause */
/* JSON helpers over json-c. */
#include "json_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

int dupg__jobj_finish(char **out, json_object *obj)
{
	const char *s;

	*out = NULL;
	if (obj == NULL)
		return dupg__error_nomem();
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL)
		*out = strdup(s);
	json_object_put(obj);
	return *out == NULL ? dupg__error_nomem() : 0;
}

/*
 * json-c ends an object key at its first NUL byte: {"a\u0000b": 1} becomes
 * {"a": 1}, and a later "a" silently replaces it. Such a key can only be
 * spelled with the \u0000 escape; find one in text that json-c accepted
 * (so the tokens are well formed). Returns its offset, or len when none.
 */
static size_t nul_key_offset(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t start, nul = len;

		if (text[i] != '"') {
			i++;
			continue;
		}
		start = i++;
		while (i < len && text[i] != '"') {
			if (text[i] == '\\' && i + 1 < len) {
				if (text[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0 &&
				    nul == len)
					nul = start;
				i++;
			}
			i++;
		}
		i++;
		if (nul == len)
			continue;
		while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t'))
			i++;
		if (i < len && text[i] == ':')
			return nul;
	}
	return len;
}

int dupg__json_parse(json_object **out, const char *text, size_t len, const char *origin)
{
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	size_t used;

	*out = NULL;
	if (origin == NULL)
		origin = "<json>";
	if (len > (size_t)INT32_MAX)
		return dupg__error(DUPG_EFORMAT, "%s: JSON text too large", origin);
	tok = json_tokener_new_ex(DUPG_JSON_MAX_DEPTH);
	if (tok == NULL)
		return dupg__error_nomem();
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue) {
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: unexpected end of input", origin);
	}
	if (jerr == json_tokener_error_depth) {
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: nested deeper than %d levels",
				   origin, DUPG_JSON_MAX_DEPTH);
	}
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: %s", origin,
				   json_tokener_error_desc(jerr));
	}
	/* trailing garbage after the value ("{} x") is malformed too */
	while (used < len && (text[used] == ' ' || text[used] == '\n' || text[used] == '\r' ||
			      text[used] == '\t'))
		used++;
	if (used < len) {
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: trailing data", origin);
	}
	used = nul_key_offset(text, len);
	if (used < len) {
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: object key at byte %zu contains a NUL "
				   "byte (\\u0000)", origin, used);
	}
	*out = obj;
	return 0;
}

int dupg__json_text(const char **out, size_t *len_out, json_object *v, size_t max,
		    const char *origin, const char *what)
{
	char why[64];
	const char *s;
	size_t len;

	*out = NULL;
	if (!json_object_is_type(v, json_type_string))
		return dupg__error(DUPG_EFORMAT, "%s: %s is not a string", origin, what);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (dupg__text_check(s, len, max, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EFORMAT, "%s: %s %s", origin, what, why);
	*out = s;
	if (len_out != NULL)
		*len_out = len;
	return 0;
}

json_object *dupg__jadd(json_object *obj, const char *key, json_object *v)
{
	if (obj == NULL || v == NULL || json_object_object_add(obj, key, v) != 0) {
		json_object_put(v);
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

json_object *dupg__jadd_str(json_object *obj, const char *key, const char *s, size_t len)
{
	json_object *v;

	if (obj == NULL)
		return NULL;
	if (s == NULL) {
		/* json-c's null is no object: add it directly */
		if (json_object_object_add(obj, key, NULL) != 0) {
			json_object_put(obj);
			return NULL;
		}
		return obj;
	}
	if (len == SIZE_MAX)
		len = strlen(s);
	v = len <= INT_MAX ? json_object_new_string_len(s, (int)len) : NULL;
	return dupg__jadd(obj, key, v);
}

json_object *dupg__jarray(size_t n)
{
	return json_object_new_array_ext(n > INT_MAX ? INT_MAX : (int)n);
}

json_object *dupg__jstr_array(const char *const *items, size_t n)
{
	json_object *arr = dupg__jarray(n);
	size_t i;

	if (arr == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		json_object *s = json_object_new_string(items[i]);
		if (s == NULL || json_object_array_add(arr, s) != 0) {
			json_object_put(s);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}
