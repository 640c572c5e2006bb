/* Integrated gradients (Sundararajan, Taly & Yan 2017, "Axiomatic
 * attribution for deep networks"): attr = (x - x') * integral_0^1
 * d z_t / dx (x' + a (x - x')) da, the integral by one of Captum's
 * quadrature rules (captum.attr.IntegratedGradients; path-common.h).
 *
 * Batching (the benchmark's inner loop): the images x steps points are
 * rows of one list, image-major, pushed through forward/backward
 * `internal-batch-size` rows at a time.  Each image's gradients are summed
 * in double in step order, whatever the cut, so the map does not depend on
 * the internal batch nor on the other images of the batch.
 *
 * Completeness: delta_i = sum(attr_i) - (z_t(x_i) - z_t(x'_i)), from one
 * extra forward of the images and their baselines. */
#include "config.h"

#include <string.h>

#include "path-common.h"
#include "saliency-common.h"
#include "plugin-components.h"

typedef struct {
  int steps;
  int64_t internal_batch;
  double *alphas, *weights;
  PathBaseline baseline;
} Ig;

static gpointer
ig_create (const InterpParams *params, InterpContext *ctx, GError **error)
{
  (void) ctx;
  Ig *self = g_new0 (Ig, 1);
  self->steps = (int) interp_params_get_int (params, "steps");
  self->internal_batch = interp_params_get_int (params, "internal-batch-size");
  path_baseline_read (params, &self->baseline);
  self->alphas = g_new (double, self->steps);
  self->weights = g_new (double, self->steps);
  const char *method = interp_params_get_string (params, "method");
  if (!path_quadrature (method, self->steps, self->alphas, self->weights))
    {
      /* The table admits only known names: what is left is the trapezoid's n >= 2. */
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: steps = %d: method = %s needs steps >= 2",
                   interp_params_where (params), self->steps, method);
      g_free (self->alphas);
      g_free (self->weights);
      g_free (self);
      return NULL;
    }
  return self;
}

static void
ig_destroy (gpointer data)
{
  Ig *self = data;
  g_free (self->alphas);
  g_free (self->weights);
  g_free (self);
}

/* The sum over steps of weight_k * grad at the path points, per element,
 * in acc (double, x's size).  The caller holds the guard. */
static gboolean
ig_integrate (Ig *self, InterpNet *net, const InterpTensor *x, const InterpTensor *base,
              const int32_t *targets, double *acc, GError **error)
{
  const int64_t n = x->shape[0], per = interp_tensor_sample_size (x);
  const int64_t total = n * self->steps;
  const int64_t limit = MIN (self->internal_batch, total);
  int64_t shape[4];
  memcpy (shape, x->shape, sizeof shape);
  shape[0] = limit;
  InterpTensor *pts = interp_tensor_new (x->ndim, shape);
  InterpTensor *grad = interp_tensor_new (x->ndim, shape);
  int32_t *tg = g_new (int32_t, limit);
  gboolean ok = TRUE;
  memset (acc, 0, (size_t) (n * per) * sizeof (double));
  for (int64_t first = 0; ok && first < total; first += limit)
    {
      const int64_t rows = MIN (limit, total - first);
      shape[0] = rows;
      interp_tensor_reshape (pts, x->ndim, shape);
      for (int64_t r = 0; r < rows; r++)
        {
          const int64_t i = (first + r) / self->steps, k = (first + r) % self->steps;
          const float a = (float) self->alphas[k];
          const float *xi = x->data + i * per, *bi = base->data + i * per;
          float *p = pts->data + r * per;
          for (int64_t j = 0; j < per; j++)
            p[j] = bi[j] + a * (xi[j] - bi[j]);
          tg[r] = targets[i];
        }
      ok = saliency_target_grad (net, pts, tg, NULL, grad, NULL, error);
      for (int64_t r = 0; ok && r < rows; r++)
        {
          const int64_t i = (first + r) / self->steps, k = (first + r) % self->steps;
          const double w = self->weights[k];
          const float *g = grad->data + r * per;
          double *ai = acc + i * per;
          for (int64_t j = 0; j < per; j++)
            ai[j] += w * (double) g[j];
        }
    }
  g_free (tg);
  interp_tensor_free (grad);
  interp_tensor_free (pts);
  return ok;
}

/* delta_i = sum(attr_i) - (z(x_i) - z(b_i)). */
static gboolean
completeness (InterpNet *net, const InterpTensor *x, const InterpTensor *base,
              const int32_t *targets, const InterpTensor *attr, double *delta, GError **error)
{
  const int64_t n = x->shape[0], per = interp_tensor_sample_size (x);
  double *zx = g_new (double, n), *zb = g_new (double, n);
  gboolean ok = saliency_target_logits (net, x, targets, zx, NULL, error)
                && saliency_target_logits (net, base, targets, zb, NULL, error);
  for (int64_t i = 0; ok && i < n; i++)
    {
      double s = 0.0;
      for (int64_t j = 0; j < per; j++)
        s += attr->data[i * per + j];
      delta[i] = s - (zx[i] - zb[i]);
    }
  g_free (zx);
  g_free (zb);
  return ok;
}

static gboolean
ig_attribute (gpointer data, InterpNet *net, const InterpTensor *x, const int32_t *targets,
              InterpRng *rng, InterpTensor *attr, double *delta, GError **error)
{
  Ig *self = data;
  if (!saliency_check_batch ("integrated-gradients", x, targets, error))
    return FALSE;
  InterpTensor *base = interp_tensor_new (x->ndim, x->shape);
  double *acc = g_new (double, x->numel);
  SaliencyGuard guard;
  saliency_guard_begin (&guard, net);
  gboolean ok = path_baseline_fill (&self->baseline, "integrated-gradients", net, x, rng, base,
                                    error)
                && ig_integrate (self, net, x, base, targets, acc, error);
  if (ok)
    {
      interp_tensor_reshape (attr, x->ndim, x->shape);
      for (size_t j = 0; j < x->numel; j++)
        attr->data[j] = (float) (((double) x->data[j] - (double) base->data[j]) * acc[j]);
      if (delta)
        ok = completeness (net, x, base, targets, attr, delta, error);
    }
  saliency_guard_end (&guard, net);
  g_free (acc);
  interp_tensor_free (base);
  return ok;
}

static void
ig_describe (gpointer data, InterpSaliencyInfo *info)
{
  Ig *self = data;
  info->flags = INTERP_SALIENCY_SIGNED | INTERP_SALIENCY_COMPLETENESS
                | (self->baseline.kind == PATH_BASELINE_UNIFORM ? INTERP_SALIENCY_RANDOMIZED
                                                                : 0);
  info->passes_per_image = self->steps;
}

static const InterpParamSpec ig_params[] = {
  { .key = "steps", .type = INTERP_PARAM_INT, .default_value = "50", .min = 1, .max = 100000,
    .help = "points of the path integral (Captum's n_steps, default 50)" },
  { .key = "method", .type = INTERP_PARAM_CHOICE, .default_value = "gausslegendre",
    .choices = "gausslegendre|riemann-left|riemann-right|riemann-middle|riemann-trapezoid",
    .help = "quadrature rule, as Captum's approximation methods (gausslegendre is Captum's "
            "default; riemann-trapezoid needs steps >= 2)" },
  PATH_BASELINE_PARAMS,
  { .key = "internal-batch-size", .type = INTERP_PARAM_INT, .default_value = "64", .min = 1,
    .max = 1000000,
    .help = "path points (images x steps) per forward/backward: bounds memory, not results" },
  { 0 }
};

static const InterpSaliencyVTable ig_vtable = {
  INTERP_VTABLE_SIZE (InterpSaliencyVTable),
  .create = ig_create,
  .destroy = ig_destroy,
  .attribute = ig_attribute,
  .describe = ig_describe,
};

const InterpComponent interp_saliency_integrated_gradients = INTERP_COMPONENT (
  .kind = INTERP_KIND_SALIENCY,
  .name = "integrated-gradients",
  .description = "Integrated gradients (Sundararajan et al. 2017): (x - baseline) times the "
                 "path integral of the gradient, Captum's quadrature rules",
  .params = ig_params,
  .vtable = &ig_vtable);
