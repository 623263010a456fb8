/* Interning string map: string -> dense id, open addressing over XXH3-64. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	char data[];
};

struct dupg_strmap {
	/* slots hold id + 1 (0 = empty); hashes kept beside keys to skip most strcmp calls */
	uint32_t *slots;
	size_t nslots; /* power of two */
	char **keys;
	uint64_t *hashes;
	size_t count;
	size_t cap;
	struct arena_block *arena;
};

static char *arena_copy(dupg_strmap *m, const char *s, size_t len)
{
	struct arena_block *b = m->arena;
	char *p;

	if (b == NULL || b->size - b->used < len + 1) {
		size_t size = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
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
	m->nslots = 16;
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
	free(m->keys);
	free(m->hashes);
	free(m);
}

static size_t probe(const dupg_strmap *m, const char *key, uint64_t h, int *found)
{
	size_t mask = m->nslots - 1;
	size_t i = (size_t)h & mask;

	for (;;) {
		uint32_t s = m->slots[i];
		if (s == 0) {
			*found = 0;
			return i;
		}
		if (m->hashes[s - 1] == h && strcmp(m->keys[s - 1], key) == 0) {
			*found = 1;
			return i;
		}
		i = (i + 1) & mask;
	}
}

long dupg__strmap_find(const dupg_strmap *m, const char *key)
{
	int found;
	size_t len = strlen(key);
	uint64_t h = XXH3_64bits(key, len);
	size_t i = probe(m, key, h, &found);

	return found ? (long)m->slots[i] - 1 : -1;
}

static int rehash(dupg_strmap *m)
{
	size_t n = m->nslots * 2, i;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return dupg__error_nomem();
	for (i = 0; i < m->count; i++) {
		size_t j = (size_t)m->hashes[i] & (n - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = (uint32_t)(i + 1);
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	return 0;
}

int dupg__strmap_intern(dupg_strmap *m, const char *key, size_t *id, int *added)
{
	size_t len = strlen(key), i;
	uint64_t h = XXH3_64bits(key, len);
	int found;
	char *copy;

	if (added != NULL)
		*added = 0;
	i = probe(m, key, h, &found);
	if (found) {
		*id = m->slots[i] - 1;
		return 0;
	}
	if (m->count >= UINT32_MAX - 1)
		return dupg__error(DUPG_ENOMEM, "string map: too many entries");
	/* keep the load factor under 1/2 so probes stay short */
	if ((m->count + 1) * 2 > m->nslots) {
		if (rehash(m) != 0)
			return DUPG_ENOMEM;
		i = probe(m, key, h, &found);
	}
	if (m->count == m->cap) {
		size_t cap = m->cap;
		void *keys = m->keys, *hashes = m->hashes;
		if (dupg__grow(&keys, &cap, m->count + 1, sizeof(*m->keys)) != 0)
			return DUPG_ENOMEM;
		m->keys = keys;
		cap = m->cap;
		if (dupg__grow(&hashes, &cap, m->count + 1, sizeof(*m->hashes)) != 0)
			return DUPG_ENOMEM;
		m->hashes = hashes;
		m->cap = cap;
	}
	copy = arena_copy(m, key, len);
	if (copy == NULL)
		return dupg__error_nomem();
	m->keys[m->count] = copy;
	m->hashes[m->count] = h;
	m->slots[i] = (uint32_t)(m->count + 1);
	*id = m->count++;
	if (added != NULL)
		*added = 1;
	return 0;
}

size_t dupg__strmap_count(const dupg_strmap *m)
{
	return m->count;
}

const char *dupg__strmap_key(const dupg_strmap *m, size_t id)
{
	return id < m->count ? m->keys[id] : NULL;
}
