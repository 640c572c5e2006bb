/* Resizing (cv2.INTER_LINEAR, PIL's BOX), bilinear sampling and remapping. */
#include "config.h"

#include <interp/image.h>

#include <math.h>

/* One output coordinate of cv2.resize INTER_LINEAR along an axis:
 * src = (dst + 0.5) * scale - 0.5, clamped to [0, n - 1] (OpenCV
 * imgproc/src/resize.cpp clamps the index and zeroes the fraction at both
 * ends, which is the same thing).  Gives the left index, the right one and
 * the weight of the right one. */
static void
linear_coord (int64_t d, double scale, int64_t n, int64_t *i0, int64_t *i1, double *a)
{
  double f = CLAMP (((double) d + 0.5) * scale - 0.5, 0.0, (double) (n - 1));
  *i0 = (int64_t) f;
  *i1 = MIN (*i0 + 1, n - 1);
  *a = f - (double) *i0;
}

static void
resize_bilinear (const InterpImage *src, InterpImage *dst)
{
  const int64_t h = src->height, w = src->width, oh = dst->height, ow = dst->width;
  const double sy = (double) h / (double) oh, sx = (double) w / (double) ow;
  for (int64_t c = 0; c < src->channels; c++)
    {
      const float *in = src->data + c * h * w;
      float *out = dst->data + c * oh * ow;
      for (int64_t y = 0; y < oh; y++)
        {
          int64_t y0, y1;
          double ay;
          linear_coord (y, sy, h, &y0, &y1, &ay);
          for (int64_t x = 0; x < ow; x++)
            {
              int64_t x0, x1;
              double ax;
              linear_coord (x, sx, w, &x0, &x1, &ax);
              double top = (1 - ax) * in[y0 * w + x0] + ax * in[y0 * w + x1];
              double bot = (1 - ax) * in[y1 * w + x0] + ax * in[y1 * w + x1];
              out[y * ow + x] = (float) ((1 - ay) * top + ay * bot);
            }
        }
    }
}

/* PIL's BOX weights for one axis (Pillow src/libImaging/Resample.c,
 * precompute_coeffs with box_filter): output pixel d covers the input
 * interval centred on (d + 0.5) * scale of width max(scale, 1); an input
 * pixel counts, with weight 1, when its centre falls in that interval
 * (box_filter is 1 on (-0.5, 0.5]), and the weights are normalised.  So on
 * a downscale every input pixel lands in exactly one output (integer
 * factors give block means); on an upscale each output takes one input. */
static void
box_span (int64_t d, double scale, int64_t n, int64_t *first, int64_t *count)
{
  const double fscale = MAX (scale, 1.0), support = 0.5 * fscale;
  const double centre = ((double) d + 0.5) * scale;
  int64_t lo = (int64_t) (centre - support + 0.5), hi = (int64_t) (centre + support + 0.5);
  lo = MAX (lo, 0);
  hi = MIN (hi, n);
  *first = -1;
  *count = 0;
  for (int64_t i = lo; i < hi; i++)
    {
      double u = ((double) i - centre + 0.5) / fscale;
      if (u > -0.5 && u <= 0.5)
        {
          if (*first < 0)
            *first = i;
          (*count)++;
        }
    }
}

static void
resize_box (const InterpImage *src, InterpImage *dst)
{
  const int64_t h = src->height, w = src->width, oh = dst->height, ow = dst->width;
  const double sy = (double) h / (double) oh, sx = (double) w / (double) ow;
  int64_t *xf = g_new (int64_t, ow), *xn = g_new (int64_t, ow);
  for (int64_t x = 0; x < ow; x++)
    box_span (x, sx, w, &xf[x], &xn[x]);
  for (int64_t y = 0; y < oh; y++)
    {
      int64_t yf, yn;
      box_span (y, sy, h, &yf, &yn);
      for (int64_t x = 0; x < ow; x++)
        for (int64_t c = 0; c < src->channels; c++)
          {
            const float *in = src->data + c * h * w;
            double acc = 0.0;
            for (int64_t i = yf; i < yf + yn; i++)
              for (int64_t j = xf[x]; j < xf[x] + xn[x]; j++)
                acc += in[i * w + j];
            /* A span is never empty: the interval has width >= 1 and lies
             * within the image, so it holds at least one centre. */
            dst->data[(c * oh + y) * ow + x] = (float) (acc / (double) (yn * xn[x]));
          }
    }
  g_free (xf);
  g_free (xn);
}

void
interp_image_resize (const InterpImage *src, InterpResize mode, InterpImage *dst)
{
  g_return_if_fail (src->channels == dst->channels && dst->height >= 1 && dst->width >= 1);
  if (src->height == dst->height && src->width == dst->width)
    {
      interp_image_copy (src, dst);
      return;
    }
  if (mode == INTERP_RESIZE_AREA)
    resize_box (src, dst);
  else
    resize_bilinear (src, dst);
}

static inline double
read_or (const float *plane, int64_t h, int64_t w, int64_t y, int64_t x, InterpBorder border,
         float cval)
{
  int64_t yy = interp_border_index (y, h, border), xx = interp_border_index (x, w, border);
  if (yy < 0 || xx < 0)
    return cval;
  return plane[yy * w + xx];
}

float
interp_image_sample (const InterpImage *src, int64_t c, double y, double x,
                     InterpBorder border, float cval)
{
  const int64_t h = src->height, w = src->width;
  const float *plane = src->data + c * h * w;
  g_return_val_if_fail (!isnan (y) && !isnan (x), cval);
  /* Coordinates beyond +-1e15 (or infinite) are pulled in to +-1e15 so the
   * integer conversion below stays defined; CONSTANT and NEAREST answer the
   * same there as further out, the reflections some in-range pixel. */
  y = CLAMP (y, -1e15, 1e15);
  x = CLAMP (x, -1e15, 1e15);
  double fy = floor (y), fx = floor (x);
  double ay = y - fy, ax = x - fx;
  int64_t y0 = (int64_t) fy, x0 = (int64_t) fx;
  double v00 = read_or (plane, h, w, y0, x0, border, cval);
  double v01 = read_or (plane, h, w, y0, x0 + 1, border, cval);
  double v10 = read_or (plane, h, w, y0 + 1, x0, border, cval);
  double v11 = read_or (plane, h, w, y0 + 1, x0 + 1, border, cval);
  return (float) ((1 - ay) * ((1 - ax) * v00 + ax * v01) + ay * ((1 - ax) * v10 + ax * v11));
}

void
interp_image_remap (const InterpImage *src, const float *map_y, const float *map_x,
                    InterpBorder border, float cval, InterpImage *dst)
{
  g_return_if_fail (src->channels == dst->channels);
  const int64_t oh = dst->height, ow = dst->width;
  for (int64_t c = 0; c < src->channels; c++)
    for (int64_t i = 0; i < oh * ow; i++)
      dst->data[c * oh * ow + i] = interp_image_sample (src, c, map_y[i], map_x[i], border, cval);
}
