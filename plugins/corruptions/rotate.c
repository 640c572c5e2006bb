/* corruption:rotate -- MNIST-C's rotate (google-research/mnist-c,
 * corruptions.py): rotation by an angle of random sign about the image
 * centre, bilinear, black outside.
 *
 * Severities: corruptions.py's own list, 0.2 0.4 0.6 0.8 1.0 radians; the
 * released MNIST-C used its default, severity 2 (0.4 rad).  The angle does
 * not depend on the image size.  As skimage's AffineTransform (rotation=t)
 * given as warp's inverse_map, the output at (x, y) reads the input at
 * R(t) (x, y) about the centre, R(t) = (cos t, -sin t; sin t, cos t) in
 * (column, row) coordinates, y down: the input at p is shown at R(-t) p,
 * so for t > 0 the content turns counter-clockwise as displayed.  One draw
 * per image: the sign. */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double rotate_angle[5] = { 0.2, 0.4, 0.6, 0.8, 1.0 };

static gboolean
rotate_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  double t = rotate_angle[call->severity - 1] * mnistc_random_sign (call->rng);
  mnistc_warp_about_centre (src, cos (t), -sin (t), sin (t), cos (t), dst);
  return TRUE;
}

static const CorrSpec rotate_spec = { .name = "rotate", .apply = rotate_apply };

static gpointer
rotate_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&rotate_spec, params, ctx, error);
}

static const InterpParamSpec rotate_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable rotate_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = rotate_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_rotate = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "rotate",
  .description = "MNIST-C rotate: 0.2..1.0 rad of random sign about the centre (release: 0.4).",
  .params = rotate_params, .vtable = &rotate_vtable);
