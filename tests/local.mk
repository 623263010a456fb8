# SPDX-License-Identifier: BSD-2-Clause
# CUnit suites, one per concept, run by `make check`.
if HAVE_CUNIT
noinst_LTLIBRARIES += tests/libfixture.la
tests_libfixture_la_SOURCES = tests/fixture.c tests/fixture.h

# Every suite is tests/NAME.c (automake's default source) linked with the fixture.
# The suites use the internal utility layer beside the library (libdupg/util/).
LDADD = tests/libfixture.la libdupg/libdupg.la $(DUPG_UTIL_LIBS) $(JSONC_LIBS) $(CUNIT_LIBS)
AM_CPPFLAGS += $(CUNIT_CFLAGS) $(DUPG_UTIL_CPPFLAGS) $(JSONC_CFLAGS)

dupg_unit_tests = \
	tests/test_vercmp \
	tests/test_errors \
	tests/test_names \
	tests/test_manifest \
	tests/test_package \
	tests/test_vd \
	tests/test_match \
	tests/test_configuration \
	tests/test_pathlist \
	tests/test_prune \
	tests/test_store \
	tests/test_store_hands \
	tests/test_topology \
	tests/test_plan \
	tests/test_txn \
	tests/test_rollout \
	tests/test_locality \
	tests/test_fetch \
	tests/test_trust \
	tests/test_region

check_PROGRAMS += $(dupg_unit_tests)
TESTS += $(dupg_unit_tests)

tests_test_errors_LDADD = $(LDADD) -lpthread
tests_test_store_hands_LDADD = $(LDADD) -lpthread
tests_test_fetch_LDADD = $(LDADD) -lpthread
# crafts malformed archives with libarchive's write API
tests_test_package_LDADD = $(LDADD) $(ARCHIVE_LIBS)
tests_test_package_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS)
tests_test_trust_LDADD = $(LDADD) $(ARCHIVE_LIBS)
tests_test_trust_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS)
if HAVE_DPKG
# dupg_vercmp against libdpkg's comparison (Debian's libdpkg-dev), on real and random versions
check_PROGRAMS += tests/test_vercmp_dpkg
TESTS += tests/test_vercmp_dpkg
tests_test_vercmp_dpkg_LDADD = $(LDADD) $(DPKG_LIBS)
tests_test_vercmp_dpkg_CPPFLAGS = $(AM_CPPFLAGS) $(DPKG_CFLAGS)
endif
endif

# I/O faults in prune and rollback, one call at a time, then recover (an
# LD_PRELOAD shim; built without sanitizers: it only wraps libc).
check_LTLIBRARIES = tests/faultshim.la
tests_faultshim_la_SOURCES = tests/faultshim.c
tests_faultshim_la_CFLAGS = $(WARN_CFLAGS)
tests_faultshim_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere
tests_faultshim_la_LIBADD = -ldl
TESTS += tests/test_faults.sh
EXTRA_DIST += tests/test_faults.sh

# dupg-sim's core subcommands on real files (the worked example, bad input).
TESTS += tests/cli/test_cli.sh
EXTRA_DIST += tests/cli/test_cli.sh tests/cli/lib.sh
TESTS += tests/cli/test_sign.sh
EXTRA_DIST += tests/cli/test_sign.sh

# dupg-sim fetch against misbehaving servers on 127.0.0.1 (tests/fetch/httpd.py).
TESTS += tests/cli/test_fetch.sh
EXTRA_DIST += tests/cli/test_fetch.sh tests/fetch/httpd.py

# dupg-sim node on a real network: two regions of node processes and a
# dupg-server in a private network namespace (SKIP where none can be made).
TESTS += tests/net/test_region_net.sh
EXTRA_DIST += tests/net/test_region_net.sh
# dupg-sim run --serve: scenarios against real dupg-server processes on
# 127.0.0.1 (the same sites as without it, cuts, server_down, signals).
if BUILD_SERVER
TESTS += tests/sim/test_serve.sh
endif
EXTRA_DIST += tests/sim/test_serve.sh

# Every public header compiles alone as C99 with -pedantic.
TESTS += tests/check-headers.sh
EXTRA_DIST += tests/check-headers.sh tests/data

# libdupg/core/ includes and calls nothing that does I/O (libdupg/README.md);
# the library and the simulator keep to their layers, as ARCHITECTURE.md draws them.
TESTS += tests/check-purity.sh tests/check-layers.sh
# LICENSE is BSD-2-Clause and every source file says so (SPDX).
TESTS += tests/check-spdx.sh
EXTRA_DIST += tests/check-spdx.sh
# every fenced block of README.md and sim/README.md is checked against the code
TESTS += tests/check-readme.sh
EXTRA_DIST += tests/check-readme.sh tests/check-readme.py
EXTRA_DIST += tests/check-purity.sh tests/check-layers.sh scripts/layers.py libdupg/LAYERS \
	ARCHITECTURE.md
TESTS_ENVIRONMENT = top_srcdir='$(top_srcdir)' top_builddir='$(top_builddir)' CC='$(CC)'; export top_srcdir top_builddir CC;
