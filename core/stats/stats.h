/* libinterp internals: two-sample statistics for hypotheses.
 *
 * Everything here compares two independent samples x (the condition) and
 * y (the control) of replicate measurements, typically one value per seed.
 * Effects are "difference" (mean x - mean y) or "ratio" (mean x / mean y).
 *
 * Sides: a one-sided test of shift `delta0` with side GREATER has
 *   H0: effect <= delta0   against   H1: effect > delta0,
 * LESS the mirror image, TWO_SIDED H0: effect == delta0.
 *
 * All functions are pure apart from the InterpRng they are given; none
 * keeps state, so results depend only on the data, the arguments and the
 * generator's state.  Sample sizes below 2 are a programmer error (the
 * hypothesis layer refuses them earlier with a message).
 */
#ifndef INTERP_STATS_H
#define INTERP_STATS_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include <interp/rng.h>

G_BEGIN_DECLS

typedef enum {
  INTERP_SIDE_TWO_SIDED = 0,
  INTERP_SIDE_GREATER,
  INTERP_SIDE_LESS,
} InterpSide;

typedef enum {
  INTERP_EFFECT_DIFFERENCE = 0,   /* mean x - mean y */
  INTERP_EFFECT_RATIO,            /* mean x / mean y */
  INTERP_EFFECT_MEAN,             /* mean x: one sample against a fixed value */
} InterpEffectKind;

/* Arithmetic mean; NaN for n == 0. */
double interp_stats_mean (const double *x, size_t n);
/* Sample standard deviation (n - 1 in the denominator); NaN for n < 2. */
double interp_stats_sd (const double *x, size_t n);

/* The regularised incomplete beta function I_x(a, b), a, b > 0, x in [0, 1],
 * by its continued fraction (modified Lentz), using the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
 * Relative accuracy ~1e-13 for a, b up to ~1e4 (checked against mpmath),
 * degrading to ~1e-8 at a ~ 1e9 where the fraction needs more terms than
 * its 10000-term cap; Welch degrees of freedom never exceed n_x + n_y - 2.
 * NaN for arguments outside the domain. */
double interp_stats_beta_inc (double a, double b, double x);

/* Student's t distribution with `df` > 0 degrees of freedom (df need not be
 * an integer): P(T <= t), and its inverse for p in (0, 1). */
double interp_stats_t_cdf (double t, double df);
double interp_stats_t_quantile (double p, double df);

typedef struct {
  double diff;      /* mean x - mean y */
  double se;        /* sqrt (s_x^2 / n_x + s_y^2 / n_y) */
  double t;         /* (diff - delta0) / se; +-inf when se == 0 */
  double df;        /* Welch-Satterthwaite degrees of freedom */
  double p;         /* for the requested side */
} InterpWelch;

/* Welch's unequal-variance t-test of H0 "mean x - mean y == delta0" (or the
 * one-sided version, see the top of this file).  n_x, n_y >= 2.  When both
 * samples are constant (se == 0) the test degenerates to a comparison:
 * p = 0 when the difference lies strictly on the H1 side of delta0, else 1,
 * and df = n_x + n_y - 2. */
void interp_stats_welch (const double *x, size_t nx, const double *y, size_t ny,
                         double delta0, InterpSide side, InterpWelch *out);
/* The two-sided Welch confidence interval for mean x - mean y at
 * `confidence` in (0, 1), e.g. 0.95.  A zero-width interval for constant
 * samples. */
void interp_stats_welch_ci (const double *x, size_t nx, const double *y, size_t ny,
                            double confidence, double *lo, double *hi);

/* C(n, k), saturating at UINT64_MAX. */
uint64_t interp_stats_n_combinations (size_t n, size_t k);

typedef struct {
  double p;
  gboolean exact;       /* every split enumerated (else Monte Carlo) */
  uint64_t n_splits;    /* splits enumerated, or Monte Carlo draws */
} InterpPermutation;

/* Permutation test for a difference in means, shifted by delta0: the
 * statistic is mean (x - delta0) - mean y, whose null distribution (x -
 * delta0 and y exchangeable) comes from re-splitting the pooled values.
 * When C(nx + ny, nx) <= max_exact every split is enumerated and p is the
 * exact fraction of splits at least as extreme as the observed one
 * (ties count as extreme).  Otherwise `n_draws` random splits from `rng`
 * give p = (b + 1) / (n_draws + 1), b = number of draws at least as extreme
 * (Phipson & Smyth 2010: never 0, valid at any n_draws).  TWO_SIDED
 * compares absolute values of the statistic.  rng may be NULL when the
 * enumeration is known to be exact. */
void interp_stats_permutation (const double *x, size_t nx, const double *y, size_t ny,
                               double delta0, InterpSide side, uint64_t max_exact,
                               uint64_t n_draws, InterpRng *rng, InterpPermutation *out);

/* The confidence interval that inverts the permutation test: the effects
 * e (difference or ratio) that neither one-sided test at (1 - confidence)/2
 * rejects.  Difference: shift model, x - e and y exchangeable; ratio: scale
 * model, x / e and y exchangeable (x and y must then be positive).  Both
 * one-sided p-values are monotone in e, so the ends are found by bisection;
 * Monte Carlo reuses one set of random splits for every e (a copy of
 * `rng`'s state, which is then advanced past it) so that monotonicity holds
 * there too.  An end is -inf / +inf (0 / +inf for a ratio) when even the
 * most extreme split cannot reach the level, e.g. exact 3 vs 3 (p >= 1/20)
 * at 95%. */
void interp_stats_permutation_ci (const double *x, size_t nx, const double *y, size_t ny,
                                  InterpEffectKind kind, double confidence,
                                  uint64_t max_exact, uint64_t n_draws, InterpRng *rng,
                                  double *lo, double *hi);

/* The default limit on exact enumeration, and default draw counts. */
#define INTERP_STATS_MAX_EXACT 100000
#define INTERP_STATS_DEFAULT_DRAWS 10000
#define INTERP_STATS_DEFAULT_RESAMPLES 10000

/* `n_resamples` bootstrap replicates of the effect: each resamples x and y
 * independently with replacement (x first, then y, from `rng`).  Returned
 * sorted ascending, newly allocated (g_free).  For RATIO, y should be
 * positive so that no resampled mean of y is 0. */
double *interp_stats_bootstrap (const double *x, size_t nx, const double *y, size_t ny,
                                InterpEffectKind kind, size_t n_resamples, InterpRng *rng);
/* The q-quantile (q in [0, 1]) of sorted values, linear interpolation
 * between order statistics (Hyndman & Fan type 7). */
double interp_stats_quantile_sorted (const double *sorted, size_t n, double q);
/* The percentile interval at `confidence`: the (1-c)/2 and (1+c)/2 quantiles. */
void interp_stats_percentile_ci (const double *sorted, size_t n, double confidence,
                                 double *lo, double *hi);
/* The bootstrap p-value that inverts the percentile interval: for GREATER
 * (H1: effect > margin) (1 + #{draws <= margin}) / (n + 1); LESS mirrors it;
 * TWO_SIDED is twice the smaller one-sided value, at most 1. */
double interp_stats_bootstrap_p (const double *sorted, size_t n, double margin, InterpSide side);

/* Convenience: the percentile bootstrap CI of the effect. */
void interp_stats_bootstrap_ci (const double *x, size_t nx, const double *y, size_t ny,
                                InterpEffectKind kind, double confidence, size_t n_resamples,
                                InterpRng *rng, double *lo, double *hi);

/* ---- one sample (stats-one-sample.c) --------------------------------------
 * Tests of a claim about one sample's mean against a fixed value mu0 (a
 * hypothesis with `control = none`: "the similarity stays below 0.5"). */

/* Sign-flip (one-sample permutation) test: under H0 "the distribution of
 * x - mu0 is symmetric about 0", every sign pattern of d = x - mu0 is
 * equally likely, so the null distribution of mean (d) comes from flipping
 * signs.  With 2^n <= max_exact every pattern is enumerated (exact p; ties
 * within 1e-9 of the largest |d| count as extreme), else n_draws random
 * patterns give p = (b + 1) / (n_draws + 1).  n >= 1; out->n_splits counts
 * the patterns. */
void interp_stats_sign_flip (const double *x, size_t n, double mu0, InterpSide side,
                             uint64_t max_exact, uint64_t n_draws, InterpRng *rng,
                             InterpPermutation *out);
/* The interval that inverts it: the mu0 that neither one-sided test at
 * (1 - confidence) / 2 rejects, by bisection (one set of random patterns
 * for every mu0 in the Monte Carlo case).  Ends are infinite when no mu0
 * can be rejected (n = 4 at 95%: the smallest p is 1/16 > 0.025). */
void interp_stats_sign_flip_ci (const double *x, size_t n, double confidence,
                                uint64_t max_exact, uint64_t n_draws, InterpRng *rng,
                                double *lo, double *hi);
/* Student's one-sample t-test of H0 "mean x == mu0" (n >= 2, df = n - 1);
 * diff = mean - mu0 is not stored: out->diff is the mean.  A constant
 * sample degenerates as interp_stats_welch does. */
void interp_stats_t_one_sample (const double *x, size_t n, double mu0, InterpSide side,
                                InterpWelch *out);
void interp_stats_t_one_sample_ci (const double *x, size_t n, double confidence, double *lo,
                                   double *hi);
/* `n_resamples` bootstrap means of x, sorted ascending (g_free). */
double *interp_stats_bootstrap_mean (const double *x, size_t n, size_t n_resamples,
                                     InterpRng *rng);

/* Holm's (1979) step-down adjustment of n p-values: with p sorted
 * ascending, adjusted_(k) = max over j <= k of min(1, (n - j + 1) p_(j))
 * (k, j 1-based); adjusted[i] belongs to p[i].  Rejecting where adjusted <
 * level controls the family-wise error rate at level under any dependence.
 * Ties keep their input order (the values are the same either way).  NaN
 * p-values are treated as 1. */
void interp_stats_holm (const double *p, size_t n, double *adjusted);

G_END_DECLS

#endif
