/* SPDX-License-Identifier: BSD-2-Clause */
/* Advisory locks with a bounded wait (see lock.h). */
#include "config.h"

#include "util/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "util/error.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void pause_ms(unsigned int ms)
{
	struct timespec ts = { (time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * The pid holding a flock on the file fd is open on, from /proc/locks
 * ("1: FLOCK  ADVISORY  WRITE 31505 fe:00:10961246 0 EOF"), or 0 when it
 * cannot tell (no /proc, or the holder let go meanwhile).
 */
static long holder_pid(int fd)
{
	struct stat st;
	char line[256];
	long pid = 0;
	FILE *f;

	if (fstat(fd, &st) != 0 || (f = fopen("/proc/locks", "re")) == NULL)
		return 0;
	while (pid == 0 && fgets(line, sizeof(line), f) != NULL) {
		unsigned int maj, min;
		unsigned long long ino;
		long p;
		char kind[16];

		if (strstr(line, "->") != NULL)
			continue; /* a waiter, not a holder */
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind, &p, &maj, &min, &ino) == 5 &&
		    strcmp(kind, "FLOCK") == 0 && maj == major(st.st_dev) && min == minor(st.st_dev) &&
		    ino == (unsigned long long)st.st_ino)
			pid = p;
	}
	fclose(f);
	return pid;
}

int dupg__lock_take(dupg__lock *l, const char *path, int exclusive, unsigned int timeout_ms,
		    const char *what)
{
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned int step = 1;
	int fd;

	l->fd = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return dupg__error_sys(errno, "%s: cannot open %s to lock it", what, path);
	for (;;) {
		uint64_t now;

		if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			int rc = dupg__error_sys(errno, "%s: cannot lock %s", what, path);
			close(fd);
			return rc;
		}
		now = now_ms();
		if (now >= deadline) {
			long pid = holder_pid(fd);
			int rc;

			if (pid > 0)
				rc = dupg__error(DUPG_EBUSY, "%s is busy: held by pid %ld", what, pid);
			else
				rc = dupg__error(DUPG_EBUSY, "%s is busy: held by another process or thread",
						 what);
			close(fd);
			return rc;
		}
		/* back off from 1 ms to 50 ms: short waits stay short, long ones stay cheap */
		pause_ms(step < deadline - now ? step : (unsigned int)(deadline - now));
		if (step < 50)
			step *= 2;
	}
	l->fd = fd;
	return 0;
}

void dupg__lock_drop(dupg__lock *l)
{
	if (l->fd < 0)
		return;
	flock(l->fd, LOCK_UN);
	close(l->fd);
	l->fd = -1;
}
