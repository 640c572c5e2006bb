/* Canny edges as skimage.feature.canny finds them (scikit-image,
 * skimage/feature/_canny.py and _canny_cy.pyx) and the exact Euclidean
 * distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of
 * Sampled Functions", Theory of Computing 8, 2012), which is what
 * cv2.distanceTransform computes with DIST_L2 and DIST_MASK_PRECISE. */
#include "config.h"

#include <interp/image.h>

#include <float.h>
#include <math.h>
#include <string.h>

/* scipy.ndimage.sobel along one axis (mode "reflect", its default): the
 * derivative taps (-1 0 1) along `axis`, the smoothing taps (1 2 1) along
 * the other. */
static void
sobel (const float *in, int64_t h, int64_t w, int axis, double *out)
{
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        double acc = 0.0;
        for (int i = -1; i <= 1; i++)
          for (int j = -1; j <= 1; j++)
            {
              int d = axis == 0 ? i : j, s = axis == 0 ? j : i;
              if (d == 0)
                continue;
              int64_t yy = interp_border_index (y + i, h, INTERP_BORDER_REFLECT);
              int64_t xx = interp_border_index (x + j, w, INTERP_BORDER_REFLECT);
              acc += (double) d * (s == 0 ? 2.0 : 1.0) * in[yy * w + xx];
            }
        out[y * w + x] = acc;
      }
}

/* skimage's bilinear non-maximum suppression: m survives when it is >= the
 * magnitude interpolated at both neighbours along the gradient. */
static gboolean
is_local_max (const double *mag, int64_t w, int64_t r, int64_t c, double gi, double gj)
{
  const double m = mag[r * w + c], ai = fabs (gi), aj = fabs (gj);
#define MG(dr, dc) mag[(r + (dr)) * w + (c + (dc))]
  const gboolean up = gi >= 0, down = gi <= 0, right = gj >= 0, left = gj <= 0;
  gboolean keep = FALSE;
  if ((up && right) || (down && left))
    {
      double wgt, p1, p2, q1, q2;
      if (ai > aj)
        {
          wgt = aj / ai;
          p1 = MG (1, 0); p2 = MG (1, 1); q1 = MG (-1, 0); q2 = MG (-1, -1);
        }
      else
        {
          wgt = aj > 0 ? ai / aj : 0.0;
          p1 = MG (0, 1); p2 = MG (1, 1); q1 = MG (0, -1); q2 = MG (-1, -1);
        }
      keep = p2 * wgt + p1 * (1 - wgt) <= m && q2 * wgt + q1 * (1 - wgt) <= m;
    }
  if (!keep && ((down && right) || (up && left)))
    {
      double wgt, p1, p2, q1, q2;
      if (ai < aj)
        {
          wgt = ai / aj;
          p1 = MG (0, 1); p2 = MG (-1, 1); q1 = MG (0, -1); q2 = MG (1, -1);
        }
      else
        {
          wgt = ai > 0 ? aj / ai : 0.0;
          p1 = MG (-1, 0); p2 = MG (-1, 1); q1 = MG (1, 0); q2 = MG (1, -1);
        }
      keep = p2 * wgt + p1 * (1 - wgt) <= m && q2 * wgt + q1 * (1 - wgt) <= m;
    }
#undef MG
  return keep;
}

void
interp_image_canny (const InterpImage *src, int64_t c, double sigma, double low, double high,
                    uint8_t *edges)
{
  g_return_if_fail (c >= 0 && c < src->channels && sigma >= 0 && edges != NULL);
  const int64_t h = src->height, w = src->width, n = h * w;
  memset (edges, 0, (size_t) n);
  /* Smoothing with skimage's default mode "constant" and its bleed-over
   * correction: blur(image) / (blur(ones) + eps), so the border is not
   * darkened by the zeros read outside (skimage gaussian's truncate 4). */
  InterpImage plane = { 1, h, w, src->data + c * n };
  InterpImage *ones = interp_image_new (1, h, w), *bo = interp_image_new (1, h, w);
  InterpImage *smooth = interp_image_new (1, h, w);
  for (int64_t i = 0; i < n; i++)
    ones->data[i] = 1.0f;
  interp_image_gaussian_blur (&plane, sigma, 4.0, INTERP_BORDER_CONSTANT, smooth);
  interp_image_gaussian_blur (ones, sigma, 4.0, INTERP_BORDER_CONSTANT, bo);
  for (int64_t i = 0; i < n; i++)
    smooth->data[i] = (float) (smooth->data[i] / (bo->data[i] + FLT_EPSILON));
  double *gi = g_new (double, n), *gj = g_new (double, n), *mag = g_new (double, n);
  sobel (smooth->data, h, w, 0, gi);
  sobel (smooth->data, h, w, 1, gj);
  for (int64_t i = 0; i < n; i++)
    mag[i] = hypot (gi[i], gj[i]);
  /* The mask is eroded by a 3x3 square with border 0, so the outermost
   * pixels are never edges; hysteresis: pixels above low connected
   * (8-neighbours) to a pixel at or above high. */
  uint8_t *cand = g_new0 (uint8_t, n);
  int64_t *stack = g_new (int64_t, n), top = 0;
  for (int64_t r = 1; r < h - 1; r++)
    for (int64_t q = 1; q < w - 1; q++)
      {
        int64_t i = r * w + q;
        if (mag[i] > low && is_local_max (mag, w, r, q, gi[i], gj[i]))
          {
            cand[i] = 1;
            if (mag[i] >= high)
              {
                edges[i] = 1;
                stack[top++] = i;
              }
          }
      }
  while (top > 0)
    {
      int64_t i = stack[--top], r = i / w, q = i % w;
      for (int64_t dr = -1; dr <= 1; dr++)
        for (int64_t dq = -1; dq <= 1; dq++)
          {
            int64_t rr = r + dr, qq = q + dq;
            if (rr < 0 || rr >= h || qq < 0 || qq >= w)
              continue;
            int64_t j = rr * w + qq;
            if (cand[j] && !edges[j])
              {
                edges[j] = 1;
                stack[top++] = j;
              }
          }
    }
  g_free (stack);
  g_free (cand);
  g_free (gi);
  g_free (gj);
  g_free (mag);
  interp_image_free (ones);
  interp_image_free (bo);
  interp_image_free (smooth);
}

/* Felzenszwalb-Huttenlocher: the lower envelope of the parabolas rooted at
 * (q, f[q]) gives d[p] = min_q (p - q)^2 + f[q] for p = 0 .. n-1.  f is
 * read with stride `stride`; v and z are scratch of n and n + 1. */
static void
dt_1d (const double *f, int64_t n, int64_t stride, double *d, int64_t *v, double *z)
{
  int64_t k = 0;
  v[0] = 0;
  z[0] = -HUGE_VAL;
  z[1] = HUGE_VAL;
  for (int64_t q = 1; q < n; q++)
    {
      /* Where the parabola of q overtakes the rightmost one kept; z[0] is
       * -inf, so k never drops below 0. */
      double s;
      for (;;)
        {
          int64_t p = v[k];
          s = ((f[q * stride] + (double) (q * q)) - (f[p * stride] + (double) (p * p)))
              / (double) (2 * q - 2 * p);
          if (s > z[k])
            break;
          k--;
        }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = HUGE_VAL;
    }
  k = 0;
  for (int64_t q = 0; q < n; q++)
    {
      while (z[k + 1] < (double) q)
        k++;
      double dq = (double) (q - v[k]);
      d[q * stride] = dq * dq + f[v[k] * stride];
    }
}

void
interp_distance_transform (const uint8_t *mask, int64_t height, int64_t width, float *distance)
{
  const int64_t h = height, w = width, n = h * w;
  gboolean any_zero = FALSE;
  for (int64_t i = 0; i < n && !any_zero; i++)
    any_zero = mask[i] == 0;
  if (!any_zero)
    {
      for (int64_t i = 0; i < n; i++)
        distance[i] = (float) (h + w);
      return;
    }
  /* "Infinity" is a finite square larger than any squared distance in the
   * image, so the envelope arithmetic stays finite. */
  const double far = 4.0 * (double) (h + w) * (double) (h + w);
  double *f = g_new (double, n), *g = g_new (double, n);
  const int64_t m = MAX (h, w);
  int64_t *v = g_new (int64_t, m);
  double *z = g_new (double, m + 1);
  for (int64_t i = 0; i < n; i++)
    f[i] = mask[i] == 0 ? 0.0 : far;
  for (int64_t x = 0; x < w; x++)          /* columns */
    dt_1d (f + x, h, w, g + x, v, z);
  for (int64_t y = 0; y < h; y++)          /* then rows */
    dt_1d (g + y * w, w, 1, f + y * w, v, z);
  for (int64_t i = 0; i < n; i++)
    distance[i] = (float) sqrt (f[i]);
  g_free (f);
  g_free (g);
  g_free (v);
  g_free (z);
}
