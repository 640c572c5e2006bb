#include "config.h"

#include "host/results-private.h"

struct InterpResults {
  GArray *rows;     /* InterpResultRow */
  GPtrArray *arrays; /* InterpResultArray* */
};

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
  g_free (r);
}

void
interp_results_clear (InterpResults *r)
{
  g_array_set_size (r->rows, 0);
  g_ptr_array_set_size (r->arrays, 0);
}

void
interp_results_add (InterpResults *r, const char *metric, const char *target, double value)
{
  g_return_if_fail (r != NULL && metric != NULL);
  InterpResultRow row = { g_strdup (metric), g_strdup (target ? target : ""), value };
  g_array_append_val (r->rows, row);
}

void
interp_results_add_array (InterpResults *r, const char *metric, const char *target,
                          const double *values, size_t n)
{
  g_return_if_fail (r != NULL && metric != NULL);
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
