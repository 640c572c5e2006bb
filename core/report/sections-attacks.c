/* Sections about attacks and perturbed representations:
 *   Minimal adversarial epsilon  the runner's per-image search
 *                                ([attack:*] minimal-epsilon): per attack,
 *                                accuracy as a function of epsilon over the
 *                                whole range (1 - the CDF of the per-image
 *                                minimal epsilons), one line per condition,
 *                                mean +- sd band over its trials, and a table
 *                                of the runner's summary rows (median, robust
 *                                fraction)
 *   Adversarial examples         per attack and condition: rows images,
 *                                columns epsilons, each cell the adversarial
 *                                image over its amplified perturbation
 * (Per-layer outputs under perturbations: sections-perturbed-layers.c.)
 * The runner's outputs are recognised by their declaring component
 * ("runner" in summary.json, runner/minimal-epsilon.h), never by name: a
 * VALUES output of it holds one minimal epsilon per test image (null =
 * robust at the largest epsilon), its SCALAR outputs are the summary rows. */
#include "config.h"

#include "report/report-private.h"
#include "util/json.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

/* summary.json's component of the rows the runner itself makes. */
#define RUNNER_COMPONENT "runner"
#define EXAMPLES_DIR "examples"
#define MAX_EXAMPLES 64
/* Points of each accuracy-vs-epsilon curve: fine enough that the steps of a
 * few hundred test images show, few enough for a small SVG. */
#define CURVE_POINTS 201

static const Output *
runner_output (const Report *r, const char *metric, InterpOutputKind kind)
{
  const Output *o = report_output (r, metric);
  return o && o->kind == kind && strcmp (o->component, RUNNER_COMPONENT) == 0 ? o : NULL;
}

/* One trial's per-image minimal epsilons under one attack. */
typedef struct {
  const char *condition;   /* borrowed from the trial */
  char *attack;
  GArray *values;          /* double; NaN = robust (null in metrics.json) */
} MinimalArray;

static void
minimal_array_free (gpointer p)
{
  MinimalArray *a = p;
  g_free (a->attack);
  g_array_unref (a->values);
  g_free (a);
}

static gboolean
collect_minimal (Report *r, GPtrArray *out, GError **error)
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
          if (!metric || !runner_output (r, metric, INTERP_OUTPUT_VALUES)
              || !g_str_has_prefix (pert, "attack:") || !vn || !JSON_NODE_HOLDS_ARRAY (vn))
            continue;
          JsonArray *v = json_node_get_array (vn);
          MinimalArray *a = g_new0 (MinimalArray, 1);
          a->condition = trial->condition;
          a->attack = g_strdup (pert);
          a->values = g_array_sized_new (FALSE, FALSE, sizeof (double), json_array_get_length (v));
          for (guint j = 0; j < json_array_get_length (v); j++)
            {
              double x = report_node_to_double (json_array_get_element (v, j));
              g_array_append_val (a->values, x);
            }
          g_ptr_array_add (out, a);
        }
      g_object_unref (parser);
    }
  return TRUE;
}

double
report_minimal_accuracy (const double *values, guint n, double e)
{
  guint right = 0;
  for (guint j = 0; j < n; j++)
    right += isnan (values[j]) || values[j] > e;
  return n ? (double) right / n : NAN;
}

/* The table of the runner's scalar rows of one attack: conditions down,
 * outputs across, mean +- sd over trials. */
static void
minimal_table (Report *r, const char *attack, GPtrArray *order)
{
  GPtrArray *metrics = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->perturbation, attack) == 0 && !*row->level
          && runner_output (r, row->metric, INTERP_OUTPUT_SCALAR)
          && !g_ptr_array_find_with_equal_func (metrics, row->metric, g_str_equal, NULL))
        g_ptr_array_add (metrics, row->metric);
    }
  if (metrics->len == 0)
    {
      g_ptr_array_unref (metrics);
      return;
    }
  GString *b = r->body;
  g_string_append (b, "<div class=\"scroll\"><table><thead><tr><th>condition</th>");
  for (guint m = 0; m < metrics->len; m++)
    {
      const Output *o = report_output (r, g_ptr_array_index (metrics, m));
      g_string_append (b, "<th title=\"");
      report_html_text (b, o->description);
      g_string_append (b, "\">");
      report_html_text (b, o->name);
      g_string_append (b, "</th>");
    }
  g_string_append (b, "</tr></thead>\n<tbody>\n");
  GArray *vals = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint c = 0; c < order->len; c++)
    {
      const char *label = g_ptr_array_index (order, c);
      g_string_append (b, "<tr><th>");
      report_html_text (b, *label ? label : "all trials");
      g_string_append (b, "</th>");
      for (guint m = 0; m < metrics->len; m++)
        {
          g_array_set_size (vals, 0);
          for (guint i = 0; i < r->rows->len; i++)
            {
              Row *row = g_ptr_array_index (r->rows, i);
              if (strcmp (row->perturbation, attack) == 0 && !*row->level
                  && strcmp (row->metric, g_ptr_array_index (metrics, m)) == 0
                  && strcmp (row->condition, label) == 0 && isfinite (row->value))
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
  g_string_append (b, "</tbody></table></div>\n");
  g_array_unref (vals);
  g_ptr_array_unref (metrics);
}

/* The largest epsilon of an attack: of its swept levels and of the values
 * found, so the curve spans the whole search range. */
static double
attack_range (const Report *r, const char *attack, GPtrArray *arrays)
{
  double hi = 0.0;
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (strcmp (row->perturbation, attack) == 0 && isfinite (row->level_value))
        hi = MAX (hi, row->level_value);
    }
  for (guint i = 0; i < arrays->len; i++)
    {
      MinimalArray *a = g_ptr_array_index (arrays, i);
      if (strcmp (a->attack, attack) != 0)
        continue;
      for (guint j = 0; j < a->values->len; j++)
        if (isfinite (g_array_index (a->values, double, j)))
          hi = MAX (hi, g_array_index (a->values, double, j));
    }
  return hi;
}

gboolean
report_section_minimal_epsilon (Report *r, GError **error)
{
  GPtrArray *arrays = g_ptr_array_new_with_free_func (minimal_array_free);
  if (!collect_minimal (r, arrays, error))
    {
      g_ptr_array_unref (arrays);
      return FALSE;
    }
  GPtrArray *attacks = g_ptr_array_new ();
  for (guint i = 0; i < arrays->len; i++)
    {
      MinimalArray *a = g_ptr_array_index (arrays, i);
      if (!g_ptr_array_find_with_equal_func (attacks, a->attack, g_str_equal, NULL))
        g_ptr_array_add (attacks, a->attack);
    }
  g_ptr_array_sort (attacks, report_compare_strings_as_values);
  if (attacks->len)
    {
      report_section_begin (r, "minimal-epsilon", "Minimal adversarial epsilon");
      g_string_append (r->body,
                       "<p>For each test image, the smallest epsilon up to the attack's largest "
                       "that makes the prediction wrong (0 when the clean image is already "
                       "wrong; bisection for fixed-budget attacks, the norm found for "
                       "minimal-norm ones).  The curve is the fraction of test images whose "
                       "minimal epsilon exceeds epsilon, i.e. accuracy under the attack at every "
                       "budget: it starts at the clean accuracy, ends at the fraction robust at "
                       "the largest epsilon, and crosses 0.5 at the median.  Lines: mean over a "
                       "condition's trials; band: \u00b1 one sd.</p>\n");
    }
  GPtrArray *order = report_condition_labels (r);
  for (guint k = 0; k < attacks->len; k++)
    {
      const char *attack = g_ptr_array_index (attacks, k);
      double hi = attack_range (r, attack, arrays);
      /* Nothing was fooled above 0 and no level says how far to draw. */
      if (!(hi > 0.0))
        hi = 1.0;
      Accum acc;
      report_accum_init (&acc);
      for (guint i = 0; i < arrays->len; i++)
        {
          MinimalArray *a = g_ptr_array_index (arrays, i);
          if (strcmp (a->attack, attack) != 0 || a->values->len == 0)
            continue;
          for (guint p = 0; p < CURVE_POINTS; p++)
            {
              double e = hi * p / (CURVE_POINTS - 1);
              report_accum_add (&acc, a->condition, e,
                                report_minimal_accuracy ((const double *) a->values->data,
                                                         a->values->len, e));
            }
        }
      const char *name = attack + strlen ("attack:");
      char *title = g_strdup_printf ("%s: accuracy vs epsilon (minimal-epsilon search)", name);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "epsilon (input scale 0..1)",
                                          "accuracy (fraction, 0..1)");
      interp_plot_set_bands (plot, TRUE);
      interp_plot_limit_y (plot, 0.0, 1.0);
      interp_plot_include_y (plot, 0.0, 1.0);
      report_accum_to_plot (&acc, plot, order, "all trials");
      char *ns = report_n_text (acc.min_n, acc.max_n, "trial");
      char *caption = g_strdup_printf ("Fraction of test images not fooled by %s at each epsilon, "
                                       "from each image's minimal epsilon (%s).", attack, ns);
      char *plot_name = g_strdup_printf ("minimal-epsilon-%s", name);
      g_string_append (r->body, "<h3>");
      report_html_text (r->body, attack);
      g_string_append (r->body, "</h3>\n<div class=\"plots\">\n");
      report_emit_plot (r, r->body, plot, plot_name, caption);
      g_string_append (r->body, "</div>\n");
      minimal_table (r, attack, order);
      g_free (plot_name);
      g_free (caption);
      g_free (ns);
      g_free (title);
      report_accum_clear (&acc);
    }
  if (attacks->len)
    report_section_end (r);
  g_ptr_array_unref (order);
  g_ptr_array_unref (attacks);
  g_ptr_array_unref (arrays);
  return TRUE;
}

/* ---- adversarial example grids ------------------------------------------ */

/* The file names the runner writes (runner/examples.h; the report layer may
 * not include it): attack-NAME-eLEVEL-I.png, ...-I-delta.png and
 * attack-NAME-eLEVEL.json. */
static void
append_safe (GString *s, const char *text)
{
  for (const char *p = text; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_');
}

static char *
attack_rel (const char *trial, const char *name, const char *level, const char *tail)
{
  GString *f = g_string_new ("attack-");
  append_safe (f, name);
  g_string_append (f, "-e");
  append_safe (f, level);
  g_string_append (f, tail);
  char *file = g_string_free (f, FALSE);
  char *rel = g_build_filename ("trials", trial, EXAMPLES_DIR, file, NULL);
  g_free (file);
  return rel;
}

static char *
image_rel (const char *trial, const char *name, const char *level, guint i, gboolean delta)
{
  char *tail = g_strdup_printf ("-%u%s.png", i, delta ? "-delta" : "");
  char *rel = attack_rel (trial, name, level, tail);
  g_free (tail);
  return rel;
}

/* The per-image scales m of a condition's delta images (NaN: unknown). */
static GArray *
read_scales (Report *r, const char *trial, const char *name, const char *level)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  char *rel = attack_rel (trial, name, level, ".json");
  char *path = g_build_filename (r->dir, rel, NULL);
  JsonParser *parser = NULL;
  if (report_optional_json (path, &parser, NULL) && parser)
    {
      JsonNode *n = json_object_get_member (json_node_get_object (json_parser_get_root (parser)),
                                            "max_abs_delta");
      JsonArray *a = n && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
      for (guint i = 0; a && i < json_array_get_length (a); i++)
        {
          double v = report_node_to_double (json_array_get_element (a, i));
          g_array_append_val (out, v);
        }
      g_object_unref (parser);
    }
  g_free (path);
  g_free (rel);
  return out;
}

static void
attack_grid (Report *r, const Trial *t, const char *attack, GPtrArray *levels, guint n)
{
  const char *name = attack + strlen ("attack:");
  GString *b = r->body;
  g_string_append (b, "<h3>");
  report_html_text (b, attack);
  g_string_append (b, ", ");
  report_html_text (b, *t->condition ? t->condition : "all trials");
  g_string_append (b, " <span class=\"unit\">(");
  report_html_text (b, t->id);
  g_string_append (b, ")</span></h3>\n<div class=\"scroll\"><table class=\"examples\">\n"
                   "<thead><tr><th>image</th>");
  GPtrArray *scales = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint l = 0; l < levels->len; l++)
    {
      g_string_append (b, "<th>epsilon ");
      report_html_text (b, g_ptr_array_index (levels, l));
      g_string_append (b, "</th>");
      g_ptr_array_add (scales, read_scales (r, t->id, name, g_ptr_array_index (levels, l)));
    }
  g_string_append (b, "</tr></thead>\n<tbody>\n");
  for (guint i = 0; i < n; i++)
    {
      g_string_append_printf (b, "<tr><th>%u</th>", i);
      for (guint l = 0; l < levels->len; l++)
        {
          const char *level = g_ptr_array_index (levels, l);
          g_string_append (b, "<td>");
          char *rel = image_rel (t->id, name, level, i, FALSE);
          char *alt = g_strdup_printf ("test image %u under %s at epsilon %s", i, attack, level);
          gboolean any = report_append_image (r, b, rel, alt);
          g_free (alt);
          g_free (rel);
          rel = image_rel (t->id, name, level, i, TRUE);
          alt = g_strdup_printf ("its perturbation, amplified");
          g_string_append (b, "<br>");
          any |= report_append_image (r, b, rel, alt);
          g_free (alt);
          g_free (rel);
          GArray *m = g_ptr_array_index (scales, l);
          if (i < m->len && isfinite (g_array_index (m, double, i)))
            g_string_append_printf (b, "<br><span class=\"unit\">m = %.3g</span>",
                                    g_array_index (m, double, i));
          if (!any)
            g_string_append (b, "\u2013");
          g_string_append (b, "</td>");
        }
      g_string_append (b, "</tr>\n");
    }
  g_string_append (b, "</tbody></table></div>\n");
  g_ptr_array_unref (scales);
}

void
report_section_attack_examples (Report *r)
{
  /* Attacks and their levels (sorted by value), from the rows. */
  GPtrArray *attacks = g_ptr_array_new ();
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (g_str_has_prefix (row->perturbation, "attack:") && *row->level
          && !g_ptr_array_find_with_equal_func (attacks, row->perturbation, g_str_equal, NULL))
        g_ptr_array_add (attacks, row->perturbation);
    }
  g_ptr_array_sort (attacks, report_compare_strings_as_values);
  GPtrArray *labels = report_condition_labels (r);
  gboolean begun = FALSE;
  for (guint k = 0; k < attacks->len; k++)
    {
      const char *attack = g_ptr_array_index (attacks, k);
      const char *name = attack + strlen ("attack:");
      GPtrArray *levels = g_ptr_array_new ();
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (strcmp (row->perturbation, attack) == 0 && *row->level
              && !g_ptr_array_find_with_equal_func (levels, row->level, g_str_equal, NULL))
            g_ptr_array_add (levels, row->level);
        }
      g_ptr_array_sort (levels, report_compare_strings_as_values);
      for (guint c = 0; c < labels->len; c++)
        {
          /* The first trial of the condition (manifest order) with examples
           * at the first level: as many rows as it has images there. */
          const Trial *t = NULL;
          guint n = 0;
          for (guint i = 0; i < r->trials->len && !t; i++)
            {
              const Trial *ti = g_ptr_array_index (r->trials, i);
              if (strcmp (ti->condition, g_ptr_array_index (labels, c)) != 0)
                continue;
              for (n = 0; n < MAX_EXAMPLES; n++)
                {
                  char *rel = image_rel (ti->id, name, g_ptr_array_index (levels, 0), n, FALSE);
                  gboolean there = report_run_file_exists (r, rel);
                  g_free (rel);
                  if (!there)
                    break;
                }
              if (n)
                t = ti;
            }
          if (!t)
            continue;
          if (!begun)
            {
              report_section_begin (r, "attack-examples", "Adversarial examples");
              g_string_append (r->body,
                               "<p>The first test images of one trial per condition under each "
                               "attack and epsilon, as the network saw them (enlarged), each over "
                               "its perturbation x<sub>adv</sub> \u2212 x amplified: shown as "
                               "0.5 + 0.5 (x<sub>adv</sub> \u2212 x) / m with m = max |x<sub>adv"
                               "</sub> \u2212 x| of that image (printed under it), so mid grey is "
                               "no change, black \u2212m and white +m.  Files in the trial's "
                               "<span class=\"file\">examples/</span> folder.</p>\n");
              begun = TRUE;
            }
          attack_grid (r, t, attack, levels, n);
        }
      g_ptr_array_unref (levels);
    }
  if (begun)
    report_section_end (r);
  g_ptr_array_unref (labels);
  g_ptr_array_unref (attacks);
}
