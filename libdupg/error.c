/* The one error convention: negative dupg_err codes plus a per-thread message. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Per thread, so concurrent sessions on a server never see each other's errors. */
static _Thread_local char last_msg[DUPG__ERRMSG_MAX];
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

static const char *const error_names[] = {
	"DUPG_OK", "DUPG_ERROR", "DUPG_ENOMEM", "DUPG_EINVAL", "DUPG_EFORMAT", "DUPG_ENOTFOUND",
	"DUPG_EIO", "DUPG_EARCHIVE", "DUPG_EINTEGRITY", "DUPG_EEXISTS", "DUPG_EUNSUPPORTED",
	"DUPG_EABORTED",
};

const char *dupg_error_name(int code)
{
	return code > 0 ? "unknown" : dupg__name_of(error_names, DUPG__COUNT(error_names), -code);
}

int dupg_error_parse(int *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, error_names, DUPG__COUNT(error_names), name,
					 "error code");
	if (rc == 0 && out != NULL)
		*out = -v;
	return rc;
}

const char *dupg__name_of(const char *const *names, size_t n, int value)
{
	/* never NULL: a name is usually printed, and a caller's bad value must not crash it */
	return value < 0 || (size_t)value >= n ? "unknown" : names[value];
}

int dupg__name_parse(int *out, const char *const *names, size_t n, const char *name,
		     const char *what)
{
	dupg_buf known = { 0 };
	size_t i;
	int rc;

	for (i = 0; name != NULL && i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			if (out != NULL)
				*out = (int)i;
			return 0;
		}
	}
	for (i = 0; i < n; i++)
		dupg__buf_printf(&known, "%s%s", i > 0 ? ", " : "", names[i]);
	if (known.failed) {
		free(known.data);
		return dupg__error_nomem();
	}
	rc = dupg__error(DUPG_EINVAL, "%s: unknown %s%s%s (one of: %s)", what,
			 name == NULL ? "" : "\"", name == NULL ? "NULL" : name,
			 name == NULL ? "" : "\"", known.data);
	free(known.data);
	return rc;
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
