# core/plugin: the kind table, plugin loader and registry, --describe.
noinst_LTLIBRARIES += core/plugin/libinterp-plugin.la
core_plugin_libinterp_plugin_la_SOURCES = \
	core/plugin/registry.c \
	core/plugin/registry.h \
	core/plugin/describe.c
core_plugin_libinterp_plugin_la_CFLAGS = $(core_cflags)
