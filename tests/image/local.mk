# tests/image: core/image's operations against hand-computed values.
check_PROGRAMS += tests/image/test-image
TESTS += tests/image/test-image
tests_image_test_image_SOURCES = \
	tests/image/image-test.h \
	tests/image/test-basics.c \
	tests/image/test-filters.c \
	tests/image/test-geometry.c \
	tests/image/test-colour.c \
	tests/image/test-textures.c \
	tests/image/test-edges.c \
	tests/image/test-codecs.c
tests_image_test_image_CFLAGS = $(test_cflags)
tests_image_test_image_LDFLAGS = $(test_ldflags)
tests_image_test_image_LDADD = $(test_ldadd)
EXTRA_tests_image_test_image_DEPENDENCIES = $(test_deps)
