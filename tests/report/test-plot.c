/* The report's plots (core/report/plot.h): every kind renders to SVG and
 * PNG, degenerate data still draws, the palette is Okabe-Ito. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "report/plot.h"
#include "util/fs.h"

#ifdef HAVE_CAIRO
#define NEED_CAIRO() ((void) 0)
#else
#define NEED_CAIRO() cr_skip_test ("interp was built without cairo")
#endif

static char *
make_tmp (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("interp-plot-XXXXXX", &error);
  cr_assert_not_null (dir, "%s", error ? error->message : "");
  return dir;
}

static void
remove_tree (const char *path)
{
  cr_assert (interp_remove_tree (path, NULL), "cannot remove %s", path);
}

/* Occurrences of `needle` in `hay`. */
static guint
count (const char *hay, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (hay, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static InterpPlot *
sample_plot (InterpPlotKind kind)
{
  InterpPlot *plot = interp_plot_new (kind, "title", "x label (unit)", "y label (unit)");
  const double x[] = { 1, 2, 3, 4 };
  const double y1[] = { 0.9, 0.8, NAN, 0.5 }, e1[] = { 0.01, NAN, 0.0, 0.05 };
  const double y2[] = { 0.2, 0.4, 0.3, 0.1 };
  if (kind == INTERP_PLOT_BARS)
    interp_plot_set_categories (plot, (const char *const[]) { "a", "b", "c", "a-long-category" }, 4);
  interp_plot_add_series (plot, "first", x, y1, e1, 4);
  interp_plot_add_series (plot, "second", x, y2, NULL, 4);
  return plot;
}

Test (report_plot, renders_every_kind_to_svg)
{
  NEED_CAIRO ();
  static const InterpPlotKind kinds[] = { INTERP_PLOT_LINES, INTERP_PLOT_BARS,
                                          INTERP_PLOT_HISTOGRAM };
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      InterpPlot *plot = sample_plot (kinds[k]);
      cr_assert_eq (interp_plot_n_series (plot), 2);
      GString *svg = g_string_new (NULL);
      GError *error = NULL;
      cr_assert (interp_plot_render_svg (plot, svg, &error), "%s", error ? error->message : "");
      cr_assert (g_str_has_prefix (svg->str, "<?xml"), "kind %d", kinds[k]);
      cr_assert_not_null (strstr (svg->str, "<svg"));
      cr_assert_not_null (strstr (svg->str, "width=\"480"), "size in px");
      cr_assert_gt (count (svg->str, "<path"), 10);
      g_string_free (svg, TRUE);
      interp_plot_free (plot);
    }
}

Test (report_plot, empty_and_degenerate_plots_render)
{
  NEED_CAIRO ();
  InterpPlot *plot = interp_plot_new (INTERP_PLOT_LINES, "", "", "");
  GString *svg = g_string_new (NULL);
  cr_assert (interp_plot_render_svg (plot, svg, NULL));
  interp_plot_free (plot);
  g_string_truncate (svg, 0);
  plot = interp_plot_new (INTERP_PLOT_LINES, "constant", "x", "y");
  const double y[] = { 3, 3, 3 };
  interp_plot_add_series (plot, "flat", NULL, y, NULL, 3);
  cr_assert (interp_plot_render_svg (plot, svg, NULL));
  cr_assert_not_null (strstr (svg->str, "</svg>"));
  interp_plot_free (plot);
  g_string_free (svg, TRUE);
}

Test (report_plot, writes_png)
{
  NEED_CAIRO ();
  char *tmp = make_tmp ();
  char *path = g_build_filename (tmp, "plot.png", NULL);
  InterpPlot *plot = sample_plot (INTERP_PLOT_LINES);
  GError *error = NULL;
  cr_assert (interp_plot_write_png (plot, path, &error), "%s", error ? error->message : "");
  char *data = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (path, &data, &len, NULL));
  cr_assert_gt (len, 1000);
  cr_assert_eq (memcmp (data, "\x89PNG\r\n\x1a\n", 8), 0);
  g_free (data);

  char *bad = g_build_filename (tmp, "no-such-dir", "plot.png", NULL);
  cr_assert_not (interp_plot_write_png (plot, bad, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_IO));
  cr_assert_not_null (strstr (error->message, bad));
  g_clear_error (&error);
  g_free (bad);
  interp_plot_free (plot);
  g_free (path);
  remove_tree (tmp);
  g_free (tmp);
}

Test (report_plot, okabe_ito_palette)
{
  /* Okabe & Ito (2008): blue, vermillion, bluish green, orange, ... */
  cr_assert_str_eq (interp_plot_palette (0), "#0072B2");
  cr_assert_str_eq (interp_plot_palette (1), "#D55E00");
  cr_assert_str_eq (interp_plot_palette (2), "#009E73");
  cr_assert_str_eq (interp_plot_palette (8), interp_plot_palette (0));
}

/* Bands: y +- err as one translucent fill per run of neighbouring points,
 * instead of error bars.  Series "first" has runs {1, 2} and {4} (y[2] is
 * NaN): one band over the first run, the lone point keeps its bar. */
Test (report_plot, bands_replace_error_bars_between_neighbours)
{
  NEED_CAIRO ();
  GError *error = NULL;
  InterpPlot *plain = sample_plot (INTERP_PLOT_LINES);
  InterpPlot *banded = sample_plot (INTERP_PLOT_LINES);
  interp_plot_set_bands (banded, TRUE);
  GString *a = g_string_new (NULL), *b = g_string_new (NULL);
  cr_assert (interp_plot_render_svg (plain, a, &error), "%s", error ? error->message : "");
  cr_assert (interp_plot_render_svg (banded, b, &error), "%s", error ? error->message : "");
  /* plot-draw.c fills bands at alpha 0.18, which nothing else uses: one band
   * for "first", none for "second" (no err).  cairo writes the alpha as
   * fill-opacity. */
  cr_assert_eq (count (a->str, "fill-opacity:0.18"), 0, "%s", a->str);
  cr_assert_eq (count (b->str, "fill-opacity:0.18"), 1, "%s", b->str);
  cr_assert_neq (strcmp (a->str, b->str), 0);
  g_string_free (a, TRUE);
  g_string_free (b, TRUE);
  interp_plot_free (plain);
  interp_plot_free (banded);
}
