/* interp: corruption components (CIFAR-10-C style).
 *
 * A corruption maps clean images in [0, 1] to corrupted images in [0, 1] at
 * a severity level (the runner sweeps the level key, usually "severity").
 * Random corruptions draw only from the rng they are given, so a corrupted
 * test set is a function of the pipeline seed.
 */
#ifndef INTERP_CORRUPTION_H
#define INTERP_CORRUPTION_H

#include <glib.h>
#include <interp/context.h>
#include <interp/params.h>
#include <interp/rng.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

typedef struct {
  uint32_t struct_size;
  const char *level_key;   /* an INT_LIST or DOUBLE_LIST key, e.g. "severity" */
  gpointer (*create) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  gboolean (*apply) (gpointer self, const InterpTensor *x, double level, InterpRng *rng,
                     InterpTensor *out, GError **error);
} InterpCorruptionVTable;

G_END_DECLS

#endif
