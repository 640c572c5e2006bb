# core/stats: statistical tests and hypotheses.
noinst_LTLIBRARIES += core/stats/libinterp-stats.la
core_stats_libinterp_stats_la_SOURCES = \
	core/stats/stats.c \
	core/stats/stats.h \
	core/stats/stats-one-sample.c \
	core/stats/hypothesis.h \
	core/stats/hypothesis-private.h \
	core/stats/hypothesis-spec.c \
	core/stats/hypothesis-data.c \
	core/stats/hypothesis-verdict.c \
	core/stats/hypothesis-json.c \
	core/stats/hypothesis-family.c \
	core/stats/map-similarity.h \
	core/stats/map-similarity.c
core_stats_libinterp_stats_la_CFLAGS = $(core_cflags)
