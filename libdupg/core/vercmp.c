/* dpkg-style version comparison (pure). */
#include "internal.h"
#include "vd_internal.h"

#include <string.h>

static int is_digit(unsigned char c)
{
	return (unsigned char)(c - '0') < 10;
}

static int is_alpha(unsigned char c)
{
	return (unsigned char)((c | 0x20) - 'a') < 26;
}

/*
 * dpkg's order for the non-digit part: '~' < end < letters < everything
 * else. Only asked once two characters differ: two different non-digits
 * never share a rank, and a non-digit never ranks with a digit or the end.
 */
static int order(unsigned char c)
{
	if (c == '~')
		return -1;
	if (c == 0 || is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	return c + 256;
}

/*
 * The rest of the comparison, from where both strings are in step: in a
 * non-digit run or at the start of a digit run.
 */
static int compare_from(const unsigned char *a, const unsigned char *b)
{
	for (;;) {
		int first;

		/* equal non-digits pass in step; the first difference decides */
		while (*a == *b && *a != 0 && !is_digit(*a)) {
			a++;
			b++;
		}
		if ((*a != 0 && !is_digit(*a)) || (*b != 0 && !is_digit(*b)))
			return order(*a) < order(*b) ? -1 : 1;
		if (*a == 0 && *b == 0)
			return 0;
		/* Digit runs: compare as numbers of any length, without overflow. */
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (*a == *b && is_digit(*a)) {
			a++;
			b++;
		}
		/* the first differing digit decides, unless one number is longer */
		first = is_digit(*a) && is_digit(*b) ? (*a < *b ? -1 : 1) : 0;
		while (is_digit(*a) && is_digit(*b)) {
			a++;
			b++;
		}
		if (is_digit(*a))
			return 1;
		if (is_digit(*b))
			return -1;
		if (first != 0)
			return first;
	}
}

int dupg_vercmp(const char *a, const char *b)
{
	size_t i = 0;

	if (a == b)
		return 0;
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	/*
	 * Both strings are compared in step up to their first difference, so a
	 * shared prefix compares equal and is skipped, back to the start of
	 * the digit run it ends in (where run lengths still matter).
	 */
	while (a[i] == b[i]) {
		if (a[i] == '\0')
			return 0;
		i++;
	}
	while (i > 0 && is_digit((unsigned char)a[i - 1]))
		i--;
	return compare_from((const unsigned char *)a + i, (const unsigned char *)b + i);
}

/* Rank of the character after a digit run, in dpkg's order (ties only inside a class). */
static uint64_t after_digits(unsigned char c)
{
	if (c == '~')
		return 0;
	if (c == 0)
		return 1;
	if (is_alpha(c))
		return 2;
	return c < '.' ? 3 : c == '.' ? 4 : 5;
}

/* Rank of the character after a '.' that follows a digit run. */
static uint64_t after_dot(unsigned char c)
{
	if (c == '~')
		return 0;
	if (c == 0 || is_digit(c))
		return 1;
	return is_alpha(c) ? 2 : 3;
}

/*
 * Fields, from the top bit down: 2 bits for how the string starts ('~', a
 * digit or the end, anything else); then, while the string reads
 * N[.N[.N]], each number in 16 bits (at most 0xfffe: larger ones stop the
 * key), the rank of the character after it in 3 bits and, after a '.', the
 * rank of the next one in 2. Whether a field is written depends on the
 * fields above it only, and every field is monotone in dpkg's order, so a
 * key comparison that differs is the comparison of the strings.
 */
uint64_t dupg__vercmp_key(const char *version)
{
	const unsigned char *p = (const unsigned char *)version;
	uint64_t key = (uint64_t)1 << 62, n, rank;
	int shift = 62, k;

	if (*p == '~')
		return 0;
	if (*p != 0 && !is_digit(*p))
		return (uint64_t)2 << 62;
	for (k = 0; k < 3; k++) {
		for (n = 0; is_digit(*p); p++)
			if (n < 0xffff)
				n = n * 10 + (uint64_t)(*p - '0');
		shift -= 16;
		key |= (n < 0xffff ? n : 0xffff) << shift;
		if (n >= 0xffff)
			break;
		rank = after_digits(*p);
		shift -= 3;
		key |= rank << shift;
		if (rank != 4 || k == 2)
			break;
		rank = after_dot(*++p);
		shift -= 2;
		key |= rank << shift;
		if (rank != 1)
			break;
	}
	return key;
}
