/* SPDX-License-Identifier: BSD-2-Clause */
/* UTF-8 text checks (see utf8.h). */
#include "config.h"

#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

size_t dupg__utf8_invalid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;
		unsigned char lo = 0x80, hi = 0xbf;

		/* ids, types and versions are mostly ASCII: eight bytes at a time */
		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, p + i, 8);
			if ((w & UINT64_C(0x8080808080808080)) == 0) {
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		/* the second byte's range rules out overlong forms, surrogates and > U+10FFFF */
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return i;
		for (k = 2; k <= n; k++) {
			if (p[i + k] < 0x80 || p[i + k] > 0xbf)
				return i;
		}
		i += n + 1;
	}
	return len;
}

/* Ids, types and versions are short and mostly ASCII: eight bytes at a time. */
static int is_ascii(const char *s, size_t len)
{
	uint64_t w, high = 0;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		high |= w;
	}
	for (; i < len; i++)
		high |= (unsigned char)s[i];
	return (high & UINT64_C(0x8080808080808080)) == 0;
}

int dupg__text_check(const char *s, size_t len, size_t max, char *why, size_t size)
{
	int ascii = 0;

	if (len == SIZE_MAX) {
		/* a caller's 10 MB string is not walked past the cap */
		len = max < PTRDIFF_MAX ? strnlen(s, max + 1) : strlen(s);
		ascii = is_ascii(s, len);
	} else if (memchr(s, '\0', len) != NULL) {
		snprintf(why, size, "contains a NUL byte");
		return -1;
	}
	if (len == 0) {
		snprintf(why, size, "is empty");
		return -1;
	}
	if (len > max) {
		snprintf(why, size, "is longer than %zu bytes", max);
		return -1;
	}
	if (!ascii) {
		size_t bad = dupg__utf8_invalid(s, len);

		if (bad != len) {
			snprintf(why, size, "is not valid UTF-8 (byte %zu)", bad);
			return -1;
		}
	}
	return 0;
}
