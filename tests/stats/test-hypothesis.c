/* Tests of core/stats/hypothesis-spec.c and hypothesis-json.c: parsing
 * [hypothesis:NAME] groups, the summary line and hypotheses.json.  The
 * verdicts are tested in test-hypothesis-verdicts.c, selecting trials and
 * refusals in test-hypothesis-select.c (one program: test-hypothesis).
 */
#include <criterion/criterion.h>

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "hypothesis-fixture.h"

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

  GKeyFile *empty = g_key_file_new ();
  cr_assert_null (interp_hypothesis_new_from_key_file (empty, "test.ini", "sweep", &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_PIPELINE));
  g_clear_error (&error);
  g_key_file_free (empty);
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
