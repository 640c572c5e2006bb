/* Drawing primitives of the plots: axes and ticks, text, markers, colours, legends. */
#include "config.h"

#include "report/plot-private.h"

#include <math.h>
#include <string.h>

#ifdef HAVE_CAIRO

/* plot.c's palette_hex as cairo sources. */
static const double palette_rgb[][3] = {
  { 0.000, 0.447, 0.698 }, { 0.835, 0.369, 0.000 }, { 0.000, 0.620, 0.451 },
  { 0.902, 0.624, 0.000 }, { 0.800, 0.475, 0.655 }, { 0.337, 0.706, 0.914 },
  { 0.000, 0.000, 0.000 }, { 0.941, 0.894, 0.259 },
};

double
plot_nice_step (double range, int target)
{
  double raw = range / target;
  double mag = pow (10.0, floor (log10 (raw)));
  double f = raw / mag;
  double nice = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
  return nice * mag;
}

/* Ticks at multiples of a 1-2-5 step; `snap` widens [lo, hi] to whole steps. */
Axis
plot_axis_make (double lo, double hi, int target, gboolean snap)
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
  a.step = plot_nice_step (hi - lo, target);
  if (snap)
    {
      lo = floor (lo / a.step + 1e-9) * a.step;
      hi = ceil (hi / a.step - 1e-9) * a.step;
    }
  a.lo = lo;
  a.hi = hi;
  return a;
}

void
plot_format_tick (char *buf, size_t len, double v, double step)
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

double
plot_frame_x (const Frame *f, double x)
{
  return f->x0 + (x - f->xa.lo) / (f->xa.hi - f->xa.lo) * (f->x1 - f->x0);
}

double
plot_frame_y (const Frame *f, double y)
{
  return f->y1 - (y - f->ya.lo) / (f->ya.hi - f->ya.lo) * (f->y1 - f->y0);
}

void
plot_set_font (cairo_t *cr, double size, gboolean bold)
{
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

double
plot_text_width (cairo_t *cr, const char *text)
{
  cairo_text_extents_t e;
  cairo_text_extents (cr, text, &e);
  return e.x_advance;
}

/* Draws `text` with its anchor at (x, y): halign 0 = left, 0.5 = centre,
 * 1 = right; valign 0 = top, 0.5 = middle, 1 = baseline-ish bottom.  The
 * text is rotated by `angle` radians about the anchor. */
void
plot_draw_text (cairo_t *cr, double x, double y, const char *text, double halign, double valign,
                double angle)
{
  cairo_font_extents_t fe;
  cairo_font_extents (cr, &fe);
  double w = plot_text_width (cr, text);
  double h = fe.ascent - fe.descent * 0.2;
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -w * halign, h * (1.0 - valign));
  cairo_show_text (cr, text);
  cairo_restore (cr);
}

void
plot_set_colour (cairo_t *cr, guint i, double alpha)
{
  const double *c = palette_rgb[i % PLOT_PALETTE_N];
  cairo_set_source_rgba (cr, c[0], c[1], c[2], alpha);
}

/* Marker shapes cycle independently of colours' order so that series
 * differ by shape too: circle, square, triangle, diamond, inverted
 * triangle; the second time round they are hollow. */
void
plot_draw_marker (cairo_t *cr, guint i, double x, double y, double r)
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
      plot_set_colour (cr, i, 1.0);
      cairo_set_line_width (cr, 1.4);
      cairo_stroke (cr);
    }
  else
    {
      plot_set_colour (cr, i, 1.0);
      cairo_fill (cr);
    }
}

void
plot_set_dash (cairo_t *cr, guint i, gboolean dashed)
{
  static const double dash[] = { 6.0, 3.0 };
  /* Past the palette, lines are dashed so colours may repeat. */
  if (dashed || (i / PLOT_PALETTE_N) % 2 == 1)
    cairo_set_dash (cr, dash, 2, 0);
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

gboolean
plot_err_ok (const Series *s, guint i)
{
  return s->err && isfinite (s->err[i]) && s->err[i] > 0;
}

void
plot_data_y_range (const InterpPlot *plot, double *lo, double *hi)
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
          double e = plot_err_ok (s, i) ? s->err[i] : 0.0;
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

void
plot_data_x_range (const InterpPlot *plot, double *lo, double *hi)
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

Legend
plot_legend_layout (cairo_t *cr, const InterpPlot *plot, double avail)
{
  Legend l = { 0 };
  l.row_of = g_array_new (FALSE, FALSE, sizeof (guint));
  l.x_of = g_array_new (FALSE, FALSE, sizeof (double));
  l.row_width = g_array_new (FALSE, FALSE, sizeof (double));
  if (plot->series->len < 2)
    return l;
  plot_set_font (cr, 10.5, FALSE);
  guint row = 0;
  double x = 0;
  for (guint k = 0; k < plot->series->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      double w = LEGEND_SWATCH + 4 + plot_text_width (cr, s->name);
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

void
plot_legend_draw (cairo_t *cr, const InterpPlot *plot, const Legend *l, double cx, double top)
{
  plot_set_font (cr, 10.5, FALSE);
  for (guint k = 0; k < l->row_of->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      guint row = g_array_index (l->row_of, guint, k);
      double rw = g_array_index (l->row_width, double, row) - 14;
      double x = cx - rw / 2 + g_array_index (l->x_of, double, k);
      double y = top + 6 + row * LEGEND_ROW + LEGEND_ROW / 2;
      if (plot->kind == INTERP_PLOT_LINES)
        {
          plot_set_colour (cr, k, 1.0);
          plot_set_dash (cr, k, s->dashed);
          cairo_set_line_width (cr, 1.8);
          cairo_move_to (cr, x, y);
          cairo_line_to (cr, x + LEGEND_SWATCH, y);
          cairo_stroke (cr);
          cairo_set_dash (cr, NULL, 0, 0);
          plot_draw_marker (cr, k, x + LEGEND_SWATCH / 2, y, 3.2);
        }
      else
        {
          plot_set_colour (cr, k, plot->kind == INTERP_PLOT_HISTOGRAM ? 0.35 : 1.0);
          cairo_rectangle (cr, x + 4, y - 5, LEGEND_SWATCH - 8, 10);
          cairo_fill_preserve (cr);
          plot_set_colour (cr, k, 1.0);
          cairo_set_line_width (cr, 1.2);
          cairo_stroke (cr);
        }
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      plot_draw_text (cr, x + LEGEND_SWATCH + 4, y, s->name, 0, 0.5, 0);
    }
}

void
plot_legend_clear (Legend *l)
{
  g_array_unref (l->row_of);
  g_array_unref (l->x_of);
  g_array_unref (l->row_width);
}

void
plot_draw_error_bar (cairo_t *cr, const Frame *f, double px, double y, double e)
{
  double ylo = plot_frame_y (f, y - e), yhi = plot_frame_y (f, y + e);
  cairo_move_to (cr, px, ylo);
  cairo_line_to (cr, px, yhi);
  cairo_move_to (cr, px - 3, ylo);
  cairo_line_to (cr, px + 3, ylo);
  cairo_move_to (cr, px - 3, yhi);
  cairo_line_to (cr, px + 3, yhi);
  cairo_stroke (cr);
}

#endif /* HAVE_CAIRO */
