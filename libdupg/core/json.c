/* JSON helpers over json-c. */
#include "json_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

int dupg__json_parse(json_object **out, const char *text, size_t len, const char *origin)
{
	json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;

	*out = NULL;
	if (origin == NULL)
		origin = "<json>";
	if (len > (size_t)INT32_MAX)
		return dupg__error(DUPG_EFORMAT, "%s: JSON text too large", origin);
	tok = json_tokener_new();
	if (tok == NULL)
		return dupg__error_nomem();
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		json_tokener_free(tok);
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: unexpected end of input", origin);
	}
	if (jerr != json_tokener_success) {
		json_tokener_free(tok);
		json_object_put(obj);
		return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: %s", origin,
				   json_tokener_error_desc(jerr));
	}
	/* trailing garbage after the value ("{} x") is malformed too */
	{
		size_t used = json_tokener_get_parse_end(tok);
		while (used < len && (text[used] == ' ' || text[used] == '\n' ||
				      text[used] == '\r' || text[used] == '\t'))
			used++;
		json_tokener_free(tok);
		if (used < len) {
			json_object_put(obj);
			return dupg__error(DUPG_EFORMAT, "%s: invalid JSON: trailing data", origin);
		}
	}
	*out = obj;
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
