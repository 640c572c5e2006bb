/* PNG (libpng) and JPEG (libjpeg) decoding into 8-bit interleaved pixels,
 * with every libpng/libjpeg error and warning turned into a GError that
 * names the file: a truncated or corrupt image must never load as a grey
 * or partial picture. */
#include "config.h"

#include "image-decode.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

void
ds_image_clear (DsImage *img)
{
  g_free (img->pixels);
  memset (img, 0, sizeof *img);
}

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

static gboolean
decode_png (FILE *fp, const char *path, int want_channels, DsImage *img, GError **error)
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
    png_set_rgb_to_gray_fixed (png, 1, -1, -1);   /* libpng's default Rec. 709 weights */
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  png_uint_32 w = png_get_image_width (png, info), h = png_get_image_height (png, info);
  if (png_get_channels (png, info) != channels || png_get_bit_depth (png, info) != 8)
    png_error (png, "unsupported pixel layout after conversion");
  size_t rowbytes = png_get_rowbytes (png, info);
  pixels = g_malloc ((gsize) h * rowbytes);
  rows = g_new (png_bytep, h);
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = pixels + y * rowbytes;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  img->width = w;
  img->height = h;
  img->channels = channels;
  img->pixels = pixels;
  return TRUE;
}

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegErrorCtx;

static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegErrorCtx *ec = (JpegErrorCtx *) cinfo->err;
  ec->pub.format_message (cinfo, ec->message);
  longjmp (ec->jump, 1);
}

/* libjpeg reports corrupt or truncated data as a warning (level -1) and
 * fills the rest of the picture with grey: that must be an error here. */
static void
jpeg_emit_message_cb (j_common_ptr cinfo, int level)
{
  if (level < 0)
    jpeg_error_exit_cb (cinfo);
}

static gboolean
decode_jpeg (FILE *fp, const char *path, int want_channels, DsImage *img, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorCtx ec;
  uint8_t *volatile pixels = NULL;
  memset (&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error (&ec.pub);
  ec.pub.error_exit = jpeg_error_exit_cb;
  ec.pub.emit_message = jpeg_emit_message_cb;
  ec.message[0] = '\0';
  if (setjmp (ec.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (pixels);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: corrupt JPEG: %s", path,
                   ec.message);
      return FALSE;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_stdio_src (&cinfo, fp);
  jpeg_read_header (&cinfo, TRUE);
  int channels = want_channels ? want_channels
                 : cinfo.jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
  cinfo.out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress (&cinfo);
  if (cinfo.output_components != channels)
    {
      g_strlcpy (ec.message, "unsupported colour space", sizeof ec.message);
      longjmp (ec.jump, 1);
    }
  const size_t stride = (size_t) cinfo.output_width * (size_t) channels;
  pixels = g_malloc ((gsize) cinfo.output_height * stride);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + (size_t) cinfo.output_scanline * stride;
      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);
  img->width = cinfo.output_width;
  img->height = cinfo.output_height;
  img->channels = channels;
  img->pixels = pixels;
  jpeg_destroy_decompress (&cinfo);
  return TRUE;
}

gboolean
ds_image_decode (const char *path, int want_channels, DsImage *img, GError **error)
{
  memset (img, 0, sizeof *img);
  FILE *fp = fopen (path, "rb");
  if (fp == NULL)
    {
      int e = errno;
      g_set_error (error, INTERP_ERROR, e == ENOENT ? INTERP_ERROR_NOT_FOUND : INTERP_ERROR_IO,
                   "%s: cannot open: %s", path, g_strerror (e));
      return FALSE;
    }
  /* Decide by content, not by name: a .jpg that is really a PNG still loads. */
  unsigned char sig[8];
  size_t got = fread (sig, 1, sizeof sig, fp);
  rewind (fp);
  gboolean ok;
  if (got == sizeof sig && png_sig_cmp (sig, 0, sizeof sig) == 0)
    ok = decode_png (fp, path, want_channels, img, error);
  else if (got >= 3 && sig[0] == 0xff && sig[1] == 0xd8 && sig[2] == 0xff)
    ok = decode_jpeg (fp, path, want_channels, img, error);
  else
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                   "%s: neither a PNG nor a JPEG file (%s)", path,
                   got < 3 ? "truncated" : "unknown signature");
      ok = FALSE;
    }
  fclose (fp);
  return ok;
}

void
ds_image_to_chw (const DsImage *img, int64_t out_h, int64_t out_w, uint8_t *dst)
{
  const int64_t c = img->channels, h = img->height, w = img->width;
  if (out_h == h && out_w == w)
    {
      for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
          for (int64_t k = 0; k < c; k++)
            dst[(k * h + y) * w + x] = img->pixels[(y * w + x) * c + k];
      return;
    }
  /* Bilinear with pixel centres aligned (PyTorch align_corners=False,
   * without antialiasing), clamped at the borders. */
  const double sy = (double) h / (double) out_h, sx = (double) w / (double) out_w;
  for (int64_t y = 0; y < out_h; y++)
    {
      double fy = CLAMP ((y + 0.5) * sy - 0.5, 0.0, (double) (h - 1));
      int64_t y0 = (int64_t) fy, y1 = MIN (y0 + 1, h - 1);
      double ay = fy - (double) y0;
      for (int64_t x = 0; x < out_w; x++)
        {
          double fx = CLAMP ((x + 0.5) * sx - 0.5, 0.0, (double) (w - 1));
          int64_t x0 = (int64_t) fx, x1 = MIN (x0 + 1, w - 1);
          double ax = fx - (double) x0;
          for (int64_t k = 0; k < c; k++)
            {
              double v00 = img->pixels[(y0 * w + x0) * c + k];
              double v01 = img->pixels[(y0 * w + x1) * c + k];
              double v10 = img->pixels[(y1 * w + x0) * c + k];
              double v11 = img->pixels[(y1 * w + x1) * c + k];
              double v = (1 - ay) * ((1 - ax) * v00 + ax * v01) + ay * ((1 - ax) * v10 + ax * v11);
              dst[(k * out_h + y) * out_w + x] = (uint8_t) CLAMP (v + 0.5, 0.0, 255.0);
            }
        }
    }
}
