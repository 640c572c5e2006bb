/* Deciding a hypothesis: running its test and interval over the values
 * hypothesis-data.c collected, and turning p, p_against and the CI into
 * SUPPORTED, REFUTED or INCONCLUSIVE with a one-sentence reason
 * (the rules are in hypothesis.h). */
#include "config.h"

#include "stats/hypothesis-private.h"

#include <math.h>

#include <interp/error.h>

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
    case INTERP_VERDICT_UNSUPPORTED_PREMISE: return "UNSUPPORTED-PREMISE";
    case INTERP_VERDICT_NOT_EVALUATED: return "NOT EVALUATED";
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

/* control = none: the condition's mean against the margin. */
static void
run_one_sample (const InterpHypothesis *h, const double *x, size_t n, InterpRng *rng,
                InterpHypothesisResult *r)
{
  InterpSide claim = h->expect, against = opposite (h->expect);
  r->effect = r->mean_condition;
  switch (h->test)
    {
    case INTERP_HYPOTHESIS_WELCH:
      {
        InterpWelch w;
        interp_stats_t_one_sample (x, n, h->margin, claim, &w);
        r->p = w.p;
        r->statistic = w.t;
        r->df = w.df;
        interp_stats_t_one_sample (x, n, h->margin, against, &w);
        r->p_against = w.p;
        interp_stats_t_one_sample_ci (x, n, r->confidence, &r->ci_low, &r->ci_high);
        break;
      }
    case INTERP_HYPOTHESIS_BOOTSTRAP:
      {
        double *draws = interp_stats_bootstrap_mean (x, n, h->resamples, rng);
        interp_stats_percentile_ci (draws, h->resamples, r->confidence, &r->ci_low,
                                    &r->ci_high);
        r->p = interp_stats_bootstrap_p (draws, h->resamples, h->margin, claim);
        r->p_against = interp_stats_bootstrap_p (draws, h->resamples, h->margin, against);
        r->n_resamples = h->resamples;
        g_free (draws);
        break;
      }
    case INTERP_HYPOTHESIS_PERMUTATION:
    default:
      {
        InterpPermutation perm;
        interp_stats_sign_flip (x, n, h->margin, claim, INTERP_STATS_MAX_EXACT,
                                h->permutations, rng, &perm);
        r->p = perm.p;
        r->exact = perm.exact;
        interp_stats_sign_flip (x, n, h->margin, against, INTERP_STATS_MAX_EXACT,
                                h->permutations, rng, &perm);
        r->p_against = perm.p;
        r->n_resamples = perm.n_splits;
        interp_stats_sign_flip_ci (x, n, r->confidence, INTERP_STATS_MAX_EXACT,
                                   h->permutations, rng, &r->ci_low, &r->ci_high);
        break;
      }
    }
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
  if (h->one_sample)
    {
      run_one_sample (h, x, nx, &rng, r);
      return;
    }
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

void
interp_hypothesis_decide (InterpHypothesisResult *r, gboolean adjusted)
{
  double p = adjusted ? r->p_adjusted : r->p;
  double p_against = adjusted ? r->p_against_adjusted : r->p_against;
  const char *p_name = adjusted ? "Holm-adjusted p" : "p";
  gboolean one_sample = r->effect_kind == INTERP_EFFECT_MEAN;
  gboolean greater = r->expect == INTERP_SIDE_GREATER;
  gboolean ci_claimed = greater ? r->ci_low > r->margin : r->ci_high < r->margin;
  gboolean ci_other = greater ? r->ci_high < r->margin : r->ci_low > r->margin;
  int pct = (int) lround (100 * r->confidence);
  const char *claimed_word = side_word (r->expect);
  const char *other_word = side_word (opposite (r->expect));
  g_free (r->message);

  if (p < r->level && ci_claimed)
    {
      r->verdict = INTERP_VERDICT_SUPPORTED;
      r->message = g_strdup_printf ("the effect lies %s the margin %g: %s = %.3g < %g and the "
                                    "%d%% CI excludes the margin", claimed_word, r->margin,
                                    p_name, p, r->level, pct);
      return;
    }
  if (p_against < r->level && ci_other)
    {
      r->verdict = INTERP_VERDICT_REFUTED;
      r->message = g_strdup_printf ("the data contradict the claim: the effect lies %s the "
                                    "margin %g (%s = %.3g < %g, %d%% CI entirely %s it)",
                                    other_word, r->margin, p_name, p_against, r->level, pct,
                                    other_word);
      return;
    }
  r->verdict = INTERP_VERDICT_INCONCLUSIVE;
  if (r->test == INTERP_HYPOTHESIS_PERMUTATION && r->exact)
    {
      /* With no ties the smallest exact p is one split in C(n, k); if that is
       * not below the level, no data of this size can decide. */
      double p_min = one_sample
                       ? ldexp (1.0, -(int) MIN (r->n_condition, 1000u))
                       : 1.0 / (double) interp_stats_n_combinations (r->n_condition
                                                                     + r->n_control,
                                                                     r->n_condition);
      if (p_min >= r->level)
        {
          if (one_sample)
            r->message = g_strdup_printf ("with n = %u the smallest attainable sign-flip p is "
                                          "%.3g, not below the level %g: add replicates",
                                          r->n_condition, p_min, r->level);
          else
            r->message = g_strdup_printf ("with n = %u/%u the smallest attainable permutation "
                                          "p is %.3g, not below the level %g: add replicates",
                                          r->n_condition, r->n_control, p_min, r->level);
          return;
        }
    }
  if ((p < r->level) != ci_claimed)
    r->message = g_strdup_printf ("%s = %.3g but the %d%% CI [%.3g, %.3g] %s the margin %g: "
                                  "the evidence is not decisive at this n", p_name, p, pct,
                                  r->ci_low, r->ci_high,
                                  ci_claimed ? "excludes" : "reaches", r->margin);
  else
    r->message = g_strdup_printf ("the %d%% CI [%.3g, %.3g] contains the margin %g: the data "
                                  "neither support nor refute the claim at this n", pct,
                                  r->ci_low, r->ci_high, r->margin);
}

InterpHypothesisResult *
interp_hypothesis_result_new (const InterpHypothesis *h)
{
  InterpHypothesisResult *r = g_new0 (InterpHypothesisResult, 1);
  r->name = g_strdup (h->name);
  r->claim = g_strdup (h->claim);
  r->metric = g_strdup (h->metric);
  r->target = g_strdup (h->target);
  r->perturbation = g_strdup (h->perturbation);
  r->perturbation_level =
    h->has_perturbation_level && !interp_hypothesis_is_clean (h->perturbation)
    ? h->perturbation_level : NAN;
  if (h->within_trials)
    {
      r->control_perturbation = g_strdup (h->control_perturbation);
      r->control_perturbation_level =
        h->has_control_perturbation_level
        && !interp_hypothesis_is_clean (h->control_perturbation)
        ? h->control_perturbation_level : NAN;
    }
  else
    r->control_perturbation_level = NAN;
  r->aggregate_mean = h->aggregate_mean;
  r->test = h->test;
  r->effect_kind = h->effect;
  r->expect = h->expect;
  r->margin = h->margin;
  r->level = h->level;
  r->confidence = 1 - h->level;
  r->requires = g_strdupv (h->requires);
  return r;
}

InterpHypothesisResult *
interp_hypothesis_evaluate (const InterpHypothesis *h, const InterpObservation *obs,
                            size_t n_obs, guint64 seed, GError **error)
{
  g_return_val_if_fail (h != NULL, NULL);
  g_return_val_if_fail (obs != NULL || n_obs == 0, NULL);

  GArray *cond, *ctrl;
  GError *local = NULL;
  if (!interp_hypothesis_collect_samples (h, obs, n_obs, &cond, &ctrl, &local))
    {
      /* A trial's non-finite value is a result of the run: this hypothesis
       * cannot be decided, the others still can. */
      if (g_error_matches (local, INTERP_ERROR, INTERP_ERROR_NON_FINITE))
        {
          char *why = g_strdup_printf ("not evaluated: %s", local->message);
          InterpHypothesisResult *r = interp_hypothesis_result_new_skipped (h, why);
          g_free (why);
          g_error_free (local);
          return r;
        }
      g_propagate_error (error, local);
      return NULL;
    }
  const double *x = (const double *) cond->data, *y = (const double *) ctrl->data;
  size_t nx = cond->len, ny = ctrl->len;

  InterpHypothesisResult *r = interp_hypothesis_result_new (h);
  r->n_condition = (guint) nx;
  r->n_control = (guint) ny;
  r->mean_condition = interp_stats_mean (x, nx);
  r->mean_control = interp_stats_mean (y, ny);
  r->sd_condition = interp_stats_sd (x, nx);
  r->sd_control = interp_stats_sd (y, ny);
  run_test (h, x, nx, y, ny, seed, r);
  r->p_adjusted = r->p;
  r->p_against_adjusted = r->p_against;
  r->adjustment = INTERP_MULTIPLE_TESTING_NONE;
  r->family_size = 1;
  interp_hypothesis_decide (r, FALSE);
  r->test_verdict = r->verdict;
  g_array_unref (cond);
  g_array_unref (ctrl);
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
  g_free (r->control_perturbation);
  g_free (r->message);
  g_strfreev (r->requires);
  g_free (r->failed_premise);
  g_free (r);
}
