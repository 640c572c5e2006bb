# tests/corruptions: the corruption components, called through their vtables
# (each program compiles the components it tests and the shared skeleton).

corruption_test_sources = tests/corruptions/corruption-test.h \
	plugins/corruptions/corruption-common.c

check_PROGRAMS += tests/corruptions/test-noise
TESTS += tests/corruptions/test-noise
tests_corruptions_test_noise_SOURCES = tests/corruptions/test-noise.c \
	$(corruption_test_sources) \
	plugins/corruptions/gaussian-noise.c \
	plugins/corruptions/shot-noise.c \
	plugins/corruptions/impulse-noise.c \
	plugins/corruptions/speckle-noise.c
tests_corruptions_test_noise_CFLAGS = $(test_cflags)
tests_corruptions_test_noise_LDFLAGS = $(test_ldflags)
tests_corruptions_test_noise_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_noise_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/corruptions/test-blur
TESTS += tests/corruptions/test-blur
tests_corruptions_test_blur_SOURCES = tests/corruptions/test-blur.c \
	$(corruption_test_sources) \
	plugins/corruptions/gaussian-blur.c \
	plugins/corruptions/glass-blur.c \
	plugins/corruptions/defocus-blur.c \
	plugins/corruptions/motion-blur.c \
	plugins/corruptions/zoom-blur.c
tests_corruptions_test_blur_CFLAGS = $(test_cflags)
tests_corruptions_test_blur_LDFLAGS = $(test_ldflags)
tests_corruptions_test_blur_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_blur_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/corruptions/test-digital
TESTS += tests/corruptions/test-digital
tests_corruptions_test_digital_SOURCES = tests/corruptions/test-digital.c \
	$(corruption_test_sources) \
	plugins/corruptions/brightness.c \
	plugins/corruptions/contrast.c \
	plugins/corruptions/saturate.c \
	plugins/corruptions/jpeg-compression.c \
	plugins/corruptions/pixelate.c
tests_corruptions_test_digital_CFLAGS = $(test_cflags)
tests_corruptions_test_digital_LDFLAGS = $(test_ldflags)
tests_corruptions_test_digital_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_digital_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/corruptions/test-noise-module
TESTS += tests/corruptions/test-noise-module
tests_corruptions_test_noise_module_SOURCES = tests/corruptions/test-noise-module.c \
	tests/corruptions/corruption-test.h
tests_corruptions_test_noise_module_CFLAGS = $(test_cflags)
tests_corruptions_test_noise_module_LDFLAGS = $(test_ldflags)
tests_corruptions_test_noise_module_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_noise_module_DEPENDENCIES = $(test_deps) \
	plugins/corruptions/interp-corruptions.la
