/* Shared by the modified-backward methods; contract in rule-methods.h. */
#include "config.h"

#include "rule-methods.h"

gboolean
saliency_set_rule_on_ops (InterpNet *net, const InterpOp *ops, int n_ops,
                          InterpBackwardRule rule, float eps, GError **error)
{
  for (int i = 1; i < interp_net_n_nodes (net); i++)
    for (int k = 0; k < n_ops; k++)
      if (interp_net_node_op (net, i) == ops[k]
          && !interp_net_set_backward_rule (net, i, rule, eps, error))
        return FALSE;
  return TRUE;
}
