# tests/data: the data layer.

check_PROGRAMS += tests/data/test-data-layer
TESTS += tests/data/test-data-layer
tests_data_test_data_layer_SOURCES = tests/data/test-data-layer.c
tests_data_test_data_layer_CFLAGS = $(test_cflags)
tests_data_test_data_layer_LDFLAGS = $(test_ldflags)
tests_data_test_data_layer_LDADD = $(test_ldadd)
EXTRA_tests_data_test_data_layer_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/data/test-permute-labels
TESTS += tests/data/test-permute-labels
tests_data_test_permute_labels_SOURCES = tests/data/test-permute-labels.c
tests_data_test_permute_labels_CFLAGS = $(test_cflags)
tests_data_test_permute_labels_LDFLAGS = $(test_ldflags)
tests_data_test_permute_labels_LDADD = $(test_ldadd)
EXTRA_tests_data_test_permute_labels_DEPENDENCIES = $(test_deps)
