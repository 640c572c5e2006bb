/* Fixtures of the hypothesis tests: see hypothesis-fixture.h. */
#include <criterion/criterion.h>

#include <math.h>

#include "hypothesis-fixture.h"

Obs *
obs_new (void)
{
  Obs *o = g_new0 (Obs, 1);
  o->tables = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  o->obs = g_array_new (FALSE, TRUE, sizeof (InterpObservation));
  return o;
}

void
obs_free (Obs *o)
{
  g_ptr_array_unref (o->tables);
  g_array_unref (o->obs);
  g_free (o);
}

/* One observation of the trial (alpha, seed[, extra key = extra value]). */
void
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
void
obs_add_condition (Obs *o, const char *alpha, const double *values, int n)
{
  for (int i = 0; i < n; i++)
    obs_add_full (o, alpha, i + 1, NULL, NULL, "accuracy", NULL, NULL, 0, values[i]);
}

InterpHypothesis *
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

InterpHypothesis *
parse (const char *body, GError **error)
{
  return parse_named ("hypothesis:h", body, error);
}

InterpHypothesisResult *
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

void
assert_close (const char *what, double got, double want, double rel)
{
  cr_assert (fabs (got - want) <= rel * fabs (want) || got == want, "%s = %.17g, want %.17g",
             what, got, want);
}

const double sep_x[5] = { 0.90, 0.91, 0.92, 0.93, 0.94 };
const double sep_y[5] = { 0.80, 0.81, 0.82, 0.83, 0.84 };
const double wx[5] = { 0.91, 0.93, 0.90, 0.94, 0.92 };
const double wy[4] = { 0.88, 0.91, 0.87, 0.90 };

Obs *
separated (void)
{
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", sep_x, 5);
  obs_add_condition (o, "0", sep_y, 5);
  return o;
}

Obs *
welch_data (void)
{
  Obs *o = obs_new ();
  obs_add_condition (o, "-1", wx, 5);
  obs_add_condition (o, "0", wy, 4);
  return o;
}
