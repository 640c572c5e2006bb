/* libinterp internals: what a network's buffers take for a batch size, so
 * that the runner can refuse a run that cannot fit before it allocates
 * anything large (core/base/memory.h says why). */
#ifndef INTERP_NN_NET_MEMORY_H
#define INTERP_NN_NET_MEMORY_H

#include <glib.h>
#include <stdint.h>
#include <interp/nn.h>

G_BEGIN_DECLS

typedef struct {
  double total;            /* bytes: everything below */
  double parameters;       /* parameter values, gradients and optimiser state */
  int largest;             /* the node whose batch-sized buffers are largest; -1: no node */
  double largest_bytes;    /* its bytes */
} InterpNetMemory;

/* An upper estimate for passes over batches of `batch` samples: every
 * node's output and gradient (backward may run in evaluation too: attacks,
 * saliency), max-pool's argmax and dropout's mask; the parameters with their
 * gradients and `optimizer_slots` state tensors each (SGD with momentum 1,
 * Adam 2, evaluation 0).  Doubles, so no width overflows.  The shared
 * workspace (a few images' im2col columns) is not counted. */
void interp_net_memory_estimate (const InterpNet *net, int64_t batch, int optimizer_slots,
                                 InterpNetMemory *m);

G_END_DECLS

#endif
