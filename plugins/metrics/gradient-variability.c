/* metric:gradient-variability -- how much the input gradients of a
 * layer's units vary across samples and across units (Leavitt & Morcos,
 * "Linking average- and worst-case perturbation robustness via class
 * selectivity and dimensionality", 2020: input-unit gradients vary more in
 * high-selectivity networks).
 *
 * Definition (also in docs/metrics.md).  For a matched layer with units
 * u = 1..U (channels of a 3-d node, features of a 1-d node), a unit's
 * activation a_u(x) is the spatial mean of its channel: the response
 * metric:class-selectivity measures a unit's selectivity on, so the two
 * describe the same quantity.  For image s, g_{s,u} = d a_u(x_s) / d x_s in
 * pixel space (D = C x H x W input elements; the network's normalize node is
 * inside the derivative), optionally divided by its L2 norm (normalise =
 * l2: the variability of directions only; a zero gradient stays zero).
 *   grad-var-samples = (1/U) sum_u sum_i Var_s g_{s,u,i}
 *   grad-var-units   = (1/S) sum_s sum_i Var_u g_{s,u,i}
 * with population variances (over the S images, over the U units): for
 * each unit (image) the total variance of its gradient vectors, i.e. their
 * mean squared distance to their mean, averaged over units (images).  With
 * normalise = l2 both lie in [0, 1] (1 - |mean direction|^2).  Also
 * reported: grad-norm, the mean L2 norm of g_{s,u} before normalising (the
 * scale the raw variances carry), and grad-zero, the fraction of pairs
 * (s, u) with an exactly zero gradient (dead units).
 *
 * Images: the first `images` of the test split under each condition (the
 * evaluation reads the test split in order), so every condition measures
 * the same images.  Cost: one backward per unit of each layer per batch
 * (every image of the batch at once).  Memory: 3 U D doubles per layer
 * (shifted sums, covariance.h's reason) and 3 D doubles per batch image.
 *
 * The network is borrowed: state saved, eval mode, input gradients on,
 * parameter gradients off; restored afterwards and run forward on x. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <interp/interp.h>

#include "gradient-variability.h"
#include "plugin-components.h"

typedef struct {
  int node;
  char *name;
  int64_t units, spatial;
  double *shift, *sum, *sumsq;  /* U x D: across samples, shifted by the first image */
  double units_var;             /* sum over images of sum_i Var_u */
  double norm_sum;              /* sum over (s, u) of |g_{s,u}| */
  int64_t zeros;                /* pairs (s, u) with g = 0 */
} GradLayer;

typedef struct {
  char *where;
  gboolean l2;
  int64_t images;       /* cap per condition */
  int64_t seen;         /* images measured under this condition */
  int64_t dim;          /* D: input elements per image */
  int last_node;
  GArray *layers;       /* GradLayer */
  float *grad;          /* scratch: batch x D */
  double *ushift, *usum, *usumsq;       /* scratch: batch x D, across units */
  double *g;            /* scratch: one gradient in double */
  int64_t capacity;     /* images the scratch holds */
} GradVar;

static const InterpParamSpec gradvar_params[] = {
  { .key = "layers", .type = INTERP_PARAM_STRING_LIST, .default_value = "*relu*",
    .help = "globs over node names ('*', '?'); the layers whose units' input gradients are "
            "measured" },
  { .key = "images", .type = INTERP_PARAM_INT, .default_value = "256",
    .help = "the first N test images of each condition (one backward per unit per batch)",
    .min = 2, .max = G_MAXINT32 },
  { .key = "normalise", .type = INTERP_PARAM_CHOICE, .default_value = "none",
    .help = "none: raw gradients; l2: each gradient divided by its L2 norm (directions only)",
    .choices = "none|l2" },
  { 0 }
};

void
interp_gradvar_unit_gradient (InterpNet *net, int node, int64_t unit, float *grad)
{
  interp_net_zero_grad (net);
  InterpTensor *seed = interp_net_grad (net, node);
  int64_t n = seed->shape[0];
  size_t per = interp_tensor_sample_size (seed);
  int64_t spatial = (int64_t) per / interp_net_node_units (net, node);
  float w = 1.0f / (float) spatial;
  for (int64_t s = 0; s < n; s++)
    for (int64_t j = 0; j < spatial; j++)
      seed->data[(size_t) s * per + (size_t) (unit * spatial + j)] = w;
  interp_net_backward (net);
  const InterpTensor *ig = interp_net_input_grad (net);
  memcpy (grad, ig->data, ig->numel * sizeof (float));
}

static void
layer_clear (gpointer p)
{
  GradLayer *l = p;
  g_free (l->name);
  g_free (l->shift);
  g_free (l->sum);
  g_free (l->sumsq);
}

static void
gradvar_destroy (gpointer p)
{
  GradVar *self = p;
  if (self == NULL)
    return;
  g_free (self->where);
  g_array_unref (self->layers);
  g_free (self->grad);
  g_free (self->ushift);
  g_free (self->usum);
  g_free (self->usumsq);
  g_free (self->g);
  g_free (self);
}

static gpointer
gradvar_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                InterpContext *ctx, GError **error)
{
  (void) data;
  (void) ctx;
  const char *where = interp_params_where (params);
  size_t n_globs = 0;
  const char *const *globs = interp_params_get_string_list (params, "layers", &n_globs);
  GradVar *self = g_new0 (GradVar, 1);
  self->where = g_strdup (where);
  self->l2 = g_str_equal (interp_params_get_string (params, "normalise"), "l2");
  self->images = interp_params_get_int (params, "images");
  int64_t in_shape[3];
  interp_net_node_shape (net, 0, in_shape);
  self->dim = in_shape[0] * in_shape[1] * in_shape[2];
  self->g = g_new (double, (size_t) self->dim);
  self->layers = g_array_new (FALSE, TRUE, sizeof (GradLayer));
  g_array_set_clear_func (self->layers, layer_clear);
  for (int node = 1; node < interp_net_n_nodes (net); node++)
    {
      gboolean hit = FALSE;
      for (size_t g = 0; g < n_globs && !hit; g++)
        hit = g_pattern_match_simple (globs[g], interp_net_node_name (net, node));
      if (!hit)
        continue;
      int64_t shape[3];
      int ndim = interp_net_node_shape (net, node, shape);
      if (shape[0] < 2)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                       "%s: key 'layers': layer '%s' has %" G_GINT64_FORMAT " unit; the "
                       "variance across units needs at least 2", where,
                       interp_net_node_name (net, node), shape[0]);
          gradvar_destroy (self);
          return NULL;
        }
      GradLayer l = { 0 };
      l.node = node;
      l.name = g_strdup (interp_net_node_name (net, node));
      l.units = shape[0];
      l.spatial = ndim == 3 ? shape[1] * shape[2] : 1;
      size_t cells = (size_t) l.units * (size_t) self->dim;
      l.shift = g_new0 (double, cells);
      l.sum = g_new0 (double, cells);
      l.sumsq = g_new0 (double, cells);
      self->last_node = node;
      g_array_append_val (self->layers, l);
    }
  if (self->layers->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'layers': no node matches '%s'", where,
                   interp_params_get_text (params, "layers"));
      gradvar_destroy (self);
      return NULL;
    }
  return self;
}

static void
gradvar_reset (gpointer p)
{
  GradVar *self = p;
  self->seen = 0;
  size_t cells_per_unit = (size_t) self->dim * sizeof (double);
  for (guint i = 0; i < self->layers->len; i++)
    {
      GradLayer *l = &g_array_index (self->layers, GradLayer, i);
      memset (l->shift, 0, (size_t) l->units * cells_per_unit);
      memset (l->sum, 0, (size_t) l->units * cells_per_unit);
      memset (l->sumsq, 0, (size_t) l->units * cells_per_unit);
      l->units_var = l->norm_sum = 0.0;
      l->zeros = 0;
    }
}

static void
ensure_scratch (GradVar *self, int64_t n)
{
  if (n <= self->capacity)
    return;
  size_t cells = (size_t) n * (size_t) self->dim;
  self->capacity = n;
  g_free (self->grad);
  g_free (self->ushift);
  g_free (self->usum);
  g_free (self->usumsq);
  self->grad = g_new (float, cells);
  self->ushift = g_new (double, cells);
  self->usum = g_new (double, cells);
  self->usumsq = g_new (double, cells);
}

/* Adds gradient g (D values; image s of the batch, unit u) to both sums. */
static void
add_gradient (GradVar *self, GradLayer *l, int64_t s, int64_t u, double *g)
{
  size_t d = (size_t) self->dim;
  double norm = 0.0;
  for (size_t i = 0; i < d; i++)
    norm += g[i] * g[i];
  norm = sqrt (norm);
  l->norm_sum += norm;
  l->zeros += norm == 0.0;
  if (self->l2 && norm > 0.0)
    for (size_t i = 0; i < d; i++)
      g[i] /= norm;
  double *shift = l->shift + (size_t) u * d, *sum = l->sum + (size_t) u * d;
  double *sumsq = l->sumsq + (size_t) u * d;
  if (self->seen == 0 && s == 0)
    memcpy (shift, g, d * sizeof (double));
  double *ushift = self->ushift + (size_t) s * d, *usum = self->usum + (size_t) s * d;
  double *usumsq = self->usumsq + (size_t) s * d;
  if (u == 0)
    memcpy (ushift, g, d * sizeof (double));
  for (size_t i = 0; i < d; i++)
    {
      double a = g[i] - shift[i], b = g[i] - ushift[i];
      sum[i] += a;
      sumsq[i] += a * a;
      usum[i] += b;
      usumsq[i] += b * b;
    }
}

/* sum_i of the population variance from shifted sums over `count` values.
 * A variance is >= 0; the clamp removes the rounding residue of the
 * subtraction only. */
static double
total_variance (const double *sum, const double *sumsq, size_t d, double count)
{
  double total = 0.0;
  for (size_t i = 0; i < d; i++)
    {
      double mean = sum[i] / count;
      total += MAX (sumsq[i] / count - mean * mean, 0.0);
    }
  return total;
}

static gboolean
measure_batch (GradVar *self, InterpNet *net, const InterpTensor *xs, GError **error)
{
  int64_t m = xs->shape[0];
  size_t d = (size_t) self->dim;
  if (!interp_net_forward_to (net, xs, self->last_node, error))
    return FALSE;
  for (guint li = 0; li < self->layers->len; li++)
    {
      GradLayer *l = &g_array_index (self->layers, GradLayer, li);
      memset (self->usum, 0, (size_t) m * d * sizeof (double));
      memset (self->usumsq, 0, (size_t) m * d * sizeof (double));
      for (int64_t u = 0; u < l->units; u++)
        {
          interp_gradvar_unit_gradient (net, l->node, u, self->grad);
          for (int64_t s = 0; s < m; s++)
            {
              const float *gs = self->grad + (size_t) s * d;
              for (size_t i = 0; i < d; i++)
                self->g[i] = gs[i];
              add_gradient (self, l, s, u, self->g);
            }
        }
      for (int64_t s = 0; s < m; s++)
        l->units_var += total_variance (self->usum + (size_t) s * d,
                                        self->usumsq + (size_t) s * d, d, (double) l->units);
    }
  return TRUE;
}

static gboolean
gradvar_update (gpointer p, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                GError **error)
{
  (void) labels;
  GradVar *self = p;
  int64_t m = MIN (x->shape[0], self->images - self->seen);
  if (m <= 0)
    return TRUE;
  ensure_scratch (self, m);
  InterpTensor *xs = interp_tensor_new_4d (m, x->shape[1], x->shape[2], x->shape[3]);
  memcpy (xs->data, x->data, xs->numel * sizeof (float));
  InterpNetState *state = interp_net_state_save (net);
  interp_net_set_mode (net, INTERP_MODE_EVAL);
  interp_net_set_input_grad (net, TRUE);
  interp_net_set_param_grad (net, FALSE);
  gboolean ok = measure_batch (self, net, xs, error);
  interp_tensor_free (xs);
  if (ok)
    self->seen += m;
  /* Give the network back holding x's values, whatever happened.  The
   * forward comes first: resizing nodes back to x's batch marks their
   * gradients untouched, which the restore then undoes. */
  GError *again = NULL;
  if (!interp_net_forward (net, x, ok ? error : &again))
    ok = FALSE;
  g_clear_error (&again);
  interp_net_state_restore (net, state);
  return ok;
}

static gboolean
gradvar_finish (gpointer p, InterpResults *results, GError **error)
{
  GradVar *self = p;
  if (self->seen < 2)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                   "%s: gradient variability needs at least 2 images, got %" G_GINT64_FORMAT,
                   self->where, self->seen);
      return FALSE;
    }
  size_t d = (size_t) self->dim;
  double S = (double) self->seen;
  for (guint li = 0; li < self->layers->len; li++)
    {
      GradLayer *l = &g_array_index (self->layers, GradLayer, li);
      double across_samples = 0.0;
      for (int64_t u = 0; u < l->units; u++)
        across_samples += total_variance (l->sum + (size_t) u * d, l->sumsq + (size_t) u * d,
                                          d, S);
      double pairs = S * (double) l->units;
      double values[] = { across_samples / (double) l->units, l->units_var / S,
                          l->norm_sum / pairs, (double) l->zeros / pairs };
      for (size_t k = 0; k < G_N_ELEMENTS (values); k++)
        if (!isfinite (values[k]))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                         "%s: layer '%s': the input gradients are not finite", self->where,
                         l->name);
            return FALSE;
          }
      interp_results_add (results, "grad-var-samples", l->name, values[0]);
      interp_results_add (results, "grad-var-units", l->name, values[1]);
      interp_results_add (results, "grad-norm", l->name, values[2]);
      interp_results_add (results, "grad-zero", l->name, values[3]);
    }
  return TRUE;
}

static const InterpMetricOutput gradvar_outputs[] = {
  { .name = "grad-var-samples", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Variance of units' input gradients across samples per layer",
    .unit = "squared gradient", .min = 0.0, .max = INFINITY,
    .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "grad-var-units", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Variance of input gradients across a layer's units per layer",
    .unit = "squared gradient", .min = 0.0, .max = INFINITY,
    .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "grad-norm", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Mean L2 norm of units' input gradients per layer", .unit = "gradient",
    .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "grad-zero", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Fraction of (sample, unit) pairs with a zero input gradient per layer",
    .unit = "fraction", .min = 0.0, .max = 1.0, .higher_is_better = INTERP_BETTER_NEITHER },
  { 0 }
};

static const InterpMetricVTable gradvar_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = gradvar_create,
  .destroy = gradvar_destroy,
  .reset = gradvar_reset,
  .update = gradvar_update,
  .finish = gradvar_finish,
  .outputs = gradvar_outputs,
};

const InterpComponent interp_metric_gradient_variability = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "gradient-variability",
  .description = "Variance of the input gradients of a layer's units across samples and "
                 "across units, per layer (first `images` test images of each condition).",
  .params = gradvar_params, .vtable = &gradvar_vtable);
