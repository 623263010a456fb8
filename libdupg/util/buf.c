/* SPDX-License-Identifier: BSD-2-Clause */
/* Memory helpers: growing arrays and a string buffer (see buf.h). */
#include "config.h"

#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

char *dupg__strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}

char *dupg__vprintf(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

char *dupg__printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = dupg__vprintf(fmt, ap);
	va_end(ap);
	return s;
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

int dupg__grow_p(void *arrp, size_t *cap, size_t need, size_t elem)
{
	void **p = arrp;

	return dupg__grow(p, cap, need, elem);
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
