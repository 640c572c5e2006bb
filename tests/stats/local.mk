# tests/stats: statistics and hypotheses.

check_PROGRAMS += tests/stats/test-stats
TESTS += tests/stats/test-stats
tests_stats_test_stats_SOURCES = tests/stats/test-stats.c
tests_stats_test_stats_CFLAGS = $(test_cflags)
tests_stats_test_stats_LDFLAGS = $(test_ldflags)
tests_stats_test_stats_LDADD = $(test_ldadd)
EXTRA_tests_stats_test_stats_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/stats/test-hypothesis
TESTS += tests/stats/test-hypothesis
tests_stats_test_hypothesis_SOURCES = \
	tests/stats/hypothesis-fixture.h \
	tests/stats/hypothesis-fixture.c \
	tests/stats/test-hypothesis.c \
	tests/stats/test-hypothesis-verdicts.c \
	tests/stats/test-hypothesis-select.c \
	tests/stats/test-hypothesis-one-sample.c \
	tests/stats/test-hypothesis-family.c
tests_stats_test_hypothesis_CFLAGS = $(test_cflags)
tests_stats_test_hypothesis_LDFLAGS = $(test_ldflags)
tests_stats_test_hypothesis_LDADD = $(test_ldadd)
EXTRA_tests_stats_test_hypothesis_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/stats/test-map-similarity
TESTS += tests/stats/test-map-similarity
tests_stats_test_map_similarity_SOURCES = tests/stats/test-map-similarity.c
tests_stats_test_map_similarity_CFLAGS = $(test_cflags)
tests_stats_test_map_similarity_LDFLAGS = $(test_ldflags)
tests_stats_test_map_similarity_LDADD = $(test_ldadd)
EXTRA_tests_stats_test_map_similarity_DEPENDENCIES = $(test_deps)
