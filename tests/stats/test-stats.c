/* Known-answer tests of core/stats/stats.c.
 *
 * Reference values marked "mpmath" were computed with Python 3 and mpmath
 * 1.2.1 at 40 significant digits (scipy is not installed here):
 *   I_x(a,b) = mpmath.betainc(a, b, 0, x, regularized=True)
 *   Student t cdf = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0 (mirror for t < 0),
 *   quantiles by mpmath.findroot on that cdf,
 *   Welch t and df from their textbook formulas in exact decimal arithmetic.
 * Values marked "by hand" are derived in the comment next to them.
 */
#include <criterion/criterion.h>

#include <math.h>

#include "stats/stats.h"

/* |got - want| <= rel |want| (absolute for want == 0). */
static void
assert_rel (const char *what, double got, double want, double rel)
{
  cr_assert (fabs (got - want) <= rel * fmax (fabs (want), 1e-300) || got == want,
             "%s = %.17g, want %.17g", what, got, want);
}
#define ASSERT_REL(got, want, rel) assert_rel (#got, (got), (want), (rel))

Test (stats, mean_and_sd)
{
  /* by hand: mean 5, deviations -3 -1 -1 -1 0 0 2 4, ss = 32, var = 32/7 */
  const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
  ASSERT_REL (interp_stats_mean (x, 8), 5.0, 1e-15);
  ASSERT_REL (interp_stats_sd (x, 8), sqrt (32.0 / 7.0), 1e-15);
  cr_assert (isnan (interp_stats_sd (x, 1)));
  cr_assert (isnan (interp_stats_mean (x, 0)));
  /* Two-pass variance keeps tiny spreads around large means exact. */
  const double y[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
  ASSERT_REL (interp_stats_sd (y, 3), 1.0, 1e-9);
}

Test (stats, beta_inc_known_values)
{
  /* by hand: I_x(2,3) = sum_{j=2..4} C(4,j) x^j (1-x)^(4-j) = 11/16 at x = 1/2 */
  ASSERT_REL (interp_stats_beta_inc (2, 3, 0.5), 0.6875, 1e-13);
  /* by hand: I_x(1/2,1/2) = (2/pi) asin(sqrt x) (the arcsine distribution) */
  ASSERT_REL (interp_stats_beta_inc (0.5, 0.5, 0.3), 2 / M_PI * asin (sqrt (0.3)), 1e-13);
  /* mpmath */
  ASSERT_REL (interp_stats_beta_inc (0.5, 0.5, 0.3), 0.36901011956554537504, 1e-13);
  ASSERT_REL (interp_stats_beta_inc (10, 2.5, 0.9), 0.81218627430885570113, 1e-12);
  ASSERT_REL (interp_stats_beta_inc (0.1, 20, 0.01), 0.8781283685059498348, 1e-12);
  ASSERT_REL (interp_stats_beta_inc (50, 40, 0.7), 0.99795244881484629744, 1e-12);
  ASSERT_REL (interp_stats_beta_inc (5, 0.5, 0.999), 0.9222819921009667613, 1e-12);
  /* by hand: I_x(1,1) = x; I_x(a,1) = x^a */
  ASSERT_REL (interp_stats_beta_inc (1, 1, 0.37), 0.37, 1e-14);
  ASSERT_REL (interp_stats_beta_inc (3, 1, 0.5), 0.125, 1e-14);
  cr_assert_eq (interp_stats_beta_inc (2, 3, 0), 0);
  cr_assert_eq (interp_stats_beta_inc (2, 3, 1), 1);
  cr_assert (isnan (interp_stats_beta_inc (-1, 3, 0.5)));
  cr_assert (isnan (interp_stats_beta_inc (2, 3, 1.5)));
}

Test (stats, beta_inc_symmetry)
{
  /* I_x(a,b) + I_{1-x}(b,a) = 1 on both sides of the switch-over point. */
  const double xs[] = { 0.05, 0.3, 0.5, 0.62, 0.95 };
  for (int i = 0; i < 5; i++)
    ASSERT_REL (interp_stats_beta_inc (3.5, 7.25, xs[i])
                + interp_stats_beta_inc (7.25, 3.5, 1 - xs[i]), 1.0, 1e-13);
}

Test (stats, t_distribution)
{
  /* mpmath */
  ASSERT_REL (interp_stats_t_cdf (2.0, 5), 0.94903026058507082188, 1e-12);
  ASSERT_REL (interp_stats_t_cdf (-1.3, 2.7), 0.1467263218519227058, 1e-12);
  ASSERT_REL (interp_stats_t_cdf (0.5, 30), 0.68963849755743635702, 1e-12);
  ASSERT_REL (interp_stats_t_cdf (4, 3.3), 0.98829392385621518609, 1e-12);
  /* by hand: df = 1 is the Cauchy distribution, cdf = 1/2 + atan(t)/pi */
  ASSERT_REL (interp_stats_t_cdf (0.7, 1), 0.5 + atan (0.7) / M_PI, 1e-13);
  ASSERT_REL (interp_stats_t_cdf (0, 7), 0.5, 1e-15);
  cr_assert_eq (interp_stats_t_cdf (INFINITY, 3), 1);
  cr_assert_eq (interp_stats_t_cdf (-INFINITY, 3), 0);

  /* mpmath (and textbook tables: t_{0.975,10} = 2.228, t_{0.975,1} = 12.706) */
  ASSERT_REL (interp_stats_t_quantile (0.975, 10), 2.2281388519862742245, 1e-10);
  ASSERT_REL (interp_stats_t_quantile (0.975, 1), 12.706204736174693314, 1e-10);
  ASSERT_REL (interp_stats_t_quantile (0.025, 4.5), -2.6589123472044037244, 1e-10);
  ASSERT_REL (interp_stats_t_quantile (0.9, 2.2), 1.8123849217763529629, 1e-10);
  cr_assert_eq (interp_stats_t_quantile (0.5, 3), 0);
  cr_assert (isnan (interp_stats_t_quantile (1, 3)));
}

/* Accuracies of 5 and 4 seeds: the Welch example used throughout. */
static const double wx[] = { 0.91, 0.93, 0.90, 0.94, 0.92 };
static const double wy[] = { 0.88, 0.91, 0.87, 0.90 };

Test (stats, welch_known_values)
{
  InterpWelch w;
  /* mpmath: diff 0.03, t 2.5980762113533159403, df 6.0472440944881889764 */
  interp_stats_welch (wx, 5, wy, 4, 0, INTERP_SIDE_GREATER, &w);
  ASSERT_REL (w.diff, 0.03, 1e-12);
  ASSERT_REL (w.t, 2.5980762113533159403, 1e-12);
  ASSERT_REL (w.df, 6.0472440944881889764, 1e-12);
  ASSERT_REL (w.p, 0.020238207685652084717, 1e-10);
  interp_stats_welch (wx, 5, wy, 4, 0, INTERP_SIDE_TWO_SIDED, &w);
  ASSERT_REL (w.p, 0.040476415371304169434, 1e-10);
  interp_stats_welch (wx, 5, wy, 4, 0, INTERP_SIDE_LESS, &w);
  ASSERT_REL (w.p, 0.97976179231434791528, 1e-12);
  /* mpmath: with delta0 = 0.05, t = -1.7320508075688772935, P(T < t) = 0.0667938556565... */
  interp_stats_welch (wx, 5, wy, 4, 0.05, INTERP_SIDE_LESS, &w);
  ASSERT_REL (w.t, -1.7320508075688772935, 1e-12);
  ASSERT_REL (w.p, 0.066793855656526358514, 1e-10);

  double lo, hi;
  /* mpmath: 0.03 -+ t_{0.975, df} se */
  interp_stats_welch_ci (wx, 5, wy, 4, 0.95, &lo, &hi);
  ASSERT_REL (lo, 0.0017989170604732082739, 1e-9);
  ASSERT_REL (hi, 0.058201082939526791726, 1e-10);
}

Test (stats, welch_constant_samples)
{
  const double a[] = { 2, 2, 2 }, b[] = { 1, 1, 1 };
  InterpWelch w;
  interp_stats_welch (a, 3, b, 3, 0, INTERP_SIDE_GREATER, &w);
  cr_assert (isinf (w.t) && w.t > 0);
  cr_assert_eq (w.p, 0);
  cr_assert_eq (w.df, 4);
  interp_stats_welch (a, 3, b, 3, 0, INTERP_SIDE_LESS, &w);
  cr_assert_eq (w.p, 1);
  interp_stats_welch (a, 3, b, 3, 1, INTERP_SIDE_TWO_SIDED, &w);
  cr_assert_eq (w.p, 1);
  double lo, hi;
  interp_stats_welch_ci (a, 3, b, 3, 0.95, &lo, &hi);
  cr_assert_eq (lo, 1);
  cr_assert_eq (hi, 1);
}

Test (stats, n_combinations)
{
  cr_assert_eq (interp_stats_n_combinations (6, 3), 20);
  cr_assert_eq (interp_stats_n_combinations (10, 5), 252);
  cr_assert_eq (interp_stats_n_combinations (40, 20), 137846528820ULL);
  cr_assert_eq (interp_stats_n_combinations (5, 0), 1);
  cr_assert_eq (interp_stats_n_combinations (3, 5), 0);
  cr_assert_eq (interp_stats_n_combinations (200, 100), UINT64_MAX);
}

Test (stats, permutation_exact_tiny)
{
  /* by hand: {4,5,6} vs {1,2,3}: of the C(6,3) = 20 splits only the
   * observed one has a first group as large, so the one-sided p is 1/20;
   * two-sided the mirror split {1,2,3} is as extreme: 2/20. */
  const double x[] = { 4, 5, 6 }, y[] = { 1, 2, 3 };
  InterpPermutation perm;
  interp_stats_permutation (x, 3, y, 3, 0, INTERP_SIDE_GREATER, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &perm);
  cr_assert (perm.exact);
  cr_assert_eq (perm.n_splits, 20);
  ASSERT_REL (perm.p, 1.0 / 20, 1e-15);
  interp_stats_permutation (x, 3, y, 3, 0, INTERP_SIDE_TWO_SIDED, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &perm);
  ASSERT_REL (perm.p, 2.0 / 20, 1e-15);
  /* The claim "x below y" gets no support: every split is at most as large. */
  interp_stats_permutation (x, 3, y, 3, 0, INTERP_SIDE_LESS, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &perm);
  ASSERT_REL (perm.p, 1.0, 1e-15);
  /* Swapping the samples mirrors the sides. */
  interp_stats_permutation (y, 3, x, 3, 0, INTERP_SIDE_LESS, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &perm);
  ASSERT_REL (perm.p, 1.0 / 20, 1e-15);
}

Test (stats, permutation_ties_and_shift)
{
  /* by hand: pooled {2,2,3,1,2,2}, observed first-group sum 7 = the maximum;
   * the 3-subsets reaching 7 are {3, two of the four 2s}: C(4,2) = 6 of 20.
   * The exactly tied splits must count, whatever rounding does to them. */
  const double x[] = { 0.2, 0.2, 0.3 }, y[] = { 0.1, 0.2, 0.2 };
  InterpPermutation perm;
  interp_stats_permutation (x, 3, y, 3, 0, INTERP_SIDE_GREATER, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &perm);
  ASSERT_REL (perm.p, 6.0 / 20, 1e-15);

  /* by hand: shifting x by delta0 = 3 turns {4,5,6} into {1,2,3}, a copy
   * of y.  3-subsets of the pooled {1,1,2,2,3,3} by index: 20; their sums
   * are symmetric around 6 (a subset and its complement sum to 12); sum 6
   * needs one of each value: 2*2*2 = 8 subsets; the other 12 split evenly,
   * 6 above.  p = P(sum >= 6) = (6 + 8) / 20. */
  const double a[] = { 4, 5, 6 }, b[] = { 1, 2, 3 };
  interp_stats_permutation (a, 3, b, 3, 3, INTERP_SIDE_GREATER, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &perm);
  ASSERT_REL (perm.p, 14.0 / 20, 1e-15);
}

Test (stats, permutation_monte_carlo)
{
  const double x[] = { 0.93, 0.95, 0.91, 0.96, 0.94 };
  const double y[] = { 0.90, 0.92, 0.89, 0.93, 0.91 };
  InterpPermutation exact, mc;
  interp_stats_permutation (x, 5, y, 5, 0, INTERP_SIDE_GREATER, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &exact);
  cr_assert (exact.exact);
  cr_assert_eq (exact.n_splits, 252);

  /* Force Monte Carlo: with 50000 draws the estimate's standard error is at
   * most 0.0023, and the stream is fixed, so a 0.01 tolerance cannot flake. */
  InterpRng rng;
  interp_rng_seed (&rng, 42);
  interp_stats_permutation (x, 5, y, 5, 0, INTERP_SIDE_GREATER, 1, 50000, &rng, &mc);
  cr_assert (!mc.exact);
  cr_assert_eq (mc.n_splits, 50000);
  cr_assert (fabs (mc.p - exact.p) < 0.01, "mc %g exact %g", mc.p, exact.p);

  /* (b + 1) / (m + 1): never zero, even when no draw is as extreme. */
  const double far_x[] = { 10, 11, 12, 13, 14, 15 }, far_y[] = { 0, 1, 2, 3, 4, 5 };
  interp_rng_seed (&rng, 7);
  interp_stats_permutation (far_x, 6, far_y, 6, 0, INTERP_SIDE_GREATER, 1, 99, &rng, &mc);
  cr_assert (mc.p >= 1.0 / 100 && mc.p <= 3.0 / 100, "p = %g", mc.p);

  /* Same seed, same p. */
  InterpPermutation again;
  interp_rng_seed (&rng, 42);
  interp_stats_permutation (x, 5, y, 5, 0, INTERP_SIDE_GREATER, 1, 50000, &rng, &again);
  interp_rng_seed (&rng, 42);
  interp_stats_permutation (x, 5, y, 5, 0, INTERP_SIDE_GREATER, 1, 50000, &rng, &mc);
  cr_assert_eq (again.p, mc.p);
}

Test (stats, quantiles_and_bootstrap_p)
{
  const double s[] = { 1, 2, 3, 4, 5 };
  /* by hand, type 7: h = (n-1) q */
  ASSERT_REL (interp_stats_quantile_sorted (s, 5, 0), 1, 1e-15);
  ASSERT_REL (interp_stats_quantile_sorted (s, 5, 1), 5, 1e-15);
  ASSERT_REL (interp_stats_quantile_sorted (s, 5, 0.5), 3, 1e-15);
  ASSERT_REL (interp_stats_quantile_sorted (s, 5, 0.1), 1.4, 1e-15);
  double lo, hi;
  interp_stats_percentile_ci (s, 5, 0.5, &lo, &hi);
  ASSERT_REL (lo, 2, 1e-15);
  ASSERT_REL (hi, 4, 1e-15);
  /* by hand: draws <= 2.5 are {1, 2}: (2 + 1) / (5 + 1) */
  ASSERT_REL (interp_stats_bootstrap_p (s, 5, 2.5, INTERP_SIDE_GREATER), 0.5, 1e-15);
  /* draws >= 2.5 are {3, 4, 5}: 4/6 */
  ASSERT_REL (interp_stats_bootstrap_p (s, 5, 2.5, INTERP_SIDE_LESS), 4.0 / 6, 1e-15);
  ASSERT_REL (interp_stats_bootstrap_p (s, 5, 0, INTERP_SIDE_GREATER), 1.0 / 6, 1e-15);
  ASSERT_REL (interp_stats_bootstrap_p (s, 5, 0, INTERP_SIDE_TWO_SIDED), 2.0 / 6, 1e-15);
}

Test (stats, bootstrap)
{
  InterpRng rng;
  /* Constant samples: every resample gives the same effect. */
  const double c3[] = { 3, 3, 3 }, c1[] = { 1.5, 1.5, 1.5, 1.5 };
  double lo, hi;
  interp_rng_seed (&rng, 1);
  interp_stats_bootstrap_ci (c3, 3, c1, 4, INTERP_EFFECT_DIFFERENCE, 0.95, 1000, &rng, &lo, &hi);
  ASSERT_REL (lo, 1.5, 1e-15);
  ASSERT_REL (hi, 1.5, 1e-15);
  interp_stats_bootstrap_ci (c3, 3, c1, 4, INTERP_EFFECT_RATIO, 0.95, 1000, &rng, &lo, &hi);
  ASSERT_REL (lo, 2, 1e-15);
  ASSERT_REL (hi, 2, 1e-15);

  /* Draws are sorted and bounded by the extreme resamples: mean x in
   * [min x, max x], so the difference lies in [min x - max y, max x - min y]. */
  interp_rng_seed (&rng, 2);
  double *d = interp_stats_bootstrap (wx, 5, wy, 4, INTERP_EFFECT_DIFFERENCE, 10000, &rng);
  for (int i = 1; i < 10000; i++)
    cr_assert (d[i - 1] <= d[i]);
  cr_assert (d[0] >= 0.90 - 0.91 - 1e-12 && d[9999] <= 0.94 - 0.87 + 1e-12);
  /* The percentile interval sits around the observed 0.03 and inside the
   * (wider, t-based) Welch interval [0.0018, 0.0582] for these small n. */
  interp_stats_percentile_ci (d, 10000, 0.95, &lo, &hi);
  cr_assert (lo > 0.0018 && lo < 0.03 && hi > 0.03 && hi < 0.0582, "[%g, %g]", lo, hi);
  g_free (d);

  /* Reproducible from the seed. */
  double lo2, hi2;
  interp_rng_seed (&rng, 2);
  interp_stats_bootstrap_ci (wx, 5, wy, 4, INTERP_EFFECT_DIFFERENCE, 0.95, 10000, &rng, &lo2,
                             &hi2);
  cr_assert_eq (lo, lo2);
  cr_assert_eq (hi, hi2);
}

Test (stats, bootstrap_matches_normal_theory_for_large_samples)
{
  /* With 200 normal values per group (sd 1), the percentile interval of the
   * difference approaches diff +- 1.96 sqrt(2/200) = diff +- 0.196. */
  InterpRng rng;
  interp_rng_seed (&rng, 3);
  double x[200], y[200];
  for (int i = 0; i < 200; i++)
    {
      x[i] = 1 + interp_rng_normal (&rng);
      y[i] = interp_rng_normal (&rng);
    }
  double lo, hi, wlo, whi;
  interp_stats_bootstrap_ci (x, 200, y, 200, INTERP_EFFECT_DIFFERENCE, 0.95, 10000, &rng, &lo,
                             &hi);
  interp_stats_welch_ci (x, 200, y, 200, 0.95, &wlo, &whi);
  cr_assert (fabs (lo - wlo) < 0.02 && fabs (hi - whi) < 0.02,
             "bootstrap [%g, %g] welch [%g, %g]", lo, hi, wlo, whi);
  cr_assert (fabs ((whi - wlo) / 2 - 0.196) < 0.03, "half width %g", (whi - wlo) / 2);
}

Test (stats, permutation_ci_by_inversion)
{
  /* by hand: {4,5,6} vs {1,2,3}.  For shifts e < min x - max y = 1 the
   * shifted x lies above every y and the one-sided p is 1/20; for e >= 1
   * the split that swaps the smallest x with the largest y ties or beats the
   * observed one, p >= 2/20.  At 90% (0.05 per side) the lower end is
   * therefore 1 and, mirrored, the upper end max x - min y = 5. */
  const double x[] = { 4, 5, 6 }, y[] = { 1, 2, 3 };
  double lo, hi;
  interp_stats_permutation_ci (x, 3, y, 3, INTERP_EFFECT_DIFFERENCE, 0.9,
                               INTERP_STATS_MAX_EXACT, 0, NULL, &lo, &hi);
  ASSERT_REL (lo, 1, 1e-8);
  ASSERT_REL (hi, 5, 1e-8);
  /* At 95% (0.025 per side) 1/20 is never small enough: unbounded. */
  interp_stats_permutation_ci (x, 3, y, 3, INTERP_EFFECT_DIFFERENCE, 0.95,
                               INTERP_STATS_MAX_EXACT, 0, NULL, &lo, &hi);
  cr_assert (isinf (lo) && lo < 0 && isinf (hi) && hi > 0);
  /* by hand, scale model: x / r lies above every y for r < 4/3 and below
   * every y for r > 6. */
  interp_stats_permutation_ci (x, 3, y, 3, INTERP_EFFECT_RATIO, 0.9, INTERP_STATS_MAX_EXACT,
                               0, NULL, &lo, &hi);
  ASSERT_REL (lo, 4.0 / 3, 1e-8);
  ASSERT_REL (hi, 6, 1e-8);
  interp_stats_permutation_ci (x, 3, y, 3, INTERP_EFFECT_RATIO, 0.95, INTERP_STATS_MAX_EXACT,
                               0, NULL, &lo, &hi);
  cr_assert_eq (lo, 0);
  cr_assert (isinf (hi));
}

Test (stats, permutation_ci_agrees_with_its_test)
{
  /* The interval holds exactly the shifts that neither one-sided test at
   * 2.5% rejects: check just inside and outside each end. */
  const double x[] = { 0.93, 0.95, 0.91, 0.96, 0.94, 0.92 };
  const double y[] = { 0.90, 0.92, 0.89, 0.93, 0.91, 0.88 };
  double lo, hi;
  interp_stats_permutation_ci (x, 6, y, 6, INTERP_EFFECT_DIFFERENCE, 0.95,
                               INTERP_STATS_MAX_EXACT, 0, NULL, &lo, &hi);
  cr_assert (lo < 0.03 && hi > 0.03 && lo > -0.1 && hi < 0.1, "[%g, %g]", lo, hi);
  InterpPermutation p;
  double d = 1e-6;
  interp_stats_permutation (x, 6, y, 6, lo - d, INTERP_SIDE_GREATER, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &p);
  cr_assert (p.p <= 0.025, "p(lo - d) = %g", p.p);
  interp_stats_permutation (x, 6, y, 6, lo + d, INTERP_SIDE_GREATER, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &p);
  cr_assert (p.p > 0.025, "p(lo + d) = %g", p.p);
  interp_stats_permutation (x, 6, y, 6, hi + d, INTERP_SIDE_LESS, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &p);
  cr_assert (p.p <= 0.025, "p(hi + d) = %g", p.p);
  interp_stats_permutation (x, 6, y, 6, hi - d, INTERP_SIDE_LESS, INTERP_STATS_MAX_EXACT, 0,
                            NULL, &p);
  cr_assert (p.p > 0.025, "p(hi - d) = %g", p.p);

  /* Monte Carlo (forced) with 20000 common splits lands near the exact ends:
   * the p estimates near the ends have standard error ~0.001. */
  InterpRng rng;
  interp_rng_seed (&rng, 5);
  double mlo, mhi;
  interp_stats_permutation_ci (x, 6, y, 6, INTERP_EFFECT_DIFFERENCE, 0.95, 1, 20000, &rng,
                               &mlo, &mhi);
  cr_assert (fabs (mlo - lo) < 0.2 * (hi - lo) && fabs (mhi - hi) < 0.2 * (hi - lo),
             "mc [%g, %g] exact [%g, %g]", mlo, mhi, lo, hi);
}

Test (stats, t_distribution_extremes)
{
  /* mpmath: far tail (quantile of 1e-12 at 3 df) and a large df approaching
   * the normal (P(T <= 1.959963984540054) at 1e5 df). */
  ASSERT_REL (interp_stats_t_quantile (1e-12, 3), -10331.1082442924861343106912452, 1e-9);
  ASSERT_REL (interp_stats_t_cdf (1.959963984540054, 1e5), 0.974998613519106875867923498121,
              1e-11);
  ASSERT_REL (interp_stats_t_cdf (1.959963984540054, 1000), 0.974861299483651228821359199168,
              1e-11);
  /* mpmath */
  ASSERT_REL (interp_stats_beta_inc (1e4, 0.5, 0.9999), 0.157294017763351499093768430131,
              1e-9);
}
