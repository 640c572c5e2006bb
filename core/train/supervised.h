/* libinterp internals: the built-in "supervised" trainer.
 *
 * on_batch: forward pass, softmax cross-entropy of the output node against
 * the labels (with [train] label-smoothing) written into the output's
 * gradient, then every regulariser's apply() in pipeline order, each adding
 * its term to the loss and its gradient to the nodes or parameters it acts on.
 *
 * With a gradient-norms recorder, on a step it is due (gradient-norms.h),
 * on_batch first runs one backward pass per loss source on the same forward
 * values, each from zeroed node and parameter gradients, records the
 * parameter-gradient norms, and zeroes every gradient again before the
 * normal path: the step then computes bit for bit what it computes without
 * the recorder.  (Forward runs once, so batchnorm running statistics and
 * dropout draws are not repeated; backward and the built-in regularisers'
 * apply() change nothing but gradients, and apply() keeps no state between
 * calls.)
 */
#ifndef INTERP_TRAIN_SUPERVISED_H
#define INTERP_TRAIN_SUPERVISED_H

#include <glib.h>
#include <interp/regularizer.h>
#include <interp/trainer.h>

#include "train/gradient-norms.h"

G_BEGIN_DECLS

/* A created regulariser. */
typedef struct {
  const InterpRegularizerVTable *vtable;
  gpointer instance;
  const char *group;      /* "regularizer:selectivity", for messages; borrowed */
} InterpRegularizerInstance;

typedef struct {
  float label_smoothing;
  GPtrArray *regularizers;   /* InterpRegularizerInstance*, borrowed */
  InterpGradNorms *grad_norms;  /* NULL = off; borrowed (the job's too: it records "total") */
} InterpSupervisedTrainer;

/* The hook table; its calls take an InterpSupervisedTrainer * as self. */
extern const InterpTrainHooks interp_supervised_trainer;

G_END_DECLS

#endif
