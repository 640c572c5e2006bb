/* Declared metric outputs (<interp/metric.h>): lookup, the results sink
 * refusing what a metric did not declare, and the report-fragment helper
 * of <interp/report.h>. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include <interp/interp.h>

#include "host/results-private.h"

#include "../test-tree.h"

static const InterpMetricOutput outputs[] = {
  { .name = "score", .kind = INTERP_OUTPUT_SCALAR, .description = "A score" },
  { .name = "per-layer", .kind = INTERP_OUTPUT_PER_LAYER, .description = "Per layer" },
  { .name = "hist", .kind = INTERP_OUTPUT_HISTOGRAM, .description = "Bins", .min = 0, .max = 1 },
  { .name = "top*-score", .kind = INTERP_OUTPUT_SCALAR, .description = "Top-k" },
  { .name = "top1-score", .kind = INTERP_OUTPUT_CURVE, .description = "Exact beats pattern" },
  { 0 }
};

Test (metric_outputs, find_exact_then_pattern)
{
  cr_assert_eq (interp_metric_output_find (outputs, "score"), &outputs[0]);
  cr_assert_eq (interp_metric_output_find (outputs, "top5-score"), &outputs[3]);
  cr_assert_eq (interp_metric_output_find (outputs, "top1-score"), &outputs[4]);
  cr_assert_null (interp_metric_output_find (outputs, "scor"));
  cr_assert_null (interp_metric_output_find (outputs, "top5-scores"));
  cr_assert_null (interp_metric_output_find (NULL, "score"));
}

Test (metric_outputs, declared_rows_and_arrays_pass)
{
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:test", outputs);
  interp_results_add (r, "score", NULL, 1.0);
  interp_results_add (r, "per-layer", "relu1", 2.0);
  interp_results_add (r, "top3-score", NULL, 3.0);
  double bins[2] = { 1, 2 };
  interp_results_add_array (r, "hist", "relu1", bins, 2);
  GError *error = NULL;
  cr_assert (interp_results_check (r, &error), "%s", error ? error->message : "");
  cr_assert_eq (interp_results_n_rows (r), 3);
  cr_assert_eq (interp_results_n_arrays (r), 1);
  interp_results_free (r);
}

static void
assert_refused (InterpResults *r, const char *part)
{
  GError *error = NULL;
  cr_assert_not (interp_results_check (r, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_PLUGIN_INVALID));
  cr_assert_not_null (strstr (error->message, "metric:test"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, part), "%s", error->message);
  g_error_free (error);
}

Test (metric_outputs, undeclared_name_names_component_and_name)
{
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:test", outputs);
  interp_results_add (r, "score", NULL, 1.0);
  interp_results_add (r, "mystery", "relu1", 2.0);
  interp_results_add (r, "second-mystery", NULL, 2.0);
  assert_refused (r, "'mystery', which its outputs table does not declare");
  cr_assert_eq (interp_results_n_rows (r), 1, "the undeclared row was kept");
  /* A new condition starts clean. */
  interp_results_clear (r);
  GError *error = NULL;
  cr_assert (interp_results_check (r, &error));
  interp_results_free (r);
}

Test (metric_outputs, wrong_form_is_refused)
{
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:test", outputs);
  double v[1] = { 1 };
  interp_results_add_array (r, "score", NULL, v, 1);
  assert_refused (r, "'score' as an array, but declares it scalar");
  interp_results_expect (r, "metric:test", outputs);
  interp_results_add (r, "hist", NULL, 1.0);
  assert_refused (r, "'hist' as a row, but declares it histogram");
  interp_results_free (r);
}

Test (metric_outputs, no_table_refuses_everything)
{
  InterpResults *r = interp_results_new ();
  interp_results_expect (r, "metric:test", NULL);
  interp_results_add (r, "score", NULL, 1.0);
  assert_refused (r, "declares no outputs");
  interp_results_free (r);
}

Test (metric_outputs, kind_and_direction_words_round_trip)
{
  for (int k = INTERP_OUTPUT_SCALAR; k <= INTERP_OUTPUT_VALUES; k++)
    {
      InterpOutputKind back;
      cr_assert (interp_output_kind_parse (interp_output_kind_name (k), &back));
      cr_assert_eq ((int) back, k);
    }
  for (int b = INTERP_BETTER_NEITHER; b <= INTERP_BETTER_LOWER; b++)
    {
      InterpBetter back;
      cr_assert (interp_better_parse (interp_better_name (b), &back));
      cr_assert_eq ((int) back, b);
    }
  InterpOutputKind k;
  cr_assert_not (interp_output_kind_parse ("pie", &k));
  cr_assert_str_eq (interp_output_kind_name (INTERP_OUTPUT_PER_LAYER), "per-layer");
}

/* Tables are arrays of the struct, so its size is part of the ABI: new
 * members must take the place of reserved ones. */
Test (metric_outputs, declaration_keeps_its_size)
{
  cr_assert_eq (sizeof (InterpMetricOutput), G_SIZEOF_MEMBER (InterpMetricOutput, reserved)
                + offsetof (InterpMetricOutput, reserved));
  cr_assert_eq (G_N_ELEMENTS (outputs[0].reserved), 4);
}

/* ---------------------------------------------------------------- fragments */

static char *
make_tmp (void)
{
  char *dir = g_dir_make_tmp ("interp-outputs-XXXXXX", NULL);
  cr_assert_not_null (dir);
  return dir;
}

Test (report_section, writes_title_and_html_atomically)
{
  char *dir = make_tmp ();
  InterpContext *ctx = interp_context_new (1, 1, dir);
  GError *error = NULL;
  cr_assert (interp_report_write_section (ctx, "30-deletion-curves", "Deletion <curves> & more",
                                          "<p>first</p>", &error),
             "%s", error ? error->message : "");
  cr_assert (interp_report_write_section (ctx, "30-deletion-curves", "Deletion curves",
                                          "<p>second</p>", &error));
  char *path = g_build_filename (dir, "report-sections", "30-deletion-curves.html", NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  cr_assert (g_str_has_prefix (text, "<!-- interp-title: Deletion curves -->\n"), "%s", text);
  cr_assert_not_null (strstr (text, "<p>second</p>"));
  cr_assert_null (strstr (text, "first"));
  g_free (text);
  /* Nothing else (no temp file) is left in the folder. */
  char *sections = g_build_filename (dir, "report-sections", NULL);
  GDir *d = g_dir_open (sections, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  cr_assert_eq (n, 1);
  /* The title is escaped, so it cannot end its comment. */
  cr_assert (interp_report_write_section (ctx, "t", "a --> b <i>", "", &error));
  char *tpath = g_build_filename (sections, "t.html", NULL);
  cr_assert (g_file_get_contents (tpath, &text, NULL, NULL));
  cr_assert (g_str_has_prefix (text, "<!-- interp-title: a --&gt; b &lt;i&gt; -->"), "%s", text);
  g_free (text);
  g_free (tpath);
  g_free (sections);
  g_free (path);
  interp_context_free (ctx);
  test_remove_tree (dir);
  g_free (dir);
}

Test (report_section, no_output_folder_writes_nothing)
{
  GError *error = NULL;
  cr_assert (interp_report_write_section (NULL, "x", "X", "<p></p>", &error));
  InterpContext *ctx = interp_context_new (1, 1, NULL);
  cr_assert (interp_report_write_section (ctx, "x", "X", "<p></p>", &error));
  interp_context_free (ctx);
}

Test (report_section, bad_names_are_refused)
{
  static const char *const bad[] = { "", ".hidden", "../up", "a/b", "sp ace", NULL };
  char *dir = make_tmp ();
  InterpContext *ctx = interp_context_new (1, 1, dir);
  for (guint i = 0; bad[i]; i++)
    {
      GError *error = NULL;
      cr_assert_not (interp_report_write_section (ctx, bad[i], "t", "", &error), "%s", bad[i]);
      cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT));
      cr_assert_not_null (strstr (error->message, bad[i]));
      g_error_free (error);
    }
  GError *error = NULL;
  cr_assert_not (interp_report_write_section (ctx, NULL, "t", "", &error));
  g_clear_error (&error);
  char *sections = g_build_filename (dir, "report-sections", NULL);
  cr_assert_not (g_file_test (sections, G_FILE_TEST_EXISTS));
  g_free (sections);
  interp_context_free (ctx);
  test_remove_tree (dir);
  g_free (dir);
}

Test (report_section, escape)
{
  char *e = interp_report_escape ("<a href=\"x\">Tom & 'Jerry'</a>");
  cr_assert_str_eq (e, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;");
  g_free (e);
  e = interp_report_escape (NULL);
  cr_assert_str_eq (e, "");
  g_free (e);
}
