/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * splitmix64: a small seeded generator that gives the same numbers on every
 * platform, so that simulations, benchmarks and random tests reproduce
 * (never rand()).
 */
#ifndef DUPG_UTIL_RNG_H
#define DUPG_UTIL_RNG_H

#include "util/common.h"

DUPG_HIDDEN uint64_t dupg__rng_next(uint64_t *state);
/* Uniform in [0, 1). */
DUPG_HIDDEN double dupg__rng_unit(uint64_t *state);
/* Uniform in [0, n) (n > 0), without modulo bias. */
DUPG_HIDDEN uint64_t dupg__rng_below(uint64_t *state, uint64_t n);
/* A seed for stream `stream` derived from `seed`, so that streams never overlap. */
DUPG_HIDDEN uint64_t dupg__rng_derive(uint64_t seed, uint64_t stream);

#endif
