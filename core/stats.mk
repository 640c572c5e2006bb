# statistics and hypotheses (sources and tests).
libinterp_la_SOURCES += \
	core/stats.c \
	core/stats.h \
	core/hypothesis.c \
	core/hypothesis.h

check_PROGRAMS += tests/test-stats tests/test-hypothesis
TESTS += tests/test-stats tests/test-hypothesis
tests_test_stats_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_stats_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_hypothesis_CFLAGS = $(AM_CFLAGS) $(JSON_CFLAGS) $(CRITERION_CFLAGS)
tests_test_hypothesis_LDADD = libinterp.la $(GLIB_LIBS) $(JSON_LIBS) $(CRITERION_LIBS) -lm
