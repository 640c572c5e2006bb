/* corruption:zigzag -- MNIST-C's zigzag (google-research/mnist-c,
 * corruptions.py): a bright zigzag line across the image, added and clipped.
 *
 * Geometry, at 28x28: a straight run from column c0 = 2 to c1 = 25, starting
 * at row r0 uniform in [0, 27) and ending at r1 = r0 + a uniform integer in
 * [-5, 5) (r0 drawn first); along it, with a = b = 2 pixels, turning points
 * at distances (2i + 1) a with offsets (-1)^i b for
 * i = 0 .. floor ((d - a) / 2a), d the run's length, and when d is not a
 * multiple of 2a a last point at d with offset r_last / (2 (d - 2a floor
 * (d / 2a))), r_last the last turning point's offset -- all as
 * corruptions.py computes them; the points are rotated onto the run and
 * joined by line_from_points segments (mnist-c-geometry.h).
 * MNIST-C has one level, line width 2.3 pixels; interp's severities scale
 * that width by 0.6 0.8 1.0 1.2 1.4 (severity 3 is the release's; see
 * dotted-line.c for why that orders them).  Other sizes scale every
 * length (c0, c1, a, b, the row offsets, the width) by side / 28. */
#include "config.h"

#include <math.h>

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double zigzag_width[5] = { 0.6, 0.8, 1.0, 1.2, 1.4 };

static gboolean
zigzag_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst, GError **error)
{
  (void) error;
  int64_t h = src->height, w = src->width;
  double k = mnistc_pixel_scale (call);
  double a = 2.0 * k, b = 2.0 * k, c0 = 2.0 * k, c1 = 25.0 * k;
  int64_t spread = (int64_t) round (5.0 * k);
  double r0 = (double) interp_rng_below (call->rng, (uint64_t) (h - 1));
  double r1 = r0 + (double) ((int64_t) interp_rng_below (call->rng, (uint64_t) (2 * spread))
                             - spread);
  double theta = atan ((r1 - r0) / (c1 - c0));
  double d = (c1 - c0) / cos (theta);

  int n_turns = (int) floor ((d - a) / (2.0 * a)) + 1;
  double *pc = g_new (double, (size_t) n_turns + 2), *pr = g_new (double, (size_t) n_turns + 2);
  int n = 0;
  pc[n] = 0.0, pr[n] = 0.0, n++;
  double r_last = 0.0;
  for (int i = 0; i < n_turns; i++)
    {
      r_last = (i % 2 == 0 ? 1.0 : -1.0) * b;
      pc[n] = (2.0 * i + 1.0) * a, pr[n] = r_last, n++;
    }
  double max_c = 2.0 * a * floor (d / (2.0 * a));
  if (d != max_c)
    pc[n] = d, pr[n] = r_last / (2.0 * (d - max_c)), n++;

  float *layer = g_new0 (float, (size_t) (h * w));
  double ct = cos (theta), st = sin (theta), width = 2.3 * k * zigzag_width[call->severity - 1];
  double prev_c = 0.0, prev_r = 0.0;
  for (int i = 0; i < n; i++)
    {
      double col = ct * pc[i] - st * pr[i] + c0, row = st * pc[i] + ct * pr[i] + r0;
      if (i > 0)
        mnistc_add_line (layer, h, w, prev_c, prev_r, col, row, width);
      prev_c = col, prev_r = row;
    }
  mnistc_add_layer (src, layer, dst);
  g_free (layer);
  g_free (pc);
  g_free (pr);
  return TRUE;
}

static const CorrSpec zigzag_spec = { .name = "zigzag", .apply = zigzag_apply };

static gpointer
zigzag_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&zigzag_spec, params, ctx, error);
}

static const InterpParamSpec zigzag_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable zigzag_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = zigzag_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_zigzag = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "zigzag",
  .description = "MNIST-C zigzag: a bright zigzag line across the image, width 0.6..1.4 x "
                 "2.3 px (release: 1.0).",
  .params = zigzag_params, .vtable = &zigzag_vtable);
