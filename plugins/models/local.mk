# plugins/models: one module holding every models component.
plugins_LTLIBRARIES += plugins/models/interp-models.la
plugins_models_interp_models_la_SOURCES = \
	plugins/models/models-private.h \
	plugins/models/builder.c \
	plugins/models/mlp.c \
	plugins/models/cnn.c \
	plugins/models/resnet.c \
	plugins/models/plugin.c
plugins_models_interp_models_la_CFLAGS = $(plugin_cflags)
plugins_models_interp_models_la_LDFLAGS = $(plugin_ldflags)
plugins_models_interp_models_la_LIBADD = $(plugin_libs)
EXTRA_DIST += plugins/models/README.md
