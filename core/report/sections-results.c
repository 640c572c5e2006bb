/* Sections of measured values: hypotheses, clean results, robustness, the sweep. */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

#include "host/results-private.h"

static const char *
verdict_class (const char *v)
{
  if (g_strcmp0 (v, "SUPPORTED") == 0)
    return "supported";
  if (g_strcmp0 (v, "REFUTED") == 0)
    return "refuted";
  if (g_strcmp0 (v, "INCONCLUSIVE") == 0)
    return "inconclusive";
  if (g_strcmp0 (v, "UNSUPPORTED-PREMISE") == 0)
    return "premise";
  if (g_strcmp0 (v, "NOT EVALUATED") == 0)
    return "skipped";
  return "unknown";
}

static void
html_number (GString *out, JsonObject *o, const char *key)
{
  JsonNode *n = json_object_get_member (o, key);
  double v = report_node_to_double (n);
  if (n && !isnan (v))
    report_html_printf (out, "%.4g", v);
  else
    {
      char *s = report_obj_text (o, key);
      report_html_text (out, *s ? s : "\u2013");
      g_free (s);
    }
}

gboolean
report_section_hypotheses (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, "hypotheses.json", NULL);
  gboolean ok = report_optional_json (path, &r->hypotheses_parser, error);
  if (!ok || !r->hypotheses_parser)
    {
      g_free (path);
      return ok;
    }
  JsonObject *root = json_node_get_object (json_parser_get_root (r->hypotheses_parser));
  JsonNode *hn = json_object_get_member (root, "hypotheses");
  if (!hn || !JSON_NODE_HOLDS_ARRAY (hn))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: no \"hypotheses\" array", path);
      g_free (path);
      return FALSE;
    }
  g_free (path);
  JsonArray *hs = json_node_get_array (hn);
  guint n = json_array_get_length (hs);
  if (n == 0)
    return TRUE;

  guint counts[6] = { 0 };
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (hs, i);
      const char *v = JSON_NODE_HOLDS_OBJECT (e)
                        ? interp_json_get_string (json_node_get_object (e), "verdict", NULL) : NULL;
      const char *c = verdict_class (v);
      counts[strcmp (c, "supported") == 0 ? 0 : strcmp (c, "refuted") == 0 ? 1
             : strcmp (c, "inconclusive") == 0 ? 2 : strcmp (c, "premise") == 0 ? 4
             : strcmp (c, "skipped") == 0 ? 5 : 3]++;
    }
  report_section_begin (r, "hypotheses", "Hypotheses");
  GString *b = r->body;
  g_string_append_printf (b, "<p class=\"verdicts\">%u hypothes%s: "
                          "<span class=\"verdict supported\">%u supported</span> "
                          "<span class=\"verdict refuted\">%u refuted</span> "
                          "<span class=\"verdict inconclusive\">%u inconclusive</span>",
                          n, n == 1 ? "is" : "es", counts[0], counts[1], counts[2]);
  if (counts[4])
    g_string_append_printf (b, " <span class=\"verdict premise\">%u unsupported premise</span>",
                            counts[4]);
  if (counts[5])
    g_string_append_printf (b, " <span class=\"verdict skipped\">%u not evaluated</span>",
                            counts[5]);
  if (counts[3])
    g_string_append_printf (b, " <span class=\"verdict unknown\">%u other</span>", counts[3]);
  g_string_append (b, "</p>\n<div class=\"scroll\"><table class=\"hypotheses\">\n<thead><tr>"
                   "<th>hypothesis</th><th>verdict</th><th>metric</th><th>effect</th>"
                   "<th>estimate [95% CI]</th><th>margin</th><th>p</th><th>adjusted p</th>"
                   "<th>test</th><th>n (condition / control)</th></tr></thead>\n<tbody>\n");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (hs, i);
      if (!JSON_NODE_HOLDS_OBJECT (e))
        continue;
      JsonObject *h = json_node_get_object (e);
      const char *verdict = interp_json_get_string (h, "verdict", NULL);
      const char *cls = verdict_class (verdict);
      g_string_append_printf (b, "<tr class=\"%s\"><td><strong>", cls);
      report_html_text (b, interp_json_get_string (h, "name", NULL));
      g_string_append (b, "</strong>");
      const char *claim = interp_json_get_string (h, "claim", NULL);
      if (claim && *claim)
        {
          g_string_append (b, "<div class=\"claim\">");
          report_html_text (b, claim);
          g_string_append (b, "</div>");
        }
      const char *message = interp_json_get_string (h, "message", NULL);
      if (message && *message)
        {
          g_string_append (b, "<div class=\"message\">");
          report_html_text (b, message);
          g_string_append (b, "</div>");
        }
      g_string_append_printf (b, "</td><td><span class=\"verdict %s\">", cls);
      report_html_text (b, verdict ? verdict : "?");
      g_string_append (b, "</span></td><td>");
      report_html_text (b, interp_json_get_string (h, "metric", NULL));
      g_string_append (b, "</td><td>");
      report_html_text (b, interp_json_get_string (h, "effect", NULL));
      g_string_append (b, "</td><td class=\"num\">");
      html_number (b, h, "estimate");
      g_string_append (b, " [");
      html_number (b, h, "ci_low");
      g_string_append (b, ", ");
      html_number (b, h, "ci_high");
      g_string_append (b, "]</td><td class=\"num\">");
      html_number (b, h, "margin");
      g_string_append (b, "</td><td class=\"num\">");
      html_number (b, h, "p");
      g_string_append (b, "</td><td class=\"num\">");
      /* The p the verdict was decided on: adjusted over the family, or the
       * raw one ("none", and files written before the adjustment existed). */
      const char *adjustment = interp_json_get_string (h, "adjustment", NULL);
      if (adjustment && strcmp (adjustment, "none") != 0)
        {
          html_number (b, h, "p_adjusted");
          g_string_append (b, " <span class=\"muted\">");
          report_html_text (b, adjustment);
          g_string_append (b, "</span>");
        }
      else
        g_string_append (b, "\u2013");
      g_string_append (b, "</td><td>");
      report_html_text (b, interp_json_get_string (h, "test", NULL));
      g_string_append (b, "</td><td class=\"num\">");
      html_number (b, h, "n_condition");
      /* A one-sample claim (control = none) has no control to count. */
      if (g_strcmp0 (interp_json_get_string (h, "effect", NULL), "mean") != 0)
        {
          g_string_append (b, " / ");
          html_number (b, h, "n_control");
        }
      g_string_append (b, "</td></tr>\n");
    }
  g_string_append (b, "</tbody></table></div>\n");
  report_section_end (r);
  return TRUE;
}

/* Metrics in the order their components declared them; undeclared ones
 * (a run folder from before declarations) after them, by name. */
static guint
metric_rank (const Report *r, const char *m)
{
  const Output *o = report_output (r, m);
  guint i = 0;
  if (o && g_ptr_array_find (r->outputs, o, &i))
    return i;
  return G_MAXUINT;
}

static int
compare_metrics (gconstpointer a, gconstpointer b, gpointer data)
{
  const char *x = *(const char *const *) a, *y = *(const char *const *) b;
  guint rx = metric_rank (data, x), ry = metric_rank (data, y);
  return rx != ry ? (rx < ry ? -1 : 1) : strcmp (x, y);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The distinct metrics of the clean rows with target "" (`with_target`
 * FALSE) or of all clean rows. */
static GPtrArray *
clean_metrics (const Report *r, gboolean with_target)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->perturbation, "clean") != 0 || (!with_target && *row->target))
        continue;
      if (!g_ptr_array_find_with_equal_func (out, row->metric, g_str_equal, NULL))
        g_ptr_array_add (out, row->metric);
    }
  g_ptr_array_sort_with_data (out, compare_metrics, (gpointer) r);
  return out;
}

void
report_section_results (Report *r)
{
  GPtrArray *metrics = clean_metrics (r, FALSE);
  if (metrics->len == 0)
    {
      g_ptr_array_unref (metrics);
      return;
    }
  report_section_begin (r, "results", "Results on clean test data");
  GString *b = r->body;
  if (!r->have_outputs)
    g_string_append (b, "<p class=\"note\">This run's summary.json does not say what its "
                     "metrics declare (\"outputs\"; it was written by an older interp), so "
                     "only the tables and the sweep are shown: run the pipeline again for the "
                     "plots drawn from declarations.</p>\n");
  if (r->trials->len > r->conditions->len)
    g_string_append (b, "<p>Each cell: mean \u00b1 sd over the trials of a condition "
                     "(n = number of trials).</p>\n");
  g_string_append (b, "<div class=\"scroll\"><table class=\"results\">\n<thead><tr><th>metric</th>");
  for (guint c = 0; c < r->conditions->len; c++)
    {
      Condition *cond = g_ptr_array_index (r->conditions, c);
      g_string_append (b, "<th>");
      report_html_text (b, *cond->label ? cond->label : "value");
      g_string_append (b, "</th>");
    }
  g_string_append (b, "</tr></thead>\n<tbody>\n");
  GArray *vals = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint m = 0; m < metrics->len; m++)
    {
      const char *metric = g_ptr_array_index (metrics, m);
      const Output *o = report_output (r, metric);
      g_string_append (b, "<tr><th");
      if (o && *o->description)
        {
          g_string_append (b, " title=\"");
          report_html_text (b, o->description);
          g_string_append (b, "\"");
        }
      g_string_append_c (b, '>');
      report_html_text (b, metric);
      if (o && *o->unit)
        {
          g_string_append (b, " <span class=\"unit\">");
          report_html_text (b, o->unit);
          g_string_append (b, "</span>");
        }
      g_string_append (b, "</th>");
      for (guint c = 0; c < r->conditions->len; c++)
        {
          Condition *cond = g_ptr_array_index (r->conditions, c);
          g_array_set_size (vals, 0);
          for (guint i = 0; i < r->rows->len; i++)
            {
              Row *row = g_ptr_array_index (r->rows, i);
              if (strcmp (row->perturbation, "clean") == 0 && !*row->target
                  && strcmp (row->metric, metric) == 0 && strcmp (row->condition, cond->label) == 0
                  && isfinite (row->value))
                g_array_append_val (vals, row->value);
            }
          g_string_append (b, "<td class=\"num\">");
          if (vals->len == 0)
            g_string_append (b, "\u2013");
          else if (vals->len == 1)
            report_html_printf (b, "%.4g", g_array_index (vals, double, 0));
          else
            report_html_printf (b, "%.4g \u00b1 %.2g (n=%u)",
                                interp_stats_mean ((double *) vals->data, vals->len),
                                interp_stats_sd ((double *) vals->data, vals->len), vals->len);
          g_string_append (b, "</td>");
        }
      g_string_append (b, "</tr>\n");
    }
  g_array_unref (vals);
  g_string_append (b, "</tbody></table></div>\n");
  report_section_end (r);
  g_ptr_array_unref (metrics);
}

/* The clean-data metrics a robustness plot shows: scalars whose components
 * declared which direction is better. */
static GPtrArray *
robustness_metrics (const Report *r, const char *prefix)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      const Output *o = report_output (r, row->metric);
      /* A row without a level (the runner's minimal-epsilon summary) is no
       * point of a curve against the level. */
      if (o && o->kind == INTERP_OUTPUT_SCALAR && o->better != INTERP_BETTER_NEITHER
          && !*row->target && g_str_has_prefix (row->perturbation, prefix)
          && !isnan (row->level_value)
          && !g_ptr_array_find_with_equal_func (out, row->metric, g_str_equal, NULL))
        g_ptr_array_add (out, row->metric);
    }
  g_ptr_array_sort_with_data (out, compare_metrics, (gpointer) r);
  return out;
}

/* The same values cut the other way: per condition and metric, one line per
 * perturbation of the family (mean +- sd over the condition's trials), the
 * clean value at level 0 of every line. */
static void
perturbations_by_condition (Report *r, GString *b, const char *prefix, const char *id,
                            const char *x_label, const char *what, GPtrArray *metrics,
                            GPtrArray *names, GPtrArray *order)
{
  for (guint c = 0; c < order->len; c++)
    for (guint m = 0; m < metrics->len; m++)
      {
        const char *label = g_ptr_array_index (order, c);
        const char *metric = g_ptr_array_index (metrics, m);
        const Output *o = report_output (r, metric);
        Accum acc;
        report_accum_init (&acc);
        GPtrArray *series = g_ptr_array_new ();
        for (guint p = 0; p < names->len; p++)
          {
            const char *pert = g_ptr_array_index (names, p);
            g_ptr_array_add (series, (gpointer) (pert + strlen (prefix)));
            for (guint i = 0; i < r->rows->len; i++)
              {
                Row *row = g_ptr_array_index (r->rows, i);
                if (strcmp (row->metric, metric) != 0 || *row->target
                    || strcmp (row->condition, label) != 0)
                  continue;
                if (strcmp (row->perturbation, pert) == 0)
                  report_accum_add (&acc, pert + strlen (prefix), row->level_value, row->value);
                else if (strcmp (row->perturbation, "clean") == 0)
                  report_accum_add (&acc, pert + strlen (prefix), 0.0, row->value);
              }
          }
        const char *shown = *label ? label : "all trials";
        char *ptitle = g_strdup_printf ("%s: %s vs %s", shown, metric, what);
        char *ylabel = report_axis_label (metric, o);
        InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, ptitle, x_label, ylabel);
        interp_plot_set_integer_x (plot, strcmp (prefix, "corruption:") == 0);
        interp_plot_set_bands (plot, TRUE);
        report_limit_y (plot, o, TRUE);
        report_accum_to_plot (&acc, plot, series, "?");
        char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
        char *caption = g_strdup_printf ("%s of %s by %s, one line per %.*s (%s; %s is "
                                         "better).", o->description, shown, what,
                                         (int) strlen (prefix) - 1, prefix, ns,
                                         interp_better_name (o->better));
        /* Condition labels are free text: the slug keeps plot names file-safe. */
        char *name = g_strdup_printf ("%s-condition-%s-%s", id, shown, metric);
        report_emit_plot (r, b, plot, name, caption);
        g_free (name);
        g_free (caption);
        g_free (ns);
        g_free (ylabel);
        g_free (ptitle);
        g_ptr_array_unref (series);
        report_accum_clear (&acc);
      }
}

/* Each robustness metric vs level for every perturbation of a family
 * ("corruption:" or "attack:"); the clean value is drawn at level 0. */
void
report_section_perturbations (Report *r, const char *prefix, const char *id, const char *title,
                              const char *x_label, const char *what)
{
  GPtrArray *metrics = robustness_metrics (r, prefix);
  GPtrArray *names = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (g_str_has_prefix (row->perturbation, prefix) && !*row->target
          && !isnan (row->level_value)
          && g_ptr_array_find_with_equal_func (metrics, row->metric, g_str_equal, NULL)
          && !g_ptr_array_find_with_equal_func (names, row->perturbation, g_str_equal, NULL))
        g_ptr_array_add (names, row->perturbation);
    }
  if (names->len == 0)
    {
      g_ptr_array_unref (names);
      g_ptr_array_unref (metrics);
      return;
    }
  g_ptr_array_sort (names, compare_names);
  report_section_begin (r, id, title);
  GString *b = r->body;
  g_string_append_printf (b, "<p>Each metric that declares which direction is better, on the "
                          "test set under each %s; level 0 is the clean test set.  Lines are "
                          "the mean over a condition's trials, the shaded band \u00b1 one sd."
                          "</p>\n"
                          "<div class=\"plots\">\n", what);
  GPtrArray *order = report_condition_labels (r);
  for (guint p = 0; p < names->len; p++)
    for (guint m = 0; m < metrics->len; m++)
      {
        const char *pert = g_ptr_array_index (names, p);
        const char *metric = g_ptr_array_index (metrics, m);
        const Output *o = report_output (r, metric);
        Accum acc;
        report_accum_init (&acc);
        for (guint i = 0; i < r->rows->len; i++)
          {
            Row *row = g_ptr_array_index (r->rows, i);
            if (strcmp (row->metric, metric) != 0 || *row->target)
              continue;
            if (strcmp (row->perturbation, pert) == 0)
              report_accum_add (&acc, row->condition, row->level_value, row->value);
            else if (strcmp (row->perturbation, "clean") == 0)
              report_accum_add (&acc, row->condition, 0.0, row->value);
          }
        const char *short_name = pert + strlen (prefix);
        char *ptitle = g_strdup_printf ("%s: %s vs %s", short_name, metric, what);
        char *ylabel = report_axis_label (metric, o);
        InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, ptitle, x_label, ylabel);
        interp_plot_set_integer_x (plot, strcmp (prefix, "corruption:") == 0);
        interp_plot_set_bands (plot, TRUE);
        report_limit_y (plot, o, TRUE);
        report_accum_to_plot (&acc, plot, order, "all trials");
        char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
        char *caption = g_strdup_printf ("%s under %s by %s (%s; %s is better).", o->description,
                                         pert, what, ns, interp_better_name (o->better));
        char *name = g_strdup_printf ("%s-%s-%s", id, short_name, metric);
        report_emit_plot (r, b, plot, name, caption);
        g_free (name);
        g_free (caption);
        g_free (ns);
        g_free (ylabel);
        g_free (ptitle);
        report_accum_clear (&acc);
      }
  if (names->len > 1)
    perturbations_by_condition (r, b, prefix, id, x_label, what, metrics, names, order);
  g_string_append (b, "</div>\n");
  report_section_end (r);
  g_ptr_array_unref (order);
  g_ptr_array_unref (names);
  g_ptr_array_unref (metrics);
}

void
report_section_sweep (Report *r)
{
  if (report_n_varying_keys (r) == 0 || r->rows->len == 0)
    return;
  GPtrArray *metrics = clean_metrics (r, TRUE);
  if (metrics->len == 0)
    {
      g_ptr_array_unref (metrics);
      return;
    }
  report_section_begin (r, "sweep", "Metrics across the sweep");
  GString *b = r->body;
  g_string_append (b, "<p>Each clean-data metric against each swept key: mean \u00b1 sd over "
                   "seeds and over the other swept keys.</p>\n<div class=\"plots\">\n");
  /* A metric that is the same in every trial gets a line of text, not plots. */
  GString *constants = g_string_new (NULL);
  for (guint m = 0; m < metrics->len;)
    {
      const char *metric = g_ptr_array_index (metrics, m);
      double lo = INFINITY, hi = -INFINITY;
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (strcmp (row->perturbation, "clean") == 0 && strcmp (row->metric, metric) == 0
              && isfinite (row->value))
            {
              lo = MIN (lo, row->value);
              hi = MAX (hi, row->value);
            }
        }
      if (lo == hi)
        {
          if (constants->len)
            g_string_append (constants, ", ");
          report_html_printf (constants, "%s = %g", metric, lo);
          g_ptr_array_remove_index (metrics, m);
        }
      else
        m++;
    }
  for (guint k = 0; k < r->n_swept; k++)
    {
      if (r->is_seed_key[k])
        continue;
      /* Values of this key: numeric axis when all are numbers, else categories. */
      GPtrArray *values = g_ptr_array_new ();
      gboolean numeric = TRUE;
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (!g_ptr_array_find_with_equal_func (values, row->swept[k], g_str_equal, NULL))
            {
              g_ptr_array_add (values, row->swept[k]);
              numeric &= !isnan (report_parse_number (row->swept[k]));
            }
        }
      g_ptr_array_sort (values, report_compare_strings_as_values);
      for (guint m = 0; m < metrics->len; m++)
        {
          const char *metric = g_ptr_array_index (metrics, m);
          Accum acc;
          report_accum_init (&acc);
          for (guint i = 0; i < r->rows->len; i++)
            {
              Row *row = g_ptr_array_index (r->rows, i);
              if (strcmp (row->perturbation, "clean") != 0 || strcmp (row->metric, metric) != 0)
                continue;
              double x = report_parse_number (row->swept[k]);
              if (!numeric)
                {
                  guint idx = 0;
                  g_ptr_array_find_with_equal_func (values, row->swept[k], g_str_equal, &idx);
                  x = idx;
                }
              report_accum_add (&acc, row->target, x, row->value);
            }
          char *title = g_strdup_printf ("%s vs %s", metric, r->short_keys[k]);
          const Output *o = report_output (r, metric);
          char *ylabel = report_axis_label (metric, o);
          InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, r->swept_keys[k], ylabel);
          if (!numeric)
            interp_plot_set_categories (plot, (const char *const *) values->pdata, values->len);
          report_limit_y (plot, o, FALSE);
          report_accum_to_plot (&acc, plot, NULL, "network");
          char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
          char *caption = g_strdup_printf ("Clean %s against %s (%s).", metric,
                                           r->swept_keys[k], ns);
          char *name = g_strdup_printf ("sweep-%s-vs-%s", metric, r->short_keys[k]);
          report_emit_plot (r, b, plot, name, caption);
          g_free (name);
          g_free (caption);
          g_free (ns);
          g_free (ylabel);
          g_free (title);
          report_accum_clear (&acc);
        }
      g_ptr_array_unref (values);
    }
  g_string_append (b, "</div>\n");
  if (constants->len)
    g_string_append_printf (b, "<p class=\"note\">The same in every trial: %s.</p>\n",
                            constants->str);
  g_string_free (constants, TRUE);
  report_section_end (r);
  g_ptr_array_unref (metrics);
}
