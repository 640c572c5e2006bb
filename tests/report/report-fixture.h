/* Test fixtures: run folders in the format the runner writes (include/interp/runner.h,
 * core/runner/trial.h), for the report's tests and for `make check-browser`. */
#ifndef INTERP_TESTS_REPORT_FIXTURE_H
#define INTERP_TESTS_REPORT_FIXTURE_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* TRUE: 3 alphas x 3 seeds with corruptions, attacks, per-layer
   * selectivity, histograms and a curve; FALSE: one trial with clean
   * accuracy and loss only.  summary.json declares every output. */
  gboolean sweep;
  gboolean hypotheses;   /* write hypotheses.json (one of each verdict) */
  gboolean fragments;    /* write plugin report sections (run and trial) */
  /* The name of the per-layer metric (NULL: "selectivity-mean"): the report
   * must draw it from its declaration whatever it is called. */
  const char *layer_metric;
  /* TRUE: summary.json without "outputs", as runs before declarations. */
  gboolean legacy;
} ReportFixtureOptions;

/* Creates `run_dir` (which must not hold a run yet) and its files. */
gboolean report_fixture_write (const char *run_dir, const ReportFixtureOptions *opts,
                               GError **error);

G_END_DECLS

#endif
