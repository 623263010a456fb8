/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_vercmp is a total preorder, as sorting versions needs: on three
 * strings cut from the input at NUL bytes, it is reflexive and antisymmetric
 * (the sign of (a, b) is minus that of (b, a)), transitive (a <= b <= c gives
 * a <= c, and equality carries), and the integer key that dupg_match
 * compares first orders as the strings do wherever two keys differ.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "core/vd_internal.h"

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3), *s[3];
	size_t i, k = 0, j;

	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	/* three strings: the input up to its first, second and third NUL (or the end) */
	s[0] = buf;
	for (i = 0; i < size && k < 2; i++)
		if (buf[i] == '\0')
			s[++k] = buf + i + 1;
	while (k < 2) {
		s[k + 1] = buf + size + 1 + k;
		k++;
	}
	for (i = 0; i < 3; i++) {
		FUZZ_CHECK(dupg_vercmp(s[i], s[i]) == 0, "%s is not equal to itself", s[i]);
		for (j = 0; j < 3; j++) {
			int ij = sign(dupg_vercmp(s[i], s[j])), ji = sign(dupg_vercmp(s[j], s[i]));
			uint64_t ki = dupg__vercmp_key(s[i]), kj = dupg__vercmp_key(s[j]);

			FUZZ_CHECK(ij == -ji, "(%s, %s) is %d, the other way %d", s[i], s[j], ij, ji);
			if (ki != kj)
				FUZZ_CHECK(ij == (ki < kj ? -1 : 1), "keys of %s and %s order otherwise",
					   s[i], s[j]);
		}
	}
	/* every order of the three */
	for (i = 0; i < 6; i++) {
		static const unsigned char perm[6][3] = {
			{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
		};
		const char *a = s[perm[i][0]], *b = s[perm[i][1]], *c = s[perm[i][2]];
		int ab = sign(dupg_vercmp(a, b)), bc = sign(dupg_vercmp(b, c)), ac = sign(dupg_vercmp(a, c));

		if (ab <= 0 && bc <= 0)
			FUZZ_CHECK(ac <= 0, "%s <= %s <= %s but not %s <= %s", a, b, c, a, c);
		if (ab == 0 && bc == 0)
			FUZZ_CHECK(ac == 0, "%s = %s = %s but not %s = %s", a, b, c, a, c);
		if (ab < 0 && bc <= 0)
			FUZZ_CHECK(ac < 0, "%s < %s <= %s but not %s < %s", a, b, c, a, c);
	}
	free(buf);
	return 0;
}
