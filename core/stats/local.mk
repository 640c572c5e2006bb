# core/stats: statistical tests and hypotheses.
noinst_LTLIBRARIES += core/stats/libinterp-stats.la
core_stats_libinterp_stats_la_SOURCES = \
	core/stats/stats.c \
	core/stats/stats.h \
	core/stats/hypothesis.c \
	core/stats/hypothesis.h
core_stats_libinterp_stats_la_CFLAGS = $(core_cflags)
