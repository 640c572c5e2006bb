/* corruption:impulse-noise -- salt-and-pepper noise.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * impulse_noise, which calls skimage.util.random_noise (mode='s&p',
 * amount=c) with its default salt_vs_pepper = 0.5): every element (each
 * channel of each pixel: skimage draws per element of the array, so the
 * channels of one pixel are hit independently) is replaced with probability
 * c; a replaced element is 1 (salt) or 0 (pepper) with probability 1/2
 * each.  Then truncated to 8 bits.  Draws: one uniform per element in planar
 * order, and a second one for each replaced element (salt if < 1/2).
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row (a per-element
 * probability, independent of the side).
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double amount[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.01, 0.02, 0.03, 0.05, 0.07 },
  [CORR_SIZE_32] = { 0.01, 0.02, 0.03, 0.05, 0.07 },
  [CORR_SIZE_64] = { 0.01, 0.02, 0.05, 0.08, 0.14 },
  [CORR_SIZE_224] = { 0.03, 0.06, 0.09, 0.17, 0.27 },
};

static gboolean
impulse_noise_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                     GError **error)
{
  (void) error;
  double c = CORR_PICK (amount, call);
  size_t n = interp_image_numel (src);
  for (size_t i = 0; i < n; i++)
    {
      if (interp_rng_uniform (call->rng) < c)
        dst->data[i] = interp_rng_uniform (call->rng) < 0.5 ? 1.0f : 0.0f;
      else
        dst->data[i] = src->data[i];
    }
  return TRUE;
}

static const CorrSpec impulse_noise_spec = {
  .name = "impulse-noise",
  .apply = impulse_noise_apply,
};

static gpointer
impulse_noise_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&impulse_noise_spec, params, ctx, error);
}

static const InterpParamSpec impulse_noise_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable impulse_noise_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = impulse_noise_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_impulse_noise = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "impulse-noise",
  .description = "salt and pepper: each element set to 0 or 1 with probability c "
                 "(CIFAR-10-C impulse_noise)",
  .params = impulse_noise_params,
  .vtable = &impulse_noise_vtable);
