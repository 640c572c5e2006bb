/* plugins/corruptions: the MNIST-C helpers (google-research/mnist-c,
 * corruptions.py): inverse-map warps and line drawing. */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"

double
mnistc_pixel_scale (const CorrCall *call)
{
  return corr_size_side (call->size) / 28.0;
}

double
mnistc_random_sign (InterpRng *rng)
{
  return interp_rng_below (rng, 2) == 0 ? -1.0 : 1.0;
}

void
mnistc_warp_inverse (const InterpImage *src, const double a[6], InterpImage *dst)
{
  int64_t h = dst->height, w = dst->width;
  float *map_y = g_new (float, (size_t) (h * w));
  float *map_x = g_new (float, (size_t) (h * w));
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        map_x[y * w + x] = (float) (a[0] * (double) x + a[1] * (double) y + a[2]);
        map_y[y * w + x] = (float) (a[3] * (double) x + a[4] * (double) y + a[5]);
      }
  interp_image_remap (src, map_y, map_x, INTERP_BORDER_CONSTANT, 0.0f, dst);
  g_free (map_y);
  g_free (map_x);
}

void
mnistc_warp_about_centre (const InterpImage *src, double a11, double a12, double a21,
                          double a22, InterpImage *dst)
{
  /* corruptions.py: a3 = 13.5 (1 - a1 - a2), b3 = 13.5 (1 - b1 - b2), so
   * A (m, m) + t = (m, m) for the centre m. */
  double m = ((double) src->width - 1.0) / 2.0;
  double a[6] = { a11, a12, m * (1.0 - a11 - a12), a21, a22, m * (1.0 - a21 - a22) };
  mnistc_warp_inverse (src, a, dst);
}

void
mnistc_add_line (float *layer, int64_t height, int64_t width, double c0, double r0,
                 double c1, double r1, double line_width)
{
  if (c1 == c0)
    return;
  double slope = (r1 - r0) / (c1 - c0);
  /* Columns [floor (c0), ceil (c1)) carry the line; a start left of the
   * image is the image's first column (MNIST-C's points never are). */
  int64_t left = (int64_t) floor (c0), right = (int64_t) ceil (c1);
  if (left < 0)
    left = 0;
  if (right > width)
    right = width;
  for (int64_t x = left; x < right; x++)
    {
      double f = slope * ((double) x - c0) + r0;
      for (int64_t y = 0; y < height; y++)
        {
          double d = fabs ((double) y - f);
          if (d > line_width - 1e-10)
            d = line_width - 1e-10;
          double v = log (1.0 - d / line_width) + 1.0;
          if (v <= 0.0)
            continue;
          float *p = &layer[y * width + x];
          *p = (float) fmin (1.0, (double) *p + fmin (v, 1.0));
        }
    }
}

void
mnistc_add_layer (const InterpImage *src, const float *layer, InterpImage *dst)
{
  size_t n = (size_t) (src->height * src->width);
  for (int64_t c = 0; c < src->channels; c++)
    for (size_t i = 0; i < n; i++)
      {
        float v = src->data[(size_t) c * n + i] + layer[i];
        dst->data[(size_t) c * n + i] = v > 1.0f ? 1.0f : v;
      }
}
