# statistics and hypotheses (sources and tests).
libinterp_la_SOURCES += \
	core/stats.c \
	core/stats.h

check_PROGRAMS += tests/test-stats
TESTS += tests/test-stats
tests_test_stats_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_stats_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
