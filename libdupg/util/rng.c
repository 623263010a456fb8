/* SPDX-License-Identifier: BSD-2-Clause */
/* splitmix64 (see rng.h). */
#include "config.h"

#include "util/rng.h"

uint64_t dupg__rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

double dupg__rng_unit(uint64_t *state)
{
	return (double)(dupg__rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

uint64_t dupg__rng_below(uint64_t *state, uint64_t n)
{
	/* rejection keeps it unbiased; n is small in practice, so this loops rarely */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, x;

	do
		x = dupg__rng_next(state);
	while (x >= limit);
	return x % n;
}

uint64_t dupg__rng_derive(uint64_t seed, uint64_t stream)
{
	uint64_t s = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));

	return dupg__rng_next(&s);
}
