/* corruption:pixelate -- a low-resolution image shown large.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * pixelate): for side n, resize to m = int (n c) with PIL.Image.BOX, then
 * back to n with BOX; clipped and truncated to 8 bits.
 *
 * PIL's BOX resampling (python-pillow/Pillow, src/libImaging/Resample.c,
 * precompute_coeffs and box_filter), one axis at a time, in -> out:
 * scale = in / out, fs = max (scale, 1), support = fs / 2; output o has
 * centre (o + 0.5) scale and reads inputs int (centre - support + 0.5) ..
 * int (centre + support + 0.5) - 1 (clamped to the image), input x weighted
 * 1 when (x - centre + 0.5) / fs lies in (-0.5, 0.5] and 0 otherwise, the
 * weights normalised to sum 1.  Each input counts whole or not at all (no
 * fractional areas), and upsampling picks one input per output.  PIL rounds
 * to 8 bits after each axis; this computes both axes in float, so a result
 * may differ from PIL's by one level.  When m divides n the result is
 * exactly constant on (n / m) x (n / m) blocks.
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row (a ratio of sides):
 * m = 26, 25, 23, 21, 18.
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double pixel_scale[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.95, 0.9, 0.85, 0.75, 0.65 },
  [CORR_SIZE_32] = { 0.95, 0.9, 0.85, 0.75, 0.65 },
  [CORR_SIZE_64] = { 0.9, 0.8, 0.7, 0.6, 0.5 },
  [CORR_SIZE_224] = { 0.6, 0.5, 0.4, 0.3, 0.25 },
};

/* The out x in matrix of PIL's BOX weights (see the header comment). */
static double *
box_weights (int64_t in, int64_t out)
{
  double *w = g_new0 (double, out * in);
  double scale = (double) in / (double) out;
  double fs = scale < 1.0 ? 1.0 : scale;
  double support = 0.5 * fs;
  for (int64_t o = 0; o < out; o++)
    {
      double centre = ((double) o + 0.5) * scale;
      int64_t lo = MAX ((int64_t) (centre - support + 0.5), 0);
      int64_t hi = MIN ((int64_t) (centre + support + 0.5), in);
      double total = 0;
      for (int64_t x = lo; x < hi; x++)
        {
          double t = ((double) x - centre + 0.5) / fs;
          if (t > -0.5 && t <= 0.5)
            {
              w[o * in + x] = 1.0;
              total += 1.0;
            }
        }
      for (int64_t x = lo; x < hi && total > 0; x++)
        w[o * in + x] /= total;
    }
  return w;
}

/* dst (channels x out x out) := src (channels x in x in) box-resized:
 * rows first, then columns, as PIL does. */
static void
box_resize (const float *src, int64_t channels, int64_t in, float *dst, int64_t out)
{
  double *w = box_weights (in, out);
  double *rows = g_new (double, in * out);   /* in rows x out columns */
  for (int64_t c = 0; c < channels; c++)
    {
      const float *s = src + c * in * in;
      for (int64_t y = 0; y < in; y++)
        for (int64_t o = 0; o < out; o++)
          {
            double acc = 0;
            for (int64_t x = 0; x < in; x++)
              acc += w[o * in + x] * s[y * in + x];
            rows[y * out + o] = acc;
          }
      float *d = dst + c * out * out;
      for (int64_t o = 0; o < out; o++)
        for (int64_t j = 0; j < out; j++)
          {
            double acc = 0;
            for (int64_t y = 0; y < in; y++)
              acc += w[o * in + y] * rows[y * out + j];
            d[o * out + j] = (float) acc;
          }
    }
  g_free (rows);
  g_free (w);
}

static gboolean
pixelate_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                GError **error)
{
  (void) error;
  int64_t n = src->height;
  int64_t m = (int64_t) ((double) n * CORR_PICK (pixel_scale, call));
  float *small = g_new (float, src->channels * m * m);
  box_resize (src->data, src->channels, n, small, m);
  box_resize (small, src->channels, m, dst->data, n);
  g_free (small);
  return TRUE;
}

static const CorrSpec pixelate_spec = {
  .name = "pixelate",
  .apply = pixelate_apply,
};

static gpointer
pixelate_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&pixelate_spec, params, ctx, error);
}

static const InterpParamSpec pixelate_params[] = { CORR_COMMON_PARAMS, { NULL } };

static const InterpCorruptionVTable pixelate_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = pixelate_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_pixelate = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "pixelate",
  .description = "box-resize to int(n c) and back (CIFAR-10-C pixelate)",
  .params = pixelate_params,
  .vtable = &pixelate_vtable);
