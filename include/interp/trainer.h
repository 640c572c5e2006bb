/* interp: trainers and training hooks.
 *
 * The core owns a trial's training loop: epochs, shuffled and augmented
 * batches of the training split, the optimiser and its learning-rate
 * schedule, validation accuracy, train-log.csv and the per-epoch checkpoints
 * from which a killed run resumes bit-identically.  A *trainer* decides what
 * one step optimises; *hooks* observe or adjust the loop.  Both are the same
 * table of calls, InterpTrainHooks.  For each batch the loop does:
 *
 *   zero every parameter and node gradient
 *   trainer on_batch       forward pass, loss, gradients seeded at the nodes
 *   each hook's on_batch   may add to batch->loss and to gradients
 *   (a non-finite batch->loss is a divergence: see [train] on-divergence)
 *   backward pass          gradients accumulate into the parameters
 *   trainer before_step    e.g. re-apply pruning masks, clip gradients
 *   each hook's before_step
 *   optimiser step at batch->learning_rate
 *
 * and after an epoch has been validated, logged and checkpointed:
 *
 *   trainer on_epoch_end, then each hook's on_epoch_end
 *
 * where setting *stop ends training after that epoch (the trial goes on to
 * its evaluation), and returning FALSE fails the trial: a resumed run then
 * continues from that epoch's checkpoint.
 *
 * A resumed run, once the checkpoint of the last finished epoch k is loaded
 * and before epoch k + 1, calls the trainer's and then each hook's
 * on_resume (net, k): a hook that records something per epoch can make up
 * what an interruption between the checkpoint and its on_epoch_end lost.
 * on_resume is a later member: a table whose struct_size does not reach it
 * is not called.
 *
 * The built-in trainer, "supervised", minimises softmax cross-entropy with
 * [train] label-smoothing plus the terms of every [regularizer:*] group.
 * Pruning rounds, pretext tasks and reinforcement learning are trainers on
 * the same loop.  Every call may be NULL except a trainer's on_batch.
 */
#ifndef INTERP_TRAINER_H
#define INTERP_TRAINER_H

#include <glib.h>
#include <stdint.h>
#include <interp/nn.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

/* One training batch.  The loop fills the inputs; on_batch fills the outputs. */
typedef struct {
  InterpNet *net;               /* in train mode */
  const InterpTensor *x;        /* n x C x H x W, pixels in [0, 1] (the net normalises) */
  const int32_t *labels;        /* n class labels */
  int64_t n;
  int64_t epoch;                /* 0-based */
  int64_t step;                 /* optimiser steps taken before this batch */
  double learning_rate;         /* the scheduled rate of this step (set before before_step) */
  /* Outputs of on_batch: */
  double loss;                  /* the batch's mean loss, the training log's train_loss */
  int64_t correct;              /* top-1 hits among the n samples (train_accuracy) */
} InterpTrainBatch;

/* What the loop reports after an epoch. */
typedef struct {
  int64_t epoch;                /* epochs finished, 1-based */
  int64_t epochs;               /* epochs planned ([train] epochs) */
  double train_loss;            /* mean over the epoch's samples */
  double train_accuracy;
  double val_accuracy;          /* NAN without a validation split */
  double learning_rate;         /* of the epoch's last step */
  double seconds;
  gboolean diverged;            /* the epoch ended in a divergence (it is not checkpointed) */
} InterpEpochSummary;

typedef struct {
  uint32_t struct_size;         /* INTERP_VTABLE_SIZE (InterpTrainHooks) */
  gboolean (*on_batch) (gpointer self, InterpTrainBatch *batch, GError **error);
  gboolean (*before_step) (gpointer self, InterpTrainBatch *batch, GError **error);
  gboolean (*on_epoch_end) (gpointer self, InterpNet *net, const InterpEpochSummary *epoch,
                            gboolean *stop, GError **error);
  gboolean (*on_resume) (gpointer self, InterpNet *net, int64_t epochs_done, GError **error);
} InterpTrainHooks;

G_END_DECLS

#endif
