/* corruption:gaussian-noise -- additive Gaussian noise.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * gaussian_noise): x' = clip(x + n, 0, 1) with n ~ N(0, c^2) drawn
 * independently for every element (every channel of every pixel), then
 * truncated to 8 bits.  Draws: one interp_rng_normal per element in planar
 * order (channel, row, column).
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row; c is an intensity,
 * not a distance, so nothing scales with the side.
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double noise_sd[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.04, 0.06, 0.08, 0.09, 0.10 },
  [CORR_SIZE_32] = { 0.04, 0.06, 0.08, 0.09, 0.10 },
  [CORR_SIZE_64] = { 0.04, 0.08, 0.12, 0.15, 0.18 },
  [CORR_SIZE_224] = { 0.08, 0.12, 0.18, 0.26, 0.38 },
};

static gboolean
gaussian_noise_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                      GError **error)
{
  (void) error;
  double c = CORR_PICK (noise_sd, call);
  size_t n = interp_image_numel (src);
  for (size_t i = 0; i < n; i++)
    dst->data[i] = (float) (src->data[i] + c * interp_rng_normal (call->rng));
  return TRUE;
}

static const CorrSpec gaussian_noise_spec = {
  .name = "gaussian-noise",
  .apply = gaussian_noise_apply,
};

static gpointer
gaussian_noise_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&gaussian_noise_spec, params, ctx, error);
}

static const InterpParamSpec gaussian_noise_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable gaussian_noise_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = gaussian_noise_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_gaussian_noise = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "gaussian-noise",
  .description = "x + N(0, c^2) per element (CIFAR-10-C gaussian_noise)",
  .params = gaussian_noise_params,
  .vtable = &gaussian_noise_vtable);
