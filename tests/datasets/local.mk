# tests/datasets: the dataset plugins, on generated files in their exact formats.

check_PROGRAMS += tests/datasets/test-idx
TESTS += tests/datasets/test-idx
tests_datasets_test_idx_SOURCES = tests/datasets/test-idx.c \
	tests/datasets/datasets-util.c \
	tests/datasets/datasets-util.h
tests_datasets_test_idx_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
tests_datasets_test_idx_LDFLAGS = $(test_ldflags)
tests_datasets_test_idx_LDADD = $(test_ldadd) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
EXTRA_tests_datasets_test_idx_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/datasets/test-cifar
TESTS += tests/datasets/test-cifar
tests_datasets_test_cifar_SOURCES = tests/datasets/test-cifar.c \
	tests/datasets/datasets-util.c \
	tests/datasets/datasets-util.h
tests_datasets_test_cifar_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
tests_datasets_test_cifar_LDFLAGS = $(test_ldflags)
tests_datasets_test_cifar_LDADD = $(test_ldadd) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
EXTRA_tests_datasets_test_cifar_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/datasets/test-images
TESTS += tests/datasets/test-images
tests_datasets_test_images_SOURCES = tests/datasets/test-images.c \
	tests/datasets/datasets-util.c \
	tests/datasets/datasets-util.h
tests_datasets_test_images_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
tests_datasets_test_images_LDFLAGS = $(test_ldflags)
tests_datasets_test_images_LDADD = $(test_ldadd) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
EXTRA_tests_datasets_test_images_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/datasets/test-synthetic
TESTS += tests/datasets/test-synthetic
tests_datasets_test_synthetic_SOURCES = tests/datasets/test-synthetic.c \
	tests/datasets/datasets-util.c \
	tests/datasets/datasets-util.h
tests_datasets_test_synthetic_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
tests_datasets_test_synthetic_LDFLAGS = $(test_ldflags)
tests_datasets_test_synthetic_LDADD = $(test_ldadd) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
EXTRA_tests_datasets_test_synthetic_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/datasets/test-corrupted-set
TESTS += tests/datasets/test-corrupted-set
tests_datasets_test_corrupted_set_SOURCES = tests/datasets/test-corrupted-set.c \
	tests/datasets/test-corrupted-set-files.c \
	tests/datasets/test-corrupted-set-files.h \
	tests/datasets/datasets-util.c \
	tests/datasets/datasets-util.h
tests_datasets_test_corrupted_set_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS) $(PNG_CFLAGS) $(JPEG_CFLAGS)
tests_datasets_test_corrupted_set_LDFLAGS = $(test_ldflags)
tests_datasets_test_corrupted_set_LDADD = $(test_ldadd) $(ZLIB_LIBS) $(PNG_LIBS) $(JPEG_LIBS)
EXTRA_tests_datasets_test_corrupted_set_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/datasets/test-corrupted-set-run
TESTS += tests/datasets/test-corrupted-set-run
tests_datasets_test_corrupted_set_run_SOURCES = tests/datasets/test-corrupted-set-run.c \
	tests/datasets/test-corrupted-set-files.c \
	tests/datasets/test-corrupted-set-files.h \
	tests/datasets/datasets-util.c \
	tests/datasets/datasets-util.h
tests_datasets_test_corrupted_set_run_CFLAGS = $(test_cflags) $(ZLIB_CFLAGS) $(PNG_CFLAGS) \
	$(JPEG_CFLAGS)
tests_datasets_test_corrupted_set_run_LDFLAGS = $(test_ldflags)
tests_datasets_test_corrupted_set_run_LDADD = $(test_ldadd) $(ZLIB_LIBS) $(PNG_LIBS) \
	$(JPEG_LIBS)
EXTRA_tests_datasets_test_corrupted_set_run_DEPENDENCIES = $(test_deps)
