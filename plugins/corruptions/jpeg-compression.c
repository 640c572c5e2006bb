/* corruption:jpeg-compression -- lossy JPEG artefacts.
 *
 * Operation (hendrycks/robustness, ImageNet-C/create_c/make_cifar_c.py,
 * jpeg_compression: PIL's save (format 'JPEG', quality = c) and load): the
 * image is truncated to 8 bits, encoded as a baseline JPEG of quality c
 * (libjpeg-turbo; 4:2:0 chroma subsampling for colour, as PIL's default)
 * and decoded -- interp_image_jpeg_roundtrip.  A 1-channel image is coded
 * as a greyscale JPEG.
 *
 * Quality per severity: 32x32 make_cifar_c.py, 64x64
 * make_tinyimagenet_c.py, 224x224 make_imagenet_c.py.  28x28: the 32x32
 * row (a codec setting; JPEG works in 8x8 blocks whatever the side).
 */
#include "config.h"

#include "corruption-common.h"
#include "plugin-components.h"

static const int jpeg_quality[CORR_N_SIZES][5] = {
  [CORR_SIZE_28] = { 80, 65, 58, 50, 40 },
  [CORR_SIZE_32] = { 80, 65, 58, 50, 40 },
  [CORR_SIZE_64] = { 65, 58, 50, 40, 25 },
  [CORR_SIZE_224] = { 25, 18, 15, 10, 7 },
};

static gboolean
jpeg_compression_apply (const CorrCall *call, const InterpImage *src, InterpImage *dst,
                        GError **error)
{
  if (!interp_image_jpeg_roundtrip (src, CORR_PICK (jpeg_quality, call), dst, error))
    {
      g_prefix_error (error, "%s: ", call->where);
      return FALSE;
    }
  return TRUE;
}

static const CorrSpec jpeg_compression_spec = {
  .name = "jpeg-compression",
  .apply = jpeg_compression_apply,
};

static gpointer
jpeg_compression_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return corr_instance_new (&jpeg_compression_spec, params, ctx, error);
}

static const InterpParamSpec jpeg_compression_params[] = { CORR_COMMON_PARAMS, { 0 } };

static const InterpCorruptionVTable jpeg_compression_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = jpeg_compression_create,
  .destroy = corr_destroy,
  .apply = corr_apply,
};

const InterpComponent interp_corruption_jpeg_compression = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION,
  .name = "jpeg-compression",
  .description = "JPEG round trip at quality c (CIFAR-10-C jpeg_compression)",
  .params = jpeg_compression_params,
  .vtable = &jpeg_compression_vtable);
