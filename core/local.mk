# libinterp: the engine, the plugin registry and the pipeline runner.
lib_LTLIBRARIES += libinterp.la
libinterp_la_SOURCES = \
	core/error.c \
	core/version.c \
	core/tensor.c \
	core/rng.c \
	core/params.c \
	core/context.c \
	core/results.c
libinterp_la_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(OPENMP_CFLAGS) \
	$(PNG_CFLAGS) $(CAIRO_CFLAGS)
libinterp_la_LIBADD = $(GLIB_LIBS) $(JSON_LIBS) $(BLAS_LIBS) $(PNG_LIBS) $(CAIRO_LIBS) -lm
libinterp_la_LDFLAGS = -version-info $(INTERP_LT_VERSION) -no-undefined $(OPENMP_CFLAGS) \
	-export-symbols-regex '^(interp_|_interp_)'
