/* corruption:snow -- CIFAR-10-C's snow (hendrycks/robustness,
 * ImageNet-C/create_c/make_cifar_c.py).  With the row
 * (loc, scale, zoom, threshold, radius, sigma, blend):
 *  1. a layer of N(loc, scale) per pixel (row-major draws), zoomed about
 *     its centre by `zoom` (clipped_zoom: the central ceil (side / zoom)
 *     square resized by scipy.ndimage.zoom, order 1, whose grid maps
 *     corners to corners, then the central side x side cut out);
 *  2. values below `threshold` set to 0, the layer clipped to [0, 1] and
 *     truncated to 8 bits (np.uint8, as the generator hands it to
 *     ImageMagick as a PNG);
 *  3. a motion blur of `radius` and `sigma` at an angle uniform in
 *     [-135, -45) degrees (ImageMagick's -motion-blur, edge pixels repeated),
 *     rounded back to 8 bits as the PNG it returns;
 *  4. x := blend x + (1 - blend) max (x, 1.5 grey + 0.5), grey the ITU-R 601
 *     luma (cv2 RGB2GRAY), then x + layer + layer rotated by 180 degrees.
 * Draws: the layer (side x side normals), then the angle.
 *
 * Tables: 32x32 make_cifar_c.py; 64x64 make_tinyimagenet_c.py; 224x224
 * make_imagenet_c.py as google-research/mnist-c's corruptions.py repeats it.
 * 28x28 has no published CIFAR-style table: it is the 32x32 row with the
 * pixel-measured motion radius and sigma scaled by 28 / 32 (the radius
 * rounded to whole pixels, as ImageMagick's kernel has): radius 7 9 9 11 12,
 * sigma 2.625 3.5 3.5 5.25 10.5; the other entries are dimensionless.
 * Greyscale: the grey image is its own luma, so it is snowed as it is (the
 * same as the grey conversion of the generator's result on three equal
 * channels). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "corruption-common.h"
#include "plugin-components.h"

enum { LOC, SCALE, ZOOM, THRESHOLD, RADIUS, SIGMA, BLEND };

static const double snow_c[CORR_N_SIZES][5][7] = {
  [CORR_SIZE_28] = { { .1, .2, 1, .6, 7, 2.625, .95 },
                     { .1, .2, 1, .5, 9, 3.5, .9 },
                     { .15, .3, 1.75, .55, 9, 3.5, .9 },
                     { .25, .3, 2.25, .6, 11, 5.25, .85 },
                     { .3, .3, 1.25, .65, 12, 10.5, .8 } },
  [CORR_SIZE_32] = { { .1, .2, 1, .6, 8, 3, .95 },
                     { .1, .2, 1, .5, 10, 4, .9 },
                     { .15, .3, 1.75, .55, 10, 4, .9 },
                     { .25, .3, 2.25, .6, 12, 6, .85 },
                     { .3, .3, 1.25, .65, 14, 12, .8 } },
  [CORR_SIZE_64] = { { .1, .2, 1, .6, 8, 3, .8 },
                     { .1, .2, 1, .5, 10, 4, .8 },
                     { .15, .3, 1.75, .55, 10, 4, .7 },
                     { .25, .3, 2.25, .6, 12, 6, .65 },
                     { .3, .3, 1.25, .65, 14, 12, .6 } },
  [CORR_SIZE_224] = { { .1, .3, 3, .5, 10, 4, .8 },
                      { .2, .3, 2, .5, 12, 4, .7 },
                      { .55, .3, 4, .9, 12, 8, .7 },
                      { .55, .3, 4.5, .85, 12, 8, .65 },
                      { .55, .3, 2.5, .85, 12, 12, .55 } },
};

/* The linear value of a side x side plane at real (y, x), both within
 * [0, side - 1]. */
static float
plane_linear (const float *p, int64_t side, double y, double x)
{
  int64_t y0 = (int64_t) floor (y), x0 = (int64_t) floor (x);
  int64_t y1 = MIN (y0 + 1, side - 1), x1 = MIN (x0 + 1, side - 1);
  double fy = y - (double) y0, fx = x - (double) x0;
  double top = (1 - fx) * p[y0 * side + x0] + fx * p[y0 * side + x1];
  double bottom = (1 - fx) * p[y1 * side + x0] + fx * p[y1 * side + x1];
  return (float) ((1 - fy) * top + fy * bottom);
}

/* make_cifar_c.py's clipped_zoom on one side x side plane, in place. */
static void
clipped_zoom (float *plane, int64_t side, double zoom)
{
  int64_t ch = (int64_t) ceil ((double) side / zoom);
  if (zoom == 1.0)   /* the identity; every table's zoom is >= 1 */
    return;
  int64_t top = (side - ch) / 2;
  int64_t out = (int64_t) round ((double) ch * zoom);   /* scipy's output size */
  int64_t trim = (out - side) / 2;
  float *crop = g_new (float, (size_t) (ch * ch));
  for (int64_t y = 0; y < ch; y++)
    memcpy (crop + y * ch, plane + (top + y) * side + top, (size_t) ch * sizeof (float));
  /* scipy.ndimage.zoom (grid_mode False): output i reads input
   * i (ch - 1) / (out - 1). */
  double step = out > 1 ? (double) (ch - 1) / (double) (out - 1) : 0.0;
  for (int64_t y = 0; y < side; y++)
    for (int64_t x = 0; x < side; x++)
      plane[y * side + x] = plane_linear (crop, ch, (double) (y + trim) * step,
                                          (double) (x + trim) * step);
  g_free (crop);
}

static gboolean
snow_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  const double *c = CORR_PICK (snow_c, call);
  int64_t side = src->height;
  size_t n = (size_t) (side * side);
  InterpImage *layer = interp_image_new (1, side, side);
  InterpImage *blurred = interp_image_new (1, side, side);
  for (size_t i = 0; i < n; i++)
    layer->data[i] = (float) (c[LOC] + c[SCALE] * interp_rng_normal (call->rng));
  clipped_zoom (layer->data, side, c[ZOOM]);
  for (size_t i = 0; i < n; i++)
    {
      float v = layer->data[i] < c[THRESHOLD] ? 0.0f : layer->data[i];
      layer->data[i] = v;
    }
  interp_image_quantize_u8 (layer);

  double angle = -135.0 + 90.0 * interp_rng_uniform (call->rng);
  int kside = 0;
  float *kernel = interp_motion_kernel ((int) c[RADIUS], c[SIGMA], angle, &kside);
  interp_image_filter2d (layer, kernel, kside, kside, INTERP_BORDER_NEAREST, blurred);
  g_free (kernel);
  for (size_t i = 0; i < n; i++)
    blurred->data[i] = (float) (round (fmin (fmax (blurred->data[i], 0.0f), 1.0f) * 255.0)
                                / 255.0);

  const float *r = src->data, *g = src->channels == 3 ? r + n : r,
              *b = src->channels == 3 ? r + 2 * n : r;
  for (int64_t ch = 0; ch < src->channels; ch++)
    for (size_t i = 0; i < n; i++)
      {
        double x = src->data[(size_t) ch * n + i];
        double grey = src->channels == 3 ? 0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i] : x;
        double bright = fmax (x, 1.5 * grey + 0.5);
        double mixed = c[BLEND] * x + (1.0 - c[BLEND]) * bright;
        dst->data[(size_t) ch * n + i]
          = (float) (mixed + blurred->data[i] + blurred->data[n - 1 - i]);
      }
  interp_image_free (layer);
  interp_image_free (blurred);
  return TRUE;
}

static const CorrSpec snow_spec = { .name = "snow", .apply = snow_apply };

static gpointer
snow_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&snow_spec, params, ctx, error);
}

static const InterpParamSpec snow_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable snow_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = snow_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_snow = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "snow",
  .description = "CIFAR-10-C snow: a thresholded, motion-blurred noise layer and its 180-degree "
                 "rotation over a brightened image.",
  .params = snow_params, .vtable = &snow_vtable);
