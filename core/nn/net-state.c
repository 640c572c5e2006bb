/* Snapshots of what a borrowing component must give back (nn.h,
 * interp_net_state_save): flags, node gradient accumulators, parameter
 * gradients, backward rules and the DeepLIFT reference.  Untouched gradient buffers hold garbage by contract, so only
 * touched ones are copied; restoring an untouched one just clears the flag. */
#include "config.h"

#include "nn/net-impl.h"

struct InterpNetState {
  InterpMode mode;
  gboolean input_grad, param_grad, bn_batch_stats;
  guint n_nodes, n_params;
  gboolean *touched;          /* per node */
  InterpTensor **node_grad;   /* per node: a copy when touched, else NULL */
  InterpTensor **param_grad_copy;  /* per parameter: a copy, NULL for buffers */
  InterpBackwardRule *rule;   /* per node */
  float *rule_eps;            /* per node */
  int n_rescale;
  int64_t ref_batch;
  int ref_last;
  InterpTensor **ref;         /* per node: a copy of the reference, or NULL */
  int32_t **ref_argmax;       /* per node: a copy (maxpool), or NULL */
};

InterpNetState *
interp_net_state_save (const InterpNet *net)
{
  InterpNetState *s = g_new0 (InterpNetState, 1);
  s->mode = net->mode;
  s->input_grad = net->input_grad;
  s->param_grad = net->param_grad;
  s->bn_batch_stats = net->bn_batch_stats;
  s->n_nodes = net->nodes->len;
  s->n_params = net->params->len;
  s->touched = g_new0 (gboolean, s->n_nodes);
  s->node_grad = g_new0 (InterpTensor *, s->n_nodes);
  s->param_grad_copy = g_new0 (InterpTensor *, s->n_params);
  s->rule = g_new0 (InterpBackwardRule, s->n_nodes);
  s->rule_eps = g_new0 (float, s->n_nodes);
  s->ref = g_new0 (InterpTensor *, s->n_nodes);
  s->ref_argmax = g_new0 (int32_t *, s->n_nodes);
  s->n_rescale = net->n_rescale;
  s->ref_batch = net->ref_batch;
  s->ref_last = net->ref_last;
  for (guint i = 0; i < s->n_nodes; i++)
    {
      const NetNode *node = net_node (net, (int) i);
      s->touched[i] = node->touched;
      if (node->touched)
        s->node_grad[i] = interp_tensor_copy (node->grad);
      s->rule[i] = node->rule;
      s->rule_eps[i] = node->rule_eps;
      if (node->ref != NULL)
        s->ref[i] = interp_tensor_copy (node->ref);
      if (node->ref_argmax != NULL)
        s->ref_argmax[i] = g_memdup2 (node->ref_argmax,
                                      MAX (node->ref->numel, 1) * sizeof (int32_t));
    }
  for (guint i = 0; i < s->n_params; i++)
    {
      const InterpParam *p = g_ptr_array_index (net->params, i);
      if (p->grad != NULL)
        s->param_grad_copy[i] = interp_tensor_copy (p->grad);
    }
  return s;
}

void
interp_net_state_restore (InterpNet *net, InterpNetState *s)
{
  g_return_if_fail (s != NULL && s->n_nodes == net->nodes->len
                    && s->n_params == net->params->len);
  net->mode = s->mode;
  net->input_grad = s->input_grad;
  net->param_grad = s->param_grad;
  net->bn_batch_stats = s->bn_batch_stats;
  net_reference_free (net);
  net->n_rescale = s->n_rescale;
  net->ref_batch = s->ref_batch;
  net->ref_last = s->ref_last;
  for (guint i = 0; i < s->n_nodes; i++)
    {
      NetNode *node = net_node (net, (int) i);
      node->touched = s->touched[i];
      if (s->touched[i])
        interp_tensor_copy_into (node->grad, s->node_grad[i]);
      node->rule = s->rule[i];
      node->rule_eps = s->rule_eps[i];
      /* the copies move into the network */
      node->ref = s->ref[i];
      node->ref_argmax = s->ref_argmax[i];
      s->ref[i] = NULL;
      s->ref_argmax[i] = NULL;
    }
  for (guint i = 0; i < s->n_params; i++)
    {
      InterpParam *p = g_ptr_array_index (net->params, i);
      if (s->param_grad_copy[i] != NULL)
        interp_tensor_copy_into (p->grad, s->param_grad_copy[i]);
    }
  interp_net_state_free (s);
}

void
interp_net_state_free (InterpNetState *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < s->n_nodes; i++)
    {
      interp_tensor_free (s->node_grad[i]);
      interp_tensor_free (s->ref[i]);
      g_free (s->ref_argmax[i]);
    }
  for (guint i = 0; i < s->n_params; i++)
    interp_tensor_free (s->param_grad_copy[i]);
  g_free (s->touched);
  g_free (s->node_grad);
  g_free (s->param_grad_copy);
  g_free (s->rule);
  g_free (s->rule_eps);
  g_free (s->ref);
  g_free (s->ref_argmax);
  g_free (s);
}
