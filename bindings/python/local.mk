# SPDX-License-Identifier: BSD-2-Clause
# Python bindings (issue 4): the SWIG extension dupg._dupg, its proxy module
# dupg.core and the pure-Python package around them. The package is assembled
# in $(builddir)/bindings/python/pkg/dupg, so the tests (and anyone with
# PYTHONPATH=$(builddir)/bindings/python/pkg) import it from the build tree.

# The interface: dupg.i includes the shared files, then one file per concept.
pydupg_interface = \
	bindings/python/dupg.i \
	bindings/python/errors.i \
	bindings/python/typemaps.i \
	bindings/python/common.i \
	bindings/python/manifest.i \
	bindings/python/package.i \
	bindings/python/vd.i \
	bindings/python/match.i \
	bindings/python/configuration.i \
	bindings/python/pathlist.i \
	bindings/python/prune.i \
	bindings/python/store.i \
	bindings/python/topology.i \
	bindings/python/plan.i \
	bindings/python/txn.i \
	bindings/python/rollout.i \
	bindings/python/fetch.i \
	bindings/python/trust.i \
	bindings/python/region.i
pydupg_src = \
	bindings/python/dupg/__init__.py \
	bindings/python/dupg/__init__.pyi \
	bindings/python/dupg/errors.py \
	bindings/python/dupg/_package.py \
	bindings/python/dupg/_vd.py \
	bindings/python/dupg/_match.py \
	bindings/python/dupg/_prune.py \
	bindings/python/dupg/_store.py \
	bindings/python/dupg/sim.py \
	bindings/python/dupg/py.typed
pydupg_tests = \
	bindings/python/tests/conftest.py \
	bindings/python/tests/test_basics.py \
	bindings/python/tests/test_errors.py \
	bindings/python/tests/test_packages.py \
	bindings/python/tests/test_worked_example.py \
	bindings/python/tests/test_store.py \
	bindings/python/tests/test_plan.py \
	bindings/python/tests/test_txn.py \
	bindings/python/tests/test_rollout.py \
	bindings/python/tests/test_fetch.py \
	bindings/python/tests/test_region.py \
	bindings/python/tests/test_memory.py \
	bindings/python/tests/test_sim.py \
	bindings/python/tests/test_threads.py \
	bindings/python/tests/test_names.py \
	bindings/python/tests/test_readme.py \
	bindings/python/tests/test_trust.py \
	bindings/python/tests/test_typeddicts.py

EXTRA_DIST += \
	$(pydupg_interface) \
	bindings/python/README.md \
	bindings/python/run-pytest.in \
	$(pydupg_src) \
	$(pydupg_tests)

if ENABLE_PYTHON
pydupg_pkg = bindings/python/pkg/dupg

# The helper C the interface calls, built with the project's warnings.
noinst_LTLIBRARIES += bindings/python/libdupg_py.la
bindings_python_libdupg_py_la_SOURCES = \
	bindings/python/dupg_py.h \
	bindings/python/dupg_py.c \
	bindings/python/dupg_py_manifest.c \
	bindings/python/dupg_py_package.c \
	bindings/python/dupg_py_vd.c \
	bindings/python/dupg_py_match.c \
	bindings/python/dupg_py_configuration.c \
	bindings/python/dupg_py_pathlist.c \
	bindings/python/dupg_py_prune.c \
	bindings/python/dupg_py_store.c \
	bindings/python/dupg_py_topology.c \
	bindings/python/dupg_py_plan.c \
	bindings/python/dupg_py_txn.c \
	bindings/python/dupg_py_rollout.c \
	bindings/python/dupg_py_fetch.c \
	bindings/python/dupg_py_trust.c \
	bindings/python/dupg_py_region.c
bindings_python_libdupg_py_la_CPPFLAGS = $(AM_CPPFLAGS) $(PYTHON_DEV_CFLAGS)
bindings_python_libdupg_py_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden

pydupg_LTLIBRARIES = bindings/python/_dupg.la
nodist_bindings_python__dupg_la_SOURCES = bindings/python/dupg_wrap.c
bindings_python__dupg_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(srcdir)/bindings/python $(PYTHON_DEV_CFLAGS)
# SWIG's generated code trips some of our warnings; it is the only code
# built with them relaxed.
bindings_python__dupg_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden \
	-Wno-unused-parameter -Wno-missing-prototypes -Wno-cast-function-type \
	-Wno-shadow -Wno-missing-field-initializers
# A Python module: no soname version, Python's own suffix, symbols from the
# interpreter left undefined, only its entry point exported. It embeds the
# library's layers rather than linking libdupg.so: linked to an uninstalled
# libtool library, libtool relinks it at install time and refuses `make
# install prefix=DIR`, and an installed module would need ldconfig first.
bindings_python__dupg_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-shrext $(PYTHON_EXT_SUFFIX) -export-symbols-regex '^PyInit__dupg$$'
bindings_python__dupg_la_LIBADD = bindings/python/libdupg_py.la $(DUPG_LIB_PARTS) \
	$(PYTHON_DEV_LIBS)

# A module is loaded by its .so: libtool's .la beside it is of no use to anyone.
install-data-hook:
	rm -f $(DESTDIR)$(pydupgdir)/_dupg.la
uninstall-local:
	rm -f $(DESTDIR)$(pydupgdir)/_dupg$(PYTHON_EXT_SUFFIX)

pydupg_DATA = $(pydupg_src)
nodist_pydupg_DATA = $(pydupg_pkg)/core.py $(pydupg_pkg)/_config.py

pydupg_swig_deps = $(pydupg_interface) $(include_HEADERS) $(dupginclude_HEADERS)

# One SWIG run writes the C wrapper and the proxy module; docstrings come from
# the doxygen comments.
bindings/python/dupg_wrap.c: $(pydupg_swig_deps)
	$(AM_V_GEN)$(MKDIR_P) $(pydupg_pkg) && \
	$(SWIG) -python -doxygen -interface _dupg -I$(srcdir)/bindings/python \
		-I$(top_builddir)/include -I$(top_srcdir)/include \
		-outdir $(pydupg_pkg) -o $@ $(srcdir)/bindings/python/dupg.i
$(pydupg_pkg)/core.py: bindings/python/dupg_wrap.c
	@test -f $@ || { rm -f bindings/python/dupg_wrap.c; $(MAKE) $(AM_MAKEFLAGS) bindings/python/dupg_wrap.c; }

# Where `make install` puts dupg-sim, for dupg.sim when it runs installed.
$(pydupg_pkg)/_config.py: Makefile
	$(AM_V_GEN)$(MKDIR_P) $(pydupg_pkg) && \
	{ echo '"""Generated by make: installation paths."""'; \
	  echo 'BINDIR = "$(bindir)"'; \
	  echo 'VERSION = "$(VERSION)"'; } > $@

# The importable package in the build tree.
$(pydupg_pkg)/.stamp: $(pydupg_src) bindings/python/_dupg.la $(pydupg_pkg)/core.py $(pydupg_pkg)/_config.py
	$(AM_V_GEN)$(MKDIR_P) $(pydupg_pkg) && \
	for f in $(pydupg_src); do \
		if test -f $$f; then s=$$f; else s=$(srcdir)/$$f; fi; \
		cp $$s $(pydupg_pkg)/ || exit 1; \
	done && \
	cp bindings/python/.libs/_dupg$(PYTHON_EXT_SUFFIX) $(pydupg_pkg)/ && \
	touch $@

python-package: $(pydupg_pkg)/.stamp
# `make` assembles it too, so PYTHONPATH=$(builddir)/bindings/python/pkg works after a build.
noinst_DATA = $(pydupg_pkg)/.stamp

# make check: the pytest suite through a small driver that shares the harness.
bindings/python/run-pytest: $(srcdir)/bindings/python/run-pytest.in $(pydupg_pkg)/.stamp Makefile
	$(AM_V_GEN)$(MKDIR_P) bindings/python && \
	sed -e 's|@PYTHON[@]|$(PYTHON)|g' \
	    -e 's|@abs_top_srcdir[@]|$(abs_top_srcdir)|g' \
	    -e 's|@abs_top_builddir[@]|$(abs_top_builddir)|g' \
	    -e 's|@have_pytest[@]|$(pydupg_have_pytest)|g' \
	    -e 's|@sanitizers[@]|$(pydupg_sanitizers)|g' \
	    -e 's|@CC[@]|$(CC)|g' \
	    $(srcdir)/bindings/python/run-pytest.in > $@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@

if HAVE_PYTEST
pydupg_have_pytest = yes
else
pydupg_have_pytest = no
endif
if SANITIZERS
pydupg_sanitizers = yes
else
pydupg_sanitizers = no
endif

TESTS += bindings/python/run-pytest

CLEANFILES += \
	bindings/python/dupg_wrap.c \
	bindings/python/run-pytest \
	$(pydupg_pkg)/.stamp \
	$(pydupg_pkg)/core.py \
	$(pydupg_pkg)/_config.py \
	$(pydupg_pkg)/_dupg$(PYTHON_EXT_SUFFIX) \
	$(pydupg_pkg)/__init__.py \
	$(pydupg_pkg)/__init__.pyi \
	$(pydupg_pkg)/errors.py \
	$(pydupg_pkg)/_package.py \
	$(pydupg_pkg)/_vd.py \
	$(pydupg_pkg)/_match.py \
	$(pydupg_pkg)/_prune.py \
	$(pydupg_pkg)/_store.py \
	$(pydupg_pkg)/sim.py \
	$(pydupg_pkg)/py.typed
endif
