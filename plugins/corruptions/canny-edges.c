/* corruption:canny-edges -- MNIST-C's canny_edges (google-research/mnist-c,
 * corruptions.py): the image replaced by its Canny edge map
 * (skimage.feature.canny with its defaults: sigma 1, thresholds 0.1 and 0.2
 * of a float image's range), 1 on an edge and 0 elsewhere.
 *
 * MNIST-C has one level, the full replacement.  interp's severities blend
 * the edge map into the image, out = (1 - t) x + t edges with
 * t = 0.2 0.4 0.6 0.8 1.0, so severity 5 is the release's and
 * |out - x| = t |edges - x| grows with the severity at every pixel.
 * Each channel gets its own edges (canny takes one channel); the sigma is
 * scaled by side / 28 for other sizes.  No random draws. */
#include "config.h"

#include "mnist-c-geometry.h"
#include "plugin-components.h"

static const double canny_blend[5] = { 0.2, 0.4, 0.6, 0.8, 1.0 };

static gboolean
canny_edges_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                   GError **error)
{
  (void) error;
  size_t n = (size_t) (src->height * src->width);
  float t = (float) canny_blend[call->severity - 1];
  uint8_t *edges = g_new (uint8_t, n);
  for (int64_t c = 0; c < src->channels; c++)
    {
      interp_image_canny (src, c, 1.0 * mnistc_pixel_scale (call), 0.1, 0.2, edges);
      const float *x = src->data + (size_t) c * n;
      float *out = dst->data + (size_t) c * n;
      for (size_t i = 0; i < n; i++)
        out[i] = (1.0f - t) * x[i] + t * (float) edges[i];
    }
  g_free (edges);
  return TRUE;
}

static const CorrSpec canny_edges_spec = { .name = "canny-edges", .apply = canny_edges_apply };

static gpointer
canny_edges_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&canny_edges_spec, params, ctx, error);
}

static const InterpParamSpec canny_edges_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable canny_edges_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = canny_edges_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_canny_edges = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "canny-edges",
  .description = "MNIST-C canny_edges: the Canny edge map (sigma 1) blended in at "
                 "0.2..1.0 (release: 1.0, full replacement).",
  .params = canny_edges_params, .vtable = &canny_edges_vtable);
