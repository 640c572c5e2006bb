# plugins/regularizers: one module holding every regularizers component.
plugins_LTLIBRARIES += plugins/regularizers/interp-regularizers.la
plugins_regularizers_interp_regularizers_la_SOURCES = \
	plugins/regularizers/plugin.c \
	plugins/regularizers/plugin-components.h \
	plugins/metrics/selectivity-index.h \
	plugins/regularizers/class-selectivity.c \
	plugins/regularizers/l2.c \
	plugins/regularizers/l1-activation.c
plugins_regularizers_interp_regularizers_la_CFLAGS = $(plugin_cflags)
plugins_regularizers_interp_regularizers_la_LDFLAGS = $(plugin_ldflags)
plugins_regularizers_interp_regularizers_la_LIBADD = $(plugin_libs)
