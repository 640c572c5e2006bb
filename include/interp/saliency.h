/* interp: saliency (attribution) components.
 *
 * attribute() writes one map per image, of the image's shape, explaining the
 * logit of class targets[i].  The network is in eval mode with input
 * gradients enabled.
 */
#ifndef INTERP_SALIENCY_H
#define INTERP_SALIENCY_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/rng.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  gpointer (*create) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  gboolean (*attribute) (gpointer self, InterpNet *net, const InterpTensor *x,
                         const int32_t *targets, InterpRng *rng, InterpTensor *attr,
                         GError **error);
} InterpSaliencyVTable;

G_END_DECLS

#endif
