# SPDX-License-Identifier: BSD-2-Clause
# Benchmarks (issue 5): bench/dupg-bench, its smoke run in `make check`,
# `make bench` (every table, under 10 minutes) and `make bench-results`
# (the same, then bench/RESULTS.md and bench/cost.svg rewritten in the source tree).
check_PROGRAMS += bench/dupg-bench
bench_dupg_bench_SOURCES = \
	bench/bench.h \
	bench/main.c \
	bench/util.c \
	bench/match.c \
	bench/prune.c \
	bench/merge.c \
	bench/vercmp.c \
	bench/verify.c \
	bench/txn.c \
	bench/alloc.c
bench_dupg_bench_CPPFLAGS = $(AM_CPPFLAGS) $(DUPG_UTIL_CPPFLAGS) $(JSONC_CFLAGS) $(ARCHIVE_CFLAGS) $(CRYPTO_CFLAGS)
# -ldl: the malloc-counting wrapper finds libc's malloc with dlsym
bench_dupg_bench_LDADD = libdupg/libdupg.la $(DUPG_UTIL_LIBS) $(JSONC_LIBS) $(ARCHIVE_LIBS) $(CRYPTO_LIBS) -lm -ldl

TESTS += bench/smoke.sh bench/report-check.sh
if BUILD_SERVER
TESTS += bench/server/smoke.sh bench/fetch/smoke.sh
endif
EXTRA_DIST += bench/fetch/run.sh bench/fetch/smoke.sh
EXTRA_DIST += bench/server/run.sh bench/server/smoke.sh bench/server/gen.py bench/server/wrk.lua
EXTRA_DIST += bench/smoke.sh bench/report-check.sh bench/run.sh bench/report.py bench/notes.md bench/RESULTS.md bench/cost.svg \
	bench/server.svg

CLEANFILES += bench/results/results.jsonl bench/results/durations bench/results/RESULTS.md bench/results/server.svg \
	bench/results/cost.svg

BENCH_ENV = srcdir='$(srcdir)' PYTHON='$(PYTHON)' DUPG_BENCH='bench/dupg-bench$(EXEEXT)' \
	DUPG_SIM='sim/dupg-sim$(EXEEXT)' top_builddir=.

bench: bench/dupg-bench$(EXEEXT) sim/dupg-sim$(EXEEXT)
	@$(BENCH_ENV) bash $(srcdir)/bench/run.sh

bench-results: bench/dupg-bench$(EXEEXT) sim/dupg-sim$(EXEEXT)
	@$(BENCH_ENV) bash $(srcdir)/bench/run.sh --update

# the fetch benchmark (100 MB from dupg-server against curl): one JSON line
bench-fetch: sim/dupg-sim$(EXEEXT)
	@top_builddir=. srcdir='$(srcdir)' PYTHON='$(PYTHON)' bash $(srcdir)/bench/fetch/run.sh

.PHONY: bench bench-results bench-fetch
