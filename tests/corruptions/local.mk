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

# The weather, digital-geometric and MNIST-C corruptions (test-weather, test-mnist-c).
weather_test_sources = \
	tests/corruptions/test-weather-support.h \
	tests/corruptions/test-weather-support.c \
	tests/corruptions/test-weather-generic.h \
	plugins/corruptions/corruption-common.c \
	plugins/corruptions/mnist-c-geometry.c \
	plugins/corruptions/snow.c \
	plugins/corruptions/frost.c \
	plugins/corruptions/fog.c \
	plugins/corruptions/elastic-transform.c \
	plugins/corruptions/spatter.c \
	plugins/corruptions/shear.c \
	plugins/corruptions/scale.c \
	plugins/corruptions/rotate.c \
	plugins/corruptions/translate.c \
	plugins/corruptions/stripe.c \
	plugins/corruptions/zigzag.c \
	plugins/corruptions/dotted-line.c \
	plugins/corruptions/canny-edges.c

check_PROGRAMS += tests/corruptions/test-weather
TESTS += tests/corruptions/test-weather
tests_corruptions_test_weather_SOURCES = tests/corruptions/test-weather.c $(weather_test_sources)
tests_corruptions_test_weather_CFLAGS = $(test_cflags)
tests_corruptions_test_weather_LDFLAGS = $(test_ldflags)
tests_corruptions_test_weather_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_weather_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/corruptions/test-mnist-c
TESTS += tests/corruptions/test-mnist-c
tests_corruptions_test_mnist_c_SOURCES = tests/corruptions/test-mnist-c.c $(weather_test_sources)
tests_corruptions_test_mnist_c_CFLAGS = $(test_cflags)
tests_corruptions_test_mnist_c_LDFLAGS = $(test_ldflags)
tests_corruptions_test_mnist_c_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_mnist_c_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/corruptions/test-weather-module
TESTS += tests/corruptions/test-weather-module
tests_corruptions_test_weather_module_SOURCES = tests/corruptions/test-weather-module.c
tests_corruptions_test_weather_module_CFLAGS = $(test_cflags)
tests_corruptions_test_weather_module_LDFLAGS = $(test_ldflags)
tests_corruptions_test_weather_module_LDADD = $(test_ldadd)
EXTRA_tests_corruptions_test_weather_module_DEPENDENCIES = $(test_deps) \
	plugins/corruptions/interp-corruptions.la
