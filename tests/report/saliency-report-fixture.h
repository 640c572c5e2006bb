/* Test fixture: the saliency stage's files added to a sweep fixture run
 * (report-fixture.h), in the format core/runner/saliency-stage.h and
 * saliency-render.h describe. */
#ifndef INTERP_TESTS_SALIENCY_REPORT_FIXTURE_H
#define INTERP_TESTS_SALIENCY_REPORT_FIXTURE_H

#include <glib.h>

G_BEGIN_DECLS

/* The methods, in pipeline order. */
#define SALIENCY_FIXTURE_N_METHODS 3
extern const char *const saliency_fixture_methods[SALIENCY_FIXTURE_N_METHODS];

/* Adds to the run (written by report_fixture_write with sweep = TRUE: 3
 * alphas x seeds 1..3) every trial's saliency rows and arrays, the runner's
 * declarations in summary.json, and the PNGs of seed 1's trials.  Values
 * are closed-form in the method index k, the step or fraction and
 * shift = 0.01 (seed - 2), so a table cell's mean and sd are known:
 *   deletion-auc  0.2 + 0.05 k + shift     insertion-auc  0.7 - 0.05 k + shift
 *   sanity-cascading-<sim> at step j: 0.9 - 0.25 (j + 1) / (k + 1) + shift
 * sanity-data-spearman-abs only in the alpha = 1 trials. */
gboolean saliency_fixture_add (const char *run_dir, GError **error);

G_END_DECLS

#endif
