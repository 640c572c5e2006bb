/* RISE (Petsiuk, Das & Saenko 2018, "RISE: randomized input sampling for
 * explanation of black-box models"; reference code eclique/RISE,
 * explanations.py): the expected mask under the target's probability,
 *   map = sum_i p_t(x .* M_i) M_i / (N p),
 * p_t the SOFTMAX probability of the target class (the reference wraps the
 * model in a softmax; logits would not be bounded and the paper's
 * "importance as expected score" reads probabilities), p the keep
 * probability.  Each mask M_i (generate_masks there): a cells x cells grid
 * of 1 with probability p, else 0, upsampled bilinearly as the
 * reference's skimage resize (order=1, mode="reflect": rise-mask.h) to
 * (cells + 1) * ceil(H / cells) x (cells + 1) * ceil(W / cells) and cropped
 * to H x W at a shift drawn uniformly in [0, ceil(H / cells)) x
 * [0, ceil(W / cells)).  One mask for every channel.
 *
 * Randomness: one 64-bit key is drawn from the call's stream and seeds the
 * mask stream, so every image of a call gets the same N masks (as the
 * reference explains every image with one mask set) and an image's map is
 * the same alone or anywhere in its batch: a function of the image, its
 * target, the network and the stream.  Masks are made in chunks of
 * internal-batch-size (memory stays bounded for large N) and each image is
 * forwarded on its own, one masked copy per mask of the chunk. */
#include "config.h"

#include <string.h>

#include "rise-mask.h"
#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  int64_t masks, cells, batch;
  double p;
} Rise;

static gpointer
rise_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  Rise *self = g_new0 (Rise, 1);
  self->masks = interp_params_get_int (params, "masks");
  self->cells = interp_params_get_int (params, "cells");
  self->p = interp_params_get_double (params, "p");
  self->batch = interp_params_get_int (params, "internal-batch-size");
  return self;
}

static void
rise_destroy (gpointer data)
{
  g_free (data);
}

void
rise_mask_crop (const InterpImage *grid, int64_t up_h, int64_t up_w, int64_t dy, int64_t dx,
                int64_t h, int64_t w, float *mask)
{
  const double sy = (double) grid->height / (double) up_h;
  const double sx = (double) grid->width / (double) up_w;
  for (int64_t y = 0; y < h; y++)
    for (int64_t x = 0; x < w; x++)
      mask[y * w + x] = interp_image_sample (grid, 0, ((double) (y + dy) + 0.5) * sy - 0.5,
                                             ((double) (x + dx) + 0.5) * sx - 0.5,
                                             INTERP_BORDER_REFLECT_101, 0.0f);
}

/* One mask (h x w) from the mask stream: its grid's cells, then its row
 * and column shifts (generate_masks draws all N grids first from numpy's
 * stream; the distribution is the same). */
static void
rise_mask (const Rise *self, InterpRng *rng, InterpImage *grid, int64_t h, int64_t w,
           float *mask)
{
  const int64_t s = self->cells;
  for (int64_t k = 0; k < s * s; k++)
    grid->data[k] = interp_rng_uniform (rng) < self->p ? 1.0f : 0.0f;
  const int64_t cell_h = (h + s - 1) / s, cell_w = (w + s - 1) / s;
  const int64_t dy = (int64_t) interp_rng_below (rng, (uint64_t) cell_h);
  const int64_t dx = (int64_t) interp_rng_below (rng, (uint64_t) cell_w);
  rise_mask_crop (grid, (s + 1) * cell_h, (s + 1) * cell_w, dy, dx, h, w, mask);
}

static gboolean
rise_attribute (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *targets,
                InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  Rise *self = data;
  (void) delta;
  if (!saliency_check_batch ("rise", x, targets, error))
    return FALSE;
  if (x->ndim != 4)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "rise: needs a batch of images (N x C x H x W), got feature vectors");
      return FALSE;
    }
  const int64_t n = x->shape[0], c = x->shape[1], h = x->shape[2], w = x->shape[3];
  const int64_t hw = h * w, per = c * hw, s = self->cells;
  if (s > h || s > w)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "rise: key cells: %" G_GINT64_FORMAT " is more than the image's side (%"
                   G_GINT64_FORMAT " x %" G_GINT64_FORMAT ")", s, h, w);
      return FALSE;
    }
  InterpRng mrng;
  interp_rng_seed (&mrng, interp_rng_next (rng));
  const int64_t ib = MIN (self->batch, self->masks);
  InterpImage *grid = interp_image_new (1, s, s);
  float *masks = g_new (float, ib * hw);
  double *sal = g_new0 (double, n * hw);
  InterpTensor *batch = interp_tensor_new_4d (ib, c, h, w), *logits = interp_tensor_new_2d (ib, 1);
  InterpTensor *probs = interp_tensor_new_2d (ib, 1);
  int32_t *tg = g_new (int32_t, ib);
  double *zt = g_new (double, ib);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = TRUE;
  for (int64_t first = 0; ok && first < self->masks; first += ib)
    {
      const int64_t m = MIN (ib, self->masks - first);
      for (int64_t k = 0; k < m; k++)
        rise_mask (self, &mrng, grid, h, w, masks + k * hw);
      int64_t shape[4] = { m, c, h, w };
      interp_tensor_reshape (batch, 4, shape);
      for (int64_t i = 0; ok && i < n; i++)
        {
          const float *xi = x->data + i * per;
          for (int64_t k = 0; k < m; k++)
            {
              tg[k] = targets[i];
              for (int64_t ch = 0; ch < c; ch++)
                for (int64_t q = 0; q < hw; q++)
                  batch->data[k * per + ch * hw + q] = xi[ch * hw + q] * masks[k * hw + q];
            }
          ok = saliency_target_logits (net, batch, tg, zt, logits, error);
          if (ok)
            interp_softmax (logits, probs);
          const int64_t kl = ok ? (int64_t) probs->numel / m : 0;
          for (int64_t k = 0; ok && k < m; k++)
            {
              const double pt = probs->data[k * kl + targets[i]];
              for (int64_t q = 0; q < hw; q++)
                sal[i * hw + q] += pt * masks[k * hw + q];
            }
        }
    }
  saliency_guard_end (&guard, net);
  if (ok)
    {
      interp_tensor_reshape (attr, 4, x->shape);
      const double norm = (double) self->masks * self->p;
      for (int64_t i = 0; i < n; i++)
        for (int64_t ch = 0; ch < c; ch++)
          for (int64_t q = 0; q < hw; q++)
            attr->data[i * per + ch * hw + q] = (float) (sal[i * hw + q] / norm);
    }
  interp_image_free (grid);
  g_free (masks);
  g_free (sal);
  g_free (tg);
  g_free (zt);
  interp_tensor_free (batch);
  interp_tensor_free (logits);
  interp_tensor_free (probs);
  return ok;
}

static void
rise_describe (gpointer data, InterpSaliencyInfo *info)
{
  Rise *self = data;
  info->flags = INTERP_SALIENCY_GRADIENT_FREE | INTERP_SALIENCY_RANDOMIZED;
  info->passes_per_image = self->masks;
}

static const InterpParamSpec rise_params[] = {
  { .key = "masks", .type = INTERP_PARAM_INT, .default_value = "2000", .min = 1,
    .max = 10000000,
    .help = "random masks N per image (the paper uses 8000 for ImageNet)" },
  { .key = "cells", .type = INTERP_PARAM_INT, .default_value = "7", .min = 1, .max = 4096,
    .help = "side s of the random binary grid, upsampled to the image (RISE: 7)" },
  { .key = "p", .type = INTERP_PARAM_DOUBLE, .default_value = "0.5", .min = 1e-6, .max = 1,
    .help = "probability that a grid cell is kept (RISE: 0.5)" },
  { .key = "internal-batch-size", .type = INTERP_PARAM_INT, .default_value = "100", .min = 1,
    .max = 1000000, .help = "masked copies of an image per forward pass (bounds memory)" },
  { 0 }
};

static const InterpSaliencyVTable rise_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = rise_create,
  .destroy = rise_destroy,
  .attribute = rise_attribute,
  .describe = rise_describe,
};

const InterpComponent interp_saliency_rise = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "rise",
  .description = "RISE: random masks weighted by the target's softmax probability on the "
                 "masked image",
  .params = rise_params,
  .vtable = &rise_vtable);
