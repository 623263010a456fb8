/* SPDX-License-Identifier: BSD-2-Clause */
/* dupg-bench NAME [--size N] [--packages M] ...: one JSON line per size on stdout. */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct benchmark {
	const char *name;
	int (*run)(const struct bench_opts *o);
	const char *about;
};

static const struct benchmark benchmarks[] = {
	{ "match", bench_match,
	  "N sites (--size, default 1e3..1e6) of 5..50 hardware types against M packages\n"
	  "               (--packages, default 1e4; N = 1e5 also runs M = 1e2 and 1e3)" },
	{ "prune", bench_prune,
	  "variant compute: dupg_prune_compute on lists of N entries (default 1e3..1e6);\n"
	  "               variant store: dupg_store_prune applied to a real store (default 1e2..1e4);\n"
	  "               variant open: dupg_store_open of N listed packages without and with\n"
	  "               the store's package cache (default 1e3..1e6)" },
	{ "merge", bench_merge, "dupg_merge of a site of N devices (default 1e3..1e6), 50 types" },
	{ "vercmp", bench_vercmp, "N dupg_vercmp comparisons (default 1e4..1e7)" },
	{ "verify", bench_verify,
	  "packages of N payload bytes (default 1e6..1e8) as tar, tar.gz, tar.zst (--variant):\n"
	  "               format 2, signed: manifest read with the signature check, the\n"
	  "               signature check alone, full verification under the trust store" },
	{ "txn", bench_txn,
	  "the transaction on instant devices: variant group, a linked group of N devices\n"
	  "               (default 1e4) against a plain loop over its plans; variants site and\n"
	  "               cascade, N devices (default 1e5) planned and run, against a plain walk" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dupg-bench NAME [--size N] [--packages M] [--variant V] [--check]\n"
		     "                  [--no-fork] [--cache DIR] [--naive-budget S] [--min-time S]\n\n");
	for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++)
		fprintf(out, "  %-12s %s\n", benchmarks[i].name, benchmarks[i].about);
	fprintf(out, "\nPrints one JSON object per line and size. --check is the smoke mode: tiny\n"
		     "sizes, the naive method in full, non-zero exit unless every result is identical.\n"
		     "Sizes accept 1e5 notation. Packages built for verify and prune/store are kept\n"
		     "in --cache (default $DUPG_BENCH_CACHE, else $TMPDIR/dupg-bench-cache).\n");
}

/* A count such as 100000 or 1e5. */
static int parse_count(uint64_t *out, const char *s)
{
	char *end;
	double v;

	if (s == NULL)
		return -1;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 1) || v > 1e10 || v != floor(v))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int parse_seconds(double *out, const char *s)
{
	char *end;

	if (s == NULL)
		return -1;
	*out = strtod(s, &end);
	return end == s || *end != '\0' || !(*out >= 0) ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct bench_opts o;
	static char cache[4096];
	const char *tmp;
	size_t i;
	int a;

	memset(&o, 0, sizeof(o));
	o.fork = 1;
	o.naive_budget = 2.0;
	o.min_time = 0.3;
	tmp = getenv("DUPG_BENCH_CACHE");
	if (tmp != NULL && *tmp != '\0') {
		snprintf(cache, sizeof(cache), "%s", tmp);
	} else {
		tmp = getenv("TMPDIR");
		snprintf(cache, sizeof(cache), "%s/dupg-bench-cache",
			 tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	}
	o.cache = cache;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	o.name = argv[1];
	for (a = 2; a < argc; a++) {
		const char *arg = argv[a], *val = a + 1 < argc ? argv[a + 1] : NULL;

		if (strcmp(arg, "--size") == 0) {
			if (parse_count(&o.size, val) != 0)
				goto bad_value;
			o.have_size = 1;
			a++;
		} else if (strcmp(arg, "--packages") == 0) {
			if (parse_count(&o.packages, val) != 0)
				goto bad_value;
			o.have_packages = 1;
			a++;
		} else if (strcmp(arg, "--variant") == 0) {
			if (val == NULL)
				goto bad_value;
			o.variant = val;
			a++;
		} else if (strcmp(arg, "--cache") == 0) {
			if (val == NULL || *val == '\0')
				goto bad_value;
			o.cache = val;
			a++;
		} else if (strcmp(arg, "--naive-budget") == 0) {
			if (parse_seconds(&o.naive_budget, val) != 0)
				goto bad_value;
			a++;
		} else if (strcmp(arg, "--min-time") == 0) {
			if (parse_seconds(&o.min_time, val) != 0)
				goto bad_value;
			a++;
		} else if (strcmp(arg, "--check") == 0) {
			o.check = 1;
		} else if (strcmp(arg, "--no-fork") == 0) {
			o.fork = 0;
		} else {
			bench_fail("unknown option %s", arg);
			usage(stderr);
			return 2;
		}
		continue;
bad_value:
		bench_fail("%s needs a %s", arg,
			   strcmp(arg, "--size") == 0 || strcmp(arg, "--packages") == 0 ?
			   "count >= 1 (e.g. 1e5)" : "value");
		return 2;
	}
	if (o.have_packages && strcmp(o.name, "match") != 0) {
		bench_fail("--packages applies to match only");
		return 2;
	}
	for (i = 0; i < sizeof(benchmarks) / sizeof(benchmarks[0]); i++) {
		if (strcmp(benchmarks[i].name, o.name) == 0)
			return benchmarks[i].run(&o) == 0 ? 0 : 1;
	}
	bench_fail("unknown benchmark %s", o.name);
	usage(stderr);
	return 2;
}
