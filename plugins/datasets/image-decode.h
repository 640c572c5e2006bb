/* plugins/datasets: PNG and JPEG files to 8-bit pixels. */
#ifndef INTERP_PLUGINS_IMAGE_DECODE_H
#define INTERP_PLUGINS_IMAGE_DECODE_H

#include <glib.h>
#include <stdint.h>
#include <interp/error.h>

G_BEGIN_DECLS

typedef struct {
  int64_t width, height;
  int channels;           /* 1 (grey) or 3 (RGB) */
  uint8_t *pixels;        /* height x width x channels, interleaved; owned */
} DsImage;

/* Decodes the PNG or JPEG at `path` (chosen by its signature).
 * want_channels: 1 or 3 to convert, 0 for the file's own (grey -> 1,
 * colour -> 3); alpha is dropped, 16-bit samples reduced to 8.
 * Errors: NOT_FOUND / IO (cannot open), FORMAT (not an image, corrupt or
 * truncated), each naming the file. */
gboolean ds_image_decode (const char *path, int want_channels, DsImage *img, GError **error);
void ds_image_clear (DsImage *img);

/* Writes img as C x out_h x out_w (planar) to dst, resizing bilinearly when
 * the size differs. */
void ds_image_to_chw (const DsImage *img, int64_t out_h, int64_t out_w, uint8_t *dst);

G_END_DECLS

#endif
