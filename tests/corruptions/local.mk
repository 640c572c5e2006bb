# tests/corruptions: the corruption plugins (unit tests compile the components in).

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
