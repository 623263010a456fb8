/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The error record behind libdupg's one convention: a code and a message per
 * thread. In the library, dupg_error_last() reads it; in a program, the
 * program's own copy holds the program's errors (see common.h).
 */
#ifndef DUPG_UTIL_ERROR_H
#define DUPG_UTIL_ERROR_H

#include <stdarg.h>

#include "util/common.h"

#define DUPG__ERRMSG_MAX 2048

/*
 * Record the detail of an error and return code, so a failure site reads
 * `return dupg__error(DUPG_EFORMAT, "%s: ...", file);`.
 */
DUPG_HIDDEN int dupg__error(int code, const char *fmt, ...) DUPG_PRINTF(2, 3);
DUPG_HIDDEN int dupg__error_v(int code, const char *fmt, va_list ap) DUPG_PRINTF(2, 0);
/* The same, appending ": strerror(errnum)". */
DUPG_HIDDEN int dupg__error_errno(int code, int errnum, const char *fmt, ...) DUPG_PRINTF(3, 4);
/*
 * The code a failed system call's errno stands for: DUPG_ENOSPC (ENOSPC,
 * EDQUOT), DUPG_EACCES (EACCES, EPERM, EROFS), DUPG_ENOTFOUND (ENOENT,
 * ENOTDIR), DUPG_ENOMEM (ENOMEM), else DUPG_EIO.
 */
DUPG_HIDDEN int dupg__errno_code(int errnum);
/* dupg__error_errno with the code dupg__errno_code(errnum) gives: the message says the real cause. */
DUPG_HIDDEN int dupg__error_sys(int errnum, const char *fmt, ...) DUPG_PRINTF(2, 3);
/* Out of memory: records a fixed message without allocating. */
DUPG_HIDDEN int dupg__error_nomem(void);
/*
 * Put "PREFIX: " in front of the current message and return code (the
 * current code when code is 0), so that a caller adds its context to what a
 * callee said: `return dupg__error_prefix(rc, "%s", file);`.
 */
DUPG_HIDDEN int dupg__error_prefix(int code, const char *fmt, ...) DUPG_PRINTF(2, 3);

/* The calling thread's message ("" when none) and code (0 when none). */
DUPG_HIDDEN const char *dupg__error_msg(void);
DUPG_HIDDEN int dupg__error_code(void);
DUPG_HIDDEN void dupg__error_clear(void);

/* An error kept across calls that may record their own (libgit2's save and restore). */
typedef struct {
	int code;
	char msg[DUPG__ERRMSG_MAX];
} dupg__error_saved;
DUPG_HIDDEN void dupg__error_save(dupg__error_saved *saved);
/* Record the saved error again; returns its code. */
DUPG_HIDDEN int dupg__error_restore(const dupg__error_saved *saved);

#endif
