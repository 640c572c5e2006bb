# tests/crosscheck: whole models against PyTorch (skipped without python3-torch).

check_PROGRAMS += tests/crosscheck/test-torch-crosscheck
TESTS += tests/crosscheck/test-torch-crosscheck
tests_crosscheck_test_torch_crosscheck_SOURCES = tests/crosscheck/test-torch-crosscheck.c
tests_crosscheck_test_torch_crosscheck_CFLAGS = $(test_cflags)
tests_crosscheck_test_torch_crosscheck_LDFLAGS = $(test_ldflags)
tests_crosscheck_test_torch_crosscheck_LDADD = $(test_ldadd)
EXTRA_tests_crosscheck_test_torch_crosscheck_DEPENDENCIES = $(test_deps)
EXTRA_DIST += tests/crosscheck/torch_crosscheck.py
