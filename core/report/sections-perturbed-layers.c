/* One section per PER_LAYER output measured under perturbations
 * (report_section_layers_under_perturbations, report-private.h): per
 * condition, a line plot across layers with one line for clean data, one for
 * the mean over every corruption condition (per trial, then mean +- sd over
 * trials) and one per attack and epsilon, sd as bands.  Generic: any
 * declared PER_LAYER output, never a metric by name. */
#include "config.h"

#include "report/report-private.h"

#include <math.h>
#include <string.h>

/* Whether a row belongs to this view: clean, a corruption or an attack
 * (the saliency stage's per-layer rows have their own section). */
static gboolean
in_view (const Row *row)
{
  return strcmp (row->perturbation, "clean") == 0
         || g_str_has_prefix (row->perturbation, "corruption:")
         || g_str_has_prefix (row->perturbation, "attack:");
}

/* Sum and count per key. */
static void
add_to (GHashTable *sums, const char *key, double v)
{
  double *cell = g_hash_table_lookup (sums, key);
  if (!cell)
    {
      cell = g_new0 (double, 2);
      g_hash_table_insert (sums, g_strdup (key), cell);
    }
  cell[0] += v;
  cell[1] += 1.0;
}

static void
layers_plot (Report *r, const Output *o, const char *label, GPtrArray *layers,
             GPtrArray *attack_levels)
{
  Accum acc;
  report_accum_init (&acc);
  /* "trial\x1flayer" -> {sum, count} over every corruption condition. */
  GHashTable *corrupted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      guint idx;
      if (!*row->target || strcmp (row->condition, label) != 0 || !isfinite (row->value)
          || report_output (r, row->metric) != o
          || !g_ptr_array_find_with_equal_func (layers, row->target, g_str_equal, &idx))
        continue;
      if (strcmp (row->perturbation, "clean") == 0)
        report_accum_add (&acc, "clean", idx, row->value);
      else if (g_str_has_prefix (row->perturbation, "corruption:"))
        {
          char *key = g_strdup_printf ("%s\x1f%u", row->trial, idx);
          add_to (corrupted, key, row->value);
          g_free (key);
        }
      else if (g_str_has_prefix (row->perturbation, "attack:") && *row->level)
        {
          char *series = g_strdup_printf ("%s \u03b5=%s",
                                          row->perturbation + strlen ("attack:"), row->level);
          report_accum_add (&acc, series, idx, row->value);
          g_free (series);
        }
    }
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, corrupted);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const double *cell = value;
      guint idx = (guint) g_ascii_strtoull (strchr (key, '\x1f') + 1, NULL, 10);
      report_accum_add (&acc, "corrupted (mean)", idx, cell[0] / cell[1]);
    }
  g_hash_table_unref (corrupted);
  GPtrArray *order = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (order, g_strdup ("clean"));
  g_ptr_array_add (order, g_strdup ("corrupted (mean)"));
  for (guint i = 0; i < attack_levels->len; i++)
    g_ptr_array_add (order, g_strdup (g_ptr_array_index (attack_levels, i)));
  const char *shown = *label ? label : "all trials";
  char *title = g_strdup_printf ("%s: %s per layer", shown, o->name);
  char *ylabel = report_axis_label (o->name, o);
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "layer", ylabel);
  interp_plot_set_categories (plot, (const char *const *) layers->pdata, layers->len);
  interp_plot_set_bands (plot, TRUE);
  if (layers->len > 6 || order->len > 4)
    interp_plot_set_size (plot, 720, 360);
  report_limit_y (plot, o, FALSE);
  report_accum_to_plot (&acc, plot, order, "?");
  char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
  char *caption = g_strdup_printf ("\"%s\" per layer of %s: clean, the mean over every "
                                   "corruption and severity, and each attack level (%s; band "
                                   "\u00b1 sd).", o->name, shown, ns);
  char *name = g_strdup_printf ("perturbed-layers-%s-%s", o->name, shown);
  report_emit_plot (r, r->body, plot, name, caption);
  g_free (name);
  g_free (caption);
  g_free (ns);
  g_free (ylabel);
  g_free (title);
  g_ptr_array_unref (order);
  report_accum_clear (&acc);
}

void
report_section_layers_under_perturbations (Report *r)
{
  for (guint k = 0; k < r->outputs->len; k++)
    {
      const Output *o = g_ptr_array_index (r->outputs, k);
      if (o->kind != INTERP_OUTPUT_PER_LAYER)
        continue;
      GPtrArray *layers = g_ptr_array_new ();
      GPtrArray *attack_levels = g_ptr_array_new_with_free_func (g_free);
      gboolean perturbed = FALSE;
      /* Attack series in (attack, level by value) order. */
      GPtrArray *attack_rows = g_ptr_array_new ();
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (!*row->target || report_output (r, row->metric) != o || !in_view (row))
            continue;
          if (!g_ptr_array_find_with_equal_func (layers, row->target, g_str_equal, NULL))
            g_ptr_array_add (layers, row->target);
          perturbed |= strcmp (row->perturbation, "clean") != 0;
          if (g_str_has_prefix (row->perturbation, "attack:") && *row->level)
            g_ptr_array_add (attack_rows, row);
        }
      for (guint i = 0; i < attack_rows->len; i++)
        {
          Row *row = g_ptr_array_index (attack_rows, i);
          char *series = g_strdup_printf ("%s \u03b5=%s", row->perturbation + strlen ("attack:"),
                                          row->level);
          if (g_ptr_array_find_with_equal_func (attack_levels, series, g_str_equal, NULL))
            g_free (series);
          else
            g_ptr_array_add (attack_levels, series);
        }
      g_ptr_array_unref (attack_rows);
      if (perturbed && layers->len)
        {
          char *slug = report_slugify (o->name);
          char *id = g_strdup_printf ("perturbed-layers-%s", slug);
          char *stitle = g_strdup_printf ("%s under perturbations", *o->description
                                                                    ? o->description : o->name);
          report_section_begin (r, id, stitle);
          g_string_append (r->body, "<p>");
          report_html_printf (r->body, "%s (%s) of each analysed layer on clean test data, "
                              "averaged over every corruption condition, and under each attack "
                              "level; one plot per condition.", o->name, o->component);
          g_string_append (r->body, "</p>\n<div class=\"plots\">\n");
          GPtrArray *order = report_condition_labels (r);
          for (guint c = 0; c < order->len; c++)
            layers_plot (r, o, g_ptr_array_index (order, c), layers, attack_levels);
          g_string_append (r->body, "</div>\n");
          report_section_end (r);
          g_ptr_array_unref (order);
          g_free (stitle);
          g_free (id);
          g_free (slug);
        }
      g_ptr_array_unref (attack_levels);
      g_ptr_array_unref (layers);
    }
}
