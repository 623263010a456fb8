/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Version comparison as dpkg has it (pure): epoch, upstream version and
 * revision, each part in dpkg's order.
 */
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

/* compare_plain's answer when it meets a '-' before the order is decided */
#define MET_DASH 2

/*
 * dpkg's comparison of two whole strings read as one part each, from where
 * both are in step (in a non-digit run or at the start of a digit run), as
 * long as neither holds a '-' up to the point that decides: MET_DASH then,
 * for the caller to split off the revisions. A '-' after that point cannot
 * change the answer: it ends a digit run as the end of the string does.
 */
static int compare_plain(const unsigned char *a, const unsigned char *b)
{
	for (;;) {
		int first;

		/* equal non-digits pass in step; the first difference decides */
		while (*a == *b && *a != 0 && *a != '-' && !is_digit(*a)) {
			a++;
			b++;
		}
		if (*a == '-' || *b == '-')
			return MET_DASH;
		if ((*a != 0 && !is_digit(*a)) || (*b != 0 && !is_digit(*b)))
			return order(*a) < order(*b) ? -1 : 1;
		if (*a == 0 && *b == 0)
			return 0;
		/* digit runs: compared as numbers of any length, without overflow */
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

/* One part of a version: [p, end). */
struct part {
	const unsigned char *p, *end;
};

static unsigned char at(const struct part *s)
{
	return s->p < s->end ? *s->p : 0;
}

/* dpkg's verrevcmp on two parts that end where they say, not at a NUL. */
static int compare_part(struct part a, struct part b)
{
	while (a.p < a.end || b.p < b.end) {
		int first = 0;

		while ((a.p < a.end && !is_digit(*a.p)) || (b.p < b.end && !is_digit(*b.p))) {
			int ac = order(at(&a)), bc = order(at(&b));
			if (ac != bc)
				return ac < bc ? -1 : 1;
			a.p += a.p < a.end;
			b.p += b.p < b.end;
		}
		while (at(&a) == '0')
			a.p++;
		while (at(&b) == '0')
			b.p++;
		while (is_digit(at(&a)) && is_digit(at(&b))) {
			if (first == 0 && *a.p != *b.p)
				first = *a.p < *b.p ? -1 : 1;
			a.p++;
			b.p++;
		}
		if (is_digit(at(&a)))
			return 1;
		if (is_digit(at(&b)))
			return -1;
		if (first != 0)
			return first;
	}
	return 0;
}

/*
 * The epoch: the number before the first ':', when all before it is one
 * (an optional sign, as dpkg's strtol takes it, then digits, perhaps none:
 * an empty epoch is 0). Otherwise there is none and ':' is an ordinary
 * character. *rest is where the rest of the version starts.
 */
static struct part epoch_of(const unsigned char *s, const unsigned char **rest)
{
	const unsigned char *q = s + (*s == '+' || *s == '-');
	struct part e;

	e.p = q;
	while (is_digit(*q))
		q++;
	if (*q != ':') {
		*rest = s;
		e.p = e.end = s;
		return e;
	}
	e.end = q;
	*rest = q + 1;
	return e;
}

static int has_epoch(const unsigned char *s)
{
	s += *s == '+' || *s == '-';
	while (is_digit(*s))
		s++;
	return *s == ':';
}

/* Epochs compare as numbers of any length. */
static int compare_epoch(struct part a, struct part b)
{
	size_t la, lb;
	int c;

	while (a.p < a.end && *a.p == '0')
		a.p++;
	while (b.p < b.end && *b.p == '0')
		b.p++;
	la = (size_t)(a.end - a.p);
	lb = (size_t)(b.end - b.p);
	if (la != lb)
		return la < lb ? -1 : 1;
	c = memcmp(a.p, b.p, la);
	return (c > 0) - (c < 0);
}

/* Split after the epoch: the upstream version, and the revision after the last '-' (empty: none). */
static void split(const unsigned char *rest, struct part *up, struct part *rev)
{
	const unsigned char *dash = (const unsigned char *)strrchr((const char *)rest, '-');
	const unsigned char *end = rest + strlen((const char *)rest);

	up->p = rest;
	up->end = dash != NULL ? dash : end;
	rev->p = dash != NULL ? dash + 1 : end;
	rev->end = end;
}

static int compare_split(const unsigned char *a, const unsigned char *b)
{
	const unsigned char *ra, *rb;
	struct part ea = epoch_of(a, &ra), eb = epoch_of(b, &rb), ua, ub, va, vb;
	int c;

	if ((c = compare_epoch(ea, eb)) != 0)
		return c;
	split(ra, &ua, &va);
	split(rb, &ub, &vb);
	if ((c = compare_part(ua, ub)) != 0)
		return c;
	return compare_part(va, vb);
}

int dupg_vercmp(const char *a, const char *b)
{
	const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
	size_t i = 0;
	int c;

	if (a == b)
		return 0;
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	/* an epoch needs all before its ':' to be a number: one look at the start of each */
	if (has_epoch(ua) || has_epoch(ub))
		return compare_split(ua, ub);
	/*
	 * Both strings are compared in step up to their first difference, so a
	 * shared prefix compares equal and is skipped, back to the start of
	 * the digit run it ends in (where run lengths still matter). A '-' in
	 * it may be the revision's: then the parts are split off.
	 */
	while (ua[i] == ub[i]) {
		if (ua[i] == '\0')
			return 0;
		i++;
	}
	while (i > 0 && is_digit(ua[i - 1]))
		i--;
	if (i > 0 && memchr(ua, '-', i) != NULL)
		return compare_split(ua, ub);
	c = compare_plain(ua + i, ub + i);
	return c != MET_DASH ? c : compare_split(ua, ub);
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
 * Fields, from the top bit down: the epoch in 4 bits (15 or more stops the
 * key); 2 bits for how the upstream version starts ('~', a digit or its
 * end, anything else); then, while it reads N[.N[.N]], each number in 15
 * bits (at most 0x7ffe: larger ones stop the key), the rank of the
 * character after it in 3 bits and, after a '.', the rank of the next one
 * in 2. The upstream version ends at the revision's '-', which ranks as
 * the end; the revision is left out. Whether a field is written depends on
 * the fields above it only, and every field is monotone in dpkg's order,
 * so a key comparison that differs is the comparison of the strings.
 */
uint64_t dupg__vercmp_key(const char *version)
{
	const unsigned char *rest, *end, *dash;
	struct part e = epoch_of((const unsigned char *)version, &rest), up;
	uint64_t key, n, rank;
	int shift = 60, k;

	for (n = 0; e.p < e.end; e.p++)
		if (n < 15)
			n = n * 10 + (uint64_t)(*e.p - '0');
	if (n >= 15)
		return (uint64_t)15 << 60;
	key = n << 60;
	dash = (const unsigned char *)strrchr((const char *)rest, '-');
	end = dash != NULL ? dash : rest + strlen((const char *)rest);
	up.p = rest;
	up.end = end;
	shift -= 2;
	if (at(&up) == '~')
		return key;
	if (at(&up) != 0 && !is_digit(at(&up)))
		return key | (uint64_t)2 << shift;
	key |= (uint64_t)1 << shift;
	for (k = 0; k < 3; k++) {
		for (n = 0; is_digit(at(&up)); up.p++)
			if (n < 0x7fff)
				n = n * 10 + (uint64_t)(*up.p - '0');
		shift -= 15;
		key |= (n < 0x7fff ? n : 0x7fff) << shift;
		if (n >= 0x7fff)
			break;
		rank = after_digits(at(&up));
		shift -= 3;
		key |= rank << shift;
		if (rank != 4 || k == 2)
			break;
		up.p++;
		rank = after_dot(at(&up));
		shift -= 2;
		key |= rank << shift;
		if (rank != 1)
			break;
	}
	return key;
}
