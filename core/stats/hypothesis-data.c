/* Choosing the observations a hypothesis compares: the metric, perturbation,
 * target and level it names, then the trials of its condition and of its
 * control, one value per trial, with every reason to refuse the comparison
 * (no such metric, overlapping groups, pooled unlike trials, too few
 * replicates, values a ratio cannot use) reported by name.  Also how a
 * trial's swept values are matched against a condition. */
#include "config.h"

#include "stats/hypothesis-private.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "pipeline/pipeline.h"
#include "util/number.h"

/* The fewest replicates per condition a hypothesis may be tested with: with
 * two, a standard deviation has one degree of freedom and an exact
 * permutation test cannot go below p = 1/6. */
#define MIN_REPLICATES 3

/* "-1" matches "-1.0" and "1/255" matches "0.00392156862745098": swept
 * values are compared as numbers when both sides are numbers. */
static gboolean
values_match (const char *have, const char *want)
{
  if (g_str_equal (have, want))
    return TRUE;
  double a, b;
  return interp_parse_number (have, &a) && interp_parse_number (want, &b) && interp_numbers_equal (a, b);
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

static const char *
or_empty (const char *s)
{
  return s ? s : "";
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
/* What one side of the comparison reads: a perturbation (name or glob)
 * and maybe one level. */
typedef struct {
  const char *perturbation;
  gboolean has_level;
  double level;
} Side;

/* Whether an observation's perturbation is the one (or matches the glob) a
 * side names; "clean" never matches a glob. */
static gboolean
perturbation_matches (const char *want, const char *have)
{
  gboolean want_clean = interp_hypothesis_is_clean (want);
  gboolean clean = interp_hypothesis_is_clean (have);
  if (want_clean || clean)
    return want_clean && clean;
  if (strpbrk (want, "*?") != NULL)
    return g_pattern_match_simple (want, have);
  return strcmp (want, have) == 0;
}

/* The runner records a level as text with 6 significant digits (%.6g,
 * core/runner/evaluate.c): 8/255 is stored as 0.0313725, so a level named
 * in a hypothesis is rounded the same way before it is compared. */
static double
recorded_level (double level)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, "%.6g", level), NULL);
}

static GPtrArray *
select_observations (const InterpHypothesis *h, const Side *side, const InterpObservation *obs,
                     size_t n_obs, GError **error)
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
  gboolean want_clean = interp_hypothesis_is_clean (side->perturbation);
  guint kept = 0;
  for (guint i = 0; i < sel->len; i++)
    {
      const InterpObservation *o = sel->pdata[i];
      gboolean clean = interp_hypothesis_is_clean (o->perturbation);
      string_set_add (seen, clean ? "clean" : o->perturbation);
      if (perturbation_matches (side->perturbation, o->perturbation))
        sel->pdata[kept++] = (gpointer) o;
    }
  g_ptr_array_set_size (sel, kept);
  if (sel->len == 0)
    {
      char *list = join_set (seen);
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                   "%s: metric '%s' was not measured under perturbation '%s' (measured "
                   "under: %s)", h->where, h->metric, side->perturbation, list);
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

  if (side->has_level && !want_clean)
    {
      g_hash_table_remove_all (seen);
      kept = 0;
      for (guint i = 0; i < sel->len; i++)
        {
          const InterpObservation *o = sel->pdata[i];
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          string_set_add (seen, g_ascii_formatd (buf, sizeof buf, "%g", o->level));
          if (interp_numbers_equal (o->level, recorded_level (side->level)))
            sel->pdata[kept++] = (gpointer) o;
        }
      g_ptr_array_set_size (sel, kept);
      if (sel->len == 0)
        {
          char *list = join_set (seen);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: perturbation '%s' was not evaluated at level %g (levels: %s)",
                       h->where, side->perturbation, side->level, list);
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
  /* trial identity -> index + 1 into values (and a count, for the mean) */
  GHashTable *by_trial = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GArray *counts = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean ok = TRUE;
  g->values = g_array_new (FALSE, FALSE, sizeof (double));
  g->trials = g_ptr_array_new ();
  for (guint i = 0; i < sel->len && ok; i++)
    {
      const InterpObservation *o = sel->pdata[i];
      if (!interp_condition_matches (c, o->swept))
        continue;
      /* Within trials (the sides read different data) the same trial may
       * be on both sides; otherwise a trial of both would compare nothing. */
      if (!h->within_trials && !h->one_sample && interp_condition_matches (other, o->swept))
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
      guint slot = GPOINTER_TO_UINT (g_hash_table_lookup (by_trial, id));
      if (slot != 0 && h->aggregate_mean)
        {
          g_array_index (g->values, double, slot - 1) += o->value;
          g_array_index (counts, guint, slot - 1)++;
          g_free (id);
          continue;
        }
      if (slot != 0)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: metric '%s' has several values per trial of the %s (targets, "
                       "levels or perturbations differ): set 'target'%s, or 'aggregate = "
                       "mean' to average them", h->where, h->metric, which,
                       interp_hypothesis_is_clean (h->perturbation)
                       ? "" : ", 'perturbation-level'");
          g_free (id);
          ok = FALSE;
          break;
        }
      g_hash_table_insert (by_trial, id, GUINT_TO_POINTER (g->values->len + 1));
      guint one = 1;
      g_array_append_val (g->values, o->value);
      g_array_append_val (counts, one);
      g_ptr_array_add (g->trials, (gpointer) o);
    }
  g_hash_table_unref (by_trial);
  for (guint i = 0; ok && i < g->values->len; i++)
    g_array_index (g->values, double, i) /= g_array_index (counts, guint, i);
  g_array_unref (counts);
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
          if (interp_sweep_key_is_seed (key) || g_strcmp0 (va, value) == 0)
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

/* "pipeline.seed=3, regularizer:selectivity.alpha=2": the swept values of
 * one observation's trial, keys sorted, to name it in a message. */
static char *
describe_trial (const InterpObservation *o)
{
  if (o->swept == NULL)
    return g_strdup ("the trial");
  GList *keys = g_list_sort (g_hash_table_get_keys (o->swept), (GCompareFunc) strcmp);
  GString *s = g_string_new (NULL);
  for (GList *k = keys; k; k = k->next)
    g_string_append_printf (s, "%s%s=%s", s->len ? ", " : "", (const char *) k->data,
                            (const char *) g_hash_table_lookup (o->swept, k->data));
  g_list_free (keys);
  return g_string_free (s, FALSE);
}

/* A test needs finite values, and a ratio positive ones.  A non-finite
 * value is an outcome of the run (a diverged training leaves NaN), not a
 * mistake in the hypothesis: INTERP_ERROR_NON_FINITE, naming the trial. */
static gboolean
check_values (const InterpHypothesis *h, const Group *condition, const Group *control,
              GError **error)
{
  const Group *groups[2] = { condition, control };
  for (int side = 0; side < 2; side++)
    for (guint i = 0; i < groups[side]->values->len; i++)
      {
        double v = g_array_index (groups[side]->values, double, i);
        const char *which = side == 0 ? "condition" : "control";
        if (!isfinite (v))
          {
            char *trial = describe_trial (g_ptr_array_index (groups[side]->trials, i));
            /* Reported in the hypothesis's own result line: no file prefix. */
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_NON_FINITE,
                         "metric '%s' is %g in the %s's trial %s (a diverged training "
                         "leaves non-finite values)", h->metric, v, which, trial);
            g_free (trial);
            return FALSE;
          }
        if (h->effect == INTERP_EFFECT_RATIO && !(v > 0))
          {
            g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                         "%s: effect = ratio needs positive values, but metric '%s' is %g in "
                         "the %s: use effect = difference", h->where, h->metric, v, which);
            return FALSE;
          }
      }
  return TRUE;
}

gboolean
interp_hypothesis_collect_samples (const InterpHypothesis *h, const InterpObservation *obs,
                                   size_t n_obs, GArray **condition, GArray **control,
                                   GError **error)
{
  *condition = NULL;
  *control = NULL;
  const Side cond_side = { h->perturbation, h->has_perturbation_level, h->perturbation_level };
  const Side ctrl_side = { h->control_perturbation ? h->control_perturbation : h->perturbation,
                           h->control_perturbation ? h->has_control_perturbation_level
                                                   : h->has_perturbation_level,
                           h->control_perturbation ? h->control_perturbation_level
                                                   : h->perturbation_level };
  GPtrArray *sel = select_observations (h, &cond_side, obs, n_obs, error);
  if (sel == NULL)
    return FALSE;
  GPtrArray *csel = h->within_trials ? select_observations (h, &ctrl_side, obs, n_obs, error)
                                     : g_ptr_array_ref (sel);
  if (csel == NULL)
    {
      g_ptr_array_unref (sel);
      return FALSE;
    }
  Group cond = { 0 }, ctrl = { 0 };
  gboolean ok = check_condition_keys (h, "condition", &h->condition, sel, error)
                && check_condition_keys (h, "control", &h->control, csel, error)
                && collect_group (h, "condition", &h->condition, &h->control, sel, &cond, error);
  if (ok && h->one_sample)
    {
      ctrl.values = g_array_new (FALSE, FALSE, sizeof (double));
      ctrl.trials = g_ptr_array_new ();
    }
  else
    ok = ok && collect_group (h, "control", &h->control, &h->condition, csel, &ctrl, error);
  ok = ok && check_values (h, &cond, &ctrl, error);
  if (ok)
    {
      *condition = g_array_ref (cond.values);
      *control = g_array_ref (ctrl.values);
    }
  group_clear (&cond);
  group_clear (&ctrl);
  g_ptr_array_unref (sel);
  g_ptr_array_unref (csel);
  return ok;
}
