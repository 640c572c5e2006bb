# interp-run: a client of the public API only (tests/check-layers.sh).
bin_PROGRAMS += interp-run
interp_run_SOURCES = core/cli/interp-run.c
interp_run_LDADD = libinterp.la $(GLIB_LIBS)
