/* 8-bit interleaved pixels: file decoding by signature, conversion to the
 * planar uint8 datasets store, and to and from float images. */
#include "config.h"

#include "codec.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <png.h>

void
interp_pixels_clear (InterpPixels *px)
{
  g_free (px->pixels);
  memset (px, 0, sizeof *px);
}

gboolean
interp_pixels_decode_file (const char *path, int want_channels, InterpPixels *px,
                           GError **error)
{
  g_return_val_if_fail (want_channels == 0 || want_channels == 1 || want_channels == 3, FALSE);
  memset (px, 0, sizeof *px);
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
    ok = image_decode_png_stdio (fp, path, want_channels, px, error);
  else if (got >= 3 && sig[0] == 0xff && sig[1] == 0xd8 && sig[2] == 0xff)
    ok = image_decode_jpeg_stdio (fp, path, want_channels, px, error);
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
interp_pixels_to_chw_u8 (const InterpPixels *px, int64_t out_h, int64_t out_w, uint8_t *dst)
{
  const int64_t c = px->channels, h = px->height, w = px->width;
  if (out_h == h && out_w == w)
    {
      for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
          for (int64_t k = 0; k < c; k++)
            dst[(k * h + y) * w + x] = px->pixels[(y * w + x) * c + k];
      return;
    }
  /* Bilinear with pixel centres aligned (cv2.INTER_LINEAR, PyTorch
   * align_corners=False, without antialiasing), clamped at the borders,
   * rounded to the nearest level. */
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
              double v00 = px->pixels[(y0 * w + x0) * c + k];
              double v01 = px->pixels[(y0 * w + x1) * c + k];
              double v10 = px->pixels[(y1 * w + x0) * c + k];
              double v11 = px->pixels[(y1 * w + x1) * c + k];
              double v = (1 - ay) * ((1 - ax) * v00 + ax * v01) + ay * ((1 - ax) * v10 + ax * v11);
              dst[(k * out_h + y) * out_w + x] = (uint8_t) CLAMP (v + 0.5, 0.0, 255.0);
            }
        }
    }
}

void
interp_image_to_pixels (const InterpImage *img, gboolean truncate, InterpPixels *px)
{
  g_return_if_fail (img->channels == 1 || img->channels == 3);
  const int64_t c = img->channels, h = img->height, w = img->width;
  px->channels = (int) c;
  px->height = h;
  px->width = w;
  px->pixels = g_malloc ((gsize) (c * h * w));
  for (int64_t k = 0; k < c; k++)
    for (int64_t i = 0; i < h * w; i++)
      {
        double v = CLAMP ((double) img->data[k * h * w + i], 0.0, 1.0) * 255.0;
        /* Truncation takes the same 1e-4 slack as interp_image_quantize_u8
         * (an exact level k / 255 stored as a float may sit just below k). */
        double q = truncate ? floor (v + 1e-4) : floor (v + 0.5);
        px->pixels[i * c + k] = (uint8_t) CLAMP (q, 0.0, 255.0);
      }
}

void
interp_image_from_pixels (const InterpPixels *px, InterpImage *img)
{
  g_return_if_fail (img->channels == px->channels && img->height == px->height
                    && img->width == px->width);
  const int64_t c = px->channels, n = px->height * px->width;
  for (int64_t k = 0; k < c; k++)
    for (int64_t i = 0; i < n; i++)
      img->data[k * n + i] = (float) (px->pixels[i * c + k] / 255.0);
}
