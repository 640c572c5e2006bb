/* Fixtures of the hypothesis tests (test-hypothesis*.c): observations of
 * trials swept over ALPHA_KEY and pipeline.seed, parsing a hypothesis group
 * from text, evaluating it, and the data sets several tests share. */
#ifndef TESTS_STATS_HYPOTHESIS_FIXTURE_H
#define TESTS_STATS_HYPOTHESIS_FIXTURE_H

#include <glib.h>

#include "stats/hypothesis.h"

#define ALPHA_KEY "regularizer:selectivity.alpha"

/* A set of observations with owned swept tables. */
typedef struct {
  GPtrArray *tables;
  GArray *obs;                /* InterpObservation */
} Obs;

Obs *obs_new (void);
void obs_free (Obs *o);
/* One observation of the trial (alpha, seed[, extra key = extra value]).
 * The strings are borrowed: the tests pass literals. */
void obs_add_full (Obs *o, const char *alpha, int seed, const char *extra_key,
                   const char *extra_value, const char *metric, const char *target,
                   const char *perturbation, double level, double value);
/* Clean accuracy of alpha = `alpha` for seeds 1..n. */
void obs_add_condition (Obs *o, const char *alpha, const double *values, int n);

/* Group `group` with body `body` parsed as file "test.ini". */
InterpHypothesis *parse_named (const char *group, const char *body, GError **error);
/* The same for [hypothesis:h]. */
InterpHypothesis *parse (const char *body, GError **error);
/* [hypothesis:h] with `body` (which must parse) evaluated over `o`, seed 1. */
InterpHypothesisResult *evaluate (const char *body, Obs *o, GError **error);
/* |got - want| <= rel |want| (or exactly equal, for infinities). */
void assert_close (const char *what, double got, double want, double rel);

/* Separated samples: every condition value exceeds every control value by
 * at least 0.06 (0.90 - 0.84) and at most 0.14 (0.94 - 0.80). */
extern const double sep_x[5], sep_y[5];
/* The Welch example of test-stats.c: diff 0.03, overlapping. */
extern const double wx[5], wy[4];

/* sep_x at alpha = -1 against sep_y at alpha = 0. */
Obs *separated (void);
/* wx at alpha = -1 against wy at alpha = 0. */
Obs *welch_data (void);

#define BASE "metric = accuracy\ncondition = " ALPHA_KEY "=-1\ncontrol = " ALPHA_KEY "=0\n"

#endif
