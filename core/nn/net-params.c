/* The network's parameters: listing and finding them, initialising them
 * (Kaiming-normal or PyTorch's default, per node or all), freezing, pruning
 * masks (applied to values and to gradients), and copying them between two
 * networks of the same architecture. */
#include "config.h"

#include "nn/net-impl.h"

#include <math.h>
#include <string.h>

/* ---- gradient masks, initialisation schemes ------------------------------------ */

void
net_mask_grad (InterpParam *p)
{
  if (p->mask == NULL || p->grad == NULL)
    return;
  const float *m = p->mask->data;
  float *g = p->grad->data;
  for (size_t i = 0; i < p->grad->numel; i++)
    g[i] *= m[i];
}

void
net_kaiming_normal (InterpTensor *w, int64_t fan_in, InterpRng *rng)
{
  double std = sqrt (2.0 / (double) (fan_in > 0 ? fan_in : 1));
  for (size_t i = 0; i < w->numel; i++)
    w->data[i] = (float) (std * interp_rng_normal (rng));
}

/* U(-bound, bound) with bound = 1/sqrt(fan_in): PyTorch's kaiming_uniform
 * with a = sqrt(5) for weights, and its bias rule. */
static void
net_uniform_fan_in (InterpTensor *t, int64_t fan_in, InterpRng *rng)
{
  double bound = 1.0 / sqrt ((double) (fan_in > 0 ? fan_in : 1));
  for (size_t i = 0; i < t->numel; i++)
    t->data[i] = (float) (bound * (2.0 * interp_rng_uniform (rng) - 1.0));
}

void
net_init_weight_bias (InterpNet *net, InterpTensor *w, InterpTensor *b, int64_t fan_in,
                      InterpRng *rng)
{
  if (net->init == INTERP_INIT_PYTORCH)
    {
      net_uniform_fan_in (w, fan_in, rng);
      if (b)
        net_uniform_fan_in (b, fan_in, rng);
      return;
    }
  net_kaiming_normal (w, fan_in, rng);
  if (b)
    interp_tensor_zero (b);
}

void
interp_net_set_init (InterpNet *net, InterpInit init)
{
  g_return_if_fail (net != NULL);
  g_return_if_fail (init == INTERP_INIT_KAIMING_NORMAL || init == INTERP_INIT_PYTORCH);
  net->init = init;
}

InterpInit
interp_net_get_init (const InterpNet *net)
{
  g_return_val_if_fail (net != NULL, INTERP_INIT_KAIMING_NORMAL);
  return net->init;
}

/* ---- listing ------------------------------------------------------------------ */

int
interp_net_n_params (const InterpNet *net)
{
  return (int) net->params->len;
}

InterpParam *
interp_net_param (InterpNet *net, int i)
{
  g_return_val_if_fail (i >= 0 && i < (int) net->params->len, NULL);
  return g_ptr_array_index (net->params, i);
}

InterpParam *
interp_net_find_param (InterpNet *net, const char *name)
{
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (strcmp (p->name, name) == 0)
        return p;
    }
  return NULL;
}

size_t
interp_net_count_params (const InterpNet *net)
{
  size_t n = 0;
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (!p->is_buffer)
        n += p->value->numel;
    }
  return n;
}

/* ---- initialising, freezing, masking, copying ---------------------------------- */

void
interp_net_reinit_node (InterpNet *net, int node, InterpRng *rng)
{
  g_return_if_fail (net_valid_node (net, node));
  NetNode *n = net_node (net, node);
  if (n->klass->init)
    n->klass->init (net, n, rng);
  for (int k = 0; k < n->n_params; k++)
    if (n->params[k]->mask)
      {
        InterpParam *p = n->params[k];
        for (size_t i = 0; i < p->value->numel; i++)
          p->value->data[i] *= p->mask->data[i];
      }
}

void
interp_net_init (InterpNet *net, InterpRng *rng)
{
  for (int i = 0; i < (int) net->nodes->len; i++)
    interp_net_reinit_node (net, i, rng);
}

void
interp_net_set_frozen (InterpNet *net, int node, gboolean frozen)
{
  g_return_if_fail (net_valid_node (net, node));
  NetNode *n = net_node (net, node);
  for (int k = 0; k < n->n_params; k++)
    n->params[k]->frozen = frozen;
}

gboolean
interp_net_set_mask (InterpNet *net, const char *param, const InterpTensor *mask,
                     GError **error)
{
  InterpParam *p = interp_net_find_param (net, param);
  if (p == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND,
                   "no parameter named '%s' in the network", param);
      return FALSE;
    }
  if (mask == NULL)
    {
      interp_tensor_free (p->mask);
      p->mask = NULL;
      return TRUE;
    }
  if (!interp_tensor_same_shape (p->value, mask))
    {
      char *want = interp_tensor_shape_string (p->value);
      char *got = interp_tensor_shape_string (mask);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "mask for parameter '%s' is shaped %s, the parameter %s", param, got, want);
      g_free (want);
      g_free (got);
      return FALSE;
    }
  if (p->mask == NULL)
    p->mask = interp_tensor_copy (p->value);
  memcpy (p->mask->data, mask->data, mask->numel * sizeof (float));
  for (size_t i = 0; i < p->value->numel; i++)
    p->value->data[i] *= p->mask->data[i];
  return TRUE;
}

void
interp_net_apply_masks (InterpNet *net)
{
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (p->mask)
        for (size_t j = 0; j < p->value->numel; j++)
          p->value->data[j] *= p->mask->data[j];
    }
}

gboolean
interp_net_copy_params (InterpNet *dst, const InterpNet *src, GError **error)
{
  if (dst->params->len != src->params->len)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "cannot copy parameters: the networks have %u and %u parameters",
                   src->params->len, dst->params->len);
      return FALSE;
    }
  for (guint i = 0; i < src->params->len; i++)
    {
      const InterpParam *s = g_ptr_array_index (src->params, i);
      const InterpParam *d = g_ptr_array_index (dst->params, i);
      if (strcmp (s->name, d->name) != 0 || !interp_tensor_same_shape (s->value, d->value))
        {
          char *ss = interp_tensor_shape_string (s->value);
          char *ds = interp_tensor_shape_string (d->value);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                       "cannot copy parameters: parameter %u is '%s' %s in the source "
                       "but '%s' %s in the destination", i, s->name, ss, d->name, ds);
          g_free (ss);
          g_free (ds);
          return FALSE;
        }
    }
  for (guint i = 0; i < src->params->len; i++)
    {
      const InterpParam *s = g_ptr_array_index (src->params, i);
      InterpParam *d = g_ptr_array_index (dst->params, i);
      memcpy (d->value->data, s->value->data, s->value->numel * sizeof (float));
    }
  return TRUE;
}
