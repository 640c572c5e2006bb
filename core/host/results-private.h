/* libinterp internals: the results sink behind <interp/results.h>. */
#ifndef INTERP_RESULTS_PRIVATE_H
#define INTERP_RESULTS_PRIVATE_H

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
/* The value of (metric, target) (target NULL = ""); FALSE if absent. */
gboolean interp_results_lookup (const InterpResults *r, const char *metric,
                                const char *target, double *value);

G_END_DECLS

#endif
