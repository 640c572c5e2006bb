#include "config.h"

#include "report/plot.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

#ifdef HAVE_CAIRO
#include <cairo.h>
#include <cairo-svg.h>
#endif

typedef struct {
  char *name;
  guint n;
  double *x;
  double *y;
  double *err;          /* NULL: no error bars */
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
  double y_limit_lo, y_limit_hi;
  GPtrArray *series;    /* Series* */
};

/* Okabe-Ito, ordered so that the first colours are the most distinct on
 * white; yellow comes last because it is faint on white. */
static const char *const palette_hex[] = {
  "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
};
#define PALETTE_N G_N_ELEMENTS (palette_hex)

const char *
interp_plot_palette (guint i)
{
  return palette_hex[i % PALETTE_N];
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

guint
interp_plot_n_series (const InterpPlot *plot)
{
  return plot->series->len;
}

#ifdef HAVE_CAIRO

/* palette_hex as cairo sources. */
static const double palette_rgb[][3] = {
  { 0.000, 0.447, 0.698 }, { 0.835, 0.369, 0.000 }, { 0.000, 0.620, 0.451 },
  { 0.902, 0.624, 0.000 }, { 0.800, 0.475, 0.655 }, { 0.337, 0.706, 0.914 },
  { 0.000, 0.000, 0.000 }, { 0.941, 0.894, 0.259 },
};

typedef struct {
  double lo, hi, step;
} Axis;

static double
nice_step (double range, int target)
{
  double raw = range / target;
  double mag = pow (10.0, floor (log10 (raw)));
  double f = raw / mag;
  double nice = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
  return nice * mag;
}

/* Ticks at multiples of a 1-2-5 step; `snap` widens [lo, hi] to whole steps. */
static Axis
axis_make (double lo, double hi, int target, gboolean snap)
{
  Axis a;
  if (!isfinite (lo) || !isfinite (hi))
    lo = 0, hi = 1;
  if (hi - lo < 1e-12 * MAX (1.0, fabs (hi)))
    {
      double d = lo == 0 ? 1.0 : fabs (lo) * 0.1;
      lo -= d;
      hi += d;
    }
  a.step = nice_step (hi - lo, target);
  if (snap)
    {
      lo = floor (lo / a.step + 1e-9) * a.step;
      hi = ceil (hi / a.step - 1e-9) * a.step;
    }
  a.lo = lo;
  a.hi = hi;
  return a;
}

static void
format_tick (char *buf, size_t len, double v, double step)
{
  if (fabs (v) < step * 1e-6)
    v = 0.0;
  /* As many decimals as the step needs: 0.05 -> 2, 0.2 -> 1, 5 -> 0. */
  int decimals = 0;
  while (decimals < 7)
    {
      double scaled = step * pow (10.0, decimals);
      if (fabs (scaled - round (scaled)) < 1e-6 * scaled)
        break;
      decimals++;
    }
  if (fabs (v) >= 1e5 || (v != 0 && fabs (v) < 1e-4) || decimals > 6)
    g_snprintf (buf, len, "%.3g", v);
  else
    g_snprintf (buf, len, "%.*f", decimals, v);
}

typedef struct {
  double x0, y0, x1, y1;   /* the plot area in device units */
  Axis xa, ya;
  gboolean categorical;
} Frame;

static double
frame_x (const Frame *f, double x)
{
  return f->x0 + (x - f->xa.lo) / (f->xa.hi - f->xa.lo) * (f->x1 - f->x0);
}

static double
frame_y (const Frame *f, double y)
{
  return f->y1 - (y - f->ya.lo) / (f->ya.hi - f->ya.lo) * (f->y1 - f->y0);
}

static void
set_font (cairo_t *cr, double size, gboolean bold)
{
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

static double
text_width (cairo_t *cr, const char *text)
{
  cairo_text_extents_t e;
  cairo_text_extents (cr, text, &e);
  return e.x_advance;
}

/* Draws `text` with its anchor at (x, y): halign 0 = left, 0.5 = centre,
 * 1 = right; valign 0 = top, 0.5 = middle, 1 = baseline-ish bottom.  The
 * text is rotated by `angle` radians about the anchor. */
static void
draw_text (cairo_t *cr, double x, double y, const char *text, double halign, double valign,
           double angle)
{
  cairo_font_extents_t fe;
  cairo_font_extents (cr, &fe);
  double w = text_width (cr, text);
  double h = fe.ascent - fe.descent * 0.2;
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -w * halign, h * (1.0 - valign));
  cairo_show_text (cr, text);
  cairo_restore (cr);
}

static void
set_colour (cairo_t *cr, guint i, double alpha)
{
  const double *c = palette_rgb[i % PALETTE_N];
  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

/* Marker shapes cycle independently of colours' order so that series
 * differ by shape too: circle, square, triangle, diamond, inverted
 * triangle; the second time round they are hollow. */
static void
draw_marker (cairo_t *cr, guint i, double x, double y, double r)
{
  guint shape = i % 5;
  gboolean hollow = (i / 5) % 2 == 1;
  cairo_new_path (cr);
  switch (shape)
    {
    case 0:
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case 1:
      cairo_rectangle (cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
      break;
    case 2:
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r * 1.1, y + r * 0.8);
      cairo_line_to (cr, x - r * 1.1, y + r * 0.8);
      cairo_close_path (cr);
      break;
    case 3:
      cairo_move_to (cr, x, y - r * 1.3);
      cairo_line_to (cr, x + r * 1.1, y);
      cairo_line_to (cr, x, y + r * 1.3);
      cairo_line_to (cr, x - r * 1.1, y);
      cairo_close_path (cr);
      break;
    default:
      cairo_move_to (cr, x, y + r * 1.2);
      cairo_line_to (cr, x + r * 1.1, y - r * 0.8);
      cairo_line_to (cr, x - r * 1.1, y - r * 0.8);
      cairo_close_path (cr);
      break;
    }
  if (hollow)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      set_colour (cr, i, 1.0);
      cairo_set_line_width (cr, 1.4);
      cairo_stroke (cr);
    }
  else
    {
      set_colour (cr, i, 1.0);
      cairo_fill (cr);
    }
}

static void
set_dash (cairo_t *cr, guint i)
{
  static const double dash[] = { 6.0, 3.0 };
  /* Past the palette, lines are dashed so colours may repeat. */
  if ((i / PALETTE_N) % 2 == 1)
    cairo_set_dash (cr, dash, 2, 0);
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

static gboolean
err_ok (const Series *s, guint i)
{
  return s->err && isfinite (s->err[i]) && s->err[i] > 0;
}

static void
data_y_range (const InterpPlot *plot, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint k = 0; k < plot->series->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      for (guint i = 0; i < s->n; i++)
        {
          if (!isfinite (s->y[i]))
            continue;
          double e = err_ok (s, i) ? s->err[i] : 0.0;
          *lo = MIN (*lo, s->y[i] - e);
          *hi = MAX (*hi, s->y[i] + e);
        }
    }
  if (plot->kind != INTERP_PLOT_LINES)
    {
      *lo = MIN (*lo, 0.0);
      *hi = MAX (*hi, 0.0);
    }
  if (plot->have_y_include)
    {
      *lo = MIN (*lo, plot->y_include_lo);
      *hi = MAX (*hi, plot->y_include_hi);
    }
  if (!isfinite (*lo) || !isfinite (*hi))
    *lo = 0, *hi = 1;
}

static void
data_x_range (const InterpPlot *plot, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (guint k = 0; k < plot->series->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      for (guint i = 0; i < s->n; i++)
        if (isfinite (s->x[i]) && isfinite (s->y[i]))
          {
            *lo = MIN (*lo, s->x[i]);
            *hi = MAX (*hi, s->x[i]);
          }
    }
  if (!isfinite (*lo))
    *lo = 0, *hi = 1;
}

typedef struct {
  double height;
  GArray *row_of;       /* guint per series */
  GArray *x_of;         /* double per series: offset within its row */
  GArray *row_width;    /* double per row */
} Legend;

#define LEGEND_ROW 15.0
#define LEGEND_SWATCH 22.0

static Legend
legend_layout (cairo_t *cr, const InterpPlot *plot, double avail)
{
  Legend l = { 0 };
  l.row_of = g_array_new (FALSE, FALSE, sizeof (guint));
  l.x_of = g_array_new (FALSE, FALSE, sizeof (double));
  l.row_width = g_array_new (FALSE, FALSE, sizeof (double));
  if (plot->series->len < 2)
    return l;
  set_font (cr, 10.5, FALSE);
  guint row = 0;
  double x = 0;
  for (guint k = 0; k < plot->series->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      double w = LEGEND_SWATCH + 4 + text_width (cr, s->name);
      if (x > 0 && x + w > avail)
        {
          g_array_append_val (l.row_width, x);
          row++;
          x = 0;
        }
      g_array_append_val (l.row_of, row);
      g_array_append_val (l.x_of, x);
      x += w + 14;
    }
  g_array_append_val (l.row_width, x);
  l.height = (row + 1) * LEGEND_ROW + 6;
  return l;
}

static void
legend_draw (cairo_t *cr, const InterpPlot *plot, const Legend *l, double cx, double top)
{
  set_font (cr, 10.5, FALSE);
  for (guint k = 0; k < l->row_of->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      guint row = g_array_index (l->row_of, guint, k);
      double rw = g_array_index (l->row_width, double, row) - 14;
      double x = cx - rw / 2 + g_array_index (l->x_of, double, k);
      double y = top + 6 + row * LEGEND_ROW + LEGEND_ROW / 2;
      if (plot->kind == INTERP_PLOT_LINES)
        {
          set_colour (cr, k, 1.0);
          set_dash (cr, k);
          cairo_set_line_width (cr, 1.8);
          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x + LEGEND_SWATCH, y);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          draw_marker (cr, k, x + LEGEND_SWATCH / 2, y, 3.2);
        }
      else
        {
          set_colour (cr, k, plot->kind == INTERP_PLOT_HISTOGRAM ? 0.35 : 1.0);
          cairo_rectangle (cr, x + 4, y - 5, LEGEND_SWATCH - 8, 10);
          cairo_fill_preserve (cr);
          set_colour (cr, k, 1.0);
          cairo_set_line_width (cr, 1.2);
          cairo_stroke (cr);
        }
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      draw_text (cr, x + LEGEND_SWATCH + 4, y, s->name, 0, 0.5, 0);
    }
}

static void
legend_clear (Legend *l)
{
  g_array_unref (l->row_of);
  g_array_unref (l->x_of);
  g_array_unref (l->row_width);
}

static void
draw_error_bar (cairo_t *cr, const Frame *f, double px, double y, double e)
{
  double ylo = frame_y (f, y - e), yhi = frame_y (f, y + e);
  cairo_move_to (cr, px, ylo);
  cairo_line_to (cr, px, yhi);
  cairo_move_to (cr, px - 3, ylo);
  cairo_line_to (cr, px + 3, ylo);
  cairo_move_to (cr, px - 3, yhi);
  cairo_line_to (cr, px + 3, yhi);
  cairo_stroke (cr);
}

static void
draw_lines (cairo_t *cr, const InterpPlot *plot, const Frame *f)
{
  for (guint k = 0; k < plot->series->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      set_colour (cr, k, 1.0);
      set_dash (cr, k);
      cairo_set_line_width (cr, 1.8);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      gboolean pen = FALSE;
      for (guint i = 0; i < s->n; i++)
        {
          if (!isfinite (s->y[i]) || !isfinite (s->x[i]))
            {
              pen = FALSE;
              continue;
            }
          double px = frame_x (f, s->x[i]), py = frame_y (f, s->y[i]);
          if (pen)
            cairo_line_to (cr, px, py);
          else
            cairo_move_to (cr, px, py);
          pen = TRUE;
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      set_colour (cr, k, 0.85);
      cairo_set_line_width (cr, 1.2);
      for (guint i = 0; i < s->n; i++)
        if (isfinite (s->y[i]) && isfinite (s->x[i]) && err_ok (s, i))
          draw_error_bar (cr, f, frame_x (f, s->x[i]), s->y[i], s->err[i]);
      /* Markers only where points are sparse enough to tell apart. */
      if (s->n <= 40)
        for (guint i = 0; i < s->n; i++)
          if (isfinite (s->y[i]) && isfinite (s->x[i]))
            draw_marker (cr, k, frame_x (f, s->x[i]), frame_y (f, s->y[i]), 3.2);
    }
}

static void
draw_bars (cairo_t *cr, const InterpPlot *plot, const Frame *f)
{
  guint ns = plot->series->len;
  double group = 0.8, bw = group / MAX (ns, 1);
  for (guint k = 0; k < ns; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      for (guint i = 0; i < s->n; i++)
        {
          if (!isfinite (s->y[i]))
            continue;
          double left = (double) i - group / 2 + k * bw;
          double x0 = frame_x (f, left), x1 = frame_x (f, left + bw);
          double y0 = frame_y (f, 0.0), y1 = frame_y (f, s->y[i]);
          cairo_rectangle (cr, x0 + 0.5, MIN (y0, y1), MAX (x1 - x0 - 1.0, 1.0), fabs (y1 - y0));
          set_colour (cr, k, 1.0);
          cairo_fill (cr);
          if (err_ok (s, i))
            {
              cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
              cairo_set_line_width (cr, 1.1);
              draw_error_bar (cr, f, (x0 + x1) / 2, s->y[i], s->err[i]);
            }
        }
    }
}

static void
draw_histogram (cairo_t *cr, const InterpPlot *plot, const Frame *f)
{
  guint ns = plot->series->len;
  for (guint k = 0; k < ns; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      if (s->n == 0)
        continue;
      double w = (plot->bin_hi - plot->bin_lo) / s->n;
      double base = frame_y (f, 0.0);
      if (ns == 1)
        {
          for (guint i = 0; i < s->n; i++)
            {
              if (!isfinite (s->y[i]))
                continue;
              double x0 = frame_x (f, plot->bin_lo + i * w), x1 = frame_x (f, plot->bin_lo + (i + 1) * w);
              double y1 = frame_y (f, s->y[i]);
              cairo_rectangle (cr, x0, y1, x1 - x0, base - y1);
              set_colour (cr, k, 0.8);
              cairo_fill_preserve (cr);
              cairo_set_source_rgb (cr, 1, 1, 1);
              cairo_set_line_width (cr, 0.8);
              cairo_stroke (cr);
            }
          continue;
        }
      /* Several series: translucent filled steps with a solid outline. */
      cairo_move_to (cr, frame_x (f, plot->bin_lo), base);
      for (guint i = 0; i < s->n; i++)
        {
          double y = isfinite (s->y[i]) ? s->y[i] : 0.0;
          cairo_line_to (cr, frame_x (f, plot->bin_lo + i * w), frame_y (f, y));
          cairo_line_to (cr, frame_x (f, plot->bin_lo + (i + 1) * w), frame_y (f, y));
        }
      cairo_line_to (cr, frame_x (f, plot->bin_hi), base);
      cairo_close_path (cr);
      set_colour (cr, k, 0.15);
      cairo_fill_preserve (cr);
      set_colour (cr, k, 1.0);
      set_dash (cr, k);
      cairo_set_line_width (cr, 1.6);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
}

static void
draw_plot (cairo_t *cr, const InterpPlot *plot)
{
  const double W = plot->width, H = plot->height;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  Frame f = { 0 };
  f.categorical = plot->kind == INTERP_PLOT_BARS
                  || (plot->kind == INTERP_PLOT_LINES && plot->n_categories > 0);
  double ylo, yhi;
  data_y_range (plot, &ylo, &yhi);
  if (plot->kind == INTERP_PLOT_LINES)
    {
      double pad = (yhi - ylo) * 0.05;
      ylo -= pad;
      yhi += pad;
    }
  f.ya = axis_make (ylo, yhi, 5, plot->kind != INTERP_PLOT_LINES);
  if (plot->kind == INTERP_PLOT_LINES && plot->have_y_limit)
    {
      f.ya.lo = MAX (f.ya.lo, plot->y_limit_lo);
      f.ya.hi = MIN (f.ya.hi, plot->y_limit_hi);
      if (f.ya.hi <= f.ya.lo)
        {
          f.ya.lo = plot->y_limit_lo;
          f.ya.hi = plot->y_limit_hi;
        }
      f.ya.step = nice_step (f.ya.hi - f.ya.lo, 5);
    }
  if (f.categorical)
    {
      guint n = plot->n_categories;
      if (n == 0)
        for (guint k = 0; k < plot->series->len; k++)
          n = MAX (n, ((const Series *) g_ptr_array_index (plot->series, k))->n);
      f.xa.lo = -0.5;
      f.xa.hi = MAX (n, 1) - 0.5;
      f.xa.step = 1;
    }
  else if (plot->kind == INTERP_PLOT_HISTOGRAM)
    f.xa = axis_make (plot->bin_lo, plot->bin_hi, 5, FALSE);
  else
    {
      double xlo, xhi;
      data_x_range (plot, &xlo, &xhi);
      Axis a = axis_make (xlo, xhi, 6, FALSE);
      if (plot->integer_x && a.step < 1.0)
        a.step = 1.0;
      double pad = (a.hi - a.lo) * 0.04;
      f.xa.lo = a.lo - pad;
      f.xa.hi = a.hi + pad;
      f.xa.step = a.step;
    }

  /* Margins depend on the text they hold. */
  set_font (cr, 10, FALSE);
  double tick_w = 0;
  char buf[64];
  for (double v = ceil (f.ya.lo / f.ya.step - 1e-9) * f.ya.step; v <= f.ya.hi + f.ya.step * 1e-9;
       v += f.ya.step)
    {
      format_tick (buf, sizeof buf, v, f.ya.step);
      tick_w = MAX (tick_w, text_width (cr, buf));
    }
  double left = 10 + 14 + 6 + tick_w + 5;
  double right = 14;
  double top = *plot->title ? 30 : 12;
  double slot = 0, cat_w = 0;
  gboolean rotate = FALSE;
  if (f.categorical && plot->categories)
    {
      slot = (W - left - right) / (f.xa.hi - f.xa.lo);
      for (guint i = 0; i < plot->n_categories; i++)
        cat_w = MAX (cat_w, text_width (cr, plot->categories[i]));
      rotate = cat_w > slot - 4;
    }
  double tick_h = rotate ? MIN (cat_w, 90.0) * sin (G_PI / 5) + 14 : 16;
  Legend legend = legend_layout (cr, plot, W - 20);
  double bottom = 6 + tick_h + 16 + legend.height + 4;
  f.x0 = left;
  f.x1 = W - right;
  f.y0 = top;
  f.y1 = H - bottom;
  if (f.y1 - f.y0 < 40)
    f.y1 = f.y0 + 40;

  /* Title. */
  if (*plot->title)
    {
      set_font (cr, 13, TRUE);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      draw_text (cr, W / 2, 9, plot->title, 0.5, 0, 0);
    }

  /* Grid and y ticks. */
  set_font (cr, 10, FALSE);
  cairo_set_line_width (cr, 1.0);
  for (double v = ceil (f.ya.lo / f.ya.step - 1e-9) * f.ya.step; v <= f.ya.hi + f.ya.step * 1e-9;
       v += f.ya.step)
    {
      double py = round (frame_y (&f, v)) + 0.5;
      cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
      cairo_move_to (cr, f.x0, py);
      cairo_line_to (cr, f.x1, py);
      cairo_stroke (cr);
      format_tick (buf, sizeof buf, v, f.ya.step);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      draw_text (cr, f.x0 - 5, py, buf, 1.0, 0.5, 0);
    }

  /* X ticks. */
  if (f.categorical)
    {
      guint n = (guint) (f.xa.hi + 0.5);
      for (guint i = 0; i < n; i++)
        {
          double px = frame_x (&f, i);
          cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
          cairo_move_to (cr, px, f.y1);
          cairo_line_to (cr, px, f.y1 + 4);
          cairo_stroke (cr);
          char *label = plot->categories && i < plot->n_categories
                          ? g_strdup (plot->categories[i]) : g_strdup_printf ("%u", i);
          cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
          if (rotate)
            draw_text (cr, px + 3, f.y1 + 7, label, 1.0, 0.5, -G_PI / 5);
          else
            draw_text (cr, px, f.y1 + 6, label, 0.5, 0, 0);
          g_free (label);
        }
    }
  else
    {
      for (double v = ceil (f.xa.lo / f.xa.step - 1e-9) * f.xa.step;
           v <= f.xa.hi + f.xa.step * 1e-9; v += f.xa.step)
        {
          double px = round (frame_x (&f, v)) + 0.5;
          cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
          cairo_move_to (cr, px, f.y0);
          cairo_line_to (cr, px, f.y1);
          cairo_stroke (cr);
          cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
          cairo_move_to (cr, px, f.y1);
          cairo_line_to (cr, px, f.y1 + 4);
          cairo_stroke (cr);
          format_tick (buf, sizeof buf, v, f.xa.step);
          cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
          draw_text (cr, px, f.y1 + 6, buf, 0.5, 0, 0);
        }
    }

  /* Data, clipped to the frame. */
  cairo_save (cr);
  /* A little beyond the frame, so markers on its edge stay whole. */
  cairo_rectangle (cr, f.x0 - 5, f.y0 - 5, f.x1 - f.x0 + 10, f.y1 - f.y0 + 10);
  cairo_clip (cr);
  switch (plot->kind)
    {
    case INTERP_PLOT_LINES: draw_lines (cr, plot, &f); break;
    case INTERP_PLOT_BARS: draw_bars (cr, plot, &f); break;
    case INTERP_PLOT_HISTOGRAM: draw_histogram (cr, plot, &f); break;
    }
  cairo_restore (cr);

  /* Axes lines. */
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, f.x0 + 0.5, f.y0);
  cairo_line_to (cr, f.x0 + 0.5, f.y1 + 0.5);
  cairo_line_to (cr, f.x1, f.y1 + 0.5);
  cairo_stroke (cr);

  /* Axis labels. */
  set_font (cr, 11, FALSE);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  draw_text (cr, (f.x0 + f.x1) / 2, f.y1 + 6 + tick_h, plot->x_label, 0.5, 0, 0);
  draw_text (cr, 8, (f.y0 + f.y1) / 2, plot->y_label, 0.5, 0, -G_PI / 2);

  legend_draw (cr, plot, &legend, W / 2, f.y1 + 6 + tick_h + 16);
  legend_clear (&legend);
}

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
  draw_plot (cr, plot);
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
  draw_plot (cr, plot);
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
