/* SPDX-License-Identifier: BSD-2-Clause */
/* List files: a path list read from and written to a file, one path per line (I/O). */
#include "internal.h"
#include "listfile_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fs.h"
#include "util/path.h"

/* Make a relative entry absolute for a list in another directory. */
static int absolute_path(char **out, const char *resolved, const char *base, const char *path)
{
	char *abs = realpath(resolved, NULL);
	int e = errno;

	if (abs == NULL) {
		/* a missing package: its directory still says where it was meant to be */
		char *dir = realpath(base, NULL);
		if (dir == NULL)
			return dupg__error_sys(e, "%s: cannot make the path absolute", resolved);
		abs = dupg__path_join(dir, path);
		free(dir);
		if (abs == NULL)
			return dupg__error_nomem();
	}
	*out = abs;
	return 0;
}

/* Same directory as the target list? Decided once per (segment, base) by inode. */
static int same_dir(signed char *cache, const char *base, const struct stat *target)
{
	struct stat st;

	if (*cache < 0)
		*cache = stat(base, &st) == 0 && st.st_dev == target->st_dev &&
			 st.st_ino == target->st_ino;
	return *cache;
}

static int render_entry(dupg_buf *b, const dupg_pathlist *l, size_t i, signed char **cache,
			const struct stat *target, const char *target_file)
{
	size_t local, k = dupg__pathlist_locate_k(l, i, &local);
	const struct dupg__plseg *s = l->segs[k];
	const struct dupg__plent *e = &s->ent[local];
	const char *path = dupg__strmap_key(s->paths, local);
	char *abs = NULL;
	int rc;

	if (path[0] == '/' || e->base == DUPG__NONE) {
		dupg__buf_puts(b, path);
	} else {
		const char *base = dupg__strmap_key(s->bases, e->base);
		if (cache[k] == NULL) {
			size_t nb = dupg__strmap_count(s->bases);
			cache[k] = malloc(nb);
			if (cache[k] == NULL)
				return dupg__error_nomem();
			memset(cache[k], -1, nb);
		}
		if (same_dir(&cache[k][e->base], base, target)) {
			dupg__buf_puts(b, path);
		} else {
			rc = absolute_path(&abs, e->res != NULL ? e->res : path, base, path);
			/* a directory's name may hold what a list file cannot: refuse before writing */
			if (rc == 0)
				rc = dupg__pathlist_check_path(abs, "list file");
			if (rc == 0)
				dupg__buf_puts(b, abs);
			free(abs);
			if (rc != 0)
				return dupg__error_prefix(DUPG_EFORMAT, "%s", target_file);
		}
	}
	dupg__buf_put(b, "\n", 1);
	return 0;
}

int dupg__pathlist_render(char **out, size_t *len, const dupg_pathlist *l, const size_t *sel,
			  size_t n, const char *list_file)
{
	dupg_buf b = { NULL, 0, 0, 0 };
	signed char **cache;
	struct stat target;
	char *dir;
	size_t i, k;
	int rc = 0;

	*out = NULL;
	dir = dupg__path_dirname(list_file);
	if (dir == NULL)
		return dupg__error_nomem();
	if (stat(dir, &target) != 0) {
		rc = dupg__error_sys(errno, "%s: cannot stat directory %s", list_file, dir);
		free(dir);
		return rc;
	}
	free(dir);
	cache = calloc(l->nsegs + 1, sizeof(*cache));
	if (cache == NULL)
		return dupg__error_nomem();
	if (sel == NULL)
		n = l->count;
	for (i = 0; rc == 0 && i < n; i++)
		rc = render_entry(&b, l, sel != NULL ? sel[i] : i, cache, &target, list_file);
	for (k = 0; k < l->nsegs; k++)
		free(cache[k]);
	free(cache);
	if (rc != 0) {
		free(b.data);
		return rc;
	}
	if (len != NULL)
		*len = b.len;
	return dupg__buf_finish(&b, out);
}

int dupg_pathlist_save(const dupg_pathlist *l, const char *list_file,
		       const dupg_apply_options *opts)
{
	static const dupg_apply_options defaults = DUPG_APPLY_OPTIONS_INIT;
	char *text;
	size_t len;
	int rc;

	if (l == NULL || list_file == NULL || *list_file == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_save: list and file name are required");
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != DUPG_APPLY_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "%s: apply options: unknown version %u", list_file,
				   opts->version);
	rc = dupg__pathlist_render(&text, &len, l, NULL, 0, list_file);
	if (rc != 0)
		return rc;
	rc = dupg__fs_write_atomic(list_file, text, len, opts->no_fsync, NULL, NULL);
	free(text);
	return rc;
}

/* One path of a list file and the line it stands on. */
struct line {
	const char *path;
	size_t lineno;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/*
 * Split a list file's text (modified in place) into its paths. One path per
 * line, '\n' separated, final newline optional. Empty lines are skipped. A
 * line with leading or trailing white space, a '\r' (CRLF endings) or a NUL
 * is malformed rather than trimmed: it would name a different file than the
 * one meant. A path twice is a duplicate.
 */
static int parse_list(struct line **out, size_t *count, char *text, size_t len,
		      const char *list_file)
{
	struct line *lines = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	dupg_strmap *seen = NULL;
	char *p = text, *end = text + len;
	int rc;

	*out = NULL;
	*count = 0;
	rc = dupg__strmap_new(&seen);
	while (rc == 0 && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *lend = nl != NULL ? nl : end;
		size_t llen = (size_t)(lend - p), id;
		int added;
		void *a = lines;

		lineno++;
		*lend = '\0';
		if (memchr(p, '\r', llen) != NULL)
			rc = dupg__error(DUPG_EFORMAT,
					 "%s:%zu: carriage return in line (CRLF line endings are not accepted)",
					 list_file, lineno);
		else if (strlen(p) != llen)
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: NUL byte in line", list_file, lineno);
		else if (llen > 0 && (is_blank(p[0]) || is_blank(p[llen - 1])))
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: leading or trailing white space in \"%s\"",
					 list_file, lineno, p);
		else if (llen > DUPG_PATH_MAX_BYTES)
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: path longer than %u bytes", list_file,
					 lineno, DUPG_PATH_MAX_BYTES);
		else if (llen > 0 && n >= DUPG_LIST_MAX_ENTRIES)
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: more than %u paths", list_file, lineno,
					 DUPG_LIST_MAX_ENTRIES);
		if (rc != 0 || llen == 0) {
			p = lend + 1;
			continue;
		}
		/* ids of seen are indices into lines: each path is interned once */
		rc = dupg__strmap_intern(seen, p, &id, &added);
		if (rc == 0 && !added)
			rc = dupg__error(DUPG_EEXISTS, "%s:%zu: %s: listed twice (first on line %zu)",
					 list_file, lineno, p, lines[id].lineno);
		if (rc == 0)
			rc = dupg__grow(&a, &cap, n + 1, sizeof(*lines));
		lines = a;
		if (rc == 0) {
			lines[n].path = p;
			lines[n].lineno = lineno;
			n++;
		}
		p = lend + 1;
	}
	dupg__strmap_free(seen);
	if (rc != 0) {
		free(lines);
		return rc;
	}
	*out = lines;
	*count = n;
	return 0;
}

int dupg_listfile_read(char ***out, size_t *count_out, const char *list_file)
{
	struct line *lines;
	char *text, **arr, *strings;
	size_t len, n, i, total = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (count_out != NULL)
		*count_out = 0;
	if (out == NULL || list_file == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_listfile_read: NULL argument");
	rc = dupg__fs_read(&text, &len, list_file, DUPG__LIST_MAX_BYTES);
	if (rc != 0)
		return rc;
	rc = parse_list(&lines, &n, text, len, list_file);
	if (rc != 0) {
		free(text);
		return rc;
	}
	/* one block, pointers first, so that a single dupg_free() releases it */
	for (i = 0; i < n; i++)
		total += strlen(lines[i].path) + 1;
	arr = malloc((n + 1) * sizeof(*arr) + total);
	if (arr == NULL) {
		free(lines);
		free(text);
		return dupg__error_nomem();
	}
	strings = (char *)(arr + n + 1);
	for (i = 0; i < n; i++) {
		size_t sl = strlen(lines[i].path) + 1;
		memcpy(strings, lines[i].path, sl);
		arr[i] = strings;
		strings += sl;
	}
	arr[n] = NULL;
	free(lines);
	free(text);
	*out = arr;
	if (count_out != NULL)
		*count_out = n;
	return 0;
}

/* Prefix the recorded message with where the failing path was named. */
static int at_line(int rc, const char *list_file, size_t lineno)
{
	return dupg__error_prefix(rc, "%s:%zu", list_file, lineno);
}

/*
 * Read the package at path (resolved against base_dir) and append it; with a
 * cache, a package whose file did not change is not read again.
 */
static int add_from_disk(dupg_pathlist *l, const char *path, const char *base_dir,
			 dupg__pkgcache *cache)
{
	dupg_manifest *m = NULL;
	const char *small[8] = { NULL }, **hw = small;
	char *resolved;
	struct stat st;
	size_t i, n;
	int rc, relative = path[0] != '/';

	if (dupg_pathlist_find(l, path) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "%s: already in the list", path);
	resolved = relative ? dupg__path_join(base_dir, path) : strdup(path);
	if (resolved == NULL)
		return dupg__error_nomem();
	if (stat(resolved, &st) != 0) {
		int e = errno;
		if ((e == ENOENT || e == ENOTDIR) && strcmp(resolved, path) != 0)
			rc = dupg__error(DUPG_ENOTFOUND, "%s: no such package file (%s)", path, resolved);
		else if (e == ENOENT || e == ENOTDIR)
			rc = dupg__error(DUPG_ENOTFOUND, "%s: no such package file", path);
		else
			rc = dupg__error_sys(e, "%s: cannot stat", resolved);
		free(resolved);
		return rc;
	}
	{
		const char *const *known = dupg__pkgcache_find(cache, resolved, &st, &n);
		if (known != NULL) {
			rc = dupg__pathlist_add_entry(l, path, known, n, relative ? base_dir : NULL,
						      resolved);
			free(resolved);
			return rc;
		}
	}
	rc = dupg_package_read_manifest(&m, resolved);
	if (rc != 0) {
		free(resolved);
		return rc;
	}
	n = dupg_manifest_hw_count(m);
	if (n > sizeof(small) / sizeof(small[0])) {
		hw = malloc(n * sizeof(*hw));
		if (hw == NULL) {
			dupg_manifest_free(m);
			free(resolved);
			return dupg__error_nomem();
		}
	}
	for (i = 0; i < n; i++)
		hw[i] = dupg_manifest_hw(m, i);
	if (n == 0)
		rc = dupg__error(DUPG_EFORMAT, "%s: manifest.json: hardware list is empty", resolved);
	else
		rc = dupg__pathlist_add_entry(l, path, hw, n, relative ? base_dir : NULL, resolved);
	if (rc == 0 && cache != NULL)
		rc = dupg__pkgcache_put(cache, resolved, &st, hw, n);
	if (hw != small)
		free(hw);
	dupg_manifest_free(m);
	free(resolved);
	return rc;
}

int dupg_pathlist_add_file(dupg_pathlist *l, const char *path, const char *base_dir)
{
	int rc;

	if (l == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_add_file: list is NULL");
	rc = dupg__pathlist_check_path(path, "dupg_pathlist_add_file");
	if (rc != 0)
		return rc;
	return add_from_disk(l, path, base_dir != NULL && *base_dir != '\0' ? base_dir : ".", NULL);
}

int dupg_pathlist_load(dupg_pathlist **out, const char *list_file)
{
	char *text = NULL;
	size_t len;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || list_file == NULL || *list_file == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_load: list file is required");
	rc = dupg__fs_read(&text, &len, list_file, DUPG__LIST_MAX_BYTES);
	if (rc == 0)
		rc = dupg__listfile_load_text(out, list_file, text, len, NULL);
	free(text);
	return rc;
}

int dupg__listfile_load_text(dupg_pathlist **out, const char *list_file, char *text, size_t len,
			     dupg__pkgcache *cache)
{
	dupg_pathlist *l = NULL;
	struct line *lines = NULL;
	char *dir = NULL;
	size_t n = 0, i;
	int rc;

	*out = NULL;
	rc = parse_list(&lines, &n, text, len, list_file);
	if (rc == 0) {
		dir = dupg__path_dirname(list_file);
		if (dir == NULL)
			rc = dupg__error_nomem();
	}
	if (rc == 0)
		rc = dupg_pathlist_new(&l);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = add_from_disk(l, lines[i].path, dir, cache);
		if (rc != 0)
			rc = at_line(rc, list_file, lines[i].lineno);
	}
	free(lines);
	free(dir);
	if (rc != 0) {
		dupg_pathlist_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

