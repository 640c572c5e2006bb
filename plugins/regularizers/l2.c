/* regularizer:l2 -- weight decay as a loss term.
 *
 *   loss term = lambda / 2 * sum_w w^2     gradient: lambda * w
 *
 * over the trainable parameters whose names match `params` (frozen ones and
 * buffers are left out).  `weight-decay` is another name for `lambda`; give
 * exactly one.  Note that optim:sgd's own weight decay adds the same
 * gradient: use one or the other.  With lambda = 0 apply() touches nothing. */
#include "config.h"

#include <interp/interp.h>

#include "plugin-components.h"

typedef struct {
  double lambda;
  GPtrArray *params;    /* InterpParam*, borrowed from the network */
} L2;

static const InterpParamSpec l2_params[] = {
  { "lambda", INTERP_PARAM_DOUBLE, "0",
    "coefficient: loss += lambda/2 * sum w^2; give this or weight-decay, not both",
    0, 1e6, NULL },
  { "weight-decay", INTERP_PARAM_DOUBLE, "0",
    "another name for lambda", 0, 1e6, NULL },
  { "params", INTERP_PARAM_STRING, "*.weight",
    "glob over parameter names ('*', '?'), e.g. '*.weight' or 'fc.*'", 0, 0, NULL },
  { 0 }
};

static void
l2_destroy (gpointer p)
{
  L2 *self = p;
  if (self == NULL)
    return;
  g_ptr_array_unref (self->params);
  g_free (self);
}

static gpointer
l2_create (const InterpParams *params, InterpNet *net, const InterpDataInfo *data,
           InterpContext *ctx, GError **error)
{
  const char *where = interp_params_where (params);
  gboolean has_lambda = interp_params_is_set (params, "lambda");
  gboolean has_wd = interp_params_is_set (params, "weight-decay");
  if (has_lambda == has_wd)
    {
      g_set_error (error, INTERP_ERROR, has_lambda ? INTERP_ERROR_BAD_VALUE : INTERP_ERROR_MISSING,
                   "%s: give exactly one of the keys 'lambda' and 'weight-decay'", where);
      return NULL;
    }
  const char *glob = interp_params_get_string (params, "params");
  GPtrArray *matched = g_ptr_array_new ();
  for (int i = 0; i < interp_net_n_params (net); i++)
    {
      InterpParam *prm = interp_net_param (net, i);
      if (!prm->is_buffer && prm->grad != NULL && g_pattern_match_simple (glob, prm->name))
        g_ptr_array_add (matched, prm);
    }
  if (matched->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "%s: key 'params': no trainable parameter matches '%s'", where, glob);
      g_ptr_array_unref (matched);
      return NULL;
    }
  L2 *self = g_new0 (L2, 1);
  self->lambda = interp_params_get_double (params, has_lambda ? "lambda" : "weight-decay");
  self->params = matched;
  return self;
}

static gboolean
l2_apply (gpointer p, InterpNet *net, const int32_t *labels, int64_t n, double *loss,
          GError **error)
{
  L2 *self = p;
  *loss = 0.0;
  if (self->lambda == 0.0)
    return TRUE;
  float lambda = (float) self->lambda;
  double sum = 0.0;
  for (guint i = 0; i < self->params->len; i++)
    {
      InterpParam *prm = g_ptr_array_index (self->params, i);
      if (prm->frozen)
        continue;
      const float *w = prm->value->data;
      float *g = prm->grad->data;
      for (size_t j = 0; j < prm->value->numel; j++)
        {
          sum += (double) w[j] * w[j];
          g[j] += lambda * w[j];
        }
    }
  *loss = 0.5 * self->lambda * sum;
  return TRUE;
}

static const InterpRegularizerVTable l2_vtable = {
  INTERP_VTABLE_SIZE (InterpRegularizerVTable),
  .create = l2_create,
  .destroy = l2_destroy,
  .apply = l2_apply,
};

const InterpComponent interp_regularizer_l2 = INTERP_COMPONENT (
  .kind = INTERP_KIND_REGULARIZER, .name = "l2",
  .description = "Adds lambda/2 * sum of squared weights of the matched parameters to the loss.",
  .params = l2_params, .vtable = &l2_vtable);
