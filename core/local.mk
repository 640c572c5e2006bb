# libinterp: the layers of core/, each an uninstalled convenience library
# (core/LAYER/local.mk), lowest first:
#   base  util  image  host  nn  data  train  plugin  pipeline  stats  report  runner
# A file includes only headers of its own layer or lower ones
# (tests/check-layers.sh).  core/cli holds interp-run, a client of the public
# API only.
core_cflags = $(AM_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(OPENMP_CFLAGS) \
	$(PNG_CFLAGS) $(JPEG_CFLAGS) $(CAIRO_CFLAGS)
core_external_libs = $(GLIB_LIBS) $(JSON_LIBS) $(BLAS_LIBS) $(PNG_LIBS) $(JPEG_LIBS) $(CAIRO_LIBS) -lm

# Every layer in one archive, for libinterp.so and for the tests.
noinst_LTLIBRARIES += core/libinterp-core.la
core_libinterp_core_la_SOURCES =
core_libinterp_core_la_LIBADD = \
	core/base/libinterp-base.la \
	core/util/libinterp-util.la \
	core/image/libinterp-image.la \
	core/host/libinterp-host.la \
	core/nn/libinterp-nn.la \
	core/data/libinterp-data.la \
	core/train/libinterp-train.la \
	core/plugin/libinterp-plugin.la \
	core/pipeline/libinterp-pipeline.la \
	core/stats/libinterp-stats.la \
	core/report/libinterp-report.la \
	core/runner/libinterp-runner.la

# libinterp.so exports exactly the functions and variables that
# include/interp/ declares: libinterp.sym is made from the headers.
lib_LTLIBRARIES += libinterp.la
libinterp_la_SOURCES =
libinterp_la_LIBADD = core/libinterp-core.la $(core_external_libs)
libinterp_la_LDFLAGS = -version-info $(INTERP_LT_VERSION) -no-undefined $(OPENMP_CFLAGS) \
	-export-symbols libinterp.sym
EXTRA_libinterp_la_DEPENDENCIES = libinterp.sym
libinterp.sym: $(interpinclude_HEADERS) $(nodist_interpinclude_HEADERS) $(srcdir)/include/public-symbols.sh
	$(AM_V_GEN)CC="$(CC)" $(SHELL) $(srcdir)/include/public-symbols.sh $(interpinclude_HEADERS:%=$(srcdir)/%) \
	  $(nodist_interpinclude_HEADERS) > $@.tmp && mv $@.tmp $@
CLEANFILES += libinterp.sym
EXTRA_DIST += include/public-symbols.sh

# Tests link the whole core statically and export it, so that the plugins
# they load bind to the same copy of every function (libinterp.so, which
# the plugins also need, is found through LD_LIBRARY_PATH and shadowed).
test_cflags = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
test_ldflags = -export-dynamic $(OPENMP_CFLAGS) \
	-Wl,--whole-archive,core/.libs/libinterp-core.a,--no-whole-archive
test_ldadd = $(core_external_libs) $(CRITERION_LIBS)
test_deps = core/libinterp-core.la

