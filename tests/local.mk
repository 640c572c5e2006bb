# Criterion tests of the core (params, pipeline, CLI, runner).
check_PROGRAMS += tests/test-pipeline tests/test-cli
TESTS += tests/test-pipeline tests/test-cli
tests_test_pipeline_SOURCES = tests/test-pipeline.c
tests_test_pipeline_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_pipeline_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS)
tests_test_cli_SOURCES = tests/test-cli.c
tests_test_cli_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
tests_test_cli_LDADD = libinterp.la $(GLIB_LIBS) $(JSON_LIBS) $(CRITERION_LIBS)
