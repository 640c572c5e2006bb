/* PNG decoding and writing (libpng).  Every libpng error becomes a GError
 * naming the file: a truncated or corrupt image must never load as a
 * partial picture. */
#include "config.h"

#include "codec.h"
#include "util/fs.h"

#include <string.h>

#include <png.h>

typedef struct {
  char message[256];
} PngErrorCtx;

static void
png_error_cb (png_structp png, png_const_charp msg)
{
  PngErrorCtx *ec = png_get_error_ptr (png);
  g_strlcpy (ec->message, msg, sizeof ec->message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp msg)
{
  /* Ancillary-chunk complaints (an odd iCCP profile) do not change pixels. */
  (void) png;
  (void) msg;
}

gboolean
image_decode_png_stdio (FILE *fp, const char *path, int want_channels, InterpPixels *px,
                        GError **error)
{
  PngErrorCtx ec = { "" };
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &ec, png_error_cb,
                                            png_warning_cb);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  uint8_t *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  if (info == NULL)
    {
      png_destroy_read_struct (png ? &png : NULL, NULL, NULL);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "%s: cannot start libpng", path);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_read_struct (&png, &info, NULL);
      g_free (pixels);
      g_free (rows);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: corrupt PNG: %s", path,
                   ec.message);
      return FALSE;
    }
  png_init_io (png, fp);
  png_read_info (png, info);
  int color = png_get_color_type (png, info);
  int depth = png_get_bit_depth (png, info);
  png_set_expand (png);            /* palette -> RGB, grey < 8 bits -> 8 bits */
  if (depth == 16)
    png_set_strip_16 (png);
  png_set_strip_alpha (png);
  gboolean grey = !(color & PNG_COLOR_MASK_COLOR);
  int channels = want_channels ? want_channels : grey ? 1 : 3;
  if (channels == 3 && grey)
    png_set_gray_to_rgb (png);
  else if (channels == 1 && !grey)
    png_set_rgb_to_gray_fixed (png, 1, -1, -1);   /* libpng's default weights */
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  png_uint_32 w = png_get_image_width (png, info), h = png_get_image_height (png, info);
  if (png_get_channels (png, info) != channels || png_get_bit_depth (png, info) != 8)
    png_error (png, "unsupported pixel layout after conversion");
  size_t rowbytes = png_get_rowbytes (png, info);
  if ((guint64) h * rowbytes > IMAGE_DECODE_MAX_BYTES)
    {
      char msg[128];
      g_snprintf (msg, sizeof msg,
                  "%u x %u pixels is larger than the %" G_GUINT64_FORMAT " MiB decoding limit",
                  (unsigned) w, (unsigned) h, IMAGE_DECODE_MAX_BYTES >> 20);
      png_error (png, msg);
    }
  pixels = g_malloc ((gsize) h * rowbytes);
  rows = g_new (png_bytep, h);
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = pixels + y * rowbytes;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  px->width = w;
  px->height = h;
  px->channels = channels;
  px->pixels = pixels;
  return TRUE;
}

static void
png_write_cb (png_structp png, png_bytep data, png_size_t len)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) len);
}

static void
png_flush_cb (png_structp png)
{
  (void) png;
}

gboolean
interp_pixels_write_png (const InterpPixels *px, const char *path, GError **error)
{
  g_return_val_if_fail (px->channels == 1 || px->channels == 3, FALSE);
  g_return_val_if_fail (px->width >= 1 && px->height >= 1 && px->pixels != NULL, FALSE);
  /* Encoded in memory, then written through the atomic writer, so a reader
   * never sees half a file. */
  PngErrorCtx ec = { "" };
  GByteArray *volatile out = g_byte_array_new ();
  png_bytep *volatile rows = NULL;
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &ec, png_error_cb,
                                             png_warning_cb);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_write_struct (png ? &png : NULL, NULL);
      g_byte_array_unref (out);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "%s: cannot start libpng", path);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      g_byte_array_unref (out);
      g_free (rows);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "%s: cannot encode PNG: %s", path,
                   ec.message);
      return FALSE;
    }
  png_set_write_fn (png, out, png_write_cb, png_flush_cb);
  png_set_IHDR (png, info, (png_uint_32) px->width, (png_uint_32) px->height, 8,
                px->channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  const size_t stride = (size_t) px->width * (size_t) px->channels;
  rows = g_new (png_bytep, px->height);
  for (int64_t y = 0; y < px->height; y++)
    rows[y] = px->pixels + (size_t) y * stride;
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (rows);
  gboolean ok = interp_write_file_atomic (path, out->data, out->len, error);
  g_byte_array_unref (out);
  return ok;
}
