/* libinterp internals: the results sink behind <interp/results.h>. */
#ifndef INTERP_RESULTS_PRIVATE_H
#define INTERP_RESULTS_PRIVATE_H

#include <interp/metric.h>
#include <interp/results.h>

G_BEGIN_DECLS

typedef struct {
  char *metric;
  char *target;         /* "" when none */
  double value;
} InterpResultRow;

typedef struct {
  char *metric;
  char *target;
  GArray *values;       /* double */
} InterpResultArray;

InterpResults *interp_results_new (void);
void interp_results_free (InterpResults *r);
void interp_results_clear (InterpResults *r);
guint interp_results_n_rows (const InterpResults *r);
const InterpResultRow *interp_results_row (const InterpResults *r, guint i);
guint interp_results_n_arrays (const InterpResults *r);
const InterpResultArray *interp_results_array (const InterpResults *r, guint i);
/* From now on, `r` accepts only what `outputs` (the table of the metric
 * component `component`, "metric:NAME", borrowed; NULL when it declares
 * none) declares, each in the form of its kind; clears an earlier
 * violation.  Without this call everything is accepted (unit tests). */
void interp_results_expect (InterpResults *r, const char *component,
                            const InterpMetricOutput *outputs);
/* FALSE with INTERP_ERROR_PLUGIN_INVALID naming the component and the first
 * undeclared or misdeclared name written since interp_results_expect. */
gboolean interp_results_check (const InterpResults *r, GError **error);

/* The words summary.json uses for the enums of <interp/metric.h>:
 * "scalar", "per-layer", "histogram", "curve", "values"; "higher", "lower",
 * "neither".  The parsers return FALSE for any other text. */
const char *interp_output_kind_name (InterpOutputKind kind);
gboolean interp_output_kind_parse (const char *text, InterpOutputKind *kind);
const char *interp_better_name (InterpBetter better);
gboolean interp_better_parse (const char *text, InterpBetter *better);

/* The value of (metric, target) (target NULL = ""); FALSE if absent. */
gboolean interp_results_lookup (const InterpResults *r, const char *metric,
                                const char *target, double *value);

G_END_DECLS

#endif
