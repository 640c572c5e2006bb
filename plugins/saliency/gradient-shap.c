/* GradientSHAP (Lundberg & Lee 2017, "A unified approach to interpreting
 * model predictions"; Captum's GradientShap): expected gradients times
 * (input - baseline).  For each of `samples` draws per image:
 *   b      a baseline (path-common.h; `uniform` draws a new one per sample,
 *          the others are one fixed baseline),
 *   x~     x + N(0, stdev^2) per element (stdev absolute, in pixels, as
 *          Captum's stdevs; default 0: no noise),
 *   alpha  uniform in [0, 1),
 * and the sample's map is grad z_t(b + alpha (x~ - b)) * (x~ - b); the map
 * is their mean (Captum: NoiseTunnel over InputBaselineXGradient).
 *
 * Completeness holds only in expectation: E_alpha[grad . (x - b)] is the
 * path integral, so sum(attr_i) -> z(x_i) - mean_s z(b_s) as samples grow
 * (exactly for a linear model).  delta_i = sum(attr_i) - (z_t(x_i) - mean
 * over the drawn baselines of z_t(b)), as saliency.h says, with the clean
 * x_i (the noise averages out in the same expectation).
 *
 * Streams: row by row (image-major, then sample): the uniform baseline's
 * elements (baseline = uniform only), then the noise's (stdev > 0 only),
 * then alpha.  The draws do not depend on internal-batch-size. */
#include "config.h"

#include <string.h>

#include "path-common.h"
#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  int64_t samples, internal_batch;
  double stdev;
  PathBaseline baseline;
} Shap;

static gpointer
shap_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  (void) error;
  Shap *self = g_new0 (Shap, 1);
  self->samples = interp_params_get_int (params, "samples");
  self->internal_batch = interp_params_get_int (params, "internal-batch-size");
  self->stdev = interp_params_get_double (params, "stdev");
  path_baseline_read (params, &self->baseline);
  return self;
}

static void
shap_destroy (gpointer data)
{
  g_free (data);
}

typedef struct {
  InterpTensor *pts, *base, *diff, *grad;
  int32_t *tg;
  double *zb;
} ShapChunk;

/* Rows [first, first + rows) of the images x samples list into the chunk. */
static void
shap_fill (Shap *self, const InterpTensor *x, const InterpTensor *fixed_base,
           const int32_t *targets, InterpRng *rng, int64_t first, int64_t rows, ShapChunk *c)
{
  const int64_t per = interp_tensor_sample_size (x);
  for (int64_t r = 0; r < rows; r++)
    {
      const int64_t i = (first + r) / self->samples;
      const float *xi = x->data + i * per;
      float *b = c->base->data + r * per, *d = c->diff->data + r * per;
      float *p = c->pts->data + r * per;
      if (self->baseline.kind == PATH_BASELINE_UNIFORM)
        for (int64_t j = 0; j < per; j++)
          b[j] = (float) interp_rng_uniform (rng);
      else
        memcpy (b, fixed_base->data + i * per, (size_t) per * sizeof (float));
      for (int64_t j = 0; j < per; j++)
        {
          double xn = xi[j];
          if (self->stdev > 0.0)
            xn += self->stdev * interp_rng_normal (rng);
          d[j] = (float) (xn - (double) b[j]);
        }
      const float a = (float) interp_rng_uniform (rng);
      for (int64_t j = 0; j < per; j++)
        p[j] = b[j] + a * d[j];
      c->tg[r] = targets[i];
    }
}

static gboolean
shap_attribute (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *targets,
                InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  Shap *self = data;
  if (!saliency_check_batch ("gradient-shap", x, targets, error))
    return FALSE;
  const int64_t n = x->shape[0], per = interp_tensor_sample_size (x);
  const int64_t total = n * self->samples, limit = MIN (self->internal_batch, total);
  int64_t shape[4];
  memcpy (shape, x->shape, sizeof shape);
  shape[0] = limit;
  ShapChunk c = { interp_tensor_new (x->ndim, shape), interp_tensor_new (x->ndim, shape),
                  interp_tensor_new (x->ndim, shape), interp_tensor_new (x->ndim, shape),
                  g_new (int32_t, limit), g_new (double, limit) };
  InterpTensor *fixed = interp_tensor_new (x->ndim, x->shape);
  double *acc = g_new0 (double, n * per), *zb_mean = g_new0 (double, n);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = self->baseline.kind == PATH_BASELINE_UNIFORM
                || path_baseline_fill (&self->baseline, "gradient-shap", net, x, rng, fixed,
                                       error);
  for (int64_t first = 0; ok && first < total; first += limit)
    {
      const int64_t rows = MIN (limit, total - first);
      shape[0] = rows;
      interp_tensor_reshape (c.pts, x->ndim, shape);
      shap_fill (self, x, fixed, targets, rng, first, rows, &c);
      ok = saliency_target_grad (net, c.pts, c.tg, NULL, c.grad, NULL, error);
      InterpTensor bv = saliency_batch_view (c.base, 0, rows);
      if (ok && delta)
        ok = saliency_target_logits (net, &bv, c.tg, c.zb, NULL, error);
      for (int64_t r = 0; ok && r < rows; r++)
        {
          const int64_t i = (first + r) / self->samples;
          const float *g = c.grad->data + r * per, *d = c.diff->data + r * per;
          for (int64_t j = 0; j < per; j++)
            acc[i * per + j] += (double) g[j] * (double) d[j];
          if (delta)
            zb_mean[i] += c.zb[r];
        }
    }
  if (ok)
    {
      interp_tensor_reshape (attr, x->ndim, x->shape);
      for (size_t j = 0; j < x->numel; j++)
        attr->data[j] = (float) (acc[j] / (double) self->samples);
    }
  if (ok && delta)
    {
      double *zx = g_new (double, n);
      ok = saliency_target_logits (net, x, targets, zx, NULL, error);
      for (int64_t i = 0; ok && i < n; i++)
        {
          double s = 0.0;
          for (int64_t j = 0; j < per; j++)
            s += attr->data[i * per + j];
          delta[i] = s - (zx[i] - zb_mean[i] / (double) self->samples);
        }
      g_free (zx);
    }
  saliency_guard_end (&guard, net);
  g_free (acc);
  g_free (zb_mean);
  interp_tensor_free (fixed);
  interp_tensor_free (c.pts);
  interp_tensor_free (c.base);
  interp_tensor_free (c.diff);
  interp_tensor_free (c.grad);
  g_free (c.tg);
  g_free (c.zb);
  return ok;
}

static void
shap_describe (gpointer data, InterpSaliencyInfo *info)
{
  Shap *self = data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_RANDOMIZED
                | INTERP_SALIENCY_COMPLETENESS;
  info->passes_per_image = self->samples;
}

static const InterpParamSpec shap_params[] = {
  { .key = "samples", .type = INTERP_PARAM_INT, .default_value = "5", .min = 1, .max = 100000,
    .help = "random points (baseline, noise, alpha) per image (Captum's n_samples, default 5)" },
  { .key = "stdev", .type = INTERP_PARAM_DOUBLE, .default_value = "0", .min = 0, .max = 10,
    .help = "standard deviation of the Gaussian noise added to the input, in pixels "
            "(Captum's stdevs, default 0)" },
  PATH_BASELINE_PARAMS,
  { .key = "internal-batch-size", .type = INTERP_PARAM_INT, .default_value = "64", .min = 1,
    .max = 1000000,
    .help = "points (images x samples) per forward/backward: bounds memory, not results" },
  { 0 }
};

static const InterpSaliencyVTable shap_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = shap_create,
  .destroy = shap_destroy,
  .attribute = shap_attribute,
  .describe = shap_describe,
};

const InterpComponent interp_saliency_gradient_shap = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "gradient-shap",
  .description = "GradientSHAP (Lundberg & Lee 2017): expected gradients at random points "
                 "between baselines and the (noisy) input, times input - baseline",
  .params = shap_params,
  .vtable = &shap_vtable);
