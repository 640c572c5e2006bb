/* interp: corruption components (CIFAR-10-C style).
 *
 * A corruption maps clean images in [0, 1] to corrupted images in [0, 1] at
 * a severity level (the runner sweeps the level key, usually "severity").
 * Random corruptions draw only from the rng they are given, so a corrupted
 * test set is a function of the pipeline seed.
 *
 * apply() gets one image (x is 1 x C x H x W) and its own random stream,
 * derived from the pipeline seed, the group, the level and the image's index
 * in the test split, so a corrupted image does not depend on the batch size,
 * the thread count or the order of evaluation.  The runner calls apply()
 * for the images of a batch from several threads at once on the same
 * instance: it must not modify the instance.
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
