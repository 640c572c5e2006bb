/* One-sample tests against a fixed value (contracts in stats.h). */
#include "config.h"

#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>

static gboolean
as_extreme (double stat, double obs, double tol, InterpSide side)
{
  switch (side)
    {
    case INTERP_SIDE_GREATER:
      return stat >= obs - tol;
    case INTERP_SIDE_LESS:
      return stat <= obs + tol;
    case INTERP_SIDE_TWO_SIDED:
    default:
      return fabs (stat) >= fabs (obs) - tol;
    }
}

/* 2^n, saturating. */
static uint64_t
n_patterns (size_t n)
{
  return n >= 64 ? UINT64_MAX : (uint64_t) 1 << n;
}

void
interp_stats_sign_flip (const double *x, size_t n, double mu0, InterpSide side,
                        uint64_t max_exact, uint64_t n_draws, InterpRng *rng,
                        InterpPermutation *out)
{
  g_assert (n >= 1);
  double *d = g_new (double, n);
  double obs = 0, scale = 0;
  for (size_t i = 0; i < n; i++)
    {
      d[i] = x[i] - mu0;
      obs += d[i];
      scale = MAX (scale, fabs (d[i]));
    }
  /* Sums, not means: the same order, and no division to round. */
  double tol = 1e-9 * (scale > 0 ? scale : 1) * (double) n;
  uint64_t total = n_patterns (n), hits = 0;
  if (total <= max_exact)
    {
      for (uint64_t m = 0; m < total; m++)
        {
          double s = 0;
          for (size_t i = 0; i < n; i++)
            s += (m >> i) & 1 ? -d[i] : d[i];
          hits += as_extreme (s, obs, tol, side);
        }
      out->p = (double) hits / (double) total;
      out->exact = TRUE;
      out->n_splits = total;
    }
  else
    {
      g_assert (rng != NULL && n_draws > 0);
      for (uint64_t k = 0; k < n_draws; k++)
        {
          double s = 0;
          for (size_t i = 0; i < n; i++)
            s += interp_rng_below (rng, 2) ? -d[i] : d[i];
          hits += as_extreme (s, obs, tol, side);
        }
      out->p = (double) (hits + 1) / (double) (n_draws + 1);
      out->exact = FALSE;
      out->n_splits = n_draws;
    }
  g_free (d);
}

static double
sign_flip_p_at (const double *x, size_t n, double mu0, InterpSide side, uint64_t max_exact,
                uint64_t n_draws, const InterpRng *start)
{
  InterpRng rng = *start;
  InterpPermutation perm;
  interp_stats_sign_flip (x, n, mu0, side, max_exact, n_draws, &rng, &perm);
  return perm.p;
}

/* Between a (rejected) and b (not rejected). */
static double
sign_flip_bound (const double *x, size_t n, InterpSide side, double alpha, double a, double b,
                 uint64_t max_exact, uint64_t n_draws, const InterpRng *start)
{
  for (int i = 0; i < 200; i++)
    {
      double mid = 0.5 * (a + b);
      if (mid == a || mid == b || fabs (b - a) <= 1e-13 * MAX (fabs (a), fabs (b)))
        break;
      if (sign_flip_p_at (x, n, mid, side, max_exact, n_draws, start) <= alpha)
        a = mid;
      else
        b = mid;
    }
  return a;
}

void
interp_stats_sign_flip_ci (const double *x, size_t n, double confidence, uint64_t max_exact,
                           uint64_t n_draws, InterpRng *rng, double *lo, double *hi)
{
  /* As interp_stats_permutation_ci: keeps 1/40 at 95% from failing by rounding. */
  double alpha = 0.5 * (1 - confidence) * (1 + 1e-9);
  double xmin = x[0], xmax = x[0];
  for (size_t i = 1; i < n; i++)
    {
      xmin = MIN (xmin, x[i]);
      xmax = MAX (xmax, x[i]);
    }
  /* Below xmin every d is positive: the observed pattern is the most extreme. */
  double scale = MAX (fabs (xmin), fabs (xmax));
  double pad = 1e-6 * (scale > 0 ? scale : 1) + 1e-3 * (xmax - xmin);
  double m_min = xmin - pad, m_max = xmax + pad;
  InterpRng start = { { 0, 0, 0, 0 } };
  if (rng)
    start = *rng;
  if (sign_flip_p_at (x, n, m_min, INTERP_SIDE_GREATER, max_exact, n_draws, &start) > alpha)
    *lo = -INFINITY;
  else
    *lo = sign_flip_bound (x, n, INTERP_SIDE_GREATER, alpha, m_min, m_max, max_exact, n_draws,
                           &start);
  if (sign_flip_p_at (x, n, m_max, INTERP_SIDE_LESS, max_exact, n_draws, &start) > alpha)
    *hi = INFINITY;
  else
    *hi = sign_flip_bound (x, n, INTERP_SIDE_LESS, alpha, m_max, m_min, max_exact, n_draws,
                           &start);
  if (rng && n_patterns (n) > max_exact)
    for (uint64_t k = 0; k < n_draws; k++)
      for (size_t i = 0; i < n; i++)
        interp_rng_below (rng, 2);
}

void
interp_stats_t_one_sample (const double *x, size_t n, double mu0, InterpSide side,
                           InterpWelch *out)
{
  g_assert (n >= 2);
  double mean = interp_stats_mean (x, n), sd = interp_stats_sd (x, n);
  out->diff = mean;
  out->se = sd / sqrt ((double) n);
  out->df = (double) n - 1;
  double delta = mean - mu0;
  if (out->se == 0)
    {
      out->t = delta > 0 ? INFINITY : delta < 0 ? -INFINITY : 0;
      gboolean h1 = side == INTERP_SIDE_GREATER ? delta > 0
                    : side == INTERP_SIDE_LESS ? delta < 0 : delta != 0;
      out->p = h1 ? 0 : 1;
      return;
    }
  out->t = delta / out->se;
  double upper = 1 - interp_stats_t_cdf (out->t, out->df);
  double lower = interp_stats_t_cdf (out->t, out->df);
  out->p = side == INTERP_SIDE_GREATER ? upper
           : side == INTERP_SIDE_LESS ? lower : MIN (1.0, 2 * MIN (upper, lower));
}

void
interp_stats_t_one_sample_ci (const double *x, size_t n, double confidence, double *lo,
                              double *hi)
{
  double mean = interp_stats_mean (x, n), se = interp_stats_sd (x, n) / sqrt ((double) n);
  double q = se > 0 ? interp_stats_t_quantile (0.5 * (1 + confidence), (double) n - 1) : 0;
  *lo = mean - q * se;
  *hi = mean + q * se;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

double *
interp_stats_bootstrap_mean (const double *x, size_t n, size_t n_resamples, InterpRng *rng)
{
  g_assert (n >= 1 && n_resamples >= 1 && rng != NULL);
  double *draws = g_new (double, n_resamples);
  for (size_t b = 0; b < n_resamples; b++)
    {
      double s = 0;
      for (size_t i = 0; i < n; i++)
        s += x[interp_rng_below (rng, n)];
      draws[b] = s / (double) n;
    }
  qsort (draws, n_resamples, sizeof *draws, compare_doubles);
  return draws;
}
