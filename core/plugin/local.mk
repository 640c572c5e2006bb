# core/plugin: the kind table, plugin loader and registry, --describe.
noinst_LTLIBRARIES += core/plugin/libinterp-plugin.la
core_plugin_libinterp_plugin_la_SOURCES = \
	core/plugin/kinds.c \
	core/plugin/kinds.h \
	core/plugin/validate.c \
	core/plugin/validate.h \
	core/plugin/loader.c \
	core/plugin/registry.c \
	core/plugin/registry.h \
	core/plugin/registry-private.h \
	core/plugin/describe.c
core_plugin_libinterp_plugin_la_CFLAGS = $(core_cflags)
