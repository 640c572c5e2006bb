/* The plot model (series, axes' settings) and its rendering to SVG and PNG. */
#include "config.h"

#include "report/plot-private.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

#ifdef HAVE_CAIRO
#include <cairo-svg.h>
#endif

/* Okabe-Ito, ordered so that the first colours are the most distinct on
 * white; yellow comes last because it is faint on white. */
static const char *const palette_hex[] = {
  "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
};
G_STATIC_ASSERT (G_N_ELEMENTS (palette_hex) == PLOT_PALETTE_N);

const char *
interp_plot_palette (guint i)
{
  return palette_hex[i % PLOT_PALETTE_N];
}

static void
series_free (gpointer p)
{
  Series *s = p;
  g_free (s->name);
  g_free (s->x);
  g_free (s->y);
  g_free (s->err);
  g_free (s);
}

InterpPlot *
interp_plot_new (InterpPlotKind kind, const char *title, const char *x_label, const char *y_label)
{
  InterpPlot *plot = g_new0 (InterpPlot, 1);
  plot->kind = kind;
  plot->title = g_strdup (title ? title : "");
  plot->x_label = g_strdup (x_label ? x_label : "");
  plot->y_label = g_strdup (y_label ? y_label : "");
  plot->width = 480;
  plot->height = 320;
  plot->bin_lo = 0;
  plot->bin_hi = 1;
  plot->series = g_ptr_array_new_with_free_func (series_free);
  return plot;
}

void
interp_plot_free (InterpPlot *plot)
{
  if (!plot)
    return;
  g_free (plot->title);
  g_free (plot->x_label);
  g_free (plot->y_label);
  g_strfreev (plot->categories);
  g_ptr_array_unref (plot->series);
  g_free (plot);
}

void
interp_plot_set_size (InterpPlot *plot, double width, double height)
{
  g_return_if_fail (width >= 100 && height >= 80);
  plot->width = width;
  plot->height = height;
}

void
interp_plot_set_categories (InterpPlot *plot, const char *const *labels, guint n)
{
  g_strfreev (plot->categories);
  plot->categories = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    plot->categories[i] = g_strdup (labels[i]);
  plot->n_categories = n;
}

void
interp_plot_set_bins (InterpPlot *plot, double lo, double hi)
{
  g_return_if_fail (hi > lo);
  plot->bin_lo = lo;
  plot->bin_hi = hi;
}

void
interp_plot_include_y (InterpPlot *plot, double lo, double hi)
{
  plot->have_y_include = TRUE;
  plot->y_include_lo = lo;
  plot->y_include_hi = hi;
}

void
interp_plot_set_integer_x (InterpPlot *plot, gboolean integer_x)
{
  plot->integer_x = integer_x;
}

void
interp_plot_set_bands (InterpPlot *plot, gboolean bands)
{
  plot->bands = bands;
}

void
interp_plot_limit_y (InterpPlot *plot, double lo, double hi)
{
  g_return_if_fail (hi > lo);
  plot->have_y_limit = TRUE;
  plot->y_limit_lo = lo;
  plot->y_limit_hi = hi;
}

void
interp_plot_add_series (InterpPlot *plot, const char *name, const double *x, const double *y,
                        const double *err, guint n)
{
  Series *s = g_new0 (Series, 1);
  s->name = g_strdup (name ? name : "");
  s->n = n;
  s->x = g_new (double, MAX (n, 1));
  s->y = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      s->x[i] = x ? x[i] : (double) i;
      s->y[i] = y[i];
    }
  if (err)
    s->err = g_memdup2 (err, sizeof (double) * MAX (n, 1));
  g_ptr_array_add (plot->series, s);
}

void
interp_plot_set_dashed (InterpPlot *plot, guint index, gboolean dashed)
{
  g_return_if_fail (index < plot->series->len);
  ((Series *) g_ptr_array_index (plot->series, index))->dashed = dashed;
}

guint
interp_plot_n_series (const InterpPlot *plot)
{
  return plot->series->len;
}

#ifdef HAVE_CAIRO

static cairo_status_t
svg_append (void *closure, const unsigned char *data, unsigned int length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* cairo numbers surfaces with a process-wide counter ("surface123"); the
 * same plot must give the same bytes in any process, so the ids are
 * renumbered from 1 in order of appearance.  Text from `start` on. */
static void
renumber_surfaces (GString *out, gsize start)
{
  GString *fixed = g_string_new (NULL);
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  const char *p = out->str + start;
  for (const char *s = strstr (p, "surface"); s; s = strstr (p, "surface"))
    {
      const char *d = s + strlen ("surface");
      const char *e = d;
      while (g_ascii_isdigit (*e))
        e++;
      g_string_append_len (fixed, p, d - p);
      if (e > d)
        {
          char *num = g_strndup (d, e - d);
          guint idx;
          if (!g_ptr_array_find_with_equal_func (seen, num, g_str_equal, &idx))
            {
              idx = seen->len;
              g_ptr_array_add (seen, num);
            }
          else
            g_free (num);
          g_string_append_printf (fixed, "%u", idx + 1);
        }
      p = e;
    }
  g_string_append (fixed, p);
  g_string_truncate (out, start);
  g_string_append_len (out, fixed->str, (gssize) fixed->len);
  g_string_free (fixed, TRUE);
  g_ptr_array_unref (seen);
}

gboolean
interp_plot_render_svg (const InterpPlot *plot, GString *out, GError **error)
{
  gsize start = out->len;
  cairo_surface_t *surface
    = cairo_svg_surface_create_for_stream (svg_append, out, plot->width, plot->height);
  /* Pixels rather than points, so a browser shows it at its nominal size. */
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  cairo_t *cr = cairo_create (surface);
  plot_draw (cr, plot);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "plot \"%s\": cairo: %s",
                   plot->title, cairo_status_to_string (status));
      return FALSE;
    }
  renumber_surfaces (out, start);
  return TRUE;
}

gboolean
interp_plot_write_png (const InterpPlot *plot, const char *path, GError **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         (int) ceil (plot->width),
                                                         (int) ceil (plot->height));
  cairo_t *cr = cairo_create (surface);
  plot_draw (cr, plot);
  cairo_status_t status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_IO, "%s: cannot write plot \"%s\": %s",
                   path, plot->title, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

#else /* !HAVE_CAIRO */

gboolean
interp_plot_render_svg (const InterpPlot *plot, GString *out, GError **error)
{
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
               "plot \"%s\": interp was built without cairo", plot->title);
  return FALSE;
}

gboolean
interp_plot_write_png (const InterpPlot *plot, const char *path, GError **error)
{
  g_set_error (error, INTERP_ERROR, INTERP_ERROR_UNSUPPORTED,
               "%s: interp was built without cairo", path);
  return FALSE;
}

#endif
