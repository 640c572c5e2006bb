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
#include <stddef.h>
#include <stdint.h>
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
  /* Optional (added after the first release: a table built before it is
   * shorter, and the runner reads it only when struct_size covers it).
   * When set, the runner calls it instead of apply, with `index` the
   * image's position in the test split (0-based, in the order the data
   * layer serves it: after test-limit, which keeps the first images) and
   * `label` its label.  For a corruption that depends on which image it
   * is, not only on its pixels: a stored corrupted suite replaces test
   * image `index` by its own image `index` (component `stored`).  x, rng,
   * out and the return value are as for apply.  apply must still be set
   * (the registry requires it); it may fail with INTERP_ERROR_UNSUPPORTED. */
  gboolean (*apply_indexed) (gpointer self, const InterpTensor *x, int64_t index, int32_t label,
                             double level, InterpRng *rng, InterpTensor *out, GError **error);
} InterpCorruptionVTable;

/* TRUE when vt (a table of any size) has apply_indexed set. */
#define INTERP_CORRUPTION_HAS_APPLY_INDEXED(vt)                                         \
  ((vt)->struct_size >= offsetof (InterpCorruptionVTable, apply_indexed)              \
                          + sizeof ((vt)->apply_indexed)                                \
   && (vt)->apply_indexed != NULL)

G_END_DECLS

#endif
