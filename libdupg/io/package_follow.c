/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Verifying a package while it is written (package_follow_internal.h): a
 * thread reads the growing file through libarchive as the bytes land, so
 * that a download ends verified instead of starting a second pass over the
 * file. Only a success counts: whatever else it finds, the file is verified
 * again from disk by dupg_package_verify(), whose verdict and message are the
 * ones reported.
 */
#include "package_follow_internal.h"
#include "package_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Wake the reader for no less than this (or the end): fewer switches between the threads. */
#define FOLLOW_STEP ((uint64_t)256 * 1024)
#define FOLLOW_BUF ((size_t)256 * 1024)

struct dupg__follow {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	char *file;
	char *buf;
	uint64_t have;  /* bytes in the file (under mu) */
	uint64_t pos;   /* bytes the reader took (its own) */
	int ended;      /* no more bytes will come (under mu) */
	int abandoned;  /* stop reading: the result is not wanted (under mu) */
	uint64_t wake;  /* the reader sleeps on cv until have reaches this; 0 awake (under mu) */
	int rc;         /* the reader's result, read after the join */
};

static la_ssize_t follow_read(struct archive *a, void *ctx, const void **out)
{
	dupg__follow *fw = ctx;
	uint64_t avail;
	size_t want;
	ssize_t n;

	pthread_mutex_lock(&fw->mu);
	while (!fw->abandoned && !fw->ended && fw->have - fw->pos < FOLLOW_STEP) {
		fw->wake = fw->pos + FOLLOW_STEP;
		pthread_cond_wait(&fw->cv, &fw->mu);
		fw->wake = 0;
	}
	if (fw->abandoned) {
		pthread_mutex_unlock(&fw->mu);
		archive_set_error(a, ECANCELED, "abandoned");
		return -1;
	}
	avail = fw->have - fw->pos;
	pthread_mutex_unlock(&fw->mu);
	if (avail == 0)
		return 0;
	want = avail < FOLLOW_BUF ? (size_t)avail : FOLLOW_BUF;
	do
		n = pread(fw->fd, fw->buf, want, (off_t)fw->pos);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		/* the file shrank under us, or cannot be read: the check from disk will say */
		archive_set_error(a, n < 0 ? errno : EIO, "cannot read the file being written");
		return -1;
	}
	fw->pos += (uint64_t)n;
	*out = fw->buf;
	return n;
}

static void *follow_main(void *arg)
{
	dupg__follow *fw = arg;

	fw->rc = dupg__pkg_verify_stream(follow_read, fw, fw->file);
	return NULL;
}

static void follow_free(dupg__follow *fw)
{
	pthread_cond_destroy(&fw->cv);
	pthread_mutex_destroy(&fw->mu);
	if (fw->fd >= 0)
		close(fw->fd);
	free(fw->file);
	free(fw->buf);
	free(fw);
}

dupg__follow *dupg__follow_start(int fd, const char *file, uint64_t have)
{
	dupg__follow *fw = calloc(1, sizeof(*fw));

	if (fw == NULL)
		return NULL;
	fw->fd = -1;
	if (pthread_mutex_init(&fw->mu, NULL) != 0) {
		free(fw);
		return NULL;
	}
	if (pthread_cond_init(&fw->cv, NULL) != 0) {
		pthread_mutex_destroy(&fw->mu);
		free(fw);
		return NULL;
	}
	fw->have = have;
	fw->file = strdup(file);
	fw->buf = malloc(FOLLOW_BUF);
	/* the writer's own file, whatever its name comes to mean meanwhile; pread leaves its offset alone */
	fw->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (fw->file == NULL || fw->buf == NULL || fw->fd < 0 ||
	    pthread_create(&fw->thread, NULL, follow_main, fw) != 0) {
		follow_free(fw);
		return NULL;
	}
	return fw;
}

void dupg__follow_grow(dupg__follow *fw, uint64_t have)
{
	if (fw == NULL)
		return;
	pthread_mutex_lock(&fw->mu);
	fw->have = have;
	if (fw->wake != 0 && have >= fw->wake)
		pthread_cond_signal(&fw->cv);
	pthread_mutex_unlock(&fw->mu);
}

int dupg__follow_end(dupg__follow *fw, int abandon)
{
	int ok;

	if (fw == NULL)
		return 0;
	pthread_mutex_lock(&fw->mu);
	fw->abandoned = abandon;
	fw->ended = 1;
	pthread_cond_signal(&fw->cv);
	pthread_mutex_unlock(&fw->mu);
	pthread_join(fw->thread, NULL);
	/*
	 * Every byte it read was in the file, which nothing rewrote meanwhile:
	 * where it stopped (a tar's end), a check of the file stops too.
	 */
	ok = !abandon && fw->rc == 0;
	follow_free(fw);
	return ok;
}
