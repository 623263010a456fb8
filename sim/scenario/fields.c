/* SPDX-License-Identifier: BSD-2-Clause */
/* Typed getters over a scenario file's JSON: every error names the file, the place and the key. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenario/fields.h"
#include "util.h"

int sim_bad(const struct sim_pctx *p, const char *key, const char *what)
{
	if (p->where[0] != '\0')
		return sim_error(DUPG_EFORMAT, "%s: %s: %s %s", p->file, p->where, key, what);
	return sim_error(DUPG_EFORMAT, "%s: %s %s", p->file, key, what);
}

int sim_keys_check(const struct sim_pctx *p, json_object *o, const char *const *allowed)
{
	char list[512], what[700];
	size_t i, len;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return 0;
	json_object_object_foreach(o, key, val) {
		(void)val;
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] != NULL)
			continue;
		len = 0;
		list[0] = '\0';
		for (i = 0; allowed[i] != NULL && len + 1 < sizeof(list); i++)
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
						allowed[i]);
		snprintf(what, sizeof(what), "\"%.120s\" (allowed: %s)", key, list);
		return sim_bad(p, "unknown key", what);
	}
	return 0;
}

int sim_get(json_object **out, const struct sim_pctx *p, json_object *o, const char *key,
	    json_type type, int required)
{
	json_object *v = NULL;
	static const char *const tnames[] = { "null", "a boolean", "a number", "a number",
					      "an object", "an array", "a string" };

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		if (required)
			return sim_bad(p, key, "is missing");
		return 0;
	}
	if (type == json_type_double) {
		if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
			return sim_bad(p, key, "must be a number");
	} else if (!json_object_is_type(v, type)) {
		char msg[64];
		snprintf(msg, sizeof(msg), "must be %s", tnames[type]);
		return sim_bad(p, key, msg);
	}
	*out = v;
	return 0;
}

int sim_get_str(const char **out, const struct sim_pctx *p, json_object *o, const char *key,
		int required)
{
	json_object *v;
	int rc = sim_get(&v, p, o, key, json_type_string, required);

	*out = NULL;
	if (rc != 0 || v == NULL)
		return rc;
	if (json_object_get_string_len(v) == 0)
		return sim_bad(p, key, "is empty");
	*out = json_object_get_string(v);
	return 0;
}

int sim_get_num(double *out, const struct sim_pctx *p, json_object *o, const char *key, double lo,
		double hi)
{
	json_object *v;
	double d;
	int rc = sim_get(&v, p, o, key, json_type_double, 0);

	if (rc != 0 || v == NULL)
		return rc;
	d = json_object_get_double(v);
	if (!(d >= lo && d <= hi) || !isfinite(d)) {
		char msg[96];
		snprintf(msg, sizeof(msg), "must be between %g and %g", lo, hi);
		return sim_bad(p, key, msg);
	}
	*out = d;
	return 0;
}

int sim_get_per_role(double out[SIM_ROLES], const struct sim_pctx *p, json_object *o,
		     const char *key, double lo, double hi)
{
	json_object *v;
	double d = -1;
	int rc, r;

	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object)) {
		static const char *const roles[] = { "bbu", "hub", "rru", NULL };
		struct sim_pctx q = *p;
		snprintf(q.where, sizeof(q.where), "%.200s%s%.40s", p->where, p->where[0] ? ": " : "", key);
		if ((rc = sim_keys_check(&q, v, roles)) != 0)
			return rc;
		for (r = 0; r < SIM_ROLES; r++)
			if ((rc = sim_get_num(&out[r], &q, v, sim_role_name((enum sim_role)r), lo, hi)) != 0)
				return rc;
		return 0;
	}
	rc = sim_get_num(&d, p, o, key, lo, hi);
	if (rc == 0 && d >= 0)
		for (r = 0; r < SIM_ROLES; r++)
			out[r] = d;
	return rc;
}

int sim_name_ok(const char *s)
{
	if (*s == '.' || *s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}
