# CUnit suites, one per concept, run by `make check`.
if HAVE_CUNIT
noinst_LTLIBRARIES += tests/libfixture.la
tests_libfixture_la_SOURCES = tests/fixture.c tests/fixture.h
tests_libfixture_la_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)

TEST_LDADD = tests/libfixture.la libdupg/libdupg.la $(CUNIT_LIBS)
TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)

dupg_unit_tests = \
	tests/test_vercmp \
	tests/test_errors \
	tests/test_manifest \
	tests/test_package \
	tests/test_vd \
	tests/test_match \
	tests/test_configuration \
	tests/test_pathlist \
	tests/test_prune \
	tests/test_store \
	tests/test_topology \
	tests/test_plan

check_PROGRAMS += $(dupg_unit_tests)
TESTS += $(dupg_unit_tests)

tests_test_vercmp_SOURCES = tests/test_vercmp.c
tests_test_vercmp_CFLAGS = $(TEST_CFLAGS)
tests_test_vercmp_LDADD = $(TEST_LDADD)
tests_test_errors_SOURCES = tests/test_errors.c
tests_test_errors_CFLAGS = $(TEST_CFLAGS)
tests_test_errors_LDADD = $(TEST_LDADD) -lpthread
tests_test_manifest_SOURCES = tests/test_manifest.c
tests_test_manifest_CFLAGS = $(TEST_CFLAGS)
tests_test_manifest_LDADD = $(TEST_LDADD)
tests_test_package_SOURCES = tests/test_package.c
tests_test_package_CFLAGS = $(TEST_CFLAGS)
tests_test_package_LDADD = $(TEST_LDADD) $(ARCHIVE_LIBS)
tests_test_package_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS)
tests_test_vd_SOURCES = tests/test_vd.c
tests_test_vd_CFLAGS = $(TEST_CFLAGS)
tests_test_vd_LDADD = $(TEST_LDADD)
tests_test_match_SOURCES = tests/test_match.c
tests_test_match_CFLAGS = $(TEST_CFLAGS)
tests_test_match_LDADD = $(TEST_LDADD)
tests_test_configuration_SOURCES = tests/test_configuration.c
tests_test_configuration_CFLAGS = $(TEST_CFLAGS)
tests_test_configuration_LDADD = $(TEST_LDADD)
tests_test_pathlist_SOURCES = tests/test_pathlist.c
tests_test_pathlist_CFLAGS = $(TEST_CFLAGS)
tests_test_pathlist_LDADD = $(TEST_LDADD)
tests_test_prune_SOURCES = tests/test_prune.c
tests_test_prune_CFLAGS = $(TEST_CFLAGS)
tests_test_prune_LDADD = $(TEST_LDADD)
tests_test_store_SOURCES = tests/test_store.c
tests_test_store_CFLAGS = $(TEST_CFLAGS)
tests_test_store_LDADD = $(TEST_LDADD)
tests_test_topology_SOURCES = tests/test_topology.c
tests_test_topology_CFLAGS = $(TEST_CFLAGS)
tests_test_topology_LDADD = $(TEST_LDADD)
tests_test_plan_SOURCES = tests/test_plan.c
tests_test_plan_CFLAGS = $(TEST_CFLAGS)
tests_test_plan_LDADD = $(TEST_LDADD)
endif

# dupg-sim's core subcommands on real files (the worked example, bad input).
TESTS += tests/cli/test_cli.sh
EXTRA_DIST += tests/cli/test_cli.sh

# Every public header compiles alone as C99 with -pedantic.
TESTS += tests/check-headers.sh
EXTRA_DIST += tests/check-headers.sh tests/data
TESTS_ENVIRONMENT = top_srcdir='$(top_srcdir)' top_builddir='$(top_builddir)' CC='$(CC)'; export top_srcdir top_builddir CC;
