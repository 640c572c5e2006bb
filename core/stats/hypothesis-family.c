/* A pipeline's hypotheses decided together: skipped ones, premises
 * (`requires`, checked for unknown names and cycles), and the Holm
 * adjustment over the family (the order of the steps is in hypothesis.h). */
#include "config.h"

#include "stats/hypothesis-private.h"

#include <math.h>
#include <string.h>

#include <interp/error.h>

InterpHypothesisResult *
interp_hypothesis_result_new_skipped (const InterpHypothesis *h, const char *why)
{
  InterpHypothesisResult *r = interp_hypothesis_result_new (h);
  r->perturbation_level = NAN;
  r->control_perturbation_level = NAN;
  r->verdict = r->test_verdict = INTERP_VERDICT_NOT_EVALUATED;
  r->mean_condition = r->mean_control = r->sd_condition = r->sd_control = NAN;
  r->effect = r->ci_low = r->ci_high = NAN;
  /* A test that did not run rejects nothing: p = 1 is what the family
   * adjustment counts it as. */
  r->p = r->p_against = r->p_adjusted = r->p_against_adjusted = NAN;
  r->statistic = r->df = NAN;
  r->family_size = 1;
  r->adjustment = INTERP_MULTIPLE_TESTING_NONE;
  r->message = g_strdup (why);
  return r;
}

static int
find_hypothesis (InterpHypothesis *const *hyps, guint n, const char *name)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (hyps[i]->name, name))
      return (int) i;
  return -1;
}

/* Depth-first search for a cycle through `i`; `state`: 0 unvisited, 1 on the
 * current path, 2 done.  On a cycle, `path` holds it from its start. */
static gboolean
find_cycle (InterpHypothesis *const *hyps, guint n, guint i, guint8 *state, GArray *path)
{
  state[i] = 1;
  g_array_append_val (path, i);
  for (char **r = hyps[i]->requires; r && *r; r++)
    {
      int j = find_hypothesis (hyps, n, *r);
      if (state[j] == 1)
        {
          /* Keep the cycle only: drop the path before j's first visit. */
          guint start = 0;
          while (g_array_index (path, guint, start) != (guint) j)
            start++;
          g_array_remove_range (path, 0, start);
          guint jj = (guint) j;
          g_array_append_val (path, jj);
          return TRUE;
        }
      if (state[j] == 0 && find_cycle (hyps, n, (guint) j, state, path))
        return TRUE;
    }
  g_array_set_size (path, path->len - 1);
  state[i] = 2;
  return FALSE;
}

gboolean
interp_hypotheses_check_requires (InterpHypothesis *const *hyps, guint n, GError **error)
{
  for (guint i = 0; i < n; i++)
    for (char **r = hyps[i]->requires; r && *r; r++)
      if (find_hypothesis (hyps, n, *r) < 0)
        {
          GString *names = g_string_new (NULL);
          for (guint k = 0; k < n; k++)
            g_string_append_printf (names, "%s%s", k ? ", " : "", hyps[k]->name);
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                       "%s: key 'requires': no [hypothesis:%s] in the pipeline (its hypotheses "
                       "are %s)", hyps[i]->where, *r, names->str);
          g_string_free (names, TRUE);
          return FALSE;
        }
  guint8 *state = g_new0 (guint8, n ? n : 1);
  GArray *path = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < n; i++)
    if (state[i] == 0 && find_cycle (hyps, n, i, state, path))
      {
        GString *cycle = g_string_new (NULL);
        for (guint k = 0; k < path->len; k++)
          g_string_append_printf (cycle, "%s%s", k ? " -> " : "",
                                  hyps[g_array_index (path, guint, k)]->name);
        guint first = g_array_index (path, guint, 0);
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_STATISTICS,
                     "%s: key 'requires': the premises form a cycle (%s), so none of them "
                     "could be decided first", hyps[first]->where, cycle->str);
        g_string_free (cycle, TRUE);
        ok = FALSE;
      }
  g_array_unref (path);
  g_free (state);
  return ok;
}

/* The final verdict of hypothesis i, its premises resolved first (the graph
 * is acyclic).  `done` marks resolved ones. */
static void
resolve_premises (InterpHypothesis *const *hyps, InterpHypothesisResult *const *results,
                  guint n, guint i, gboolean *done)
{
  if (done[i])
    return;
  done[i] = TRUE;
  InterpHypothesisResult *r = results[i];
  if (r->verdict == INTERP_VERDICT_NOT_EVALUATED)
    return;
  for (char **q = hyps[i]->requires; q && *q; q++)
    {
      int j = find_hypothesis (hyps, n, *q);
      resolve_premises (hyps, results, n, (guint) j, done);
      InterpVerdict v = results[j]->verdict;
      if (v == INTERP_VERDICT_SUPPORTED)
        continue;
      char *why = g_strdup_printf ("premise %s is %s, so the claim is not decided (the test "
                                   "alone: %s; %s)", *q, interp_verdict_name (v),
                                   interp_verdict_name (r->test_verdict), r->message);
      g_free (r->message);
      r->message = why;
      r->verdict = INTERP_VERDICT_UNSUPPORTED_PREMISE;
      r->failed_premise = g_strdup (*q);
      return;
    }
}

void
interp_hypotheses_decide_family (InterpHypothesis *const *hyps,
                                 InterpHypothesisResult *const *results, guint n,
                                 InterpMultipleTesting adjustment)
{
  double *p = g_new (double, n ? 2 * n : 1), *p_against = p + n;
  double *adj = g_new (double, n ? 2 * n : 1), *adj_against = adj + n;
  for (guint i = 0; i < n; i++)
    {
      p[i] = results[i]->p;
      p_against[i] = results[i]->p_against;
    }
  if (adjustment == INTERP_MULTIPLE_TESTING_HOLM)
    {
      interp_stats_holm (p, n, adj);
      interp_stats_holm (p_against, n, adj_against);
    }
  else
    {
      memcpy (adj, p, n * sizeof *p);
      memcpy (adj_against, p_against, n * sizeof *p);
    }
  for (guint i = 0; i < n; i++)
    {
      InterpHypothesisResult *r = results[i];
      r->adjustment = adjustment;
      r->family_size = n;
      if (r->verdict == INTERP_VERDICT_NOT_EVALUATED)
        continue;
      r->p_adjusted = adj[i];
      r->p_against_adjusted = adj_against[i];
      interp_hypothesis_decide (r, adjustment == INTERP_MULTIPLE_TESTING_HOLM);
      r->test_verdict = r->verdict;
    }
  gboolean *done = g_new0 (gboolean, n ? n : 1);
  for (guint i = 0; i < n; i++)
    resolve_premises (hyps, results, n, i, done);
  g_free (done);
  g_free (adj);
  g_free (p);
}
