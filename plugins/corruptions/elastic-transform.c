/* corruption:elastic-transform -- CIFAR-10-C's elastic_transform
 * (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py, after
 * gist.github.com/erniejunior/601cdf56d2b424757de5).  With the row
 * (alpha, sigma, jitter), all in pixels:
 *  1. a random affine map: the three points (m + q, m + q), (m + q, m - q),
 *     (m - q, m - q) as (x, y), m = side // 2, q = side // 3, each
 *     coordinate moved by U(-jitter, jitter) (six draws in that order), the
 *     affine map taking the points to the moved ones (cv2.getAffineTransform)
 *     applied with cv2.warpAffine (bilinear, reflect-101 border);
 *  2. displacement fields dx then dy: side x side draws U(-1, 1) each,
 *     Gaussian-blurred with sigma (scipy "reflect" border, truncate 3), times
 *     alpha;
 *  3. out (y, x) = the warped image at (y + dy, x + dx), bilinear, "reflect"
 *     border (scipy.ndimage.map_coordinates, order 1), on every channel.
 *
 * Tables: make_cifar_c.py (32x32) and make_tinyimagenet_c.py (64x64) give
 * each entry as IMSIZE times a fraction; make_imagenet_c.py (224x224) as
 * 244 times one (its comment: "244 should have been 224, but ultimately
 * nothing is incorrect"), kept as published.  28x28 has no published
 * CIFAR-style table: it is 28 times the 32x32 fractions, every entry being
 * a length in pixels.  Greyscale: run on the one channel (a geometric
 * warp does the same to every channel). */
#include "config.h"

#include <math.h>

#include "corruption-common.h"
#include "plugin-components.h"

static const double elastic_fraction[CORR_N_SIZES][5][3] = {
  [CORR_SIZE_28] = { { 0, 0, .08 }, { .05, .2, .07 }, { .08, .06, .06 }, { .1, .04, .05 },
                     { .1, .03, .03 } },
  [CORR_SIZE_32] = { { 0, 0, .08 }, { .05, .2, .07 }, { .08, .06, .06 }, { .1, .04, .05 },
                     { .1, .03, .03 } },
  [CORR_SIZE_64] = { { 0, 0, .08 }, { .05, .3, .06 }, { .1, .08, .06 }, { .1, .03, .03 },
                     { .16, .03, .02 } },
  [CORR_SIZE_224] = { { 2, .7, .1 }, { 2, .08, .2 }, { .05, .01, .02 }, { .07, .01, .02 },
                      { .12, .01, .02 } },
};
static const double elastic_imsize[CORR_N_SIZES] = { 28, 32, 64, 244 };

gboolean
corr_elastic_deform (const InterpImage *src, const double m[6], const float *dx,
                     const float *dy, InterpImage *dst)
{
  int64_t h = src->height, w = src->width;
  InterpImage *warped = interp_image_new (src->channels, h, w);
  if (!interp_image_warp_affine (src, m, INTERP_BORDER_REFLECT_101, 0.0f, warped))
    {
      interp_image_free (warped);
      return FALSE;
    }
  float *map_y = g_new (float, (size_t) (h * w)), *map_x = g_new (float, (size_t) (h * w));
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      {
        map_y[y * w + x] = (float) y + dy[y * w + x];
        map_x[y * w + x] = (float) x + dx[y * w + x];
      }
  interp_image_remap (warped, map_y, map_x, INTERP_BORDER_REFLECT, 0.0f, dst);
  g_free (map_y);
  g_free (map_x);
  interp_image_free (warped);
  return TRUE;
}

/* One displacement field: U(-1, 1) per pixel, blurred, times alpha. */
static InterpImage *
displacement (InterpRng *rng, int64_t side, double sigma, double alpha)
{
  InterpImage *noise = interp_image_new (1, side, side), *field = interp_image_new (1, side, side);
  size_t n = (size_t) (side * side);
  for (size_t i = 0; i < n; i++)
    noise->data[i] = (float) (-1.0 + 2.0 * interp_rng_uniform (rng));
  interp_image_gaussian_blur (noise, sigma, 3.0, INTERP_BORDER_REFLECT, field);
  for (size_t i = 0; i < n; i++)
    field->data[i] = (float) (field->data[i] * alpha);
  interp_image_free (noise);
  return field;
}

static gboolean
elastic_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  const double *f = CORR_PICK (elastic_fraction, call);
  double imsize = elastic_imsize[call->size];
  double alpha = imsize * f[0], sigma = imsize * f[1], jitter = imsize * f[2];
  int64_t side = src->height;
  double mid = (double) (side / 2), q = (double) (side / 3);
  double from[6] = { mid + q, mid + q, mid + q, mid - q, mid - q, mid - q };
  double to[6], m[6];
  for (int i = 0; i < 6; i++)
    to[i] = from[i] + (-jitter + 2.0 * jitter * interp_rng_uniform (call->rng));
  InterpImage *dx = displacement (call->rng, side, sigma, alpha);
  InterpImage *dy = displacement (call->rng, side, sigma, alpha);
  /* The square's corners are never collinear; the moved ones are with
   * probability 0 (the map would then be singular): say so, never guess. */
  gboolean ok = interp_affine_from_points (from, to, m)
                && corr_elastic_deform (src, m, dx->data, dy->data, dst);
  interp_image_free (dx);
  interp_image_free (dy);
  if (!ok)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                 "%s: elastic-transform drew a singular affine map", call->where);
  return ok;
}

static const CorrSpec elastic_spec = { .name = "elastic-transform", .apply = elastic_apply };

static gpointer
elastic_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&elastic_spec, params, ctx, error);
}

static const InterpParamSpec elastic_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable elastic_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = elastic_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_elastic_transform = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "elastic-transform",
  .description = "CIFAR-10-C elastic_transform: a random affine warp, then smooth random "
                 "displacements.",
  .params = elastic_params, .vtable = &elastic_vtable);
