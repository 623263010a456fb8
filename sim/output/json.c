/* SPDX-License-Identifier: BSD-2-Clause */
/* Small JSON helpers of the report's writers. */
#include "config.h"

#include <stdio.h>

#include "output/json.h"

json_object *sim_json_num(double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

json_object *sim_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *sim_json_strv(const struct sim_strv *l)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < l->n; i++)
		json_object_array_add(a, json_object_new_string(l->v[i]));
	return a;
}

const char *sim_json_text(json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}

const char *sim_json_get_str(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
