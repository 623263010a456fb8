/* The one error convention: negative dupg_err codes plus a per-thread message. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DUPG_ERRMSG_MAX 1024

/* Per thread, so concurrent sessions on a server never see each other's errors. */
static _Thread_local char last_msg[DUPG_ERRMSG_MAX];
static _Thread_local int last_code;

const char *dupg_strerror(int code)
{
	switch (code) {
	case DUPG_OK: return "success";
	case DUPG_ERROR: return "unexpected failure";
	case DUPG_ENOMEM: return "out of memory";
	case DUPG_EINVAL: return "invalid argument";
	case DUPG_EFORMAT: return "malformed input";
	case DUPG_ENOTFOUND: return "not found";
	case DUPG_EIO: return "input/output error";
	case DUPG_EARCHIVE: return "unreadable archive";
	case DUPG_EINTEGRITY: return "integrity check failed";
	case DUPG_EEXISTS: return "duplicate entry";
	case DUPG_EUNSUPPORTED: return "unsupported format or option";
	case DUPG_EABORTED: return "aborted by callback";
	default: return "unknown error code";
	}
}

static int set_msg(int code, const char *fmt, va_list ap, const char *suffix)
{
	int n = vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	if (n < 0)
		last_msg[0] = '\0';
	if (suffix != NULL) {
		size_t used = strlen(last_msg);
		snprintf(last_msg + used, sizeof(last_msg) - used, ": %s", suffix);
	}
	last_code = code;
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

int dupg__error_errno(int code, int errnum, const char *fmt, ...)
{
	char sys[256];
	va_list ap;
	/* strerror_r: strerror's buffer is shared between threads. */
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	const char *s = strerror_r(errnum, sys, sizeof(sys));
#else
	const char *s = strerror_r(errnum, sys, sizeof(sys)) == 0 ? sys : "unknown error";
#endif
	va_start(ap, fmt);
	set_msg(code, fmt, ap, s);
	va_end(ap);
	return code;
}

int dupg__error_nomem(void)
{
	snprintf(last_msg, sizeof(last_msg), "out of memory");
	last_code = DUPG_ENOMEM;
	return DUPG_ENOMEM;
}

const char *dupg_error_last(void)
{
	return last_msg;
}

int dupg_error_last_code(void)
{
	return last_code;
}

void dupg_error_clear(void)
{
	last_msg[0] = '\0';
	last_code = 0;
}

void dupg_free(void *ptr)
{
	free(ptr);
}

int dupg_version_number(void)
{
	return DUPG_VERSION_NUMBER;
}

const char *dupg_version_string(void)
{
	return DUPG_VERSION_STRING;
}

char *dupg__strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

int dupg__grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / elem)
			return dupg__error_nomem();
		ncap *= 2;
	}
	p = realloc(*arr, ncap * elem);
	if (p == NULL)
		return dupg__error_nomem();
	*arr = p;
	*cap = ncap;
	return 0;
}

void dupg__buf_put(dupg_buf *b, const char *s, size_t n)
{
	void *data = b->data;

	if (b->failed)
		return;
	if (dupg__grow(&data, &b->cap, b->len + n + 1, 1) != 0) {
		b->failed = 1;
		return;
	}
	b->data = data;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void dupg__buf_puts(dupg_buf *b, const char *s)
{
	dupg__buf_put(b, s, strlen(s));
}

void dupg__buf_printf(dupg_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		dupg__buf_put(b, small, (size_t)n);
		return;
	}
	{
		char *big = malloc((size_t)n + 1);
		if (big == NULL) {
			b->failed = 1;
			return;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		dupg__buf_put(b, big, (size_t)n);
		free(big);
	}
}

int dupg__buf_finish(dupg_buf *b, char **out)
{
	if (!b->failed && b->data == NULL)
		dupg__buf_put(b, "", 0);
	if (b->failed) {
		free(b->data);
		b->data = NULL;
		*out = NULL;
		return dupg__error_nomem();
	}
	*out = b->data;
	b->data = NULL;
	return 0;
}
