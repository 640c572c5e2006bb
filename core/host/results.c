#include "config.h"

#include "host/results-private.h"

#include <string.h>

#include <interp/error.h>

struct InterpResults {
  GArray *rows;     /* InterpResultRow */
  GPtrArray *arrays; /* InterpResultArray* */
  gboolean expecting;                   /* interp_results_expect was called */
  char *component;
  const InterpMetricOutput *outputs;    /* borrowed; NULL: declares nothing */
  char *violation;                      /* the first, NULL when none */
};

const InterpMetricOutput *
interp_metric_output_find (const InterpMetricOutput *outputs, const char *name)
{
  if (outputs == NULL || name == NULL)
    return NULL;
  for (const InterpMetricOutput *o = outputs; o->name; o++)
    if (strcmp (o->name, name) == 0)
      return o;
  for (const InterpMetricOutput *o = outputs; o->name; o++)
    if (strchr (o->name, '*') && g_pattern_match_simple (o->name, name))
      return o;
  return NULL;
}

static const char *const kind_names[] = { "scalar", "per-layer", "histogram", "curve", "values" };
static const char *const better_names[] = { "neither", "higher", "lower" };

const char *
interp_output_kind_name (InterpOutputKind kind)
{
  return (guint) kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : "?";
}

gboolean
interp_output_kind_parse (const char *text, InterpOutputKind *kind)
{
  for (guint i = 0; text && i < G_N_ELEMENTS (kind_names); i++)
    if (strcmp (text, kind_names[i]) == 0)
      {
        *kind = (InterpOutputKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
interp_better_name (InterpBetter better)
{
  return (guint) better < G_N_ELEMENTS (better_names) ? better_names[better] : "?";
}

gboolean
interp_better_parse (const char *text, InterpBetter *better)
{
  for (guint i = 0; text && i < G_N_ELEMENTS (better_names); i++)
    if (strcmp (text, better_names[i]) == 0)
      {
        *better = (InterpBetter) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
is_row_kind (InterpOutputKind kind)
{
  return kind == INTERP_OUTPUT_SCALAR || kind == INTERP_OUTPUT_PER_LAYER;
}

/* Whether `metric` may be written as a row (`as_row`) or an array; records
 * the first violation. */
static gboolean
accepts (InterpResults *r, const char *metric, gboolean as_row)
{
  if (!r->expecting)
    return TRUE;
  const InterpMetricOutput *o = interp_metric_output_find (r->outputs, metric);
  if (o && is_row_kind (o->kind) == as_row)
    return TRUE;
  if (r->violation == NULL)
    {
      if (r->outputs == NULL)
        r->violation = g_strdup_printf ("%s wrote '%s' but declares no outputs "
                                        "(InterpMetricVTable.outputs is NULL)",
                                        r->component, metric);
      else if (o == NULL)
        r->violation = g_strdup_printf ("%s wrote '%s', which its outputs table does not "
                                        "declare", r->component, metric);
      else
        r->violation = g_strdup_printf ("%s wrote '%s' as %s, but declares it %s", r->component,
                                        metric, as_row ? "a row" : "an array",
                                        interp_output_kind_name (o->kind));
    }
  return FALSE;
}

void
interp_results_expect (InterpResults *r, const char *component, const InterpMetricOutput *outputs)
{
  g_return_if_fail (r != NULL && component != NULL);
  r->expecting = TRUE;
  g_free (r->component);
  r->component = g_strdup (component);
  r->outputs = outputs;
  g_clear_pointer (&r->violation, g_free);
}

gboolean
interp_results_check (const InterpResults *r, GError **error)
{
  if (r->violation == NULL)
    return TRUE;
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID, "%s", r->violation);
  return FALSE;
}

static void
row_clear (gpointer p)
{
  InterpResultRow *row = p;
  g_free (row->metric);
  g_free (row->target);
}

static void
array_free (gpointer p)
{
  InterpResultArray *a = p;
  g_free (a->metric);
  g_free (a->target);
  g_array_unref (a->values);
  g_free (a);
}

InterpResults *
interp_results_new (void)
{
  InterpResults *r = g_new0 (InterpResults, 1);
  r->rows = g_array_new (FALSE, TRUE, sizeof (InterpResultRow));
  g_array_set_clear_func (r->rows, row_clear);
  r->arrays = g_ptr_array_new_with_free_func (array_free);
  return r;
}

void
interp_results_free (InterpResults *r)
{
  if (r == NULL)
    return;
  g_array_unref (r->rows);
  g_ptr_array_unref (r->arrays);
  g_free (r->component);
  g_free (r->violation);
  g_free (r);
}

void
interp_results_clear (InterpResults *r)
{
  g_array_set_size (r->rows, 0);
  g_ptr_array_set_size (r->arrays, 0);
  g_clear_pointer (&r->violation, g_free);
}

void
interp_results_add (InterpResults *r, const char *metric, const char *target, double value)
{
  g_return_if_fail (r != NULL && metric != NULL);
  if (!accepts (r, metric, TRUE))
    return;
  InterpResultRow row = { g_strdup (metric), g_strdup (target ? target : ""), value };
  g_array_append_val (r->rows, row);
}

void
interp_results_add_array (InterpResults *r, const char *metric, const char *target,
                          const double *values, size_t n)
{
  g_return_if_fail (r != NULL && metric != NULL);
  if (!accepts (r, metric, FALSE))
    return;
  InterpResultArray *a = g_new0 (InterpResultArray, 1);
  a->metric = g_strdup (metric);
  a->target = g_strdup (target ? target : "");
  a->values = g_array_sized_new (FALSE, FALSE, sizeof (double), (guint) n);
  g_array_append_vals (a->values, values, (guint) n);
  g_ptr_array_add (r->arrays, a);
}

guint
interp_results_n_rows (const InterpResults *r)
{
  return r->rows->len;
}

const InterpResultRow *
interp_results_row (const InterpResults *r, guint i)
{
  g_return_val_if_fail (i < r->rows->len, NULL);
  return &g_array_index (r->rows, InterpResultRow, i);
}

guint
interp_results_n_arrays (const InterpResults *r)
{
  return r->arrays->len;
}

const InterpResultArray *
interp_results_array (const InterpResults *r, guint i)
{
  g_return_val_if_fail (i < r->arrays->len, NULL);
  return g_ptr_array_index (r->arrays, i);
}

gboolean
interp_results_lookup (const InterpResults *r, const char *metric, const char *target,
                       double *value)
{
  for (guint i = 0; i < r->rows->len; i++)
    {
      const InterpResultRow *row = &g_array_index (r->rows, InterpResultRow, i);
      if (g_str_equal (row->metric, metric) && g_str_equal (row->target, target ? target : ""))
        {
          *value = row->value;
          return TRUE;
        }
    }
  return FALSE;
}
