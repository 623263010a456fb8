/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * baseline.c: the seed's two baselines, measured for real on the same
 * packages: one universal package, and archives repacked per need.
 */
#ifndef DUPG_SIM_BASELINE_H
#define DUPG_SIM_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario/catalog.h"

struct sim_baseline;

/* Build the universal package of cat's server set in dir. */
int sim_baseline_new(struct sim_baseline **out, const char *dir, const struct sim_catalog *cat);
void sim_baseline_free(struct sim_baseline *b);
/* Size of the universal package (every server package in one archive). */
uint64_t sim_baseline_universal(const struct sim_baseline *b);
/*
 * Size of the repacked archive for one need (scenario package indexes,
 * any order); built on first use and cached by need.
 */
int sim_baseline_repack(uint64_t *bytes, struct sim_baseline *b, const size_t *pkgs, size_t n);
/* CPU seconds spent repacking the distinct needs. */
double sim_baseline_cpu_s(const struct sim_baseline *b);
/* The same, had every site's archive been built for it (each need's CPU times its sites). */
double sim_baseline_cpu_uncached_s(const struct sim_baseline *b);
size_t sim_baseline_archives(const struct sim_baseline *b);
uint64_t sim_baseline_server_bytes(const struct sim_baseline *b);

#endif
