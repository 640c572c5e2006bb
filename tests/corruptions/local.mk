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
