/* What sections share: their frame, plots rendered inline and to RUN/plots/,
 * series as mean +- sd, axes from declared outputs. */
#include "config.h"

#include "report/report-private.h"
#include "util/fs.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include <interp/error.h>

void
report_section_begin (Report *r, const char *id, const char *title)
{
  SectionRef s = { g_strdup (id), g_strdup (title) };
  g_array_append_val (r->sections, s);
  g_string_append_printf (r->body, "<section id=\"%s\">\n<h2>", id);
  report_html_text (r->body, title);
  g_string_append (r->body, "</h2>\n");
}

void
report_section_end (Report *r)
{
  g_string_append (r->body, "</section>\n");
}

char *
report_slugify (const char *s)
{
  GString *out = g_string_new (NULL);
  for (const char *p = s; *p; p++)
    {
      char c = *p;
      if (g_ascii_isalnum (c))
        g_string_append_c (out, g_ascii_tolower (c));
      else if (c == '-' && g_ascii_isdigit (p[1]) && (p == s || !g_ascii_isalnum (p[-1])))
        g_string_append (out, out->len && out->str[out->len - 1] != '-' ? "-m" : "m");
      else if (out->len && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len > 80)
    g_string_truncate (out, 80);
  if (!out->len)
    g_string_append (out, "plot");
  return g_string_free (out, FALSE);
}

/* Renders `plot` into the page as a figure and to RUN/plots/SLUG.svg; takes
 * ownership of the plot.  A plot that cannot be drawn (no cairo) leaves a
 * note instead, so the rest of the report still appears. */
void
report_emit_plot (Report *r, GString *out, InterpPlot *plot, const char *name, const char *caption)
{
  char *base = report_slugify (name);
  char *slug = g_strdup (base);
  for (guint i = 2; g_hash_table_contains (r->plot_names, slug); i++)
    {
      g_free (slug);
      slug = g_strdup_printf ("%s-%u", base, i);
    }
  g_hash_table_add (r->plot_names, g_strdup (slug));
  g_free (base);

  GString *svg = g_string_new (NULL);
  GError *error = NULL;
  if (!interp_plot_render_svg (plot, svg, &error))
    {
      g_string_append (out, "<p class=\"note\">Plot not drawn: ");
      report_html_text (out, error->message);
      g_string_append (out, "</p>\n");
      g_error_free (error);
      goto out;
    }
  char *file = g_strdup_printf ("%s.svg", slug);
  char *path = g_build_filename (r->plots_dir, file, NULL);
  if (!interp_mkdir_p (r->plots_dir, &error)
      || !interp_write_file_atomic (path, svg->str, svg->len, &error))
    {
      g_warning ("cannot write a plot: %s", error->message);
      g_clear_error (&error);
    }
  char *b64 = g_base64_encode ((const guchar *) svg->str, svg->len);
  g_string_append_printf (out, "<figure id=\"plot-%s\">\n<img src=\"data:image/svg+xml;base64,%s\" alt=\"",
                          slug, b64);
  report_html_text (out, caption && *caption ? caption : name);
  g_string_append (out, "\">\n");
  if (caption && *caption)
    {
      g_string_append (out, "<figcaption>");
      report_html_text (out, caption);
      g_string_append (out, " <span class=\"file\">plots/");
      report_html_text (out, file);
      g_string_append (out, "</span></figcaption>\n");
    }
  g_string_append (out, "</figure>\n");
  g_free (b64);
  g_free (file);
  g_free (path);
out:
  g_string_free (svg, TRUE);
  g_free (slug);
  interp_plot_free (plot);
}

void
report_accum_init (Accum *a)
{
  a->series = g_ptr_array_new_with_free_func (g_free);
  a->xs = g_array_new (FALSE, FALSE, sizeof (double));
  a->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_array_unref);
}

void
report_accum_clear (Accum *a)
{
  g_ptr_array_unref (a->series);
  g_array_unref (a->xs);
  g_hash_table_unref (a->cells);
}

static char *
accum_key (const char *series, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup_printf ("%s\x1f%s", series, g_ascii_dtostr (buf, sizeof buf, x));
}

void
report_accum_add (Accum *a, const char *series, double x, double v)
{
  if (!isfinite (v) || !isfinite (x))
    return;
  gboolean seen = FALSE;
  for (guint i = 0; i < a->series->len && !seen; i++)
    seen = strcmp (g_ptr_array_index (a->series, i), series) == 0;
  if (!seen)
    g_ptr_array_add (a->series, g_strdup (series));
  seen = FALSE;
  for (guint i = 0; i < a->xs->len && !seen; i++)
    seen = g_array_index (a->xs, double, i) == x;
  if (!seen)
    g_array_append_val (a->xs, x);
  char *key = accum_key (series, x);
  GArray *cell = g_hash_table_lookup (a->cells, key);
  if (!cell)
    {
      cell = g_array_new (FALSE, FALSE, sizeof (double));
      g_hash_table_insert (a->cells, key, cell);
    }
  else
    g_free (key);
  g_array_append_val (cell, v);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Adds the accumulated series to `plot`, in `order` (labels; NULL = first
 * seen).  A series label "" is shown as `blank_name`. */
void
report_accum_to_plot (Accum *a, InterpPlot *plot, GPtrArray *order, const char *blank_name)
{
  g_array_sort (a->xs, compare_doubles);
  guint nx = a->xs->len;
  double *y = g_new (double, MAX (nx, 1)), *e = g_new (double, MAX (nx, 1));
  GPtrArray *names = order ? order : a->series;
  a->min_n = G_MAXUINT;
  a->max_n = 0;
  for (guint s = 0; s < names->len; s++)
    {
      const char *name = g_ptr_array_index (names, s);
      gboolean any = FALSE;
      for (guint i = 0; i < nx; i++)
        {
          char *key = accum_key (name, g_array_index (a->xs, double, i));
          GArray *cell = g_hash_table_lookup (a->cells, key);
          g_free (key);
          y[i] = cell ? interp_stats_mean ((double *) cell->data, cell->len) : NAN;
          e[i] = cell ? interp_stats_sd ((double *) cell->data, cell->len) : NAN;
          if (cell)
            {
              any = TRUE;
              a->min_n = MIN (a->min_n, cell->len);
              a->max_n = MAX (a->max_n, cell->len);
            }
        }
      if (any)
        interp_plot_add_series (plot, *name ? name : blank_name, (double *) a->xs->data, y, e, nx);
    }
  if (a->min_n == G_MAXUINT)
    a->min_n = 0;
  g_free (y);
  g_free (e);
}

GPtrArray *
report_condition_labels (const Report *r)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < r->conditions->len; i++)
    g_ptr_array_add (out, ((Condition *) g_ptr_array_index (r->conditions, i))->label);
  return out;
}

char *
report_n_text (guint min_n, guint max_n, const char *what)
{
  if (max_n <= 1)
    return g_strdup_printf ("one %s per point, no error bars", what);
  if (min_n == max_n)
    return g_strdup_printf ("mean \u00b1 sd over %u %ss", max_n, what);
  return g_strdup_printf ("mean \u00b1 sd over %u\u2013%u %ss", min_n, max_n, what);
}

gboolean
report_bounded (const Output *o)
{
  return o && isfinite (o->min) && isfinite (o->max) && o->min < o->max;
}

char *
report_axis_label (const char *name, const Output *o)
{
  GString *s = g_string_new (name);
  gboolean unit = o && *o->unit;
  if (unit || report_bounded (o))
    {
      g_string_append (s, " (");
      if (unit)
        g_string_append (s, o->unit);
      if (report_bounded (o))
        g_string_append_printf (s, "%s%g..%g", unit ? ", " : "", o->min, o->max);
      g_string_append_c (s, ')');
    }
  return g_string_free (s, FALSE);
}

void
report_limit_y (InterpPlot *plot, const Output *o, gboolean include)
{
  if (o == NULL)
    return;
  double lo = isnan (o->min) ? -INFINITY : o->min;
  double hi = isnan (o->max) ? INFINITY : o->max;
  if (isfinite (lo) || isfinite (hi))
    interp_plot_limit_y (plot, lo, hi);
  if (include && report_bounded (o))
    interp_plot_include_y (plot, lo, hi);
}
