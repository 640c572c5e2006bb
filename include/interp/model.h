/* interp: model components.
 *
 * A model plugin appends its layers to a network the core created with the
 * dataset's input shape and a "normalize" node, so the model sees normalised
 * inputs while every caller works in [0, 1] pixels.  The last node it adds
 * must produce the logits (N x n_classes).  Node names are part of the
 * model's interface (layer globs in pipelines, checkpoint tensor names):
 * keep them stable and PyTorch-like ("conv1", "layer2.0.relu", "fc").
 * The core initialises the weights afterwards (interp_net_init).
 */
#ifndef INTERP_MODEL_H
#define INTERP_MODEL_H

#include <glib.h>
#include <interp/dataset.h>
#include <interp/nn.h>
#include <interp/params.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  gboolean (*build) (const InterpParams *params, const InterpDataInfo *data,
                     InterpNet *net, int input, GError **error);
} InterpModelVTable;

G_END_DECLS

#endif
