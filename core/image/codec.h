/* core/image internals: the decoders interp_pixels_decode_file dispatches to. */
#ifndef INTERP_IMAGE_CODEC_H
#define INTERP_IMAGE_CODEC_H

#include <stdio.h>
#include <interp/image.h>

G_BEGIN_DECLS

/* The largest decoded image (bytes of 8-bit pixels) the decoders accept:
 * 256 MiB, an RGB image of 9000 x 9000 and far above any dataset's.  A
 * few-byte file's header can declare 65500 x 65500 pixels (JPEG) or
 * more (PNG), which must be an error, not a 12 GB allocation. */
#define IMAGE_DECODE_MAX_BYTES ((guint64) 1 << 28)

/* Each decodes the whole stream of fp (positioned at the signature) into
 * px; FORMAT errors name `path`. */
gboolean image_decode_png_stdio (FILE *fp, const char *path, int want_channels,
                                 InterpPixels *px, GError **error);
gboolean image_decode_jpeg_stdio (FILE *fp, const char *path, int want_channels,
                                  InterpPixels *px, GError **error);

G_END_DECLS

#endif
