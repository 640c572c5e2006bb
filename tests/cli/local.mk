# tests/cli: interp-run end to end (tests/runner/probes.la exercises the runner's paths).

check_PROGRAMS += tests/cli/test-cli
TESTS += tests/cli/test-cli
tests_cli_test_cli_SOURCES = tests/cli/test-cli.c
tests_cli_test_cli_CFLAGS = $(test_cflags)
tests_cli_test_cli_LDFLAGS = $(test_ldflags)
tests_cli_test_cli_LDADD = $(test_ldadd)
EXTRA_tests_cli_test_cli_DEPENDENCIES = $(test_deps)


# -j, INTERP_THREADS and INTERP_PLUGIN_PATH entries (runs the binary with its own environment).
check_PROGRAMS += tests/cli/test-cli-options
TESTS += tests/cli/test-cli-options
tests_cli_test_cli_options_SOURCES = tests/cli/test-cli-options.c
tests_cli_test_cli_options_CFLAGS = $(test_cflags)
tests_cli_test_cli_options_LDFLAGS = $(test_ldflags)
tests_cli_test_cli_options_LDADD = $(test_ldadd)
EXTRA_tests_cli_test_cli_options_DEPENDENCIES = $(test_deps)

# The bad-input catalogue: >= 40 mistakes, each one message, exit 1 or 2, an earlier run untouched.
check_PROGRAMS += tests/cli/test-bad-input
TESTS += tests/cli/test-bad-input
tests_cli_test_bad_input_SOURCES = tests/cli/test-bad-input.c
tests_cli_test_bad_input_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS)
tests_cli_test_bad_input_LDFLAGS = $(test_ldflags)
tests_cli_test_bad_input_LDADD = $(test_ldadd) $(ZLIB_LIBS)
EXTRA_tests_cli_test_bad_input_DEPENDENCIES = $(test_deps)

# Crash safety: the run folder's lock, sweeps killed with SIGKILL and resumed, and a full disk
# (enospc-shim.la, loaded with LD_PRELOAD: built without the sanitizers, whose runtime must come
# first; the test skips itself under ASan).
check_PROGRAMS += tests/cli/test-crash
TESTS += tests/cli/test-crash
tests_cli_test_crash_SOURCES = tests/cli/test-crash.c
tests_cli_test_crash_CFLAGS = $(test_cflags)
tests_cli_test_crash_LDFLAGS = $(test_ldflags)
tests_cli_test_crash_LDADD = $(test_ldadd)
EXTRA_tests_cli_test_crash_DEPENDENCIES = $(test_deps) tests/cli/enospc-shim.la
check_LTLIBRARIES += tests/cli/enospc-shim.la
tests_cli_enospc_shim_la_SOURCES = tests/cli/enospc-shim.c
tests_cli_enospc_shim_la_CFLAGS = -std=gnu11 $(WARN_CFLAGS) -fvisibility=hidden
tests_cli_enospc_shim_la_LDFLAGS = -module -avoid-version -no-undefined -shared -rpath /nowhere
