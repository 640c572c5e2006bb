/* interp: what the runner gives a component.
 *
 * One InterpContext per trial.  It carries the trial's seed, thread count,
 * output folder and the condition under evaluation, and hands out named random streams, so components
 * never touch global state.
 */
#ifndef INTERP_CONTEXT_H
#define INTERP_CONTEXT_H

#include <glib.h>
#include <interp/rng.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

typedef struct InterpContext InterpContext;

InterpContext *interp_context_new (guint64 seed, int threads, const char *output_dir);
void interp_context_free (InterpContext *ctx);

guint64 interp_context_seed (const InterpContext *ctx);
int interp_context_threads (const InterpContext *ctx);
/* The trial's folder (exists), or NULL when nothing is written (--check,
 * unit tests).  Borrowed. */
const char *interp_context_output_dir (const InterpContext *ctx);
/* The stream of this trial named `stream`, e.g. "attack:pgd/start". */
void interp_context_rng (const InterpContext *ctx, const char *stream, InterpRng *rng);
/* The condition being evaluated, named as in summary.csv: "clean", or
 * "<perturbation>@<level>" (e.g. "corruption:noise@3"); NULL outside the
 * evaluation (training).  Borrowed.  The context lives for the whole trial,
 * so a component may keep the pointer it was created with. */
const char *interp_context_condition (const InterpContext *ctx);
/* During a metric's update(): the clean (unperturbed) images of the batch
 * whose perturbed version the metric was given, so a metric can compare
 * the two representations (perturbed - clean).  Under the clean condition
 * it is the same images as update()'s x.  NULL outside update().  Borrowed,
 * valid until update() returns. */
const InterpTensor *interp_context_clean_batch (const InterpContext *ctx);

G_END_DECLS

#endif
