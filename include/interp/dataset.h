/* interp: dataset components.
 *
 * A dataset plugin reads one on-disk format and serves its train and test
 * splits as images in [0, 1] (N x C x H x W) with int32 labels.  The core
 * adds everything that is common to all datasets, with keys it appends to
 * every dataset's parameter table: a seeded validation split held out of
 * train (`val-split`), `limit`, normalisation statistics (which become the
 * network's "normalize" node), and training augmentation (random crop with
 * padding, horizontal flip).  A plugin therefore only decodes its format.
 */
#ifndef INTERP_DATASET_H
#define INTERP_DATASET_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/params.h>

G_BEGIN_DECLS

typedef enum {
  INTERP_SPLIT_TRAIN = 0,
  INTERP_SPLIT_TEST,
  INTERP_SPLIT_VAL,        /* made by the core from TRAIN; never asked of a plugin */
} InterpSplit;

typedef struct {
  int64_t channels, height, width;
  int n_classes;
  const char *const *class_names;  /* n_classes names or NULL; owned by the dataset */
} InterpDataInfo;

typedef struct {
  uint32_t struct_size;
  /* Open and validate the data (magic numbers, sizes against file lengths);
   * errors name the file and what is wrong.  Decoding everything here into
   * compact memory is fine: read() must then be cheap. */
  gpointer (*open) (const InterpParams *params, InterpContext *ctx, GError **error);
  void (*close) (gpointer self);
  void (*info) (gpointer self, InterpDataInfo *info);
  /* Samples in TRAIN or TEST. */
  int64_t (*size) (gpointer self, InterpSplit split);
  /* Write samples idx[0..n) of `split` to images (n * C * H * W floats in
   * [0, 1], NCHW) and labels (n entries in [0, n_classes)). */
  gboolean (*read) (gpointer self, InterpSplit split, const int64_t *idx, int64_t n,
                    float *images, int32_t *labels, GError **error);
} InterpDatasetVTable;

G_END_DECLS

#endif
