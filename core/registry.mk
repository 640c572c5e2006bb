# plugin registry and loader (sources, test plugins and tests).
libinterp_la_SOURCES += \
	core/registry.c \
	core/registry.h \
	core/describe.c

# Test-only plugins: libtool modules that are never installed (-rpath
# /nowhere makes libtool build a real .so in tests/plugins/.libs, which
# tests/test-registry finds through INTERP_TEST_BUILDDIR).
registry_test_plugin_ldflags = $(AM_LDFLAGS) -module -avoid-version -no-undefined -shared \
	-rpath /nowhere
registry_test_plugin_export = -export-symbols-regex '^interp_plugin_describe$$'

check_LTLIBRARIES += \
	tests/plugins/good.la \
	tests/plugins/second.la \
	tests/plugins/redefines-good.la \
	tests/plugins/wrong-abi.la \
	tests/plugins/no-entry.la \
	tests/plugins/short-descriptor.la \
	tests/plugins/missing-metadata.la \
	tests/plugins/short-vtable.la \
	tests/plugins/bad-default.la

tests_plugins_good_la_SOURCES = tests/plugins/good.c tests/plugins/test-plugin.h
tests_plugins_good_la_CFLAGS = $(plugin_cflags)
tests_plugins_good_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugins_second_la_SOURCES = tests/plugins/second.c tests/plugins/test-plugin.h
tests_plugins_second_la_CFLAGS = $(plugin_cflags)
tests_plugins_second_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugins_redefines_good_la_SOURCES = tests/plugins/redefines-good.c tests/plugins/test-plugin.h
tests_plugins_redefines_good_la_CFLAGS = $(plugin_cflags)
tests_plugins_redefines_good_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugins_wrong_abi_la_SOURCES = tests/plugins/wrong-abi.c tests/plugins/test-plugin.h
tests_plugins_wrong_abi_la_CFLAGS = $(plugin_cflags)
tests_plugins_wrong_abi_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

# Exports its misspelt entry point instead of interp_plugin_describe.
tests_plugins_no_entry_la_SOURCES = tests/plugins/no-entry.c tests/plugins/test-plugin.h
tests_plugins_no_entry_la_CFLAGS = $(plugin_cflags)
tests_plugins_no_entry_la_LDFLAGS = $(registry_test_plugin_ldflags)

tests_plugins_short_descriptor_la_SOURCES = tests/plugins/short-descriptor.c tests/plugins/test-plugin.h
tests_plugins_short_descriptor_la_CFLAGS = $(plugin_cflags)
tests_plugins_short_descriptor_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugins_missing_metadata_la_SOURCES = tests/plugins/missing-metadata.c tests/plugins/test-plugin.h
tests_plugins_missing_metadata_la_CFLAGS = $(plugin_cflags)
tests_plugins_missing_metadata_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugins_short_vtable_la_SOURCES = tests/plugins/short-vtable.c tests/plugins/test-plugin.h
tests_plugins_short_vtable_la_CFLAGS = $(plugin_cflags)
tests_plugins_short_vtable_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

tests_plugins_bad_default_la_SOURCES = tests/plugins/bad-default.c tests/plugins/test-plugin.h
tests_plugins_bad_default_la_CFLAGS = $(plugin_cflags)
tests_plugins_bad_default_la_LDFLAGS = $(registry_test_plugin_ldflags) $(registry_test_plugin_export)

check_PROGRAMS += tests/test-registry
TESTS += tests/test-registry
tests_test_registry_SOURCES = tests/test-registry.c tests/plugins/test-plugin.h
tests_test_registry_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_registry_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
