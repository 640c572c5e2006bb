# plugins/metrics: one module holding every metrics component.
plugins_LTLIBRARIES += plugins/metrics/interp-metrics.la
plugins_metrics_interp_metrics_la_SOURCES = \
	plugins/metrics/plugin.c \
	plugins/metrics/plugin-components.h \
	plugins/metrics/selectivity-index.h \
	plugins/metrics/accuracy.c \
	plugins/metrics/class-selectivity.c \
	plugins/metrics/covariance.h \
	plugins/metrics/covariance.c \
	plugins/metrics/dimensionality.c \
	plugins/metrics/gradient-variability.h \
	plugins/metrics/gradient-variability.c
plugins_metrics_interp_metrics_la_CFLAGS = $(plugin_cflags)
plugins_metrics_interp_metrics_la_LDFLAGS = $(plugin_ldflags)
plugins_metrics_interp_metrics_la_LIBADD = $(plugin_libs)
