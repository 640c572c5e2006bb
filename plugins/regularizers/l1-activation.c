/* regularizer:l1-activation -- a sparsity penalty on activations.
 *
 *   loss term = lambda * (1/N) sum_i sum_{u,s} |a[i, u, s]|
 *
 * summed over the matched nodes: per sample the L1 norm of the node's whole
 * output (every unit and, for conv maps, every position), averaged over the
 * N samples of the batch.  Gradient lambda/N * sign(a), with sign(0) = 0.
 * With lambda = 0 apply() touches nothing. */
#include "config.h"

#include <math.h>

#include <interp/interp.h>

#include "plugin-components.h"

typedef struct {
  char *where;
  double lambda;
  GArray *nodes;        /* int */
} L1Act;

static const InterpParamSpec l1_params[] = {
  { "lambda", INTERP_PARAM_DOUBLE, NULL,
    "coefficient: loss += lambda * mean over the batch of sum |a|", 0, 1e6, NULL },
  { "layers", INTERP_PARAM_STRING, "*relu*",
    "glob over node names ('*', '?'); the nodes whose activations are penalised", 0, 0, NULL },
  { 0 }
};

static void
l1_destroy (gpointer p)
{
  L1Act *self = p;
  if (self == NULL)
    return;
  g_free (self->where);
  g_array_unref (self->nodes);
  g_free (self);
}

static gpointer
l1_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
           InterpContext *ctx, GError **error)
{
  const char *where = interp_params_where (params);
  const char *glob = interp_params_get_string (params, "layers");
  GArray *match = interp_net_match (net, glob);
  if (match->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'layers': no node matches '%s'", where, glob);
      g_array_unref (match);
      return NULL;
    }
  L1Act *self = g_new0 (L1Act, 1);
  self->where = g_strdup (where);
  self->lambda = interp_params_get_double (params, "lambda");
  self->nodes = match;
  return self;
}

static gboolean
l1_apply (gpointer p, InterpNet *net, const int32_t *labels, int64_t n, double *loss,
          GError **error)
{
  L1Act *self = p;
  *loss = 0.0;
  if (self->lambda == 0.0 || n == 0)
    return TRUE;
  for (guint i = 0; i < self->nodes->len; i++)
    {
      int node = g_array_index (self->nodes, int, i);
      const InterpTensor *v = interp_net_value (net, node);
      if (v->shape[0] != n || !interp_tensor_same_shape (v, interp_net_grad (net, node)))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "%s: node '%s' does not hold this batch of %" G_GINT64_FORMAT
                       " samples", self->where, interp_net_node_name (net, node), n);
          return FALSE;
        }
    }
  float step = (float) (self->lambda / (double) n);
  double sum = 0.0;
  for (guint i = 0; i < self->nodes->len; i++)
    {
      int node = g_array_index (self->nodes, int, i);
      const InterpTensor *v = interp_net_value (net, node);
      float *g = interp_net_grad (net, node)->data;
      for (size_t j = 0; j < v->numel; j++)
        {
          float a = v->data[j];
          sum += fabsf (a);
          g[j] += a > 0.0f ? step : a < 0.0f ? -step : 0.0f;
        }
    }
  *loss = self->lambda * sum / (double) n;
  return TRUE;
}

static const InterpRegularizerVTable l1_vtable = {
  INTERP_VTABLE_SIZE (InterpRegularizerVTable),
  .create = l1_create,
  .destroy = l1_destroy,
  .apply = l1_apply,
};

const InterpComponent interp_regularizer_l1_activation = INTERP_COMPONENT (
  .kind = INTERP_KIND_REGULARIZER, .name = "l1-activation",
  .description = "Adds lambda times the batch mean of the L1 norm of the matched nodes' "
                 "activations to the loss.",
  .params = l1_params, .vtable = &l1_vtable);
