/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a store knows of its packages, kept beside its list (LIST.cache), so
 * that opening a store of a million packages does not read a million
 * manifests: a package is read again only when its file changed.
 *
 * The file is a cache, never the truth: an entry counts only while the
 * package file's device, inode, size, mtime and ctime are the ones recorded
 * (ctime cannot be set back by a user), and a missing, unreadable or
 * malformed cache is an empty one. Format, one line each after the header:
 *
 *     dupg-pkgcache 1
 *     DEV INO SIZE MTIME_S MTIME_NS CTIME_S CTIME_NS NHW HW... PATH
 *
 * with every string %XX-escaped where it holds white space, control bytes or
 * '%'. It is replaced atomically, like the lists.
 */
#include "pkgcache_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fs.h"

#define CACHE_HEADER "dupg-pkgcache 1\n"

struct entry {
	uint64_t dev, ino, size;
	int64_t mtime_s, ctime_s;
	long mtime_ns, ctime_ns;
	size_t hw_start, hw_count; /* into the cache's hw array */
};

struct dupg__pkgcache {
	dupg_strmap *paths;        /* resolved path -> entry */
	struct entry *ents;
	size_t ents_cap;
	dupg_strmap *types;        /* every hardware type, interned */
	const char **hw;           /* hardware types of every entry, in a row */
	size_t hw_len, hw_cap;
	size_t added;              /* entries put since it was loaded */
};

int dupg__pkgcache_new(dupg__pkgcache **out)
{
	dupg__pkgcache *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return dupg__error_nomem();
	rc = dupg__strmap_new(&c->paths);
	if (rc == 0)
		rc = dupg__strmap_new(&c->types);
	if (rc != 0) {
		dupg__pkgcache_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void dupg__pkgcache_free(dupg__pkgcache *c)
{
	if (c == NULL)
		return;
	dupg__strmap_free(c->paths);
	dupg__strmap_free(c->types);
	free(c->ents);
	free(c->hw);
	free(c);
}

static void stat_of(struct entry *e, const struct stat *st)
{
	e->dev = (uint64_t)st->st_dev;
	e->ino = (uint64_t)st->st_ino;
	e->size = (uint64_t)st->st_size;
	e->mtime_s = (int64_t)st->st_mtim.tv_sec;
	e->mtime_ns = st->st_mtim.tv_nsec;
	e->ctime_s = (int64_t)st->st_ctim.tv_sec;
	e->ctime_ns = st->st_ctim.tv_nsec;
}

static int same_file(const struct entry *e, const struct stat *st)
{
	struct entry now;

	stat_of(&now, st);
	return e->dev == now.dev && e->ino == now.ino && e->size == now.size &&
	       e->mtime_s == now.mtime_s && e->mtime_ns == now.mtime_ns &&
	       e->ctime_s == now.ctime_s && e->ctime_ns == now.ctime_ns;
}

const char *const *dupg__pkgcache_find(const dupg__pkgcache *c, const char *path,
				       const struct stat *st, size_t *hw_count)
{
	size_t id = c == NULL ? DUPG_NONE : dupg__strmap_find(c->paths, path);
	const struct entry *e;

	if (id == DUPG_NONE)
		return NULL;
	e = &c->ents[id];
	if (!same_file(e, st))
		return NULL;
	*hw_count = e->hw_count;
	return c->hw + e->hw_start;
}

/* Put an entry from its parts; the hardware types are interned. */
static int put(dupg__pkgcache *c, const char *path, const struct entry *parts,
	       const char *const *hw, size_t n)
{
	size_t id, i, t;
	int added, rc;

	rc = DUPG__GROW(&c->hw, &c->hw_cap, c->hw_len + n);
	if (rc == 0)
		rc = dupg__strmap_intern(c->paths, path, &id, &added);
	if (rc == 0)
		rc = DUPG__GROW(&c->ents, &c->ents_cap, id + 1);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = dupg__strmap_intern(c->types, hw[i], &t, NULL);
		if (rc == 0)
			c->hw[c->hw_len + i] = dupg__strmap_key(c->types, t);
	}
	if (rc != 0)
		return rc;
	c->ents[id] = *parts;
	c->ents[id].hw_start = c->hw_len;
	c->ents[id].hw_count = n;
	c->hw_len += n;
	return 0;
}

int dupg__pkgcache_put(dupg__pkgcache *c, const char *path, const struct stat *st,
		       const char *const *hw, size_t n)
{
	struct entry e;
	int rc;

	stat_of(&e, st);
	rc = put(c, path, &e, hw, n);
	if (rc == 0)
		c->added++;
	return rc;
}

size_t dupg__pkgcache_added(const dupg__pkgcache *c)
{
	return c == NULL ? 0 : c->added;
}

static int needs_escape(unsigned char ch)
{
	return ch <= ' ' || ch == '%' || ch == 0x7f;
}

static void put_escaped(dupg_buf *b, const char *s)
{
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (needs_escape((unsigned char)*p))
			dupg__buf_printf(b, "%%%02X", (unsigned char)*p);
		else
			dupg__buf_put(b, p, 1);
	}
}

/* Decode a %XX-escaped token in place; 0, or -1 when it is malformed. */
static int unescape(char *s)
{
	char *r = s, *w = s;

	while (*r != '\0') {
		if (*r == '%') {
			unsigned int v;
			if (sscanf(r + 1, "%2X", &v) != 1 || r[1] == '\0' || r[2] == '\0' || v == 0)
				return -1;
			*w++ = (char)v;
			r += 3;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return 0;
}

/* One line into the cache; a malformed line is skipped (the cache is only a cache). */
static void load_line(dupg__pkgcache *c, char *line)
{
	const char *hw_small[16], **hw = hw_small;
	char *tok[8 + 1], *save = NULL, *t, *end;
	unsigned long long v[8];
	struct entry e;
	size_t i, n;

	for (i = 0; i < 8; i++) {
		tok[i] = strtok_r(i == 0 ? line : NULL, " ", &save);
		if (tok[i] == NULL)
			return;
		errno = 0;
		v[i] = strtoull(tok[i], &end, 10);
		if (errno != 0 || *end != '\0')
			return;
	}
	n = (size_t)v[7];
	if (n == 0 || n > 4096)
		return;
	if (n > sizeof(hw_small) / sizeof(hw_small[0]) && (hw = malloc(n * sizeof(*hw))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		t = strtok_r(NULL, " ", &save);
		if (t == NULL || unescape(t) != 0)
			goto out;
		hw[i] = t;
	}
	t = strtok_r(NULL, " ", &save);
	if (t == NULL || strtok_r(NULL, " ", &save) != NULL || unescape(t) != 0)
		goto out;
	e = (struct entry){ .dev = v[0], .ino = v[1], .size = v[2], .mtime_s = (int64_t)v[3],
			    .mtime_ns = (long)v[4], .ctime_s = (int64_t)v[5], .ctime_ns = (long)v[6] };
	(void)put(c, t, &e, hw, n);
out:
	if (hw != hw_small)
		free(hw);
}

int dupg__pkgcache_load(dupg__pkgcache **out, const char *file)
{
	char *text = NULL, *line, *save = NULL;
	size_t len = 0;
	int rc = dupg__pkgcache_new(out);

	if (rc != 0)
		return rc;
	if (dupg__fs_read(&text, &len, file, (size_t)1 << 31) != 0) {
		dupg__error_clear(); /* no cache, or none worth reading: an empty one */
		return 0;
	}
	if (len >= sizeof(CACHE_HEADER) - 1 &&
	    memcmp(text, CACHE_HEADER, sizeof(CACHE_HEADER) - 1) == 0) {
		for (line = strtok_r(text + sizeof(CACHE_HEADER) - 1, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save))
			load_line(*out, line);
	}
	free(text);
	(*out)->added = 0;
	return 0;
}

static void put_line(dupg_buf *b, const char *path, const struct entry *e,
		     const char *const *hw, size_t n)
{
	size_t i;

	dupg__buf_printf(b, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 " %ld %" PRId64 " %ld %zu",
			 e->dev, e->ino, e->size, e->mtime_s, e->mtime_ns, e->ctime_s, e->ctime_ns, n);
	for (i = 0; i < n; i++) {
		dupg__buf_put(b, " ", 1);
		put_escaped(b, hw[i]);
	}
	dupg__buf_put(b, " ", 1);
	put_escaped(b, path);
	dupg__buf_put(b, "\n", 1);
}

int dupg__pkgcache_save(const dupg__pkgcache *c, const char *file, const dupg_pathlist *l,
			int no_fsync)
{
	dupg_buf b = { NULL, 0, 0, 0 };
	const char *small[16], **hw = small;
	size_t i, j, cap = sizeof(small) / sizeof(small[0]);
	char *text = NULL;
	int rc = 0;

	dupg__buf_puts(&b, CACHE_HEADER);
	for (i = 0; rc == 0 && i < dupg_pathlist_count(l); i++) {
		const char *path = dupg_pathlist_resolved(l, i);
		size_t id = dupg__strmap_find(c->paths, path), n;
		struct stat st;
		struct entry e;

		if (id != DUPG_NONE) {
			const struct entry *k = &c->ents[id];
			put_line(&b, path, k, c->hw + k->hw_start, k->hw_count);
			continue;
		}
		/* an entry the cache did not hold (a download): as the list has it */
		if (stat(path, &st) != 0)
			continue;
		stat_of(&e, &st);
		n = dupg_pathlist_hw_count(l, i);
		if (n > cap) {
			const char **p = hw == small ? malloc(n * sizeof(*p)) : realloc(hw, n * sizeof(*p));
			if (p == NULL) {
				rc = dupg__error_nomem();
				break;
			}
			hw = p;
			cap = n;
		}
		for (j = 0; j < n; j++)
			hw[j] = dupg_pathlist_hw(l, i, j);
		put_line(&b, path, &e, hw, n);
	}
	if (hw != small)
		free(hw);
	if (rc == 0)
		rc = dupg__buf_finish(&b, &text);
	else
		free(b.data);
	if (rc == 0)
		rc = dupg__fs_write_atomic(file, text, b.len, no_fsync, NULL, NULL);
	free(text);
	return rc;
}
