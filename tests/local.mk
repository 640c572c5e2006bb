# Criterion tests of the core (params, pipeline, CLI, runner).
check_PROGRAMS += tests/test-pipeline tests/test-cli
TESTS += tests/test-pipeline tests/test-cli
tests_test_pipeline_SOURCES = tests/test-pipeline.c
tests_test_pipeline_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_pipeline_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS)
tests_test_cli_SOURCES = tests/test-cli.c
tests_test_cli_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(JSON_CFLAGS)
tests_test_cli_LDADD = libinterp.la $(GLIB_LIBS) $(JSON_LIBS) $(CRITERION_LIBS)

# Test-only plugin that exercises the runner's metric, corruption and attack paths.
check_LTLIBRARIES += tests/runner-plugins/probes.la
tests_runner_plugins_probes_la_SOURCES = tests/runner-plugins/probes.c
tests_runner_plugins_probes_la_CFLAGS = $(plugin_cflags)
tests_runner_plugins_probes_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -no-undefined \
	-shared -rpath /nowhere -export-symbols-regex '^interp_plugin_describe$$'
tests_runner_plugins_probes_la_LIBADD = $(plugin_libs)
