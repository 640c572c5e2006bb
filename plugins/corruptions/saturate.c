/* corruption:saturate -- colour saturation changed.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * saturate): convert to HSV (skimage.color.rgb2hsv), s := clip (s a + b,
 * 0, 1), convert back (hsv2rgb), clip and truncate to 8 bits.  Hue and
 * value are untouched.  The generator's constants are not monotone in
 * strength: severities 1-2 desaturate (a < 1, b = 0), 3-5 oversaturate.
 * Greyscale images go through RGB as grey_through_rgb states: a grey pixel
 * has s = 0, so a b > 0 (severities 4-5) tints it, at the hue rgb2hsv gives
 * grey (0, red); what remains after the luma conversion is the change in
 * brightness that the tint brings.
 *
 * (a, b) per severity: 32x32 make_cifar_c.py, 64x64
 * make_tinyimagenet_c.py, 224x224 make_imagenet_c.py.  28x28: the 32x32
 * row (ratios, independent of the side).
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

typedef struct {
  double scale, shift;
} SaturateParams;

static const SaturateParams saturation[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { { 0.3, 0 }, { 0.1, 0 }, { 1.5, 0 }, { 2, 0.1 }, { 2.5, 0.2 } },
  [CORR_SIZE_32] = { { 0.3, 0 }, { 0.1, 0 }, { 1.5, 0 }, { 2, 0.1 }, { 2.5, 0.2 } },
  [CORR_SIZE_64] = { { 0.3, 0 }, { 0.1, 0 }, { 2, 0 }, { 5, 0.1 }, { 30, 0.2 } },
  [CORR_SIZE_224] = { { 0.3, 0 }, { 0.1, 0 }, { 2, 0 }, { 5, 0.1 }, { 20, 0.2 } },
};

static gboolean
saturate_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                GError **error)
{
  (void) error;
  const SaturateParams *p = &CORR_PICK (saturation, call);
  interp_image_rgb_to_hsv (src, dst);
  size_t plane = (size_t) (dst->height * dst->width);
  float *s = dst->data + plane;
  for (size_t i = 0; i < plane; i++)
    s[i] = (float) CLAMP (s[i] * p->scale + p->shift, 0.0, 1.0);
  interp_image_hsv_to_rgb (dst, dst);
  return TRUE;
}

static const CorrSpec saturate_spec = {
  .name = "saturate",
  .apply = saturate_apply,
  .grey_through_rgb = TRUE,
};

static gpointer
saturate_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&saturate_spec, params, ctx, error);
}

static const InterpParamSpec saturate_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable saturate_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = saturate_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_saturate = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "saturate",
  .description = "HSV saturation * a + b, clipped (CIFAR-10-C saturate)",
  .params = saturate_params,
  .vtable = &saturate_vtable);
