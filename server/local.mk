# SPDX-License-Identifier: BSD-2-Clause
# The management server (issue 8): libmicrohttpd, SQLite or PostgreSQL, GnuTLS.
EXTRA_DIST += server/LAYERS
if BUILD_SERVER
bin_PROGRAMS += server/dupg-server
server_dupg_server_SOURCES = \
	server/main.c \
	server/api.h \
	server/api.c \
	server/files.h \
	server/files.c \
	server/http.h \
	server/http.c \
	server/service.h \
	server/service.c \
	server/index.h \
	server/index.c \
	server/store.h \
	server/store.c \
	server/store_internal.h \
	server/store_sqlite.c \
	server/store_pg.c \
	server/metrics.h \
	server/metrics.c \
	server/token.h \
	server/token.c
server_dupg_server_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server $(DUPG_UTIL_CPPFLAGS) \
	$(MHD_CFLAGS) $(SQLITE_CFLAGS) $(PQ_CFLAGS) $(GNUTLS_CFLAGS) $(JSONC_CFLAGS)
server_dupg_server_LDADD = libdupg/libdupg.la $(DUPG_UTIL_LIBS) $(MHD_LIBS) $(SQLITE_LIBS) \
	$(PQ_LIBS) $(GNUTLS_LIBS) $(JSONC_LIBS) -lpthread

# The server's tests (tests/server/): the API on SQLite and on a throwaway
# PostgreSQL, faults, load against dupg_match run directly (match_ref),
# rollouts; python3 clients, bounded in time, nothing left running.
check_PROGRAMS += tests/server/match_ref
tests_server_match_ref_SOURCES = tests/server/match_ref.c
tests_server_match_ref_LDADD = libdupg/libdupg.la
server_tests = \
	tests/server/test_api.sh \
	tests/server/test_faults.sh \
	tests/server/test_load.sh \
	tests/server/test_rollout.sh \
	tests/server/test_pg.sh
TESTS += $(server_tests)
endif
EXTRA_DIST += tests/server/srvlib.py tests/server/srvtest.py tests/server/test_api.sh \
	tests/server/test_faults.sh tests/server/test_load.sh tests/server/test_rollout.sh \
	tests/server/test_pg.sh tests/server/match_ref.c server/README.md
