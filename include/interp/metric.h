/* interp: metric components.
 *
 * A metric streams over the test split once per condition (clean, each
 * corruption x severity, each attack x level).  For each condition the runner
 * calls reset(), then for every batch runs the network forward in eval mode
 * on the (perturbed) images and calls update(), then finish().  update() may
 * read any node's value from that forward pass, or run its own
 * forward/backward passes (e.g. input gradients, or the clean images of
 * interp_context_clean_batch to compare representations).  A metric that
 * runs its own passes leaves the network as it found it for the next
 * metric: interp_net_state_save/_restore for flags and gradients, and a
 * final forward on x so node values are those of x again.  Metrics must not
 * keep all activations: accumulate sufficient statistics.
 *
 * Every [metric:*] group takes the runner key `perturbations` (a list of
 * globs over clean, corruption:NAME, attack:NAME; default "*"): the metric
 * is reset, updated and finished only on the conditions it selects, so an
 * expensive metric can run on clean data and one attack only.
 *
 * Outputs.  A metric declares what finish() writes in a table of
 * InterpMetricOutput, the way it declares its parameters, and points
 * InterpMetricVTable.outputs at it.  The contract:
 *
 *   - finish() may only write names its table declares, each in the form
 *     its kind says (a row through interp_results_add for SCALAR and
 *     PER_LAYER, an array through interp_results_add_array for the others).
 *     Anything else fails the trial with an error naming the component and
 *     the name.
 *   - The table is the only thing the run report knows about a metric: plot
 *     kinds, axis labels, ranges and section titles come from it, never from
 *     the metric's name.  It is recorded in the run's summary.json, so a
 *     report can be rebuilt from the run folder alone.
 *
 *   kind       written as           target                  report
 *   SCALAR     one row              "" (NULL)               results table, sweep and
 *                                                           robustness plots
 *   PER_LAYER  one row per layer    a node name; "" for an  grouped bars, layers x
 *                                   aggregate over layers   conditions
 *   HISTOGRAM  array of counts      a node name or ""       outline plot per target,
 *                                                           one line per condition
 *   CURVE      array of y values    a node name or ""       line plot per target
 *   VALUES     array (e.g. one      a node name or ""       not drawn (metrics.json only)
 *              value per unit)
 *
 *   - HISTOGRAM: values[i] counts the items in bin i of n equal-width bins
 *     covering [min, max]; where values outside go is the metric's choice
 *     (document it).  Declare the range: without one the report can only
 *     number the bins.
 *   - CURVE: values[i] is y at x_i = x_min + i (x_max - x_min) / (n - 1),
 *     i = 0..n-1 (n >= 2); with no x range, x_i = i.  min/max/unit describe y.
 *   - min/max: the range of valid values; the report's axes stay inside
 *     it, and robustness plots of a bounded value span all of it.  A side
 *     that is NAN or infinite has no bound ({ .min = 0, .max = INFINITY }
 *     for a count); min >= max (0, 0 when both are left out) means no
 *     range at all.
 *   - higher_is_better: a SCALAR with a direction gets robustness plots
 *     (value vs severity, vs epsilon); NEITHER leaves it out of them.
 *   - name may end in or contain '*' (any text) for names built from
 *     parameters, e.g. "top*-accuracy"; exact entries are matched first.
 *
 * The table ends with an entry whose name is NULL.  The struct keeps its
 * size across versions: new members take the place of `reserved`, which
 * must stay zero.
 */
#ifndef INTERP_METRIC_H
#define INTERP_METRIC_H

#include <glib.h>
#include <stdint.h>
#include <interp/context.h>
#include <interp/dataset.h>
#include <interp/nn.h>
#include <interp/params.h>
#include <interp/results.h>

G_BEGIN_DECLS

/* Enums only grow at the end. */
typedef enum {
  INTERP_OUTPUT_SCALAR = 0,
  INTERP_OUTPUT_PER_LAYER,
  INTERP_OUTPUT_HISTOGRAM,
  INTERP_OUTPUT_CURVE,
  INTERP_OUTPUT_VALUES,
} InterpOutputKind;

/* Which direction is an improvement: what a robustness plot or a verdict
 * reads "better" as. */
typedef enum {
  INTERP_BETTER_NEITHER = 0,
  INTERP_BETTER_HIGHER,
  INTERP_BETTER_LOWER,
} InterpBetter;

typedef struct {
  const char *name;             /* the metric column of summary.csv; NULL ends the table */
  InterpOutputKind kind;
  const char *description;      /* one line, no final period: the report's section title */
  const char *unit;             /* "fraction", "nats", "count", ...; NULL or "" for none */
  double min, max;              /* the range (see above); HISTOGRAM: the binned range */
  InterpBetter higher_is_better;
  const char *x_label;          /* CURVE: the x axis, with its unit ("fraction of units removed") */
  double x_min, x_max;          /* CURVE: x of the first and last value; unbounded = index */
  const void *reserved[4];
} InterpMetricOutput;

typedef struct {
  uint32_t struct_size;
  gpointer (*create) (const InterpParams *params, InterpNet *net,
                      const InterpDataInfo *data, InterpContext *ctx, GError **error);
  void (*destroy) (gpointer self);
  void (*reset) (gpointer self);
  gboolean (*update) (gpointer self, InterpNet *net, const InterpTensor *x,
                      const int32_t *labels, GError **error);
  gboolean (*finish) (gpointer self, InterpResults *results, GError **error);
  /* What finish() writes: a table ending with { 0 }.  Required. */
  const InterpMetricOutput *outputs;
} InterpMetricVTable;

/* The entry of `outputs` that declares `name` (an exact entry first, then
 * the first pattern with '*' that matches), or NULL.  For a plugin's own
 * tests: "every row my finish() wrote is declared". */
const InterpMetricOutput *interp_metric_output_find (const InterpMetricOutput *outputs,
                                                     const char *name);

G_END_DECLS

#endif
