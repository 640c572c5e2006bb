# core data layer: splits, augmentation, batching (sources and their tests).
libinterp_la_SOURCES += \
	core/data.c \
	core/data.h

# Tests of the data layer and of the dataset plugins (tests/test-datasets-*
# open the built plugins/datasets module through INTERP_TEST_BUILDDIR).
data_test_cflags = $(AM_CFLAGS) $(CRITERION_CFLAGS) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
data_test_ldadd = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) $(ZLIB_LIBS) $(PNG_LIBS) \
	$(JPEG_LIBS) -lm
data_test_util = tests/test-datasets-util.c tests/test-datasets-util.h

check_PROGRAMS += tests/test-datasets-idx
TESTS += tests/test-datasets-idx
tests_test_datasets_idx_SOURCES = tests/test-datasets-idx.c $(data_test_util)
tests_test_datasets_idx_CFLAGS = $(data_test_cflags)
tests_test_datasets_idx_LDADD = $(data_test_ldadd)

check_PROGRAMS += tests/test-datasets-cifar
TESTS += tests/test-datasets-cifar
tests_test_datasets_cifar_SOURCES = tests/test-datasets-cifar.c $(data_test_util)
tests_test_datasets_cifar_CFLAGS = $(data_test_cflags)
tests_test_datasets_cifar_LDADD = $(data_test_ldadd)

check_PROGRAMS += tests/test-datasets-images
TESTS += tests/test-datasets-images
tests_test_datasets_images_SOURCES = tests/test-datasets-images.c $(data_test_util)
tests_test_datasets_images_CFLAGS = $(data_test_cflags)
tests_test_datasets_images_LDADD = $(data_test_ldadd)

check_PROGRAMS += tests/test-datasets-synthetic
TESTS += tests/test-datasets-synthetic
tests_test_datasets_synthetic_SOURCES = tests/test-datasets-synthetic.c $(data_test_util)
tests_test_datasets_synthetic_CFLAGS = $(data_test_cflags)
tests_test_datasets_synthetic_LDADD = $(data_test_ldadd)

check_PROGRAMS += tests/test-data-layer
TESTS += tests/test-data-layer
tests_test_data_layer_SOURCES = tests/test-data-layer.c
tests_test_data_layer_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_data_layer_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
