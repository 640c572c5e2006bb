#include "config.h"

#include "stats/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double
interp_stats_mean (const double *x, size_t n)
{
  if (n == 0)
    return NAN;
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[i];
  return s / (double) n;
}

double
interp_stats_sd (const double *x, size_t n)
{
  if (n < 2)
    return NAN;
  double m = interp_stats_mean (x, n), ss = 0;
  /* Two-pass: the sum of squared deviations, not E[x^2] - m^2, which
   * cancels catastrophically for accuracies like 0.91 +- 0.001. */
  for (size_t i = 0; i < n; i++)
    ss += (x[i] - m) * (x[i] - m);
  return sqrt (ss / (double) (n - 1));
}

/* The continued fraction of I_x(a, b) without its prefactor, evaluated by
 * the modified Lentz method.  Terms (DLMF 8.17.22):
 *   d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
 *   d_{2m}   =  m (b - m) x / ((a + 2m - 1)(a + 2m))
 * and I_x(a, b) = x^a (1-x)^b / (a B(a, b)) / (1 + d_1/(1 + d_2/(1 + ...))).
 * Converges fast for x < (a + 1) / (a + b + 2). */
static double
beta_continued_fraction (double a, double b, double x)
{
  const double tiny = 1e-300, eps = 1e-15;
  double f = 1, c = 1, d = 0;
  for (int j = 1; j <= 10000; j++)
    {
      int m = j / 2;
      double dj;
      if (j % 2 == 1)
        dj = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
      else
        dj = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
      d = 1 + dj * d;
      if (fabs (d) < tiny)
        d = tiny;
      c = 1 + dj / c;
      if (fabs (c) < tiny)
        c = tiny;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (fabs (delta - 1) < eps)
        break;
    }
  return f;
}

double
interp_stats_beta_inc (double a, double b, double x)
{
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(x <= 1))
    return NAN;
  if (x == 0)
    return 0;
  if (x == 1)
    return 1;
  if (x > (a + 1) / (a + b + 2))
    return 1 - interp_stats_beta_inc (b, a, 1 - x);
  double log_front = a * log (x) + b * log1p (-x)
                     - (lgamma (a) + lgamma (b) - lgamma (a + b)) - log (a);
  return exp (log_front) / beta_continued_fraction (a, b, x);
}

/* P(T <= -|t|): the lower tail, 0.5 * I_{df/(df+t^2)}(df/2, 1/2). */
static double
t_lower_tail (double t, double df)
{
  if (isinf (t))
    return 0;
  double x = df / (df + t * t);
  return 0.5 * interp_stats_beta_inc (df / 2, 0.5, x);
}

double
interp_stats_t_cdf (double t, double df)
{
  if (isnan (t) || !(df > 0))
    return NAN;
  double tail = t_lower_tail (t, df);
  return t < 0 ? tail : 1 - tail;
}

double
interp_stats_t_quantile (double p, double df)
{
  if (!(p > 0) || !(p < 1) || !(df > 0))
    return NAN;
  if (p == 0.5)
    return 0;
  double tail = p < 0.5 ? p : 1 - p;
  /* Solve 0.5 * I_x(df/2, 1/2) = tail for x by bisection: I_x rises with x,
   * and x = df / (df + t^2) maps back to |t|.  Bisection stops when the
   * interval can no longer shrink, so the answer is as exact as I_x. */
  double lo = 0, hi = 1;
  for (int i = 0; i < 2000; i++)
    {
      double mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi)
        break;
      if (0.5 * interp_stats_beta_inc (df / 2, 0.5, mid) < tail)
        lo = mid;
      else
        hi = mid;
    }
  double x = 0.5 * (lo + hi);
  double t = sqrt (df * (1 - x) / x);
  return p < 0.5 ? -t : t;
}

static void
welch_moments (const double *x, size_t nx, const double *y, size_t ny, double *diff,
               double *se, double *df)
{
  g_assert (nx >= 2 && ny >= 2);
  double sx = interp_stats_sd (x, nx), sy = interp_stats_sd (y, ny);
  double vx = sx * sx / (double) nx, vy = sy * sy / (double) ny;
  *diff = interp_stats_mean (x, nx) - interp_stats_mean (y, ny);
  *se = sqrt (vx + vy);
  if (vx + vy > 0)
    *df = (vx + vy) * (vx + vy) / (vx * vx / (double) (nx - 1) + vy * vy / (double) (ny - 1));
  else
    *df = (double) (nx + ny - 2);
}

void
interp_stats_welch (const double *x, size_t nx, const double *y, size_t ny, double delta0,
                    InterpSide side, InterpWelch *out)
{
  welch_moments (x, nx, y, ny, &out->diff, &out->se, &out->df);
  double num = out->diff - delta0;
  if (out->se > 0)
    out->t = num / out->se;
  else
    out->t = num > 0 ? INFINITY : num < 0 ? -INFINITY : 0;

  if (out->se == 0 && num == 0)
    {
      out->p = 1;
      return;
    }
  switch (side)
    {
    case INTERP_SIDE_GREATER:
      out->p = out->t > 0 ? t_lower_tail (out->t, out->df)
                          : 1 - t_lower_tail (out->t, out->df);
      break;
    case INTERP_SIDE_LESS:
      out->p = out->t < 0 ? t_lower_tail (out->t, out->df)
                          : 1 - t_lower_tail (out->t, out->df);
      break;
    case INTERP_SIDE_TWO_SIDED:
    default:
      out->p = MIN (1.0, 2 * t_lower_tail (out->t, out->df));
      break;
    }
}

void
interp_stats_welch_ci (const double *x, size_t nx, const double *y, size_t ny,
                       double confidence, double *lo, double *hi)
{
  double diff, se, df;
  welch_moments (x, nx, y, ny, &diff, &se, &df);
  double q = se > 0 ? interp_stats_t_quantile (0.5 * (1 + confidence), df) : 0;
  *lo = diff - q * se;
  *hi = diff + q * se;
}

uint64_t
interp_stats_n_combinations (size_t n, size_t k)
{
  if (k > n)
    return 0;
  if (k > n - k)
    k = n - k;
  uint64_t r = 1;
  /* After step i, r = C(n - k + i, i), an integer, so the division is exact. */
  for (size_t i = 1; i <= k; i++)
    {
      uint64_t num;
      if (__builtin_mul_overflow (r, (uint64_t) (n - k + i), &num))
        return UINT64_MAX;
      r = num / i;
    }
  return r;
}

/* Whether a split's statistic is at least as extreme as the observed one.
 * `tol` absorbs rounding, so that splits whose statistic equals the
 * observed one in exact arithmetic count as ties. */
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

void
interp_stats_permutation (const double *x, size_t nx, const double *y, size_t ny,
                          double delta0, InterpSide side, uint64_t max_exact,
                          uint64_t n_draws, InterpRng *rng, InterpPermutation *out)
{
  g_assert (nx >= 1 && ny >= 1);
  size_t n = nx + ny;
  double *z = g_new (double, n);
  double total = 0, scale = 0;
  for (size_t i = 0; i < n; i++)
    {
      z[i] = i < nx ? x[i] - delta0 : y[i - nx];
      total += z[i];
      scale = MAX (scale, fabs (z[i]));
    }
  /* The statistic of a split whose first group sums to `s`. */
#define SPLIT_STAT(s) ((s) / (double) nx - (total - (s)) / (double) ny)
  double tol = 1e-9 * (scale > 0 ? scale : 1);
  double s_obs = 0;
  for (size_t i = 0; i < nx; i++)
    s_obs += z[i];
  double obs = SPLIT_STAT (s_obs);

  uint64_t n_comb = interp_stats_n_combinations (n, nx);
  uint64_t hits = 0;
  if (n_comb <= max_exact)
    {
      /* Every nx-subset of the pooled indices, in lexicographic order. */
      size_t *c = g_new (size_t, nx);
      for (size_t i = 0; i < nx; i++)
        c[i] = i;
      for (;;)
        {
          double s = 0;
          for (size_t i = 0; i < nx; i++)
            s += z[c[i]];
          hits += as_extreme (SPLIT_STAT (s), obs, tol, side);
          size_t i = nx;
          while (i > 0 && c[i - 1] == n - nx + i - 1)
            i--;
          if (i == 0)
            break;
          c[i - 1]++;
          for (size_t j = i; j < nx; j++)
            c[j] = c[j - 1] + 1;
        }
      g_free (c);
      out->p = (double) hits / (double) n_comb;
      out->exact = TRUE;
      out->n_splits = n_comb;
    }
  else
    {
      g_assert (rng != NULL && n_draws > 0);
      for (uint64_t d = 0; d < n_draws; d++)
        {
          /* A partial Fisher-Yates shuffle puts a uniform random nx-subset
           * in front, whatever order z was left in by the previous draw. */
          double s = 0;
          for (size_t i = 0; i < nx; i++)
            {
              size_t j = i + (size_t) interp_rng_below (rng, n - i);
              double t = z[i];
              z[i] = z[j];
              z[j] = t;
              s += z[i];
            }
          hits += as_extreme (SPLIT_STAT (s), obs, tol, side);
        }
      out->p = (double) (hits + 1) / (double) (n_draws + 1);
      out->exact = FALSE;
      out->n_splits = n_draws;
    }
#undef SPLIT_STAT
  g_free (z);
}

/* The one-sided permutation p of effect `e` (see interp_stats_permutation_ci);
 * `scaled` is scratch of nx doubles; the Monte Carlo stream starts from
 * *start every time. */
static double
permutation_p_at (const double *x, size_t nx, const double *y, size_t ny,
                  InterpEffectKind kind, double e, InterpSide side, uint64_t max_exact,
                  uint64_t n_draws, const InterpRng *start, double *scaled)
{
  InterpRng rng = *start;
  InterpPermutation perm;
  if (kind == INTERP_EFFECT_RATIO)
    {
      for (size_t i = 0; i < nx; i++)
        scaled[i] = x[i] / e;
      interp_stats_permutation (scaled, nx, y, ny, 0, side, max_exact, n_draws, &rng, &perm);
    }
  else
    interp_stats_permutation (x, nx, y, ny, e, side, max_exact, n_draws, &rng, &perm);
  return perm.p;
}

/* The boundary between effects the one-sided test rejects and those it
 * does not, by bisection between `a` (rejected) and `b` (not rejected);
 * a ratio is bisected on a log scale. */
static double
permutation_bound (const double *x, size_t nx, const double *y, size_t ny,
                   InterpEffectKind kind, InterpSide side, double alpha, double a, double b,
                   uint64_t max_exact, uint64_t n_draws, const InterpRng *start, double *scaled)
{
  gboolean ratio = kind == INTERP_EFFECT_RATIO;
  for (int i = 0; i < 200; i++)
    {
      double mid = ratio ? sqrt (a * b) : 0.5 * (a + b);
      if (mid == a || mid == b || fabs (b - a) <= 1e-13 * MAX (fabs (a), fabs (b)))
        break;
      if (permutation_p_at (x, nx, y, ny, kind, mid, side, max_exact, n_draws, start, scaled)
          <= alpha)
        a = mid;
      else
        b = mid;
    }
  return a;
}

void
interp_stats_permutation_ci (const double *x, size_t nx, const double *y, size_t ny,
                             InterpEffectKind kind, double confidence, uint64_t max_exact,
                             uint64_t n_draws, InterpRng *rng, double *lo, double *hi)
{
  gboolean ratio = kind == INTERP_EFFECT_RATIO;
  /* The tolerance keeps p = 1/20 at "95%" from failing 0.05 <= 0.5 * (1 - 0.9)
   * = 0.04999999999999999 through rounding. */
  double alpha = 0.5 * (1 - confidence) * (1 + 1e-9);
  double xmin = x[0], xmax = x[0], ymin = y[0], ymax = y[0];
  for (size_t i = 1; i < nx; i++)
    {
      xmin = MIN (xmin, x[i]);
      xmax = MAX (xmax, x[i]);
    }
  for (size_t i = 1; i < ny; i++)
    {
      ymin = MIN (ymin, y[i]);
      ymax = MAX (ymax, y[i]);
    }
  /* Beyond these effects one sample lies entirely past the other, so the
   * observed split is the most extreme one and p is at its minimum.  The
   * padding must clear the permutation test's tie tolerance (1e-9 of the
   * largest value); the bisection finds the real ends anyway. */
  double e_min, e_max;
  if (ratio)
    {
      g_assert (xmin > 0 && ymin > 0);
      e_min = xmin / ymax * (1 - 1e-6);
      e_max = xmax / ymin * (1 + 1e-6);
    }
  else
    {
      double scale = MAX (MAX (fabs (xmin), fabs (xmax)), MAX (fabs (ymin), fabs (ymax)));
      double pad = 1e-6 * (scale > 0 ? scale : 1) + 1e-3 * (xmax - xmin + ymax - ymin);
      e_min = xmin - ymax - pad;
      e_max = xmax - ymin + pad;
    }
  InterpRng start = { { 0, 0, 0, 0 } };
  if (rng)
    start = *rng;
  double *scaled = g_new (double, nx);

  if (permutation_p_at (x, nx, y, ny, kind, e_min, INTERP_SIDE_GREATER, max_exact, n_draws,
                        &start, scaled) > alpha)
    *lo = ratio ? 0 : -INFINITY;
  else
    *lo = permutation_bound (x, nx, y, ny, kind, INTERP_SIDE_GREATER, alpha, e_min, e_max,
                             max_exact, n_draws, &start, scaled);
  if (permutation_p_at (x, nx, y, ny, kind, e_max, INTERP_SIDE_LESS, max_exact, n_draws,
                        &start, scaled) > alpha)
    *hi = INFINITY;
  else
    *hi = permutation_bound (x, nx, y, ny, kind, INTERP_SIDE_LESS, alpha, e_max, e_min,
                             max_exact, n_draws, &start, scaled);
  g_free (scaled);

  /* Leave the caller's stream past the draws used, as the other functions do. */
  if (rng && interp_stats_n_combinations (nx + ny, nx) > max_exact)
    for (uint64_t d = 0; d < n_draws; d++)
      for (size_t i = 0; i < nx; i++)
        interp_rng_below (rng, nx + ny - i);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
resampled_mean (const double *x, size_t n, InterpRng *rng)
{
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[interp_rng_below (rng, n)];
  return s / (double) n;
}

double *
interp_stats_bootstrap (const double *x, size_t nx, const double *y, size_t ny,
                        InterpEffectKind kind, size_t n_resamples, InterpRng *rng)
{
  g_assert (nx >= 1 && ny >= 1 && n_resamples >= 1 && rng != NULL);
  double *draws = g_new (double, n_resamples);
  for (size_t b = 0; b < n_resamples; b++)
    {
      double mx = resampled_mean (x, nx, rng);
      double my = resampled_mean (y, ny, rng);
      draws[b] = kind == INTERP_EFFECT_RATIO ? mx / my : mx - my;
    }
  qsort (draws, n_resamples, sizeof *draws, compare_doubles);
  return draws;
}

double
interp_stats_quantile_sorted (const double *sorted, size_t n, double q)
{
  g_assert (n >= 1);
  q = CLAMP (q, 0.0, 1.0);
  double h = (double) (n - 1) * q;
  size_t lo = (size_t) floor (h);
  if (lo + 1 >= n)
    return sorted[n - 1];
  return sorted[lo] + (h - (double) lo) * (sorted[lo + 1] - sorted[lo]);
}

void
interp_stats_percentile_ci (const double *sorted, size_t n, double confidence, double *lo,
                            double *hi)
{
  *lo = interp_stats_quantile_sorted (sorted, n, 0.5 * (1 - confidence));
  *hi = interp_stats_quantile_sorted (sorted, n, 0.5 * (1 + confidence));
}

double
interp_stats_bootstrap_p (const double *sorted, size_t n, double margin, InterpSide side)
{
  size_t below = 0, above = 0;
  for (size_t i = 0; i < n; i++)
    {
      below += sorted[i] <= margin;
      above += sorted[i] >= margin;
    }
  double p_greater = (double) (below + 1) / (double) (n + 1);
  double p_less = (double) (above + 1) / (double) (n + 1);
  switch (side)
    {
    case INTERP_SIDE_GREATER:
      return p_greater;
    case INTERP_SIDE_LESS:
      return p_less;
    case INTERP_SIDE_TWO_SIDED:
    default:
      return MIN (1.0, 2 * MIN (p_greater, p_less));
    }
}

void
interp_stats_bootstrap_ci (const double *x, size_t nx, const double *y, size_t ny,
                           InterpEffectKind kind, double confidence, size_t n_resamples,
                           InterpRng *rng, double *lo, double *hi)
{
  double *draws = interp_stats_bootstrap (x, nx, y, ny, kind, n_resamples, rng);
  interp_stats_percentile_ci (draws, n_resamples, confidence, lo, hi);
  g_free (draws);
}

typedef struct {
  double p;
  size_t index;
} IndexedP;

static int
compare_indexed_p (const void *a, const void *b)
{
  const IndexedP *x = a, *y = b;
  if (x->p != y->p)
    return x->p < y->p ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void
interp_stats_holm (const double *p, size_t n, double *adjusted)
{
  IndexedP *v = g_new (IndexedP, n ? n : 1);
  for (size_t i = 0; i < n; i++)
    v[i] = (IndexedP) { isnan (p[i]) ? 1.0 : p[i], i };
  qsort (v, n, sizeof *v, compare_indexed_p);
  double running = 0;
  for (size_t k = 0; k < n; k++)
    {
      double a = MIN (1.0, (double) (n - k) * v[k].p);
      running = MAX (running, a);
      adjusted[v[k].index] = running;
    }
  g_free (v);
}
