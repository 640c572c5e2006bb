/* Faithfulness sections of the saliency stage (report-private.h):
 *   Deletion and insertion  per curve and condition, the mean top-1
 *                           probability as the most salient pixels are
 *                           removed / inserted (Petsiuk et al. 2018), one
 *                           line per method, mean +- sd over the
 *                           condition's trials as bands; a table of the
 *                           areas under them
 *   ROAR / KAR              per benchmark and condition, the retrained
 *                           network's test accuracy vs the fraction t
 *                           (Hooker et al. 2019), one line per method and
 *                           the random ranking dashed
 * The curves are the arrays deletion-curve / insertion-curve of each
 * trial's metrics.json (perturbation = the method's group), points evenly
 * spaced over the x range their output declares. */
#include "config.h"

#include "report/report-private.h"
#include "host/results-private.h"
#include "util/json.h"

#include <math.h>
#include <string.h>

/* The saliency stage's names (core/runner/saliency-stage.h). */
static const char *const curve_metrics[] = { "deletion-curve", "insertion-curve" };
static const char *const auc_metrics[] = { "deletion-auc", "insertion-auc" };
static const char *const retrain_metrics[] = { "roar-accuracy", "kar-accuracy" };

/* One trial's curve of one method. */
typedef struct {
  const char *condition;    /* borrowed from the trial */
  char *metric;
  char *method;             /* "saliency:NAME" */
  GArray *values;           /* double; NaN where metrics.json has null */
} Curve;

static void
curve_free (gpointer p)
{
  Curve *c = p;
  g_free (c->metric);
  g_free (c->method);
  g_array_unref (c->values);
  g_free (c);
}

static gboolean
is_curve_metric (const char *metric)
{
  for (guint k = 0; k < G_N_ELEMENTS (curve_metrics); k++)
    if (strcmp (metric, curve_metrics[k]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
collect_curves (Report *r, GPtrArray *out, GError **error)
{
  for (guint t = 0; t < r->trials->len; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, "metrics.json", NULL);
      JsonParser *parser;
      gboolean ok = report_optional_json (path, &parser, error);
      g_free (path);
      if (!ok)
        return FALSE;
      if (!parser)
        continue;
      JsonNode *an = json_object_get_member (json_node_get_object (json_parser_get_root (parser)),
                                             "arrays");
      JsonArray *arrays = an && JSON_NODE_HOLDS_ARRAY (an) ? json_node_get_array (an) : NULL;
      for (guint i = 0; arrays && i < json_array_get_length (arrays); i++)
        {
          JsonNode *e = json_array_get_element (arrays, i);
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
          const char *metric = interp_json_get_string (o, "metric", NULL);
          const char *pert = interp_json_get_string (o, "perturbation", "");
          JsonNode *vn = o ? json_object_get_member (o, "values") : NULL;
          const Output *decl = metric ? report_output (r, metric) : NULL;
          if (!metric || !is_curve_metric (metric) || !decl
              || strcmp (decl->component, "runner") != 0
              || !g_str_has_prefix (pert, REPORT_SALIENCY_PREFIX) || !vn
              || !JSON_NODE_HOLDS_ARRAY (vn))
            continue;
          JsonArray *v = json_node_get_array (vn);
          Curve *c = g_new0 (Curve, 1);
          c->condition = trial->condition;
          c->metric = g_strdup (metric);
          c->method = g_strdup (pert);
          c->values = g_array_sized_new (FALSE, FALSE, sizeof (double), json_array_get_length (v));
          for (guint j = 0; j < json_array_get_length (v); j++)
            {
              double x = report_node_to_double (json_array_get_element (v, j));
              g_array_append_val (c->values, x);
            }
          g_ptr_array_add (out, c);
        }
      g_object_unref (parser);
    }
  return TRUE;
}

static const char *
method_short (const char *group)
{
  return g_str_has_prefix (group, REPORT_SALIENCY_PREFIX)
           ? group + strlen (REPORT_SALIENCY_PREFIX) : group;
}

/* The methods' short names in `methods` order (borrowed). */
static GPtrArray *
short_names (GPtrArray *methods)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint k = 0; k < methods->len; k++)
    g_ptr_array_add (out, (gpointer) method_short (g_ptr_array_index (methods, k)));
  return out;
}

static void
curve_plot (Report *r, GPtrArray *curves, const char *metric, const char *label,
            GPtrArray *series)
{
  const Output *o = report_output (r, metric);
  gboolean ranged = isfinite (o->x_min) && isfinite (o->x_max) && o->x_min < o->x_max;
  Accum acc;
  report_accum_init (&acc);
  for (guint i = 0; i < curves->len; i++)
    {
      Curve *c = g_ptr_array_index (curves, i);
      if (strcmp (c->metric, metric) != 0 || strcmp (c->condition, label) != 0)
        continue;
      guint n = c->values->len;
      for (guint j = 0; j < n; j++)
        {
          double x = ranged && n > 1 ? o->x_min + j * (o->x_max - o->x_min) / (n - 1) : j;
          report_accum_add (&acc, method_short (c->method), x,
                            g_array_index (c->values, double, j));
        }
    }
  const char *shown = *label ? label : "all trials";
  char *title = g_strdup_printf ("%s: %s", shown, metric);
  char *ylabel = report_axis_label ("top-1 probability", o);
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title,
                                      *o->x_label ? o->x_label : "step", ylabel);
  interp_plot_set_bands (plot, TRUE);
  report_limit_y (plot, o, TRUE);
  if (series->len > 4)
    interp_plot_set_size (plot, 720, 360);
  report_accum_to_plot (&acc, plot, series, "?");
  char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
  char *caption = g_strdup_printf ("%s of %s, one line per method (%s).", o->description,
                                   shown, ns);
  char *name = g_strdup_printf ("%s-%s", metric, shown);
  report_emit_plot (r, r->body, plot, name, caption);
  g_free (name);
  g_free (caption);
  g_free (ns);
  g_free (ylabel);
  g_free (title);
  report_accum_clear (&acc);
}

/* Whether any saliency row of `metric` exists. */
static gboolean
has_rows (const Report *r, const char *metric)
{
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->metric, metric) == 0 && report_saliency_row (r, row))
        return TRUE;
    }
  return FALSE;
}

gboolean
report_section_deletion_insertion (Report *r, GError **error)
{
  GPtrArray *curves = g_ptr_array_new_with_free_func (curve_free);
  if (!collect_curves (r, curves, error))
    {
      g_ptr_array_unref (curves);
      return FALSE;
    }
  gboolean aucs = has_rows (r, auc_metrics[0]) || has_rows (r, auc_metrics[1]);
  if (curves->len == 0 && !aucs)
    {
      g_ptr_array_unref (curves);
      return TRUE;
    }
  report_section_begin (r, "saliency-deletion", "Deletion and insertion");
  g_string_append (r->body,
                   "<p>Deletion and insertion (Petsiuk et al. 2018): the pixels of each "
                   "explained image are ranked by the method's map (summed over channels); "
                   "deletion sets the most salient ones to 0 step by step, insertion copies "
                   "them onto a blurred copy of the image.  The curves follow the softmax "
                   "probability of the class predicted on the clean image, averaged over the "
                   "images.  A faithful map makes the deletion curve fall fast (low area) and "
                   "the insertion curve rise fast (high area).  Lines: mean over a "
                   "condition's trials; bands \u00b1 one sd.</p>\n");
  GPtrArray *methods = report_saliency_methods (r);
  GPtrArray *series = short_names (methods);
  GPtrArray *labels = report_condition_labels (r);
  gboolean plots = FALSE;
  for (guint m = 0; m < G_N_ELEMENTS (curve_metrics); m++)
    for (guint c = 0; c < labels->len; c++)
      {
        gboolean any = FALSE;
        for (guint i = 0; i < curves->len && !any; i++)
          {
            Curve *cv = g_ptr_array_index (curves, i);
            any = strcmp (cv->metric, curve_metrics[m]) == 0
                  && strcmp (cv->condition, g_ptr_array_index (labels, c)) == 0;
          }
        if (!any)
          continue;
        if (!plots)
          g_string_append (r->body, "<div class=\"plots\">\n");
        plots = TRUE;
        curve_plot (r, curves, curve_metrics[m], g_ptr_array_index (labels, c), series);
      }
  if (plots)
    g_string_append (r->body, "</div>\n");
  report_saliency_table (r, auc_metrics, G_N_ELEMENTS (auc_metrics));
  report_section_end (r);
  g_ptr_array_unref (labels);
  g_ptr_array_unref (series);
  g_ptr_array_unref (methods);
  g_ptr_array_unref (curves);
  return TRUE;
}

/* ---- ROAR / KAR ----------------------------------------------------------- */

static void
retrain_plot (Report *r, const char *metric, const char *label, GPtrArray *series)
{
  const Output *o = report_output (r, metric);
  Accum acc;
  report_accum_init (&acc);
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->metric, metric) == 0 && strcmp (row->condition, label) == 0
          && report_saliency_row (r, row))
        report_accum_add (&acc, method_short (row->perturbation), row->level_value, row->value);
    }
  const char *shown = *label ? label : "all trials";
  gboolean roar = g_str_has_prefix (metric, "roar");
  char *title = g_strdup_printf ("%s: %s", shown, roar ? "ROAR" : "KAR");
  char *ylabel = report_axis_label ("test accuracy", o);
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title,
                                      roar ? "fraction t of inputs removed"
                                           : "fraction t of inputs kept", ylabel);
  interp_plot_set_bands (plot, TRUE);
  report_limit_y (plot, o, TRUE);
  report_accum_to_plot (&acc, plot, series, "?");
  guint min_n = acc.min_n, max_n = acc.max_n, before = interp_plot_n_series (plot);
  /* The random ranking last and dashed: the line a method must beat. */
  GPtrArray *random = g_ptr_array_new ();
  g_ptr_array_add (random, (gpointer) REPORT_SALIENCY_RANDOM);
  report_accum_to_plot (&acc, plot, random, "?");
  if (interp_plot_n_series (plot) > before)
    {
      interp_plot_set_dashed (plot, before, TRUE);
      min_n = before ? MIN (min_n, acc.min_n) : acc.min_n;
      max_n = MAX (max_n, acc.max_n);
    }
  char *ns = report_n_text (min_n, max_n, "trial");
  char *caption = g_strdup_printf ("%s of %s, one line per method; dashed: the same "
                                   "retraining with a random ranking (%s; %s is better).",
                                   o->description, shown, ns, interp_better_name (o->better));
  char *name = g_strdup_printf ("%s-%s", metric, shown);
  report_emit_plot (r, r->body, plot, name, caption);
  g_free (name);
  g_free (caption);
  g_free (ns);
  g_ptr_array_unref (random);
  g_free (ylabel);
  g_free (title);
  report_accum_clear (&acc);
}

void
report_section_roar (Report *r)
{
  gboolean any = FALSE;
  for (guint m = 0; m < G_N_ELEMENTS (retrain_metrics); m++)
    any |= has_rows (r, retrain_metrics[m]);
  if (!any)
    return;
  report_section_begin (r, "saliency-roar", "ROAR / KAR");
  g_string_append (r->body,
                   "<p>Remove and retrain (Hooker et al. 2019): in every training and test "
                   "image the fraction t of input values the method ranks most important "
                   "(by |map|) is replaced by the dataset mean (ROAR), or all others are "
                   "(KAR), and a new network is trained from scratch on the modified images; "
                   "the points are its test accuracy.  A faithful ranking makes ROAR "
                   "accuracy fall faster than the random ranking's and KAR accuracy stay "
                   "higher.  Lines: mean over a condition's trials; bands \u00b1 one sd."
                   "</p>\n<div class=\"plots\">\n");
  GPtrArray *methods = report_saliency_methods (r);
  GPtrArray *series = short_names (methods);
  GPtrArray *labels = report_condition_labels (r);
  for (guint m = 0; m < G_N_ELEMENTS (retrain_metrics); m++)
    for (guint c = 0; c < labels->len; c++)
      {
        gboolean rows = FALSE;
        for (guint i = 0; i < r->rows->len && !rows; i++)
          {
            Row *row = g_ptr_array_index (r->rows, i);
            rows = strcmp (row->metric, retrain_metrics[m]) == 0
                   && strcmp (row->condition, g_ptr_array_index (labels, c)) == 0
                   && report_saliency_row (r, row);
          }
        if (rows)
          retrain_plot (r, retrain_metrics[m], g_ptr_array_index (labels, c), series);
      }
  g_string_append (r->body, "</div>\n");
  report_section_end (r);
  g_ptr_array_unref (labels);
  g_ptr_array_unref (series);
  g_ptr_array_unref (methods);
}
