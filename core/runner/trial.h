/* libinterp internals: one trial of a run.
 *
 * A trial is one point of the sweep: open the dataset, build (or load) the
 * model, train it with the regularisers, evaluate every metric on clean test
 * data, under every corruption x severity and every attack x level, and write
 * the trial folder:
 *   train-log.csv   epoch,train_loss,train_accuracy,val_accuracy,learning_rate,seconds
 *   model.safetensors            final weights
 *   checkpoint.safetensors, optimizer.safetensors   last finished epoch (resume)
 *   metrics.json    {"rows":[{metric,target,perturbation,level,value}], "arrays":[...]}
 *   trial.json      written last: the trial is complete when it exists
 */
#ifndef INTERP_TRIAL_H
#define INTERP_TRIAL_H

#include <glib.h>
#include <interp/metric.h>
#include <interp/trainer.h>

#include "data/data.h"
#include "pipeline/pipeline.h"

G_BEGIN_DECLS

typedef struct {
  const InterpPipeline *pipeline;  /* the trial's own pipeline (no sweep) */
  const char *id;                  /* "trial-003" */
  const char *dir;                 /* its folder; created by the caller */
  const char *const *overrides;    /* the sweep's GROUP.KEY=VALUE of this trial */
  int threads;
  const InterpTrainHooks *hooks;   /* extra training hooks (InterpRunOptions), or NULL */
  gpointer hooks_self;
} InterpTrialSpec;

/* What a trial itself writes into metrics.json besides its metrics (the
 * row "training-diverged"), declared as a metric declares its outputs. */
extern const InterpMetricOutput interp_trial_outputs[];

gboolean interp_trial_run (const InterpTrialSpec *spec, GError **error);

/* The trial's network for `data`: input, a "normalize" node with the
 * data's statistics, the [model] plugin's layers, initialised from the
 * stream `init_stream` of `seed` (the trial uses "model/init").  No
 * checkpoint is loaded.  Errors are prefixed with the [model] group.  The
 * saliency stage builds ROAR's retrained networks with it. */
InterpNet *interp_trial_build_net (const InterpPipeline *p, InterpData *data,
                                   const char *init_stream, guint64 seed, GError **error);
gboolean interp_trial_is_complete (const char *dir);

G_END_DECLS

#endif
