/* metric:gradient-variability's one pass, shared with its unit tests (they
 * compile the component in and check these gradients against finite
 * differences). */
#ifndef INTERP_PLUGINS_METRICS_GRADIENT_VARIABILITY_H
#define INTERP_PLUGINS_METRICS_GRADIENT_VARIABILITY_H

#include <interp/interp.h>

/* The activation of unit u of node `node` for sample s is the mean over
 * H x W of channel u (feature u of a 1-d node).  After a forward pass that
 * reached `node`, with input gradients on, writes d a_u(x_s) / d x_s for
 * every sample s of the pass into grad (N x C x H x W of the input,
 * row-major): one backward seeded with 1 / (H W) on channel u.  Node
 * gradients are zeroed first and left holding this pass's. */
G_GNUC_INTERNAL void interp_gradvar_unit_gradient (InterpNet *net, int node, int64_t unit,
                                                   float *grad);

#endif
