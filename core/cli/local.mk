# interp-run
bin_PROGRAMS += interp-run
interp_run_SOURCES = core/cli/interp-run.c
interp_run_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS)
interp_run_LDADD = libinterp.la $(GLIB_LIBS)
# TEMPORARY until include/interp/runner.h exists: the whole core, statically.
interp_run_LDFLAGS = $(test_ldflags)
EXTRA_interp_run_DEPENDENCIES = $(test_deps)
interp_run_LDADD += $(core_external_libs)
