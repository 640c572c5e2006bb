/* Gaussian blur (scipy.ndimage.gaussian_filter's kernel, radius and border
 * modes) and 2-D correlation with a small kernel (cv2.filter2D). */
#include "config.h"

#include <interp/image.h>

#include <math.h>

int
interp_gaussian_radius (double sigma, double truncate)
{
  /* scipy/ndimage/_filters.py, gaussian_filter1d: lw = int(truncate * sd + 0.5). */
  return (int) (truncate * sigma + 0.5);
}

void
interp_gaussian_taps (double sigma, int radius, float *taps)
{
  /* scipy's _gaussian_kernel1d: exp(-x^2 / (2 sigma^2)) over -radius..radius,
   * divided by its sum (not by sigma sqrt(2 pi): the taps sum to 1). */
  double sum = 0.0;
  for (int i = -radius; i <= radius; i++)
    sum += exp (-0.5 * (double) i * (double) i / (sigma * sigma));
  for (int i = -radius; i <= radius; i++)
    taps[i + radius] = (float) (exp (-0.5 * (double) i * (double) i / (sigma * sigma)) / sum);
}

/* One channel plane read at (y, x) with out-of-range indices resolved by
 * border; CONSTANT reads give 0. */
static inline double
plane_at (const float *plane, int64_t h, int64_t w, int64_t y, int64_t x, InterpBorder border)
{
  int64_t yy = interp_border_index (y, h, border), xx = interp_border_index (x, w, border);
  if (yy < 0 || xx < 0)
    return 0.0;
  return plane[yy * w + xx];
}

void
interp_image_gaussian_blur (const InterpImage *src, double sigma, double truncate,
                            InterpBorder border, InterpImage *dst)
{
  g_return_if_fail (interp_image_same_shape (src, dst) && sigma >= 0.0);
  if (sigma == 0.0)
    {
      interp_image_copy (src, dst);
      return;
    }
  const int r = interp_gaussian_radius (sigma, truncate);
  const int64_t h = src->height, w = src->width;
  float *taps = g_new (float, 2 * r + 1);
  interp_gaussian_taps (sigma, r, taps);
  /* scipy filters axis 0 (rows, y) first, then axis 1 (x); the intermediate
   * is kept in double as scipy keeps it in the float64 it computes in. */
  double *tmp = g_new (double, (gsize) (h * w));
  for (int64_t c = 0; c < src->channels; c++)
    {
      const float *in = src->data + c * h * w;
      float *out = dst->data + c * h * w;
      for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
          {
            double acc = 0.0;
            for (int k = -r; k <= r; k++)
              acc += taps[k + r] * plane_at (in, h, w, y + k, x, border);
            tmp[y * w + x] = acc;
          }
      for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
          {
            double acc = 0.0;
            for (int k = -r; k <= r; k++)
              {
                int64_t xx = interp_border_index (x + k, w, border);
                if (xx >= 0)
                  acc += taps[k + r] * tmp[y * w + xx];
              }
            out[y * w + x] = (float) acc;
          }
    }
  g_free (tmp);
  g_free (taps);
}

void
interp_image_filter2d (const InterpImage *src, const float *kernel, int ksize_h, int ksize_w,
                       InterpBorder border, InterpImage *dst)
{
  g_return_if_fail (interp_image_same_shape (src, dst));
  g_return_if_fail (ksize_h >= 1 && ksize_w >= 1 && ksize_h % 2 == 1 && ksize_w % 2 == 1);
  const int64_t h = src->height, w = src->width;
  const int ah = ksize_h / 2, aw = ksize_w / 2;
  for (int64_t c = 0; c < src->channels; c++)
    {
      const float *in = src->data + c * h * w;
      float *out = dst->data + c * h * w;
      for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++)
          {
            /* Correlation, not convolution: cv2.filter2D does not flip the
             * kernel (OpenCV docs, filter2D). */
            double acc = 0.0;
            for (int i = 0; i < ksize_h; i++)
              for (int j = 0; j < ksize_w; j++)
                {
                  float k = kernel[i * ksize_w + j];
                  if (k != 0.0f)
                    acc += k * plane_at (in, h, w, y + i - ah, x + j - aw, border);
                }
            out[y * w + x] = (float) acc;
          }
    }
}
