/* libinterp internals: hypotheses decided by statistics.
 *
 * A `[hypothesis:NAME]` pipeline group states a claim that compares one
 * metric between two conditions of the sweep, and how to test it:
 *
 *   [hypothesis:low-selectivity-is-free]
 *   claim = lowering selectivity costs less than 1 point of accuracy
 *   metric = accuracy
 *   condition = regularizer:selectivity.alpha=-1
 *   control = regularizer:selectivity.alpha=0
 *   effect = difference
 *   expect = greater
 *   margin = -0.01
 *   test = permutation
 *
 * Keys (interp_hypothesis_params, which also drives --describe):
 *   claim        free text shown in the report                        ("")
 *   metric       the metric's name as written in summary.csv           (required)
 *   target       the metric's target (layer, class); "" = the metric's
 *                untargeted (whole-network) value, or its only target ("")
 *   perturbation the condition the metric was evaluated under: "clean"
 *                or the perturbation name as the runner records it    ("clean")
 *                (a glob: corruption:* selects every corruption)
 *   perturbation-level  severity or epsilon; needed when the
 *                perturbation was evaluated at several levels          (unset)
 *   control-perturbation, control-perturbation-level  the same for the
 *                control, when it differs (a comparison within trials:
 *                adversarial vs corrupted); condition and control may
 *                then select the same trials              (perturbation's)
 *   aggregate    none | mean: what to do with several values per trial
 *                (levels, perturbations a glob matched): refuse, or
 *                average them per trial                               (none)
 *   condition    GROUP.KEY=VALUE[, GROUP.KEY=VALUE...]: the trials of
 *                the condition; every pair must hold                  (required)
 *   control      the same for the control trials, or `none`: a claim
 *                about the condition's own mean against the margin
 *                (effect = mean x; one-sample tests below)            (required)
 *   effect       difference (condition - control) | ratio
 *                (condition / control)                               (difference)
 *   expect       greater | less: the claimed side of the margin       (required)
 *   margin       the smallest effect that matters; the claim is
 *                effect > margin (greater) or effect < margin (less)
 *                                                  (0 for difference, 1 for ratio)
 *   test         permutation | welch | bootstrap                      (permutation)
 *   level        significance level of the one-sided test; the CI is
 *                the two-sided (1 - level) interval                  (0.05)
 *   resamples    bootstrap resamples                                  (10000)
 *   permutations Monte Carlo permutations when exact enumeration
 *                would exceed 100000 splits                          (10000)
 *   requires     hypothesis:NAME[, ...]: premises (manipulation checks);
 *                unless each is SUPPORTED this one is UNSUPPORTED-PREMISE ("")
 *   skip         true: not evaluated (NOT EVALUATED), so a smaller sweep
 *                that cannot test it still runs                      (false)
 *
 * Replicates: the trials of a condition are told apart by their swept
 * values.  Swept keys whose KEY part is "seed" (pipeline.seed, ...) are
 * replicate keys; every other swept key must take one value across the
 * trials of a condition (pin it in the condition), otherwise the groups
 * would pool unlike trials and the hypothesis is refused.
 *
 * Verdict (see docs/hypotheses.md for the reasoning):
 *   p       = one-sided p of H0 "effect on the wrong side of the margin"
 *   p_against = one-sided p of H0 "effect on the claimed side"
 *   CI      = two-sided (1 - level) interval of the effect
 *   SUPPORTED     p < level and the CI lies entirely on the claimed side
 *   REFUTED       p_against < level and the CI lies entirely on the other side
 *   INCONCLUSIVE  otherwise
 * Tests: permutation = exact/Monte Carlo permutation test and the CI that
 * inverts it (its ends may be infinite with few replicates); welch = Welch
 * t-test and the Welch CI; bootstrap = percentile bootstrap CI and the p
 * that inverts it.  Ratio claims: the
 * permutation test uses the scale model (condition / margin and control
 * exchangeable under H0), welch works on log values (the effect is then
 * the ratio of geometric means), bootstrap resamples the ratio of means;
 * all values must be positive.  One sample (control = none): permutation =
 * the sign-flip test of x - margin (exact over all 2^n sign patterns up to
 * 100000, its inverted CI; n = 5 reaches p = 1/32), welch = Student's
 * one-sample t-test and its CI, bootstrap = the percentile CI of the
 * resampled mean and the p that inverts it.
 */
#ifndef INTERP_HYPOTHESIS_H
#define INTERP_HYPOTHESIS_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include <interp/params.h>

#include "stats/stats.h"

G_BEGIN_DECLS

/* One measured value, as the runner's summary.csv holds it.  All pointers
 * are borrowed. */
typedef struct {
  GHashTable *swept;          /* "GROUP.KEY" -> value text of the trial; may be NULL
                                 (an unswept run) */
  const char *metric;
  const char *target;         /* NULL or "" = none */
  const char *perturbation;   /* NULL, "" or "clean" = clean data */
  double level;               /* severity / epsilon; ignored for clean data */
  double value;
} InterpObservation;

typedef enum {
  INTERP_HYPOTHESIS_PERMUTATION = 0,
  INTERP_HYPOTHESIS_WELCH,
  INTERP_HYPOTHESIS_BOOTSTRAP,
} InterpHypothesisTest;

/* Enums only grow at the end. */
typedef enum {
  INTERP_VERDICT_SUPPORTED = 0,
  INTERP_VERDICT_REFUTED,
  INTERP_VERDICT_INCONCLUSIVE,
  /* A hypothesis it `requires` was not SUPPORTED: its own test still ran
   * (test_verdict says what it alone would conclude), but the claim is not
   * decided, because the intervention it is about did not do what the
   * premise says (a failed manipulation check). */
  INTERP_VERDICT_UNSUPPORTED_PREMISE,
  /* Skipped (skip = true, --skip-hypothesis, --skip-hypotheses): no test ran. */
  INTERP_VERDICT_NOT_EVALUATED,
} InterpVerdict;

/* How the p-values of a pipeline's hypotheses are adjusted for testing
 * several of them ([pipeline] multiple-testing). */
typedef enum {
  INTERP_MULTIPLE_TESTING_HOLM = 0,   /* Holm (1979) step-down over the family */
  INTERP_MULTIPLE_TESTING_NONE,       /* raw p-values decide */
} InterpMultipleTesting;

/* One condition: GROUP.KEY = VALUE pairs that must all hold. */
typedef struct {
  char **keys;
  char **values;
  guint n;
} InterpConditionSpec;

/* A parsed hypothesis group. */
typedef struct {
  char *name;                 /* NAME of [hypothesis:NAME] */
  char *where;                /* "file.ini: [hypothesis:NAME]", for messages */
  char *claim;
  char *metric;
  char *target;               /* "" = the untargeted value if the metric has one,
                                 else any (which must then be unique per trial) */
  char *perturbation;         /* "clean" or a perturbation name or glob */
  gboolean has_perturbation_level;
  double perturbation_level;
  char *control_perturbation; /* the control's; the same as perturbation unless set */
  gboolean has_control_perturbation_level;
  double control_perturbation_level;
  gboolean within_trials;     /* the sides differ in perturbation or level */
  gboolean aggregate_mean;    /* aggregate = mean */
  gboolean one_sample;        /* control = none: effect = mean of the condition
                                 (INTERP_EFFECT_MEAN); control has n = 0 */
  InterpConditionSpec condition, control;
  InterpEffectKind effect;
  InterpSide expect;          /* GREATER or LESS */
  double margin;
  InterpHypothesisTest test;
  double level;
  guint resamples;
  guint permutations;
  char **requires;            /* NAMEs of the hypotheses this one's premise is
                                 (from "hypothesis:NAME" items); NULL-terminated */
  gboolean skip;              /* skip = true: NOT EVALUATED */
} InterpHypothesis;

typedef struct {
  char *name;
  char *claim;
  char *metric;
  char *target;
  char *perturbation;
  double perturbation_level;  /* NaN when the hypothesis does not set it */
  char *control_perturbation; /* NULL when the control uses the same data */
  double control_perturbation_level;  /* NaN when not set */
  gboolean aggregate_mean;
  InterpVerdict verdict;
  InterpHypothesisTest test;
  InterpEffectKind effect_kind;
  InterpSide expect;
  double margin, level, confidence;  /* confidence = 1 - level */
  guint n_condition, n_control;
  double mean_condition, mean_control;
  double sd_condition, sd_control;
  double effect;              /* difference, ratio of means, or (welch on a
                                 ratio) ratio of geometric means */
  double ci_low, ci_high;     /* may be -inf (0 for a ratio) / +inf */
  double p;                   /* H1: the claim */
  double p_against;           /* H1: the opposite of the claim */
  double statistic, df;       /* welch: t and df; else NaN */
  gboolean exact;             /* permutation: enumerated every split */
  guint64 n_resamples;        /* permutation splits / draws, bootstrap resamples */
  char *message;              /* why this verdict, one sentence */
  /* Filled by interp_hypotheses_decide_family (raw values before it): */
  InterpVerdict test_verdict; /* what the test alone concludes (= verdict
                                 unless the premise failed or it was skipped) */
  double p_adjusted;          /* p after the family's adjustment (= p for none) */
  double p_against_adjusted;
  InterpMultipleTesting adjustment;
  guint family_size;          /* hypotheses in the family (skipped ones included) */
  char **requires;            /* copied from the hypothesis; NULL-terminated */
  char *failed_premise;       /* UNSUPPORTED-PREMISE: the first required
                                 hypothesis that is not SUPPORTED; else NULL */
} InterpHypothesisResult;

/* The parameter table of a hypothesis group. */
extern const InterpParamSpec interp_hypothesis_params[];

/* Parse group `group` ("hypothesis:NAME") of `keyfile`; `file` names the
 * pipeline in messages.  Errors: UNKNOWN_KEY (suggesting the closest key),
 * BAD_VALUE (including a malformed condition), OUT_OF_RANGE, MISSING,
 * PIPELINE (not a hypothesis group). */
InterpHypothesis *interp_hypothesis_new_from_key_file (GKeyFile *keyfile, const char *file,
                                                       const char *group, GError **error);
/* The same from a validated parameter set; `name` is the NAME part. */
InterpHypothesis *interp_hypothesis_new_from_params (const InterpParams *params,
                                                     const char *name, GError **error);
void interp_hypothesis_free (InterpHypothesis *h);

/* Parse "GROUP.KEY=VALUE" into key and value (newly allocated).  FALSE on
 * a malformed pair (no '=', no '.' in the key, an empty part). */
gboolean interp_condition_parse_pair (const char *text, char **key, char **value);

/* Whether a trial's swept values ("GROUP.KEY" -> text; NULL = none) satisfy
 * every pair of `c`.  Values are compared as numbers when both parse as
 * numbers (decimal or a/b), so "-1.0" matches a trial swept with "-1". */
gboolean interp_condition_matches (const InterpConditionSpec *c, GHashTable *swept);

/* Evaluate a hypothesis over the observations of all trials.  `seed` is the
 * pipeline seed: the bootstrap and Monte Carlo streams are derived from it
 * and the hypothesis name, so a verdict is reproducible.  Errors
 * (STATISTICS, naming the hypothesis group): the metric, target or
 * perturbation is absent; the condition or control matches no trial; a
 * condition has fewer than 3 replicates; the groups overlap or pool trials
 * that differ in a non-seed key; several values per trial; a ratio over
 * non-positive values.  A non-finite value in a trial (a diverged training)
 * is not an error: the result is NOT EVALUATED, its message naming the trial,
 * and it joins the multiple-testing family as a skipped hypothesis does. */
InterpHypothesisResult *interp_hypothesis_evaluate (const InterpHypothesis *h,
                                                    const InterpObservation *obs, size_t n_obs,
                                                    guint64 seed, GError **error);
void interp_hypothesis_result_free (InterpHypothesisResult *r);

/* The result of a skipped hypothesis: NOT EVALUATED, no statistics (NaN). */
InterpHypothesisResult *interp_hypothesis_result_new_skipped (const InterpHypothesis *h,
                                                              const char *why);

/* Checks the `requires` lists of a pipeline's hypotheses: every name is one
 * of them, none requires itself, and there is no cycle (the error names
 * the cycle, e.g. "a -> b -> a").  STATISTICS errors naming the group. */
gboolean interp_hypotheses_check_requires (InterpHypothesis *const *hyps, guint n,
                                           GError **error);

/* Decides a pipeline's hypotheses together: results[i] is hyps[i]'s (a
 * tested or a skipped one).  In this order:
 *  1. the family is every hypothesis of the pipeline (skipped ones count,
 *     with p = 1: skipping one never makes another's verdict more
 *     favourable); with HOLM, p and p_against are each adjusted over it
 *     (Holm 1979: the k-th smallest of m p-values times m - k + 1, made
 *     monotone, capped at 1);
 *  2. every tested verdict is decided again from the adjusted values
 *     (test_verdict);
 *  3. premises: a hypothesis whose `requires` names one whose final verdict
 *     is not SUPPORTED becomes UNSUPPORTED-PREMISE, with the reason; chains
 *     are followed (requires must have passed interp_hypotheses_check_requires). */
void interp_hypotheses_decide_family (InterpHypothesis *const *hyps,
                                      InterpHypothesisResult *const *results, guint n,
                                      InterpMultipleTesting adjustment);

const char *interp_verdict_name (InterpVerdict v);          /* "SUPPORTED", ... */
const char *interp_hypothesis_test_name (InterpHypothesisTest t);  /* "permutation", ... */

/* One line for the terminal and the report, e.g.
 * "SUPPORTED     low-selectivity-is-free: accuracy diff -0.004 [95% CI -0.0065,
 *  -0.0015] > -0.01, p=0.004 (holm 0.012), n=5/5, permutation" (on one line);
 * an UNSUPPORTED-PREMISE line ends with "; premise: NAME was REFUTED".
 * Newly allocated. */
char *interp_hypothesis_result_summary (const InterpHypothesisResult *r);

/* All results as the JSON document of hypotheses.json:
 * {"hypotheses": [{"name", "claim", "verdict", "effect": "difference",
 * "estimate": -0.004, "ci_low", "ci_high", "p", ...}, ...]} (every member
 * in docs/hypotheses.md; non-finite numbers are null). */
JsonNode *interp_hypothesis_results_to_json (InterpHypothesisResult *const *results, guint n);
/* Write that document to `path` atomically (temp file + rename). */
gboolean interp_hypothesis_results_write (InterpHypothesisResult *const *results, guint n,
                                          const char *path, GError **error);

G_END_DECLS

#endif
