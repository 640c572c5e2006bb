/* corruption:glass-blur -- looking through frosted glass.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * glass_blur), with (sigma, delta, iterations) of the severity and side n:
 *  1. blur every channel with skimage.filters.gaussian (sigma; mode
 *     'nearest', truncate 4) and truncate to 8 bits (np.uint8 (255 x));
 *  2. `iterations` times: for h = n - delta down to delta + 1, and within
 *     it for w = n - delta down to delta + 1, draw dx then dy, each uniform
 *     in the integers [-delta, delta) (interp_rng_below), and exchange pixel
 *     (h, w) with pixel (h + dy, w + dx);
 *  3. blur again as in 1, clip and truncate to 8 bits.
 * The exchange is the generator's statement
 * `x[h, w], x[h', w'] = x[h', w'], x[h, w]`.  On a 2-D (greyscale) array it
 * swaps two numbers; on an H x W x 3 array both sides are views of the
 * same array, so the first assignment overwrites x[h, w] and the second
 * copies it back unchanged (numpy/numpy#14428): the colour generator
 * copies pixel (h + dy, w + dx) onto (h, w) rather than swapping.  This
 * file does what the generator does: a true swap on 1-channel images, the
 * copy on 3-channel ones.
 *
 * Constants per severity: 32x32 make_cifar_c.py, 64x64
 * make_tinyimagenet_c.py, 224x224 make_imagenet_c.py.  28x28 (no published
 * table): the 32x32 sigmas (pixels) scaled by 28/32 and rounded to two
 * decimals; delta (pixels) scaled and rounded stays 1; iterations kept.
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

/* skimage.filters.gaussian's default truncation, in standard deviations. */
#define GAUSSIAN_TRUNCATE 4.0

typedef struct {
  double sigma;
  int delta, iterations;
} GlassParams;

static const GlassParams glass[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { { 0.04, 1, 1 }, { 0.22, 1, 1 }, { 0.35, 1, 1 }, { 0.22, 1, 2 },
                     { 0.35, 1, 2 } },
  [CORR_SIZE_32] = { { 0.05, 1, 1 }, { 0.25, 1, 1 }, { 0.4, 1, 1 }, { 0.25, 1, 2 },
                     { 0.4, 1, 2 } },
  [CORR_SIZE_64] = { { 0.1, 1, 1 }, { 0.5, 1, 1 }, { 0.6, 1, 2 }, { 0.7, 2, 1 },
                     { 0.9, 2, 2 } },
  [CORR_SIZE_224] = { { 0.7, 1, 2 }, { 0.9, 2, 1 }, { 1, 2, 3 }, { 1.1, 3, 2 },
                      { 1.5, 4, 2 } },
};

/* Step 2 on img: see the header comment for the 1- vs 3-channel exchange. */
static void
jitter_pixels (InterpImage *img, const GlassParams *p, InterpRng *rng)
{
  int64_t n = img->height, width = img->width, plane = img->height * img->width;
  int64_t delta = p->delta;
  for (int it = 0; it < p->iterations; it++)
    for (int64_t h = n - delta; h > delta; h--)
      for (int64_t w = n - delta; w > delta; w--)
        {
          int64_t dx = (int64_t) interp_rng_below (rng, (uint64_t) (2 * delta)) - delta;
          int64_t dy = (int64_t) interp_rng_below (rng, (uint64_t) (2 * delta)) - delta;
          int64_t here = h * width + w, there = (h + dy) * width + (w + dx);
          for (int64_t c = 0; c < img->channels; c++)
            {
              float *d = img->data + c * plane;
              float moved = d[there];
              if (img->channels == 1)
                d[there] = d[here];
              d[here] = moved;
            }
        }
}

static gboolean
glass_blur_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                  GError **error)
{
  (void) error;
  const GlassParams *p = &CORR_PICK (glass, call);
  InterpImage *tmp = interp_image_new (src->channels, src->height, src->width);
  interp_image_gaussian_blur (src, p->sigma, GAUSSIAN_TRUNCATE, INTERP_BORDER_NEAREST, tmp);
  interp_image_quantize_u8 (tmp);
  jitter_pixels (tmp, p, call->rng);
  interp_image_gaussian_blur (tmp, p->sigma, GAUSSIAN_TRUNCATE, INTERP_BORDER_NEAREST, dst);
  interp_image_free (tmp);
  return TRUE;
}

static const CorrSpec glass_blur_spec = {
  .name = "glass-blur",
  .apply = glass_blur_apply,
};

static gpointer
glass_blur_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&glass_blur_spec, params, ctx, error);
}

static const InterpParamSpec glass_blur_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable glass_blur_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = glass_blur_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_glass_blur = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "glass-blur",
  .description = "blur, jitter pixels locally, blur again (CIFAR-10-C glass_blur)",
  .params = glass_blur_params,
  .vtable = &glass_blur_vtable);
