/* libinterp internals: each test image's minimal adversarial epsilon
 * ([attack:*] minimal-epsilon = true; keys in core/plugin/kinds.c).
 *
 * For an attack whose levels go up to E (the largest value of its level
 * key), image i's minimal epsilon is the smallest budget in (0, E] under
 * which the attack makes the prediction wrong:
 *   - already wrong on the clean image: 0;
 *   - fixed-budget attacks: one call at eps = E for the whole batch; an
 *     image still right there is robust (+inf, "robust at the largest
 *     budget"); for the others `minimal-epsilon-steps` bisection steps on
 *     [0, E], one perturb call per step for the whole batch with per-image
 *     budgets (images already decided get eps 0, which the contract says
 *     returns them unchanged).  The result is the upper end of the final
 *     interval: a budget that was seen to fool the network, within
 *     E / 2^steps of the boundary for an attack that succeeds at every
 *     budget above a threshold;
 *   - attacks with INTERP_ATTACK_MINIMAL_NORM: one call at eps = E; a fooled
 *     image's value is the norm of the perturbation found
 *     (interp_perturbation_norm in the attack's norm), others are robust.
 * The attack gets a stream per (group, "minimal", batch, step):
 * "<group>/minimal/batch-B/step-S", S = 0 for the call at E, 1..steps for the
 * bisection, so the search is deterministic and independent of the thread
 * count, and the sweep's streams ("<group>/<level>/batch-B") are untouched.
 *
 * What is recorded, with perturbation = the attack's group and level "":
 *   rows   minimal-epsilon-median  the median over all test images, robust
 *                                  images counted at E (so a lower bound of
 *                                  the true median when half or more are robust)
 *          minimal-epsilon-robust  the fraction of test images robust at E
 *   array  minimal-epsilon         one value per test image in test order;
 *                                  robust images are +inf, which metrics.json
 *                                  writes as null
 * These names are declared in interp_minimal_epsilon_outputs, summary.json
 * lists them under the component "runner" (run-summary.c), so summary.csv,
 * hypotheses and the report treat them like any metric's outputs.
 */
#ifndef INTERP_MINIMAL_EPSILON_H
#define INTERP_MINIMAL_EPSILON_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <interp/interp.h>

#include "data/data.h"
#include "pipeline/pipeline.h"

G_BEGIN_DECLS

/* The component name under which summary.json declares the runner's rows. */
#define INTERP_RUNNER_OUTPUTS_COMPONENT "runner"

extern const InterpMetricOutput interp_minimal_epsilon_outputs[];

typedef struct {
  const InterpAttackVTable *vtable;
  gpointer instance;
  const char *group;     /* "attack:NAME": stream names and error prefixes */
  double eps_max;        /* E: the largest level, > 0 */
  int steps;             /* bisection steps, >= 1 */
} InterpMinimalSearch;

/* The minimal epsilon of each image of the batch x (n = x->shape[0]) into
 * out[0..n-1].  The network must be in eval mode; its node values afterwards
 * are those of the last forward (undefined for the caller). */
gboolean interp_minimal_epsilon_batch (const InterpMinimalSearch *s, InterpNet *net,
                                       const InterpTensor *x, const int32_t *labels,
                                       int64_t batch_index, InterpContext *ctx, double *out,
                                       GError **error);

/* INTERP_ERROR_BAD_VALUE naming the file, the group and the key when an
 * attack of the (trial) pipeline asks for the search but its largest level
 * is not a positive finite number.  Run by interp_run_check. */
gboolean interp_minimal_epsilon_check (const InterpPipeline *p, GError **error);

/* Whether the stage asks for the search. */
gboolean interp_minimal_epsilon_wanted (const InterpStage *attack);

/* The whole search for one [attack:*] stage over the test split, batch by
 * batch (`batch` images), appending the rows and the array above.  Errors
 * are prefixed with the group. */
gboolean interp_minimal_epsilon_run (const InterpStage *attack, gpointer instance,
                                     InterpNet *net, InterpData *data, int64_t batch,
                                     InterpContext *ctx, JsonArray *rows, JsonArray *arrays,
                                     GError **error);

/* The rows and the array of `values` (n per-image minimal epsilons, +inf =
 * robust at eps_max), as interp_minimal_epsilon_run records them. */
void interp_minimal_epsilon_record (const char *group, const double *values, size_t n,
                                    double eps_max, JsonArray *rows, JsonArray *arrays);

G_END_DECLS

#endif
