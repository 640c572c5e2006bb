/* corruption:gaussian-blur -- Gaussian low-pass filter.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * gaussian_blur, which calls skimage.filters.gaussian (sigma = c,
 * multichannel = True) with its defaults mode = 'nearest', truncate = 4):
 * every channel is convolved with the separable Gaussian of standard
 * deviation c pixels, radius int(4 c + 0.5), reads outside the image
 * answered by the nearest edge pixel; then clipped and truncated to 8 bits.
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28 (no published table): the 32x32
 * sigmas, a distance in pixels, scaled by 28/32 and rounded to two decimals.
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

/* skimage.filters.gaussian's default truncation, in standard deviations. */
#define GAUSSIAN_TRUNCATE 4.0

static const double blur_sigma[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.35, 0.53, 0.61, 0.70, 0.88 },
  [CORR_SIZE_32] = { 0.4, 0.6, 0.7, 0.8, 1.0 },
  [CORR_SIZE_64] = { 0.5, 0.75, 1.0, 1.25, 1.5 },
  [CORR_SIZE_224] = { 1, 2, 3, 4, 6 },
};

static gboolean
gaussian_blur_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                     GError **error)
{
  (void) error;
  interp_image_gaussian_blur (src, CORR_PICK (blur_sigma, call), GAUSSIAN_TRUNCATE,
                              INTERP_BORDER_NEAREST, dst);
  return TRUE;
}

static const CorrSpec gaussian_blur_spec = {
  .name = "gaussian-blur",
  .apply = gaussian_blur_apply,
};

static gpointer
gaussian_blur_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&gaussian_blur_spec, params, ctx, error);
}

static const InterpParamSpec gaussian_blur_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable gaussian_blur_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = gaussian_blur_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_gaussian_blur = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "gaussian-blur",
  .description = "Gaussian filter of standard deviation c pixels per channel "
                 "(CIFAR-10-C gaussian_blur)",
  .params = gaussian_blur_params,
  .vtable = &gaussian_blur_vtable);
