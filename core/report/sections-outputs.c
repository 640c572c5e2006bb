/* The sections drawn from declared outputs (<interp/metric.h>), one per
 * output that has clean-data values, in declaration order:
 *   PER_LAYER  grouped bars, layers x conditions (rows of summary.json)
 *   HISTOGRAM  per target, the bin fractions of each condition, pooled over
 *              its trials (arrays of trials/ID/metrics.json)
 *   CURVE      per target, the curve of each condition, mean +- sd over its
 *              trials
 * Titles are the declared descriptions; axes come from units and ranges. */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

/* One clean-data array of one trial. */
typedef struct {
  const Output *output;
  char *target;
  const char *condition;  /* borrowed from the trial */
  GArray *values;         /* double; NaN where metrics.json has null */
} TrialArray;

static void
trial_array_free (gpointer p)
{
  TrialArray *a = p;
  g_free (a->target);
  g_array_unref (a->values);
  g_free (a);
}

static char *
section_id (const char *prefix, const char *name)
{
  char *slug = report_slugify (name);
  char *id = g_strdup_printf ("%s-%s", prefix, slug);
  g_free (slug);
  return id;
}

static const char *
title_of (const Output *o)
{
  return *o->description ? o->description : o->name;
}

static void
section_per_layer (Report *r, const Output *o)
{
  GPtrArray *layers = g_ptr_array_new ();
  Accum acc;
  report_accum_init (&acc);
  double lo = INFINITY, hi = -INFINITY;
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (!*row->target || strcmp (row->perturbation, "clean") != 0
          || report_output (r, row->metric) != o)
        continue;
      guint idx;
      if (!g_ptr_array_find_with_equal_func (layers, row->target, g_str_equal, &idx))
        {
          idx = layers->len;
          g_ptr_array_add (layers, row->target);
        }
      report_accum_add (&acc, row->condition, idx, row->value);
      if (isfinite (row->value))
        {
          lo = MIN (lo, row->value);
          hi = MAX (hi, row->value);
        }
    }
  if (layers->len > 0 && lo == hi)
    {
      /* The same everywhere (no negative units after a ReLU, say): a line
       * of text says it better than bars of one height. */
      char *id = section_id ("layers", o->name);
      report_section_begin (r, id, title_of (o));
      g_string_append (r->body, "<p class=\"note\">");
      report_html_printf (r->body, "%s = %g in every analysed layer and trial (%s).", o->name,
                          lo, o->component);
      g_string_append (r->body, "</p>\n");
      report_section_end (r);
      g_free (id);
    }
  else if (layers->len > 0)
    {
      char *id = section_id ("layers", o->name);
      report_section_begin (r, id, title_of (o));
      GString *b = r->body;
      g_string_append (b, "<p>");
      report_html_printf (b, "%s of each analysed layer on clean test data (%s).", o->name,
                          o->component);
      g_string_append (b, "</p>\n<div class=\"plots\">\n");
      char *title = g_strdup_printf ("%s per layer", o->name);
      char *ylabel = report_axis_label (o->name, o);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_BARS, title, "layer", ylabel);
      interp_plot_set_categories (plot, (const char *const *) layers->pdata, layers->len);
      if (layers->len > 6 || r->conditions->len > 4)
        interp_plot_set_size (plot, 720, 360);
      GPtrArray *order = report_condition_labels (r);
      report_accum_to_plot (&acc, plot, order, "all trials");
      char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
      char *caption = g_strdup_printf ("Per-layer \"%s\" (%s).", o->name, ns);
      report_emit_plot (r, b, plot, id, caption);
      g_string_append (b, "</div>\n");
      report_section_end (r);
      g_free (caption);
      g_free (ns);
      g_ptr_array_unref (order);
      g_free (ylabel);
      g_free (title);
      g_free (id);
    }
  report_accum_clear (&acc);
  g_ptr_array_unref (layers);
}

/* Reads the clean arrays of every trial's metrics.json; an array whose
 * metric is not declared is an error naming the file (when the run
 * declares its outputs at all). */
static gboolean
collect_arrays (Report *r, GPtrArray *out, GError **error)
{
  for (guint t = 0; t < r->trials->len; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, "metrics.json", NULL);
      JsonParser *parser;
      if (!report_optional_json (path, &parser, error))
        {
          g_free (path);
          return FALSE;
        }
      if (!parser)
        {
          g_free (path);
          continue;
        }
      JsonObject *root = json_node_get_object (json_parser_get_root (parser));
      JsonNode *an = json_object_get_member (root, "arrays");
      const char *bad = an && !JSON_NODE_HOLDS_ARRAY (an) ? "\"arrays\" is not an array" : NULL;
      JsonArray *arrays = an && !bad ? json_node_get_array (an) : NULL;
      guint i;
      for (i = 0; !bad && arrays && i < json_array_get_length (arrays); i++)
        {
          JsonNode *e = json_array_get_element (arrays, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *metric = interp_json_get_string (o, "metric", NULL);
          const char *pert = interp_json_get_string (o, "perturbation", NULL);
          const Output *decl = metric ? report_output (r, metric) : NULL;
          JsonNode *vn = o ? json_object_get_member (o, "values") : NULL;
          if (!vn || !JSON_NODE_HOLDS_ARRAY (vn))
            bad = "has no \"values\" list";
          else if (r->have_outputs && !decl)
            bad = "has a metric not declared in summary.json \"outputs\"";
          if (bad || !decl || (pert && *pert && strcmp (pert, "clean") != 0)
              || (decl->kind != INTERP_OUTPUT_HISTOGRAM && decl->kind != INTERP_OUTPUT_CURVE))
            continue;
          JsonArray *values = json_node_get_array (vn);
          TrialArray *a = g_new0 (TrialArray, 1);
          a->output = decl;
          a->target = report_obj_text (o, "target");
          a->condition = trial->condition;
          a->values = g_array_sized_new (FALSE, FALSE, sizeof (double),
                                         json_array_get_length (values));
          for (guint j = 0; j < json_array_get_length (values); j++)
            {
              double v = report_node_to_double (json_array_get_element (values, j));
              g_array_append_val (a->values, v);
            }
          g_ptr_array_add (out, a);
        }
      if (bad)
        {
          if (arrays)
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: array %u %s", path,
                         i - 1, bad);
          else
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT, "%s: %s", path, bad);
        }
      g_object_unref (parser);
      g_free (path);
      if (bad)
        return FALSE;
    }
  return TRUE;
}

/* The targets of `o`'s arrays, first-seen order (borrowed). */
static GPtrArray *
array_targets (GPtrArray *arrays, const Output *o)
{
  GPtrArray *targets = g_ptr_array_new ();
  for (guint i = 0; i < arrays->len; i++)
    {
      TrialArray *a = g_ptr_array_index (arrays, i);
      if (a->output == o && !g_ptr_array_find_with_equal_func (targets, a->target, g_str_equal,
                                                                NULL))
        g_ptr_array_add (targets, a->target);
    }
  return targets;
}

/* One plot per target; each condition's counts summed over its trials
 * (arrays of another length than the first are pooled separately). */
static void
histogram_plot (Report *r, GPtrArray *arrays, const Output *o, const char *target)
{
  const char *shown = *target ? target : "network";
  char *title = g_strdup_printf ("%s, %s", o->name, shown);
  char *xlabel = report_axis_label (o->name, o);
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_HISTOGRAM, title, xlabel, "fraction of total");
  GArray *sum = g_array_new (FALSE, TRUE, sizeof (double));
  gboolean bins_set = FALSE;
  for (guint c = 0; c < r->conditions->len; c++)
    {
      Condition *cond = g_ptr_array_index (r->conditions, c);
      GArray *lengths = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < arrays->len; i++)
        {
          TrialArray *a = g_ptr_array_index (arrays, i);
          gboolean seen = FALSE;
          for (guint k = 0; k < lengths->len; k++)
            seen |= g_array_index (lengths, guint, k) == a->values->len;
          if (a->output == o && strcmp (a->target, target) == 0
              && strcmp (a->condition, cond->label) == 0 && !seen && a->values->len > 0)
            g_array_append_val (lengths, a->values->len);
        }
      for (guint k = 0; k < lengths->len; k++)
        {
          guint n = g_array_index (lengths, guint, k);
          g_array_set_size (sum, 0);
          g_array_set_size (sum, n);
          double total = 0;
          for (guint i = 0; i < arrays->len; i++)
            {
              TrialArray *a = g_ptr_array_index (arrays, i);
              if (a->output != o || strcmp (a->target, target) != 0
                  || strcmp (a->condition, cond->label) != 0 || a->values->len != n)
                continue;
              for (guint j = 0; j < n; j++)
                {
                  double v = g_array_index (a->values, double, j);
                  if (isfinite (v))
                    {
                      g_array_index (sum, double, j) += v;
                      total += v;
                    }
                }
            }
          for (guint j = 0; j < n; j++)
            g_array_index (sum, double, j) = total > 0 ? g_array_index (sum, double, j) / total
                                                       : 0.0;
          if (!bins_set)
            {
              /* Without a declared range the bins are only numbered. */
              if (report_bounded (o))
                interp_plot_set_bins (plot, o->min, o->max);
              else
                interp_plot_set_bins (plot, 0.0, n);
              bins_set = TRUE;
            }
          interp_plot_add_series (plot, *cond->label ? cond->label : "all trials", NULL,
                                  (double *) sum->data, NULL, n);
        }
      g_array_unref (lengths);
    }
  char *caption = g_strdup_printf ("Histogram of \"%s\" of %s%s.", o->name, shown,
                                   r->conditions->len > 1 ? " by condition" : "");
  char *name = g_strdup_printf ("%s-%s", o->name, shown);
  report_emit_plot (r, r->body, plot, name, caption);
  g_free (name);
  g_free (caption);
  g_array_unref (sum);
  g_free (xlabel);
  g_free (title);
}

/* One plot per target; the curve of each condition, mean +- sd per point. */
static void
curve_plot (Report *r, GPtrArray *arrays, const Output *o, const char *target)
{
  const char *shown = *target ? target : "network";
  gboolean ranged = isfinite (o->x_min) && isfinite (o->x_max) && o->x_min < o->x_max;
  Accum acc;
  report_accum_init (&acc);
  for (guint i = 0; i < arrays->len; i++)
    {
      TrialArray *a = g_ptr_array_index (arrays, i);
      if (a->output != o || strcmp (a->target, target) != 0)
        continue;
      guint n = a->values->len;
      for (guint j = 0; j < n; j++)
        {
          double x = ranged && n > 1 ? o->x_min + j * (o->x_max - o->x_min) / (n - 1) : j;
          report_accum_add (&acc, a->condition, x, g_array_index (a->values, double, j));
        }
    }
  char *title = g_strdup_printf ("%s, %s", o->name, shown);
  char *ylabel = report_axis_label (o->name, o);
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title,
                                      *o->x_label ? o->x_label : "index", ylabel);
  report_limit_y (plot, o, FALSE);
  GPtrArray *order = report_condition_labels (r);
  report_accum_to_plot (&acc, plot, order, "all trials");
  char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
  char *caption = g_strdup_printf ("\"%s\" of %s (%s).", o->name, shown, ns);
  char *name = g_strdup_printf ("%s-%s", o->name, shown);
  report_emit_plot (r, r->body, plot, name, caption);
  g_free (name);
  g_free (caption);
  g_free (ns);
  g_ptr_array_unref (order);
  g_free (ylabel);
  g_free (title);
  report_accum_clear (&acc);
}

static void
section_arrays (Report *r, GPtrArray *arrays, const Output *o)
{
  GPtrArray *targets = array_targets (arrays, o);
  if (targets->len > 0)
    {
      gboolean histogram = o->kind == INTERP_OUTPUT_HISTOGRAM;
      char *id = section_id (histogram ? "histogram" : "curve", o->name);
      report_section_begin (r, id, title_of (o));
      g_string_append (r->body, "<p>");
      if (histogram)
        report_html_printf (r->body, "Fraction of the total count of \"%s\" (%s) in each bin on "
                            "clean test data, pooled over the trials of a condition; one plot "
                            "per target, so that conditions can be compared.", o->name,
                            o->component);
      else
        report_html_printf (r->body, "\"%s\" (%s) on clean test data, mean \u00b1 sd over the "
                            "trials of a condition; one plot per target.", o->name,
                            o->component);
      g_string_append (r->body, "</p>\n<div class=\"plots\">\n");
      for (guint t = 0; t < targets->len; t++)
        {
          const char *target = g_ptr_array_index (targets, t);
          if (histogram)
            histogram_plot (r, arrays, o, target);
          else
            curve_plot (r, arrays, o, target);
        }
      g_string_append (r->body, "</div>\n");
      report_section_end (r);
      g_free (id);
    }
  g_ptr_array_unref (targets);
}

gboolean
report_sections_outputs (Report *r, GError **error)
{
  GPtrArray *arrays = g_ptr_array_new_with_free_func (trial_array_free);
  if (!collect_arrays (r, arrays, error))
    {
      g_ptr_array_unref (arrays);
      return FALSE;
    }
  static const InterpOutputKind order[] = { INTERP_OUTPUT_PER_LAYER, INTERP_OUTPUT_HISTOGRAM,
                                            INTERP_OUTPUT_CURVE };
  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint i = 0; i < r->outputs->len; i++)
      {
        const Output *o = g_ptr_array_index (r->outputs, i);
        if (o->kind != order[k])
          continue;
        if (o->kind == INTERP_OUTPUT_PER_LAYER)
          section_per_layer (r, o);
        else
          section_arrays (r, arrays, o);
      }
  g_ptr_array_unref (arrays);
  return TRUE;
}
