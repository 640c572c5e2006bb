/* corruption:contrast -- contrast reduced towards the mean.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * contrast): for every channel, m = the mean of that channel over the
 * image, x' = (x - m) c + m, then clipped and truncated to 8 bits.  Before
 * the clip and the truncation every channel keeps its mean exactly (up to
 * float rounding); the mean is accumulated in double.
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row (a ratio, independent
 * of the side).
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double contrast_factor[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.75, 0.5, 0.4, 0.3, 0.15 },
  [CORR_SIZE_32] = { 0.75, 0.5, 0.4, 0.3, 0.15 },
  [CORR_SIZE_64] = { 0.4, 0.3, 0.2, 0.1, 0.05 },
  [CORR_SIZE_224] = { 0.4, 0.3, 0.2, 0.1, 0.05 },
};

static gboolean
contrast_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                GError **error)
{
  (void) error;
  double c = CORR_PICK (contrast_factor, call);
  size_t plane = (size_t) (src->height * src->width);
  for (int64_t ch = 0; ch < src->channels; ch++)
    {
      const float *x = src->data + ch * plane;
      float *y = dst->data + ch * plane;
      double sum = 0;
      for (size_t i = 0; i < plane; i++)
        sum += x[i];
      double mean = sum / (double) plane;
      for (size_t i = 0; i < plane; i++)
        y[i] = (float) ((x[i] - mean) * c + mean);
    }
  return TRUE;
}

static const CorrSpec contrast_spec = {
  .name = "contrast",
  .apply = contrast_apply,
};

static gpointer
contrast_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&contrast_spec, params, ctx, error);
}

static const InterpParamSpec contrast_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable contrast_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = contrast_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_contrast = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "contrast",
  .description = "(x - mean) c + mean per channel (CIFAR-10-C contrast)",
  .params = contrast_params,
  .vtable = &contrast_vtable);
