/* SPDX-License-Identifier: BSD-2-Clause */
/* The package set: DIR read into an immutable index, its views, and the current one. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"

#define VIEWS_MAX 64

struct view_slot {
	char *key;
	struct srv_view view;
};

struct srv_index {
	int refs; /* under refs_lock */
	int dirfd;
	struct srv_pkg *pkgs;
	size_t n;
	dupg_strmap *names; /* name -> position in pkgs */
	char *versions;
	pthread_mutex_t views_lock;
	struct view_slot views[VIEWS_MAX];
	size_t nviews;
};

static pthread_mutex_t refs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct srv_index *current;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct srv_pkg *)a)->name, ((const struct srv_pkg *)b)->name);
}

static void pkg_clear(struct srv_pkg *p)
{
	free(p->name);
	free(p->path);
	dupg_manifest_free(p->manifest);
}

static void view_free(struct srv_view *v)
{
	dupg_pkgset_free(v->set);
	free(v->pkg);
}

static void index_free(struct srv_index *idx)
{
	size_t i;

	if (idx == NULL)
		return;
	for (i = 0; i < idx->n; i++)
		pkg_clear(&idx->pkgs[i]);
	for (i = 0; i < idx->nviews; i++) {
		free(idx->views[i].key);
		view_free(&idx->views[i].view);
	}
	free(idx->pkgs);
	dupg__strmap_free(idx->names);
	free(idx->versions);
	if (idx->dirfd >= 0)
		close(idx->dirfd);
	pthread_mutex_destroy(&idx->views_lock);
	free(idx);
}

/* Read one entry of DIR into *p; non-zero leaves it out (the message says why). */
static int read_pkg(struct srv_pkg *p, int dirfd, const char *dir, const char *name, const char *base,
		    int verify, const dupg_trust *trust)
{
	dupg_verify_options vo = DUPG_VERIFY_OPTIONS_INIT;
	struct stat st;
	unsigned char digest[16];
	char *full;
	uint64_t size = 0;
	int rc, i;

	memset(p, 0, sizeof(*p));
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return dupg__error_sys(errno, "%s/%s", dir, name);
	if (!S_ISREG(st.st_mode))
		return dupg__error(DUPG_EINVAL, "%s/%s: not a regular file (%s)", dir, name,
				   S_ISLNK(st.st_mode) ? "a symlink" : "a directory or device");
	full = dupg__printf("%s/%s", dir, name);
	if (full == NULL)
		return dupg__error_nomem();
	/* with a trust store, a package not signed under it is never offered */
	vo.policy = trust != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	vo.trust = trust;
	if (trust == NULL)
		vo.now = DUPG_VERIFY_NO_EXPIRY;
	rc = verify ? dupg_package_verify_ext(&p->manifest, full, &vo)
		    : dupg_package_read_manifest_ext(&p->manifest, full, &vo);
	if (rc != 0)
		rc = dupg__error(rc, "%s", dupg_error_last());
	if (rc == 0 && (rc = dupg_file_xxh128(digest, &size, full)) != 0)
		rc = dupg__error(rc, "%s", dupg_error_last());
	free(full);
	if (rc != 0) {
		dupg_manifest_free(p->manifest);
		p->manifest = NULL;
		return rc;
	}
	p->etag[0] = '"';
	for (i = 0; i < 16; i++) {
		static const char hex[] = "0123456789abcdef";
		p->etag[1 + 2 * i] = hex[digest[i] >> 4];
		p->etag[2 + 2 * i] = hex[digest[i] & 15];
	}
	p->etag[33] = '"';
	p->etag[34] = '\0';
	p->size = size;
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	p->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	p->name = dupg__strdup(name);
	p->path = base ? dupg__printf("%s%s%s", base, base[0] && base[strlen(base) - 1] == '/' ? "" : "/",
				      name)
		       : dupg__printf("/v1/packages/%s", name);
	if (p->name == NULL || p->path == NULL) {
		pkg_clear(p);
		return dupg__error_nomem();
	}
	return 0;
}

/* The latest version of each hardware type, from the whole set. */
static int make_versions(struct srv_index *idx, const dupg_pkgset *all)
{
	json_object *root = json_object_new_object(), *v = json_object_new_object();
	dupg_strmap *seen = NULL;
	size_t i, h;
	int rc = dupg__strmap_new(&seen);

	if (root == NULL || v == NULL || rc != 0) {
		json_object_put(root);
		json_object_put(v);
		dupg__strmap_free(seen);
		return dupg__error_nomem();
	}
	json_object_object_add(root, "versions", v);
	for (i = 0; i < idx->n && rc == 0; i++) {
		const dupg_manifest *m = idx->pkgs[i].manifest;

		for (h = 0; h < dupg_manifest_hw_count(m) && rc == 0; h++) {
			const char *hw = dupg_manifest_hw(m, h);
			size_t id, best;
			int added = 0;

			if ((rc = dupg__strmap_intern(seen, hw, &id, &added)) != 0 || !added)
				continue;
			best = dupg_pkgset_best(all, hw);
			if (best != DUPG_NONE)
				json_object_object_add(v, hw, json_object_new_string(dupg_pkgset_version(all, best)));
		}
	}
	if (rc == 0) {
		idx->versions = dupg__strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		if (idx->versions == NULL)
			rc = dupg__error_nomem();
	}
	json_object_put(root);
	dupg__strmap_free(seen);
	return rc;
}

static int build_view(struct srv_view *v, const struct srv_index *idx, const unsigned char *withheld)
{
	size_t i;
	int rc;

	memset(v, 0, sizeof(*v));
	if ((rc = dupg_pkgset_new(&v->set)) != 0)
		return dupg__error(rc, "%s", dupg_error_last());
	v->pkg = malloc((idx->n ? idx->n : 1) * sizeof(*v->pkg));
	if (v->pkg == NULL) {
		view_free(v);
		return dupg__error_nomem();
	}
	for (i = 0; i < idx->n; i++) {
		if (withheld != NULL && withheld[i])
			continue;
		if ((rc = dupg_pkgset_add_manifest(v->set, idx->pkgs[i].path, idx->pkgs[i].manifest)) != 0) {
			rc = dupg__error(rc, "%s: %s", idx->pkgs[i].name, dupg_error_last());
			view_free(v);
			return rc;
		}
		v->pkg[dupg_pkgset_count(v->set) - 1] = i;
	}
	return 0;
}

int srv_index_load(struct srv_index **out, const char *dir, const char *base, int verify,
		   const dupg_trust *trust, FILE *log, size_t *bad)
{
	struct srv_index *idx;
	const struct srv_view *all;
	DIR *d;
	struct dirent *e;
	size_t cap = 0, i;
	int rc = 0, fd;

	*out = NULL;
	*bad = 0;
	idx = calloc(1, sizeof(*idx));
	if (idx == NULL)
		return dupg__error_nomem();
	idx->refs = 1;
	idx->dirfd = -1;
	pthread_mutex_init(&idx->views_lock, NULL);
	if ((rc = dupg__strmap_new(&idx->names)) != 0) {
		index_free(idx);
		return rc;
	}
	idx->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (idx->dirfd < 0) {
		rc = dupg__error_sys(errno, "%s: cannot open the package directory", dir);
		index_free(idx);
		return rc;
	}
	fd = dup(idx->dirfd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		rc = dupg__error_sys(errno, "%s", dir);
		if (fd >= 0)
			close(fd);
		index_free(idx);
		return rc;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((rc = dupg__grow_p(&idx->pkgs, &cap, idx->n + 1, sizeof(*idx->pkgs))) != 0)
			break;
		if (read_pkg(&idx->pkgs[idx->n], idx->dirfd, dir, e->d_name, base, verify, trust) != 0) {
			if (dupg__error_code() == DUPG_ENOMEM) {
				rc = DUPG_ENOMEM;
				break;
			}
			/* a bad package is reported and left out, never fatal */
			if (log != NULL)
				fprintf(log, "dupg-server: left out: %s\n", dupg__error_msg());
			(*bad)++;
			continue;
		}
		idx->n++;
	}
	closedir(d);
	if (rc == 0) {
		/* in name order: the set's ties go the same way on every load */
		qsort(idx->pkgs, idx->n, sizeof(*idx->pkgs), by_name);
		for (i = 0; i < idx->n && rc == 0; i++) {
			size_t id;
			int added;

			rc = dupg__strmap_intern(idx->names, idx->pkgs[i].name, &id, &added);
		}
	}
	if (rc == 0)
		rc = srv_index_view(&all, idx, "", NULL);
	if (rc == 0)
		rc = make_versions(idx, all->set);
	if (rc != 0) {
		index_free(idx);
		return rc;
	}
	*out = idx;
	return 0;
}

struct srv_index *srv_index_ref(struct srv_index *idx)
{
	pthread_mutex_lock(&refs_lock);
	if (idx != NULL)
		idx->refs++;
	pthread_mutex_unlock(&refs_lock);
	return idx;
}

void srv_index_unref(struct srv_index *idx)
{
	int last;

	if (idx == NULL)
		return;
	pthread_mutex_lock(&refs_lock);
	last = --idx->refs == 0;
	pthread_mutex_unlock(&refs_lock);
	if (last)
		index_free(idx);
}

struct srv_index *srv_index_current(void)
{
	struct srv_index *idx;

	pthread_mutex_lock(&refs_lock);
	idx = current;
	if (idx != NULL)
		idx->refs++;
	pthread_mutex_unlock(&refs_lock);
	return idx;
}

void srv_index_swap(struct srv_index *idx)
{
	struct srv_index *old;

	pthread_mutex_lock(&refs_lock);
	old = current;
	current = idx;
	pthread_mutex_unlock(&refs_lock);
	srv_index_unref(old);
}

size_t srv_index_count(const struct srv_index *idx)
{
	return idx->n;
}

const struct srv_pkg *srv_index_pkg(const struct srv_index *idx, size_t i)
{
	return i < idx->n ? &idx->pkgs[i] : NULL;
}

size_t srv_index_find(const struct srv_index *idx, const char *name)
{
	return dupg__strmap_find(idx->names, name);
}

int srv_index_dirfd(const struct srv_index *idx)
{
	return idx->dirfd;
}

const char *srv_index_versions(const struct srv_index *idx)
{
	return idx->versions;
}

int srv_index_view(const struct srv_view **out, struct srv_index *idx, const char *key,
		   const unsigned char *withheld)
{
	struct view_slot *slot;
	size_t i;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&idx->views_lock);
	for (i = 0; i < idx->nviews; i++) {
		if (strcmp(idx->views[i].key, key) == 0) {
			*out = &idx->views[i].view;
			pthread_mutex_unlock(&idx->views_lock);
			return 0;
		}
	}
	if (idx->nviews == VIEWS_MAX) {
		/* views in use may not go; 64 is six rollouts withholding at once */
		pthread_mutex_unlock(&idx->views_lock);
		return dupg__error(DUPG_EBUSY, "more than %d rollout views at once", VIEWS_MAX);
	}
	slot = &idx->views[idx->nviews];
	slot->key = dupg__strdup(key);
	if (slot->key == NULL) {
		pthread_mutex_unlock(&idx->views_lock);
		return dupg__error_nomem();
	}
	if ((rc = build_view(&slot->view, idx, withheld)) != 0) {
		free(slot->key);
		pthread_mutex_unlock(&idx->views_lock);
		return rc;
	}
	idx->nviews++;
	*out = &slot->view;
	pthread_mutex_unlock(&idx->views_lock);
	return 0;
}
