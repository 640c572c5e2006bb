/* The report's attack sections (core/report/sections-attacks.c) on the
 * fixture run: the minimal-epsilon curve's values by hand, its table, the
 * adversarial example grid with its scales, and the per-layer view under
 * perturbations. */
#include "config.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "report/report-private.h"
#include "report-fixture.h"

#include "../test-tree.h"

Test (attacks_report, accuracy_from_minimal_epsilons_by_hand)
{
  /* Image 0 is wrong clean (0), image 2 robust (NaN). */
  const double v[4] = { 0.0, 0.1, NAN, 0.3 };
  cr_assert_float_eq (report_minimal_accuracy (v, 4, 0.0), 0.75, 0.0);
  cr_assert_float_eq (report_minimal_accuracy (v, 4, 0.05), 0.75, 0.0);
  /* Fooled at exactly 0.1: no longer right at 0.1. */
  cr_assert_float_eq (report_minimal_accuracy (v, 4, 0.1), 0.5, 0.0);
  cr_assert_float_eq (report_minimal_accuracy (v, 4, 0.3), 0.25, 0.0);
  cr_assert_float_eq (report_minimal_accuracy (v, 4, 1e9), 0.25, 0.0, "robust stays right");
  cr_assert (isnan (report_minimal_accuracy (v, 0, 0.0)));
}

Test (attacks_report, sections_on_the_fixture_run)
{
  char *tmp = g_dir_make_tmp ("interp-attacks-report-XXXXXX", NULL);
  char *run = g_build_filename (tmp, "run", NULL);
  ReportFixtureOptions opts = { .sweep = TRUE };
  GError *error = NULL;
  cr_assert (report_fixture_write (run, &opts, &error), "%s", error ? error->message : "");
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  char *path = g_build_filename (run, "report.html", NULL);
  char *html = NULL;
  cr_assert (g_file_get_contents (path, &html, NULL, NULL));

  const char *sec = strstr (html, "<section id=\"minimal-epsilon\">");
  cr_assert_not_null (sec);
  /* The runner's rows: alpha=-1's medians are 0.006 + (-0.002, 0, 0.002)
   * over seeds 1..3 (report-fixture.c): mean 0.006, sd 0.002. */
  cr_assert_not_null (strstr (sec, "<th>alpha=-1</th><td class=\"num\">0.006 \u00b1 0.002 (n=3)"
                                   "</td><td class=\"num\">0.25 \u00b1 0 (n=3)</td>"),
                      "minimal-epsilon table");
  cr_assert_not_null (strstr (html, "plots/minimal-epsilon-pgd.svg"));

  /* Examples: the fixture's checkerboard of +-eps moves every pixel but
   * those clamped at 0, so m = eps (0.0313725 as float arithmetic gives it). */
  const char *ex = strstr (html, "<section id=\"attack-examples\">");
  cr_assert_not_null (ex);
  cr_assert_not_null (strstr (ex, "data-file=\"trials/trial-000/examples/"
                                  "attack-pgd-e0.0313725-1-delta.png\""));
  cr_assert_not_null (strstr (ex, "<th>epsilon 0.00392157</th><th>epsilon 0.00784314</th>"));
  cr_assert_not_null (strstr (ex, "m = 0.0314"), "the scale of the delta image");

  const char *layers = strstr (html, "<section id=\"perturbed-layers-selectivity-mean\">");
  cr_assert_not_null (layers);
  cr_assert_not_null (strstr (layers, "plots/perturbed-layers-selectivity-mean-alpha-1.svg"));

  g_free (html);
  g_free (path);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}
