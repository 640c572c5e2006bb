/* libinterp internals: the training stage of a trial.
 *
 * Per epoch: shuffle (seeded by epoch), train with the regularisers, measure
 * validation accuracy, append a row to train-log.csv and checkpoint
 * (checkpoint-epoch-NNN.safetensors + optimizer-epoch-NNN.safetensors, then
 * train-state.json naming them; older epochs' files are removed).  Every
 * random stream of an epoch (shuffle, augmentation, dropout) is derived from
 * the seed and the epoch number, so a run resumed from the checkpoint of
 * epoch k ends with bit-identical weights to an uninterrupted run.
 */
#ifndef INTERP_TRAIN_H
#define INTERP_TRAIN_H

#include <glib.h>
#include <interp/interp.h>

#include "data/data.h"

G_BEGIN_DECLS

typedef struct {
  const InterpRegularizerVTable *vtable;
  gpointer instance;
  const char *group;      /* "regularizer:selectivity", for messages */
} InterpRegularizerInstance;

typedef struct {
  InterpNet *net;
  InterpData *data;
  const InterpParams *train;      /* [train] */
  GPtrArray *regularizers;        /* InterpRegularizerInstance* */
  guint64 seed;
  const char *dir;                /* the trial folder */
} InterpTrainJob;

/* *diverged: TRUE when the loss became non-finite and [train] on-divergence =
 * stop ended training early (the weights are those before that batch). */
gboolean interp_train (const InterpTrainJob *job, gboolean *diverged, GError **error);

/* Top-1 accuracy of the network over a split in eval mode (NAN for an empty split). */
double interp_split_accuracy (InterpNet *net, InterpData *data, InterpSplit split,
                              int64_t batch_size, GError **error);

G_END_DECLS

#endif
