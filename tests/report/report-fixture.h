/* Test fixtures: run folders in the format the runner writes (core/run.h,
 * core/trial.h), for the report's tests and for `make check-browser`. */
#ifndef INTERP_TESTS_REPORT_FIXTURE_H
#define INTERP_TESTS_REPORT_FIXTURE_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* TRUE: 3 alphas x 3 seeds with corruptions, attacks, selectivity and
   * histograms; FALSE: one trial with clean accuracy and loss only. */
  gboolean sweep;
  gboolean hypotheses;   /* write hypotheses.json (one of each verdict) */
  gboolean fragments;    /* write plugin report sections (run and trial) */
} ReportFixtureOptions;

/* Creates `run_dir` (which must not hold a run yet) and its files. */
gboolean report_fixture_write (const char *run_dir, const ReportFixtureOptions *opts,
                               GError **error);

G_END_DECLS

#endif
