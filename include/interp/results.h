/* interp: measured values.
 *
 * Metrics write into an InterpResults sink.  Each value becomes one row of
 * the run's tidy summary.csv:
 *   trial,seed,metric,target,perturbation,level,value,<one column per swept key>
 * The runner fills trial, seed, perturbation and level (the condition the
 * metric was evaluated under); the metric gives its name, a target (a layer
 * name, a class, or NULL) and the value.  Arrays (histograms, curves) go to
 * the trial's metrics.json only.  A metric writes only the names its
 * outputs table declares, rows and arrays as their kinds say
 * (<interp/metric.h>); anything else fails the trial.
 */
#ifndef INTERP_RESULTS_H
#define INTERP_RESULTS_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct InterpResults InterpResults;

void interp_results_add (InterpResults *r, const char *metric, const char *target,
                         double value);
void interp_results_add_array (InterpResults *r, const char *metric, const char *target,
                               const double *values, size_t n);

G_END_DECLS

#endif
