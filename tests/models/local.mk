# tests/models: the model plugins.

check_PROGRAMS += tests/models/test-models
TESTS += tests/models/test-models
tests_models_test_models_SOURCES = \
	tests/models/models-fixture.h \
	tests/models/models-fixture.c \
	tests/models/test-models.c \
	tests/models/test-models-resnet.c \
	tests/models/test-models-grad.c
tests_models_test_models_CFLAGS = $(test_cflags)
tests_models_test_models_LDFLAGS = $(test_ldflags)
tests_models_test_models_LDADD = $(test_ldadd)
EXTRA_tests_models_test_models_DEPENDENCIES = $(test_deps)
