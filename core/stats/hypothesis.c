#include "config.h"

#include "stats/hypothesis.h"

#include "util/fs.h"

#include <math.h>
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
  { "condition", INTERP_PARAM_STRING_LIST, NULL,
    "GROUP.KEY=VALUE pairs over the sweep's keys selecting the condition's trials", 0, 0, NULL },
  { "control", INTERP_PARAM_STRING_LIST, NULL,
    "GROUP.KEY=VALUE pairs over the sweep's keys selecting the control's trials", 0, 0, NULL },
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
  { NULL, 0, NULL, NULL, 0, 0, NULL },
};

/* The fewest replicates per condition a hypothesis may be tested with: with
 * two, a standard deviation has one degree of freedom and an exact
 * permutation test cannot go below p = 1/6. */
#define MIN_REPLICATES 3

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
  if (h->effect == INTERP_EFFECT_RATIO && !(h->margin > 0))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_OUT_OF_RANGE,
                   "%s: key 'margin': a ratio margin must be positive, got %g", where,
                   h->margin);
      goto fail;
    }
  if (!condition_parse (params, "condition", &h->condition, error)
      || !condition_parse (params, "control", &h->control, error))
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

/* ---- selecting observations ------------------------------------------- */

/* A number as pipelines write it: decimal or a fraction a/b. */
static gboolean
parse_number (const char *text, double *out)
{
  char *t = g_strstrip (g_strdup (text));
  char *slash = strchr (t, '/');
  char *end = NULL;
  gboolean ok;
  if (slash)
    {
      *slash = '\0';
      double a = g_ascii_strtod (t, &end);
      ok = *t && end && *end == '\0';
      char *den = slash + 1;
      double b = ok ? g_ascii_strtod (den, &end) : 0;
      ok = ok && *den && end && *end == '\0' && b != 0;
      *out = ok ? a / b : 0;
    }
  else
    {
      *out = g_ascii_strtod (t, &end);
      ok = *t && end && *end == '\0';
    }
  g_free (t);
  return ok && isfinite (*out);
}

static gboolean
numbers_equal (double a, double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}

/* "-1" matches "-1.0" and "1/255" matches "0.00392156862745098": swept
 * values are compared as numbers when both sides are numbers. */
static gboolean
values_match (const char *have, const char *want)
{
  if (g_str_equal (have, want))
    return TRUE;
  double a, b;
  return parse_number (have, &a) && parse_number (want, &b) && numbers_equal (a, b);
}

gboolean
interp_condition_matches (const InterpConditionSpec *c, GHashTable *swept)
{
  for (guint i = 0; i < c->n; i++)
    {
      const char *v = swept ? g_hash_table_lookup (swept, c->keys[i]) : NULL;
      if (v == NULL || !values_match (v, c->values[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_clean (const char *perturbation)
{
  return perturbation == NULL || *perturbation == '\0' || g_str_equal (perturbation, "clean");
}

static const char *
or_empty (const char *s)
{
  return s ? s : "";
}

/* A replicate key varies between the replicates of one condition. */
static gboolean
is_replicate_key (const char *key)
{
  const char *dot = strrchr (key, '.');
  return dot && g_str_equal (dot + 1, "seed");
}

/* The distinct texts of a set, sorted and joined by ", ", for messages. */
static char *
join_set (GHashTable *set)
{
  GList *keys = g_list_sort (g_hash_table_get_keys (set), (GCompareFunc) g_strcmp0);
  GString *s = g_string_new (NULL);
  for (GList *l = keys; l; l = l->next)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", (const char *) l->data);
  g_list_free (keys);
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

static GHashTable *
string_set_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
string_set_add (GHashTable *set, const char *s)
{
  if (!g_hash_table_contains (set, s))
    g_hash_table_add (set, g_strdup (s));
}

/* A trial is identified by all of its swept values: "k1=v1\nk2=v2". */
static char *
trial_identity (GHashTable *swept)
{
  if (swept == NULL)
    return g_strdup ("");
  GList *keys = g_list_sort (g_hash_table_get_keys (swept), (GCompareFunc) g_strcmp0);
  GString *s = g_string_new (NULL);
  for (GList *l = keys; l; l = l->next)
    g_string_append_printf (s, "%s=%s\n", (const char *) l->data,
                            (const char *) g_hash_table_lookup (swept, l->data));
  g_list_free (keys);
  return g_string_free (s, FALSE);
}

typedef struct {
  GArray *values;             /* double, one per trial */
  GPtrArray *trials;          /* const InterpObservation* of each value */
} Group;

/* Filters `obs` down to the hypothesis's metric / perturbation / target /
 * level, in that order, so that the first filter that leaves nothing is the
 * one the message names. */
static GPtrArray *
select_observations (const InterpHypothesis *h, const InterpObservation *obs, size_t n_obs,
                     GError **error)
{
  GPtrArray *sel = g_ptr_array_new ();
  GHashTable *seen = string_set_new ();
  for (size_t i = 0; i < n_obs; i++)
    {
      string_set_add (seen, or_empty (obs[i].metric));
      if (g_strcmp0 (obs[i].metric, h->metric) == 0)
        g_ptr_array_add (sel, (gpointer) &obs[i]);
    }
  if (sel->len == 0)
    {
      char *list = join_set (seen);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                   "%s: metric '%s' is absent from the results (metrics measured: %s)",
                   h->where, h->metric, list);
      g_free (list);
      goto fail;
    }

  g_hash_table_remove_all (seen);
  gboolean want_clean = is_clean (h->perturbation);
  guint kept = 0;
  for (guint i = 0; i < sel->len; i++)
    {
      const InterpObservation *o = sel->pdata[i];
      gboolean clean = is_clean (o->perturbation);
      string_set_add (seen, clean ? "clean" : o->perturbation);
      if (want_clean ? clean : g_strcmp0 (o->perturbation, h->perturbation) == 0)
        sel->pdata[kept++] = (gpointer) o;
    }
  g_ptr_array_set_size (sel, kept);
  if (sel->len == 0)
    {
      char *list = join_set (seen);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                   "%s: metric '%s' was not measured under perturbation '%s' (measured "
                   "under: %s)", h->where, h->metric, h->perturbation, list);
      g_free (list);
      goto fail;
    }

  if (h->target[0] == '\0')
    {
      /* No target named: a metric that reports a whole-network value (empty
       * target) next to per-layer ones means the whole-network value. */
      gboolean has_untargeted = FALSE;
      for (guint i = 0; i < sel->len && !has_untargeted; i++)
        {
          const InterpObservation *o = sel->pdata[i];
          has_untargeted = or_empty (o->target)[0] == '\0';
        }
      kept = 0;
      for (guint i = 0; i < sel->len; i++)
        {
          const InterpObservation *o = sel->pdata[i];
          if (!has_untargeted || or_empty (o->target)[0] == '\0')
            sel->pdata[kept++] = (gpointer) o;
        }
      g_ptr_array_set_size (sel, kept);
    }
  else
    {
      g_hash_table_remove_all (seen);
      kept = 0;
      for (guint i = 0; i < sel->len; i++)
        {
          const InterpObservation *o = sel->pdata[i];
          string_set_add (seen, or_empty (o->target));
          if (g_strcmp0 (or_empty (o->target), h->target) == 0)
            sel->pdata[kept++] = (gpointer) o;
        }
      g_ptr_array_set_size (sel, kept);
      if (sel->len == 0)
        {
          char *list = join_set (seen);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: metric '%s' has no target '%s' (targets: %s)", h->where,
                       h->metric, h->target, list);
          g_free (list);
          goto fail;
        }
    }

  if (h->has_perturbation_level && !want_clean)
    {
      g_hash_table_remove_all (seen);
      kept = 0;
      for (guint i = 0; i < sel->len; i++)
        {
          const InterpObservation *o = sel->pdata[i];
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          string_set_add (seen, g_ascii_formatd (buf, sizeof buf, "%g", o->level));
          if (numbers_equal (o->level, h->perturbation_level))
            sel->pdata[kept++] = (gpointer) o;
        }
      g_ptr_array_set_size (sel, kept);
      if (sel->len == 0)
        {
          char *list = join_set (seen);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: perturbation '%s' was not evaluated at level %g (levels: %s)",
                       h->where, h->perturbation, h->perturbation_level, list);
          g_free (list);
          goto fail;
        }
    }
  g_hash_table_unref (seen);
  return sel;

fail:
  g_hash_table_unref (seen);
  g_ptr_array_unref (sel);
  return NULL;
}

/* Every key of a condition must be swept, or it cannot tell trials apart. */
static gboolean
check_condition_keys (const InterpHypothesis *h, const char *which,
                      const InterpConditionSpec *c, GPtrArray *sel, GError **error)
{
  for (guint k = 0; k < c->n; k++)
    {
      gboolean found = FALSE;
      GHashTable *swept_keys = string_set_new ();
      for (guint i = 0; i < sel->len && !found; i++)
        {
          const InterpObservation *o = sel->pdata[i];
          if (o->swept == NULL)
            continue;
          found = g_hash_table_contains (o->swept, c->keys[k]);
          GHashTableIter it;
          gpointer key;
          g_hash_table_iter_init (&it, o->swept);
          while (g_hash_table_iter_next (&it, &key, NULL))
            string_set_add (swept_keys, key);
        }
      if (!found)
        {
          char *list = join_set (swept_keys);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: key '%s': '%s' is not a swept key (swept keys: %s)", h->where,
                       which, c->keys[k], list);
          g_free (list);
        }
      g_hash_table_unref (swept_keys);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static char *
condition_text (const InterpConditionSpec *c)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < c->n; i++)
    g_string_append_printf (s, "%s%s=%s", i ? ", " : "", c->keys[i], c->values[i]);
  return g_string_free (s, FALSE);
}

/* Collects the values of the trials that match `c`, one per trial.
 * `other` is the opposite group's spec: a trial matching both is refused. */
static gboolean
collect_group (const InterpHypothesis *h, const char *which, const InterpConditionSpec *c,
               const InterpConditionSpec *other, GPtrArray *sel, Group *g, GError **error)
{
  GHashTable *by_trial = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = TRUE;
  g->values = g_array_new (FALSE, FALSE, sizeof (double));
  g->trials = g_ptr_array_new ();
  for (guint i = 0; i < sel->len && ok; i++)
    {
      const InterpObservation *o = sel->pdata[i];
      if (!interp_condition_matches (c, o->swept))
        continue;
      if (interp_condition_matches (other, o->swept))
        {
          char *text = condition_text (c);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: condition and control select the same trials (%s): they must "
                       "differ in a swept key", h->where, text);
          g_free (text);
          ok = FALSE;
          break;
        }
      char *id = trial_identity (o->swept);
      if (g_hash_table_contains (by_trial, id))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: metric '%s' has several values per trial of the %s (targets or "
                       "levels differ): set 'target'%s", h->where, h->metric, which,
                       is_clean (h->perturbation) ? "" : " or 'perturbation-level'");
          g_free (id);
          ok = FALSE;
          break;
        }
      g_hash_table_add (by_trial, id);
      g_array_append_val (g->values, o->value);
      g_ptr_array_add (g->trials, (gpointer) o);
    }
  g_hash_table_unref (by_trial);
  if (!ok)
    return FALSE;

  char *text = condition_text (c);
  if (g->values->len == 0)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                   "%s: the %s (%s) matches no trial with metric '%s'", h->where, which, text,
                   h->metric);
      ok = FALSE;
    }
  /* The replicates must differ only in seeds: pooling trials that differ in
   * another swept key would compare mixtures, not conditions. */
  for (guint i = 1; ok && i < g->trials->len; i++)
    {
      const InterpObservation *a = g->trials->pdata[0], *b = g->trials->pdata[i];
      GHashTableIter it;
      gpointer key, value;
      g_hash_table_iter_init (&it, b->swept);
      while (ok && g_hash_table_iter_next (&it, &key, &value))
        {
          const char *va = a->swept ? g_hash_table_lookup (a->swept, key) : NULL;
          if (is_replicate_key (key) || g_strcmp0 (va, value) == 0)
            continue;
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: the %s (%s) pools trials that differ in '%s' (%s and %s): pin it "
                       "in '%s'", h->where, which, text, (const char *) key, or_empty (va),
                       (const char *) value, which);
          ok = FALSE;
        }
    }
  if (ok && g->values->len < MIN_REPLICATES)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                   "%s: the %s (%s) has %u replicate%s; a hypothesis needs at least %d per "
                   "condition (sweep pipeline.seed over more seeds)", h->where, which, text,
                   g->values->len, g->values->len == 1 ? "" : "s", MIN_REPLICATES);
      ok = FALSE;
    }
  g_free (text);
  return ok;
}

static void
group_clear (Group *g)
{
  if (g->values)
    g_array_unref (g->values);
  if (g->trials)
    g_ptr_array_unref (g->trials);
}

/* ---- deciding ---------------------------------------------------------- */

static InterpSide
opposite (InterpSide s)
{
  return s == INTERP_SIDE_GREATER ? INTERP_SIDE_LESS : INTERP_SIDE_GREATER;
}

const char *
interp_verdict_name (InterpVerdict v)
{
  switch (v)
    {
    case INTERP_VERDICT_SUPPORTED: return "SUPPORTED";
    case INTERP_VERDICT_REFUTED: return "REFUTED";
    case INTERP_VERDICT_INCONCLUSIVE: return "INCONCLUSIVE";
    }
  return "?";
}

const char *
interp_hypothesis_test_name (InterpHypothesisTest t)
{
  switch (t)
    {
    case INTERP_HYPOTHESIS_PERMUTATION: return "permutation";
    case INTERP_HYPOTHESIS_WELCH: return "welch";
    case INTERP_HYPOTHESIS_BOOTSTRAP: return "bootstrap";
    }
  return "?";
}

static const char *
side_word (InterpSide s)
{
  return s == INTERP_SIDE_LESS ? "below" : "above";
}

/* Runs the test and the interval; fills effect, CI, p, p_against. */
static void
run_test (const InterpHypothesis *h, const double *x, size_t nx, const double *y, size_t ny,
          guint64 seed, InterpHypothesisResult *r)
{
  InterpSide claim = h->expect, against = opposite (h->expect);
  gboolean ratio = h->effect == INTERP_EFFECT_RATIO;
  double conf = r->confidence;
  char *stream = g_strdup_printf ("hypothesis:%s", h->name);
  InterpRng rng;
  interp_rng_derive (&rng, seed, stream);
  g_free (stream);

  r->statistic = NAN;
  r->df = NAN;
  r->effect = ratio ? r->mean_condition / r->mean_control
                    : r->mean_condition - r->mean_control;

  switch (h->test)
    {
    case INTERP_HYPOTHESIS_WELCH:
      {
        double *lx = NULL, *ly = NULL, delta0 = h->margin;
        if (ratio)
          {
            /* log (a / b) = log a - log b: a ratio claim about the
             * (geometric) means becomes a difference claim on log values. */
            lx = g_new (double, nx);
            ly = g_new (double, ny);
            for (size_t i = 0; i < nx; i++)
              lx[i] = log (x[i]);
            for (size_t i = 0; i < ny; i++)
              ly[i] = log (y[i]);
            x = lx;
            y = ly;
            delta0 = log (h->margin);
          }
        InterpWelch w;
        interp_stats_welch (x, nx, y, ny, delta0, claim, &w);
        r->p = w.p;
        r->statistic = w.t;
        r->df = w.df;
        interp_stats_welch (x, nx, y, ny, delta0, against, &w);
        r->p_against = w.p;
        interp_stats_welch_ci (x, nx, y, ny, conf, &r->ci_low, &r->ci_high);
        if (ratio)
          {
            r->effect = exp (w.diff);
            r->ci_low = exp (r->ci_low);
            r->ci_high = exp (r->ci_high);
          }
        g_free (lx);
        g_free (ly);
        break;
      }
    case INTERP_HYPOTHESIS_BOOTSTRAP:
      {
        double *draws = interp_stats_bootstrap (x, nx, y, ny, h->effect, h->resamples, &rng);
        interp_stats_percentile_ci (draws, h->resamples, conf, &r->ci_low, &r->ci_high);
        r->p = interp_stats_bootstrap_p (draws, h->resamples, h->margin, claim);
        r->p_against = interp_stats_bootstrap_p (draws, h->resamples, h->margin, against);
        r->n_resamples = h->resamples;
        g_free (draws);
        break;
      }
    case INTERP_HYPOTHESIS_PERMUTATION:
    default:
      {
        double *xs = NULL, delta0 = h->margin;
        if (ratio)
          {
            /* Scale model: under H0 "ratio == margin", x / margin and y are
             * exchangeable, and mean x / mean y > margin exactly when
             * mean (x / margin) - mean y > 0. */
            xs = g_new (double, nx);
            for (size_t i = 0; i < nx; i++)
              xs[i] = x[i] / h->margin;
            delta0 = 0;
          }
        InterpPermutation perm;
        interp_stats_permutation (xs ? xs : x, nx, y, ny, delta0, claim,
                                  INTERP_STATS_MAX_EXACT, h->permutations, &rng, &perm);
        r->p = perm.p;
        r->exact = perm.exact;
        interp_stats_permutation (xs ? xs : x, nx, y, ny, delta0, against,
                                  INTERP_STATS_MAX_EXACT, h->permutations, &rng, &perm);
        r->p_against = perm.p;
        r->n_resamples = perm.n_splits;
        g_free (xs);
        /* The interval inverts the same test, so interval and p cannot tell
         * different stories (a percentile bootstrap interval would, and is
         * too narrow at 3-5 replicates). */
        interp_stats_permutation_ci (x, nx, y, ny, h->effect, conf, INTERP_STATS_MAX_EXACT,
                                     h->permutations, &rng, &r->ci_low, &r->ci_high);
        break;
      }
    }
}

static void
decide (const InterpHypothesis *h, InterpHypothesisResult *r)
{
  gboolean greater = h->expect == INTERP_SIDE_GREATER;
  gboolean ci_claimed = greater ? r->ci_low > h->margin : r->ci_high < h->margin;
  gboolean ci_other = greater ? r->ci_high < h->margin : r->ci_low > h->margin;
  int pct = (int) lround (100 * r->confidence);
  const char *claimed_word = side_word (h->expect);
  const char *other_word = side_word (opposite (h->expect));

  if (r->p < h->level && ci_claimed)
    {
      r->verdict = INTERP_VERDICT_SUPPORTED;
      r->message = g_strdup_printf ("the effect lies %s the margin %g: p = %.3g < %g and the "
                                    "%d%% CI excludes the margin", claimed_word, h->margin,
                                    r->p, h->level, pct);
      return;
    }
  if (r->p_against < h->level && ci_other)
    {
      r->verdict = INTERP_VERDICT_REFUTED;
      r->message = g_strdup_printf ("the data contradict the claim: the effect lies %s the "
                                    "margin %g (p = %.3g < %g, %d%% CI entirely %s it)",
                                    other_word, h->margin, r->p_against, h->level, pct,
                                    other_word);
      return;
    }
  r->verdict = INTERP_VERDICT_INCONCLUSIVE;
  if (h->test == INTERP_HYPOTHESIS_PERMUTATION && r->exact)
    {
      /* With no ties the smallest exact p is one split in C(n, k); if that is
       * not below the level, no data of this size can decide. */
      double p_min = 1.0 / (double) interp_stats_n_combinations (r->n_condition + r->n_control,
                                                                  r->n_condition);
      if (p_min >= h->level)
        {
          r->message = g_strdup_printf ("with n = %u/%u the smallest attainable permutation p "
                                        "is %.3g, not below the level %g: add replicates",
                                        r->n_condition, r->n_control, p_min, h->level);
          return;
        }
    }
  if ((r->p < h->level) != ci_claimed)
    r->message = g_strdup_printf ("p = %.3g but the %d%% CI [%.3g, %.3g] %s the margin %g: "
                                  "the evidence is not decisive at this n", r->p, pct,
                                  r->ci_low, r->ci_high,
                                  ci_claimed ? "excludes" : "reaches", h->margin);
  else
    r->message = g_strdup_printf ("the %d%% CI [%.3g, %.3g] contains the margin %g: the data "
                                  "neither support nor refute the claim at this n", pct,
                                  r->ci_low, r->ci_high, h->margin);
}

InterpHypothesisResult *
interp_hypothesis_evaluate (const InterpHypothesis *h, const InterpObservation *obs,
                            size_t n_obs, guint64 seed, GError **error)
{
  g_return_val_if_fail (h != NULL, NULL);
  g_return_val_if_fail (obs != NULL || n_obs == 0, NULL);

  GPtrArray *sel = select_observations (h, obs, n_obs, error);
  if (sel == NULL)
    return NULL;
  Group cond = { 0 }, ctrl = { 0 };
  InterpHypothesisResult *r = NULL;
  if (!check_condition_keys (h, "condition", &h->condition, sel, error)
      || !check_condition_keys (h, "control", &h->control, sel, error)
      || !collect_group (h, "condition", &h->condition, &h->control, sel, &cond, error)
      || !collect_group (h, "control", &h->control, &h->condition, sel, &ctrl, error))
    goto out;

  const double *x = (const double *) cond.values->data, *y = (const double *) ctrl.values->data;
  size_t nx = cond.values->len, ny = ctrl.values->len;
  for (size_t i = 0; i < nx + ny; i++)
    {
      double v = i < nx ? x[i] : y[i - nx];
      if (!isfinite (v))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: metric '%s' has a non-finite value in the %s", h->where,
                       h->metric, i < nx ? "condition" : "control");
          goto out;
        }
      if (h->effect == INTERP_EFFECT_RATIO && !(v > 0))
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: effect = ratio needs positive values, but metric '%s' is %g in "
                       "the %s: use effect = difference", h->where, h->metric, v,
                       i < nx ? "condition" : "control");
          goto out;
        }
    }

  r = g_new0 (InterpHypothesisResult, 1);
  r->name = g_strdup (h->name);
  r->claim = g_strdup (h->claim);
  r->metric = g_strdup (h->metric);
  r->target = g_strdup (h->target);
  r->perturbation = g_strdup (h->perturbation);
  r->perturbation_level = h->has_perturbation_level && !is_clean (h->perturbation)
                            ? h->perturbation_level : NAN;
  r->test = h->test;
  r->effect_kind = h->effect;
  r->expect = h->expect;
  r->margin = h->margin;
  r->level = h->level;
  r->confidence = 1 - h->level;
  r->n_condition = (guint) nx;
  r->n_control = (guint) ny;
  r->mean_condition = interp_stats_mean (x, nx);
  r->mean_control = interp_stats_mean (y, ny);
  r->sd_condition = interp_stats_sd (x, nx);
  r->sd_control = interp_stats_sd (y, ny);
  run_test (h, x, nx, y, ny, seed, r);
  decide (h, r);

out:
  group_clear (&cond);
  group_clear (&ctrl);
  g_ptr_array_unref (sel);
  return r;
}

void
interp_hypothesis_result_free (InterpHypothesisResult *r)
{
  if (r == NULL)
    return;
  g_free (r->name);
  g_free (r->claim);
  g_free (r->metric);
  g_free (r->target);
  g_free (r->perturbation);
  g_free (r->message);
  g_free (r);
}

/* ---- reporting --------------------------------------------------------- */

char *
interp_hypothesis_result_summary (const InterpHypothesisResult *r)
{
  GString *s = g_string_new (NULL);
  g_string_append_printf (s, "%-12s  %s: %s", interp_verdict_name (r->verdict), r->name,
                          r->metric);
  if (r->target && *r->target)
    g_string_append_printf (s, "[%s]", r->target);
  if (!is_clean (r->perturbation))
    {
      g_string_append_printf (s, " under %s", r->perturbation);
      if (!isnan (r->perturbation_level))
        g_string_append_printf (s, "=%g", r->perturbation_level);
    }
  g_string_append_printf (s, " %s %.3g [%d%% CI %.3g, %.3g] %s %g, p=%.2g",
                          r->effect_kind == INTERP_EFFECT_RATIO ? "ratio" : "diff", r->effect,
                          (int) lround (100 * r->confidence), r->ci_low, r->ci_high,
                          r->expect == INTERP_SIDE_LESS ? "<" : ">", r->margin, r->p);
  /* A refutation rests on the opposite test: show its p as well. */
  if (r->verdict == INTERP_VERDICT_REFUTED)
    g_string_append_printf (s, " (against %.2g)", r->p_against);
  g_string_append_printf (s, ", n=%u/%u, %s", r->n_condition, r->n_control,
                          interp_hypothesis_test_name (r->test));
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
      add_string (b, "test", interp_hypothesis_test_name (r->test));
      add_string (b, "effect", r->effect_kind == INTERP_EFFECT_RATIO ? "ratio" : "difference");
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
