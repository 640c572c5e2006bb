/* Reporting results: the one-line summary for the terminal and the report,
 * and hypotheses.json (the document and its atomic write). */
#include "config.h"

#include "stats/hypothesis-private.h"

#include <math.h>

#include "util/fs.h"

char *
interp_hypothesis_result_summary (const InterpHypothesisResult *r)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%-12s  %s: %s", interp_verdict_name (r->verdict), r->name,
                          r->metric);
  if (r->target && *r->target)
    g_string_append_printf (s, "[%s]", r->target);
  if (!interp_hypothesis_is_clean (r->perturbation) || r->control_perturbation)
    {
      g_string_append_printf (s, " under %s", r->perturbation);
      if (!isnan (r->perturbation_level))
        g_string_append_printf (s, "=%g", r->perturbation_level);
    }
  if (r->control_perturbation)
    {
      g_string_append_printf (s, " vs %s", r->control_perturbation);
      if (!isnan (r->control_perturbation_level))
        g_string_append_printf (s, "=%g", r->control_perturbation_level);
    }
  if (r->aggregate_mean)
    g_string_append (s, " (mean per trial)");
  if (r->verdict == INTERP_VERDICT_NOT_EVALUATED)
    {
      g_string_append_printf (s, ": %s", r->message ? r->message : "skipped");
      return g_string_free (s, FALSE);
    }
  gboolean holm = r->adjustment == INTERP_MULTIPLE_TESTING_HOLM;
  g_string_append_printf (s, " %s %.3g [%d%% CI %.3g, %.3g] %s %g, p=%.2g",
                          r->effect_kind == INTERP_EFFECT_RATIO ? "ratio"
                          : r->effect_kind == INTERP_EFFECT_MEAN ? "mean" : "diff", r->effect,
                          (int) lround (100 * r->confidence), r->ci_low, r->ci_high,
                          r->expect == INTERP_SIDE_LESS ? "<" : ">", r->margin, r->p);
  if (holm)
    g_string_append_printf (s, " (holm %.2g)", r->p_adjusted);
  /* A refutation rests on the opposite test: show its p as well. */
  if (r->test_verdict == INTERP_VERDICT_REFUTED)
    {
      g_string_append_printf (s, " (against %.2g", r->p_against);
      if (holm)
        g_string_append_printf (s, ", holm %.2g", r->p_against_adjusted);
      g_string_append_c (s, ')');
    }
  if (r->effect_kind == INTERP_EFFECT_MEAN)
    g_string_append_printf (s, ", n=%u, %s", r->n_condition,
                            r->test == INTERP_HYPOTHESIS_PERMUTATION
                            ? "sign-flip" : r->test == INTERP_HYPOTHESIS_WELCH
                            ? "t" : interp_hypothesis_test_name (r->test));
  else
    g_string_append_printf (s, ", n=%u/%u, %s", r->n_condition, r->n_control,
                            interp_hypothesis_test_name (r->test));
  if (r->verdict == INTERP_VERDICT_UNSUPPORTED_PREMISE)
    g_string_append_printf (s, "; premise %s is not SUPPORTED (the test alone: %s)",
                            r->failed_premise, interp_verdict_name (r->test_verdict));
  return g_string_free (s, FALSE);
}

/* JSON has no NaN or infinity: such numbers are written as null. */
static void
add_number (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v ? v : "");
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

JsonNode *
interp_hypothesis_results_to_json (InterpHypothesisResult *const *results, guint n)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "hypotheses");
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      const InterpHypothesisResult *r = results[i];
      char *summary = interp_hypothesis_result_summary (r);
      json_builder_begin_object (b);
      add_string (b, "name", r->name);
      add_string (b, "claim", r->claim);
      add_string (b, "verdict", interp_verdict_name (r->verdict));
      add_string (b, "metric", r->metric);
      add_string (b, "target", r->target);
      add_string (b, "perturbation", r->perturbation);
      add_number (b, "perturbation_level", r->perturbation_level);
      add_string (b, "control_perturbation",
                  r->control_perturbation ? r->control_perturbation : r->perturbation);
      add_number (b, "control_perturbation_level",
                  r->control_perturbation ? r->control_perturbation_level
                                          : r->perturbation_level);
      add_string (b, "aggregate", r->aggregate_mean ? "mean" : "none");
      add_string (b, "test", interp_hypothesis_test_name (r->test));
      add_string (b, "effect", r->effect_kind == INTERP_EFFECT_RATIO ? "ratio"
                               : r->effect_kind == INTERP_EFFECT_MEAN ? "mean" : "difference");
      add_string (b, "expect", r->expect == INTERP_SIDE_LESS ? "less" : "greater");
      add_number (b, "margin", r->margin);
      add_number (b, "level", r->level);
      add_number (b, "confidence", r->confidence);
      add_int (b, "n_condition", r->n_condition);
      add_int (b, "n_control", r->n_control);
      add_number (b, "mean_condition", r->mean_condition);
      add_number (b, "mean_control", r->mean_control);
      add_number (b, "sd_condition", r->sd_condition);
      add_number (b, "sd_control", r->sd_control);
      add_number (b, "estimate", r->effect);
      add_number (b, "ci_low", r->ci_low);
      add_number (b, "ci_high", r->ci_high);
      add_number (b, "p", r->p);
      add_number (b, "p_against", r->p_against);
      add_string (b, "adjustment",
                  r->adjustment == INTERP_MULTIPLE_TESTING_HOLM ? "holm" : "none");
      add_int (b, "family_size", r->family_size);
      add_number (b, "p_adjusted", r->p_adjusted);
      add_number (b, "p_against_adjusted", r->p_against_adjusted);
      add_string (b, "test_verdict", interp_verdict_name (r->test_verdict));
      json_builder_set_member_name (b, "requires");
      json_builder_begin_array (b);
      for (char **q = r->requires; q && *q; q++)
        json_builder_add_string_value (b, *q);
      json_builder_end_array (b);
      add_number (b, "t", r->statistic);
      add_number (b, "df", r->df);
      if (r->test == INTERP_HYPOTHESIS_PERMUTATION)
        {
          json_builder_set_member_name (b, "exact");
          json_builder_add_boolean_value (b, r->exact);
        }
      add_int (b, "resamples", (gint64) r->n_resamples);
      add_string (b, "message", r->message);
      add_string (b, "summary", summary);
      json_builder_end_object (b);
      g_free (summary);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  JsonNode *root = json_builder_get_root (b);
  g_object_unref (b);
  return root;
}

gboolean
interp_hypothesis_results_write (InterpHypothesisResult *const *results, guint n,
                                 const char *path, GError **error)
{
  JsonNode *root = interp_hypothesis_results_to_json (results, n);
  gboolean ok = interp_write_json_atomic (path, root, error);
  json_node_unref (root);
  return ok;
}
