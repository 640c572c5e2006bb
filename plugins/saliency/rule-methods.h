/* What guided-backprop, deconvnet, deeplift and lrp share: setting one
 * backward rule on every node of some ops (the caller holds a
 * SaliencyGuard, which takes the rules back off). */
#ifndef INTERP_PLUGINS_SALIENCY_RULE_METHODS_H
#define INTERP_PLUGINS_SALIENCY_RULE_METHODS_H

#include <interp/interp.h>

G_BEGIN_DECLS

/* Sets `rule` (eps for LRP_EPSILON) on every node whose op is one of ops[n_ops]. */
gboolean saliency_set_rule_on_ops (InterpNet *net, const InterpOp *ops, int n_ops,
                                   InterpBackwardRule rule, float eps, GError **error);

G_END_DECLS

#endif
