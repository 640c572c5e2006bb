# plugins/saliency: one module holding every saliency component.
plugins_LTLIBRARIES += plugins/saliency/interp-saliency.la
plugins_saliency_interp_saliency_la_SOURCES = \
	plugins/saliency/plugin.c \
	plugins/saliency/plugin-components.h \
	plugins/saliency/saliency-common.h \
	plugins/saliency/saliency-common.c \
	plugins/saliency/gradient.c \
	plugins/saliency/path-common.h \
	plugins/saliency/path-common.c \
	plugins/saliency/gradient-x-input.c \
	plugins/saliency/integrated-gradients.c \
	plugins/saliency/noise-tunnel.c \
	plugins/saliency/gradient-shap.c
plugins_saliency_interp_saliency_la_CFLAGS = $(plugin_cflags)
plugins_saliency_interp_saliency_la_LDFLAGS = $(plugin_ldflags)
plugins_saliency_interp_saliency_la_LIBADD = $(plugin_libs)
