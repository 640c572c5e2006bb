# tests/util: the core's shared helpers.

check_PROGRAMS += tests/util/test-util
TESTS += tests/util/test-util
tests_util_test_util_SOURCES = tests/util/test-util.c
tests_util_test_util_CFLAGS = $(test_cflags)
tests_util_test_util_LDFLAGS = $(test_ldflags)
tests_util_test_util_LDADD = $(test_ldadd)
EXTRA_tests_util_test_util_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/util/test-rng
TESTS += tests/util/test-rng
tests_util_test_rng_SOURCES = tests/util/test-rng.c
tests_util_test_rng_CFLAGS = $(test_cflags)
tests_util_test_rng_LDFLAGS = $(test_ldflags)
tests_util_test_rng_LDADD = $(test_ldadd)
EXTRA_tests_util_test_rng_DEPENDENCIES = $(test_deps)
