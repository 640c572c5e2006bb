/* Snapshots of what a borrowing component must give back (nn.h,
 * interp_net_state_save): flags, node gradient accumulators, parameter
 * gradients.  Untouched gradient buffers hold garbage by contract, so only
 * touched ones are copied; restoring an untouched one just clears the flag. */
#include "config.h"

#include "nn/net-impl.h"

struct InterpNetState {
  InterpMode mode;
  gboolean input_grad, param_grad;
  guint n_nodes, n_params;
  gboolean *touched;          /* per node */
  InterpTensor **node_grad;   /* per node: a copy when touched, else NULL */
  InterpTensor **param_grad_copy;  /* per parameter: a copy, NULL for buffers */
};

InterpNetState *
interp_net_state_save (const InterpNet *net)
{
  InterpNetState *s = g_new0 (InterpNetState, 1);
  s->mode = net->mode;
  s->input_grad = net->input_grad;
  s->param_grad = net->param_grad;
  s->n_nodes = net->nodes->len;
  s->n_params = net->params->len;
  s->touched = g_new0 (gboolean, s->n_nodes);
  s->node_grad = g_new0 (InterpTensor *, s->n_nodes);
  s->param_grad_copy = g_new0 (InterpTensor *, s->n_params);
  for (guint i = 0; i < s->n_nodes; i++)
    {
      const NetNode *node = net_node (net, (int) i);
      s->touched[i] = node->touched;
      if (node->touched)
        s->node_grad[i] = interp_tensor_copy (node->grad);
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
  for (guint i = 0; i < s->n_nodes; i++)
    {
      NetNode *node = net_node (net, (int) i);
      node->touched = s->touched[i];
      if (s->touched[i])
        interp_tensor_copy_into (node->grad, s->node_grad[i]);
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
    interp_tensor_free (s->node_grad[i]);
  for (guint i = 0; i < s->n_params; i++)
    interp_tensor_free (s->param_grad_copy[i]);
  g_free (s->touched);
  g_free (s->node_grad);
  g_free (s->param_grad_copy);
  g_free (s);
}
