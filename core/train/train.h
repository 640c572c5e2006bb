/* libinterp internals: the training loop of a trial (include/interp/trainer.h
 * describes the order of calls).
 *
 * Per epoch: shuffle (seeded by epoch), train, measure validation accuracy,
 * append a row to train-log.csv and checkpoint (train-state.c).  Every random
 * stream of an epoch (shuffle, augmentation, dropout) is derived from the
 * seed and the epoch number, so a run resumed from the checkpoint of epoch k
 * ends with bit-identical weights to an uninterrupted run.
 */
#ifndef INTERP_TRAIN_H
#define INTERP_TRAIN_H

#include <glib.h>
#include <interp/nn.h>
#include <interp/trainer.h>

#include "data/data.h"
#include "train/gradient-norms.h"
#include "train/train-config.h"

G_BEGIN_DECLS

/* A hook table and the `self` its calls receive. */
typedef struct {
  const InterpTrainHooks *hooks;
  gpointer self;
} InterpTrainHookRef;

typedef struct {
  InterpNet *net;
  InterpData *data;
  const InterpTrainConfig *config;
  InterpTrainHookRef trainer;      /* on_batch required */
  const InterpTrainHookRef *hooks; /* n_hooks more, called after the trainer's */
  guint n_hooks;
  guint64 seed;
  const char *dir;                 /* the trial folder: log, checkpoints, resume state */
  /* NULL, or the recorder the trainer records its sources in (supervised.h): the loop
   * records "total" after the before_step calls, keeps gradient-norms.csv across a
   * resume and writes it after every epoch.  Borrowed. */
  InterpGradNorms *grad_norms;
} InterpTrainJob;

/* Trains for config->epochs, resuming after the epochs an earlier attempt
 * finished.  *diverged: TRUE when the loss became non-finite and
 * on-divergence = stop ended training early (the weights are those before
 * that batch). */
gboolean interp_train (const InterpTrainJob *job, gboolean *diverged, GError **error);

/* Top-1 accuracy of the network over a split in eval mode (NAN for an empty split). */
double interp_split_accuracy (InterpNet *net, InterpData *data, InterpSplit split,
                              int64_t batch_size, GError **error);

G_END_DECLS

#endif
