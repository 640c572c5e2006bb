/* Drawing a whole plot: frame, axes, series by kind, legend. */
#include "config.h"

#include "report/plot-private.h"

#include <math.h>
#include <string.h>

#ifdef HAVE_CAIRO

/* Whether point i is part of a band: a finite y next to another one. */
static gboolean
in_band (const Series *s, guint i)
{
  gboolean here = isfinite (s->y[i]) && isfinite (s->x[i]);
  gboolean prev = i > 0 && isfinite (s->y[i - 1]) && isfinite (s->x[i - 1]);
  gboolean next = i + 1 < s->n && isfinite (s->y[i + 1]) && isfinite (s->x[i + 1]);
  return here && (prev || next);
}

/* y +- err shaded over each run of consecutive finite points; a missing
 * err counts as 0 (the band narrows to the line there); nothing for a
 * series without err. */
static void
draw_band (cairo_t *cr, const Series *s, guint k, const Frame *f)
{
  for (guint i = 0; s->err && i < s->n;)
    {
      if (!in_band (s, i))
        {
          i++;
          continue;
        }
      guint j = i;
      while (j + 1 < s->n && isfinite (s->y[j + 1]) && isfinite (s->x[j + 1]))
        j++;
      for (guint m = i; m <= j; m++)
        {
          double e = plot_err_ok (s, m) ? s->err[m] : 0.0;
          double px = plot_frame_x (f, s->x[m]), py = plot_frame_y (f, s->y[m] + e);
          if (m == i)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      for (guint m = j + 1; m-- > i;)
        {
          double e = plot_err_ok (s, m) ? s->err[m] : 0.0;
          cairo_line_to (cr, plot_frame_x (f, s->x[m]), plot_frame_y (f, s->y[m] - e));
        }
      cairo_close_path (cr);
      plot_set_colour (cr, k, 0.18);
      cairo_fill (cr);
      i = j + 1;
    }
}

static void
draw_lines (cairo_t *cr, const InterpPlot *plot, const Frame *f)
{
  if (plot->bands)
    for (guint k = 0; k < plot->series->len; k++)
      draw_band (cr, g_ptr_array_index (plot->series, k), k, f);
  for (guint k = 0; k < plot->series->len; k++)
    {
      const Series *s = g_ptr_array_index (plot->series, k);
      plot_set_colour (cr, k, 1.0);
      plot_set_dash (cr, k, s->dashed);
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
          double px = plot_frame_x (f, s->x[i]), py = plot_frame_y (f, s->y[i]);
          if (pen)
            cairo_line_to (cr, px, py);
          else
            cairo_move_to (cr, px, py);
          pen = TRUE;
        }
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      plot_set_colour (cr, k, 0.85);
      cairo_set_line_width (cr, 1.2);
      for (guint i = 0; i < s->n; i++)
        if (isfinite (s->y[i]) && isfinite (s->x[i]) && plot_err_ok (s, i)
            && !(plot->bands && in_band (s, i)))
          plot_draw_error_bar (cr, f, plot_frame_x (f, s->x[i]), s->y[i], s->err[i]);
      /* Markers only where points are sparse enough to tell apart. */
      if (s->n <= 40)
        for (guint i = 0; i < s->n; i++)
          if (isfinite (s->y[i]) && isfinite (s->x[i]))
            plot_draw_marker (cr, k, plot_frame_x (f, s->x[i]), plot_frame_y (f, s->y[i]), 3.2);
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
          double x0 = plot_frame_x (f, left), x1 = plot_frame_x (f, left + bw);
          double y0 = plot_frame_y (f, 0.0), y1 = plot_frame_y (f, s->y[i]);
          cairo_rectangle (cr, x0 + 0.5, MIN (y0, y1), MAX (x1 - x0 - 1.0, 1.0), fabs (y1 - y0));
          plot_set_colour (cr, k, 1.0);
          cairo_fill (cr);
          if (plot_err_ok (s, i))
            {
              cairo_set_source_rgb (cr, 0.15, 0.15, 0.15);
              cairo_set_line_width (cr, 1.1);
              plot_draw_error_bar (cr, f, (x0 + x1) / 2, s->y[i], s->err[i]);
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
      double base = plot_frame_y (f, 0.0);
      if (ns == 1)
        {
          for (guint i = 0; i < s->n; i++)
            {
              if (!isfinite (s->y[i]))
                continue;
              double x0 = plot_frame_x (f, plot->bin_lo + i * w);
              double x1 = plot_frame_x (f, plot->bin_lo + (i + 1) * w);
              double y1 = plot_frame_y (f, s->y[i]);
              cairo_rectangle (cr, x0, y1, x1 - x0, base - y1);
              plot_set_colour (cr, k, 0.8);
              cairo_fill_preserve (cr);
              cairo_set_source_rgb (cr, 1, 1, 1);
              cairo_set_line_width (cr, 0.8);
              cairo_stroke (cr);
            }
          continue;
        }
      /* Several series: translucent filled steps with a solid outline. */
      cairo_move_to (cr, plot_frame_x (f, plot->bin_lo), base);
      for (guint i = 0; i < s->n; i++)
        {
          double y = isfinite (s->y[i]) ? s->y[i] : 0.0;
          cairo_line_to (cr, plot_frame_x (f, plot->bin_lo + i * w), plot_frame_y (f, y));
          cairo_line_to (cr, plot_frame_x (f, plot->bin_lo + (i + 1) * w), plot_frame_y (f, y));
        }
      cairo_line_to (cr, plot_frame_x (f, plot->bin_hi), base);
      cairo_close_path (cr);
      plot_set_colour (cr, k, 0.15);
      cairo_fill_preserve (cr);
      plot_set_colour (cr, k, 1.0);
      plot_set_dash (cr, k, s->dashed);
      cairo_set_line_width (cr, 1.6);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
}

void
plot_draw (cairo_t *cr, const InterpPlot *plot)
{
  const double W = plot->width, H = plot->height;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  Frame f = { 0 };
  f.categorical = plot->kind == INTERP_PLOT_BARS
                  || (plot->kind == INTERP_PLOT_LINES && plot->n_categories > 0);
  double ylo, yhi;
  plot_data_y_range (plot, &ylo, &yhi);
  if (plot->kind == INTERP_PLOT_LINES)
    {
      double pad = (yhi - ylo) * 0.05;
      ylo -= pad;
      yhi += pad;
    }
  f.ya = plot_axis_make (ylo, yhi, 5, plot->kind != INTERP_PLOT_LINES);
  if (plot->kind == INTERP_PLOT_LINES && plot->have_y_limit)
    {
      f.ya.lo = MAX (f.ya.lo, plot->y_limit_lo);
      f.ya.hi = MIN (f.ya.hi, plot->y_limit_hi);
      if (f.ya.hi <= f.ya.lo)
        {
          f.ya.lo = plot->y_limit_lo;
          f.ya.hi = plot->y_limit_hi;
        }
      f.ya.step = plot_nice_step (f.ya.hi - f.ya.lo, 5);
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
    f.xa = plot_axis_make (plot->bin_lo, plot->bin_hi, 5, FALSE);
  else
    {
      double xlo, xhi;
      plot_data_x_range (plot, &xlo, &xhi);
      Axis a = plot_axis_make (xlo, xhi, 6, FALSE);
      if (plot->integer_x && a.step < 1.0)
        a.step = 1.0;
      double pad = (a.hi - a.lo) * 0.04;
      f.xa.lo = a.lo - pad;
      f.xa.hi = a.hi + pad;
      f.xa.step = a.step;
    }

  /* Margins depend on the text they hold. */
  plot_set_font (cr, 10, FALSE);
  double tick_w = 0;
  char buf[64];
  for (double v = ceil (f.ya.lo / f.ya.step - 1e-9) * f.ya.step; v <= f.ya.hi + f.ya.step * 1e-9;
       v += f.ya.step)
    {
      plot_format_tick (buf, sizeof buf, v, f.ya.step);
      tick_w = MAX (tick_w, plot_text_width (cr, buf));
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
        cat_w = MAX (cat_w, plot_text_width (cr, plot->categories[i]));
      rotate = cat_w > slot - 4;
    }
  double tick_h = rotate ? MIN (cat_w, 90.0) * sin (G_PI / 5) + 14 : 16;
  Legend legend = plot_legend_layout (cr, plot, W - 20);
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
      plot_set_font (cr, 13, TRUE);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      plot_draw_text (cr, W / 2, 9, plot->title, 0.5, 0, 0);
    }

  /* Grid and y ticks. */
  plot_set_font (cr, 10, FALSE);
  cairo_set_line_width (cr, 1.0);
  for (double v = ceil (f.ya.lo / f.ya.step - 1e-9) * f.ya.step; v <= f.ya.hi + f.ya.step * 1e-9;
       v += f.ya.step)
    {
      double py = round (plot_frame_y (&f, v)) + 0.5;
      cairo_set_source_rgb (cr, 0.88, 0.88, 0.88);
      cairo_move_to (cr, f.x0, py);
      cairo_line_to (cr, f.x1, py);
      cairo_stroke (cr);
      plot_format_tick (buf, sizeof buf, v, f.ya.step);
      cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
      plot_draw_text (cr, f.x0 - 5, py, buf, 1.0, 0.5, 0);
    }

  /* X ticks. */
  if (f.categorical)
    {
      guint n = (guint) (f.xa.hi + 0.5);
      for (guint i = 0; i < n; i++)
        {
          double px = plot_frame_x (&f, i);
          cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
          cairo_move_to (cr, px, f.y1);
          cairo_line_to (cr, px, f.y1 + 4);
          cairo_stroke (cr);
          char *label = plot->categories && i < plot->n_categories
                          ? g_strdup (plot->categories[i]) : g_strdup_printf ("%u", i);
          cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
          if (rotate)
            plot_draw_text (cr, px + 3, f.y1 + 7, label, 1.0, 0.5, -G_PI / 5);
          else
            plot_draw_text (cr, px, f.y1 + 6, label, 0.5, 0, 0);
          g_free (label);
        }
    }
  else
    {
      for (double v = ceil (f.xa.lo / f.xa.step - 1e-9) * f.xa.step;
           v <= f.xa.hi + f.xa.step * 1e-9; v += f.xa.step)
        {
          double px = round (plot_frame_x (&f, v)) + 0.5;
          cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
          cairo_move_to (cr, px, f.y0);
          cairo_line_to (cr, px, f.y1);
          cairo_stroke (cr);
          cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
          cairo_move_to (cr, px, f.y1);
          cairo_line_to (cr, px, f.y1 + 4);
          cairo_stroke (cr);
          plot_format_tick (buf, sizeof buf, v, f.xa.step);
          cairo_set_source_rgb (cr, 0.25, 0.25, 0.25);
          plot_draw_text (cr, px, f.y1 + 6, buf, 0.5, 0, 0);
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
  plot_set_font (cr, 11, FALSE);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  plot_draw_text (cr, (f.x0 + f.x1) / 2, f.y1 + 6 + tick_h, plot->x_label, 0.5, 0, 0);
  plot_draw_text (cr, 8, (f.y0 + f.y1) / 2, plot->y_label, 0.5, 0, -G_PI / 2);

  plot_legend_draw (cr, plot, &legend, W / 2, f.y1 + 6 + tick_h + 16);
  plot_legend_clear (&legend);
}

#endif /* HAVE_CAIRO */
