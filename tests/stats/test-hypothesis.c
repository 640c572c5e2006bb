/* Tests of core/hypothesis.c: parsing [hypothesis:NAME] groups, selecting
 * trials, the verdicts of each test, refusals, the summary line and
 * hypotheses.json.
 *
 * Reference p-values and intervals: "by hand" ones are derived next to the
 * assertion; "mpmath" ones were computed with Python 3 + mpmath 1.2.1 at 40
 * digits from the textbook Welch formulas (scipy is not installed here).
 */
#include <criterion/criterion.h>

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "stats/hypothesis.h"

#define ALPHA_KEY "regularizer:selectivity.alpha"

/* A set of observations with owned swept tables. */
typedef struct {
  GPtrArray *tables;
  GArray *obs;                /* InterpObservation */
} Obs;

static Obs *
obs_new (void)
{
  Obs *o = g_new0 (Obs, 1);
  o->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  o->obs = g_array_new (FALSE, TRUE, sizeof (InterpObservation));
  return o;
}

static void
obs_free (Obs *o)
{
  g_ptr_array_unref (o->tables);
  g_array_unref (o->obs);
  g_free (o);
}

/* One observation of the trial (alpha, seed[, extra key = extra value]). */
static void
obs_add_full (Obs *o, const char *alpha, int seed, const char *extra_key,
              const char *extra_value, const char *metric, const char *target,
              const char *perturbation, double level, double value)
{
  GHashTable *swept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (swept, g_strdup (ALPHA_KEY), g_strdup (alpha));
  g_hash_table_insert (swept, g_strdup ("pipeline.seed"), g_strdup_printf ("%d", seed));
  if (extra_key)
    g_hash_table_insert (swept, g_strdup (extra_key), g_strdup (extra_value));
  g_ptr_array_add (o->tables, swept);
  /* Strings are static literals in these tests, so borrowing is safe. */
  InterpObservation ob = { swept, metric, target, perturbation, level, value };
  g_array_append_val (o->obs, ob);
}

/* Clean accuracy of alpha = `alpha` for seeds 1..n. */
static void
obs_add_condition (Obs *o, const char *alpha, const double *values, int n)
{
  for (int i = 0; i < n; i++)
    obs_add_full (o, alpha, i + 1, NULL, NULL, "accuracy", NULL, NULL, 0, values[i]);
}

static InterpHypothesis *
parse_named (const char *group, const char *body, GError **error)
{
  GKeyFile *kf = g_key_file_new ();
  char *text = g_strdup_printf ("[%s]\n%s", group, body);
  GError *local = NULL;
  gboolean ok = g_key_file_load_from_data (kf, text, (gsize) -1, G_KEY_FILE_NONE, &local);
  cr_assert (ok, "key file: %s", local ? local->message : "");
  InterpHypothesis *h = interp_hypothesis_new_from_key_file (kf, "test.ini", group, error);
  g_key_file_unref (kf);
  g_free (text);
  return h;
}

static InterpHypothesis *
parse (const char *body, GError **error)
{
  return parse_named ("hypothesis:h", body, error);
}

static InterpHypothesisResult *
evaluate (const char *body, Obs *o, GError **error)
{
  GError *local = NULL;
  InterpHypothesis *h = parse (body, &local);
  cr_assert (h, "parse: %s", local ? local->message : "");
  InterpHypothesisResult *r = interp_hypothesis_evaluate (h, (InterpObservation *) o->obs->data,
                                                          o->obs->len, 1, error);
  interp_hypothesis_free (h);
  return r;
}

static void
assert_close (const char *what, double got, double want, double rel)
{
  cr_assert (fabs (got - want) <= rel * fabs (want) || got == want, "%s = %.17g, want %.17g",
             what, got, want);
}

/* Separated samples: every condition value exceeds every control value by
 * at least 0.06 (0.90 - 0.84) and at most 0.14 (0.94 - 0.80). */
static const double sep_x[] = { 0.90, 0.91, 0.92, 0.93, 0.94 };
static const double sep_y[] = { 0.80, 0.81, 0.82, 0.83, 0.84 };
/* The Welch example of test-stats.c: diff 0.03, overlapping. */
static const double wx[] = { 0.91, 0.93, 0.90, 0.94, 0.92 };
static const double wy[] = { 0.88, 0.91, 0.87, 0.90 };

static Obs *
separated (void)
{
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", sep_x, 5);
  obs_add_condition (o, "0", sep_y, 5);
  return o;
}

static Obs *
welch_data (void)
{
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", wx, 5);
  obs_add_condition (o, "0", wy, 4);
  return o;
}

#define BASE "metric = accuracy\ncondition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n"

/* ---- parsing ------------------------------------------------------------ */

Test (hypothesis, parse_defaults_and_keys)
{
  GError *error = NULL;
  InterpHypothesis *h = parse ("claim = it helps\nmetric = accuracy\ntarget = conv1\n"
                               "condition = " ALPHA_KEY "=-1, model.width = 2\n"
                               "control = " ALPHA_KEY "=0\nexpect = less\n", &error);
  cr_assert (h, "%s", error ? error->message : "");
  cr_assert_str_eq (h->name, "h");
  cr_assert_str_eq (h->claim, "it helps");
  cr_assert_str_eq (h->target, "conv1");
  cr_assert_str_eq (h->perturbation, "clean");
  cr_assert (!h->has_perturbation_level);
  cr_assert_eq (h->condition.n, 2);
  cr_assert_str_eq (h->condition.keys[0], ALPHA_KEY);
  cr_assert_str_eq (h->condition.values[0], "-1");
  cr_assert_str_eq (h->condition.keys[1], "model.width");
  cr_assert_str_eq (h->condition.values[1], "2");
  cr_assert_eq (h->effect, INTERP_EFFECT_DIFFERENCE);
  cr_assert_eq (h->expect, INTERP_SIDE_LESS);
  cr_assert_eq (h->margin, 0);
  cr_assert_eq (h->test, INTERP_HYPOTHESIS_PERMUTATION);
  cr_assert_eq (h->level, 0.05);
  cr_assert_eq (h->resamples, 10000);
  interp_hypothesis_free (h);

  /* A ratio's default margin is 1 (no change), not 0. */
  h = parse (BASE "expect = greater\neffect = ratio\n", &error);
  cr_assert (h, "%s", error ? error->message : "");
  cr_assert_eq (h->margin, 1);
  interp_hypothesis_free (h);
}

Test (hypothesis, parse_errors_name_file_group_and_key)
{
  GError *error = NULL;
  /* Unknown key, with the closest suggested. */
  cr_assert_null (parse (BASE "expect = greater\nmarign = 0.1\n", &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_UNKNOWN_KEY));
  cr_assert (strstr (error->message, "test.ini: [hypothesis:h]"), "%s", error->message);
  cr_assert (strstr (error->message, "'marign'") && strstr (error->message, "'margin'"),
             "%s", error->message);
  g_clear_error (&error);

  /* The claimed side is required: no silent default. */
  cr_assert_null (parse (BASE, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_MISSING));
  cr_assert (strstr (error->message, "'expect'"), "%s", error->message);
  g_clear_error (&error);

  cr_assert_null (parse (BASE "expect = more\n", &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE));
  g_clear_error (&error);

  cr_assert_null (parse (BASE "expect = greater\nlevel = 0.7\n", &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE));
  cr_assert (strstr (error->message, "'level'"), "%s", error->message);
  g_clear_error (&error);

  cr_assert_null (parse (BASE "expect = greater\neffect = ratio\nmargin = 0\n", &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE));
  cr_assert (strstr (error->message, "'margin'"), "%s", error->message);
  g_clear_error (&error);

  cr_assert_null (interp_hypothesis_new_from_key_file (g_key_file_new (), "test.ini", "sweep",
                                                       &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_PIPELINE));
  g_clear_error (&error);
}

Test (hypothesis, malformed_conditions)
{
  const char *bad[] = {
    "condition = " ALPHA_KEY "\n",          /* no '=' */
    "condition = alpha=-1\n",                /* no GROUP. */
    "condition = " ALPHA_KEY "=\n",         /* no value */
    "condition = =-1\n",                     /* no key */
    "condition = .alpha=-1\n",               /* empty group */
    "condition = " ALPHA_KEY "=-1=2\n",     /* two '=' */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GError *error = NULL;
      char *body = g_strdup_printf ("metric = accuracy\nexpect = greater\n"
                                    "control = " ALPHA_KEY "=0\n%s", bad[i]);
      cr_assert_null (parse (body, &error), "accepted %s", bad[i]);
      cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE), "%s: %s",
                 bad[i], error->message);
      cr_assert (strstr (error->message, "test.ini: [hypothesis:h]")
                 && strstr (error->message, "'condition'"), "%s", error->message);
      g_error_free (error);
      g_free (body);
    }
}

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

/* ---- output ------------------------------------------------------------- */

Test (hypothesis, summary_line)
{
  Obs *o = welch_data ();
  GError *error = NULL;
  InterpHypothesisResult *r = evaluate ("claim = x\n" BASE "expect = greater\ntest = welch\n",
                                        o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  char *line = interp_hypothesis_result_summary (r);
  cr_assert_str_eq (line, "SUPPORTED     h: accuracy diff 0.03 [95% CI 0.0018, 0.0582] > 0, "
                          "p=0.02, n=5/4, welch");
  g_free (line);
  interp_hypothesis_result_free (r);

  r = evaluate (BASE "expect = less\ntest = welch\n", o, &error);
  cr_assert (r, "%s", error ? error->message : "");
  line = interp_hypothesis_result_summary (r);
  cr_assert_str_eq (line, "REFUTED       h: accuracy diff 0.03 [95% CI 0.0018, 0.0582] < 0, "
                          "p=0.98 (against 0.02), n=5/4, welch");
  g_free (line);
  interp_hypothesis_result_free (r);
  obs_free (o);
}

/* The example of docs/hypotheses.md, computed (seed 1). */
Test (hypothesis, docs_example)
{
  const double x[] = { 0.910, 0.911, 0.912, 0.913, 0.914 };
  const double y[] = { 0.914, 0.915, 0.916, 0.917, 0.918 };
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", x, 5);
  obs_add_condition (o, "0", y, 5);
  GError *error = NULL;
  InterpHypothesis *h = parse_named ("hypothesis:low-selectivity-is-free",
                                     "claim = lowering class selectivity costs less than one "
                                     "point of accuracy\n"
                                     BASE "effect = difference\nexpect = greater\n"
                                     "margin = -0.01\ntest = permutation\n", &error);
  cr_assert (h, "%s", error ? error->message : "");
  InterpHypothesisResult *r = interp_hypothesis_evaluate (h, (InterpObservation *) o->obs->data,
                                                          o->obs->len, 1, &error);
  cr_assert (r, "%s", error ? error->message : "");
  char *line = interp_hypothesis_result_summary (r);
  cr_assert_str_eq (line, "SUPPORTED     low-selectivity-is-free: accuracy diff -0.004 "
                          "[95% CI -0.0065, -0.0015] > -0.01, p=0.004, n=5/5, permutation");
  g_free (line);
  interp_hypothesis_result_free (r);
  interp_hypothesis_free (h);
  obs_free (o);
}

Test (hypothesis, json_document)
{
  Obs *o = separated ();
  GError *error = NULL;
  InterpHypothesisResult *r[2];
  r[0] = evaluate ("claim = better\n" BASE "expect = greater\nmargin = 0.05\n", o, &error);
  r[1] = evaluate (BASE "expect = less\ntest = welch\n", o, &error);
  cr_assert (r[0] && r[1]);

  char *dir = g_dir_make_tmp ("interp-hyp-XXXXXX", &error);
  cr_assert (dir);
  char *path = g_build_filename (dir, "hypotheses.json", NULL);
  cr_assert (interp_hypothesis_results_write (r, 2, path, &error), "%s",
             error ? error->message : "");

  JsonParser *parser = json_parser_new ();
  cr_assert (json_parser_load_from_file (parser, path, &error), "%s",
             error ? error->message : "");
  JsonArray *arr = json_object_get_array_member (json_node_get_object (json_parser_get_root (
                                                                          parser)),
                                                 "hypotheses");
  cr_assert_eq (json_array_get_length (arr), 2);
  JsonObject *a = json_array_get_object_element (arr, 0);
  cr_assert_str_eq (json_object_get_string_member (a, "name"), "h");
  cr_assert_str_eq (json_object_get_string_member (a, "claim"), "better");
  cr_assert_str_eq (json_object_get_string_member (a, "verdict"), "SUPPORTED");
  cr_assert_str_eq (json_object_get_string_member (a, "test"), "permutation");
  cr_assert_str_eq (json_object_get_string_member (a, "expect"), "greater");
  /* report.c reads "effect" (the kind) and "estimate" (its value). */
  cr_assert_str_eq (json_object_get_string_member (a, "effect"), "difference");
  assert_close ("estimate", json_object_get_double_member (a, "estimate"), 0.1, 1e-12);
  assert_close ("confidence", json_object_get_double_member (a, "confidence"), 0.95, 1e-12);
  cr_assert_eq (json_object_get_int_member (a, "n_condition"), 5);
  assert_close ("p", json_object_get_double_member (a, "p"), 1.0 / 252, 1e-12);
  cr_assert (json_object_get_boolean_member (a, "exact"));
  /* NaN (no t statistic for a permutation test) is written as null. */
  cr_assert (json_node_is_null (json_object_get_member (a, "t")));
  cr_assert (json_node_is_null (json_object_get_member (a, "perturbation_level")));
  JsonObject *b = json_array_get_object_element (arr, 1);
  cr_assert_str_eq (json_object_get_string_member (b, "verdict"), "REFUTED");
  cr_assert (json_object_get_double_member (b, "df") > 0);
  cr_assert (!json_object_has_member (b, "exact"));
  cr_assert (strstr (json_object_get_string_member (b, "summary"), "REFUTED"));

  /* An unwritable path is an IO error naming it. */
  char *bad = g_build_filename (dir, "missing", "hypotheses.json", NULL);
  cr_assert (!interp_hypothesis_results_write (r, 2, bad, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_IO));
  cr_assert (strstr (error->message, bad));
  g_clear_error (&error);

  g_object_unref (parser);
  g_unlink (path);
  g_rmdir (dir);
  g_free (bad);
  g_free (path);
  g_free (dir);
  interp_hypothesis_result_free (r[0]);
  interp_hypothesis_result_free (r[1]);
  obs_free (o);
}
