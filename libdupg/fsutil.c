/* Small file-system helpers: atomic replace, directory fsync, whole-file read. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *dupg__dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	d = malloc((size_t)(slash - path) + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

char *dupg__path_join(const char *dir, const char *rel)
{
	size_t dl, rl;
	char *p;

	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(rel);
	dl = strlen(dir);
	rl = strlen(rel);
	p = malloc(dl + rl + 2);
	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl > 0 && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, rel, rl + 1);
	return p;
}

int dupg__fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return dupg__error_errno(DUPG_EIO, errno, "%s: cannot open directory", dir);
	if (fsync(fd) != 0) {
		int e = errno;
		close(fd);
		return dupg__error_errno(DUPG_EIO, e, "%s: fsync failed", dir);
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

int dupg__write_atomic(const char *path, const char *data, size_t len, int no_fsync,
		       int (*stop_before_rename)(void *), void *payload)
{
	size_t pl = strlen(path);
	char *tmp = malloc(pl + sizeof(".tmp.XXXXXX"));
	char *dir = NULL;
	int fd, rc = 0;

	if (tmp == NULL)
		return dupg__error_nomem();
	memcpy(tmp, path, pl);
	memcpy(tmp + pl, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: cannot create temporary file", path);
		free(tmp);
		return rc;
	}
	if (write_all(fd, data, len) != 0) {
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: write failed", tmp);
		goto fail;
	}
	if (!no_fsync && fsync(fd) != 0) {
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: fsync failed", tmp);
		goto fail;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: close failed", tmp);
		goto fail;
	}
	fd = -1;
	/* mkstemp creates 0600; lists are read by other tools of the master */
	chmod(tmp, 0644);
	if (stop_before_rename != NULL && stop_before_rename(payload) != 0) {
		free(tmp);
		return dupg__error(DUPG_EABORTED, "%s: stopped before rename", path);
	}
	if (rename(tmp, path) != 0) {
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: cannot rename %s over it", path, tmp);
		goto fail;
	}
	free(tmp);
	if (no_fsync)
		return 0;
	dir = dupg__dirname(path);
	if (dir == NULL)
		return dupg__error_nomem();
	rc = dupg__fsync_dir(dir);
	free(dir);
	return rc;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return rc;
}

int dupg__read_file(char **out, size_t *len, const char *path, size_t max)
{
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int rc = 0;

	*out = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return dupg__error(DUPG_ENOTFOUND, "%s: no such file", path);
		return dupg__error_errno(DUPG_EIO, errno, "%s: cannot open", path);
	}
	for (;;) {
		size_t got;
		void *p = buf;
		if (dupg__grow(&p, &cap, n + 4096 + 1, 1) != 0) {
			rc = DUPG_ENOMEM;
			break;
		}
		buf = p;
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n > max) {
			rc = dupg__error(DUPG_EFORMAT, "%s: larger than %zu bytes", path, max);
			break;
		}
		if (got == 0) {
			if (ferror(f))
				rc = dupg__error_errno(DUPG_EIO, errno, "%s: read failed", path);
			break;
		}
	}
	fclose(f);
	if (rc != 0) {
		free(buf);
		return rc;
	}
	if (buf == NULL) {
		buf = malloc(1);
		if (buf == NULL)
			return dupg__error_nomem();
	}
	buf[n] = '\0';
	*out = buf;
	if (len != NULL)
		*len = n;
	return 0;
}
