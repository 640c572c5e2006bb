# core/base: errors, versions, tensors, random streams, thread pools (depends on nothing else in core).
noinst_LTLIBRARIES += core/base/libinterp-base.la
core_base_libinterp_base_la_SOURCES = \
	core/base/error.c \
	core/base/version.c \
	core/base/tensor.c \
	core/base/memory.c \
	core/base/memory.h \
	core/base/rng.c \
	core/base/threads.c \
	core/base/threads-private.h
core_base_libinterp_base_la_CFLAGS = $(core_cflags)
