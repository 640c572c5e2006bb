/* RGB <-> HSV as skimage.color.rgb2hsv / hsv2rgb compute them
 * (scikit-image, skimage/color/colorconv.py): h, s, v all in [0, 1]. */
#include "config.h"

#include <interp/image.h>

#include <math.h>

void
interp_image_rgb_to_hsv (const InterpImage *src, InterpImage *dst)
{
  g_return_if_fail (src->channels == 3 && interp_image_same_shape (src, dst));
  const size_t plane = (size_t) src->height * (size_t) src->width;
  for (size_t i = 0; i < plane; i++)
    {
      double r = src->data[i], g = src->data[plane + i], b = src->data[2 * plane + i];
      double v = MAX (r, MAX (g, b));
      double delta = v - MIN (r, MIN (g, b));
      double h = 0.0, s = 0.0;
      if (delta != 0.0)
        {
          /* skimage assigns the three cases in this order, so on a tie the
           * later one (blue, then green) wins. */
          if (b == v)
            h = 4.0 + (r - g) / delta;
          else if (g == v)
            h = 2.0 + (b - r) / delta;
          else
            h = (g - b) / delta;
          h = h / 6.0;
          h -= floor (h);   /* (h / 6) % 1, Python's modulo: into [0, 1) */
          s = delta / v;
        }
      dst->data[i] = (float) h;
      dst->data[plane + i] = (float) s;
      dst->data[2 * plane + i] = (float) v;
    }
}

void
interp_image_hsv_to_rgb (const InterpImage *src, InterpImage *dst)
{
  g_return_if_fail (src->channels == 3 && interp_image_same_shape (src, dst));
  const size_t plane = (size_t) src->height * (size_t) src->width;
  for (size_t i = 0; i < plane; i++)
    {
      double h = src->data[i], s = src->data[plane + i], v = src->data[2 * plane + i];
      double hi = floor (h * 6.0);
      double f = h * 6.0 - hi;
      double p = v * (1.0 - s), q = v * (1.0 - f * s), t = v * (1.0 - (1.0 - f) * s);
      int sector = (int) fmod (hi, 6.0);
      if (sector < 0)
        sector += 6;   /* numpy's % keeps the divisor's sign */
      double r, g, b;
      switch (sector)
        {
        case 0: r = v; g = t; b = p; break;
        case 1: r = q; g = v; b = p; break;
        case 2: r = p; g = v; b = t; break;
        case 3: r = p; g = q; b = v; break;
        case 4: r = t; g = p; b = v; break;
        default: r = v; g = p; b = q; break;
        }
      dst->data[i] = (float) r;
      dst->data[plane + i] = (float) g;
      dst->data[2 * plane + i] = (float) b;
    }
}
