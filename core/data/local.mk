# core/data: the data layer: splits, normalisation, augmentation, batches.
noinst_LTLIBRARIES += core/data/libinterp-data.la
core_data_libinterp_data_la_SOURCES = \
	core/data/data.c \
	core/data/data-config.c \
	core/data/data.h
core_data_libinterp_data_la_CFLAGS = $(core_cflags)
