# tests/metrics: the metric plugins (unit tests compile the component in; test-module loads the built module).

check_PROGRAMS += tests/metrics/test-accuracy
TESTS += tests/metrics/test-accuracy
tests_metrics_test_accuracy_SOURCES = tests/metrics/test-accuracy.c \
	plugins/metrics/accuracy.c
tests_metrics_test_accuracy_CFLAGS = $(test_cflags)
tests_metrics_test_accuracy_LDFLAGS = $(test_ldflags)
tests_metrics_test_accuracy_LDADD = $(test_ldadd)
EXTRA_tests_metrics_test_accuracy_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/metrics/test-class-selectivity
TESTS += tests/metrics/test-class-selectivity
tests_metrics_test_class_selectivity_SOURCES = tests/metrics/test-class-selectivity.c \
	plugins/metrics/class-selectivity.c
tests_metrics_test_class_selectivity_CFLAGS = $(test_cflags)
tests_metrics_test_class_selectivity_LDFLAGS = $(test_ldflags)
tests_metrics_test_class_selectivity_LDADD = $(test_ldadd)
EXTRA_tests_metrics_test_class_selectivity_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/metrics/test-module
TESTS += tests/metrics/test-module
tests_metrics_test_module_SOURCES = tests/metrics/test-module.c
tests_metrics_test_module_CFLAGS = $(test_cflags)
tests_metrics_test_module_LDFLAGS = $(test_ldflags)
tests_metrics_test_module_LDADD = $(test_ldadd)
EXTRA_tests_metrics_test_module_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/metrics/test-outputs
TESTS += tests/metrics/test-outputs
tests_metrics_test_outputs_SOURCES = tests/metrics/test-outputs.c
tests_metrics_test_outputs_CFLAGS = $(test_cflags)
tests_metrics_test_outputs_LDFLAGS = $(test_ldflags)
tests_metrics_test_outputs_LDADD = $(test_ldadd)
EXTRA_tests_metrics_test_outputs_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/metrics/test-dimensionality
TESTS += tests/metrics/test-dimensionality
tests_metrics_test_dimensionality_SOURCES = tests/metrics/test-dimensionality.c \
	plugins/metrics/dimensionality.c plugins/metrics/covariance.c
tests_metrics_test_dimensionality_CFLAGS = $(test_cflags)
tests_metrics_test_dimensionality_LDFLAGS = $(test_ldflags)
tests_metrics_test_dimensionality_LDADD = $(test_ldadd)
EXTRA_tests_metrics_test_dimensionality_DEPENDENCIES = $(test_deps)

check_PROGRAMS += tests/metrics/test-gradient-variability
TESTS += tests/metrics/test-gradient-variability
tests_metrics_test_gradient_variability_SOURCES = tests/metrics/test-gradient-variability.c \
	plugins/metrics/gradient-variability.c
tests_metrics_test_gradient_variability_CFLAGS = $(test_cflags)
tests_metrics_test_gradient_variability_LDFLAGS = $(test_ldflags)
tests_metrics_test_gradient_variability_LDADD = $(test_ldadd)
EXTRA_tests_metrics_test_gradient_variability_DEPENDENCIES = $(test_deps)
