# plugins/datasets: one module holding every datasets component.
plugins_LTLIBRARIES += plugins/datasets/interp-datasets.la
plugins_datasets_interp_datasets_la_SOURCES = \
	plugins/datasets/datasets.h \
	plugins/datasets/store.c \
	plugins/datasets/idx.c \
	plugins/datasets/cifar.c \
	plugins/datasets/image-folder.c \
	plugins/datasets/synthetic.c \
	plugins/datasets/plugin.c
plugins_datasets_interp_datasets_la_CFLAGS = $(plugin_cflags) $(ZLIB_CFLAGS)
plugins_datasets_interp_datasets_la_LDFLAGS = $(plugin_ldflags)
plugins_datasets_interp_datasets_la_LIBADD = $(plugin_libs) $(ZLIB_LIBS) -lm
