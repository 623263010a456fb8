/* SPDX-License-Identifier: BSD-2-Clause */
/* The per-thread error record (see error.h). */
#include "config.h"

#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Per thread, so concurrent sessions on a server never see each other's errors. */
static _Thread_local char last_msg[DUPG__ERRMSG_MAX];
static _Thread_local int last_code;

/* a format checked by its callers (clang's -Wformat-nonliteral wants it said) */
static void set_msg(int code, const char *fmt, va_list ap, const char *suffix) DUPG_PRINTF(2, 0);

static void set_msg(int code, const char *fmt, va_list ap, const char *suffix)
{
	if (vsnprintf(last_msg, sizeof(last_msg), fmt, ap) < 0)
		last_msg[0] = '\0';
	if (suffix != NULL) {
		size_t used = strlen(last_msg);
		snprintf(last_msg + used, sizeof(last_msg) - used, ": %s", suffix);
	}
	last_code = code;
}

int dupg__error_v(int code, const char *fmt, va_list ap)
{
	set_msg(code, fmt, ap, NULL);
	return code;
}

int dupg__error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_msg(code, fmt, ap, NULL);
	va_end(ap);
	return code;
}

/* The text of errnum; strerror_r, as strerror's buffer is shared between threads. */
static const char *errno_text(int errnum, char *buf, size_t size)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(errnum, buf, size);
#else
	return strerror_r(errnum, buf, size) == 0 ? buf : "unknown error";
#endif
}

int dupg__error_errno(int code, int errnum, const char *fmt, ...)
{
	char sys[256];
	va_list ap;

	va_start(ap, fmt);
	set_msg(code, fmt, ap, errno_text(errnum, sys, sizeof(sys)));
	va_end(ap);
	return code;
}

int dupg__errno_code(int errnum)
{
	switch (errnum) {
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return DUPG_ENOSPC;
	case EACCES:
	case EPERM:
	case EROFS:
		return DUPG_EACCES;
	case ENOENT:
	case ENOTDIR:
		return DUPG_ENOTFOUND;
	case ENOMEM:
		return DUPG_ENOMEM;
	default:
		return DUPG_EIO;
	}
}

int dupg__error_sys(int errnum, const char *fmt, ...)
{
	char sys[256];
	int code = dupg__errno_code(errnum);
	va_list ap;

	va_start(ap, fmt);
	set_msg(code, fmt, ap, errno_text(errnum, sys, sizeof(sys)));
	va_end(ap);
	return code;
}

int dupg__error_prefix(int code, const char *fmt, ...)
{
	char rest[DUPG__ERRMSG_MAX];
	size_t used, n;
	va_list ap;

	/* the old message is saved first: fmt's arguments may point into it */
	memcpy(rest, last_msg, sizeof(rest));
	va_start(ap, fmt);
	if (vsnprintf(last_msg, sizeof(last_msg), fmt, ap) < 0)
		last_msg[0] = '\0';
	va_end(ap);
	used = strlen(last_msg);
	if (rest[0] != '\0' && used + 2 < sizeof(last_msg)) {
		memcpy(last_msg + used, ": ", 2);
		used += 2;
		n = strnlen(rest, sizeof(rest) - 1);
		if (n > sizeof(last_msg) - 1 - used)
			n = sizeof(last_msg) - 1 - used;
		memcpy(last_msg + used, rest, n);
		last_msg[used + n] = '\0';
	}
	if (code != 0)
		last_code = code;
	return last_code;
}

int dupg__error_nomem(void)
{
	snprintf(last_msg, sizeof(last_msg), "out of memory");
	last_code = DUPG_ENOMEM;
	return DUPG_ENOMEM;
}

const char *dupg__error_msg(void)
{
	return last_msg;
}

int dupg__error_code(void)
{
	return last_code;
}

void dupg__error_clear(void)
{
	last_msg[0] = '\0';
	last_code = 0;
}

void dupg__error_save(dupg__error_saved *saved)
{
	saved->code = last_code;
	memcpy(saved->msg, last_msg, sizeof(saved->msg));
}

int dupg__error_restore(const dupg__error_saved *saved)
{
	memcpy(last_msg, saved->msg, sizeof(last_msg));
	last_code = saved->code;
	return last_code;
}
