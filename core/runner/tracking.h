/* libinterp internals: metrics tracked over training ([metric:*] track-epochs).
 *
 * After every training epoch that did not diverge, each metric with
 * track-epochs = true is run on the clean validation split in eval mode,
 * through the same reset/update/finish as the final evaluation
 * (interp_evaluate_clean_split), with the context's output folder
 * suspended (no report fragments).  Its rows (SCALAR and PER_LAYER outputs;
 * arrays are not tracked) go to the trial's
 *
 *   epochs.json   {"epochs": N, "rows": [{"epoch": E, "metric", "target", "value"}]}
 *
 * E = epochs finished (1-based), N = the epochs recorded, a non-finite
 * value null; written atomically after each epoch.  The network is handed
 * back as found (interp_net_state_save/_restore and its dropout stream), so
 * training is bit-identical with and without tracking.  On resume from the
 * checkpoint of epoch k, rows of later epochs are dropped, and the rows of
 * epoch k, when an interruption after its checkpoint lost them, are
 * measured on the loaded checkpoint: the file ends as in an uninterrupted
 * run. */
#ifndef INTERP_TRACKING_H
#define INTERP_TRACKING_H

#include <glib.h>
#include <interp/trainer.h>

#include "data/data.h"
#include "pipeline/pipeline.h"

G_BEGIN_DECLS

typedef struct InterpTracker InterpTracker;

#define INTERP_TRACKING_FILE "epochs.json"

/* Whether any [metric:*] group has track-epochs = true. */
gboolean interp_tracking_wanted (const InterpPipeline *p);
/* Before any trial: tracking needs a validation split.  INTERP_ERROR_BAD_VALUE
 * naming the file, the metric group and the key when [dataset] val-split = 0. */
gboolean interp_tracking_check (const InterpPipeline *p, GError **error);

/* A tracker of the tracked metrics among `metrics` (InterpMetricInstance*,
 * borrowed, as are the other arguments); NULL when none is tracked. */
InterpTracker *interp_tracker_new (const InterpPipeline *p, GPtrArray *metrics,
                                   InterpData *data, InterpContext *ctx, const char *dir);
void interp_tracker_free (InterpTracker *t);

/* Its hook table (on_epoch_end, on_resume); `self` is the tracker. */
extern const InterpTrainHooks interp_tracking_hooks;

G_END_DECLS

#endif
