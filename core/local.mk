# libinterp: the engine, the plugin registry and the pipeline runner.
lib_LTLIBRARIES += libinterp.la
libinterp_la_SOURCES = \
	core/error.c \
	core/version.c \
	core/tensor.c \
	core/rng.c \
	core/params.c \
	core/context.c \
	core/results.c \
	core/fsutil.c \
	core/progress.c \
	core/pipeline.c \
	core/run.c \
	core/run-summary.c \
	core/trial.c \
	core/train.c \
	core/evaluate.c
noinst_HEADERS += \
	core/context-private.h \
	core/params-private.h \
	core/results-private.h \
	core/fsutil.h \
	core/progress.h \
	core/pipeline.h \
	core/run.h \
	core/run-summary.h \
	core/trial.h \
	core/train.h \
	core/evaluate.h
libinterp_la_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(BLAS_CFLAGS) $(OPENMP_CFLAGS) \
	$(PNG_CFLAGS) $(CAIRO_CFLAGS)
libinterp_la_LIBADD = $(GLIB_LIBS) $(JSON_LIBS) $(BLAS_LIBS) $(PNG_LIBS) $(CAIRO_LIBS) -lm
libinterp_la_LDFLAGS = -version-info $(INTERP_LT_VERSION) -no-undefined $(OPENMP_CFLAGS) \
	-export-symbols-regex '^(interp_|_interp_)'
