# core/host: what the core hands a plugin: the context, parameter tables, results.
noinst_LTLIBRARIES += core/host/libinterp-host.la
core_host_libinterp_host_la_SOURCES = \
	core/host/context.c \
	core/host/context-private.h \
	core/host/params.c \
	core/host/params-private.h \
	core/host/results.c \
	core/host/results-private.h
core_host_libinterp_host_la_CFLAGS = $(core_cflags)
