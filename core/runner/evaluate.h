/* libinterp internals: evaluating metrics on the test split under every condition.
 *
 * Conditions, in order: clean; every [corruption:*] at every value of its
 * level key; every [attack:*] at every value of its level key.  For each
 * condition every metric is reset, fed every test batch (perturbed, then run
 * forward in eval mode) and finished; its rows are recorded with the
 * condition's perturbation ("clean" or the group name) and level.
 *
 * With corruptions in the pipeline, the first [pipeline] corruption-examples
 * test images of the clean and of every corruption condition are saved as
 * they were fed to the network (runner/examples.h); likewise the first
 * [pipeline] attack-examples images of every attack condition, with their
 * amplified perturbations.  (Examples are saved while a condition is
 * evaluated, so only for conditions some metric runs on.)
 *
 * After an attack's levels, an attack with minimal-epsilon = true gets its
 * per-image minimal-epsilon search (runner/minimal-epsilon.h), which needs
 * no metric.
 *
 * Random perturbations are functions of the seed and the sample: corruptions
 * get a stream per image ("<group>/<level>/<index>"), so results do not
 * depend on eval-batch-size; attacks get a stream per batch.
 */
#ifndef INTERP_EVALUATE_H
#define INTERP_EVALUATE_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <interp/interp.h>

#include "data/data.h"
#include "pipeline/pipeline.h"

G_BEGIN_DECLS

typedef struct {
  const InterpStage *stage;
  const InterpMetricVTable *vtable;
  gpointer instance;
} InterpMetricInstance;

/* Runs every condition; appends to `rows` and `arrays` (JSON arrays of
 * {metric, target, perturbation, level, value|values}). */
gboolean interp_evaluate (const InterpPipeline *p, InterpNet *net, InterpData *data,
                          GPtrArray *metrics, InterpContext *ctx, JsonArray *rows,
                          JsonArray *arrays, GError **error);

/* The clean condition on `split`, for every metric of `metrics` whatever
 * its `perturbations` (the per-epoch tracking, runner/tracking.h, runs it
 * on VAL): reset, update per batch after a forward pass, finish; rows and
 * arrays as interp_evaluate records them (perturbation "clean").  The
 * caller sets the network's mode; `what` labels the progress line.  No
 * example images are saved. */
gboolean interp_evaluate_clean_split (InterpNet *net, InterpData *data, InterpSplit split,
                                      GPtrArray *metrics, int64_t batch, const char *what,
                                      InterpContext *ctx, JsonArray *rows, JsonArray *arrays,
                                      GError **error);

G_END_DECLS

#endif
