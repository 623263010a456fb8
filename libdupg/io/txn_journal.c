/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A transaction's journal in one file (I/O): whole journals replace it as the
 * store replaces its lists (temporary file, fsync, rename, directory fsync);
 * changes are appended and fdatasynced. A write cut short by a crash leaves a
 * torn last block, which resume recognises by its length and hash.
 */
#include "internal.h"

#include "util/fs.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A journal holds one record per device at most, plus the changes: far below this. */
#define JOURNAL_MAX_BYTES ((size_t)1 << 32)

struct dupg_txn_file {
	char *path;
	int no_fsync;
	int fd; /* open for appending to the current whole journal; -1 when not */
};

static int check_options(const dupg_apply_options **opts)
{
	static const dupg_apply_options defaults = DUPG_APPLY_OPTIONS_INIT;

	if (*opts == NULL)
		*opts = &defaults;
	if ((*opts)->version != DUPG_APPLY_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "apply options: unknown version %u", (*opts)->version);
	return 0;
}

int dupg_txn_file_open(dupg_txn_file **out, const char *path, const dupg_apply_options *opts)
{
	dupg_txn_file *f;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || path == NULL || *path == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_txn_file_open: a path is required");
	if ((rc = check_options(&opts)) != 0)
		return rc;
	f = calloc(1, sizeof(*f));
	if (f == NULL || (f->path = strdup(path)) == NULL) {
		free(f);
		return dupg__error_nomem();
	}
	f->no_fsync = opts->no_fsync;
	f->fd = -1;
	*out = f;
	return 0;
}

void dupg_txn_file_free(dupg_txn_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

static int append(dupg_txn_file *f, const char *data, size_t len)
{
	if (f->fd < 0) {
		f->fd = open(f->path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (f->fd < 0)
			return dupg__error_errno(DUPG_EIO, errno, "%s: cannot open the journal to append",
						 f->path);
	}
	while (len > 0) {
		ssize_t n = write(f->fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dupg__error_sys(errno, "%s: append failed", f->path);
		}
		data += n;
		len -= (size_t)n;
	}
	/* the size changes too, and fdatasync covers that */
	if (!f->no_fsync && fdatasync(f->fd) != 0)
		return dupg__error_sys(errno, "%s: fdatasync failed", f->path);
	return 0;
}

int dupg_txn_file_write(const char *data, size_t len, int replace, void *payload)
{
	dupg_txn_file *f = payload;

	if (f == NULL || (data == NULL && len > 0))
		return dupg__error(DUPG_EINVAL, "dupg_txn_file_write: NULL argument");
	if (!replace)
		return append(f, data, len);
	/* the rename gives the name a new file: later appends go there */
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	return dupg__fs_write_atomic(f->path, data, len, f->no_fsync, NULL, NULL);
}

/* "NAME.tmp." + the six characters mkstemp picks (dupg__fs_write_atomic's temporary files)? */
static int is_temp_of(const char *name, const char *base)
{
	size_t bl = strlen(base), i;

	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) != 0)
		return 0;
	name += bl + 5;
	for (i = 0; name[i] != '\0'; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return 0;
	return i == 6;
}

/* Remove path's temporary files; *removed counts them. */
static int remove_temps(const char *path, const char *dir, size_t *removed)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return dupg__error_sys(errno, "%s: cannot open directory", dir);
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char *full;

		if (!is_temp_of(e->d_name, base))
			continue;
		full = dupg__path_join(dir, e->d_name);
		if (full == NULL)
			rc = dupg__error_nomem();
		else if (unlink(full) == 0)
			(*removed)++;
		else if (errno != ENOENT)
			rc = dupg__error_sys(errno, "%s: cannot remove", full);
		free(full);
	}
	closedir(d);
	return rc;
}

int dupg_txn_resume_file(dupg_txn **out, const dupg_txn_member *members, size_t nmembers,
			 const char *path, const dupg_txn_options *opts)
{
	char *dir, *text = NULL;
	size_t len = 0, removed = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || path == NULL || *path == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_txn_resume_file: NULL argument");
	dir = dupg__path_dirname(path);
	if (dir == NULL)
		return dupg__error_nomem();
	rc = remove_temps(path, dir, &removed);
	free(dir);
	if (rc == 0)
		rc = dupg__fs_read(&text, &len, path, JOURNAL_MAX_BYTES);
	if (rc == 0) {
		rc = dupg_txn_resume(out, members, nmembers, text, len, opts);
		if (rc != 0)
			rc = dupg__error_prefix(rc, "%s", path);
	}
	free(text);
	return rc;
}

int dupg_txn_file_remove(const char *path, const dupg_apply_options *opts)
{
	char *dir;
	size_t removed = 0;
	int rc;

	if (path == NULL || *path == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_txn_file_remove: a path is required");
	if ((rc = check_options(&opts)) != 0)
		return rc;
	if (unlink(path) != 0 && errno != ENOENT)
		return dupg__error_sys(errno, "%s: cannot remove", path);
	dir = dupg__path_dirname(path);
	if (dir == NULL)
		return dupg__error_nomem();
	rc = remove_temps(path, dir, &removed);
	if (rc == 0 && !opts->no_fsync)
		rc = dupg__fs_fsync_dir(dir);
	free(dir);
	return rc;
}
