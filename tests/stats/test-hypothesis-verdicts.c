/* Tests of core/stats/hypothesis-verdict.c: the verdicts of the
 * permutation, Welch and bootstrap tests, for differences and ratios, and
 * their reproducibility from the seed.
 *
 * Reference p-values and intervals: "by hand" ones are derived next to the
 * assertion; "mpmath" ones were computed with Python 3 + mpmath 1.2.1 at 40
 * digits from the textbook Welch formulas (scipy is not installed here).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "hypothesis-fixture.h"

/* ---- verdicts: permutation --------------------------------------------- */

Test (hypothesis, permutation_supported)
{
  Obs *o = separated ();
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\nmargin = 0.05\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  /* by hand: x - 0.05 = {0.85..0.89} exceeds every y, so only the observed
   * split of C(10,5) = 252 is as extreme: p = 1/252. */
  assert_close ("p", r->p, 1.0 / 252, 1e-12);
  cr_assert (r->exact);
  cr_assert_eq (r->n_resamples, 252);
  cr_assert_eq (r->n_condition, 5);
  cr_assert_eq (r->n_control, 5);
  assert_close ("effect", r->effect, 0.1, 1e-12);
  assert_close ("mean", r->mean_condition, 0.92, 1e-12);
  /* The bootstrap interval stays inside the attainable range [0.06, 0.14]. */
  cr_assert (r->ci_low >= 0.06 - 1e-12 && r->ci_high <= 0.14 + 1e-12);
  cr_assert (r->ci_low > 0.05);
  cr_assert (isnan (r->statistic));
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, permutation_refuted)
{
  Obs *o = separated ();
  GError *error = NULL;
  /* The claim "the condition is lower" faces data that are higher in every seed. */
  InterpHypothesisResult *r = evaluate (BASE "expect = less\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_REFUTED, "%s", r->message);
  assert_close ("p_against", r->p_against, 1.0 / 252, 1e-12);
  assert_close ("p", r->p, 1.0, 1e-12);
  cr_assert (r->ci_low > 0);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, permutation_inconclusive)
{
  /* The same five values in both conditions, in another order: effect 0. */
  const double a[] = { 0.90, 0.92, 0.91, 0.93, 0.89 }, b[] = { 0.91, 0.90, 0.92, 0.89, 0.93 };
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", a, 5);
  obs_add_condition (o, "0", b, 5);
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE, "%s", r->message);
  cr_assert (fabs (r->effect) < 1e-12);
  cr_assert (r->ci_low < 0 && r->ci_high > 0);
  cr_assert (r->p > 0.4 && r->p_against > 0.4);
  cr_assert (strstr (r->message, "contains the margin"), "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, permutation_three_seeds_cannot_decide_at_five_percent)
{
  /* by hand: with 3 + 3 perfectly separated values the exact p is 1/20 =
   * 0.05, which is not below level 0.05: the honest answer is INCONCLUSIVE,
   * and the message says why. */
  const double a[] = { 4, 5, 6 }, b[] = { 1, 2, 3 };
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", a, 3);
  obs_add_condition (o, "0", b, 3);
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("p", r->p, 0.05, 1e-12);
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE);
  cr_assert (strstr (r->message, "smallest attainable"), "%s", r->message);
  interp_hypothesis_result_free (r);

  /* At level 0.1 the same data decide. */
  r = evaluate (BASE "expect = greater\nlevel = 0.1\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, permutation_ratio_uses_scale_model)
{
  Obs *o = separated ();
  GError *error = NULL;
  /* by hand: x / 1.05 = {0.857, ..., 0.895} exceeds every y (max 0.84):
   * p = 1/252.  Ratio of means 0.92 / 0.82. */
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\neffect = ratio\n"
                                        "margin = 1.05\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  assert_close ("p", r->p, 1.0 / 252, 1e-12);
  assert_close ("effect", r->effect, 0.92 / 0.82, 1e-12);
  /* Bootstrap ratios lie in [0.90/0.84, 0.94/0.80]. */
  cr_assert (r->ci_low >= 0.90 / 0.84 - 1e-12 && r->ci_high <= 0.94 / 0.80 + 1e-12);
  interp_hypothesis_result_free (r);

  /* by hand: x / 1.2 = {0.75, ..., 0.783} lies below every y: for "greater"
   * every split is at least as extreme (p = 1), and the claim "ratio > 1.2"
   * is refuted because the whole interval lies below 0.94/0.80 = 1.175. */
  r = evaluate (BASE "expect = greater\neffect = ratio\nmargin = 1.2\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_REFUTED, "%s", r->message);
  assert_close ("p_against", r->p_against, 1.0 / 252, 1e-12);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

/* ---- verdicts: Welch ---------------------------------------------------- */

Test (hypothesis, welch_supported_refuted_inconclusive)
{
  Obs *o = welch_data ();
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\ntest = welch\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  /* mpmath: t 2.598076211353316, df 6.047244094488189, p 0.0202382076856521,
   * 95% CI [0.0017989170604732, 0.0582010829395268] */
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  assert_close ("t", r->statistic, 2.5980762113533159403, 1e-10);
  assert_close ("df", r->df, 6.0472440944881889764, 1e-10);
  assert_close ("p", r->p, 0.020238207685652084717, 1e-9);
  assert_close ("lo", r->ci_low, 0.0017989170604732082739, 1e-8);
  assert_close ("hi", r->ci_high, 0.058201082939526791726, 1e-9);
  assert_close ("effect", r->effect, 0.03, 1e-12);
  interp_hypothesis_result_free (r);

  /* The opposite claim is refuted by the same numbers. */
  r = evaluate (BASE "expect = less\ntest = welch\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_REFUTED, "%s", r->message);
  assert_close ("p_against", r->p_against, 0.020238207685652084717, 1e-9);
  interp_hypothesis_result_free (r);

  /* A margin of 0.01 falls inside the CI: neither side is established. */
  r = evaluate (BASE "expect = greater\ntest = welch\nmargin = 0.01\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE, "%s", r->message);
  interp_hypothesis_result_free (r);

  /* mpmath: margin 0.05, P(T < -1.7320508) = 0.0668 >= 0.05, and the CI
   * reaches above 0.05: the claim "diff < 0.05" is not supported. */
  r = evaluate (BASE "expect = less\ntest = welch\nmargin = 0.05\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("p", r->p, 0.066793855656526358514, 1e-9);
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE, "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, welch_ratio_on_logs)
{
  Obs *o = welch_data ();
  GError *error = NULL;
  /* mpmath on log values: geometric-mean ratio 1.0337488742604492,
   * t 2.5892412330844683, df 5.9159670223575563, p 0.0208933532042185,
   * 95% CI exp(...) = [1.0017176946015511, 1.0668042910630754]. */
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\ntest = welch\neffect = ratio\n",
                                        o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  assert_close ("effect", r->effect, 1.0337488742604492316, 1e-12);
  assert_close ("t", r->statistic, 2.5892412330844683059, 1e-10);
  assert_close ("df", r->df, 5.9159670223575562777, 1e-10);
  assert_close ("p", r->p, 0.020893353204218533097, 1e-9);
  assert_close ("lo", r->ci_low, 1.0017176946015511394, 1e-10);
  assert_close ("hi", r->ci_high, 1.0668042910630754408, 1e-10);
  interp_hypothesis_result_free (r);

  /* mpmath: margin 1.01: p 0.0602349222042374 -> INCONCLUSIVE. */
  r = evaluate (BASE "expect = greater\ntest = welch\neffect = ratio\nmargin = 1.01\n", o,
                &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("p", r->p, 0.060234922204237354438, 1e-9);
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE, "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

/* ---- verdicts: bootstrap ------------------------------------------------ */

Test (hypothesis, bootstrap_verdicts)
{
  Obs *o = separated ();
  GError *error = NULL;
  /* by hand: every resampled difference lies in [0.06, 0.14], so no draw
   * reaches the margin 0.05: p = (0 + 1) / (10000 + 1). */
  InterpHypothesisResult *r = evaluate (BASE "expect = greater\ntest = bootstrap\n"
                                        "margin = 0.05\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  assert_close ("p", r->p, 1.0 / 10001, 1e-12);
  cr_assert_eq (r->n_resamples, 10000);
  interp_hypothesis_result_free (r);

  /* ... and all of them exceed 0, so "less than 0" is refuted. */
  r = evaluate (BASE "expect = less\ntest = bootstrap\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_REFUTED, "%s", r->message);
  assert_close ("p_against", r->p_against, 1.0 / 10001, 1e-12);
  interp_hypothesis_result_free (r);

  /* A margin of 0.1 is the middle of the distribution: inconclusive. */
  r = evaluate (BASE "expect = greater\ntest = bootstrap\nmargin = 0.1\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE, "%s", r->message);
  cr_assert (r->ci_low < 0.1 && r->ci_high > 0.1);
  interp_hypothesis_result_free (r);

  /* Ratio: resampled ratios lie in [0.90/0.84, 0.94/0.80] = [1.071, 1.175]. */
  r = evaluate (BASE "expect = greater\ntest = bootstrap\neffect = ratio\nmargin = 1.05\n", o,
                &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  assert_close ("p", r->p, 1.0 / 10001, 1e-12);
  interp_hypothesis_result_free (r);
  r = evaluate (BASE "expect = greater\ntest = bootstrap\neffect = ratio\nmargin = 1.2\n", o,
                &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->verdict, INTERP_VERDICT_REFUTED, "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, reproducible_from_seed)
{
  Obs *o = welch_data ();
  GError *error = NULL;
  InterpHypothesis *h = parse (BASE "expect = greater\ntest = bootstrap\n", &error);
  cr_assert (h);
  InterpObservation *obs = (InterpObservation *) o->obs->data;
  InterpHypothesisResult *a = interp_hypothesis_evaluate (h, obs, o->obs->len, 7, &error);
  InterpHypothesisResult *b = interp_hypothesis_evaluate (h, obs, o->obs->len, 7, &error);
  InterpHypothesisResult *c = interp_hypothesis_evaluate (h, obs, o->obs->len, 8, &error);
  cr_assert (a && b && c);
  cr_assert_eq (a->ci_low, b->ci_low);
  cr_assert_eq (a->ci_high, b->ci_high);
  cr_assert_eq (a->p, b->p);
  /* Another seed draws other resamples (10000 of them: the interval moves). */
  cr_assert (a->ci_low != c->ci_low || a->ci_high != c->ci_high);
  interp_hypothesis_result_free (a);
  interp_hypothesis_result_free (b);
  interp_hypothesis_result_free (c);
  interp_hypothesis_free (h);
  obs_free (o);
}

