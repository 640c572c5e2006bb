/* corruption:stripe -- MNIST-C's stripe (google-research/mnist-c,
 * corruptions.py): the leftmost and rightmost columns inverted (v -> 1 - v).
 *
 * MNIST-C has one level: columns 0-6 and 21-27 of a 28x28 image (7 on each
 * side, a quarter of the width).  interp's five severities invert
 * 3 5 7 9 11 columns on each side at 28x28, so severity 3 is the release's
 * and each step inverts two more columns per side (every further inverted
 * column can only move the image away from the clean one).  Other sizes
 * invert round (n side / 28) columns per side.  No random draws. */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double stripe_columns[5] = { 3, 5, 7, 9, 11 };

static gboolean
stripe_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  int64_t w = src->width;
  int64_t n = (int64_t) round (stripe_columns[call->severity - 1] * mnistc_pixel_scale (call));
  interp_image_copy (src, dst);
  for (int64_t c = 0; c < src->channels; c++)
    for (int64_t y = 0; y < src->height; y++)
      {
        float *row = dst->data + (c * src->height + y) * w;
        for (int64_t x = 0; x < w; x++)
          if (x < n || x >= w - n)
            row[x] = 1.0f - row[x];
      }
  return TRUE;
}

static const CorrSpec stripe_spec = { .name = "stripe", .apply = stripe_apply };

static gpointer
stripe_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&stripe_spec, params, ctx, error);
}

static const InterpParamSpec stripe_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable stripe_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = stripe_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_stripe = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "stripe",
  .description = "MNIST-C stripe: 3..11 columns (x side/28) inverted at each side "
                 "(release: 7).",
  .params = stripe_params, .vtable = &stripe_vtable);
