/* "Gradient norms": the size of each regulariser's gradient next to the
 * cross-entropy's over training ([train] gradient-norms = N,
 * trials/ID/gradient-norms.csv: epoch,step,parameter,source,norm). */
#include "config.h"

#include "report/report-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <interp/error.h>

#include "train/gradient-norms.h"

#define REG_PREFIX "regularizer:"

/* One row of a trial's file; strings live in the section's chunk. */
typedef struct {
  int64_t step;
  const char *param;
  const char *source;
  double norm;
} GnRow;

static gboolean
parse_int (const char *s, int64_t min, int64_t *out)
{
  char *end = NULL;
  errno = 0;
  gint64 v = g_ascii_strtoll (s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min)
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_norm (const char *s, double *out)
{
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (s, &end);
  if (errno == ERANGE || end == s || *end != '\0' || v < 0)
    return FALSE;
  *out = v;
  return TRUE;
}

/* The rows of one file.  Missing file: TRUE with *rows NULL.  Errors:
 * INTERP_ERROR_FORMAT naming the file and the line. */
static gboolean
read_file (const char *path, GStringChunk *strings, GArray **rows, GError **error)
{
  *rows = NULL;
  char *text = NULL;
  GError *read_error = NULL;
  if (!g_file_get_contents (path, &text, NULL, &read_error))
    {
      gboolean missing = g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      if (!missing)
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s", read_error->message);
      g_error_free (read_error);
      return missing;
    }
  char **lines = g_strsplit (text, "\n", -1);
  g_free (text);
  gboolean ok = g_strcmp0 (lines[0], "epoch,step,parameter,source,norm") == 0;
  if (!ok)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                 "%s:1: expected the header epoch,step,parameter,source,norm", path);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (GnRow));
  for (guint i = 1; ok && lines[i]; i++)
    {
      if (*lines[i] == '\0')
        continue;
      char **f = g_strsplit (lines[i], ",", -1);
      int64_t epoch;
      GnRow row = { 0 };
      if (g_strv_length (f) != 5)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%u: expected 5 fields (epoch,step,parameter,source,norm), got %u",
                       path, i + 1, g_strv_length (f));
          ok = FALSE;
        }
      else if (!parse_int (f[0], 1, &epoch) || !parse_int (f[1], 0, &row.step))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%u: the epoch ('%s') must be a whole number >= 1 and the step "
                       "('%s') >= 0", path, i + 1, f[0], f[1]);
          ok = FALSE;
        }
      else if (!*f[2] || !*f[3])
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%u: empty parameter or source", path, i + 1);
          ok = FALSE;
        }
      /* nan and inf are what a diverging step records: kept, and left out of
       * the ratios below. */
      else if (!parse_norm (f[4], &row.norm))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_FORMAT,
                       "%s:%u: the norm ('%s') is not a number >= 0", path, i + 1, f[4]);
          ok = FALSE;
        }
      else
        {
          row.param = g_string_chunk_insert_const (strings, f[2]);
          row.source = g_string_chunk_insert_const (strings, f[3]);
          g_array_append_val (out, row);
        }
      g_strfreev (f);
    }
  g_strfreev (lines);
  if (ok)
    *rows = out;
  else
    g_array_unref (out);
  return ok;
}

static void
add_unique (GPtrArray *list, const char *s)
{
  for (guint i = 0; i < list->len; i++)
    if (strcmp (g_ptr_array_index (list, i), s) == 0)
      return;
  g_ptr_array_add (list, (gpointer) s);
}

/* A plotted series: the condition, and the regulariser when there are several. */
static char *
series_label (const char *condition, const char *source, guint n_sources)
{
  if (n_sources == 1)
    return g_strdup (condition);
  return *condition ? g_strdup_printf ("%s, %s", condition, source) : g_strdup (source);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

typedef struct {
  GPtrArray *params;     /* ".weight" parameters, first-seen order; chunk strings */
  GPtrArray *sources;    /* regularizer sources, first-seen order; chunk strings */
  GPtrArray *order;      /* series labels in condition order; owned */
  GHashTable *ratios;    /* "param\x1fseries" -> GArray of double (every ratio, for medians) */
} Ratios;

static GArray *
ratio_cell (Ratios *q, const char *param, const char *series)
{
  char *key = g_strdup_printf ("%s\x1f%s", param, series);
  GArray *a = g_hash_table_lookup (q->ratios, key);
  if (a == NULL)
    {
      a = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (q->ratios, key, a);
    }
  else
    g_free (key);
  return a;
}

/* The ratio norm(regulariser) / norm(cross-entropy) of one trial's rows, at
 * every step both were recorded with a finite cross-entropy norm > 0, added
 * to the medians and (log10, when > 0) to the parameter's plot. */
static void
add_trial (Ratios *q, const Trial *trial, GArray *rows, Accum *plots)
{
  GHashTable *ce = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      GnRow *row = &g_array_index (rows, GnRow, i);
      if (strcmp (row->source, INTERP_GRAD_NORMS_CROSS_ENTROPY) == 0)
        g_hash_table_insert (ce, g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, row->param,
                                                  row->step), row);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      GnRow *row = &g_array_index (rows, GnRow, i);
      if (!g_str_has_prefix (row->source, REG_PREFIX) || !g_str_has_suffix (row->param, ".weight"))
        continue;
      char *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, row->param, row->step);
      GnRow *c = g_hash_table_lookup (ce, key);
      g_free (key);
      if (c == NULL || !isfinite (c->norm) || c->norm <= 0 || !isfinite (row->norm))
        continue;
      double ratio = row->norm / c->norm;
      guint p = 0;
      while (strcmp (g_ptr_array_index (q->params, p), row->param) != 0)
        p++;
      char *series = series_label (trial->condition, row->source, q->sources->len);
      g_array_append_val (ratio_cell (q, row->param, series), ratio);
      if (ratio > 0)
        report_accum_add (&plots[p], series, (double) row->step, log10 (ratio));
      g_free (series);
    }
  g_hash_table_unref (ce);
}

static void
emit_table (Report *r, Ratios *q)
{
  GString *b = r->body;
  g_string_append (b, "<div class=\"scroll\"><table class=\"results\">\n<thead><tr>"
                   "<th>parameter</th>");
  for (guint s = 0; s < q->order->len; s++)
    {
      const char *label = g_ptr_array_index (q->order, s);
      g_string_append (b, "<th>");
      report_html_text (b, *label ? label : "median ratio");
      g_string_append (b, "</th>");
    }
  g_string_append (b, "</tr></thead>\n<tbody>\n");
  for (guint p = 0; p < q->params->len; p++)
    {
      const char *param = g_ptr_array_index (q->params, p);
      g_string_append (b, "<tr><th>");
      report_html_text (b, param);
      g_string_append (b, "</th>");
      for (guint s = 0; s < q->order->len; s++)
        {
          GArray *a = ratio_cell (q, param, g_ptr_array_index (q->order, s));
          g_string_append (b, "<td class=\"num\">");
          if (a->len == 0)
            g_string_append (b, "\u2013");
          else
            {
              qsort (a->data, a->len, sizeof (double), compare_doubles);
              report_html_printf (b, "%.3g (n=%u)",
                                  interp_stats_quantile_sorted ((double *) a->data, a->len, 0.5),
                                  a->len);
            }
          g_string_append (b, "</td>");
        }
      g_string_append (b, "</tr>\n");
    }
  g_string_append (b, "</tbody></table></div>\n");
}

static void
emit_section (Report *r, GArray **files, guint n_files, GPtrArray *params, GPtrArray *sources)
{
  Ratios q = { params, sources, g_ptr_array_new_with_free_func (g_free),
               g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_array_unref) };
  GPtrArray *conditions = report_condition_labels (r);
  for (guint c = 0; c < conditions->len; c++)
    for (guint s = 0; s < sources->len; s++)
      g_ptr_array_add (q.order, series_label (g_ptr_array_index (conditions, c),
                                              g_ptr_array_index (sources, s), sources->len));
  g_ptr_array_unref (conditions);
  Accum *plots = g_new (Accum, params->len);
  for (guint p = 0; p < params->len; p++)
    report_accum_init (&plots[p]);
  for (guint t = 0; t < r->trials->len; t++)
    if (files[t])
      add_trial (&q, g_ptr_array_index (r->trials, t), files[t], plots);

  report_section_begin (r, "gradient-norms", "Gradient norms");
  GString *b = r->body;
  g_string_append_printf (b, "<p>The L2 norm of each regulariser's gradient divided by that of "
                          "the cross-entropy, per weight tensor, at the steps "
                          "<code>[train] gradient-norms</code> recorded (%u trial%s with "
                          "<code>gradient-norms.csv</code>). At a ratio of 1 the regulariser's "
                          "gradient on that tensor is as large as the task's.</p>\n",
                          n_files, n_files == 1 ? "" : "s");
  g_string_append (b, "<div class=\"plots\">\n");
  for (guint p = 0; p < params->len; p++)
    {
      const char *param = g_ptr_array_index (params, p);
      char *title = g_strdup_printf ("%s: regulariser / cross-entropy gradient", param);
      InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, title, "optimiser step",
                                          "log10 (norm ratio)");
      interp_plot_set_integer_x (plot, TRUE);
      report_accum_to_plot (&plots[p], plot, q.order, "all trials");
      if (interp_plot_n_series (plot) == 0)
        {
          g_string_append (b, "<p class=\"note\">");
          report_html_printf (b, "%s: no ratio above 0 to draw (see the table).", param);
          g_string_append (b, "</p>\n");
          interp_plot_free (plot);
          g_free (title);
          report_accum_clear (&plots[p]);
          continue;
        }
      char *ns = report_n_text (plots[p].min_n, plots[p].max_n, "trial");
      char *caption = g_strdup_printf (
        "log10 of |grad regulariser| / |grad cross-entropy| for %s: one line per condition, "
        "the mean over its trials of the log10, i.e. the geometric mean of the ratio (%s). "
        "The plot code has no log axis, so the values are logarithms; a ratio of 0 "
        "(alpha = 0) draws no point: see the table.", param, ns);
      char *name = g_strdup_printf ("gradient-norms-%s", param);
      report_emit_plot (r, b, plot, name, caption);
      g_free (name);
      g_free (caption);
      g_free (ns);
      g_free (title);
      report_accum_clear (&plots[p]);
    }
  g_string_append (b, "</div>\n<p>Median ratio over the recorded steps and the trials of "
                   "each condition (n = steps x trials):</p>\n");
  emit_table (r, &q);
  report_section_end (r);
  g_free (plots);
  g_ptr_array_unref (q.order);
  g_hash_table_unref (q.ratios);
}

gboolean
report_section_gradient_norms (Report *r, GError **error)
{
  GArray **files = g_new0 (GArray *, MAX (r->trials->len, 1));
  GStringChunk *strings = g_string_chunk_new (4096);
  GPtrArray *params = g_ptr_array_new (), *sources = g_ptr_array_new ();
  gboolean ok = TRUE;
  guint n_files = 0;
  for (guint t = 0; ok && t < r->trials->len; t++)
    {
      Trial *trial = g_ptr_array_index (r->trials, t);
      char *path = g_build_filename (r->dir, "trials", trial->id, INTERP_GRAD_NORMS_FILE, NULL);
      ok = read_file (path, strings, &files[t], error);
      g_free (path);
      if (!ok || !files[t])
        continue;
      n_files++;
      for (guint i = 0; i < files[t]->len; i++)
        {
          GnRow *row = &g_array_index (files[t], GnRow, i);
          if (g_str_has_prefix (row->source, REG_PREFIX))
            {
              add_unique (sources, row->source);
              if (g_str_has_suffix (row->param, ".weight"))
                add_unique (params, row->param);
            }
        }
    }
  /* Without a regulariser there is no ratio to show. */
  if (ok && n_files > 0 && params->len > 0)
    emit_section (r, files, n_files, params, sources);
  for (guint t = 0; t < r->trials->len; t++)
    if (files[t])
      g_array_unref (files[t]);
  g_free (files);
  g_ptr_array_unref (params);
  g_ptr_array_unref (sources);
  g_string_chunk_free (strings);
  return ok;
}
