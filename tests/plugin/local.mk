# tests/plugin: the kind table, plugin loader and registry (fixtures/: test-only plugins).

registry_test_sources = tests/plugin/registry-helpers.c tests/plugin/registry-helpers.h \
	tests/plugin/fixtures/test-plugin.h

check_PROGRAMS += tests/plugin/test-registry tests/plugin/test-components \
	tests/plugin/test-describe
TESTS += tests/plugin/test-registry tests/plugin/test-components tests/plugin/test-describe

tests_plugin_test_registry_SOURCES = tests/plugin/test-registry.c $(registry_test_sources)
tests_plugin_test_registry_CFLAGS = $(test_cflags)
tests_plugin_test_registry_LDFLAGS = $(test_ldflags)
tests_plugin_test_registry_LDADD = $(test_ldadd)
EXTRA_tests_plugin_test_registry_DEPENDENCIES = $(test_deps)

tests_plugin_test_components_SOURCES = tests/plugin/test-components.c $(registry_test_sources) \
	tests/plugin/fixtures/task-pruner.h
tests_plugin_test_components_CFLAGS = $(test_cflags)
tests_plugin_test_components_LDFLAGS = $(test_ldflags)
tests_plugin_test_components_LDADD = $(test_ldadd)
EXTRA_tests_plugin_test_components_DEPENDENCIES = $(test_deps)

tests_plugin_test_describe_SOURCES = tests/plugin/test-describe.c $(registry_test_sources)
tests_plugin_test_describe_CFLAGS = $(test_cflags)
tests_plugin_test_describe_LDFLAGS = $(test_ldflags)
tests_plugin_test_describe_LDADD = $(test_ldadd)
EXTRA_tests_plugin_test_describe_DEPENDENCIES = $(test_deps)

# Test-only plugins: libtool modules that are never installed (-rpath
# /nowhere makes libtool build a real .so in tests/plugin/fixtures/.libs, which
# tests/test-registry finds through INTERP_TEST_BUILDDIR).
registry_test_plugin_ldflags = $(AM_LDFLAGS) -module -avoid-version -no-undefined -shared \
	-rpath /nowhere
registry_test_plugin_export = -export-symbols-regex '^interp_plugin_describe$$'

check_LTLIBRARIES += \
	tests/plugin/fixtures/good.la \
	tests/plugin/fixtures/second.la \
	tests/plugin/fixtures/redefines-good.la \
	tests/plugin/fixtures/wrong-abi.la \
	tests/plugin/fixtures/no-entry.la \
	tests/plugin/fixtures/short-descriptor.la \
	tests/plugin/fixtures/missing-metadata.la \
	tests/plugin/fixtures/short-vtable.la \
	tests/plugin/fixtures/bad-default.la \
	tests/plugin/fixtures/task-pruner.la \
	tests/plugin/fixtures/pruner-no-prune.la

tests_plugin_fixtures_good_la_SOURCES = tests/plugin/fixtures/good.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_good_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_good_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_second_la_SOURCES = tests/plugin/fixtures/second.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_second_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_second_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_redefines_good_la_SOURCES = tests/plugin/fixtures/redefines-good.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_redefines_good_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_redefines_good_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_wrong_abi_la_SOURCES = tests/plugin/fixtures/wrong-abi.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_wrong_abi_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_wrong_abi_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

# Exports its misspelt entry point instead of interp_plugin_describe.
tests_plugin_fixtures_no_entry_la_SOURCES = tests/plugin/fixtures/no-entry.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_no_entry_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_no_entry_la_LDFLAGS = $(registry_test_plugin_ldflags)

tests_plugin_fixtures_short_descriptor_la_SOURCES = tests/plugin/fixtures/short-descriptor.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_short_descriptor_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_short_descriptor_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_missing_metadata_la_SOURCES = tests/plugin/fixtures/missing-metadata.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_missing_metadata_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_missing_metadata_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_short_vtable_la_SOURCES = tests/plugin/fixtures/short-vtable.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_short_vtable_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_short_vtable_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_bad_default_la_SOURCES = tests/plugin/fixtures/bad-default.c tests/plugin/fixtures/test-plugin.h
tests_plugin_fixtures_bad_default_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_bad_default_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)


tests_plugin_fixtures_task_pruner_la_SOURCES = tests/plugin/fixtures/task-pruner.c tests/plugin/fixtures/task-pruner.h
tests_plugin_fixtures_task_pruner_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_task_pruner_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugin_fixtures_pruner_no_prune_la_SOURCES = tests/plugin/fixtures/pruner-no-prune.c tests/plugin/fixtures/task-pruner.h
tests_plugin_fixtures_pruner_no_prune_la_CFLAGS = $(plugin_cflags)
tests_plugin_fixtures_pruner_no_prune_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)
