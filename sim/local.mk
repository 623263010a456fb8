# The simulator and command-line driver.
bin_PROGRAMS += sim/dupg-sim
sim_dupg_sim_SOURCES = sim/main.c
sim_dupg_sim_LDADD = libdupg/libdupg.la $(JSONC_LIBS)
sim_dupg_sim_CPPFLAGS = $(AM_CPPFLAGS) $(JSONC_CFLAGS)
