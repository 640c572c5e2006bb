/* corruption:pixelate -- a low-resolution image shown large.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * pixelate): for side n, resize to m = int (n c) with PIL.Image.BOX, then
 * back to n with BOX; clipped and truncated to 8 bits.
 *
 * interp_image_resize's INTERP_RESIZE_AREA is PIL's BOX: each output is the
 * mean of the inputs whose centres fall in the interval it covers, and an
 * upscale copies one input per output.  PIL rounds to 8 bits after each
 * axis; this computes in float, so a result may differ from PIL's by one
 * level.  When m divides n the result is exactly constant on
 * (n / m) x (n / m) blocks.
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

static gboolean
pixelate_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                GError **error)
{
  (void) error;
  int64_t n = src->height;
  int64_t m = (int64_t) ((double) n * CORR_PICK (pixel_scale, call));
  InterpImage *small = interp_image_new (src->channels, m, m);
  interp_image_resize (src, INTERP_RESIZE_AREA, small);
  interp_image_resize (small, INTERP_RESIZE_AREA, dst);
  interp_image_free (small);
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

static const InterpParamSpec pixelate_params[] = { CORR_COMMON_PARAMS, { 0 } };

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
