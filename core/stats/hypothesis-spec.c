/* Parsing and validating a [hypothesis:NAME] group: the parameter table,
 * the condition/control GROUP.KEY=VALUE lists, and the InterpHypothesis
 * they become.  Choosing the trials is hypothesis-data.c's job, deciding
 * the verdict hypothesis-verdict.c's. */
#include "config.h"

#include "stats/hypothesis.h"

#include <string.h>

#include <interp/error.h>

#include "host/params-private.h"

const InterpParamSpec interp_hypothesis_params[] = {
  { "claim", INTERP_PARAM_STRING, "", "the claim in words, shown in the report", 0, 0, NULL },
  { "metric", INTERP_PARAM_STRING, NULL, "the metric compared, as named in summary.csv",
    0, 0, NULL },
  { "target", INTERP_PARAM_STRING, "",
    "the metric's target (layer, class); needed when it has several per trial", 0, 0, NULL },
  { "perturbation", INTERP_PARAM_STRING, "clean",
    "the data the metric was measured on: clean or a perturbation as the runner names it",
    0, 0, NULL },
  { "perturbation-level", INTERP_PARAM_DOUBLE, "0",
    "severity or epsilon of the perturbation; needed when it has several levels", 0, 0, NULL },
  { "control-perturbation", INTERP_PARAM_STRING, "",
    "the control's perturbation when it differs (a comparison within the same trials); "
    "empty = perturbation", 0, 0, NULL },
  { "control-perturbation-level", INTERP_PARAM_DOUBLE, "0",
    "the control's severity or epsilon when control-perturbation has several levels", 0, 0,
    NULL },
  { "aggregate", INTERP_PARAM_CHOICE, "none",
    "several values per trial (levels, perturbations a glob matched): none refuses, mean "
    "averages them per trial", 0, 0, "none|mean" },
  { "condition", INTERP_PARAM_STRING_LIST, NULL,
    "GROUP.KEY=VALUE pairs over the sweep's keys selecting the condition's trials", 0, 0, NULL },
  { "control", INTERP_PARAM_STRING_LIST, NULL,
    "GROUP.KEY=VALUE pairs over the sweep's keys selecting the control's trials, or none: "
    "the claim is about the condition's mean itself (effect > margin or < margin)", 0, 0, NULL },
  { "effect", INTERP_PARAM_CHOICE, "difference",
    "difference (condition - control) or ratio (condition / control)", 0, 0,
    "difference|ratio" },
  { "expect", INTERP_PARAM_CHOICE, NULL,
    "the claimed side: effect greater or less than the margin", 0, 0, "greater|less" },
  { "margin", INTERP_PARAM_DOUBLE, "0",
    "the smallest effect that matters (default 0 for a difference, 1 for a ratio)", 0, 0, NULL },
  { "test", INTERP_PARAM_CHOICE, "permutation", "the test deciding the claim", 0, 0,
    "permutation|welch|bootstrap" },
  { "level", INTERP_PARAM_DOUBLE, "0.05",
    "significance level of the one-sided test; the CI is the two-sided 1 - level interval",
    1e-6, 0.5, NULL },
  { "resamples", INTERP_PARAM_INT, "10000", "bootstrap resamples", 100, 10000000, NULL },
  { "permutations", INTERP_PARAM_INT, "10000",
    "Monte Carlo permutations when more than 100000 splits exist", 100, 10000000, NULL },
  { "requires", INTERP_PARAM_STRING_LIST, "",
    "hypothesis:NAME, ...: the premises (manipulation checks) this claim rests on; unless "
    "every one is SUPPORTED the verdict is UNSUPPORTED-PREMISE", 0, 0, NULL },
  { "skip", INTERP_PARAM_BOOL, "false",
    "true: do not evaluate this hypothesis (NOT EVALUATED), e.g. for a smaller exploratory "
    "sweep; also --skip-hypothesis NAME", 0, 0, NULL },
  { NULL, 0, NULL, NULL, 0, 0, NULL },
};

gboolean
interp_condition_parse_pair (const char *text, char **key, char **value)
{
  const char *eq = strchr (text, '=');
  if (eq == NULL)
    return FALSE;
  char *k = g_strstrip (g_strndup (text, (gsize) (eq - text)));
  char *v = g_strstrip (g_strdup (eq + 1));
  const char *dot = strrchr (k, '.');
  gboolean ok = *k && *v && dot && dot != k && dot[1] != '\0' && strchr (v, '=') == NULL;
  if (!ok)
    {
      g_free (k);
      g_free (v);
      return FALSE;
    }
  *key = k;
  *value = v;
  return TRUE;
}

static void
condition_clear (InterpConditionSpec *c)
{
  g_strfreev (c->keys);
  g_strfreev (c->values);
  memset (c, 0, sizeof *c);
}

static gboolean
condition_parse (const InterpParams *params, const char *key, InterpConditionSpec *c,
                 GError **error)
{
  size_t n;
  const char *const *items = interp_params_get_string_list (params, key, &n);
  c->keys = g_new0 (char *, n + 1);
  c->values = g_new0 (char *, n + 1);
  c->n = 0;
  if (n == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key '%s' is empty (expected GROUP.KEY=VALUE, e.g. "
                   "regularizer:selectivity.alpha=-1)", interp_params_where (params), key);
      return FALSE;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (!interp_condition_parse_pair (items[i], &c->keys[i], &c->values[i]))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key '%s': malformed '%s' (expected GROUP.KEY=VALUE, e.g. "
                       "regularizer:selectivity.alpha=-1)",
                       interp_params_where (params), key, items[i]);
          return FALSE;
        }
      c->n++;
    }
  return TRUE;
}

/* requires = hypothesis:NAME, ...: the NAME parts.  Whether each names a
 * hypothesis of the pipeline is interp_hypotheses_check_requires's job. */
static gboolean
requires_parse (const InterpParams *params, const char *self, char ***out, GError **error)
{
  size_t n;
  const char *const *items = interp_params_get_string_list (params, "requires", &n);
  const char *prefix = "hypothesis:";
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (size_t i = 0; i < n; i++)
    {
      const char *name = items[i] + strlen (prefix);
      if (!g_str_has_prefix (items[i], prefix) || *name == '\0')
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'requires': '%s' is not a hypothesis (expected "
                       "hypothesis:NAME, e.g. hypothesis:regularizer-lowers-selectivity)",
                       interp_params_where (params), items[i]);
          g_ptr_array_free (names, TRUE);
          return FALSE;
        }
      if (g_str_equal (name, self))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: key 'requires': a hypothesis cannot require itself",
                       interp_params_where (params));
          g_ptr_array_free (names, TRUE);
          return FALSE;
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_add (names, NULL);
  *out = (char **) g_ptr_array_free (names, FALSE);
  return TRUE;
}

void
interp_hypothesis_free (InterpHypothesis *h)
{
  if (h == NULL)
    return;
  g_free (h->name);
  g_free (h->where);
  g_free (h->claim);
  g_free (h->metric);
  g_free (h->target);
  g_free (h->perturbation);
  g_free (h->control_perturbation);
  g_strfreev (h->requires);
  condition_clear (&h->condition);
  condition_clear (&h->control);
  g_free (h);
}

InterpHypothesis *
interp_hypothesis_new_from_params (const InterpParams *params, const char *name,
                                   GError **error)
{
  InterpHypothesis *h = g_new0 (InterpHypothesis, 1);
  const char *where = interp_params_where (params);
  h->name = g_strdup (name);
  h->where = g_strdup (where);
  h->claim = g_strdup (interp_params_get_string (params, "claim"));
  h->metric = g_strdup (interp_params_get_string (params, "metric"));
  h->target = g_strdup (interp_params_get_string (params, "target"));
  h->perturbation = g_strdup (interp_params_get_string (params, "perturbation"));
  h->has_perturbation_level = interp_params_is_set (params, "perturbation-level");
  h->perturbation_level = interp_params_get_double (params, "perturbation-level");
  h->aggregate_mean = g_str_equal (interp_params_get_string (params, "aggregate"), "mean");

  const char *effect = interp_params_get_string (params, "effect");
  h->effect = g_str_equal (effect, "ratio") ? INTERP_EFFECT_RATIO : INTERP_EFFECT_DIFFERENCE;
  h->expect = g_str_equal (interp_params_get_string (params, "expect"), "less")
                ? INTERP_SIDE_LESS : INTERP_SIDE_GREATER;
  if (interp_params_is_set (params, "margin"))
    h->margin = interp_params_get_double (params, "margin");
  else
    h->margin = h->effect == INTERP_EFFECT_RATIO ? 1.0 : 0.0;
  const char *test = interp_params_get_string (params, "test");
  h->test = g_str_equal (test, "welch") ? INTERP_HYPOTHESIS_WELCH
            : g_str_equal (test, "bootstrap") ? INTERP_HYPOTHESIS_BOOTSTRAP
            : INTERP_HYPOTHESIS_PERMUTATION;
  h->level = interp_params_get_double (params, "level");
  h->resamples = (guint) interp_params_get_int (params, "resamples");
  h->permutations = (guint) interp_params_get_int (params, "permutations");
  h->skip = interp_params_get_bool (params, "skip");
  if (!requires_parse (params, name, &h->requires, error))
    goto fail;

  if (h->metric[0] == '\0')
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                   "%s: key 'metric' is empty", where);
      goto fail;
    }
  if (h->perturbation[0] == '\0')
    {
      g_free (h->perturbation);
      h->perturbation = g_strdup ("clean");
    }
  /* The control reads the same data unless it names its own; naming only
   * its own perturbation does not inherit the condition's level. */
  const char *cp = interp_params_get_string (params, "control-perturbation");
  if (*cp)
    {
      h->control_perturbation = g_strdup (cp);
      h->has_control_perturbation_level = interp_params_is_set (params,
                                                                "control-perturbation-level");
      h->control_perturbation_level = interp_params_get_double (params,
                                                                "control-perturbation-level");
    }
  else if (interp_params_is_set (params, "control-perturbation-level"))
    {
      h->control_perturbation = g_strdup (h->perturbation);
      h->has_control_perturbation_level = TRUE;
      h->control_perturbation_level = interp_params_get_double (params,
                                                                "control-perturbation-level");
    }
  else
    {
      h->control_perturbation = g_strdup (h->perturbation);
      h->has_control_perturbation_level = h->has_perturbation_level;
      h->control_perturbation_level = h->perturbation_level;
    }
  h->within_trials = g_strcmp0 (h->control_perturbation, h->perturbation) != 0
                     || h->has_control_perturbation_level != h->has_perturbation_level
                     || (h->has_perturbation_level
                         && h->control_perturbation_level != h->perturbation_level);
  if (h->effect == INTERP_EFFECT_RATIO && !(h->margin > 0))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: key 'margin': a ratio margin must be positive, got %g", where,
                   h->margin);
      goto fail;
    }
  if (!condition_parse (params, "condition", &h->condition, error))
    goto fail;
  /* control = none: a claim about the condition's own mean ("the
   * similarity stays below 0.5"), tested against the margin. */
  size_t n_control = 0;
  const char *const *control = interp_params_get_string_list (params, "control", &n_control);
  if (n_control == 1 && g_str_equal (control[0], "none"))
    {
      if (h->effect == INTERP_EFFECT_RATIO)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'effect': a hypothesis with control = none compares the "
                       "condition's mean with the margin; effect = ratio needs a control",
                       where);
          goto fail;
        }
      if (*cp || interp_params_is_set (params, "control-perturbation-level"))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE,
                       "%s: key 'control-perturbation': there is no control (control = none)",
                       where);
          goto fail;
        }
      h->effect = INTERP_EFFECT_MEAN;
      h->one_sample = TRUE;
      h->control.keys = g_new0 (char *, 1);
      h->control.values = g_new0 (char *, 1);
    }
  else if (!condition_parse (params, "control", &h->control, error))
    goto fail;
  return h;

fail:
  interp_hypothesis_free (h);
  return NULL;
}

InterpHypothesis *
interp_hypothesis_new_from_key_file (GKeyFile *keyfile, const char *file, const char *group,
                                     GError **error)
{
  const char *prefix = "hypothesis:";
  if (!g_str_has_prefix (group, prefix) || group[strlen (prefix)] == '\0')
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_PIPELINE,
                   "%s: [%s] is not a hypothesis group (expected [hypothesis:NAME])",
                   file ? file : "pipeline", group);
      return NULL;
    }
  char *where = g_strdup_printf ("%s: [%s]", file ? file : "pipeline", group);
  gsize n = 0;
  GError *local = NULL;
  char **keys = g_key_file_get_keys (keyfile, group, &n, &local);
  if (keys == NULL)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_MISSING, "%s: %s", where, local->message);
      g_error_free (local);
      g_free (where);
      return NULL;
    }
  char **values = g_new0 (char *, n + 1);
  for (gsize i = 0; i < n; i++)
    {
      values[i] = g_key_file_get_string (keyfile, group, keys[i], &local);
      if (values[i] == NULL)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_BAD_VALUE, "%s: key '%s': %s", where,
                       keys[i], local->message);
          g_error_free (local);
          g_strfreev (keys);
          g_strfreev (values);
          g_free (where);
          return NULL;
        }
    }
  InterpParams *params = interp_params_new (interp_hypothesis_params, where,
                                            (const char *const *) keys,
                                            (const char *const *) values, n, error);
  InterpHypothesis *h = NULL;
  if (params)
    h = interp_hypothesis_new_from_params (params, group + strlen (prefix), error);
  interp_params_free (params);
  g_strfreev (keys);
  g_strfreev (values);
  g_free (where);
  return h;
}
