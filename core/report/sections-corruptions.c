/* Corruption sections: the mean corruption value / mCE table and the grids
 * of example images the runner saved (TRIAL/examples/, runner/examples.h). */
#include "config.h"

#include "report/report-private.h"
#include "util/fs.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

#define ROBUSTNESS_FILE "corruption-robustness.json"
#define EXAMPLES_DIR "examples"
/* The runner saves at most 64 examples per condition ([pipeline] corruption-examples). */
#define MAX_EXAMPLES 64

static void
cell_value (GString *b, double v, const char *note, gboolean percent)
{
  if (isfinite (v))
    {
      g_string_append (b, "<td class=\"num\">");
      if (percent)
        report_html_printf (b, "%.1f%%", 100.0 * v);
      else
        report_html_printf (b, "%.4g", v);
    }
  else
    {
      g_string_append (b, "<td class=\"num undefined\"");
      if (note)
        {
          g_string_append (b, " title=\"");
          report_html_text (b, note);
          g_string_append (b, "\"");
        }
      g_string_append (b, ">");
      report_html_text (b, note && strcmp (note, "no baseline") == 0 ? "not shown" : "undefined");
    }
  g_string_append (b, "</td>");
}

static void
metric_table (Report *r, const RobustMetric *m)
{
  GString *b = r->body;
  const Output *o = m->output;
  g_string_append (b, "<h3>");
  report_html_text (b, m->metric);
  g_string_append (b, "</h3>\n");
  if (m->baseline)
    {
      g_string_append (b, "<p>mCE normalised by the condition <strong>");
      report_html_text (b, *m->baseline ? m->baseline : "(all trials)");
      g_string_append_printf (b, "</strong>; error = %s. 100%% = as robust as the baseline, "
                              "less is more robust.</p>\n",
                              o->better == INTERP_BETTER_HIGHER ? "max \u2212 value"
                                                                : "value \u2212 min");
    }
  else
    g_string_append (b, "<p class=\"note\">mCE not shown: it needs a baseline condition "
                     "(<code>[pipeline] mce-baseline = CONDITION</code>, a label of the first "
                     "column).</p>\n");
  g_string_append (b, "<div class=\"scroll\"><table class=\"robustness\">\n<thead><tr>"
                   "<th>condition</th><th>clean</th><th>mean under corruptions</th>"
                   "<th>mCE</th><th>relative mCE</th></tr></thead>\n<tbody>\n");
  for (guint c = 0; c < m->n_conditions; c++)
    {
      const RobustCondition *rc = &m->conditions[c];
      gboolean is_base = m->baseline && strcmp (rc->label, m->baseline) == 0;
      g_string_append_printf (b, "<tr%s><th>", is_base ? " class=\"baseline\"" : "");
      report_html_text (b, *rc->label ? rc->label : "all trials");
      if (is_base)
        g_string_append (b, " <span class=\"unit\">(baseline)</span>");
      g_string_append (b, "</th>");
      cell_value (b, rc->clean, "no clean value", FALSE);
      cell_value (b, rc->mean_corrupted, "no value under any corruption", FALSE);
      cell_value (b, rc->mce, rc->mce_note, TRUE);
      cell_value (b, rc->rel_mce, rc->rel_mce_note, TRUE);
      g_string_append (b, "</tr>\n");
    }
  g_string_append (b, "</tbody></table></div>\n");
  /* CE per corruption: corruptions down, conditions across, since a suite
   * has many more corruptions (26 in corruptions.ini) than a sweep has
   * conditions. */
  if (m->baseline)
    {
      g_string_append (b, "<p>CE per corruption: the condition's errors summed over the "
                       "severities, divided by the baseline's.</p>\n"
                       "<div class=\"scroll\"><table class=\"robustness ce\">\n<thead><tr>"
                       "<th>CE of corruption</th>");
      for (guint c = 0; c < m->n_conditions; c++)
        {
          const RobustCondition *rc = &m->conditions[c];
          g_string_append (b, "<th>");
          report_html_text (b, *rc->label ? rc->label : "all trials");
          g_string_append (b, "</th>");
        }
      g_string_append (b, "</tr></thead>\n<tbody>\n");
      for (guint k = 0; k < m->corruptions->len; k++)
        {
          g_string_append (b, "<tr><th>");
          report_html_text (b, report_robustness_corruption (m, k) + strlen ("corruption:"));
          g_string_append (b, "</th>");
          for (guint c = 0; c < m->n_conditions; c++)
            cell_value (b, m->conditions[c].ce[k], m->conditions[c].ce_note[k], TRUE);
          g_string_append (b, "</tr>\n");
        }
      g_string_append (b, "</tbody></table></div>\n");
    }
  /* The reasons, in words: a hover title is not enough on paper. */
  GPtrArray *notes = g_ptr_array_new ();
  for (guint c = 0; c < m->n_conditions; c++)
    for (guint k = 0; m->baseline && k < m->corruptions->len; k++)
      {
        const char *note = m->conditions[c].ce_note[k];
        char *text = note ? g_strdup_printf ("CE %s undefined for %s: %s.",
                                             report_robustness_corruption (m, k)
                                               + strlen ("corruption:"),
                                             *m->conditions[c].label ? m->conditions[c].label
                                                                     : "all trials", note)
                          : NULL;
        if (text && !g_ptr_array_find_with_equal_func (notes, text, g_str_equal, NULL))
          g_ptr_array_add (notes, text);
        else
          g_free (text);
      }
  for (guint i = 0; i < notes->len; i++)
    {
      g_string_append (b, "<p class=\"note\">");
      report_html_text (b, g_ptr_array_index (notes, i));
      g_string_append (b, "</p>\n");
    }
  g_ptr_array_set_free_func (notes, g_free);
  g_ptr_array_unref (notes);
}

gboolean
report_section_corruption_summary (Report *r, GError **error)
{
  char *path = g_build_filename (r->dir, ROBUSTNESS_FILE, NULL);
  GPtrArray *metrics = report_robustness (r);
  gboolean ok = TRUE;
  if (metrics->len == 0)
    {
      /* A file left by an earlier report of this run would not match the page. */
      g_unlink (path);
      goto out;
    }
  JsonNode *root = report_robustness_json (metrics);
  ok = interp_write_json_atomic (path, root, error);
  json_node_unref (root);
  if (!ok)
    goto out;
  report_section_begin (r, "corruption-summary", "Corruption robustness summary");
  g_string_append_printf (r->body, "<p>Mean under corruptions: the mean over every corruption and "
                      "severity of the condition's mean over trials. CE of a corruption: the "
                      "condition's errors summed over severities divided by the baseline's "
                      "(Hendrycks &amp; Dietterich 2019); mCE: the mean CE over corruptions; "
                      "relative mCE: the same with each error minus the condition's own clean "
                      "error. "
                      "Also in <span class=\"file\">%s</span>.</p>\n", ROBUSTNESS_FILE);
  for (guint i = 0; i < metrics->len; i++)
    metric_table (r, g_ptr_array_index (metrics, i));
  report_section_end (r);
out:
  g_ptr_array_unref (metrics);
  g_free (path);
  return ok;
}

/* ---------------------------------------------------------------- examples */

/* Appends an <img> of RUN/REL as a data: URI (the page's policy allows no
 * other image source) with `rel` in data-file; FALSE when it is missing. */
gboolean
report_append_image (Report *r, GString *b, const char *rel, const char *alt)
{
  char *path = g_build_filename (r->dir, rel, NULL);
  char *contents = NULL;
  gsize len = 0;
  gboolean ok = g_file_get_contents (path, &contents, &len, NULL);
  if (ok)
    {
      char *b64 = g_base64_encode ((const guchar *) contents, len);
      g_string_append_printf (b, "<img src=\"data:image/png;base64,%s\" data-file=\"", b64);
      report_html_text (b, rel);
      g_string_append (b, "\" alt=\"");
      report_html_text (b, alt);
      g_string_append (b, "\" title=\"");
      report_html_text (b, rel);
      g_string_append (b, "\">");
      g_free (b64);
    }
  g_free (contents);
  g_free (path);
  return ok;
}

/* The example file name the runner writes (runner/examples.h; the report
 * layer may not include it): "clean-I.png" or "corruption-NAME-sLEVEL-I.png". */
static void
append_safe (GString *s, const char *text)
{
  for (const char *p = text; *p; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '-' || *p == '.' ? *p : '_');
}

static char *
example_rel (const char *trial, const char *name, const char *level, guint index)
{
  GString *f = g_string_new (name ? "corruption-" : "clean-");
  if (name)
    {
      append_safe (f, name);
      g_string_append (f, "-s");
      append_safe (f, level);
      g_string_append_c (f, '-');
    }
  g_string_append_printf (f, "%u.png", index);
  char *file = g_string_free (f, FALSE);
  char *rel = g_build_filename ("trials", trial, EXAMPLES_DIR, file, NULL);
  g_free (file);
  return rel;
}

gboolean
report_run_file_exists (Report *r, const char *rel)
{
  char *path = g_build_filename (r->dir, rel, NULL);
  gboolean ok = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  g_free (path);
  return ok;
}

/* The corruptions (sorted) and, aligned, their levels (sorted by value). */
static void
corruption_levels (const Report *r, GPtrArray *names, GPtrArray *levels)
{
  for (guint i = 0; i < r->rows->len; i++)
    {
      Row *row = g_ptr_array_index (r->rows, i);
      if (!g_str_has_prefix (row->perturbation, "corruption:")
          || g_ptr_array_find_with_equal_func (names, row->perturbation, g_str_equal, NULL))
        continue;
      g_ptr_array_add (names, row->perturbation);
    }
  g_ptr_array_sort (names, report_compare_strings_as_values);
  for (guint k = 0; k < names->len; k++)
    {
      GPtrArray *lv = g_ptr_array_new ();
      for (guint i = 0; i < r->rows->len; i++)
        {
          Row *row = g_ptr_array_index (r->rows, i);
          if (strcmp (row->perturbation, g_ptr_array_index (names, k)) == 0
              && !g_ptr_array_find_with_equal_func (lv, row->level, g_str_equal, NULL))
            g_ptr_array_add (lv, row->level);
        }
      g_ptr_array_sort (lv, report_compare_strings_as_values);
      g_ptr_array_add (levels, lv);
    }
}

static void
condition_grid (Report *r, const Trial *t, GPtrArray *names, GPtrArray *levels, guint n_examples)
{
  GString *b = r->body;
  guint max_levels = 0;
  for (guint k = 0; k < levels->len; k++)
    max_levels = MAX (max_levels, ((GPtrArray *) g_ptr_array_index (levels, k))->len);
  g_string_append (b, "<h3>");
  report_html_text (b, *t->condition ? t->condition : "all trials");
  g_string_append (b, " <span class=\"unit\">(");
  report_html_text (b, t->id);
  g_string_append (b, ")</span></h3>\n<div class=\"scroll\"><table class=\"examples\">\n"
                   "<thead><tr><th>corruption</th><th>clean</th>");
  /* Columns are positions in each corruption's sorted levels; the header
   * names them when every corruption has the same levels. */
  GPtrArray *first = levels->len ? g_ptr_array_index (levels, 0) : NULL;
  gboolean same = TRUE;
  for (guint k = 1; k < levels->len; k++)
    {
      GPtrArray *lv = g_ptr_array_index (levels, k);
      same &= lv->len == first->len;
      for (guint l = 0; same && l < lv->len; l++)
        same &= strcmp (g_ptr_array_index (lv, l), g_ptr_array_index (first, l)) == 0;
    }
  for (guint l = 0; l < max_levels; l++)
    {
      g_string_append (b, "<th>");
      if (same)
        {
          g_string_append (b, "severity ");
          report_html_text (b, g_ptr_array_index (first, l));
        }
      else
        report_html_printf (b, "level %u", l + 1);
      g_string_append (b, "</th>");
    }
  g_string_append (b, "</tr></thead>\n<tbody>\n");
  for (guint k = 0; k < names->len; k++)
    {
      const char *name = (const char *) g_ptr_array_index (names, k) + strlen ("corruption:");
      GPtrArray *lv = g_ptr_array_index (levels, k);
      for (guint i = 0; i < n_examples; i++)
        {
          g_string_append (b, "<tr>");
          if (i == 0)
            {
              g_string_append_printf (b, "<th rowspan=\"%u\">", n_examples);
              report_html_text (b, name);
              g_string_append (b, "</th>");
            }
          char *rel = example_rel (t->id, NULL, NULL, i);
          char *alt = g_strdup_printf ("clean test image %u", i);
          g_string_append (b, "<td>");
          if (!report_append_image (r, b, rel, alt))
            g_string_append (b, "\u2013");
          g_string_append (b, "</td>");
          g_free (alt);
          g_free (rel);
          for (guint l = 0; l < max_levels; l++)
            {
              g_string_append (b, "<td>");
              const char *level = l < lv->len ? g_ptr_array_index (lv, l) : NULL;
              rel = level ? example_rel (t->id, name, level, i) : NULL;
              alt = level ? g_strdup_printf ("test image %u under %s at %s", i, name, level) : NULL;
              if (!rel || !report_append_image (r, b, rel, alt))
                g_string_append (b, "\u2013");
              g_free (alt);
              g_free (rel);
              g_string_append (b, "</td>");
            }
          g_string_append (b, "</tr>\n");
        }
    }
  g_string_append (b, "</tbody></table></div>\n");
}

void
report_section_corruption_examples (Report *r)
{
  GPtrArray *names = g_ptr_array_new ();
  GPtrArray *levels = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  corruption_levels (r, names, levels);
  GPtrArray *labels = report_condition_labels (r);
  gboolean begun = FALSE;
  for (guint c = 0; names->len && c < labels->len; c++)
    {
      /* The first trial of the condition (manifest order) that has examples. */
      const Trial *t = NULL;
      guint n = 0;
      for (guint i = 0; i < r->trials->len && !t; i++)
        {
          const Trial *ti = g_ptr_array_index (r->trials, i);
          if (strcmp (ti->condition, g_ptr_array_index (labels, c)) != 0)
            continue;
          for (n = 0; n < MAX_EXAMPLES; n++)
            {
              char *rel = example_rel (ti->id, NULL, NULL, n);
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
          report_section_begin (r, "corruption-examples", "Corruption examples");
          g_string_append (r->body, "<p>The first test images of one trial per condition, "
                           "clean and under each corruption and severity, as the network saw "
                           "them (enlarged; files in the trial's "
                           "<span class=\"file\">examples/</span> folder).</p>\n");
          begun = TRUE;
        }
      condition_grid (r, t, names, levels, n);
    }
  if (begun)
    report_section_end (r);
  g_ptr_array_unref (labels);
  g_ptr_array_unref (levels);
  g_ptr_array_unref (names);
}
