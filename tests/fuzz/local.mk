# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer harnesses (tests/fuzz/README). Every harness is linked twice:
# with replay.c into tests/fuzz/replay-NAME, which `make check` runs over
# tests/fuzz/corpus/NAME/ everywhere; and, under --enable-fuzzing (clang),
# with libFuzzer into tests/fuzz/fuzz-NAME, which tests/fuzz/run.sh runs.
# They link the three layers' convenience libraries, so a harness may check
# the library's internal invariants too (vercmp keys).
# The harnesses: manifest package listfile sysvd topology recover vercmp region.

FUZZ_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/libdupg -I$(top_srcdir)/tests/fuzz \
	$(ARCHIVE_CFLAGS) $(XXHASH_CFLAGS) $(JSONC_CFLAGS)
FUZZ_LIBS = tests/fuzz/libfuzzcommon.la libdupg/io/libdupgio.la libdupg/core/libdupgcore.la \
	libdupg/util/libdupgutil.la $(ARCHIVE_LIBS) $(XXHASH_LIBS) $(JSONC_LIBS) $(CRYPTO_LIBS)

noinst_LTLIBRARIES += tests/fuzz/libfuzzcommon.la
tests_fuzz_libfuzzcommon_la_SOURCES = tests/fuzz/fuzz.h tests/fuzz/fuzz.c
tests_fuzz_libfuzzcommon_la_CPPFLAGS = $(FUZZ_CPPFLAGS)

check_PROGRAMS += tests/fuzz/replay-manifest tests/fuzz/replay-package tests/fuzz/replay-listfile tests/fuzz/replay-sysvd \
	tests/fuzz/replay-topology tests/fuzz/replay-recover tests/fuzz/replay-vercmp tests/fuzz/replay-region

tests_fuzz_replay_manifest_SOURCES = tests/fuzz/fuzz_manifest.c tests/fuzz/replay.c
tests_fuzz_replay_package_SOURCES = tests/fuzz/fuzz_package.c tests/fuzz/replay.c
tests_fuzz_replay_listfile_SOURCES = tests/fuzz/fuzz_listfile.c tests/fuzz/replay.c
tests_fuzz_replay_sysvd_SOURCES = tests/fuzz/fuzz_sysvd.c tests/fuzz/replay.c
tests_fuzz_replay_topology_SOURCES = tests/fuzz/fuzz_topology.c tests/fuzz/replay.c
tests_fuzz_replay_recover_SOURCES = tests/fuzz/fuzz_recover.c tests/fuzz/replay.c
tests_fuzz_replay_vercmp_SOURCES = tests/fuzz/fuzz_vercmp.c tests/fuzz/replay.c
tests_fuzz_replay_region_SOURCES = tests/fuzz/fuzz_region.c tests/fuzz/replay.c
tests_fuzz_replay_manifest_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_package_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_listfile_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_sysvd_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_topology_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_recover_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_vercmp_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_region_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_replay_manifest_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_package_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_listfile_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_sysvd_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_topology_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_recover_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_vercmp_LDADD = $(FUZZ_LIBS)
tests_fuzz_replay_region_LDADD = $(FUZZ_LIBS)

TESTS += tests/fuzz/replay.sh
EXTRA_DIST += tests/fuzz/replay.sh tests/fuzz/run.sh tests/fuzz/README tests/fuzz/corpus \
	tests/fuzz/json.dict tests/fuzz/tar.dict

if ENABLE_FUZZING
fuzz_programs = tests/fuzz/fuzz-manifest tests/fuzz/fuzz-package tests/fuzz/fuzz-listfile tests/fuzz/fuzz-sysvd \
	tests/fuzz/fuzz-topology tests/fuzz/fuzz-recover tests/fuzz/fuzz-vercmp tests/fuzz/fuzz-region
noinst_PROGRAMS += $(fuzz_programs)
FUZZ_LINK = $(FUZZ_LDFLAGS)

tests_fuzz_fuzz_manifest_SOURCES = tests/fuzz/fuzz_manifest.c
tests_fuzz_fuzz_package_SOURCES = tests/fuzz/fuzz_package.c
tests_fuzz_fuzz_listfile_SOURCES = tests/fuzz/fuzz_listfile.c
tests_fuzz_fuzz_sysvd_SOURCES = tests/fuzz/fuzz_sysvd.c
tests_fuzz_fuzz_topology_SOURCES = tests/fuzz/fuzz_topology.c
tests_fuzz_fuzz_recover_SOURCES = tests/fuzz/fuzz_recover.c
tests_fuzz_fuzz_vercmp_SOURCES = tests/fuzz/fuzz_vercmp.c
tests_fuzz_fuzz_region_SOURCES = tests/fuzz/fuzz_region.c
tests_fuzz_fuzz_manifest_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_package_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_listfile_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_sysvd_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_topology_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_recover_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_vercmp_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_region_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_manifest_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_package_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_listfile_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_sysvd_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_topology_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_recover_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_vercmp_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_region_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_manifest_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_package_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_listfile_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_sysvd_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_topology_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_recover_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_vercmp_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
tests_fuzz_fuzz_region_LDFLAGS = $(AM_LDFLAGS) $(FUZZ_LINK)
else
fuzz_programs =
endif

# Build every fuzzer (what tests/fuzz/run.sh asks for).
fuzzers: $(fuzz_programs)
.PHONY: fuzzers
