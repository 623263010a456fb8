# The simulator and command-line driver.
bin_PROGRAMS += sim/dupg-sim
sim_dupg_sim_SOURCES = \
	sim/cli.h \
	sim/main.c \
	sim/cli_core.c \
	sim/run.c \
	sim/draw.c
sim_dupg_sim_LDADD = libdupg/libdupg.la $(JSONC_LIBS) -lm
sim_dupg_sim_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
