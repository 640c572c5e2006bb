/* corruption:defocus-blur -- an out-of-focus lens: filtering with a disk.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * defocus_blur and disk()): the kernel is the disk X^2 + Y^2 <= radius^2 on
 * the integer grid of side 2 max(8, radius) + 1, normalised to sum 1 and
 * smoothed by a small Gaussian of sigma alias (cv2.GaussianBlur) --
 * interp_disk_kernel; every channel is correlated with it (cv2.filter2D,
 * border reflect-101), then clipped and truncated to 8 bits.
 *
 * (radius, alias) per severity: 32x32 make_cifar_c.py, 64x64
 * make_tinyimagenet_c.py, 224x224 make_imagenet_c.py.  28x28 (no published
 * table): the 32x32 row unscaled.  The disk is discrete: radii below 1 hold
 * only the centre pixel, and scaling radius 1 by 28/32 would drop severity
 * 4's disk to that single pixel as well (and 1.5 to 1.31 keeps the same
 * 5 pixels as 1), so scaling would change which pixels are averaged far
 * more than 28 vs 32 pixels warrants; the alias sigma is in kernel pixels
 * of the same disk and is kept with it.
 *
 * The generator smooths a disk of radius > 8 (224x224 severity 5, a 21x21
 * grid) with a 5x5 Gaussian rather than 3x3, as interp_disk_kernel does.
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

typedef struct {
  double radius, alias;
} DefocusParams;

static const DefocusParams defocus[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { { 0.3, 0.4 }, { 0.4, 0.5 }, { 0.5, 0.6 }, { 1, 0.2 }, { 1.5, 0.1 } },
  [CORR_SIZE_32] = { { 0.3, 0.4 }, { 0.4, 0.5 }, { 0.5, 0.6 }, { 1, 0.2 }, { 1.5, 0.1 } },
  [CORR_SIZE_64] = { { 0.5, 0.6 }, { 1, 0.1 }, { 1.5, 0.1 }, { 2.5, 0.01 }, { 3, 0.1 } },
  [CORR_SIZE_224] = { { 3, 0.1 }, { 4, 0.5 }, { 6, 0.5 }, { 8, 0.5 }, { 10, 0.5 } },
};

static gboolean
defocus_blur_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                    GError **error)
{
  (void) error;
  const DefocusParams *p = &CORR_PICK (defocus, call);
  int side = 0;
  float *kernel = interp_disk_kernel (p->radius, p->alias, &side);
  interp_image_filter2d (src, kernel, side, side, INTERP_BORDER_REFLECT_101, dst);
  g_free (kernel);
  return TRUE;
}

static const CorrSpec defocus_blur_spec = {
  .name = "defocus-blur",
  .apply = defocus_blur_apply,
};

static gpointer
defocus_blur_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&defocus_blur_spec, params, ctx, error);
}

static const InterpParamSpec defocus_blur_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable defocus_blur_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = defocus_blur_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_defocus_blur = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "defocus-blur",
  .description = "filter with an anti-aliased disk of radius c pixels (CIFAR-10-C defocus_blur)",
  .params = defocus_blur_params,
  .vtable = &defocus_blur_vtable);
