# tests/runner: the public runner API; probes.la, a test-only plugin that exercises the
# runner's metric, corruption and attack paths (used by tests/cli).
check_LTLIBRARIES += tests/runner/probes.la
tests_runner_probes_la_SOURCES = tests/runner/probes.c
tests_runner_probes_la_CFLAGS = $(plugin_cflags)
tests_runner_probes_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -no-undefined \
	-shared -rpath /nowhere -export-symbols-regex '^interp_plugin_describe$$'
tests_runner_probes_la_LIBADD = $(plugin_libs)

# The public runner API, linked like an outside program: libinterp.so only.
check_PROGRAMS += tests/runner/test-runner
TESTS += tests/runner/test-runner
tests_runner_test_runner_SOURCES = tests/runner/test-runner.c
tests_runner_test_runner_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_runner_test_runner_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
