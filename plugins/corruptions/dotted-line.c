/* corruption:dotted-line -- MNIST-C's dotted_line (google-research/mnist-c,
 * corruptions.py): a bright dashed line across the image, added and clipped.
 *
 * The line runs from (column 0, row r0) to (column side - 1, row r1), r0 and
 * r1 uniform in [0, side - 1) (np.random.randint (0, 27) twice at 28x28,
 * r0 drawn first), drawn by line_from_points (mnist-c-geometry.h); then
 * columns alternate off/on in dashes of 2 pixels, starting off at column 0.
 * MNIST-C has one level, line width 2.3 pixels.  interp's severities scale
 * that width by 0.6 0.8 1.0 1.2 1.4, so severity 3 is the release's: a
 * wider line is brighter at every pixel it touches (log (1 - d / w) grows
 * with w), so it moves the image further from the clean one.  Other sizes
 * scale the width and the dash by side / 28 (the dash rounded to whole
 * pixels). */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double dotted_width[5] = { 0.6, 0.8, 1.0, 1.2, 1.4 };

static gboolean
dotted_line_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                   GError **error)
{
  (void) error;
  int64_t h = src->height, w = src->width;
  double k = mnistc_pixel_scale (call);
  double r0 = (double) interp_rng_below (call->rng, (uint64_t) (h - 1));
  double r1 = (double) interp_rng_below (call->rng, (uint64_t) (h - 1));
  float *layer = g_new0 (float, (size_t) (h * w));
  mnistc_add_line (layer, h, w, 0.0, r0, (double) (w - 1), r1,
                   2.3 * k * dotted_width[call->severity - 1]);
  int64_t dash = (int64_t) fmax (1.0, round (2.0 * k));
  for (int64_t x = 0; x < w; x++)
    if ((x / dash) % 2 == 0)
      for (int64_t y = 0; y < h; y++)
        layer[y * w + x] = 0.0f;
  mnistc_add_layer (src, layer, dst);
  g_free (layer);
  return TRUE;
}

static const CorrSpec dotted_line_spec = { .name = "dotted-line", .apply = dotted_line_apply };

static gpointer
dotted_line_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&dotted_line_spec, params, ctx, error);
}

static const InterpParamSpec dotted_line_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable dotted_line_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = dotted_line_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_dotted_line = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "dotted-line",
  .description = "MNIST-C dotted_line: a dashed bright line across the image, width "
                 "0.6..1.4 x 2.3 px (release: 1.0).",
  .params = dotted_line_params, .vtable = &dotted_line_vtable);
