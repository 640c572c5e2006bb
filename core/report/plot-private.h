/* libinterp internals: the insides of InterpPlot, shared by plot.c (the
 * model and rendering), plot-primitives.c and plot-draw.c (drawing). */
#ifndef INTERP_REPORT_PLOT_PRIVATE_H
#define INTERP_REPORT_PLOT_PRIVATE_H

#include "report/plot.h"

#ifdef HAVE_CAIRO
#include <cairo.h>
#endif

G_BEGIN_DECLS

/* Colours of the Okabe-Ito palette (plot.c, plot-primitives.c). */
#define PLOT_PALETTE_N 8

typedef struct {
  char *name;
  guint n;
  double *x;
  double *y;
  double *err;          /* NULL: no error bars */
  gboolean dashed;      /* LINES: drawn dashed (interp_plot_set_dashed) */
} Series;

struct InterpPlot {
  InterpPlotKind kind;
  char *title;
  char *x_label;
  char *y_label;
  double width, height;
  char **categories;    /* NULL-terminated, or NULL */
  guint n_categories;
  double bin_lo, bin_hi;
  gboolean have_y_include;
  double y_include_lo, y_include_hi;
  gboolean have_y_limit;
  gboolean integer_x;
  gboolean bands;       /* LINES: err as a shaded band, not bars */
  double y_limit_lo, y_limit_hi;
  GPtrArray *series;    /* Series* */
};

#ifdef HAVE_CAIRO

typedef struct {
  double lo, hi, step;
} Axis;

typedef struct {
  double x0, y0, x1, y1;   /* the plot area in device units */
  Axis xa, ya;
  gboolean categorical;
} Frame;

typedef struct {
  double height;
  GArray *row_of;       /* guint per series */
  GArray *x_of;         /* double per series: offset within its row */
  GArray *row_width;    /* double per row */
} Legend;

#define LEGEND_ROW 15.0
#define LEGEND_SWATCH 22.0

double plot_nice_step (double range, int target);
Axis plot_axis_make (double lo, double hi, int target, gboolean snap);
void plot_format_tick (char *buf, size_t len, double v, double step);
double plot_frame_x (const Frame *f, double x);
double plot_frame_y (const Frame *f, double y);
void plot_set_font (cairo_t *cr, double size, gboolean bold);
double plot_text_width (cairo_t *cr, const char *text);
void plot_draw_text (cairo_t *cr, double x, double y, const char *text, double halign,
                     double valign, double angle);
void plot_set_colour (cairo_t *cr, guint i, double alpha);
void plot_draw_marker (cairo_t *cr, guint i, double x, double y, double r);
/* Series i's line: dashed when `dashed` or past the palette. */
void plot_set_dash (cairo_t *cr, guint i, gboolean dashed);
gboolean plot_err_ok (const Series *s, guint i);
void plot_data_y_range (const InterpPlot *plot, double *lo, double *hi);
void plot_data_x_range (const InterpPlot *plot, double *lo, double *hi);
Legend plot_legend_layout (cairo_t *cr, const InterpPlot *plot, double avail);
void plot_legend_draw (cairo_t *cr, const InterpPlot *plot, const Legend *l, double cx, double top);
void plot_legend_clear (Legend *l);
void plot_draw_error_bar (cairo_t *cr, const Frame *f, double px, double y, double e);

/* Draws the whole plot onto `cr` (plot->width x plot->height). */
void plot_draw (cairo_t *cr, const InterpPlot *plot);

#endif /* HAVE_CAIRO */

G_END_DECLS

#endif
