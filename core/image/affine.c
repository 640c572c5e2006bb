/* Affine warps in cv2's convention: m maps source (x, y) to destination. */
#include "config.h"

#include <interp/image.h>

#include <math.h>

/* Inverse of the 2x3 affine m (the 3x3 [m; 0 0 1] inverted, last row
 * dropped); FALSE when the linear part is singular. */
static gboolean
affine_invert (const double m[6], double inv[6])
{
  double det = m[0] * m[4] - m[1] * m[3];
  double scale = fabs (m[0] * m[4]) + fabs (m[1] * m[3]);
  if (det == 0.0 || fabs (det) <= 1e-12 * scale)
    return FALSE;
  double a = m[4] / det, b = -m[1] / det, d = -m[3] / det, e = m[0] / det;
  inv[0] = a;
  inv[1] = b;
  inv[2] = -(a * m[2] + b * m[5]);
  inv[3] = d;
  inv[4] = e;
  inv[5] = -(d * m[2] + e * m[5]);
  return TRUE;
}

gboolean
interp_image_warp_affine (const InterpImage *src, const double m[6], InterpBorder border,
                          float cval, InterpImage *dst)
{
  g_return_val_if_fail (src->channels == dst->channels, FALSE);
  double inv[6];
  if (!affine_invert (m, inv))
    return FALSE;
  /* cv2.warpAffine without WARP_INVERSE_MAP inverts M and, for every
   * destination pixel, samples the source at inv * (x, y, 1) bilinearly. */
  for (int64_t y = 0; y < dst->height; y++)
    for (int64_t x = 0; x < dst->width; x++)
      {
        double sx = inv[0] * (double) x + inv[1] * (double) y + inv[2];
        double sy = inv[3] * (double) x + inv[4] * (double) y + inv[5];
        for (int64_t c = 0; c < src->channels; c++)
          dst->data[(c * dst->height + y) * dst->width + x]
            = interp_image_sample (src, c, sy, sx, border, cval);
      }
  return TRUE;
}

gboolean
interp_affine_from_points (const double src[6], const double dst[6], double m[6])
{
  /* Solve [x_i y_i 1] (a b c)^T = X_i and likewise for Y_i by Cramer's rule
   * (cv2.getAffineTransform solves the same 6x6 system). */
  const double x0 = src[0], y0 = src[1], x1 = src[2], y1 = src[3], x2 = src[4], y2 = src[5];
  double det = x0 * (y1 - y2) - y0 * (x1 - x2) + (x1 * y2 - x2 * y1);
  double scale = fabs (x0) + fabs (y0) + fabs (x1) + fabs (y1) + fabs (x2) + fabs (y2) + 1.0;
  /* Collinear points give det 0; the relative test also refuses points
   * whose determinant is rounding noise (1e-12 of the coordinates' square). */
  if (fabs (det) <= 1e-12 * scale * scale)
    return FALSE;
  for (int r = 0; r < 2; r++)
    {
      const double v0 = dst[r], v1 = dst[2 + r], v2 = dst[4 + r];
      double a = v0 * (y1 - y2) - y0 * (v1 - v2) + (v1 * y2 - v2 * y1);
      double b = x0 * (v1 - v2) - v0 * (x1 - x2) + (x1 * v2 - x2 * v1);
      double c = x0 * (y1 * v2 - y2 * v1) - y0 * (x1 * v2 - x2 * v1) + v0 * (x1 * y2 - x2 * y1);
      m[3 * r + 0] = a / det;
      m[3 * r + 1] = b / det;
      m[3 * r + 2] = c / det;
    }
  return TRUE;
}

void
interp_affine_about_centre (int64_t height, int64_t width, double angle_radians, double scale,
                            double shear, double tx, double ty, double m[6])
{
  /* m = T(centre + t) R S H T(-centre): shear x += shear * y, then uniform
   * scale, then the rotation, about the centre ((width - 1) / 2,
   * (height - 1) / 2) of the pixel grid (MNIST-C's 13.5 for 28 pixels,
   * google-research/mnist-c corruptions.py), then the translation.  With y
   * pointing down, a counter-clockwise turn as displayed is
   * x' = cos x + sin y, y' = -sin x + cos y. */
  const double cx = ((double) width - 1.0) / 2.0, cy = ((double) height - 1.0) / 2.0;
  const double c = cos (angle_radians), s = sin (angle_radians);
  /* Linear part L = R * scale * H, H = [[1, shear], [0, 1]]. */
  const double l00 = scale * c, l01 = scale * (c * shear + s);
  const double l10 = -scale * s, l11 = scale * (-s * shear + c);
  m[0] = l00;
  m[1] = l01;
  m[2] = cx + tx - (l00 * cx + l01 * cy);
  m[3] = l10;
  m[4] = l11;
  m[5] = cy + ty - (l10 * cx + l11 * cy);
}
