# SPDX-License-Identifier: BSD-2-Clause
# Manual pages. dupg-sim(1) and dupg-server(8) are made by help2man from the
# programs' own --help and --version (man/help2man-filter.sh), so they cannot
# drift from them; libdupg(3) from its scdoc source. Each is built when its
# tool is there (scripts/deps.sh installs both) and checked by tests/check-man.sh.
EXTRA_DIST += man/help2man-filter.sh man/libdupg.3.scd
dupg_man_filter = $(SHELL) $(srcdir)/man/help2man-filter.sh

if HAVE_HELP2MAN
man1_MANS = man/dupg-sim.1
man/dupg-sim.1: sim/dupg-sim$(EXEEXT) $(srcdir)/man/help2man-filter.sh
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(dupg_man_filter) sim/dupg-sim --include >man/dupg-sim.h2m && \
	$(HELP2MAN) --no-info --section=1 --name="drives libdupg on files and on simulated sites" \
		--include=man/dupg-sim.h2m --output=$@.tmp "$(dupg_man_filter) sim/dupg-sim" && \
	mv $@.tmp $@
CLEANFILES += man/dupg-sim.1 man/dupg-sim.h2m
if BUILD_SERVER
man8_MANS = man/dupg-server.8
man/dupg-server.8: server/dupg-server$(EXEEXT) $(srcdir)/man/help2man-filter.sh
	$(AM_V_GEN)$(MKDIR_P) man && \
	$(HELP2MAN) --no-info --section=8 \
		--name="the management server of libdupg: site sessions, tasks, packages, rollouts" \
		--output=$@.tmp "$(dupg_man_filter) server/dupg-server" && \
	mv $@.tmp $@
CLEANFILES += man/dupg-server.8
endif
endif

if HAVE_SCDOC
man3_MANS = man/libdupg.3
man/libdupg.3: $(srcdir)/man/libdupg.3.scd
	$(AM_V_GEN)$(MKDIR_P) man && $(SCDOC) <$(srcdir)/man/libdupg.3.scd >$@.tmp && mv $@.tmp $@
CLEANFILES += man/libdupg.3
endif

# The pages render without a warning and say what the programs and headers say.
TESTS += tests/check-man.sh
EXTRA_DIST += tests/check-man.sh
