# core/util: files, progress, number parsing, closest-name suggestions, JSON helpers.
noinst_LTLIBRARIES += core/util/libinterp-util.la
core_util_libinterp_util_la_SOURCES = \
	core/util/fs.c \
	core/util/fs.h \
	core/util/error-prefix.c \
	core/util/error-prefix.h \
	core/util/json.c \
	core/util/json.h \
	core/util/number.c \
	core/util/number.h \
	core/util/npy.c \
	core/util/progress.c \
	core/util/suggest.c \
	core/util/suggest.h
core_util_libinterp_util_la_CFLAGS = $(core_cflags)
