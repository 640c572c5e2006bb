# plugins/saliency: one module holding every saliency component.
plugins_LTLIBRARIES += plugins/saliency/interp-saliency.la
plugins_saliency_interp_saliency_la_SOURCES = \
	plugins/saliency/plugin.c \
	plugins/saliency/plugin-components.h \
	plugins/saliency/saliency-common.h \
	plugins/saliency/saliency-common.c \
	plugins/saliency/gradient.c \
	plugins/saliency/rule-methods.h \
	plugins/saliency/rule-methods.c \
	plugins/saliency/guided-backprop.c \
	plugins/saliency/deconvnet.c \
	plugins/saliency/deeplift.c \
	plugins/saliency/lrp.c \
	plugins/saliency/path-common.h \
	plugins/saliency/path-common.c \
	plugins/saliency/gradient-x-input.c \
	plugins/saliency/integrated-gradients.c \
	plugins/saliency/noise-tunnel.c \
	plugins/saliency/gradient-shap.c \
	plugins/saliency/grad-cam-map.h \
	plugins/saliency/grad-cam-map.c \
	plugins/saliency/grad-cam.c \
	plugins/saliency/guided-grad-cam.c \
	plugins/saliency/occlusion.c \
	plugins/saliency/rise-mask.h \
	plugins/saliency/rise.c
plugins_saliency_interp_saliency_la_CFLAGS = $(plugin_cflags)
plugins_saliency_interp_saliency_la_LDFLAGS = $(plugin_ldflags)
plugins_saliency_interp_saliency_la_LIBADD = $(plugin_libs)
