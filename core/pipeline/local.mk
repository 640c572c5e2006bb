# core/pipeline: pipeline files: parsing, validation, sweeps, resolved text.
noinst_LTLIBRARIES += core/pipeline/libinterp-pipeline.la
core_pipeline_libinterp_pipeline_la_SOURCES = \
	core/pipeline/pipeline.c \
	core/pipeline/pipeline.h \
	core/pipeline/pipeline-private.h \
	core/pipeline/sweep.c \
	core/pipeline/resolved.c
core_pipeline_libinterp_pipeline_la_CFLAGS = $(core_cflags)
