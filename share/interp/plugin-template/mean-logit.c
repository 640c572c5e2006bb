/* An out-of-tree interp metric plugin: copy this folder, rename the
 * component, edit this file, run `make`, and point interp-run at the folder:
 *
 *   make && interp-run --plugin-path . --describe metric:mean-logit
 *
 * The metric reports the mean value of the network's logit for each
 * sample's true class ("how confident is the network in the right answer"),
 * streaming over the test batches the runner feeds it.
 */
#include <interp/interp.h>

typedef struct {
  double sum;       /* sum over samples of the true-class logit */
  gint64 count;
  char *node;       /* the node whose output is read; "" = the logits */
} MeanLogit;

static const InterpParamSpec mean_logit_params[] = {
  { .key = "node", .type = INTERP_PARAM_STRING, .default_value = "",
    .help = "node to read (N x classes); empty = the network's output" },
  { 0 }
};

static gpointer
mean_logit_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
                   InterpContext *ctx, GError **error)
{
  const char *node = interp_params_get_string (params, "node");
  if (*node && interp_net_find (net, node) < 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'node': the network has no node '%s'", interp_params_where (params),
                   node);
      return NULL;
    }
  MeanLogit *m = g_new0 (MeanLogit, 1);
  m->node = g_strdup (node);
  return m;
}

static void
mean_logit_destroy (gpointer self)
{
  MeanLogit *m = self;
  g_free (m->node);
  g_free (m);
}

static void
mean_logit_reset (gpointer self)
{
  MeanLogit *m = self;
  m->sum = 0;
  m->count = 0;
}

static gboolean
mean_logit_update (gpointer self, InterpNet *net, const InterpTensor *x, const int32_t *labels,
                   GError **error)
{
  MeanLogit *m = self;
  int node = *m->node ? interp_net_find (net, m->node) : interp_net_output_node (net);
  const InterpTensor *out = interp_net_value (net, node);
  int64_t n = out->shape[0], k = (int64_t) interp_tensor_sample_size (out);
  for (int64_t i = 0; i < n; i++)
    {
      if (labels[i] >= k)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "label %d does not index a %" G_GINT64_FORMAT "-wide output", labels[i], k);
          return FALSE;
        }
      m->sum += out->data[i * k + labels[i]];
    }
  m->count += n;
  return TRUE;
}

static gboolean
mean_logit_finish (gpointer self, InterpResults *results, GError **error)
{
  MeanLogit *m = self;
  interp_results_add (results, "mean-true-logit", m->node,
                      m->count ? m->sum / (double) m->count : 0.0);
  return TRUE;
}

/* Everything finish() writes, declared: the report draws its plots from
 * this table (see <interp/metric.h>).  A name finish() writes that is not
 * here fails the run. */
static const InterpMetricOutput mean_logit_outputs[] = {
  { .name = "mean-true-logit", .kind = INTERP_OUTPUT_PER_LAYER,
    .description = "Mean logit of the true class", .unit = "logit",
    .higher_is_better = INTERP_BETTER_NEITHER },   /* no .min/.max: unbounded */
  { 0 }
};

static const InterpMetricVTable mean_logit_vtable = {
  INTERP_VTABLE_SIZE (InterpMetricVTable),
  .create = mean_logit_create,
  .destroy = mean_logit_destroy,
  .reset = mean_logit_reset,
  .update = mean_logit_update,
  .finish = mean_logit_finish,
  .outputs = mean_logit_outputs,
};

static const InterpComponent mean_logit = INTERP_COMPONENT (
  .kind = INTERP_KIND_METRIC,
  .name = "mean-logit",
  .description = "Mean logit of the true class over the evaluated samples",
  .params = mean_logit_params,
  .vtable = &mean_logit_vtable);

static const InterpComponent *const components[] = { &mean_logit };

INTERP_PLUGIN_DEFINE (.name = "mean-logit-example",
                      .version = "1.0",
                      .license = "MIT",
                      .description = "A template for out-of-tree interp plugins",
                      .components = components,
                      .n_components = G_N_ELEMENTS (components))
