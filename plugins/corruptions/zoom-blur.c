/* corruption:zoom-blur -- zooming during the exposure.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * zoom_blur and clipped_zoom), for an n x n image and every z in
 * numpy.arange (1, stop, step):
 *   ch = ceil (n / z), top = (n - ch) div 2: the centre ch x ch crop;
 *   scipy.ndimage.zoom (crop, z, order = 1): m = round (ch z) (Python's
 *   round, half to even) samples per axis, output i reading the crop
 *   bilinearly at i (ch - 1) / (m - 1) (scipy's corner-aligned grid);
 *   trim = (m - n) div 2: keep rows and columns trim .. trim + n - 1.
 * The result is (x + sum of the zooms) / (count + 1), per channel, then
 * clipped and truncated to 8 bits.  arange's count is
 * ceil ((stop - start) / step) in double and its values start + i step, as
 * numpy computes them (so arange (1, 1.06, 0.01) has 7 values, 1 .. 1.06).
 *
 * (stop, step) per severity: 32x32 make_cifar_c.py, 64x64
 * make_tinyimagenet_c.py (the same as 32x32), 224x224 make_imagenet_c.py.
 * 28x28: the 32x32 row; zoom factors are ratios, independent of the side.
 */
#include "config.h"

#include <math.h>

#include "corruption-common.h"
#include "plugin-components.h"

typedef struct {
  double stop, step;
} ZoomRange;

static const ZoomRange zooms[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { { 1.06, 0.01 }, { 1.11, 0.01 }, { 1.16, 0.01 }, { 1.21, 0.01 },
                     { 1.26, 0.01 } },
  [CORR_SIZE_32] = { { 1.06, 0.01 }, { 1.11, 0.01 }, { 1.16, 0.01 }, { 1.21, 0.01 },
                     { 1.26, 0.01 } },
  [CORR_SIZE_64] = { { 1.06, 0.01 }, { 1.11, 0.01 }, { 1.16, 0.01 }, { 1.21, 0.01 },
                     { 1.26, 0.01 } },
  [CORR_SIZE_224] = { { 1.11, 0.01 }, { 1.16, 0.01 }, { 1.21, 0.02 }, { 1.26, 0.02 },
                      { 1.31, 0.03 } },
};

/* acc += clipped_zoom (src, z), every channel. */
static void
add_clipped_zoom (const InterpImage *src, double z, double *acc)
{
  int64_t n = src->height;
  int64_t ch = (int64_t) ceil ((double) n / z);
  int64_t top = (n - ch) / 2;
  int64_t m = (int64_t) nearbyint ((double) ch * z);   /* default rounding: half to even */
  int64_t trim = (m - n) / 2;
  double scale = m > 1 ? (double) (ch - 1) / (double) (m - 1) : 0.0;
  size_t k = 0;
  for (int64_t c = 0; c < src->channels; c++)
    for (int64_t i = 0; i < n; i++)
      for (int64_t j = 0; j < n; j++, k++)
        acc[k] += interp_image_sample (src, c, (double) top + (double) (i + trim) * scale,
                                       (double) top + (double) (j + trim) * scale,
                                       INTERP_BORDER_NEAREST, 0.0f);
}

static gboolean
zoom_blur_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                 GError **error)
{
  (void) error;
  const ZoomRange *r = &CORR_PICK (zooms, call);
  int count = (int) ceil ((r->stop - 1.0) / r->step);
  size_t n = interp_image_numel (src);
  double *acc = g_new0 (double, n);
  for (int i = 0; i < count; i++)
    add_clipped_zoom (src, 1.0 + i * r->step, acc);
  for (size_t k = 0; k < n; k++)
    dst->data[k] = (float) ((src->data[k] + acc[k]) / (count + 1));
  g_free (acc);
  return TRUE;
}

static const CorrSpec zoom_blur_spec = {
  .name = "zoom-blur",
  .apply = zoom_blur_apply,
};

static gpointer
zoom_blur_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&zoom_blur_spec, params, ctx, error);
}

static const InterpParamSpec zoom_blur_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable zoom_blur_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = zoom_blur_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_zoom_blur = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "zoom-blur",
  .description = "mean of the image and its centre zooms by 1 .. zmax (CIFAR-10-C zoom_blur)",
  .params = zoom_blur_params,
  .vtable = &zoom_blur_vtable);
