#include "config.h"

#include <interp/progress.h>

#include <stdio.h>
#include <unistd.h>

static InterpProgressStyle default_style = INTERP_PROGRESS_AUTO;
static char *line_prefix = NULL;

/* Seconds between plain lines when stderr is not a terminal. */
#define LINE_INTERVAL 10.0
/* Seconds between redraws on a terminal. */
#define BAR_INTERVAL 0.1

struct InterpProgress {
  char *what;
  char *unit;
  guint64 total;
  gint64 start_us;
  gint64 last_us;
  gboolean bar;
  gboolean quiet;
};

void
interp_progress_set_default_style (InterpProgressStyle style)
{
  default_style = style;
}

void
interp_progress_set_prefix (const char *prefix)
{
  g_free (line_prefix);
  line_prefix = g_strdup (prefix);
}

InterpProgress *
interp_progress_new (const char *what, guint64 total, const char *unit)
{
  InterpProgress *p = g_new0 (InterpProgress, 1);
  p->what = g_strdup (what);
  p->unit = g_strdup (unit ? unit : "it");
  p->total = total;
  p->start_us = g_get_monotonic_time ();
  p->last_us = p->start_us;
  p->quiet = default_style == INTERP_PROGRESS_QUIET;
  p->bar = default_style == INTERP_PROGRESS_AUTO && isatty (STDERR_FILENO);
  return p;
}

static void
format_eta (char *buf, size_t n, double seconds)
{
  if (seconds < 0 || seconds > 1e7)
    g_snprintf (buf, n, "--:--");
  else if (seconds >= 3600)
    g_snprintf (buf, n, "%d:%02d:%02d", (int) seconds / 3600, ((int) seconds / 60) % 60,
                (int) seconds % 60);
  else
    g_snprintf (buf, n, "%02d:%02d", (int) seconds / 60, (int) seconds % 60);
}

static void
draw (InterpProgress *p, guint64 done, const char *status, gboolean final)
{
  double elapsed = (double) (g_get_monotonic_time () - p->start_us) / 1e6;
  double rate = elapsed > 0 ? (double) done / elapsed : 0;
  char eta[32];
  format_eta (eta, sizeof eta,
              final ? elapsed : (rate > 0 ? (double) (p->total - MIN (done, p->total)) / rate : -1));
  double frac = p->total ? (double) done / (double) p->total : 1.0;
  const char *pre = line_prefix ? line_prefix : "";
  const char *sep = line_prefix ? " " : "";
  if (p->bar)
    {
      enum { WIDTH = 24 };
      char bar[WIDTH + 1];
      int filled = (int) (frac * WIDTH + 0.5);
      for (int i = 0; i < WIDTH; i++)
        bar[i] = i < filled ? '#' : '.';
      bar[WIDTH] = '\0';
      fprintf (stderr, "\r\033[K%s%s%s [%s] %3.0f%% %.0f %s/s %s %s%s%s", pre, sep, p->what, bar,
               100 * frac, rate, p->unit, final ? "took" : "ETA", eta,
               status ? "  " : "", status ? status : "");
      if (final)
        fputc ('\n', stderr);
    }
  else
    fprintf (stderr, "%s%s%s: %3.0f%% (%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " %s) %.0f %s/s %s %s%s%s\n",
             pre, sep, p->what, 100 * frac, done, p->total, p->unit, rate, p->unit,
             final ? "took" : "ETA", eta, status ? ", " : "", status ? status : "");
  fflush (stderr);
}

void
interp_progress_update (InterpProgress *p, guint64 done, const char *status)
{
  if (p->quiet)
    return;
  gint64 now = g_get_monotonic_time ();
  double since = (double) (now - p->last_us) / 1e6;
  if (since < (p->bar ? BAR_INTERVAL : LINE_INTERVAL))
    return;
  p->last_us = now;
  draw (p, done, status, FALSE);
}

void
interp_progress_finish (InterpProgress *p, const char *status)
{
  if (!p->quiet)
    draw (p, p->total, status, TRUE);
  g_free (p->what);
  g_free (p->unit);
  g_free (p);
}
