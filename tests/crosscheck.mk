# Whole-model cross-check against PyTorch (skipped without python3-torch).
if HAVE_CRITERION
check_PROGRAMS += tests/test-torch-crosscheck
TESTS += tests/test-torch-crosscheck
endif
tests_test_torch_crosscheck_SOURCES = tests/test-torch-crosscheck.c
tests_test_torch_crosscheck_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_torch_crosscheck_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
EXTRA_DIST += tests/torch_crosscheck.py
