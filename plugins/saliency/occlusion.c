/* Occlusion (Zeiler & Fergus 2014, "Visualizing and understanding
 * convolutional networks"; Captum's Occlusion): slide a window x window
 * patch, across all channels, over the image with the given stride, set
 * it to `baseline`, and credit every pixel under it with the drop of the
 * target logit, z_t(x) - z_t(x occluded).  A pixel's attribution is the
 * mean of the drops of the windows covering it (Captum: the sum divided
 * by the count of windows covering the pixel).  Window positions are
 * Captum's: 0, stride, 2 stride, ... up to H - window, so with a stride
 * that does not divide H - window the last rows/columns are covered by no
 * window; they get 0 (Captum would divide 0 by 0).  Feature vectors
 * (N x F) are 1 x F images: windows of `window` consecutive features.
 *
 * Forward passes only, each image on its own in internal batches of its
 * occluded copies, so its map does not depend on its batch.  Drops may
 * have either sign. */
#include "config.h"

#include <string.h>

#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  int64_t window, stride, batch;
  float baseline;
} Occlusion;

static gpointer
occlusion_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  Occlusion *self = g_new0 (Occlusion, 1);
  self->window = interp_params_get_int (params, "window");
  self->stride = interp_params_get_int (params, "stride");
  self->baseline = (float) interp_params_get_double (params, "baseline");
  self->batch = interp_params_get_int (params, "internal-batch-size");
  return self;
}

static void
occlusion_destroy (gpointer data)
{
  g_free (data);
}

/* One image: the per-pixel mean drop into map (h x w). */
static gboolean
occlude_image (Occlusion *self, InterpNet *net, const InterpTensor *xi, int32_t target,
               int64_t c, int64_t h, int64_t w, int64_t wh, int64_t ww, float *map,
               GError **error)
{
  const int64_t ny = (h - wh) / self->stride + 1, nx = (w - ww) / self->stride + 1;
  const int64_t n_win = ny * nx, per = c * h * w;
  const int64_t ib = MIN (self->batch, n_win);
  double z0;
  if (!saliency_target_logits (net, xi, &target, &z0, NULL, error))
    return FALSE;
  int64_t shape[4] = { ib, xi->shape[1], xi->ndim == 4 ? xi->shape[2] : 1,
                       xi->ndim == 4 ? xi->shape[3] : 1 };
  InterpTensor *batch = interp_tensor_new (xi->ndim, shape);
  int32_t *targets = g_new (int32_t, ib);
  double *z = g_new (double, ib), *sum = g_new0 (double, h * w);
  int64_t *count = g_new0 (int64_t, h * w);
  gboolean ok = TRUE;
  for (int64_t i = 0; i < ib; i++)
    targets[i] = target;
  for (int64_t first = 0; ok && first < n_win; first += ib)
    {
      const int64_t m = MIN (ib, n_win - first);
      shape[0] = m;
      interp_tensor_reshape (batch, xi->ndim, shape);
      for (int64_t k = 0; k < m; k++)
        {
          float *dst = batch->data + k * per;
          memcpy (dst, xi->data, sizeof (float) * (size_t) per);
          const int64_t y0 = ((first + k) / nx) * self->stride;
          const int64_t x0 = ((first + k) % nx) * self->stride;
          for (int64_t ch = 0; ch < c; ch++)
            for (int64_t y = y0; y < y0 + wh; y++)
              for (int64_t x = x0; x < x0 + ww; x++)
                dst[(ch * h + y) * w + x] = self->baseline;
        }
      ok = saliency_target_logits (net, batch, targets, z, NULL, error);
      for (int64_t k = 0; ok && k < m; k++)
        {
          const int64_t y0 = ((first + k) / nx) * self->stride;
          const int64_t x0 = ((first + k) % nx) * self->stride;
          for (int64_t y = y0; y < y0 + wh; y++)
            for (int64_t x = x0; x < x0 + ww; x++)
              {
                sum[y * w + x] += z0 - z[k];
                count[y * w + x]++;
              }
        }
    }
  for (int64_t k = 0; ok && k < h * w; k++)
    map[k] = count[k] > 0 ? (float) (sum[k] / (double) count[k]) : 0.0f;
  interp_tensor_free (batch);
  g_free (targets);
  g_free (z);
  g_free (sum);
  g_free (count);
  return ok;
}

static gboolean
occlusion_attribute (gpointer data, InterpNet *net, const InterpTensor *x,
                     const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                     double *delta, GError **error)
{
  Occlusion *self = data;
  (void) rng;
  (void) delta;
  if (!saliency_check_batch ("occlusion", x, targets, error))
    return FALSE;
  const gboolean image = x->ndim == 4;
  const int64_t n = x->shape[0], c = image ? x->shape[1] : 1;
  const int64_t h = image ? x->shape[2] : 1, w = image ? x->shape[3] : x->shape[1];
  const int64_t wh = image ? self->window : 1, ww = self->window;
  if (wh > h || ww > w)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "occlusion: key window: %" G_GINT64_FORMAT " is larger than the input (%"
                   G_GINT64_FORMAT " x %" G_GINT64_FORMAT ")", self->window, h, w);
      return FALSE;
    }
  interp_tensor_reshape (attr, x->ndim, x->shape);
  float *map = g_new (float, h * w);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = TRUE;
  for (int64_t i = 0; ok && i < n; i++)
    {
      InterpTensor xi = saliency_batch_view (x, i, 1);
      ok = occlude_image (self, net, &xi, targets[i], c, h, w, wh, ww, map, error);
      for (int64_t ch = 0; ok && ch < c; ch++)
        memcpy (attr->data + (i * c + ch) * h * w, map, sizeof (float) * (size_t) (h * w));
    }
  saliency_guard_end (&guard, net);
  g_free (map);
  return ok;
}

static void
occlusion_describe (gpointer data, InterpSaliencyInfo *info)
{
  (void) data;
  info->flags = INTERP_SALIENCY_GRADIENT_FREE | INTERP_SALIENCY_SIGNED;
  info->passes_per_image = 0; /* one forward per window position: depends on H x W */
}

static const InterpParamSpec occlusion_params[] = {
  { .key = "window", .type = INTERP_PARAM_INT, .default_value = "4", .min = 1, .max = 4096,
    .help = "side of the square patch occluded, across all channels (4 = 4 x 4)" },
  /* 2 rather than Captum's common 1: on 28 x 28 with a 4 x 4 window every
   * pixel is still covered (positions 0, 2, ..., 24 reach row 27) and
   * averaged over up to 4 windows, with 169 forwards per image instead
   * of 625. */
  { .key = "stride", .type = INTERP_PARAM_INT, .default_value = "2", .min = 1, .max = 4096,
    .help = "step between window positions, in pixels (both axes); 2 covers every pixel of "
            "28 x 28 with window 4 at 169 forwards per image (stride 1: 625)" },
  { .key = "baseline", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0, .max = 1,
    .help = "the pixel value an occluded patch is set to" },
  { .key = "internal-batch-size", .type = INTERP_PARAM_INT, .default_value = "64", .min = 1,
    .max = 1000000, .help = "occluded copies of an image per forward pass (bounds memory)" },
  { 0 }
};

static const InterpSaliencyVTable occlusion_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = occlusion_create,
  .destroy = occlusion_destroy,
  .attribute = occlusion_attribute,
  .describe = occlusion_describe,
};

const InterpComponent interp_saliency_occlusion = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "occlusion",
  .description = "Occlusion: the mean drop of the target logit when windows covering a pixel "
                 "are set to a baseline value",
  .params = occlusion_params,
  .vtable = &occlusion_vtable);
