/* SPDX-License-Identifier: BSD-2-Clause */
/* The master's package store on disk: crash-safe prune and rollback, and recovery (I/O). */
#include "internal.h"
#include "core/json_internal.h"
#include "listfile_internal.h"
#include "pkgcache_internal.h"
#include "store_admit_internal.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "util/fs.h"
#include "util/lock.h"
#include "util/path.h"

/*
 * LIST.journal holds everything recovery needs, as JSON:
 *
 *     {"format": 1, "operation": "prune" or "rollback",
 *      "third": "<new LIST text>", "fourth": "<new LIST.rollback text>",
 *      "deletable": ["path as LIST names it", ...],
 *      "rollback_previous": "<old LIST.rollback text>" (null when there was none),
 *      "list_previous": "<old LIST text>",
 *      "floor": "<new LIST.floor text>" (only when a prune raises the anti-rollback floor)}
 *
 * "third" and "fourth" are named after the prune's lists; a rollback puts
 * its new texts there too (the rollback list in both). Recovery decides by
 * LIST alone, whatever the operation: holding exactly "third" means the
 * commit point was passed, so the change is finished; anything else means it
 * was not, so LIST.rollback is put back ("operation" and "list_previous" are
 * kept for whoever investigates; journals without "operation" come from
 * prunes of earlier versions). Deletable paths are resolved against LIST's
 * directory when used, so whichever directory the recovering process runs
 * in, it removes the same files.
 */
#define JOURNAL_FORMAT 1

/* Journals embed whole lists; json-c takes at most this much text. */
#define JOURNAL_MAX_BYTES ((size_t)INT32_MAX)

struct dupg_store {
	char *list_file;
	char *cache_file;          /* LIST.cache: what the store knows of its packages */
	dupg__pkgcache *cache;
	dupg_pathlist *list;
	/* the LIST text the list was loaded from: a change under the lock reloads it */
	uint64_t list_hash;
	size_t list_len;
};

/* The file names of one store. */
struct names {
	const char *list;
	char *rollback;
	char *journal;
	char *dir;        /* the store's directory: what its lock is taken on */
	const char *base; /* LIST's file name inside dir */
	char *floor;      /* LIST.floor: the anti-rollback floor (store_admit.c) */
};

static void names_free(struct names *n)
{
	free(n->rollback);
	free(n->journal);
	free(n->floor);
	free(n->dir);
	memset(n, 0, sizeof(*n));
}

static char *suffixed(const char *path, const char *suffix)
{
	size_t pl = strlen(path), sl = strlen(suffix);
	char *s = malloc(pl + sl + 1);

	if (s != NULL) {
		memcpy(s, path, pl);
		memcpy(s + pl, suffix, sl + 1);
	}
	return s;
}

static int names_init(struct names *n, const char *list_file)
{
	const char *slash = strrchr(list_file, '/');

	memset(n, 0, sizeof(*n));
	n->list = list_file;
	n->base = slash != NULL ? slash + 1 : list_file;
	n->rollback = suffixed(list_file, ".rollback");
	n->journal = suffixed(list_file, ".journal");
	n->floor = suffixed(list_file, ".floor");
	n->dir = dupg__path_dirname(list_file);
	if (n->rollback == NULL || n->journal == NULL || n->floor == NULL || n->dir == NULL) {
		names_free(n);
		return dupg__error_nomem();
	}
	return 0;
}

/* 1 when path exists, 0 when not, or a negative code. */
static int exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	return dupg__error_sys(errno, "%s: cannot stat", path);
}

/* Called with the store's lock held: a journal then is the remains of a change that died. */
static int check_no_journal(const struct names *n)
{
	int rc = exists(n->journal);

	if (rc > 0)
		return dupg__error(DUPG_EPENDING,
				   "%s: an interrupted change is pending (%s exists): recover the store first",
				   n->list, n->journal);
	return rc;
}

/* The list files are replaced by rename: a symbolic link would be replaced, not its target. */
static int check_not_link(const char *path, const char *list_file)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : dupg__error_sys(errno, "%s: cannot stat", path);
	if (S_ISLNK(st.st_mode))
		return dupg__error(DUPG_EUNSUPPORTED,
				   "%s: a symbolic link: a store's lists are replaced, not written through; "
				   "give %s its real file", path, list_file);
	return 0;
}

static int check_options(const dupg_apply_options **opts)
{
	static const dupg_apply_options defaults = DUPG_APPLY_OPTIONS_INIT;

	if (*opts == NULL)
		*opts = &defaults;
	if ((*opts)->version != DUPG_APPLY_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "apply options: unknown version %u", (*opts)->version);
	return 0;
}

/*
 * Keep what the store knows of its packages for the next open, after a
 * change (an open writes nothing). Only a cache: a failure to write it fails
 * nothing, and the next open reads the packages again.
 */
static void save_cache(const dupg_store *s, int no_fsync)
{
	dupg__error_saved saved;

	dupg__error_save(&saved);
	(void)dupg__pkgcache_save(s->cache, s->cache_file, s->list, no_fsync);
	dupg__error_restore(&saved);
}

/*
 * Make the handle's list what LIST holds now (the caller holds the lock):
 * loaded again only when its text changed since the handle last read it.
 */
static int refresh(dupg_store *s)
{
	dupg_pathlist *l = NULL;
	char *text = NULL;
	size_t len;
	uint64_t h;
	int rc = dupg__fs_read(&text, &len, s->list_file, DUPG__LIST_MAX_BYTES);

	if (rc != 0)
		return rc;
	h = XXH3_64bits(text, len);
	if (s->list != NULL && h == s->list_hash && len == s->list_len) {
		free(text);
		return 0;
	}
	rc = dupg__listfile_load_text(&l, s->list_file, text, len, s->cache);
	free(text);
	if (rc != 0)
		return rc;
	dupg_pathlist_free(s->list);
	s->list = l;
	s->list_hash = h;
	s->list_len = len;
	return 0;
}

int dupg_store_open(dupg_store **out, const char *list_file)
{
	return dupg_store_open_ext(out, list_file, NULL);
}

int dupg_store_open_ext(dupg_store **out, const char *list_file, const dupg_apply_options *opts)
{
	dupg__lock lock = DUPG__LOCK_INIT;
	struct names n;
	dupg_store *s;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || list_file == NULL || *list_file == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_store_open: list file is required");
	rc = check_options(&opts);
	if (rc != 0)
		return rc;
	rc = names_init(&n, list_file);
	if (rc != 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		names_free(&n);
		return dupg__error_nomem();
	}
	s->list_file = strdup(list_file);
	s->cache_file = suffixed(list_file, ".cache");
	if (s->list_file == NULL || s->cache_file == NULL)
		rc = dupg__error_nomem();
	if (rc == 0)
		rc = dupg__pkgcache_load(&s->cache, s->cache_file);
	if (rc == 0)
		rc = check_not_link(list_file, list_file);
	/* a reader: it waits for a change under way, and sees a journal only when one died */
	if (rc == 0)
		rc = dupg__lock_take(&lock, n.dir, 0, opts->lock_timeout_ms, list_file);
	if (rc == 0)
		rc = check_no_journal(&n);
	if (rc == 0)
		rc = refresh(s);
	dupg__lock_drop(&lock);
	names_free(&n);
	if (rc != 0) {
		dupg_store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void dupg_store_free(dupg_store *s)
{
	if (s == NULL)
		return;
	dupg_pathlist_free(s->list);
	dupg__pkgcache_free(s->cache);
	free(s->cache_file);
	free(s->list_file);
	free(s);
}

const char *dupg_store_list_file(const dupg_store *s)
{
	return s == NULL ? NULL : s->list_file;
}

const dupg_pathlist *dupg_store_list(const dupg_store *s)
{
	return s == NULL ? NULL : s->list;
}

/* A file's content, or NULL (and 0) when it does not exist. */
static int read_optional(char **out, size_t *len, const char *path, size_t max)
{
	int rc = dupg__fs_read(out, len, path, max);

	if (rc == DUPG_ENOTFOUND) {
		*out = NULL;
		*len = 0;
		return 0;
	}
	return rc;
}

static int same_content(const char *a, size_t alen, const char *b, size_t blen)
{
	return a != NULL && b != NULL && alen == blen && memcmp(a, b, alen) == 0;
}

static int remove_file(const char *path, size_t *removed)
{
	if (unlink(path) == 0) {
		if (removed != NULL)
			(*removed)++;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return dupg__error_sys(errno, "%s: cannot remove", path);
}

/* Remove a file named as LIST names paths: relative to its directory. */
static int remove_in_store(const struct names *n, const char *path, size_t *removed)
{
	char *full = dupg__path_join(n->dir, path);
	int rc;

	if (full == NULL)
		return dupg__error_nomem();
	rc = remove_file(full, removed);
	free(full);
	return rc;
}

/* "LIST" + suffix + ".tmp." + the six characters mkstemp picks? */
static int is_temp_of(const char *name, const char *base, const char *suffix)
{
	size_t bl = strlen(base), sl = strlen(suffix), i;

	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, suffix, sl) != 0 ||
	    strncmp(name + bl + sl, ".tmp.", 5) != 0)
		return 0;
	name += bl + sl + 5;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return 0;
	return i == 6;
}

static int remove_temps(const struct names *n, size_t *removed)
{
	DIR *d = opendir(n->dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return dupg__error_sys(errno, "%s: cannot open directory", n->dir);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (is_temp_of(e->d_name, n->base, "") || is_temp_of(e->d_name, n->base, ".rollback") ||
		    is_temp_of(e->d_name, n->base, ".journal") || is_temp_of(e->d_name, n->base, ".cache") ||
		    is_temp_of(e->d_name, n->base, ".floor"))
			rc = remove_in_store(n, e->d_name, removed);
	}
	closedir(d);
	return rc;
}

/* The parts of a journal recovery uses, borrowed from the parsed JSON. */
struct journal {
	json_object *root;
	const char *third, *fourth, *rollback_prev, *list_prev, *floor;
	size_t third_len, fourth_len, rollback_prev_len, list_prev_len, floor_len;
	json_object *deletable;
};

static int journal_string(const char **out, size_t *len, json_object *root, const char *key,
			  int nullable, const char *origin)
{
	json_object *v;

	*out = NULL;
	*len = 0;
	if (!json_object_object_get_ex(root, key, &v) ||
	    (v == NULL && !nullable) || (v != NULL && !json_object_is_type(v, json_type_string)))
		return dupg__error(DUPG_EFORMAT, "%s: \"%s\" missing or not a string", origin, key);
	if (v != NULL) {
		*out = json_object_get_string(v);
		*len = (size_t)json_object_get_string_len(v);
	}
	return 0;
}

/* The lines of a list file's text, interned. */
static int lines_of(dupg_strmap **out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char *line = NULL;
	size_t cap = 0, id;
	int rc = dupg__strmap_new(out);

	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		void *buf = line;

		rc = dupg__grow(&buf, &cap, n + 1, 1);
		line = buf;
		if (rc == 0) {
			memcpy(line, p, n);
			line[n] = '\0';
			rc = dupg__strmap_intern(*out, line, &id, NULL);
		}
		p += n + 1;
	}
	free(line);
	return rc;
}

static int inside_store(const struct names *n, const char *path);

/* Is path, as a list names it, one of the store's own files (LIST, its rollback list, journal, temporaries)? */
static int is_store_file(const struct names *n, const char *path)
{
	const char *slash = strrchr(path, '/'), *name = slash != NULL ? slash + 1 : path;
	size_t bl = strlen(n->base);

	if (strncmp(name, n->base, bl) != 0)
		return 0;
	name += bl;
	if (*name != '\0' && strcmp(name, ".rollback") != 0 && strcmp(name, ".journal") != 0 &&
	    strcmp(name, ".cache") != 0 && strcmp(name, ".floor") != 0 &&
	    strncmp(name, ".rollback.tmp.", 14) != 0 &&
	    strncmp(name, ".journal.tmp.", 13) != 0 && strncmp(name, ".cache.tmp.", 11) != 0 &&
	    strncmp(name, ".floor.tmp.", 11) != 0 &&
	    strncmp(name, ".tmp.", 5) != 0)
		return 0;
	return inside_store(n, path);
}

/* Whether path, as a list names it, stays inside the store's directory. */
static int inside_store(const struct names *n, const char *path)
{
	char *full = dupg__path_join(n->dir, path), *parent = NULL, *rp = NULL, *rd = NULL;
	int in = 0;

	if (full != NULL && (parent = dupg__path_dirname(full)) != NULL &&
	    (rp = realpath(parent, NULL)) != NULL && (rd = realpath(n->dir, NULL)) != NULL) {
		size_t dl = strlen(rd);
		in = strcmp(rp, rd) == 0 ||
		     (strncmp(rp, rd, dl) == 0 && (rp[dl] == '/' || strcmp(rd, "/") == 0));
	}
	free(full);
	free(parent);
	free(rp);
	free(rd);
	return in;
}

/*
 * What recovery would delete must be what the change it finishes would have
 * deleted: a package the old LIST named and neither new list keeps, not one
 * of the store's own files, no ".." in its path, inside the store's
 * directory or, when the old LIST named it absolute elsewhere, a package
 * still. Anything else in a journal is damage or mischief: refused whole,
 * before anything is removed.
 */
static int journal_check_deletable(const struct journal *j, const struct names *n,
				   const char *path)
{
	dupg_strmap *prev = NULL, *kept3 = NULL, *kept4 = NULL;
	size_t i;
	int rc;

	rc = lines_of(&prev, j->list_prev, j->list_prev_len);
	if (rc == 0)
		rc = lines_of(&kept3, j->third, j->third_len);
	if (rc == 0)
		rc = lines_of(&kept4, j->fourth, j->fourth_len);
	for (i = 0; rc == 0 && i < json_object_array_length(j->deletable); i++) {
		json_object *v = json_object_array_get_idx(j->deletable, i);
		const char *e = json_object_get_string(v);
		const char *why = NULL;
		dupg_manifest *m = NULL;
		char *full;

		if (strlen(e) != (size_t)json_object_get_string_len(v))
			why = "a NUL byte in the path";
		else if (dupg__strmap_find(prev, e) == DUPG_NONE)
			why = "the list it replaced did not name it";
		else if (dupg__strmap_find(kept3, e) != DUPG_NONE ||
			 dupg__strmap_find(kept4, e) != DUPG_NONE)
			why = "a new list still names it";
		else if (is_store_file(n, e))
			why = "one of the store's own files";
		else if (strcmp(e, "..") == 0 || strncmp(e, "../", 3) == 0 || strstr(e, "/../") != NULL ||
			 (strlen(e) >= 3 && strcmp(e + strlen(e) - 3, "/..") == 0))
			why = "a \"..\" in the path";
		else if (!inside_store(n, e)) {
			if (e[0] != '/')
				why = "outside the store's directory";
			else if ((full = strdup(e)) != NULL) {
				/* a download kept elsewhere: only a package may go */
				if (dupg__fs_exists(full) && dupg_package_read_manifest(&m, full) != 0)
					why = "outside the store's directory and not a package";
				dupg_manifest_free(m);
				free(full);
			}
		}
		if (why != NULL)
			rc = dupg__error(DUPG_EFORMAT, "%s: \"deletable\" entry %zu (\"%s\"): %s: refused, "
					 "nothing deleted", path, i, e, why);
	}
	dupg__strmap_free(prev);
	dupg__strmap_free(kept3);
	dupg__strmap_free(kept4);
	return rc;
}

static int journal_read(struct journal *j, const struct names *n)
{
	const char *path = n->journal;
	char *text;
	size_t len, i;
	json_object *v;
	int rc;

	memset(j, 0, sizeof(*j));
	rc = dupg__fs_read(&text, &len, path, JOURNAL_MAX_BYTES);
	if (rc != 0)
		return rc;
	rc = dupg__json_parse(&j->root, text, len, path);
	free(text);
	if (rc != 0)
		return rc;
	if (!json_object_is_type(j->root, json_type_object))
		rc = dupg__error(DUPG_EFORMAT, "%s: not a JSON object", path);
	else if (!json_object_object_get_ex(j->root, "format", &v) ||
		 !json_object_is_type(v, json_type_int) || json_object_get_int64(v) != JOURNAL_FORMAT)
		rc = dupg__error(DUPG_EFORMAT, "%s: missing or unknown \"format\" (this library writes %d)",
				 path, JOURNAL_FORMAT);
	if (rc == 0)
		rc = journal_string(&j->third, &j->third_len, j->root, "third", 0, path);
	if (rc == 0)
		rc = journal_string(&j->fourth, &j->fourth_len, j->root, "fourth", 0, path);
	if (rc == 0)
		rc = journal_string(&j->rollback_prev, &j->rollback_prev_len, j->root,
				    "rollback_previous", 1, path);
	if (rc == 0)
		rc = journal_string(&j->list_prev, &j->list_prev_len, j->root, "list_previous", 0, path);
	/* optional: journals of changes that raise no floor (and of earlier versions) lack it */
	if (rc == 0 && json_object_object_get_ex(j->root, "floor", &v))
		rc = journal_string(&j->floor, &j->floor_len, j->root, "floor", 0, path);
	if (rc == 0 && (!json_object_object_get_ex(j->root, "deletable", &j->deletable) ||
			!json_object_is_type(j->deletable, json_type_array)))
		rc = dupg__error(DUPG_EFORMAT, "%s: \"deletable\" missing or not an array", path);
	for (i = 0; rc == 0 && i < json_object_array_length(j->deletable); i++) {
		v = json_object_array_get_idx(j->deletable, i);
		if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
			rc = dupg__error(DUPG_EFORMAT, "%s: \"deletable\" entry %zu is not a path", path, i);
	}
	if (rc == 0)
		rc = journal_check_deletable(j, n, path);
	if (rc != 0) {
		json_object_put(j->root);
		memset(j, 0, sizeof(*j));
	}
	return rc;
}

/* Make `path` hold exactly data (or not exist when data is NULL), writing only when it does not. */
static int settle(const char *path, const char *data, size_t len, int no_fsync)
{
	char *cur;
	size_t cur_len;
	int rc;

	if (data == NULL)
		return remove_file(path, NULL);
	rc = read_optional(&cur, &cur_len, path, DUPG__LIST_MAX_BYTES);
	if (rc == DUPG_EFORMAT)
		cur = NULL; /* too large to be ours: rewrite it */
	else if (rc != 0)
		return rc;
	rc = 0;
	if (!same_content(cur, cur_len, data, len))
		rc = dupg__fs_write_atomic(path, data, len, no_fsync, NULL, NULL);
	free(cur);
	return rc;
}

static int finish_journal(const struct names *n, int no_fsync)
{
	int rc = 0;

	if (!no_fsync)
		rc = dupg__fs_fsync_dir(n->dir);
	if (rc == 0)
		rc = remove_file(n->journal, NULL);
	if (rc == 0 && !no_fsync)
		rc = dupg__fs_fsync_dir(n->dir);
	return rc;
}

static int recover(dupg_recover_report *r, const struct names *n, int no_fsync)
{
	struct journal j;
	char *list = NULL;
	size_t list_len, i;
	int rc;

	rc = exists(n->list);
	if (rc == 0)
		return dupg__error(DUPG_ENOTFOUND, "%s: no such list file", n->list);
	if (rc < 0)
		return rc;
	rc = remove_temps(n, &r->temps_removed);
	if (rc == 0 && r->temps_removed > 0 && !no_fsync)
		rc = dupg__fs_fsync_dir(n->dir);
	if (rc == 0)
		rc = exists(n->journal);
	if (rc <= 0)
		return rc; /* no journal: nothing was interrupted */
	rc = journal_read(&j, n);
	if (rc != 0)
		return rc;
	rc = dupg__fs_read(&list, &list_len, n->list, DUPG__LIST_MAX_BYTES);
	if (rc == 0 && same_content(list, list_len, j.third, j.third_len)) {
		/* past the commit point: redo what may be missing, forward */
		r->action = DUPG_RECOVER_FINISHED;
		rc = settle(n->rollback, j.fourth, j.fourth_len, no_fsync);
		/* the floor rises with the upgrade it belongs to */
		if (rc == 0 && j.floor != NULL)
			rc = settle(n->floor, j.floor, j.floor_len, no_fsync);
		for (i = 0; rc == 0 && i < json_object_array_length(j.deletable); i++)
			rc = remove_in_store(n, json_object_get_string(
						       json_object_array_get_idx(j.deletable, i)),
					    &r->files_deleted);
	} else if (rc == 0) {
		/* LIST was never replaced, so no package was deleted: put the rollback list back */
		r->action = DUPG_RECOVER_UNDONE;
		rc = settle(n->rollback, j.rollback_prev, j.rollback_prev_len, no_fsync);
	}
	if (rc == 0)
		rc = finish_journal(n, no_fsync);
	free(list);
	json_object_put(j.root);
	return rc;
}

static const char *const step_names[] = {
	"journal_temp", "journal", "rollback_temp", "rollback", "list_temp", "list", "delete", "done",
};
static const char *const recover_names[] = { "clean", "finished", "undone" };

const char *dupg_apply_step_name(dupg_apply_step step)
{
	return dupg__name_of(step_names, DUPG__COUNT(step_names), (int)step);
}

int dupg_apply_step_parse(dupg_apply_step *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, step_names, DUPG__COUNT(step_names), name, "apply step");
	if (rc == 0 && out != NULL)
		*out = (dupg_apply_step)v;
	return rc;
}

const char *dupg_recover_action_name(dupg_recover_action action)
{
	return dupg__name_of(recover_names, DUPG__COUNT(recover_names), (int)action);
}

int dupg_recover_action_parse(dupg_recover_action *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, recover_names, DUPG__COUNT(recover_names), name,
					 "recover action");
	if (rc == 0 && out != NULL)
		*out = (dupg_recover_action)v;
	return rc;
}

int dupg_store_recover(dupg_recover_report *report, const char *list_file,
		       const dupg_apply_options *opts)
{
	dupg_recover_report r = { DUPG_RECOVER_CLEAN, 0, 0 };
	dupg__lock lock = DUPG__LOCK_INIT;
	struct names n;
	int rc;

	if (report != NULL)
		*report = r;
	if (list_file == NULL || *list_file == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_store_recover: list file is required");
	rc = check_options(&opts);
	if (rc != 0)
		return rc;
	rc = names_init(&n, list_file);
	if (rc != 0)
		return rc;
	rc = check_not_link(list_file, list_file);
	if (rc == 0 && exists(list_file) == 0)
		rc = dupg__error(DUPG_ENOTFOUND, "%s: no such list file", list_file);
	/* the lock tells a live change (wait for it) from a dead one (finish or undo it) */
	if (rc == 0)
		rc = dupg__lock_take(&lock, n.dir, 1, opts->lock_timeout_ms, list_file);
	if (rc == 0)
		rc = recover(&r, &n, opts->no_fsync);
	dupg__lock_drop(&lock);
	names_free(&n);
	if (report != NULL)
		*report = r;
	return rc;
}

/* Calls the step callback from inside dupg__write_atomic, before its rename. */
struct hook {
	const dupg_apply_options *opts;
	dupg_apply_step step;
};

static int hook_before_rename(void *payload)
{
	struct hook *h = payload;

	return h->opts->step_cb(h->step, h->opts->payload);
}

/* The file the step being reported concerns, for dupg_apply_step_path(); per thread. */
static _Thread_local const char *step_path;

const char *dupg_apply_step_path(void)
{
	return step_path;
}

static int step_file_done(const dupg_apply_options *o, dupg_apply_step step, const char *path,
			  const char *list_file)
{
	int stop;

	if (o->step_cb == NULL)
		return 0;
	step_path = path;
	stop = o->step_cb(step, o->payload);
	step_path = NULL;
	if (stop != 0 && path != NULL)
		return dupg__error(DUPG_EABORTED, "%s: apply stopped by the step callback at step %s "
				   "(%s)", list_file, dupg_apply_step_name(step), path);
	if (stop != 0)
		return dupg__error(DUPG_EABORTED, "%s: apply stopped by the step callback at step %s",
				   list_file, dupg_apply_step_name(step));
	return 0;
}

static int step_done(const dupg_apply_options *o, dupg_apply_step step, const char *list_file)
{
	return step_file_done(o, step, NULL, list_file);
}

static int write_step(const dupg_apply_options *o, const char *path, const char *data, size_t len,
		      dupg_apply_step temp_step, const char *list_file)
{
	struct hook h = { o, temp_step };
	int rc;

	rc = dupg__fs_write_atomic(path, data, len, o->no_fsync,
				o->step_cb != NULL ? hook_before_rename : NULL, &h);
	if (rc == 0)
		rc = step_done(o, (dupg_apply_step)(temp_step + 1), list_file);
	return rc;
}

/*
 * A transition: what one operation makes of the store, prepared in full
 * before the first change on disk. A prune and a rollback each build one;
 * writing it, and recovering after a crash part-way, are the same for both.
 */
struct transition {
	const char *operation;           /* "prune" or "rollback", for whoever reads the journal */
	char *list, *rollback, *journal; /* new LIST text, new LIST.rollback text, the journal */
	size_t list_len, rollback_len, journal_len;
	char **deletable;                /* files to remove, as LIST names them */
	size_t ndel;
	dupg_pathlist *new_list;         /* the handle's list afterwards */
	char *floor;                     /* new LIST.floor text, NULL when the floor stays */
	size_t floor_len;
};

static void transition_free(struct transition *tr)
{
	free(tr->list);
	free(tr->rollback);
	free(tr->journal);
	free(tr->floor);
	free(tr->deletable);
	dupg_pathlist_free(tr->new_list);
	memset(tr, 0, sizeof(*tr));
}

static int render_list(char **out, size_t *len, const dupg_prune *p, dupg_prune_list which,
		       const char *target)
{
	size_t i, n = dupg_prune_count(p, which);
	size_t *sel = malloc((n + 1) * sizeof(*sel));
	int rc;

	if (sel == NULL)
		return dupg__error_nomem();
	for (i = 0; i < n; i++)
		sel[i] = dupg_prune_index(p, which, i);
	rc = dupg__pathlist_render(out, len, dupg_prune_second(p), sel, n, target);
	free(sel);
	return rc;
}

/* Rendered lines as an array of strings, pointers and text in one allocation. */
static int split_lines(char ***out, size_t n, const char *text, size_t len)
{
	char **arr = malloc((n + 1) * sizeof(*arr) + len + 1);
	char *p;
	size_t i;

	if (arr == NULL)
		return dupg__error_nomem();
	p = memcpy(arr + n + 1, text, len + 1);
	for (i = 0; i < n; i++) {
		char *nl = strchr(p, '\n');
		arr[i] = p;
		*nl = '\0';
		p = nl + 1;
	}
	arr[n] = NULL;
	*out = arr;
	return 0;
}

static int transition_of_prune(struct transition *tr, const struct names *n, const dupg_prune *p)
{
	char *del_text = NULL;
	size_t del_len;
	int rc;

	tr->operation = "prune";
	tr->ndel = dupg_prune_count(p, DUPG_LIST_DELETABLE);
	rc = render_list(&tr->list, &tr->list_len, p, DUPG_LIST_THIRD, n->list);
	if (rc == 0)
		rc = render_list(&tr->rollback, &tr->rollback_len, p, DUPG_LIST_FOURTH, n->rollback);
	if (rc == 0)
		rc = render_list(&del_text, &del_len, p, DUPG_LIST_DELETABLE, n->list);
	if (rc == 0)
		rc = split_lines(&tr->deletable, tr->ndel, del_text, del_len);
	if (rc == 0)
		rc = dupg_prune_list_dup(&tr->new_list, p, DUPG_LIST_THIRD);
	free(del_text);
	return rc;
}

/* A file as the file system knows it: two spellings of one path are one file. */
struct fileid {
	dev_t dev;
	ino_t ino;
};

/* *id of path; 1 when it exists, 0 when not, or a negative code. */
static int file_id(struct fileid *id, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		return dupg__error_sys(errno, "%s: cannot stat", path);
	}
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 1;
}

/*
 * Is path (as LIST names it) one of the kept files under another spelling
 * ("./pkg3" for "pkg3")? Removing it would leave the rollback list naming a
 * missing package.
 */
static int is_kept_file(int *kept, const struct names *n, const char *path,
			const struct fileid *ids, size_t nids)
{
	char *full = dupg__path_join(n->dir, path);
	struct fileid id;
	size_t i;
	int rc;

	*kept = 0;
	if (full == NULL)
		return dupg__error_nomem();
	rc = file_id(&id, full);
	free(full);
	for (i = 0; rc > 0 && i < nids; i++)
		if (ids[i].dev == id.dev && ids[i].ino == id.ino)
			*kept = 1;
	return rc < 0 ? rc : 0;
}

/*
 * Back to the rollback list: LIST becomes LIST.rollback's paths, LIST.rollback
 * stays, and what LIST named beyond them (the packages of the upgrade that
 * failed) is deleted.
 */
static int transition_of_rollback(struct transition *tr, const struct names *n, const dupg_store *s)
{
	size_t nkept, nold = dupg_pathlist_count(s->list), old_len, i, k, id;
	struct fileid *ids = NULL;
	dupg_strmap *kept = NULL;
	char **kept_lines = NULL, *old = NULL;
	int rc, keep;

	tr->operation = "rollback";
	rc = exists(n->rollback);
	if (rc == 0)
		return dupg__error(DUPG_ENOTFOUND, "%s: no rollback list (%s missing): nothing to roll back to",
				   n->list, n->rollback);
	if (rc < 0)
		return rc;
	rc = dupg_pathlist_load(&tr->new_list, n->rollback);
	if (rc != 0)
		return rc;
	nkept = dupg_pathlist_count(tr->new_list);
	rc = dupg__pathlist_render(&tr->list, &tr->list_len, tr->new_list, NULL, 0, n->list);
	if (rc == 0)
		rc = dupg__pathlist_render(&tr->rollback, &tr->rollback_len, tr->new_list, NULL, 0,
					   n->rollback);
	/* kept: the new LIST's paths as LIST will name them, and the files they are */
	if (rc == 0)
		rc = split_lines(&kept_lines, nkept, tr->list, tr->list_len);
	if (rc == 0)
		rc = dupg__strmap_new(&kept);
	for (i = 0; rc == 0 && i < nkept; i++)
		rc = dupg__strmap_intern(kept, kept_lines[i], &id, NULL);
	if (rc == 0 && (ids = malloc((nkept + 1) * sizeof(*ids))) == NULL)
		rc = dupg__error_nomem();
	for (i = 0; rc == 0 && i < nkept; i++) {
		const char *path = dupg_pathlist_resolved(tr->new_list, i);
		rc = file_id(&ids[i], path);
		if (rc == 0)
			rc = dupg__error(DUPG_ENOTFOUND, "%s: %s: no such package file",
					 n->rollback, dupg_pathlist_path(tr->new_list, i));
		else if (rc > 0)
			rc = 0;
	}
	/* deleted: the old LIST's paths, as it names them, that are none of those */
	if (rc == 0)
		rc = dupg__pathlist_render(&old, &old_len, s->list, NULL, 0, n->list);
	if (rc == 0)
		rc = split_lines(&tr->deletable, nold, old, old_len);
	for (i = 0, k = 0; rc == 0 && i < nold; i++) {
		keep = dupg__strmap_find(kept, tr->deletable[i]) != DUPG_NONE;
		if (!keep)
			rc = is_kept_file(&keep, n, tr->deletable[i], ids, nkept);
		if (rc == 0 && !keep)
			tr->deletable[k++] = tr->deletable[i];
	}
	if (rc == 0) {
		tr->deletable[k] = NULL;
		tr->ndel = k;
	}
	free(old);
	free(ids);
	free(kept_lines);
	dupg__strmap_free(kept);
	return rc;
}

/* The journal of a transition: its new texts, and the texts they replace. */
static int transition_journal(struct transition *tr, const struct names *n)
{
	char *prev_list = NULL, *prev_rb = NULL;
	size_t prev_list_len, prev_rb_len;
	json_object *obj;
	int rc;

	rc = dupg__fs_read(&prev_list, &prev_list_len, n->list, DUPG__LIST_MAX_BYTES);
	if (rc == 0)
		rc = read_optional(&prev_rb, &prev_rb_len, n->rollback, DUPG__LIST_MAX_BYTES);
	if (rc == 0 && (tr->list_len > INT32_MAX || tr->rollback_len > INT32_MAX ||
			prev_list_len > INT32_MAX || prev_rb_len > INT32_MAX))
		rc = dupg__error(DUPG_EINVAL, "%s: list too large for the journal", n->list);
	if (rc == 0) {
		obj = json_object_new_object();
		obj = dupg__jadd(obj, "format", json_object_new_int(JOURNAL_FORMAT));
		obj = dupg__jadd_str(obj, "operation", tr->operation, SIZE_MAX);
		obj = dupg__jadd_str(obj, "third", tr->list, tr->list_len);
		obj = dupg__jadd_str(obj, "fourth", tr->rollback, tr->rollback_len);
		obj = dupg__jadd(obj, "deletable",
				 dupg__jstr_array((const char *const *)tr->deletable, tr->ndel));
		obj = dupg__jadd_str(obj, "rollback_previous", prev_rb, prev_rb_len);
		obj = dupg__jadd_str(obj, "list_previous", prev_list, prev_list_len);
		if (tr->floor != NULL)
			obj = dupg__jadd_str(obj, "floor", tr->floor, tr->floor_len);
		rc = dupg__jobj_finish(&tr->journal, obj);
		if (rc == 0)
			tr->journal_len = strlen(tr->journal);
	}
	free(prev_list);
	free(prev_rb);
	return rc;
}

/* Whether LIST holds the new text: the commit point was passed. */
static int committed(const struct names *n, const struct transition *tr)
{
	char *cur = NULL;
	size_t len = 0;
	int yes;

	if (dupg__fs_read(&cur, &len, n->list, DUPG__LIST_MAX_BYTES) != 0)
		return 0;
	yes = same_content(cur, len, tr->list, tr->list_len);
	free(cur);
	return yes;
}

/*
 * The steps of the header, in order; the handle takes the new list once
 * LIST holds it. A real failure before the commit point is undone at once
 * (the store as it was); one after it is finished by recovery when it can
 * be, and reported as DUPG_ECOMMITTED either way: the change happened.
 */
static int transition_apply(dupg_store *s, struct transition *tr, const struct names *n,
			    const dupg_apply_options *o)
{
	dupg_recover_report r = { DUPG_RECOVER_CLEAN, 0, 0 };
	dupg__error_saved saved;
	size_t i;
	int rc, done;

	rc = write_step(o, n->journal, tr->journal, tr->journal_len, DUPG_STEP_JOURNAL_TEMP, n->list);
	if (rc == 0)
		rc = write_step(o, n->rollback, tr->rollback, tr->rollback_len, DUPG_STEP_ROLLBACK_TEMP,
				n->list);
	if (rc == 0)
		rc = write_step(o, n->list, tr->list, tr->list_len, DUPG_STEP_LIST_TEMP, n->list);
	/* past the commit point: the floor, which recovery writes again from the journal if need be */
	if (rc == 0 && tr->floor != NULL)
		rc = dupg__fs_write_atomic(n->floor, tr->floor, tr->floor_len, o->no_fsync, NULL, NULL);
	for (i = 0; rc == 0 && i < tr->ndel; i++) {
		rc = remove_in_store(n, tr->deletable[i], NULL);
		if (rc == 0)
			rc = step_file_done(o, DUPG_STEP_DELETE, tr->deletable[i], n->list);
	}
	if (rc == 0)
		rc = finish_journal(n, o->no_fsync);
	if (rc == DUPG_EABORTED)
		return rc; /* a simulated crash leaves the disk as a real one would */
	done = rc == 0 || committed(n, tr);
	if (done) {
		dupg_pathlist_free(s->list);
		s->list = tr->new_list;
		tr->new_list = NULL;
		s->list_hash = XXH3_64bits(tr->list, tr->list_len);
		s->list_len = tr->list_len;
	}
	if (rc == 0) {
		save_cache(s, o->no_fsync);
		return step_done(o, DUPG_STEP_DONE, n->list);
	}
	dupg__error_save(&saved);
	if (recover(&r, n, o->no_fsync) != 0)
		r.action = DUPG_RECOVER_CLEAN; /* it could not: the caller's recover will */
	dupg__error_restore(&saved);
	if (!done)
		return rc;
	return dupg__error_prefix(DUPG_ECOMMITTED,
				  "%s: the change is committed (LIST is the new list), but finishing it "
				  "failed%s", n->list,
				  r.action == DUPG_RECOVER_FINISHED ? " and was finished again"
								     : "; dupg_store_recover() finishes it");
}

/*
 * Apply a prune of downloaded (p NULL: a rollback) to the store, under its
 * lock, on the list LIST holds then; *out takes the prune, *deleted the
 * removed paths, when asked.
 */
static int change(dupg_prune **out, char ***deleted, size_t *ndeleted, dupg_store *s,
		  const dupg_pathlist *downloaded, const dupg_prune_options *po,
		  const dupg_apply_options *o, const dupg_admit_options *ao)
{
	dupg__lock lock = DUPG__LOCK_INIT;
	struct dupg__admit admit;
	struct transition tr;
	dupg_prune *p = NULL;
	struct names n;
	int rc;

	memset(&tr, 0, sizeof(tr));
	memset(&admit, 0, sizeof(admit));
	rc = names_init(&n, s->list_file);
	if (rc != 0)
		return rc;
	rc = check_not_link(n.list, n.list);
	if (rc == 0)
		rc = check_not_link(n.rollback, n.list);
	if (rc == 0)
		rc = dupg__lock_take(&lock, n.dir, 1, o->lock_timeout_ms, n.list);
	if (rc == 0)
		rc = check_no_journal(&n);
	/* another process may have changed the store since this handle read it */
	if (rc == 0)
		rc = refresh(s);
	/* nothing unverified enters: every new package, before the journal */
	if (rc == 0 && downloaded != NULL)
		rc = dupg__admit_check(&admit, n.list, s->list, downloaded, ao);
	if (rc == 0 && downloaded != NULL)
		rc = dupg_prune_compute(&p, s->list, downloaded, po);
	if (rc == 0)
		rc = downloaded != NULL ? transition_of_prune(&tr, &n, p)
					: transition_of_rollback(&tr, &n, s);
	if (rc == 0 && downloaded != NULL)
		rc = dupg__admit_render(&tr.floor, &tr.floor_len, &admit);
	if (rc == 0)
		rc = transition_journal(&tr, &n);
	if (rc == 0)
		rc = transition_apply(s, &tr, &n, o);
	dupg__admit_free(&admit);
	dupg__lock_drop(&lock);
	if ((rc == 0 || rc == DUPG_ECOMMITTED) && deleted != NULL) {
		*deleted = tr.deletable;
		tr.deletable = NULL;
		if (ndeleted != NULL)
			*ndeleted = tr.ndel;
	}
	if ((rc == 0 || rc == DUPG_ECOMMITTED) && out != NULL)
		*out = p;
	else
		dupg_prune_free(p);
	transition_free(&tr);
	names_free(&n);
	return rc;
}

/* dupg_store_prune and its _ext: the checks both make, under the caller's name. */
static int prune_checked(dupg_prune **out, dupg_store *s, const dupg_pathlist *downloaded,
			 const dupg_prune_options *prune, const dupg_apply_options *opts,
			 const dupg_admit_options *admit, const char *fn)
{
	int rc;

	if (out != NULL)
		*out = NULL;
	if (s == NULL || downloaded == NULL)
		return dupg__error(DUPG_EINVAL, "%s: NULL argument", fn);
	rc = check_options(&opts);
	if (rc != 0)
		return rc;
	/* the rollback list would become the stored list and the one before it be lost */
	if (dupg_pathlist_count(downloaded) == 0)
		return dupg__error(DUPG_EINVAL,
				   "%s: the download is empty: nothing to prune (the store is unchanged)",
				   s->list_file);
	return change(out, NULL, NULL, s, downloaded, prune, opts, admit);
}

int dupg_store_prune(dupg_prune **out, dupg_store *s, const dupg_pathlist *downloaded,
		     const dupg_prune_options *prune, const dupg_apply_options *opts)
{
	return prune_checked(out, s, downloaded, prune, opts, NULL, "dupg_store_prune");
}

int dupg_store_prune_ext(dupg_prune **out, dupg_store *s, const dupg_pathlist *downloaded,
			 const dupg_prune_options *prune, const dupg_apply_options *opts,
			 const dupg_admit_options *admit)
{
	return prune_checked(out, s, downloaded, prune, opts, admit, "dupg_store_prune_ext");
}

int dupg_store_rollback(char ***deleted, size_t *ndeleted, dupg_store *s,
			const dupg_apply_options *opts)
{
	int rc;

	if (deleted != NULL)
		*deleted = NULL;
	if (ndeleted != NULL)
		*ndeleted = 0;
	if (s == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_store_rollback: NULL store");
	rc = check_options(&opts);
	if (rc != 0)
		return rc;
	return change(NULL, deleted, ndeleted, s, NULL, NULL, opts, NULL);
}
