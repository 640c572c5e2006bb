/* core/image internals: the decoders interp_pixels_decode_file dispatches to. */
#ifndef INTERP_IMAGE_CODEC_H
#define INTERP_IMAGE_CODEC_H

#include <stdio.h>
#include <interp/image.h>

G_BEGIN_DECLS

/* Each decodes the whole stream of fp (positioned at the signature) into
 * px; FORMAT errors name `path`. */
gboolean image_decode_png_stdio (FILE *fp, const char *path, int want_channels,
                                 InterpPixels *px, GError **error);
gboolean image_decode_jpeg_stdio (FILE *fp, const char *path, int want_channels,
                                  InterpPixels *px, GError **error);

G_END_DECLS

#endif
