/* Test-only components that exercise the runner's evaluation paths:
 *   metric:constant       reports a fixed value (0.5, NaN or +Inf) and the batch count
 *   corruption:darken     x * (1 - level / 10): deterministic, severity 1..5
 *   corruption:speckle    x + level / 10 * U(-1, 1) per pixel, clipped: draws from the rng it
 *                         is given (so example images test the per-image streams)
 *   attack:random-sign    x + level * random sign, clipped: draws from the rng it is given
 *   metric:node-mean      PER_LAYER: the mean value of every node after the input, over the
 *                         condition's images (a per-layer output measured under perturbations)
 *   metric:clean-distance SCALAR: the largest |x - clean| over the condition's pixels, read
 *                         through interp_context_clean_batch (an error when it is missing)
 */
#include <interp/interp.h>

#include <math.h>
#include <string.h>

typedef struct {
  double value;
  gint64 batches;
} Constant;

static const InterpParamSpec constant_params[] = {
  { .key = "value", .type = INTERP_PARAM_CHOICE, .default_value = "half",
    .choices = "half|nan|inf", .help = "the value reported" },
  { 0 }
};

static gpointer
constant_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                 InterpContext *ctx, GError **error)
{
  Constant *c = g_new0 (Constant, 1);
  const char *v = interp_params_get_string (params, "value");
  c->value = g_str_equal (v, "nan") ? NAN : g_str_equal (v, "inf") ? INFINITY : 0.5;
  return c;
}

static void
constant_reset (gpointer self)
{
  ((Constant *) self)->batches = 0;
}

static gboolean
constant_update (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                 GError **error)
{
  ((Constant *) self)->batches++;
  return TRUE;
}

static gboolean
constant_finish (gpointer self, InterpResults *results, GError **error)
{
  Constant *c = self;
  interp_results_add (results, "constant", NULL, c->value);
  interp_results_add (results, "batches", NULL, (double) c->batches);
  double arr[2] = { c->value, 1.0 };
  interp_results_add_array (results, "constant-array", NULL, arr, 2);
  return TRUE;
}

/* "constant-array" is a curve so that the runner's array path and the
 * report's curve section see a declared curve. */
static const InterpMetricOutput constant_outputs[] = {
  { .name = "constant", .kind = INTERP_OUTPUT_SCALAR, .description = "The configured value",
    .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "batches", .kind = INTERP_OUTPUT_SCALAR, .description = "Test batches seen",
    .unit = "count", .min = 0.0, .max = INFINITY, .higher_is_better = INTERP_BETTER_NEITHER },
  { .name = "constant-array", .kind = INTERP_OUTPUT_CURVE, .description = "The value, then 1",
    .higher_is_better = INTERP_BETTER_NEITHER,
    .x_label = "position", .x_min = 0.0, .x_max = 1.0 },
  { 0 }
};

static const InterpMetricVTable constant_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = constant_create,
  .destroy = g_free,
  .reset = constant_reset,
  .update = constant_update,
  .finish = constant_finish,
  .outputs = constant_outputs,
};

static const InterpComponent constant = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "constant",
  .description = "Reports a fixed value (test)", .params = constant_params,
  .vtable = &constant_vtable);

static const InterpParamSpec darken_params[] = {
  { .key = "severity", .type = INTERP_PARAM_INT_LIST, .default_value = "1..5", .min = 1, .max = 5,
    .help = "severities" },
  { 0 }
};

static gpointer
no_state (const InterpParams *params, InterpContext *ctx, GError **error)
{
  return g_new0 (char, 1);
}

static gboolean
darken_apply (gpointer self, const InterpTensor *x, double level, InterpRng *rng,
              InterpTensor *out, GError **error)
{
  interp_tensor_reshape (out, x->ndim, x->shape);
  for (size_t i = 0; i < x->numel; i++)
    out->data[i] = x->data[i] * (float) (1.0 - level / 10.0);
  return TRUE;
}

static const InterpCorruptionVTable darken_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = no_state,
  .destroy = g_free,
  .apply = darken_apply,
};

static const InterpComponent darken = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "darken",
  .description = "Scales pixels by 1 - severity/10 (test)", .params = darken_params,
  .vtable = &darken_vtable);

static gboolean
speckle_apply (gpointer self, const InterpTensor *x, double level, InterpRng *rng,
               InterpTensor *out, GError **error)
{
  interp_tensor_reshape (out, x->ndim, x->shape);
  for (size_t i = 0; i < x->numel; i++)
    {
      float v = x->data[i] + (float) (level / 10.0 * (2.0 * interp_rng_uniform (rng) - 1.0));
      out->data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  return TRUE;
}

static const InterpCorruptionVTable speckle_vtable = {
  INTERP_VTABLE_SIZE (InterpCorruptionVTable),
  .level_key = "severity",
  .create = no_state,
  .destroy = g_free,
  .apply = speckle_apply,
};

static const InterpComponent speckle = INTERP_COMPONENT (
  .kind = INTERP_KIND_CORRUPTION, .name = "speckle",
  .description = "Adds severity/10 * U(-1, 1) to every pixel, clipped (test)",
  .params = darken_params, .vtable = &speckle_vtable);

static const InterpParamSpec sign_params[] = {
  { .key = "epsilon", .type = INTERP_PARAM_DOUBLE_LIST, .default_value = "0, 0.5", .min = 0,
    .max = 1, .help = "noise amplitudes" },
  { 0 }
};

static gboolean
sign_perturb (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
              const double *eps, InterpRng *rng, InterpTensor *x_adv, GError **error)
{
  interp_tensor_reshape (x_adv, x->ndim, x->shape);
  const size_t d = interp_tensor_sample_size (x);
  for (size_t i = 0; i < x->numel; i++)
    {
      float level = (float) eps[i / d];
      float v = x->data[i] + level * (interp_rng_uniform (rng) < 0.5 ? -1.0f : 1.0f);
      x_adv->data[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  return TRUE;
}

static void
sign_describe (gpointer self, InterpAttackInfo *info)
{
  info->norm = INTERP_NORM_LINF;
  info->flags = INTERP_ATTACK_GRADIENT_FREE | INTERP_ATTACK_RANDOMIZED;
}

static const InterpAttackVTable sign_vtable = {
  INTERP_VTABLE_SIZE (InterpAttackVTable),
  .level_key = "epsilon",
  .create = no_state,
  .destroy = g_free,
  .perturb = sign_perturb,
  .describe = sign_describe,
};

static const InterpComponent random_sign = INTERP_COMPONENT (
  .kind = INTERP_KIND_ATTACK, .name = "random-sign",
  .description = "Adds level * a random sign to every pixel (test)", .params = sign_params,
  .vtable = &sign_vtable);

typedef struct {
  GArray *sums;     /* double per node */
  gint64 images;
} NodeMean;

static gpointer
node_mean_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                  InterpContext *ctx, GError **error)
{
  NodeMean *m = g_new0 (NodeMean, 1);
  m->sums = g_array_new (FALSE, TRUE, sizeof (double));
  return m;
}

static void
node_mean_destroy (gpointer self)
{
  NodeMean *m = self;
  g_array_unref (m->sums);
  g_free (m);
}

static void
node_mean_reset (gpointer self)
{
  NodeMean *m = self;
  g_array_set_size (m->sums, 0);
  m->images = 0;
}

static gboolean
node_mean_update (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                  GError **error)
{
  NodeMean *m = self;
  int n = interp_net_n_nodes (net);
  g_array_set_size (m->sums, (guint) n);
  for (int k = 1; k < n; k++)
    {
      const InterpTensor *v = interp_net_value (net, k);
      double sum = 0;
      for (size_t i = 0; i < v->numel; i++)
        sum += v->data[i];
      /* Per image: the node's mean over its own values. */
      g_array_index (m->sums, double, k) += sum / (double) interp_tensor_sample_size (v);
    }
  m->images += x->shape[0];
  return TRUE;
}

static gboolean
node_mean_finish (gpointer self, InterpResults *results, GError **error)
{
  NodeMean *m = self;
  for (guint k = 1; k < m->sums->len; k++)
    {
      char *name = g_strdup_printf ("node-%u", k);
      interp_results_add (results, "node-mean", name,
                          g_array_index (m->sums, double, k) / (double) MAX (m->images, 1));
      g_free (name);
    }
  return TRUE;
}

static const InterpMetricOutput node_mean_outputs[] = {
  { .name = "node-mean", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Mean value of each node", .higher_is_better = INTERP_BETTER_NEITHER },
  { 0 }
};

static const InterpMetricVTable node_mean_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = node_mean_create,
  .destroy = node_mean_destroy,
  .reset = node_mean_reset,
  .update = node_mean_update,
  .finish = node_mean_finish,
  .outputs = node_mean_outputs,
};

static const InterpParamSpec no_params[] = { { 0 } };

static const InterpComponent node_mean = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "node-mean",
  .description = "Mean value of every node after the input (test)", .params = no_params,
  .vtable = &node_mean_vtable);

typedef struct {
  InterpContext *ctx;
  double max_abs;
} CleanDistance;

static gpointer
clean_distance_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                       InterpContext *ctx, GError **error)
{
  CleanDistance *m = g_new0 (CleanDistance, 1);
  m->ctx = ctx;
  return m;
}

static void
clean_distance_reset (gpointer self)
{
  ((CleanDistance *) self)->max_abs = 0;
}

static gboolean
clean_distance_update (gpointer self, InterpNet *net, const InterpTensor *x,
                       const int32_t *labels, GError **error)
{
  CleanDistance *m = self;
  const InterpTensor *clean = interp_context_clean_batch (m->ctx);
  if (clean == NULL || clean->numel != x->numel)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "no clean batch in update()");
      return FALSE;
    }
  for (size_t i = 0; i < x->numel; i++)
    m->max_abs = fmax (m->max_abs, fabs ((double) x->data[i] - clean->data[i]));
  return TRUE;
}

static gboolean
clean_distance_finish (gpointer self, InterpResults *results, GError **error)
{
  interp_results_add (results, "clean-distance", NULL, ((CleanDistance *) self)->max_abs);
  return TRUE;
}

static const InterpMetricOutput clean_distance_outputs[] = {
  { .name = "clean-distance", .kind = INTERP_OUTPUT_SCALAR,
    .description = "Largest |x - clean| over the pixels", .higher_is_better = INTERP_BETTER_NEITHER },
  { 0 }
};

static const InterpMetricVTable clean_distance_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = clean_distance_create,
  .destroy = g_free,
  .reset = clean_distance_reset,
  .update = clean_distance_update,
  .finish = clean_distance_finish,
  .outputs = clean_distance_outputs,
};

static const InterpComponent clean_distance = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC, .name = "clean-distance",
  .description = "Largest distance of the evaluated pixels from the clean ones (test)",
  .params = no_params, .vtable = &clean_distance_vtable);

static const InterpComponent *const components[] = { &constant, &darken, &speckle, &random_sign,
                                                     &node_mean, &clean_distance };

INTERP_PLUGIN_DEFINE (.name = "runner-probes", .version = "1.0", .license = "MIT",
                      .description = "Test-only components for the runner's tests",
                      .components = components, .n_components = G_N_ELEMENTS (components))
