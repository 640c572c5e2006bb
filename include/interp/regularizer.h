/* interp: regulariser components.
 *
 * A regulariser adds a term to the training loss.  In each training step the
 * core runs forward (train mode), writes the cross-entropy gradient at the
 * logits, then calls every regulariser's apply(), then runs backward once.
 * apply() returns its loss term and ADDS its gradient, either into
 * interp_net_grad() of the nodes it acts on (activation regularisers) or into
 * parameter gradients (weight regularisers; the core zeroes them before
 * apply).
 */
#ifndef INTERP_REGULARIZER_H
#define INTERP_REGULARIZER_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/dataset.h>
#include <interp/nn.h>
#include <interp/params.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  /* Resolve parameters against the network (e.g. layer globs); an empty
   * match is an error naming the glob. */
  gpointer (*create) (const InterpParams *params, InterpNet *net,
                      const InterpDataInfo *data, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  /* labels: the batch's n labels.  *loss receives the term added to the loss. */
  gboolean (*apply) (gpointer self, InterpNet *net, const int32_t *labels, int64_t n,
                     double *loss, GError **error);
} InterpRegularizerVTable;

G_END_DECLS

#endif
