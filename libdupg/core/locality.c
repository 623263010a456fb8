/* SPDX-License-Identifier: BSD-2-Clause */
/* Locations as labels, and the ranking of deployment servers by nearness (pure). */
#include "internal.h"

#include <string.h>

#include "util/utf8.h"

static const char *const nearness_names[] = { "slot", "chassis", "cluster", "other" };

const char *dupg_nearness_name(dupg_nearness n)
{
	return dupg__name_of(nearness_names, DUPG__COUNT(nearness_names), (int)n);
}

int dupg_nearness_parse(dupg_nearness *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, nearness_names, DUPG__COUNT(nearness_names), name,
					 "nearness");
	if (rc == 0 && out != NULL)
		*out = (dupg_nearness)v;
	return rc;
}

/* One label: key [k, k+klen), value [v, v+vlen). */
struct label {
	const char *k, *v;
	size_t klen, vlen;
};

/*
 * Walk the labels of s; each is handed to fn (when not NULL). 0, or
 * DUPG_EINVAL naming the location and the problem.
 */
static int walk(const char *s, int (*fn)(const struct label *, void *), void *payload)
{
	char why[128];
	const char *p;
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	if (dupg__text_check(s, SIZE_MAX, DUPG_LOCATION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "location \"%.64s\" %s", s, why);
	for (p = s;;) {
		struct label l;
		const char *comma = strchr(p, ','), *eq;

		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		eq = memchr(p, '=', n);
		if (eq == NULL)
			return dupg__error(DUPG_EINVAL, "location \"%s\": label \"%.*s\" is not KEY=VALUE",
					   s, (int)n, p);
		l.k = p;
		l.klen = (size_t)(eq - p);
		l.v = eq + 1;
		l.vlen = n - l.klen - 1;
		if (l.klen == 0 || l.vlen == 0)
			return dupg__error(DUPG_EINVAL, "location \"%s\": label \"%.*s\" has an empty %s",
					   s, (int)n, p, l.klen == 0 ? "key" : "value");
		if (memchr(l.v, '=', l.vlen) != NULL)
			return dupg__error(DUPG_EINVAL, "location \"%s\": label \"%.*s\" holds two '='",
					   s, (int)n, p);
		/* a key once: look for it among the labels before this one */
		{
			const char *q = s;
			while (q < p) {
				const char *c2 = strchr(q, ','), *e2 = strchr(q, '=');
				if ((size_t)(e2 - q) == l.klen && memcmp(q, l.k, l.klen) == 0)
					return dupg__error(DUPG_EINVAL,
							   "location \"%s\": key \"%.*s\" appears twice",
							   s, (int)l.klen, l.k);
				q = c2 + 1;
			}
		}
		if (fn != NULL) {
			int rc = fn(&l, payload);
			if (rc != 0)
				return rc;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
}

int dupg_location_check(const char *location)
{
	return walk(location, NULL, NULL);
}

struct lookup {
	const char *key;
	size_t klen;
	const char *v;
	size_t vlen;
};

static int find(const struct label *l, void *payload)
{
	struct lookup *lk = payload;

	if (l->klen == lk->klen && memcmp(l->k, lk->key, l->klen) == 0) {
		lk->v = l->v;
		lk->vlen = l->vlen;
	}
	return 0;
}

int dupg_location_get(const char **out, size_t *len, const char *location, const char *key)
{
	struct lookup lk = { key, 0, NULL, 0 };
	int rc;

	if (out != NULL)
		*out = NULL;
	if (len != NULL)
		*len = 0;
	if (key == NULL || *key == '\0' || strpbrk(key, ",=") != NULL)
		return dupg__error(DUPG_EINVAL, "location key \"%s\" is empty or holds ',' or '='",
				   key == NULL ? "(null)" : key);
	lk.klen = strlen(key);
	rc = walk(location, find, &lk);
	if (rc != 0)
		return rc;
	if (out != NULL)
		*out = lk.v;
	if (len != NULL)
		*len = lk.vlen;
	return 0;
}

/* The three labels the ranking reads. */
struct where {
	struct lookup cluster, chassis, slot;
};

static int take(const struct label *l, void *payload)
{
	struct where *w = payload;

	find(l, &w->cluster);
	find(l, &w->chassis);
	find(l, &w->slot);
	return 0;
}

static int where_of(struct where *w, const char *location)
{
	memset(w, 0, sizeof(*w));
	w->cluster.key = "cluster";
	w->cluster.klen = 7;
	w->chassis.key = "chassis";
	w->chassis.klen = 7;
	w->slot.key = "slot";
	w->slot.klen = 4;
	return walk(location, take, w);
}

/* 1 when both sides name the label and name the same value. */
static int same(const struct lookup *a, const struct lookup *b)
{
	return a->v != NULL && b->v != NULL && a->vlen == b->vlen && memcmp(a->v, b->v, a->vlen) == 0;
}

/* 1 when both sides name the label with different values. */
static int differ(const struct lookup *a, const struct lookup *b)
{
	return a->v != NULL && b->v != NULL && !same(a, b);
}

static dupg_nearness tier_of(const struct where *own, const struct where *srv)
{
	if (same(&own->chassis, &srv->chassis) && !differ(&own->cluster, &srv->cluster))
		return same(&own->slot, &srv->slot) ? DUPG_NEAR_SLOT : DUPG_NEAR_CHASSIS;
	if (same(&own->cluster, &srv->cluster))
		return DUPG_NEAR_CLUSTER;
	return DUPG_NEAR_OTHER;
}

int dupg_location_nearness(dupg_nearness *out, const char *own, const char *server)
{
	struct where o, s;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_location_nearness: out is NULL");
	rc = where_of(&o, own);
	if (rc == 0)
		rc = where_of(&s, server);
	if (rc != 0)
		return rc;
	*out = tier_of(&o, &s);
	return 0;
}

int dupg_locality_rank(size_t *order, dupg_nearness *tiers, const char *own,
		       const char *const *servers, size_t count)
{
	struct where o, s;
	size_t i, k = 0;
	int rc, t;

	if (count > 0 && (order == NULL || servers == NULL))
		return dupg__error(DUPG_EINVAL, "dupg_locality_rank: order or servers is NULL");
	rc = where_of(&o, own);
	if (rc != 0)
		return dupg__error_prefix(rc, "own location");
	/* first pass: check every location before order[] is written */
	for (i = 0; i < count; i++) {
		rc = where_of(&s, servers[i]);
		if (rc != 0)
			return dupg__error_prefix(rc, "server %zu", i);
		if (tiers != NULL)
			tiers[i] = tier_of(&o, &s);
	}
	/* a stable counting sort over the four tiers: no allocation */
	for (t = DUPG_NEAR_SLOT; t <= DUPG_NEAR_OTHER; t++) {
		for (i = 0; i < count; i++) {
			where_of(&s, servers[i]);
			if ((int)tier_of(&o, &s) == t)
				order[k++] = i;
		}
	}
	return 0;
}
