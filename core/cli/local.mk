# interp-run
bin_PROGRAMS += interp-run
interp_run_SOURCES = core/cli/interp-run.c
interp_run_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS)
interp_run_LDADD = libinterp.la $(GLIB_LIBS)
