/* corruption:scale -- MNIST-C's scale (google-research/mnist-c,
 * corruptions.py): the image shrunk about its centre, bilinear, black
 * outside.
 *
 * Severities: corruptions.py's own list, content scaled by 0.9 0.8 0.7 0.6
 * 0.5 (the inverse map reads the input at 1/0.9 .. 1/0.5 times the offset
 * from the centre); the released MNIST-C used its default, severity 3
 * (1/0.7).  No random draws: the factor does not depend on the image size. */
#include "config.h"

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double scale_factor[5] = { 0.9, 0.8, 0.7, 0.6, 0.5 };

static gboolean
scale_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  double s = 1.0 / scale_factor[call->severity - 1];
  mnistc_warp_about_centre (src, s, 0.0, 0.0, s, dst);
  return TRUE;
}

static const CorrSpec scale_spec = { .name = "scale", .apply = scale_apply };

static gpointer
scale_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&scale_spec, params, ctx, error);
}

static const InterpParamSpec scale_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable scale_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = scale_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_scale = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "scale",
  .description = "MNIST-C scale: content shrunk to 0.9..0.5 about the centre (release: 0.7).",
  .params = scale_params, .vtable = &scale_vtable);
