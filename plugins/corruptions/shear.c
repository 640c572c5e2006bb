/* corruption:shear -- MNIST-C's shear (google-research/mnist-c,
 * corruptions.py): a shear of random sign about the image centre, bilinear,
 * black outside.
 *
 * Severities: corruptions.py's own list, 0.2 0.4 0.6 0.8 1.0; the released
 * MNIST-C used its default, severity 2 (0.4).  The shear is skimage's
 * AffineTransform (shear=s), an angle: with no rotation and unit scale its
 * matrix is (1, -sin s; 0, cos s) in (column, row) coordinates (the
 * parametrisation of the skimage releases MNIST-C was made with), given as
 * warp's inverse_map, so the output at (x, y) reads the input at
 * (x - sin (s) y, cos (s) y) about the centre.  One sign draw per image. */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double shear_amount[5] = { 0.2, 0.4, 0.6, 0.8, 1.0 };

static gboolean
shear_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  double s = shear_amount[call->severity - 1] * mnistc_random_sign (call->rng);
  mnistc_warp_about_centre (src, 1.0, -sin (s), 0.0, cos (s), dst);
  return TRUE;
}

static const CorrSpec shear_spec = { .name = "shear", .apply = shear_apply };

static gpointer
shear_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&shear_spec, params, ctx, error);
}

static const InterpParamSpec shear_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable shear_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = shear_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_shear = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "shear",
  .description = "MNIST-C shear: 0.2..1.0 of random sign about the centre (release: 0.4).",
  .params = shear_params, .vtable = &shear_vtable);
