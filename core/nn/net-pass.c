/* Running the network: the forward pass (to the output or to any node),
 * the backward pass that accumulates gradients into the nodes and the
 * unfrozen parameters, the gradient buffers a caller may seed, the mode and
 * the shared workspace, and the per-node timing that INTERP_NN_PROFILE=1
 * turns on. */
#include "config.h"

#include "nn/net-impl.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- workspace ------------------------------------------------------------ */

float *
net_workspace (InterpNet *net, size_t n)
{
  if (n > net->work_cap)
    {
      free (net->work);
      void *p = NULL;
      size_t bytes = (n * sizeof (float) + 63) / 64 * 64;
      if (posix_memalign (&p, 64, bytes) != 0)
        g_error ("interp: out of memory allocating a %zu-byte workspace", bytes);
      net->work = p;
      net->work_cap = n;
    }
  return net->work;
}

/* ---- profiling (INTERP_NN_PROFILE=1) -------------------------------------- */

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

static void
profile_add (InterpNet *net, int node, int phase, double seconds)
{
  if (net->profile_len < net->nodes->len)
    {
      net->profile = g_realloc (net->profile, net->nodes->len * sizeof *net->profile);
      memset (net->profile + net->profile_len, 0,
              (net->nodes->len - net->profile_len) * sizeof *net->profile);
      net->profile_len = net->nodes->len;
    }
  net->profile[node][phase] += seconds;
}

void
net_profile_print (InterpNet *net)
{
  double total[2] = { 0, 0 };
  for (guint i = 0; i < net->profile_len; i++)
    for (int k = 0; k < 2; k++)
      total[k] += net->profile[i][k];
  g_printerr ("interp: per-node time over %" G_GINT64_FORMAT " forward passes "
              "(ms per pass; forward %.2f, backward %.2f)\n", net->profile_calls,
              1e3 * total[0] / (double) MAX (net->profile_calls, 1),
              1e3 * total[1] / (double) MAX (net->profile_calls, 1));
  for (guint i = 0; i < net->profile_len; i++)
    {
      NetNode *node = net_node (net, (int) i);
      g_printerr ("  %-24s %-14s %8.3f %8.3f\n", node->name, interp_op_name (node->op),
                  1e3 * net->profile[i][0] / (double) MAX (net->profile_calls, 1),
                  1e3 * net->profile[i][1] / (double) MAX (net->profile_calls, 1));
    }
}

/* ---- running ---------------------------------------------------------------- */

void
interp_net_set_mode (InterpNet *net, InterpMode mode)
{
  net->mode = mode;
}

InterpMode
interp_net_mode (const InterpNet *net)
{
  return net->mode;
}

void
interp_net_set_input_grad (InterpNet *net, gboolean enabled)
{
  net->input_grad = enabled;
}

void
interp_net_set_param_grad (InterpNet *net, gboolean enabled)
{
  net->param_grad = enabled;
}

gboolean
interp_net_param_grad (const InterpNet *net)
{
  return net->param_grad;
}

void
interp_net_set_batchnorm_batch_stats (InterpNet *net, gboolean enabled)
{
  net->bn_batch_stats = enabled;
}

gboolean
interp_net_batchnorm_batch_stats (const InterpNet *net)
{
  return net->bn_batch_stats;
}

gboolean
interp_net_input_grad_enabled (const InterpNet *net)
{
  return net->input_grad;
}

InterpRng *
interp_net_rng (InterpNet *net)
{
  return &net->rng;
}

/* ---- gradient buffers ------------------------------------------------------- */

/* Make an untouched gradient a zero tensor of the value's shape. */
static void
touch_grad (NetNode *node)
{
  if (node->touched)
    return;
  interp_tensor_reshape (node->grad, node->value->ndim, node->value->shape);
  interp_tensor_zero (node->grad);
  node->touched = TRUE;
}

InterpTensor *
interp_net_grad (InterpNet *net, int node)
{
  g_return_val_if_fail (net_valid_node (net, node), NULL);
  NetNode *n = net_node (net, node);
  touch_grad (n);
  return n->grad;
}

const InterpTensor *
interp_net_input_grad (const InterpNet *net)
{
  NetNode *n = net_node (net, 0);
  touch_grad (n);
  return n->grad;
}

/* ---- forward and backward --------------------------------------------------- */

/* x fits the input node: N x C x H x W, or N x F (or N x F x 1 x 1) for
 * feature vectors. */
static gboolean
input_fits (const NetNode *in, const InterpTensor *x)
{
  if (in->ndim == 3)
    return x->ndim == 4 && x->shape[1] == in->shape[0] && x->shape[2] == in->shape[1]
           && x->shape[3] == in->shape[2];
  if (x->ndim == 2)
    return x->shape[1] == in->shape[0];
  return x->ndim == 4 && x->shape[1] == in->shape[0] && x->shape[2] == 1 && x->shape[3] == 1;
}

gboolean
interp_net_forward_to (InterpNet *net, const InterpTensor *x, int last, GError **error)
{
  g_return_val_if_fail (net_valid_node (net, last), FALSE);
  NetNode *in = net_node (net, 0);
  if (x == NULL || !input_fits (in, x))
    {
      char *got = x ? interp_tensor_shape_string (x) : g_strdup ("nothing");
      int ndim;
      int64_t shape[4];
      net_node_batch_shape (in, 1, &ndim, shape);
      InterpTensor want = { .ndim = ndim };
      memcpy (want.shape, shape, sizeof shape);
      want.shape[0] = -1;
      char *exp = interp_tensor_shape_string (&want);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_SHAPE,
                   "network input: expected a batch shaped %s (N first), got %s", exp, got);
      g_free (got);
      g_free (exp);
      return FALSE;
    }
  int64_t n = x->shape[0];
  if (G_UNLIKELY (net->n_rescale > 0) && !net_rules_check_forward (net, n, error))
    return FALSE;
  interp_blas_serial_begin ();
  for (int i = 0; i <= last; i++)
    {
      NetNode *node = net_node (net, i);
      int ndim;
      int64_t shape[4];
      net_node_batch_shape (node, n, &ndim, shape);
      if (node->value->ndim != ndim || node->value->shape[0] != n)
        {
          interp_tensor_reshape (node->value, ndim, shape);
          node->touched = FALSE;   /* an old gradient of another batch size means nothing */
        }
      double t0 = net->profile ? now_seconds () : 0.0;
      if (i == 0)
        memcpy (node->value->data, x->data, x->numel * sizeof (float));
      else
        node->klass->forward (net, node);
      if (net->profile)
        profile_add (net, i, 0, now_seconds () - t0);
    }
  interp_blas_serial_end ();
  net->last_forward = last;
  net->profile_calls++;
  return TRUE;
}

gboolean
interp_net_forward (InterpNet *net, const InterpTensor *x, GError **error)
{
  return interp_net_forward_to (net, x, interp_net_output_node (net), error);
}

void
interp_net_zero_grad (InterpNet *net)
{
  /* Lazy: an untouched gradient is zeroed (or overwritten) when first used. */
  for (guint i = 0; i < net->nodes->len; i++)
    net_node (net, i)->touched = FALSE;
}

void
interp_net_zero_param_grad (InterpNet *net)
{
  for (guint i = 0; i < net->params->len; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (p->grad)
        interp_tensor_zero (p->grad);
    }
}

static gboolean
node_has_trainable (const InterpNet *net, const NetNode *node)
{
  for (int k = 0; k < node->n_params; k++)
    if (net_param_wants_grad (net, node->params[k]))
      return TRUE;
  return FALSE;
}

void
interp_net_backward (InterpNet *net)
{
  int last = net->last_forward;
  if (last < 0)
    return;
  /* A node's gradient is needed when something upstream of it (the input,
   * when enabled, or a trainable parameter) is. */
  gboolean *need = g_newa (gboolean, last + 1);
  need[0] = net->input_grad;
  for (int i = 1; i <= last; i++)
    {
      NetNode *node = net_node (net, i);
      need[i] = node_has_trainable (net, node);
      for (int k = 0; k < node->n_in; k++)
        need[i] = need[i] || need[node->in[k]];
    }
  interp_blas_serial_begin ();
  for (int i = last; i >= 1; i--)
    {
      NetNode *node = net_node (net, i);
      if (!node->touched || !need[i])
        continue;
      NetGradMode mode[2] = { NET_GRAD_SKIP, NET_GRAD_SKIP };
      for (int k = 0; k < node->n_in; k++)
        {
          NetNode *src = net_input (net, node, k);
          if (!need[node->in[k]])
            continue;
          if (src->touched)
            mode[k] = NET_GRAD_ADD;
          else
            {
              interp_tensor_reshape (src->grad, src->value->ndim, src->value->shape);
              mode[k] = NET_GRAD_SET;
              src->touched = TRUE;
            }
        }
      double t0 = net->profile ? now_seconds () : 0.0;
      if (G_UNLIKELY (node->rule != INTERP_RULE_GRADIENT))
        net_rule_backward (net, node, mode);
      else
        node->klass->backward (net, node, mode);
      if (net->profile)
        profile_add (net, i, 1, now_seconds () - t0);
      for (int k = 0; k < node->n_params; k++)
        if (net_param_wants_grad (net, node->params[k]))
          net_mask_grad (node->params[k]);
    }
  interp_blas_serial_end ();
}
