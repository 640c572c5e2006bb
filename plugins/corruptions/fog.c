/* corruption:fog -- CIFAR-10-C's fog (hendrycks/robustness,
 * ImageNet-C/create_c/make_cifar_c.py):
 *   x + c * plasma, then x * max / (max + c)
 * with plasma a diamond-square fractal of side mapsize (wibble decay w),
 * normalised to [0, 1] and cropped to the image, the same on every
 * channel, and max the clean image's largest value over all channels.
 * The field is non-negative and the rescale maps the brightest possible
 * value, max + c, back to max, so the result never needs clipping above.
 *
 * Tables (c, w): 32x32 make_cifar_c.py (mapsize 32); 64x64
 * make_tinyimagenet_c.py (mapsize 64); 224x224 make_imagenet_c.py
 * (mapsize 256), as google-research/mnist-c's corruptions.py repeats it.
 * 28x28 has no published CIFAR-style table: c and w are dimensionless, so
 * it uses the 32x32 row with a 32-wide map cropped to 28 (the same
 * fractal's structure per pixel).  (MNIST-C itself applied the ImageNet
 * row, a 256 map cropped to 28.)
 * Greyscale: the fog is one field added to every channel and max is taken
 * over all channels, so a grey image is fogged as it is -- the same as the
 * grey conversion of the generator's result on three equal channels. */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double fog_c[CORR_N_SIZES][5][2] = {
  [CORR_SIZE_28] = { { .2, 3 }, { .5, 3 }, { .75, 2.5 }, { 1, 2 }, { 1.5, 1.75 } },
  [CORR_SIZE_32] = { { .2, 3 }, { .5, 3 }, { .75, 2.5 }, { 1, 2 }, { 1.5, 1.75 } },
  [CORR_SIZE_64] = { { .4, 3 }, { .7, 3 }, { 1, 2.5 }, { 1.5, 2 }, { 2, 1.75 } },
  [CORR_SIZE_224] = { { 1.5, 2 }, { 2, 2 }, { 2.5, 1.7 }, { 2.5, 1.5 }, { 3, 1.4 } },
};
static const int fog_mapsize[CORR_N_SIZES] = { 32, 32, 64, 256 };

static gboolean
fog_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  const double *c = CORR_PICK (fog_c, call);
  int mapsize = fog_mapsize[call->size];
  float *plasma = g_new (float, (size_t) mapsize * (size_t) mapsize);
  interp_plasma_fractal (mapsize, c[1], call->rng, plasma);

  size_t n = interp_image_numel (src);
  float max_val = src->data[0];
  for (size_t i = 1; i < n; i++)
    if (src->data[i] > max_val)
      max_val = src->data[i];
  /* max + c > 0 always (c > 0), so a black image stays black, never NaN. */
  double rescale = (double) max_val / ((double) max_val + c[0]);
  int64_t h = src->height, w = src->width;
  for (int64_t ch = 0; ch < src->channels; ch++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          size_t i = (size_t) ((ch * h + y) * w + x);
          double fogged = src->data[i] + c[0] * plasma[y * mapsize + x];
          dst->data[i] = (float) (fogged * rescale);
        }
  g_free (plasma);
  return TRUE;
}

static const CorrSpec fog_spec = { .name = "fog", .apply = fog_apply };

static gpointer
fog_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&fog_spec, params, ctx, error);
}

static const InterpParamSpec fog_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable fog_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = fog_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_fog = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "fog",
  .description = "CIFAR-10-C fog: a plasma fractal added, then rescaled by max/(max+c).",
  .params = fog_params, .vtable = &fog_vtable);
