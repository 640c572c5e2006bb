# plugins/corruptions: one module holding every corruption component.
plugins_LTLIBRARIES += plugins/corruptions/interp-corruptions.la
plugins_corruptions_interp_corruptions_la_SOURCES = \
	plugins/corruptions/plugin.c \
	plugins/corruptions/plugin-components.h \
	plugins/corruptions/stored.c \
	plugins/datasets/corrupted-suite.h \
	plugins/datasets/corrupted-suite.c \
	plugins/corruptions/corruption-common.h \
	plugins/corruptions/corruption-common.c \
	plugins/corruptions/gaussian-noise.c \
	plugins/corruptions/shot-noise.c \
	plugins/corruptions/impulse-noise.c \
	plugins/corruptions/speckle-noise.c \
	plugins/corruptions/gaussian-blur.c \
	plugins/corruptions/glass-blur.c \
	plugins/corruptions/defocus-blur.c \
	plugins/corruptions/motion-blur.c \
	plugins/corruptions/zoom-blur.c \
	plugins/corruptions/brightness.c \
	plugins/corruptions/contrast.c \
	plugins/corruptions/saturate.c \
	plugins/corruptions/jpeg-compression.c \
	plugins/corruptions/pixelate.c \
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
	plugins/corruptions/canny-edges.c \
	plugins/corruptions/mnist-c-geometry.h \
	plugins/corruptions/mnist-c-geometry.c
plugins_corruptions_interp_corruptions_la_CFLAGS = $(plugin_cflags)
plugins_corruptions_interp_corruptions_la_LDFLAGS = $(plugin_ldflags)
plugins_corruptions_interp_corruptions_la_LIBADD = $(plugin_libs) -lm
