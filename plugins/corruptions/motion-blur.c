/* corruption:motion-blur -- camera shake along a line.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * motion_blur, which calls ImageMagick's MagickMotionBlurImage (radius,
 * sigma, angle) through Wand): angle ~ U(-45, 45) degrees (one
 * interp_rng_uniform per image); every channel is correlated with the
 * one-sided motion kernel interp_motion_kernel (radius, sigma, angle) --
 * 2 radius + 1 taps on the line from the pixel, tap i (0 .. 2 radius)
 * weighted exp (-i^2 / (2 sigma^2)), normalised; sigma sets the length,
 * radius only where the taps stop -- reads outside the image answered by
 * the nearest edge pixel (ImageMagick's default "edge" virtual pixels);
 * then clipped and truncated to 8 bits.
 *
 * (radius, sigma) per severity: 32x32 make_cifar_c.py, 64x64
 * make_tinyimagenet_c.py, 224x224 make_imagenet_c.py.  28x28 (no published
 * table): the 32x32 radius and sigma, distances in pixels, scaled by 28/32;
 * the radius rounded to an integer (6 -> 5, 8 -> 7, 9 -> 8), sigma to two
 * decimals.
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

typedef struct {
  int radius;
  double sigma;
} MotionParams;

static const MotionParams motion[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { { 5, 0.88 }, { 5, 1.31 }, { 5, 1.75 }, { 7, 1.75 }, { 8, 2.19 } },
  [CORR_SIZE_32] = { { 6, 1 }, { 6, 1.5 }, { 6, 2 }, { 8, 2 }, { 9, 2.5 } },
  [CORR_SIZE_64] = { { 10, 1 }, { 10, 1.5 }, { 10, 2 }, { 10, 2.5 }, { 12, 3 } },
  [CORR_SIZE_224] = { { 10, 3 }, { 15, 5 }, { 15, 8 }, { 15, 12 }, { 20, 15 } },
};

static gboolean
motion_blur_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                   GError **error)
{
  (void) error;
  const MotionParams *p = &CORR_PICK (motion, call);
  double angle = -45.0 + 90.0 * interp_rng_uniform (call->rng);
  int side = 0;
  float *kernel = interp_motion_kernel (p->radius, p->sigma, angle, &side);
  interp_image_filter2d (src, kernel, side, side, INTERP_BORDER_NEAREST, dst);
  g_free (kernel);
  return TRUE;
}

static const CorrSpec motion_blur_spec = {
  .name = "motion-blur",
  .apply = motion_blur_apply,
};

static gpointer
motion_blur_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&motion_blur_spec, params, ctx, error);
}

static const InterpParamSpec motion_blur_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable motion_blur_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = motion_blur_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_motion_blur = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "motion-blur",
  .description = "ImageMagick-style linear motion blur at a random angle in [-45, 45) "
                 "degrees (CIFAR-10-C motion_blur)",
  .params = motion_blur_params,
  .vtable = &motion_blur_vtable);
