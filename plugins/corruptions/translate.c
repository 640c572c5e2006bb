/* corruption:translate -- MNIST-C's translate (google-research/mnist-c,
 * corruptions.py): a shift by k pixels along each axis, each sign random,
 * black where the image moved away.
 *
 * Severities: corruptions.py's own list, k = 1 2 3 4 5 pixels at 28x28; the
 * released MNIST-C used its default, severity 3 (3 pixels).  Other sizes
 * shift by round (k side / 28) pixels (a whole number, so the shift stays
 * exact).  The output at (x, y) reads the input at (x + dx, y + dy), so the
 * content moves by (-dx, -dy); dx's sign is drawn before dy's. */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double translate_pixels[5] = { 1, 2, 3, 4, 5 };

static gboolean
translate_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                 GError **error)
{
  (void) error;
  double k = round (translate_pixels[call->severity - 1] * mnistc_pixel_scale (call));
  double dx = k * mnistc_random_sign (call->rng);
  double dy = k * mnistc_random_sign (call->rng);
  double a[6] = { 1.0, 0.0, dx, 0.0, 1.0, dy };
  mnistc_warp_inverse (src, a, dst);
  return TRUE;
}

static const CorrSpec translate_spec = { .name = "translate", .apply = translate_apply };

static gpointer
translate_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&translate_spec, params, ctx, error);
}

static const InterpParamSpec translate_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable translate_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = translate_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_translate = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "translate",
  .description = "MNIST-C translate: 1..5 pixels (x side/28) along each axis, random signs "
                 "(release: 3).",
  .params = translate_params, .vtable = &translate_vtable);
