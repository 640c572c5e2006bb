/* Tests of core/stats/hypothesis-family.c and interp_stats_holm: premises
 * (`requires`, with cycles refused), skipped hypotheses and the Holm
 * adjustment over a pipeline's hypotheses. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "hypothesis-fixture.h"
#include "stats/stats.h"

Test (holm, hand_computed)
{
  /* by hand, m = 4, sorted 0.01 0.02 0.03 0.04 -> 0.04, 0.06, 0.06 (max of
   * 0.06 and 2 x 0.03), 0.06 (max of 0.06 and 1 x 0.04); given out of order. */
  const double p[4] = { 0.03, 0.01, 0.04, 0.02 };
  double a[4];
  interp_stats_holm (p, 4, a);
  assert_close ("p=0.03", a[0], 0.06, 1e-12);
  assert_close ("p=0.01", a[1], 0.04, 1e-12);
  assert_close ("p=0.04", a[2], 0.06, 1e-12);
  assert_close ("p=0.02", a[3], 0.06, 1e-12);
  /* capped at 1; NaN (a test that did not run) counts as 1 */
  const double q[3] = { 0.5, NAN, 0.01 };
  interp_stats_holm (q, 3, a);
  assert_close ("0.01", a[2], 0.03, 1e-12);
  assert_close ("0.5", a[0], 1.0, 1e-12);
  assert_close ("nan", a[1], 1.0, 1e-12);
}

static InterpHypothesis *
must_parse (const char *group, const char *body)
{
  GError *error = NULL;
  InterpHypothesis *h = parse_named (group, body, &error);
  cr_assert (h, "%s", error ? error->message : "");
  return h;
}

Test (requires, cycle_is_refused)
{
  InterpHypothesis *h[3] = {
    must_parse ("hypothesis:a", BASE "expect = greater\nrequires = hypothesis:b\n"),
    must_parse ("hypothesis:b", BASE "expect = greater\nrequires = hypothesis:c\n"),
    must_parse ("hypothesis:c", BASE "expect = greater\nrequires = hypothesis:a\n"),
  };
  GError *error = NULL;
  cr_assert_not (interp_hypotheses_check_requires (h, 3, &error));
  cr_assert (error && strstr (error->message, "a -> b -> c -> a")
             && strstr (error->message, "[hypothesis:a]"), "%s", error ? error->message : "");
  g_clear_error (&error);
  /* an unknown name, and oneself */
  cr_assert_not (interp_hypotheses_check_requires (h, 2, &error));
  cr_assert (strstr (error->message, "no [hypothesis:c]"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (parse_named ("hypothesis:d", BASE "expect = greater\nrequires = hypothesis:d\n",
                               &error));
  cr_assert (strstr (error->message, "cannot require itself"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_null (parse_named ("hypothesis:d", BASE "expect = greater\nrequires = d\n", &error));
  cr_assert (strstr (error->message, "hypothesis:NAME"), "%s", error->message);
  g_clear_error (&error);
  for (int i = 0; i < 3; i++)
    interp_hypothesis_free (h[i]);
}

/* Decides [a] (with `a_body`), [b] requires a, [c] requires b, over the
 * separated data (condition above control), without adjustment. */
static void
chain (const char *a_body, gboolean skip_a, InterpVerdict want_a, InterpVerdict want_b,
       InterpVerdict want_c)
{
  Obs *o = separated ();
  InterpHypothesis *h[3] = {
    must_parse ("hypothesis:a", a_body),
    must_parse ("hypothesis:b", BASE "expect = greater\ntest = welch\n"
                                     "requires = hypothesis:a\n"),
    must_parse ("hypothesis:c", BASE "expect = greater\ntest = welch\n"
                                     "requires = hypothesis:b\n"),
  };
  GError *error = NULL;
  cr_assert (interp_hypotheses_check_requires (h, 3, &error));
  InterpHypothesisResult *r[3];
  for (int i = 0; i < 3; i++)
    {
      r[i] = i == 0 && skip_a
               ? interp_hypothesis_result_new_skipped (h[0], "skipped: test")
               : interp_hypothesis_evaluate (h[i], (InterpObservation *) o->obs->data,
                                             o->obs->len, 1, &error);
      cr_assert (r[i], "%s", error ? error->message : "");
    }
  interp_hypotheses_decide_family (h, r, 3, INTERP_MULTIPLE_TESTING_NONE);
  cr_assert_eq (r[0]->verdict, want_a, "%s", r[0]->message);
  cr_assert_eq (r[1]->verdict, want_b, "%s", r[1]->message);
  cr_assert_eq (r[2]->verdict, want_c, "%s", r[2]->message);
  /* the dependents' own tests are supported either way */
  cr_assert_eq (r[1]->test_verdict, INTERP_VERDICT_SUPPORTED);
  cr_assert_eq (r[2]->test_verdict, INTERP_VERDICT_SUPPORTED);
  if (want_b == INTERP_VERDICT_UNSUPPORTED_PREMISE)
    {
      cr_assert_str_eq (r[1]->failed_premise, "a");
      cr_assert_str_eq (r[2]->failed_premise, "b");
      char *line = interp_hypothesis_result_summary (r[2]);
      cr_assert (strstr (line, "UNSUPPORTED-PREMISE") && strstr (line, "premise b is not "
                                                                        "SUPPORTED"), "%s", line);
      g_free (line);
    }
  for (int i = 0; i < 3; i++)
    {
      interp_hypothesis_result_free (r[i]);
      interp_hypothesis_free (h[i]);
    }
  obs_free (o);
}

Test (requires, supported_premise_passes)
{
  chain (BASE "expect = greater\ntest = welch\n", FALSE, INTERP_VERDICT_SUPPORTED,
         INTERP_VERDICT_SUPPORTED, INTERP_VERDICT_SUPPORTED);
}

Test (requires, refuted_premise_propagates_down_the_chain)
{
  chain (BASE "expect = less\ntest = welch\n", FALSE, INTERP_VERDICT_REFUTED,
         INTERP_VERDICT_UNSUPPORTED_PREMISE, INTERP_VERDICT_UNSUPPORTED_PREMISE);
}

Test (requires, skipped_premise_is_not_supported)
{
  chain (BASE "expect = greater\ntest = welch\n", TRUE, INTERP_VERDICT_NOT_EVALUATED,
         INTERP_VERDICT_UNSUPPORTED_PREMISE, INTERP_VERDICT_UNSUPPORTED_PREMISE);
}

Test (family, holm_changes_a_marginal_verdict_and_skipping_never_helps)
{
  /* Welch on the separated data: p of the claim is tiny; three copies in
   * one family multiply it by at most 3. */
  Obs *o = separated ();
  InterpHypothesis *h[2] = {
    must_parse ("hypothesis:a", BASE "expect = greater\ntest = welch\n"),
    must_parse ("hypothesis:b", BASE "expect = greater\ntest = welch\nmargin = 0.05\n"),
  };
  GError *error = NULL;
  InterpHypothesisResult *r[2];
  for (int i = 0; i < 2; i++)
    r[i] = interp_hypothesis_evaluate (h[i], (InterpObservation *) o->obs->data, o->obs->len,
                                       1, &error);
  double pa = r[0]->p, pb = r[1]->p;
  interp_hypotheses_decide_family (h, r, 2, INTERP_MULTIPLE_TESTING_HOLM);
  double lo = MIN (pa, pb), hi = MAX (pa, pb);
  assert_close ("smaller", MIN (r[0]->p_adjusted, r[1]->p_adjusted), 2 * lo, 1e-12);
  assert_close ("larger", MAX (r[0]->p_adjusted, r[1]->p_adjusted), MAX (2 * lo, hi), 1e-12);
  cr_assert_eq (r[0]->family_size, 2);
  cr_assert_eq (r[0]->p, pa, "the raw p is kept");
  char *line = interp_hypothesis_result_summary (r[0]);
  cr_assert (strstr (line, "(holm "), "%s", line);
  g_free (line);
  /* b skipped: a's adjusted p is computed with b at p = 1, never lower
   * than with b tested. */
  double with_b = r[0]->p_adjusted;
  InterpHypothesisResult *skipped = interp_hypothesis_result_new_skipped (h[1], "skipped");
  interp_hypothesis_result_free (r[1]);
  r[1] = skipped;
  interp_hypotheses_decide_family (h, r, 2, INTERP_MULTIPLE_TESTING_HOLM);
  cr_assert_geq (r[0]->p_adjusted, with_b);
  assert_close ("a alone at m = 2", r[0]->p_adjusted, MIN (1.0, 2 * pa), 1e-12);
  cr_assert_eq (r[1]->verdict, INTERP_VERDICT_NOT_EVALUATED);
  line = interp_hypothesis_result_summary (r[1]);
  cr_assert (strstr (line, "NOT EVALUATED") && strstr (line, "skipped"), "%s", line);
  g_free (line);
  for (int i = 0; i < 2; i++)
    {
      interp_hypothesis_result_free (r[i]);
      interp_hypothesis_free (h[i]);
    }
  obs_free (o);
}

/* A diverged trial's NaN is a result, not a malformed hypothesis: that
 * hypothesis is NOT EVALUATED with the trial named, its dependent reads
 * UNSUPPORTED-PREMISE, and a hypothesis on other data is still decided. */
Test (family, a_non_finite_value_leaves_only_its_hypothesis_undecided)
{
  Obs *o = separated ();
  obs_add_full (o, "-1", 1, NULL, NULL, "selectivity-mean", NULL, NULL, 0, 0.10);
  obs_add_full (o, "-1", 2, NULL, NULL, "selectivity-mean", NULL, NULL, 0, NAN);
  obs_add_full (o, "-1", 3, NULL, NULL, "selectivity-mean", NULL, NULL, 0, 0.12);
  for (int seed = 1; seed <= 3; seed++)
    obs_add_full (o, "0", seed, NULL, NULL, "selectivity-mean", NULL, NULL, 0, 0.3);
  const char *si = "metric = selectivity-mean\ncondition = " ALPHA_KEY "=-1\ncontrol = "
                   ALPHA_KEY "=0\nexpect = less\ntest = welch\n";
  InterpHypothesis *h[3] = {
    must_parse ("hypothesis:check", si),
    must_parse ("hypothesis:free", BASE "expect = greater\ntest = welch\n"
                                        "requires = hypothesis:check\n"),
    must_parse ("hypothesis:other", BASE "expect = greater\ntest = welch\n"),
  };
  GError *error = NULL;
  InterpHypothesisResult *r[3];
  for (int i = 0; i < 3; i++)
    {
      r[i] = interp_hypothesis_evaluate (h[i], (InterpObservation *) o->obs->data, o->obs->len,
                                         1, &error);
      cr_assert (r[i], "%s", error ? error->message : "");
    }
  interp_hypotheses_decide_family (h, r, 3, INTERP_MULTIPLE_TESTING_HOLM);
  cr_assert_eq (r[0]->verdict, INTERP_VERDICT_NOT_EVALUATED);
  cr_assert (strstr (r[0]->message, "'selectivity-mean' is nan in the condition's trial")
               && strstr (r[0]->message, "pipeline.seed=2"), "%s", r[0]->message);
  cr_assert_eq (r[1]->verdict, INTERP_VERDICT_UNSUPPORTED_PREMISE);
  cr_assert_eq (r[2]->verdict, INTERP_VERDICT_SUPPORTED, "%s", r[2]->message);
  for (int i = 0; i < 3; i++)
    {
      interp_hypothesis_result_free (r[i]);
      interp_hypothesis_free (h[i]);
    }
  obs_free (o);
}
