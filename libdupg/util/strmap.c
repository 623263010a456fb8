/* SPDX-License-Identifier: BSD-2-Clause */
/* Interning string map: string -> dense id, open addressing over XXH3-64. */
#include "config.h"

#include "util/strmap.h"

#include "util/buf.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/*
 * Arena blocks start small and double up to ARENA_MAX: most maps (a site's
 * hardware types, a manifest's files) hold a few short keys, and thousands
 * of them may be alive at once on a server.
 */
#define ARENA_FIRST 256
#define ARENA_MAX (64 * 1024)
#define SLOTS_FIRST 8

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	char data[];
};

/*
 * A slot holds id + 1 (0 = empty) beside the high half of the key's hash, so
 * that a probe passes over other keys without touching their entries: a
 * lookup of an absent key (every new device id of a merge) reads the slots
 * alone.
 */
struct slot {
	uint32_t id1;
	uint32_t tag;
};

struct entry {
	const char *key;  /* in the arena */
	uint64_t hash;    /* full hash: rehashing never reads the keys */
};

struct dupg_strmap {
	struct slot *slots;
	size_t nslots;  /* power of two */
	struct entry *entries;  /* by id */
	size_t count;
	size_t cap;
	struct arena_block *arena;
};

static uint32_t tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

static char *arena_copy(dupg_strmap *m, const char *s, size_t len)
{
	struct arena_block *b = m->arena;
	char *p;

	if (b == NULL || b->size - b->used < len + 1) {
		size_t size = b == NULL ? ARENA_FIRST : b->size < ARENA_MAX ? 2 * b->size : ARENA_MAX;

		if (size < len + 1)
			size = len + 1;
		b = malloc(sizeof(*b) + size);
		if (b == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = m->arena;
		m->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len + 1);
	b->used += len + 1;
	return p;
}

int dupg__strmap_new(dupg_strmap **out)
{
	dupg_strmap *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL)
		return dupg__error_nomem();
	m->nslots = SLOTS_FIRST;
	m->slots = calloc(m->nslots, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return dupg__error_nomem();
	}
	*out = m;
	return 0;
}

void dupg__strmap_free(dupg_strmap *m)
{
	struct arena_block *b, *next;

	if (m == NULL)
		return;
	for (b = m->arena; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m->slots);
	free(m->entries);
	free(m);
}

uint64_t dupg__strmap_hash(const char *key)
{
	return XXH3_64bits(key, strlen(key));
}

static size_t probe(const dupg_strmap *m, const char *key, uint64_t h, int *found)
{
	size_t mask = m->nslots - 1;
	size_t i = (size_t)h & mask;
	uint32_t tag = tag_of(h);

	for (;;) {
		struct slot s = m->slots[i];
		if (s.id1 == 0) {
			*found = 0;
			return i;
		}
		if (s.tag == tag) {
			const struct entry *e = &m->entries[s.id1 - 1];
			if (e->hash == h && strcmp(e->key, key) == 0) {
				*found = 1;
				return i;
			}
		}
		i = (i + 1) & mask;
	}
}

size_t dupg__strmap_find_hash(const dupg_strmap *m, const char *key, uint64_t hash)
{
	int found;
	size_t i = probe(m, key, hash, &found);

	return found ? (size_t)m->slots[i].id1 - 1 : DUPG_NONE;
}

size_t dupg__strmap_find(const dupg_strmap *m, const char *key)
{
	return dupg__strmap_find_hash(m, key, dupg__strmap_hash(key));
}

void dupg__strmap_prefetch(const dupg_strmap *m, uint64_t hash)
{
#if defined(__GNUC__)
	__builtin_prefetch(&m->slots[(size_t)hash & (m->nslots - 1)]);
#else
	(void)m;
	(void)hash;
#endif
}

static int rehash(dupg_strmap *m)
{
	size_t n = m->nslots * 2, i;
	struct slot *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return dupg__error_nomem();
	for (i = 0; i < m->count; i++) {
		uint64_t h = m->entries[i].hash;
		size_t j = (size_t)h & (n - 1);

		while (slots[j].id1 != 0)
			j = (j + 1) & (n - 1);
		slots[j].id1 = (uint32_t)(i + 1);
		slots[j].tag = tag_of(h);
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	return 0;
}

int dupg__strmap_intern_hash(dupg_strmap *m, const char *key, uint64_t hash, size_t *id,
			     int *added)
{
	size_t i;
	int found;
	char *copy;

	if (added != NULL)
		*added = 0;
	i = probe(m, key, hash, &found);
	if (found) {
		*id = m->slots[i].id1 - 1;
		return 0;
	}
	if (m->count >= UINT32_MAX - 1)
		return dupg__error(DUPG_ENOMEM, "string map: too many entries");
	/* keep the load factor under 1/2 so probes stay short */
	if ((m->count + 1) * 2 > m->nslots) {
		if (rehash(m) != 0)
			return DUPG_ENOMEM;
		i = probe(m, key, hash, &found);
	}
	if (m->count == m->cap) {
		void *entries = m->entries;
		if (dupg__grow(&entries, &m->cap, m->count + 1, sizeof(*m->entries)) != 0)
			return DUPG_ENOMEM;
		m->entries = entries;
	}
	copy = arena_copy(m, key, strlen(key));
	if (copy == NULL)
		return dupg__error_nomem();
	m->entries[m->count].key = copy;
	m->entries[m->count].hash = hash;
	m->slots[i].id1 = (uint32_t)(m->count + 1);
	m->slots[i].tag = tag_of(hash);
	*id = m->count++;
	if (added != NULL)
		*added = 1;
	return 0;
}

int dupg__strmap_intern(dupg_strmap *m, const char *key, size_t *id, int *added)
{
	return dupg__strmap_intern_hash(m, key, dupg__strmap_hash(key), id, added);
}

size_t dupg__strmap_count(const dupg_strmap *m)
{
	return m->count;
}

const char *dupg__strmap_key(const dupg_strmap *m, size_t id)
{
	return id < m->count ? m->entries[id].key : NULL;
}
