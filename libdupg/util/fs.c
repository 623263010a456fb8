/* SPDX-License-Identifier: BSD-2-Clause */
/* File-system helpers (see fs.h). */
#include "config.h"

#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/path.h"

int dupg__fs_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return dupg__error_sys(errno, "%s: cannot open directory", dir);
	if (fsync(fd) != 0) {
		int e = errno;
		close(fd);
		return dupg__error_sys(e, "%s: fsync failed", dir);
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int dupg__fs_atomic_open(dupg__atomic *w, const char *path)
{
	size_t pl = strlen(path);
	int e;

	w->path = path;
	w->fd = -1;
	w->tmp = malloc(pl + sizeof(".tmp.XXXXXX"));
	if (w->tmp == NULL)
		return dupg__error_nomem();
	memcpy(w->tmp, path, pl);
	memcpy(w->tmp + pl, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	w->mode = 0;
	w->fd = mkstemp(w->tmp);
	if (w->fd >= 0)
		return 0;
	e = errno;
	free(w->tmp);
	w->tmp = NULL;
	if (e == ENOENT || e == ENOTDIR)
		return dupg__error(DUPG_ENOTFOUND, "%s: directory does not exist", path);
	return dupg__error_sys(e, "%s: cannot create temporary file", path);
}

void dupg__fs_atomic_abort(dupg__atomic *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp != NULL)
		unlink(w->tmp);
	free(w->tmp);
	w->tmp = NULL;
	w->fd = -1;
}

int dupg__fs_atomic_commit(dupg__atomic *w, int no_fsync, int (*stop_before_rename)(void *),
			   void *payload)
{
	char *dir;
	int rc = 0, fd = w->fd;
	struct stat old;
	mode_t mode = 0644;
	int replaced;

	/*
	 * mkstemp creates 0600: a new file is 0644 (lists and packages are read
	 * by other tools of the master); a file replaced keeps its mode and owner.
	 */
	replaced = lstat(w->path, &old) == 0;
	if (replaced && !S_ISREG(old.st_mode)) {
		/* a rename would replace a device, a FIFO or a link, not write to it */
		rc = dupg__error(DUPG_EUNSUPPORTED, "%s: not a regular file: refusing to replace it",
				 w->path);
	} else if (replaced) {
		mode = old.st_mode & 07777;
		if ((old.st_uid != geteuid() || old.st_gid != getegid()) &&
		    fchown(fd, old.st_uid, old.st_gid) != 0)
			rc = dupg__error_sys(errno, "%s: cannot keep the owner of %s", w->tmp, w->path);
	}
	/* a private key stays private, whatever it replaces */
	if (w->mode != 0)
		mode = (mode_t)w->mode;
	if (rc == 0 && fchmod(fd, mode) != 0)
		rc = dupg__error_sys(errno, "%s: chmod failed", w->tmp);
	if (rc == 0 && !no_fsync && fsync(fd) != 0)
		rc = dupg__error_sys(errno, "%s: fsync failed", w->tmp);
	w->fd = -1;
	if (close(fd) != 0 && rc == 0)
		rc = dupg__error_sys(errno, "%s: close failed", w->tmp);
	if (rc != 0) {
		dupg__fs_atomic_abort(w);
		return rc;
	}
	if (stop_before_rename != NULL && stop_before_rename(payload) != 0) {
		/* a simulated crash: the temporary file stays, as a real one would leave it */
		free(w->tmp);
		w->tmp = NULL;
		return dupg__error(DUPG_EABORTED, "%s: stopped before rename", w->path);
	}
	if (rename(w->tmp, w->path) != 0) {
		rc = dupg__error_sys(errno, "%s: cannot rename %s over it", w->path, w->tmp);
		dupg__fs_atomic_abort(w);
		return rc;
	}
	free(w->tmp);
	w->tmp = NULL;
	if (no_fsync)
		return 0;
	dir = dupg__path_dirname(w->path);
	if (dir == NULL)
		return dupg__error_nomem();
	rc = dupg__fs_fsync_dir(dir);
	free(dir);
	return rc;
}

int dupg__fs_write_atomic(const char *path, const char *data, size_t len, int no_fsync,
			  int (*stop_before_rename)(void *), void *payload)
{
	dupg__atomic w;
	int rc = dupg__fs_atomic_open(&w, path);

	if (rc != 0)
		return rc;
	if (write_all(w.fd, data, len) != 0) {
		rc = dupg__error_sys(errno, "%s: write failed", w.tmp);
		dupg__fs_atomic_abort(&w);
		return rc;
	}
	return dupg__fs_atomic_commit(&w, no_fsync, stop_before_rename, payload);
}

/*
 * Only a regular file is read: a FIFO would block (O_NONBLOCK keeps even the
 * open from waiting for a writer) and a device such as /dev/zero never ends.
 * The buffer never grows past max + 1 bytes of data, the one byte that tells
 * "larger than max" from "exactly max", whatever the file does meanwhile.
 */
int dupg__fs_read(char **out, size_t *len, const char *path, size_t max)
{
	/* room for max + 1 bytes and the NUL, saturated */
	size_t limit = max < SIZE_MAX - 2 ? max + 2 : SIZE_MAX;
	size_t cap, n = 0;
	struct stat st;
	char *buf;
	int fd, rc = 0;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dupg__error(DUPG_ENOTFOUND, "%s: no such file", path);
		return dupg__error_errno(DUPG_EIO, errno, "%s: cannot open", path);
	}
	if (fstat(fd, &st) != 0) {
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: cannot stat", path);
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return dupg__error(DUPG_EIO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > (uint64_t)max) {
		close(fd);
		return dupg__error(DUPG_EFORMAT, "%s: larger than %zu bytes", path, max);
	}
	/* the size as stat'ed, plus a block to notice a file that grew */
	cap = (size_t)st.st_size + 4096 < limit ? (size_t)st.st_size + 4096 : limit;
	buf = malloc(cap);
	if (buf == NULL) {
		close(fd);
		return dupg__error_nomem();
	}
	for (;;) {
		ssize_t got;

		if (n + 1 == cap) {
			size_t ncap = cap < limit / 2 ? cap * 2 : limit;
			char *p;

			if (ncap == cap) {
				rc = dupg__error(DUPG_EFORMAT, "%s: larger than %zu bytes", path, max);
				break;
			}
			p = realloc(buf, ncap);
			if (p == NULL) {
				rc = dupg__error_nomem();
				break;
			}
			buf = p;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = dupg__error_errno(DUPG_EIO, errno, "%s: read failed", path);
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > max) {
			rc = dupg__error(DUPG_EFORMAT, "%s: larger than %zu bytes", path, max);
			break;
		}
	}
	close(fd);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	if (len != NULL)
		*len = n;
	return 0;
}

int dupg__fs_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int failed;

	if (f == NULL)
		return dupg__error_sys(errno, "%s: cannot create", path);
	failed = len > 0 && fwrite(data, 1, len, f) != len;
	if (fclose(f) != 0 || failed)
		return dupg__error_sys(errno, "%s: write failed", path);
	return 0;
}

int dupg__fs_mkdirs(const char *path)
{
	char *p = strdup(path), *s;

	if (p == NULL)
		return dupg__error_nomem();
	for (s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			int rc = dupg__error_sys(errno, "%s: cannot create directory", p);
			free(p);
			return rc;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return 0;
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) != 0 ? -1 : 0;
	return unlink(path) != 0 ? -1 : 0;
}

int dupg__fs_rmtree(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) != 0 && errno == ENOENT)
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return dupg__error_sys(errno, "%s: cannot remove", path);
	return 0;
}

char *dupg__fs_scratch(const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	dir = dupg__printf("%s/%s-XXXXXX", tmp, prefix);
	if (dir == NULL) {
		dupg__error_nomem();
		return NULL;
	}
	if (mkdtemp(dir) == NULL) {
		dupg__error_sys(errno, "%s: cannot create directory", dir);
		free(dir);
		return NULL;
	}
	return dir;
}

int64_t dupg__fs_size(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	return (int64_t)sb.st_size;
}

int dupg__fs_exists(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0;
}

int dupg__fs_copy(const char *src, const char *dst, uint64_t limit, int no_fsync,
		  uint64_t *copied)
{
	char buf[65536];
	int in, out, rc = 0;

	*copied = 0;
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return dupg__error_sys(errno, "%s: cannot open", src);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (out < 0) {
		rc = dupg__error_sys(errno, "%s: cannot create", dst);
		close(in);
		return rc;
	}
	while (*copied < limit) {
		size_t want = sizeof(buf);
		ssize_t n;

		if (limit - *copied < want)
			want = (size_t)(limit - *copied);
		n = read(in, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dupg__error_sys(errno, "%s: read failed", src);
			break;
		}
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) != 0) {
			rc = dupg__error_sys(errno, "%s: write failed", dst);
			break;
		}
		*copied += (uint64_t)n;
	}
	if (rc == 0 && !no_fsync && fsync(out) != 0)
		rc = dupg__error_sys(errno, "%s: fsync failed", dst);
	if (close(out) != 0 && rc == 0)
		rc = dupg__error_sys(errno, "%s: close failed", dst);
	close(in);
	return rc;
}

int dupg__fs_link_or_copy(const char *src, const char *dst, int no_fsync)
{
	uint64_t copied;

	if (link(src, dst) == 0)
		return 0;
	if (errno != EXDEV && errno != EPERM && errno != EMLINK)
		return dupg__error_sys(errno, "%s: cannot link to %s", dst, src);
	return dupg__fs_copy(src, dst, UINT64_MAX, no_fsync, &copied);
}
