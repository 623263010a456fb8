/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An LD_PRELOAD shim that fails one system call, for the store's fault
 * tests (tests/test_faults.sh).
 *
 *   DUPG_FAULT=CALL:N:ERRNO   the Nth call of CALL fails with ERRNO (EIO, ENOSPC, EACCES)
 *   DUPG_FAULT_COUNT=FILE     at exit, append "CALL COUNT" for every call seen
 *   DUPG_FAULT_PROG=NAME      only in processes whose name holds NAME (default
 *                             dupg-sim: not libtool's wrapper script and its tools)
 *
 * CALL is one of write, fsync, close, rename, unlink, open (open, openat and
 * mkstemp count as open). Calls glibc makes inside itself (stdio's writes)
 * do not pass through here: only what the program and libdupg call.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { C_WRITE, C_FSYNC, C_CLOSE, C_RENAME, C_UNLINK, C_OPEN, C_COUNT };
static const char *const names[C_COUNT] = { "write", "fsync", "close", "rename", "unlink", "open" };

static unsigned long counts[C_COUNT];
static int fault_call = -1;
static unsigned long fault_n;
static int fault_errno;
static int ready, active;

static void setup(void)
{
	const char *f = getenv("DUPG_FAULT"), *prog = getenv("DUPG_FAULT_PROG");
	char call[16], err[16];
	int i;

	ready = 1;
	active = strstr(program_invocation_short_name, prog != NULL ? prog : "dupg-sim") != NULL;
	if (!active || f == NULL || sscanf(f, "%15[a-z]:%lu:%15[A-Z]", call, &fault_n, err) != 3)
		return;
	for (i = 0; i < C_COUNT; i++)
		if (strcmp(call, names[i]) == 0)
			fault_call = i;
	fault_errno = strcmp(err, "ENOSPC") == 0 ? ENOSPC : strcmp(err, "EACCES") == 0 ? EACCES : EIO;
}

/* 1 when this call is the one to fail (errno is set). */
static int fails(int call)
{
	if (!ready)
		setup();
	counts[call]++;
	if (call == fault_call && counts[call] == fault_n) {
		errno = fault_errno;
		return 1;
	}
	return 0;
}

__attribute__((destructor)) static void report(void)
{
	const char *file = getenv("DUPG_FAULT_COUNT");
	char line[64];
	int fd, i;

	if (!ready)
		setup();
	if (file == NULL || !active)
		return;
	fd = ((int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open"))(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		return;
	for (i = 0; i < C_COUNT; i++) {
		int n = snprintf(line, sizeof(line), "%s %lu\n", names[i], counts[i]);
		((ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write"))(fd, line, (size_t)n);
	}
	((int (*)(int))dlsym(RTLD_NEXT, "close"))(fd);
}

#define NEXT(type, name) ((type)dlsym(RTLD_NEXT, name))

ssize_t write(int fd, const void *buf, size_t n)
{
	if (fails(C_WRITE))
		return -1;
	return NEXT(ssize_t (*)(int, const void *, size_t), "write")(fd, buf, n);
}

int fsync(int fd)
{
	if (fails(C_FSYNC))
		return -1;
	return NEXT(int (*)(int), "fsync")(fd);
}

int close(int fd)
{
	int rc = NEXT(int (*)(int), "close")(fd);

	/* the descriptor is gone either way, as with a real failing close */
	if (fails(C_CLOSE))
		return -1;
	return rc;
}

int rename(const char *from, const char *to)
{
	if (fails(C_RENAME))
		return -1;
	return NEXT(int (*)(const char *, const char *), "rename")(from, to);
}

int unlink(const char *path)
{
	if (fails(C_UNLINK))
		return -1;
	return NEXT(int (*)(const char *), "unlink")(path);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (fails(C_OPEN))
		return -1;
	return NEXT(int (*)(const char *, int, ...), "open")(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (fails(C_OPEN))
		return -1;
	return NEXT(int (*)(const char *, int, ...), "open64")(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (fails(C_OPEN))
		return -1;
	return NEXT(int (*)(int, const char *, int, ...), "openat")(dir, path, flags, mode);
}

int mkstemp(char *tmpl)
{
	if (fails(C_OPEN))
		return -1;
	return NEXT(int (*)(char *), "mkstemp")(tmpl);
}

int mkstemp64(char *tmpl)
{
	if (fails(C_OPEN))
		return -1;
	return NEXT(int (*)(char *), "mkstemp64")(tmpl);
}
