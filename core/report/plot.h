/* libinterp internals: the small plots of the run report, drawn with cairo.
 *
 * A plot is built up in memory (title, axis labels, series) and then
 * rendered to SVG (into memory, for inlining) or to a PNG file.  Three kinds:
 *
 *   LINES      series of (x, y, err) points joined by lines, with markers and
 *              vertical error bars y +- err.  The x axis is numeric, or
 *              categorical when categories are set (then x holds category
 *              indices 0..n-1).
 *   BARS       grouped bars: one bar per (category, series); x is unused and
 *              y[i], err[i] belong to category i.
 *   HISTOGRAM  each series holds counts of equal-width bins covering
 *              [lo, hi] (interp_plot_set_bins); drawn as bars for one
 *              series and as outlined steps for several.
 *
 * Colours come from the Okabe-Ito palette (Okabe & Ito 2008, "Color
 * Universal Design"), which stays distinguishable under the common colour
 * vision deficiencies; series also differ in marker shape so that no
 * information rests on colour alone.  A NaN y is a gap; a NaN or
 * non-positive err draws no error bar.
 *
 * Without cairo (configure found none) rendering fails with
 * INTERP_ERROR_UNSUPPORTED; everything else works.
 */
#ifndef INTERP_REPORT_PLOT_H
#define INTERP_REPORT_PLOT_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  INTERP_PLOT_LINES = 0,
  INTERP_PLOT_BARS,
  INTERP_PLOT_HISTOGRAM,
} InterpPlotKind;

typedef struct InterpPlot InterpPlot;

/* Labels are plain UTF-8 text (copied); units belong in the axis labels,
 * e.g. "loss (nats)". */
InterpPlot *interp_plot_new (InterpPlotKind kind, const char *title, const char *x_label,
                             const char *y_label);
void interp_plot_free (InterpPlot *plot);

/* Size of the drawing in points (SVG user units, PNG pixels).  Default 480 x 320. */
void interp_plot_set_size (InterpPlot *plot, double width, double height);
/* Category labels (copied) for BARS and for a categorical LINES axis. */
void interp_plot_set_categories (InterpPlot *plot, const char *const *labels, guint n);
/* HISTOGRAM: the series' counts cover [lo, hi] in equal bins. */
void interp_plot_set_bins (InterpPlot *plot, double lo, double hi);
/* Forces the y axis to include [lo, hi] (e.g. 0..1 for accuracies); the axis
 * still grows to fit the data. */
void interp_plot_include_y (InterpPlot *plot, double lo, double hi);

/* The y axis never extends beyond [lo, hi] (a bounded quantity such as an
 * accuracy); data outside stays clipped.  LINES only. */
void interp_plot_limit_y (InterpPlot *plot, double lo, double hi);

/* LINES: x ticks only at whole numbers (epochs, severities). */
void interp_plot_set_integer_x (InterpPlot *plot, gboolean integer_x);

/* LINES: each series' err drawn as a translucent band y +- err between
 * neighbouring points (a band needs two points with a finite y next to each
 * other; a lone point keeps its error bar) instead of error bars. */
void interp_plot_set_bands (InterpPlot *plot, gboolean bands);

/* LINES: series `index` (in the order added) is drawn dashed, e.g. a
 * baseline among methods; its legend swatch is too. */
void interp_plot_set_dashed (InterpPlot *plot, guint index, gboolean dashed);

/* Adds a series of n points; arrays are copied.  x may be NULL (BARS,
 * HISTOGRAM, or LINES meaning 0..n-1), err may be NULL. */
void interp_plot_add_series (InterpPlot *plot, const char *name, const double *x,
                             const double *y, const double *err, guint n);
guint interp_plot_n_series (const InterpPlot *plot);

/* The i-th palette colour as "#RRGGBB" (cycles). */
const char *interp_plot_palette (guint i);

/* Renders the plot as a standalone SVG document appended to `out`. */
gboolean interp_plot_render_svg (const InterpPlot *plot, GString *out, GError **error);
/* Renders the plot to a PNG file (not atomically: callers write to a temp name). */
gboolean interp_plot_write_png (const InterpPlot *plot, const char *path, GError **error);

G_END_DECLS

#endif
