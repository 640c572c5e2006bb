# plugins/metrics: one module holding every metrics component.
plugins_LTLIBRARIES += plugins/metrics/interp-metrics.la
plugins_metrics_interp_metrics_la_SOURCES = \
	plugins/metrics/plugin.c \
	plugins/metrics/plugin-components.h \
	plugins/metrics/selectivity-index.h \
	plugins/metrics/accuracy.c \
	plugins/metrics/class-selectivity.c
plugins_metrics_interp_metrics_la_CFLAGS = $(plugin_cflags)
plugins_metrics_interp_metrics_la_LDFLAGS = $(plugin_ldflags)
plugins_metrics_interp_metrics_la_LIBADD = $(plugin_libs)

# Unit tests compile the component sources in, so they reach the vtables
# directly; test-metric-module loads the built module itself.
check_PROGRAMS += tests/test-metric-accuracy tests/test-metric-class-selectivity \
	tests/test-metric-module
TESTS += tests/test-metric-accuracy tests/test-metric-class-selectivity \
	tests/test-metric-module
tests_test_metric_accuracy_SOURCES = tests/test-metric-accuracy.c \
	plugins/metrics/accuracy.c
tests_test_metric_accuracy_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_metric_accuracy_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_metric_class_selectivity_SOURCES = tests/test-metric-class-selectivity.c \
	plugins/metrics/class-selectivity.c
tests_test_metric_class_selectivity_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_metric_class_selectivity_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS) -lm
tests_test_metric_module_SOURCES = tests/test-metric-module.c
tests_test_metric_module_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_test_metric_module_LDADD = libinterp.la $(GLIB_LIBS) $(CRITERION_LIBS)
