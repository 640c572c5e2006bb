/* Tests of hypotheses with control = none: a claim about one condition's
 * mean against the margin (core/stats/stats-one-sample.c and the
 * one-sample paths of hypothesis-spec/-data/-verdict.c). */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "hypothesis-fixture.h"

#define ONE "metric = accuracy\ncondition = " ALPHA_KEY "=-1\ncontrol = none\n"

static Obs *
six_values (void)
{
  static const double x[6] = { 0.61, 0.62, 0.63, 0.64, 0.65, 0.66 };
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", x, 6);
  /* Another condition that control = none must ignore. */
  obs_add_condition (o, "0", sep_y, 5);
  return o;
}

Test (one_sample, sign_flip_exact)
{
  Obs *o = six_values ();
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate (ONE "expect = greater\nmargin = 0.5\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  /* by hand: every x - 0.5 > 0, so of the 2^6 sign patterns only the
   * observed one has a sum >= the observed sum: p = 1/64. */
  assert_close ("p", r->p, 1.0 / 64, 1e-12);
  assert_close ("p_against", r->p_against, 1.0, 1e-12);
  cr_assert (r->exact);
  cr_assert_eq (r->n_resamples, 64);
  cr_assert_eq (r->n_condition, 6);
  cr_assert_eq (r->n_control, 0);
  cr_assert_eq (r->effect_kind, INTERP_EFFECT_MEAN);
  assert_close ("effect", r->effect, 0.635, 1e-12);
  /* by hand: for mu below min x the one-sided p is 1/64 <= 0.025; at mu =
   * min x the zero difference ties and p = 2/64 > 0.025.  So the inverted
   * 95% interval is exactly [min x, max x]. */
  assert_close ("ci_low", r->ci_low, 0.61, 1e-9);
  assert_close ("ci_high", r->ci_high, 0.66, 1e-9);
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  char *line = interp_hypothesis_result_summary (r);
  cr_assert (strstr (line, "mean 0.635") && strstr (line, "n=6, sign-flip"), "%s", line);
  g_free (line);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (one_sample, sign_flip_cannot_decide_five)
{
  Obs *o = separated ();
  GError *error = NULL;
  /* 5 values: the smallest one-sided p is 1/32, above the 0.025 a 95%
   * interval needs at each end, so the interval is unbounded and no verdict
   * can be decisive; the claim stays INCONCLUSIVE rather than SUPPORTED. */
  InterpHypothesisResult *r = evaluate (ONE "expect = greater\nmargin = 0.5\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("p", r->p, 1.0 / 32, 1e-12);
  cr_assert (isinf (r->ci_low) && r->ci_low < 0);
  cr_assert_eq (r->verdict, INTERP_VERDICT_INCONCLUSIVE, "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (one_sample, t_test_against_scipy)
{
  static const double x[5] = { 0.1, 0.2, 0.3, 0.4, 0.5 };
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", x, 5);
  obs_add_condition (o, "0", sep_y, 5);
  GError *error = NULL;
  InterpHypothesisResult *r =
    evaluate (ONE "expect = less\nmargin = 0.5\ntest = welch\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  /* scipy 1.10: stats.ttest_1samp(x, 0.5, alternative='less') gives
   * p = 0.023710327792159785, t = -2.8284271247461903; stats.t.interval(0.95,
   * 4, loc=0.3, scale=stats.sem(x)) = (0.1036756838522439, 0.4963243161477561).
   * interp's t distribution is accurate to about 1e-10 relative
   * (test-stats.c), hence the tolerance. */
  assert_close ("p", r->p, 0.023710327792159785, 1e-8);
  assert_close ("t", r->statistic, -2.8284271247461903, 1e-12);
  assert_close ("df", r->df, 4, 0);
  assert_close ("ci_low", r->ci_low, 0.1036756838522439, 1e-8);
  assert_close ("ci_high", r->ci_high, 0.4963243161477561, 1e-8);
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (one_sample, bootstrap_reproducible)
{
  Obs *o = six_values ();
  GError *error = NULL;
  const char *body = ONE "expect = greater\nmargin = 0.5\ntest = bootstrap\n";
  InterpHypothesisResult *a = evaluate (body, o, &error);
  InterpHypothesisResult *b = evaluate (body, o, &error);
  cr_assert (a && b, "%s", error ? error->message : "");
  cr_assert_eq (a->ci_low, b->ci_low);
  cr_assert_eq (a->ci_high, b->ci_high);
  /* Resampled means of values in [0.61, 0.66] stay in that range. */
  cr_assert (a->ci_low >= 0.61 - 1e-12 && a->ci_high <= 0.66 + 1e-12);
  /* No resampled mean is at or below 0.5: p = 1 / (resamples + 1). */
  assert_close ("p", a->p, 1.0 / 10001, 1e-12);
  cr_assert_eq (a->verdict, INTERP_VERDICT_SUPPORTED, "%s", a->message);
  interp_hypothesis_result_free (a);
  interp_hypothesis_result_free (b);
  obs_free (o);
}

Test (one_sample, refusals)
{
  GError *error = NULL;
  cr_assert_null (parse (ONE "expect = less\neffect = ratio\n", &error));
  cr_assert (error && strstr (error->message, "'effect'") && strstr (error->message, "none"),
             "%s", error ? error->message : "");
  g_clear_error (&error);
  cr_assert_null (parse (ONE "expect = less\ncontrol-perturbation = corruption:noise\n",
                         &error));
  cr_assert (error && strstr (error->message, "control-perturbation"), "%s",
             error ? error->message : "");
  g_clear_error (&error);
  /* Too few replicates is refused as for two samples. */
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", sep_x, 2);
  cr_assert_null (evaluate (ONE "expect = greater\n", o, &error));
  cr_assert (error && strstr (error->message, "replicate"), "%s", error ? error->message : "");
  g_clear_error (&error);
  obs_free (o);
}
