# tests/pipeline: pipeline parsing and validation.

check_PROGRAMS += tests/pipeline/test-pipeline
TESTS += tests/pipeline/test-pipeline
tests_pipeline_test_pipeline_SOURCES = tests/pipeline/test-pipeline.c
tests_pipeline_test_pipeline_CFLAGS = $(test_cflags)
tests_pipeline_test_pipeline_LDFLAGS = $(test_ldflags)
tests_pipeline_test_pipeline_LDADD = $(test_ldadd)
EXTRA_tests_pipeline_test_pipeline_DEPENDENCIES = $(test_deps)
