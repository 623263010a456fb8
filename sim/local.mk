# The simulator and command-line driver.
bin_PROGRAMS += sim/dupg-sim
sim_dupg_sim_SOURCES = \
	sim/cli.h \
	sim/main.c \
	sim/cli_core.c \
	sim/sim.h \
	sim/util.h \
	sim/names.h \
	sim/names.c \
	sim/util.c \
	sim/scenario.c \
	sim/fleet.c \
	sim/build.c \
	sim/baseline.c \
	sim/engine.h \
	sim/engine.c \
	sim/devices.c \
	sim/site_json.c \
	sim/report.c \
	sim/run.c \
	sim/draw.c
sim_dupg_sim_LDADD = libdupg/libdupg.la $(ARCHIVE_LIBS) $(XXHASH_LIBS) $(JSONC_LIBS) -lm
sim_dupg_sim_CPPFLAGS = $(AM_CPPFLAGS) $(ARCHIVE_CFLAGS) $(XXHASH_CFLAGS) $(JSONC_CFLAGS)

# Shipped topologies and scenarios.
EXTRA_DIST += sim/README.md sim/topologies

# The simulator's tests: every shipped topology end to end, faults, crashes,
# fleets against the baselines, determinism, bad files (shell + python3 json).
sim_tests = \
	tests/sim/test_fig3a.sh \
	tests/sim/test_crash.sh \
	tests/sim/test_cascade.sh \
	tests/sim/test_listed.sh \
	tests/sim/test_fleet.sh \
	tests/sim/test_bad.sh
TESTS += $(sim_tests)
EXTRA_DIST += $(sim_tests) tests/sim/lib.sh tests/sim/listed.json tests/sim/halt.json tests/sim/bad
