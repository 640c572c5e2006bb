/* Sections of the saliency stage (report-private.h):
 *   Saliency maps        the methods grid (TRIAL/saliency/grid.png) of the
 *                        first trial of each condition that has one
 *   Saliency methods     a table of each method's scalar measures
 *   Sanity checks: model randomisation   (Adebayo et al. 2018) per
 *                        similarity measure, the similarity of original and
 *                        randomised maps per method: cascading as lines
 *                        over the layers in cascade order, independent as
 *                        grouped bars
 *   Data randomisation   bars per method of the similarity of the maps of
 *                        networks trained on permuted and on true labels
 * Values are each trial's mean over the explained images; plots and tables
 * show mean +- sd over a condition's trials (its seeds).  The -sd rows
 * (sd over images within a trial) are not drawn. */
#include "config.h"

#include "report/report-private.h"
#include "host/results-private.h"

#include <math.h>
#include <string.h>

/* What summary.json calls the runner's component, and the names of the
 * saliency stage's rows (core/runner/saliency-stage.h, saliency-outputs.c). */
#define RUNNER_COMPONENT "runner"
#define GRID_REL "saliency/grid.png"
#define CASCADING "sanity-cascading-"
#define INDEPENDENT "sanity-independent-"
#define DATA "sanity-data-"
#define SD_SUFFIX "-sd"

static const char *const summary_metrics[] = {
  "saliency-completeness-delta", "deletion-auc", "insertion-auc", "infidelity",
  "max-sensitivity",
};

gboolean
report_saliency_row (const Report *r, const Row *row)
{
  if (!g_str_has_prefix (row->perturbation, REPORT_SALIENCY_PREFIX)
      && strcmp (row->perturbation, REPORT_SALIENCY_RANDOM) != 0)
    return FALSE;
  const Output *o = report_output (r, row->metric);
  return o && strcmp (o->component, RUNNER_COMPONENT) == 0;
}

GPtrArray *
report_saliency_methods (const Report *r)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (g_str_has_prefix (row->perturbation, REPORT_SALIENCY_PREFIX)
          && report_saliency_row (r, row)
          && !g_ptr_array_find_with_equal_func (out, row->perturbation, g_str_equal, NULL))
        g_ptr_array_add (out, row->perturbation);
    }
  return out;
}

static const char *
method_short (const char *group)
{
  return g_str_has_prefix (group, REPORT_SALIENCY_PREFIX)
           ? group + strlen (REPORT_SALIENCY_PREFIX) : group;
}

static const char *
shown_label (const char *label)
{
  return *label ? label : "all trials";
}

/* ---- Saliency maps -------------------------------------------------------- */

void
report_section_saliency_maps (Report *r)
{
  GPtrArray *labels = report_condition_labels (r);
  gboolean begun = FALSE;
  for (guint c = 0; c < labels->len; c++)
    {
      const Trial *t = NULL;
      for (guint i = 0; i < r->trials->len && !t; i++)
        {
          const Trial *ti = g_ptr_array_index (r->trials, i);
          char *rel = g_build_filename ("trials", ti->id, GRID_REL, NULL);
          if (strcmp (ti->condition, g_ptr_array_index (labels, c)) == 0
              && report_run_file_exists (r, rel))
            t = ti;
          g_free (rel);
        }
      if (!t)
        continue;
      if (!begun)
        {
          report_section_begin (r, "saliency-maps", "Saliency maps");
          g_string_append (r->body,
                           "<p>The first explained test images of one trial per condition "
                           "(rows), as the network saw them (first column, enlarged), and each "
                           "method's map summed over channels, blended over the image's "
                           "greyscale at half opacity.  Signed methods: red positive, blue "
                           "negative, near white 0; unsigned methods: white to dark blue.  Each "
                           "map is scaled to its own |value| at which the sorted magnitudes "
                           "reach 98% of their total (Captum's visualisation with its default "
                           "outlier_perc = 2: the largest values saturate), so colours compare "
                           "places within a map, not maps with each other; the scales are in "
                           "<span class=\"file\">saliency/scales.json</span>, every heat map "
                           "alone in <span class=\"file\">saliency/METHOD/image-K.png</span> "
                           "of the trial's folder.</p>\n");
          begun = TRUE;
        }
      GString *b = r->body;
      g_string_append (b, "<h3>");
      report_html_text (b, shown_label (t->condition));
      g_string_append (b, " <span class=\"unit\">(");
      report_html_text (b, t->id);
      g_string_append (b, ")</span></h3>\n<figure class=\"saliency-grid\">\n");
      char *rel = g_build_filename ("trials", t->id, GRID_REL, NULL);
      char *alt = g_strdup_printf ("saliency maps of the first explained test images, %s",
                                   shown_label (t->condition));
      report_append_image (r, b, rel, alt);
      g_string_append (b, "\n<figcaption>");
      report_html_printf (b, "Rows: explained images 0, 1, ...; columns: the image, then one "
                          "method each, titled with its [saliency:*] group's name.");
      g_string_append (b, " <span class=\"file\">");
      report_html_text (b, rel);
      g_string_append (b, "</span></figcaption>\n</figure>\n");
      g_free (alt);
      g_free (rel);
    }
  if (begun)
    report_section_end (r);
  g_ptr_array_unref (labels);
}

/* ---- tables --------------------------------------------------------------- */

/* The finite values of one cell: metric of method under condition, level "". */
static void
cell_values (const Report *r, const char *metric, const char *method, const char *label,
             GArray *vals)
{
  g_array_set_size (vals, 0);
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->perturbation, method) == 0 && !*row->level && !*row->target
          && strcmp (row->metric, metric) == 0 && strcmp (row->condition, label) == 0
          && isfinite (row->value) && report_saliency_row (r, row))
        g_array_append_val (vals, row->value);
    }
}

void
report_saliency_table (Report *r, const char *const *metrics, guint n_metrics)
{
  GPtrArray *methods = report_saliency_methods (r);
  GPtrArray *labels = report_condition_labels (r);
  GPtrArray *present = g_ptr_array_new ();
  GArray *vals = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint m = 0; m < n_metrics; m++)
    {
      gboolean any = FALSE;
      for (guint k = 0; k < methods->len && !any; k++)
        for (guint c = 0; c < labels->len && !any; c++)
          {
            cell_values (r, metrics[m], g_ptr_array_index (methods, k),
                         g_ptr_array_index (labels, c), vals);
            any = vals->len > 0;
          }
      if (any)
        g_ptr_array_add (present, (gpointer) metrics[m]);
    }
  GString *b = r->body;
  if (present->len)
    {
      gboolean by_condition = labels->len > 1;
      g_string_append (b, "<div class=\"scroll\"><table class=\"results\">\n<thead><tr>"
                       "<th>method</th>");
      if (by_condition)
        g_string_append (b, "<th>condition</th>");
      for (guint m = 0; m < present->len; m++)
        {
          const Output *o = report_output (r, g_ptr_array_index (present, m));
          g_string_append (b, "<th title=\"");
          report_html_text (b, o->description);
          g_string_append (b, "\">");
          report_html_text (b, g_ptr_array_index (present, m));
          if (*o->unit)
            {
              g_string_append (b, " <span class=\"unit\">");
              report_html_text (b, o->unit);
              g_string_append (b, "</span>");
            }
          if (o->better != INTERP_BETTER_NEITHER)
            {
              g_string_append (b, " <span class=\"unit\">(");
              report_html_text (b, interp_better_name (o->better));
              g_string_append (b, " is better)</span>");
            }
          g_string_append (b, "</th>");
        }
      g_string_append (b, "</tr></thead>\n<tbody>\n");
      for (guint k = 0; k < methods->len; k++)
        for (guint c = 0; c < labels->len; c++)
          {
            const char *method = g_ptr_array_index (methods, k);
            const char *label = g_ptr_array_index (labels, c);
            g_string_append (b, "<tr><th>");
            report_html_text (b, method_short (method));
            g_string_append (b, "</th>");
            if (by_condition)
              {
                g_string_append (b, "<td>");
                report_html_text (b, shown_label (label));
                g_string_append (b, "</td>");
              }
            for (guint m = 0; m < present->len; m++)
              {
                cell_values (r, g_ptr_array_index (present, m), method, label, vals);
                g_string_append (b, "<td class=\"num\">");
                if (vals->len == 0)
                  g_string_append (b, "\u2013");
                else if (vals->len == 1)
                  report_html_printf (b, "%.4g", g_array_index (vals, double, 0));
                else
                  report_html_printf (b, "%.4g \u00b1 %.2g (n=%u)",
                                      interp_stats_mean ((double *) vals->data, vals->len),
                                      interp_stats_sd ((double *) vals->data, vals->len),
                                      vals->len);
                g_string_append (b, "</td>");
              }
            g_string_append (b, "</tr>\n");
          }
      g_string_append (b, "</tbody></table></div>\n");
    }
  g_array_unref (vals);
  g_ptr_array_unref (present);
  g_ptr_array_unref (labels);
  g_ptr_array_unref (methods);
}

void
report_section_saliency_summary (Report *r)
{
  /* Whether any of the table's metrics has a row at all. */
  gboolean any = FALSE;
  for (guint i = 0; i < r->rows->len && !any; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      for (guint m = 0; m < G_N_ELEMENTS (summary_metrics) && !any; m++)
        any = strcmp (row->metric, summary_metrics[m]) == 0 && report_saliency_row (r, row);
    }
  if (!any)
    return;
  report_section_begin (r, "saliency-summary", "Saliency methods");
  g_string_append (r->body, "<p>Each method's measures, each the mean over the explained "
                   "images of a trial: completeness delta |sum of the map \u2212 (f(x) "
                   "\u2212 f(baseline))| for the methods that promise completeness, the "
                   "areas under the deletion and insertion curves, infidelity and "
                   "max-sensitivity (Yeh et al. 2019).  Cells: mean \u00b1 sd over a "
                   "condition's trials.</p>\n");
  report_saliency_table (r, summary_metrics, G_N_ELEMENTS (summary_metrics));
  report_section_end (r);
}

/* ---- Sanity checks ------------------------------------------------------- */

/* The mean metrics (not -sd) of saliency rows whose name starts with prefix,
 * first-seen order; borrowed. */
static GPtrArray *
metrics_with_prefix (const Report *r, const char *prefix)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (g_str_has_prefix (row->metric, prefix) && !g_str_has_suffix (row->metric, SD_SUFFIX)
          && report_saliency_row (r, row)
          && !g_ptr_array_find_with_equal_func (out, row->metric, g_str_equal, NULL))
        g_ptr_array_add (out, row->metric);
    }
  return out;
}

/* The layers of a randomisation metric in one condition (so every bar
 * category has a value), in cascade order: the longest
 * sequence one (trial, method) recorded (rows come in cascade order, top
 * layer first), then any layer only other methods randomised, first seen. */
static GPtrArray *
cascade_layers (const Report *r, const char *metric, const char *label)
{
  GHashTable *seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  GPtrArray *longest = NULL, *all = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->metric, metric) != 0 || !*row->target
          || strcmp (row->condition, label) != 0 || !report_saliency_row (r, row))
        continue;
      char *key = g_strdup_printf ("%s\x1f%s", row->trial, row->perturbation);
      GPtrArray *seq = g_hash_table_lookup (seqs, key);
      if (!seq)
        {
          seq = g_ptr_array_new ();
          g_hash_table_insert (seqs, key, seq);
        }
      else
        g_free (key);
      g_ptr_array_add (seq, row->target);
      if (!longest || seq->len > longest->len)
        longest = seq;
      if (!g_ptr_array_find_with_equal_func (all, row->target, g_str_equal, NULL))
        g_ptr_array_add (all, row->target);
    }
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; longest && i < longest->len; i++)
    if (!g_ptr_array_find_with_equal_func (out, g_ptr_array_index (longest, i), g_str_equal, NULL))
      g_ptr_array_add (out, g_ptr_array_index (longest, i));
  for (guint i = 0; i < all->len; i++)
    if (!g_ptr_array_find_with_equal_func (out, g_ptr_array_index (all, i), g_str_equal, NULL))
      g_ptr_array_add (out, g_ptr_array_index (all, i));
  g_ptr_array_unref (all);
  g_hash_table_unref (seqs);
  return out;
}

/* One plot of a randomisation metric for one condition: cascading as lines
 * from "original" (similarity 1: every measure gives 1 for identical maps)
 * down the layers, independent as grouped bars. */
static void
randomisation_plot (Report *r, const char *metric, gboolean cascading, const char *label,
                    GPtrArray *methods)
{
  GPtrArray *layers = cascade_layers (r, metric, label);
  GPtrArray *cats = g_ptr_array_new ();
  if (cascading)
    g_ptr_array_add (cats, (gpointer) "original");
  g_ptr_array_extend (cats, layers, NULL, NULL);
  const guint first = cascading ? 1 : 0;
  Accum acc;
  report_accum_init (&acc);
  GPtrArray *series = g_ptr_array_new ();
  GHashTable *originals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      guint idx;
      if (strcmp (row->metric, metric) != 0 || strcmp (row->condition, label) != 0
          || !report_saliency_row (r, row)
          || !g_ptr_array_find_with_equal_func (layers, row->target, g_str_equal, &idx))
        continue;
      const char *name = method_short (row->perturbation);
      report_accum_add (&acc, name, first + idx, row->value);
      char *key = g_strdup_printf ("%s\x1f%s", row->trial, name);
      if (cascading && !g_hash_table_contains (originals, key))
        {
          report_accum_add (&acc, name, 0, 1.0);
          g_hash_table_add (originals, key);
        }
      else
        g_free (key);
    }
  for (guint k = 0; k < methods->len; k++)
    g_ptr_array_add (series, (gpointer) method_short (g_ptr_array_index (methods, k)));
  const Output *o = report_output (r, metric);
  const char *sim = metric + strlen (cascading ? CASCADING : INDEPENDENT);
  char *title = g_strdup_printf ("%s: %s randomisation, %s", shown_label (label),
                                 cascading ? "cascading" : "independent", sim);
  char *ylabel = report_axis_label (sim, o);
  InterpPlot *plot = interp_plot_new (cascading ? INTERP_PLOT_LINES : INTERP_PLOT_BARS, title,
                                      cascading ? "randomised from the output down to"
                                                : "layer randomised alone", ylabel);
  interp_plot_set_categories (plot, (const char *const *) cats->pdata, cats->len);
  if (cats->len > 6 || methods->len > 4)
    interp_plot_set_size (plot, 720, 360);
  if (cascading)
    {
      interp_plot_set_bands (plot, TRUE);
      report_limit_y (plot, o, TRUE);
    }
  else if (report_bounded (o))
    interp_plot_include_y (plot, o->min, o->max);
  report_accum_to_plot (&acc, plot, series, "?");
  char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
  char *caption
    = cascading
        ? g_strdup_printf ("%s similarity of each method's original maps and its maps after "
                           "re-initialising the layers from the output down to each layer "
                           "(%s, each trial's mean over images; \"original\" is the similarity "
                           "of the unchanged maps, 1 by definition).  A method that passes "
                           "falls towards 0.", sim, ns)
        : g_strdup_printf ("%s similarity of each method's original maps and its maps with "
                           "only that layer re-initialised (%s, each trial's mean over "
                           "images).", sim, ns);
  char *name = g_strdup_printf ("%s-%s", metric, shown_label (label));
  report_emit_plot (r, r->body, plot, name, caption);
  g_free (name);
  g_free (caption);
  g_free (ns);
  g_free (ylabel);
  g_free (title);
  g_hash_table_unref (originals);
  g_ptr_array_unref (series);
  report_accum_clear (&acc);
  g_ptr_array_unref (cats);
  g_ptr_array_unref (layers);
}

void
report_section_sanity_randomisation (Report *r)
{
  GPtrArray *cascading = metrics_with_prefix (r, CASCADING);
  GPtrArray *independent = metrics_with_prefix (r, INDEPENDENT);
  if (cascading->len || independent->len)
    {
      report_section_begin (r, "sanity-randomisation", "Sanity checks: model randomisation");
      g_string_append (r->body,
                       "<p>Model-parameter randomisation (Adebayo et al. 2018): a method "
                       "whose maps explain the network must change when its weights are "
                       "re-initialised.  Cascading: the layers are re-initialised from the "
                       "output down, one more per step; independent: one layer at a time.  "
                       "Each point is a trial's mean similarity over the explained images, "
                       "lines and bars the mean over a condition's trials, bands and error "
                       "bars \u00b1 one sd.  Similarities stay high for a method that "
                       "ignores the network (an edge detector would).</p>\n");
      GPtrArray *methods = report_saliency_methods (r);
      GPtrArray *labels = report_condition_labels (r);
      for (guint mode = 0; mode < 2; mode++)
        {
          GPtrArray *metrics = mode == 0 ? cascading : independent;
          for (guint m = 0; m < metrics->len; m++)
            {
              const char *metric = g_ptr_array_index (metrics, m);
              g_string_append (r->body, "<h3>");
              report_html_printf (r->body, "%s randomisation: %s",
                                  mode == 0 ? "Cascading" : "Independent",
                                  metric + strlen (mode == 0 ? CASCADING : INDEPENDENT));
              g_string_append (r->body, "</h3>\n<div class=\"plots\">\n");
              for (guint c = 0; c < labels->len; c++)
                {
                  /* Only conditions that ran the check. */
                  gboolean any = FALSE;
                  for (guint i = 0; i < r->rows->len && !any; i++)
                    {
                      Row *row = g_ptr_array_index (r->rows, i);
                      any = strcmp (row->metric, metric) == 0
                            && strcmp (row->condition, g_ptr_array_index (labels, c)) == 0;
                    }
                  if (any)
                    randomisation_plot (r, metric, mode == 0, g_ptr_array_index (labels, c),
                                        methods);
                }
              g_string_append (r->body, "</div>\n");
            }
        }
      report_section_end (r);
      g_ptr_array_unref (labels);
      g_ptr_array_unref (methods);
    }
  g_ptr_array_unref (independent);
  g_ptr_array_unref (cascading);
}

void
report_section_sanity_data (Report *r)
{
  GPtrArray *metrics = metrics_with_prefix (r, DATA);
  if (metrics->len == 0)
    {
      g_ptr_array_unref (metrics);
      return;
    }
  report_section_begin (r, "sanity-data", "Data randomisation");
  g_string_append (r->body,
                   "<p>Data randomisation (Adebayo et al. 2018): the maps of a network "
                   "trained on permuted labels against those of the network trained on the "
                   "true labels with the same other settings, for the same images.  A method "
                   "whose maps depend on what the network learned gives low similarity; "
                   "high similarity fails the check.  Bars: mean over the trials of the "
                   "permuted-label condition of each trial's mean over images; error bars "
                   "\u00b1 one sd.</p>\n<div class=\"plots\">\n");
  GPtrArray *all_methods = report_saliency_methods (r);
  GPtrArray *labels = report_condition_labels (r);
  for (guint m = 0; m < metrics->len; m++)
    {
      const char *metric = g_ptr_array_index (metrics, m);
      const Output *o = report_output (r, metric);
      /* The methods with this similarity (bars are aligned with categories). */
      GPtrArray *methods = g_ptr_array_new (), *cats = g_ptr_array_new ();
      for (guint k = 0; k < all_methods->len; k++)
        {
          const char *method = g_ptr_array_index (all_methods, k);
          gboolean any = FALSE;
          for (guint i = 0; i < r->rows->len && !any; i++)
            {
              Row *row = g_ptr_array_index (r->rows, i);
              any = strcmp (row->metric, metric) == 0 && strcmp (row->perturbation, method) == 0
                    && isfinite (row->value);
            }
          if (any)
            {
              g_ptr_array_add (methods, (gpointer) method);
              g_ptr_array_add (cats, (gpointer) method_short (method));
            }
        }
      Accum acc;
      report_accum_init (&acc);
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          guint idx;
          if (strcmp (row->metric, metric) == 0 && report_saliency_row (r, row)
              && g_ptr_array_find_with_equal_func (methods, row->perturbation, g_str_equal, &idx))
            report_accum_add (&acc, row->condition, idx, row->value);
        }
      const char *sim = metric + strlen (DATA);
      char *title = g_strdup_printf ("Data randomisation: %s", sim);
      char *ylabel = report_axis_label (sim, o);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_BARS, title, "method", ylabel);
      interp_plot_set_categories (plot, (const char *const *) cats->pdata, cats->len);
      if (report_bounded (o))
        interp_plot_include_y (plot, 0.0, o->max);
      report_accum_to_plot (&acc, plot, labels, "all trials");
      char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
      /* The conditions that have the check (one bar colour each). */
      GString *conds = g_string_new (NULL);
      for (guint c = 0; c < labels->len; c++)
        for (guint i = 0; i < r->rows->len; i++)
          {
            Row *row = g_ptr_array_index (r->rows, i);
            if (strcmp (row->metric, metric) == 0
                && strcmp (row->condition, g_ptr_array_index (labels, c)) == 0)
              {
                g_string_append_printf (conds, "%s%s", conds->len ? ", " : "",
                                        shown_label (row->condition));
                break;
              }
          }
      char *caption = g_strdup_printf ("%s similarity of the maps of the networks trained on "
                                       "permuted and on true labels, per method; %s (%s).", sim,
                                       conds->str, ns);
      g_string_free (conds, TRUE);
      char *name = g_strdup_printf ("%s", metric);
      report_emit_plot (r, r->body, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (ns);
      g_free (ylabel);
      g_free (title);
      report_accum_clear (&acc);
      g_ptr_array_unref (cats);
      g_ptr_array_unref (methods);
    }
  g_string_append (r->body, "</div>\n");
  report_section_end (r);
  g_ptr_array_unref (labels);
  g_ptr_array_unref (all_methods);
  g_ptr_array_unref (metrics);
}
