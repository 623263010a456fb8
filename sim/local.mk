# SPDX-License-Identifier: BSD-2-Clause
# The simulator and command-line driver.
bin_PROGRAMS += sim/dupg-sim
sim_dupg_sim_SOURCES = \
	sim/main.c \
	sim/cli.h \
	sim/cli.c \
	sim/util.h \
	sim/util.c \
	sim/child.h \
	sim/child.c \
	sim/names.h \
	sim/names.c \
	sim/stage/stage.h \
	sim/stage/common.h \
	sim/stage/common.c \
	sim/stage/pack.c \
	sim/stage/manifest.c \
	sim/stage/keygen.c \
	sim/stage/merge.c \
	sim/stage/match.c \
	sim/stage/prune.c \
	sim/stage/recover.c \
	sim/stage/rollback.c \
	sim/stage/fetch.c \
	sim/scenario/catalog.h \
	sim/scenario/catalog.c \
	sim/scenario/site.h \
	sim/scenario/site.c \
	sim/scenario/fields.h \
	sim/scenario/fields.c \
	sim/scenario/fleet.h \
	sim/scenario/fleet.c \
	sim/scenario/servers.h \
	sim/scenario/servers.c \
	sim/scenario/scenario.h \
	sim/scenario/scenario.c \
	sim/scenario/load_site.h \
	sim/scenario/load_site.c \
	sim/scenario/load.h \
	sim/scenario/load.c \
	sim/model/server.h \
	sim/model/server.c \
	sim/model/baseline.h \
	sim/model/baseline.c \
	sim/model/result.h \
	sim/model/result.c \
	sim/model/siterun.h \
	sim/model/siterun.c \
	sim/model/devices.h \
	sim/model/devices.c \
	sim/driver/context.h \
	sim/driver/region.h \
	sim/driver/region.c \
	sim/driver/cluster.h \
	sim/driver/cluster.c \
	sim/driver/http.h \
	sim/driver/http.c \
	sim/driver/fetch.h \
	sim/driver/fetch.c \
	sim/driver/store.h \
	sim/driver/store.c \
	sim/driver/controller.h \
	sim/driver/controller.c \
	sim/driver/flow.h \
	sim/driver/flow.c \
	sim/driver/rollout.h \
	sim/driver/rollout.c \
	sim/output/json.h \
	sim/output/json.c \
	sim/output/site_json.h \
	sim/output/site_json.c \
	sim/output/totals.h \
	sim/output/totals.c \
	sim/output/table.h \
	sim/output/table.c \
	sim/output/report.h \
	sim/output/report.c \
	sim/output/progress.h \
	sim/output/progress.c \
	sim/output/dot.h \
	sim/output/dot.c \
	sim/run.h \
	sim/run.c \
	sim/draw.h \
	sim/draw.c
# dupg-sim node: one node of a region on a real network (multicast, dupg-server as its HTTP side)
sim_dupg_sim_SOURCES += \
	sim/node/node.h \
	sim/node/node.c \
	sim/node/obtain.h \
	sim/node/obtain.c \
	sim/node/mcast.h \
	sim/node/mcast.c \
	sim/node/serve.h \
	sim/node/serve.c
sim_dupg_sim_LDADD = libdupg/libdupg.la $(DUPG_UTIL_LIBS) $(ARCHIVE_LIBS) $(JSONC_LIBS) $(CURL_LIBS) -lm -lpthread
sim_dupg_sim_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sim $(DUPG_UTIL_CPPFLAGS) $(ARCHIVE_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS)

# Shipped topologies and scenarios; the layer list and its checker.
EXTRA_DIST += sim/README.md sim/topologies sim/LAYERS

# The simulator's tests: every shipped topology end to end, faults, crashes,
# fleets against the baselines, determinism, bad files (shell + python3 json).
# The include graph against sim/LAYERS is tests/check-layers.sh.
sim_tests = \
	tests/sim/test_fig3a.sh \
	tests/sim/test_crash.sh \
	tests/sim/test_crash_txn.sh \
	tests/sim/test_cascade.sh \
	tests/sim/test_scale.sh \
	tests/sim/test_listed.sh \
	tests/sim/test_fleet.sh \
	tests/sim/test_bad.sh \
	tests/sim/test_many_events.sh \
	tests/sim/test_regions.sh \
	tests/sim/test_deploy.sh \
	tests/sim/test_terminal.sh \
	tests/sim/test_build_script.sh \
	tests/sim/test_why.sh
TESTS += $(sim_tests)
EXTRA_DIST += $(sim_tests) tests/sim/lib.sh tests/sim/listed.json tests/sim/halt.json tests/sim/bad

# The progress line's formatting, a pure function, as a CUnit suite.
if HAVE_CUNIT
check_PROGRAMS += tests/sim/test_progress
TESTS += tests/sim/test_progress
tests_sim_test_progress_SOURCES = tests/sim/test_progress.c sim/output/progress.h sim/output/progress.c
tests_sim_test_progress_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sim $(CUNIT_CFLAGS)
tests_sim_test_progress_LDADD = $(CUNIT_LIBS)
endif
