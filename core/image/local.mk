# core/image: float images (planar, [0, 1]) and 8-bit pixels: filters,
# resizing and warping, colour, textures, edges and distances, PNG/JPEG
# (include/interp/image.h).  Right above util: it uses only base and util.
noinst_LTLIBRARIES += core/image/libinterp-image.la
core_image_libinterp_image_la_SOURCES = \
	core/image/image.c \
	core/image/colour.c \
	core/image/filter.c \
	core/image/kernels.c \
	core/image/geometry.c \
	core/image/affine.c \
	core/image/plasma.c \
	core/image/edges.c \
	core/image/pixels.c \
	core/image/png-io.c \
	core/image/jpeg-io.c \
	core/image/codec.h
core_image_libinterp_image_la_CFLAGS = $(core_cflags)
