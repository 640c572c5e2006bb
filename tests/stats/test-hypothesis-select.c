/* Tests of core/stats/hypothesis-data.c: matching swept values, choosing
 * the trials by metric, target, perturbation and level, and every refusal
 * of a comparison that cannot be made. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "hypothesis-fixture.h"

/* ---- selecting trials --------------------------------------------------- */

Test (hypothesis, values_match_as_numbers)
{
  Obs *o = separated ();
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate ("metric = accuracy\nexpect = greater\n"
                                        "condition = " ALPHA_KEY "=-1.0\n"
                                        "control = " ALPHA_KEY "= 0/1\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->n_condition, 5);
  cr_assert_eq (r->n_control, 5);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, condition_matches)
{
  GError *error = NULL;
  InterpHypothesis *h = parse ("metric = accuracy\nexpect = greater\n"
                               "condition = " ALPHA_KEY "=-1.0, model.width=8/4\n"
                               "control = " ALPHA_KEY "=0\n", &error);
  cr_assert (h, "%s", error ? error->message : "");
  GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (t, ALPHA_KEY, "-1");
  cr_assert (!interp_condition_matches (&h->condition, t));   /* width missing */
  g_hash_table_insert (t, "model.width", "2");
  cr_assert (interp_condition_matches (&h->condition, t));
  g_hash_table_insert (t, "model.width", "2.5");
  cr_assert (!interp_condition_matches (&h->condition, t));
  g_hash_table_insert (t, "model.width", "two");
  cr_assert (!interp_condition_matches (&h->condition, t));
  cr_assert (!interp_condition_matches (&h->condition, NULL));
  g_hash_table_unref (t);
  interp_hypothesis_free (h);
}

Test (hypothesis, targets_and_perturbations)
{
  Obs *o = obs_new ();
  for (int s = 1; s <= 4; s++)
    for (int a = 0; a < 2; a++)
      {
        const char *alpha = a ? "0" : "-1";
        double shift = a ? 0 : 0.2;
        obs_add_full (o, alpha, s, NULL, NULL, "selectivity", "conv1", NULL, 0,
                      0.3 + shift + 0.01 * s);
        obs_add_full (o, alpha, s, NULL, NULL, "selectivity", "conv2", NULL, 0,
                      0.5 - shift + 0.01 * s);
        obs_add_full (o, alpha, s, NULL, NULL, "selectivity-mean", "", NULL, 0,
                      0.4 + shift / 2 + 0.01 * s);
        obs_add_full (o, alpha, s, NULL, NULL, "selectivity-mean", "conv1", NULL, 0, 0.1 * s);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "clean", 0, 0.9);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "corruption:noise", 1,
                      0.8 + 0.01 * s);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "corruption:noise", 5,
                      0.4 + shift + 0.01 * s);
      }
  GError *error = NULL;

  /* Two targets per trial: ambiguous without `target`. */
  InterpHypothesisResult *r = evaluate ("metric = selectivity\nexpect = greater\n"
                                        "condition = " ALPHA_KEY "=-1\n"
                                        "control = " ALPHA_KEY "=0\n", o, &error);
  cr_assert_null (r);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_STATISTICS));
  cr_assert (strstr (error->message, "several values per trial")
             && strstr (error->message, "[hypothesis:h]"), "%s", error->message);
  g_clear_error (&error);

  r = evaluate ("metric = selectivity\ntarget = conv2\nexpect = less\ntest = welch\n"
                "condition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("effect", r->effect, -0.2, 1e-9);
  interp_hypothesis_result_free (r);

  /* With a whole-network value (empty target) next to per-layer ones, an
   * unset target means the whole-network value. */
  r = evaluate ("metric = selectivity-mean\nexpect = less\ntest = welch\n"
                "condition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("effect", r->effect, 0.1, 1e-9);
  interp_hypothesis_result_free (r);

  r = evaluate ("metric = selectivity\ntarget = conv9\nexpect = less\n"
                "condition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert_null (r);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_STATISTICS));
  cr_assert (strstr (error->message, "conv9") && strstr (error->message, "conv1, conv2"),
             "%s", error->message);
  g_clear_error (&error);

  /* Clean accuracy is the default perturbation. */
  r = evaluate (BASE "expect = greater\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("effect", r->effect, 0, 1e-12);
  interp_hypothesis_result_free (r);

  /* Two levels of noise per trial: ambiguous without the level. */
  r = evaluate (BASE "expect = greater\nperturbation = corruption:noise\n", o, &error);
  cr_assert_null (r);
  cr_assert (strstr (error->message, "perturbation-level"), "%s", error->message);
  g_clear_error (&error);

  r = evaluate (BASE "expect = greater\nperturbation = corruption:noise\n"
                "perturbation-level = 5\ntest = welch\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("effect", r->effect, 0.2, 1e-9);
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED, "%s", r->message);
  char *line = interp_hypothesis_result_summary (r);
  cr_assert (strstr (line, "accuracy under corruption:noise=5 diff 0.2"), "%s", line);
  g_free (line);
  interp_hypothesis_result_free (r);

  r = evaluate (BASE "expect = greater\nperturbation = corruption:blur\n", o, &error);
  cr_assert_null (r);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_STATISTICS));
  cr_assert (strstr (error->message, "clean, corruption:noise"), "%s", error->message);
  g_clear_error (&error);

  r = evaluate (BASE "expect = greater\nperturbation = corruption:noise\n"
                "perturbation-level = 3\n", o, &error);
  cr_assert_null (r);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_STATISTICS));
  cr_assert (strstr (error->message, "levels: 1, 5"), "%s", error->message);
  g_clear_error (&error);
  obs_free (o);
}

/* ---- refusals ----------------------------------------------------------- */

static void
assert_refused (const char *body, Obs *o, const char *fragment)
{
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate (body, o, &error);
  cr_assert_null (r, "not refused: %s", fragment);
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_STATISTICS), "%s",
             error->message);
  cr_assert (strstr (error->message, "test.ini: [hypothesis:h]"), "%s", error->message);
  cr_assert (strstr (error->message, fragment), "'%s' not in: %s", fragment, error->message);
  g_error_free (error);
}

Test (hypothesis, refuses_two_seeds)
{
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", sep_x, 2);
  obs_add_condition (o, "0", sep_y, 5);
  assert_refused (BASE "expect = greater\n", o, "has 2 replicates");
  obs_free (o);

  /* An unswept seed: every condition is a single trial. */
  o = obs_new ();
  obs_add_condition (o, "-1", sep_x, 1);
  obs_add_condition (o, "0", sep_y, 1);
  assert_refused (BASE "expect = greater\n", o, "has 1 replicate;");
  obs_free (o);
}

Test (hypothesis, refuses_missing_condition_and_metric)
{
  Obs *o = separated ();
  assert_refused ("metric = accuracy\nexpect = greater\ncondition = " ALPHA_KEY "=-5\n"
                  "control = " ALPHA_KEY "=0\n", o,
                  "condition (" ALPHA_KEY "=-5) matches no trial");
  assert_refused ("metric = accuracy\nexpect = greater\ncondition = " ALPHA_KEY "=-1\n"
                  "control = " ALPHA_KEY "=3\n", o,
                  "control (" ALPHA_KEY "=3) matches no trial");
  assert_refused ("metric = acuracy\nexpect = greater\ncondition = " ALPHA_KEY "=-1\n"
                  "control = " ALPHA_KEY "=0\n", o, "metric 'acuracy' is absent from the "
                  "results (metrics measured: accuracy)");
  assert_refused ("metric = accuracy\nexpect = greater\ncondition = model.width=2\n"
                  "control = " ALPHA_KEY "=0\n", o, "'model.width' is not a swept key");
  assert_refused ("metric = accuracy\nexpect = greater\ncondition = " ALPHA_KEY "=-1\n"
                  "control = " ALPHA_KEY "=-1\n", o, "select the same trials");
  obs_free (o);

  /* No observations at all. */
  o = obs_new ();
  assert_refused (BASE "expect = greater\n", o, "metric 'accuracy' is absent");
  obs_free (o);
}

Test (hypothesis, refuses_pooling_other_swept_keys)
{
  Obs *o = obs_new ();
  for (int s = 1; s <= 3; s++)
    for (int w = 1; w <= 2; w++)
      {
        const char *width = w == 1 ? "1" : "2";
        obs_add_full (o, "-1", s, "model.width", width, "accuracy", NULL, NULL, 0, 0.9);
        obs_add_full (o, "0", s, "model.width", width, "accuracy", NULL, NULL, 0, 0.8);
      }
  assert_refused (BASE "expect = greater\n", o, "differ in 'model.width'");

  /* Pinning the key in both groups makes it testable. */
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate ("metric = accuracy\nexpect = greater\n"
                                        "condition = " ALPHA_KEY "=-1, model.width=2\n"
                                        "control = " ALPHA_KEY "=0, model.width=2\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->n_condition, 3);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, refuses_ratio_of_non_positive_values)
{
  const double a[] = { 0.1, 0.0, 0.2 }, b[] = { 0.3, 0.2, 0.1 };
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", a, 3);
  obs_add_condition (o, "0", b, 3);
  assert_refused (BASE "expect = greater\neffect = ratio\n", o, "needs positive values");
  obs_free (o);
}


/* ---- aggregates and comparisons within trials ----------------------------- */

/* Two corruptions at two severities and an attack, per trial; seed s adds
 * 0.01 s everywhere so replicates differ. */
static Obs *
robustness_obs (void)
{
  Obs *o = obs_new ();
  for (int s = 1; s <= 4; s++)
    for (int a = 0; a < 2; a++)
      {
        const char *alpha = a ? "0" : "-1";
        double d = 0.01 * s, shift = a ? 0 : 0.1;
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "clean", 0, 0.9 + d);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "corruption:noise", 1,
                      0.8 + shift + d);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "corruption:noise", 2,
                      0.6 + shift + d);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "corruption:blur", 1,
                      0.7 + shift + d);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "corruption:blur", 2,
                      0.5 + shift + d);
        obs_add_full (o, alpha, s, NULL, NULL, "accuracy", NULL, "attack:pgd", 0.03,
                      0.2 - shift + d);
      }
  return o;
}

Test (hypothesis, aggregate_mean_over_a_glob)
{
  Obs *o = robustness_obs ();
  GError *error = NULL;
  /* Four corruption values per trial: refused without aggregate, naming it. */
  InterpHypothesisResult *r = evaluate ("metric = accuracy\nexpect = greater\n"
                                        "perturbation = corruption:*\n"
                                        "condition = " ALPHA_KEY "=-1\n"
                                        "control = " ALPHA_KEY "=0\n", o, &error);
  cr_assert_null (r);
  cr_assert (strstr (error->message, "aggregate = mean"), "%s", error->message);
  g_clear_error (&error);

  r = evaluate ("metric = accuracy\nexpect = greater\nperturbation = corruption:*\n"
                "aggregate = mean\n"
                "condition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  /* Means per trial: (0.8 + 0.6 + 0.7 + 0.5) / 4 + shift + d = 0.65 + shift + d;
   * over seeds d averages 0.025. */
  assert_close ("condition mean", r->mean_condition, 0.75 + 0.025, 1e-12);
  assert_close ("control mean", r->mean_control, 0.65 + 0.025, 1e-12);
  assert_close ("effect", r->effect, 0.1, 1e-9);
  cr_assert (r->aggregate_mean);
  char *line = interp_hypothesis_result_summary (r);
  cr_assert (strstr (line, "under corruption:*") && strstr (line, "(mean per trial)"), "%s",
             line);
  g_free (line);
  interp_hypothesis_result_free (r);

  /* A glob that matches nothing names what exists. */
  r = evaluate ("metric = accuracy\nexpect = greater\nperturbation = weather:*\n"
                "aggregate = mean\n"
                "condition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert_null (r);
  cr_assert (strstr (error->message, "weather:*") && strstr (error->message, "corruption:blur"),
             "%s", error->message);
  g_clear_error (&error);
  /* A glob never selects clean data. */
  r = evaluate ("metric = accuracy\nexpect = greater\nperturbation = *\n"
                "perturbation-level = 0.03\n"
                "condition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  assert_close ("only pgd at 0.03", r->mean_condition, 0.1 + 0.025, 1e-12);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

Test (hypothesis, control_perturbation_compares_within_trials)
{
  Obs *o = robustness_obs ();
  GError *error = NULL;
  /* The same trials (alpha = 0) on both sides, under different data. */
  InterpHypothesisResult *r = evaluate ("metric = accuracy\nexpect = less\n"
                                        "perturbation = attack:pgd\n"
                                        "control-perturbation = corruption:noise\n"
                                        "control-perturbation-level = 1\n"
                                        "condition = " ALPHA_KEY "=0\n"
                                        "control = " ALPHA_KEY "=0\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  cr_assert_eq (r->n_condition, 4);
  cr_assert_eq (r->n_control, 4);
  /* pgd: 0.2 + d, noise@1: 0.8 + d: the difference is -0.6 exactly. */
  assert_close ("effect", r->effect, -0.6, 1e-9);
  cr_assert_eq (r->verdict, INTERP_VERDICT_SUPPORTED);
  char *line = interp_hypothesis_result_summary (r);
  cr_assert (strstr (line, "under attack:pgd vs corruption:noise=1"), "%s", line);
  g_free (line);
  interp_hypothesis_result_free (r);

  /* The control's level is its own: unset with several levels, refused. */
  r = evaluate ("metric = accuracy\nexpect = less\nperturbation = attack:pgd\n"
                "control-perturbation = corruption:noise\n"
                "condition = " ALPHA_KEY "=0\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert_null (r);
  cr_assert (strstr (error->message, "several values per trial of the control"), "%s",
             error->message);
  g_clear_error (&error);

  /* Without a control perturbation the same trials on both sides are
   * still refused. */
  r = evaluate ("metric = accuracy\nexpect = less\nperturbation = attack:pgd\n"
                "condition = " ALPHA_KEY "=0\ncontrol = " ALPHA_KEY "=0\n", o, &error);
  cr_assert_null (r);
  cr_assert (strstr (error->message, "select the same trials"), "%s", error->message);
  g_clear_error (&error);
  obs_free (o);
}
