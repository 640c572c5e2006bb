/* corruption:brightness -- a brighter exposure.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * brightness): convert to HSV (skimage.color.rgb2hsv), v := clip (v + c,
 * 0, 1), convert back (hsv2rgb), clip and truncate to 8 bits.  Hue and
 * saturation are untouched.  Greyscale images go through RGB (three equal
 * channels, then luma), as the spec's grey_through_rgb states; for a grey
 * pixel that is min (x + c, 1).
 *
 * c per severity: 32x32 make_cifar_c.py, 64x64 make_tinyimagenet_c.py,
 * 224x224 make_imagenet_c.py.  28x28: the 32x32 row (an intensity,
 * independent of the side).
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const double brighten[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 0.05, 0.10, 0.15, 0.20, 0.30 },
  [CORR_SIZE_32] = { 0.05, 0.10, 0.15, 0.20, 0.30 },
  [CORR_SIZE_64] = { 0.1, 0.2, 0.3, 0.4, 0.5 },
  [CORR_SIZE_224] = { 0.1, 0.2, 0.3, 0.4, 0.5 },
};

static gboolean
brightness_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                  GError **error)
{
  (void) error;
  double c = CORR_PICK (brighten, call);
  interp_image_rgb_to_hsv (src, dst);
  size_t plane = (size_t) (dst->height * dst->width);
  float *v = dst->data + 2 * plane;
  for (size_t i = 0; i < plane; i++)
    v[i] = (float) CLAMP (v[i] + c, 0.0, 1.0);
  interp_image_hsv_to_rgb (dst, dst);
  return TRUE;
}

static const CorrSpec brightness_spec = {
  .name = "brightness",
  .apply = brightness_apply,
  .grey_through_rgb = TRUE,
};

static gpointer
brightness_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&brightness_spec, params, ctx, error);
}

static const InterpParamSpec brightness_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable brightness_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = brightness_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_brightness = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "brightness",
  .description = "HSV value + c, clipped (CIFAR-10-C brightness)",
  .params = brightness_params,
  .vtable = &brightness_vtable);
