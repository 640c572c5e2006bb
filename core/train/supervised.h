/* libinterp internals: the built-in "supervised" trainer.
 *
 * on_batch: forward pass, softmax cross-entropy of the output node against
 * the labels (with [train] label-smoothing) written into the output's
 * gradient, then every regulariser's apply() in pipeline order, each adding
 * its term to the loss and its gradient to the nodes or parameters it acts on.
 */
#ifndef INTERP_TRAIN_SUPERVISED_H
#define INTERP_TRAIN_SUPERVISED_H

#include <glib.h>
#include <interp/regularizer.h>
#include <interp/trainer.h>

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
} InterpSupervisedTrainer;

/* The hook table; its calls take an InterpSupervisedTrainer * as self. */
extern const InterpTrainHooks interp_supervised_trainer;

G_END_DECLS

#endif
