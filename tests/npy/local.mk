# tests/npy: the .npy reader (core/util/npy.c), on bytes built in the test and on NumPy's files.

check_PROGRAMS += tests/npy/test-npy
TESTS += tests/npy/test-npy
tests_npy_test_npy_SOURCES = tests/npy/test-npy.c
tests_npy_test_npy_CFLAGS = $(test_cflags)
tests_npy_test_npy_LDFLAGS = $(test_ldflags)
tests_npy_test_npy_LDADD = $(test_ldadd)
EXTRA_tests_npy_test_npy_DEPENDENCIES = $(test_deps)
