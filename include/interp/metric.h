/* interp: metric components.
 *
 * A metric streams over the test split once per condition (clean, each
 * corruption x severity, each attack x level).  For each condition the runner
 * calls reset(), then for every batch runs the network forward in eval mode
 * on the (perturbed) images and calls update(), then finish().  update() may
 * read any node's value from that forward pass, or run its own
 * forward/backward passes (e.g. input gradients).  Metrics must not keep all
 * activations: accumulate sufficient statistics.
 */
#ifndef INTERP_METRIC_H
#define INTERP_METRIC_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/dataset.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/results.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  gpointer (*create) (const InterpParams *params, InterpNet *net,
                      const InterpDataInfo *data, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  void (*reset) (gpointer self);
  gboolean (*update) (gpointer self, InterpNet *net, const InterpTensor *x,
                      const int32_t *labels, GError **error);
  gboolean (*finish) (gpointer self, InterpResults *results, GError **error);
} InterpMetricVTable;

G_END_DECLS

#endif
