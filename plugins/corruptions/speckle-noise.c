/* corruption:speckle-noise -- multiplicative Gaussian noise.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * speckle_noise): x' = clip(x + x n, 0, 1) with n ~ N(0, c^2) drawn
 * independently for every element, then truncated to 8 bits: the noise is
 * proportional to the intensity, so black stays black.  Draws: one
 * interp_rng_normal per element in planar order.
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row (a relative intensity,
 * independent of the side).
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double speckle_sd[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.06, 0.10, 0.12, 0.16, 0.20 },
  [CORR_SIZE_32] = { 0.06, 0.10, 0.12, 0.16, 0.20 },
  [CORR_SIZE_64] = { 0.15, 0.20, 0.25, 0.30, 0.35 },
  [CORR_SIZE_224] = { 0.15, 0.20, 0.35, 0.45, 0.60 },
};

static gboolean
speckle_noise_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                     GError **error)
{
  (void) error;
  double c = CORR_PICK (speckle_sd, call);
  size_t n = interp_image_numel (src);
  for (size_t i = 0; i < n; i++)
    {
      double x = src->data[i];
      dst->data[i] = (float) (x + x * c * interp_rng_normal (call->rng));
    }
  return TRUE;
}

static const CorrSpec speckle_noise_spec = {
  .name = "speckle-noise",
  .apply = speckle_noise_apply,
};

static gpointer
speckle_noise_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&speckle_noise_spec, params, ctx, error);
}

static const InterpParamSpec speckle_noise_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable speckle_noise_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = speckle_noise_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_speckle_noise = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "speckle-noise",
  .description = "x + x N(0, c^2) per element (CIFAR-10-C speckle_noise)",
  .params = speckle_noise_params,
  .vtable = &speckle_noise_vtable);
