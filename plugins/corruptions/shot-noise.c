/* corruption:shot-noise -- Poisson (photon) noise.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * shot_noise): x' = clip(k / c, 0, 1) with k ~ Poisson(c x) drawn
 * independently for every element, then truncated to 8 bits.  E[x'] = x
 * before the clip; c is the number of "photons" at full intensity, so a
 * smaller c is noisier.  Draws: one interp_rng_poisson per element in planar
 * order.
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row (c is a photon count
 * per pixel, independent of the side).
 */
#include "config.h"

#include <math.h>

#include "corruption-common.h"
#include "plugin-components.h"

static const double photons[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 500, 250, 100, 75, 50 },
  [CORR_SIZE_32] = { 500, 250, 100, 75, 50 },
  [CORR_SIZE_64] = { 250, 100, 50, 30, 15 },
  [CORR_SIZE_224] = { 60, 25, 12, 5, 3 },
};

static gboolean
shot_noise_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                  GError **error)
{
  (void) error;
  double c = CORR_PICK (photons, call);
  size_t n = interp_image_numel (src);
  for (size_t i = 0; i < n; i++)
    {
      /* src is in [0, 1]; the clamp only keeps a stray -0.0 a valid mean. */
      double lambda = fmax (0.0, (double) src->data[i]) * c;
      dst->data[i] = (float) ((double) interp_rng_poisson (call->rng, lambda) / c);
    }
  return TRUE;
}

static const CorrSpec shot_noise_spec = {
  .name = "shot-noise",
  .apply = shot_noise_apply,
};

static gpointer
shot_noise_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&shot_noise_spec, params, ctx, error);
}

static const InterpParamSpec shot_noise_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable shot_noise_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = shot_noise_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_shot_noise = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "shot-noise",
  .description = "Poisson(c x) / c per element (CIFAR-10-C shot_noise)",
  .params = shot_noise_params,
  .vtable = &shot_noise_vtable);
