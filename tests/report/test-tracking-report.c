/* The report's "Over training" section (core/report/sections-tracking.c)
 * on the fixture sweep with trials/ID/epochs.json added: one plot per
 * (metric, target), the network's value first, the counts in the text, and
 * errors naming the file for malformed epochs files. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include <interp/error.h>

#include "report/report.h"
#include "report-fixture.h"

#include "../test-tree.h"

static char *tmp, *run;

static void
setup (void)
{
  tmp = g_dir_make_tmp ("interp-tracking-report-XXXXXX", NULL);
  run = g_build_filename (tmp, "run", NULL);
  ReportFixtureOptions opts = { .sweep = TRUE };
  GError *error = NULL;
  cr_assert (report_fixture_write (run, &opts, &error), "%s", error ? error->message : "");
}

static void
teardown (void)
{
  test_remove_tree (tmp);
  g_free (tmp);
  g_free (run);
}

TestSuite (tracking_report, .init = setup, .fini = teardown, .timeout = 60);

static void
write_epochs (const char *trial, const char *text)
{
  char *path = g_build_filename (run, "trials", trial, "epochs.json", NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL), "%s", path);
  g_free (path);
}

/* Three epochs of a layer's and the network's selectivity-mean, the layer
 * first in the file: the section must still put the network first. */
static char *
epochs_text (double shift)
{
  GString *s = g_string_new ("{\"epochs\": 3, \"rows\": [");
  for (int e = 1; e <= 3; e++)
    g_string_append_printf (s, "%s{\"epoch\": %d, \"metric\": \"selectivity-mean\", "
                            "\"target\": \"relu1\", \"value\": %.3f}, "
                            "{\"epoch\": %d, \"metric\": \"selectivity-mean\", "
                            "\"target\": \"\", \"value\": %.3f}",
                            e == 1 ? "" : ", ", e, 0.1 * e + shift, e, 0.2 * e + shift);
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

static char *
generate (GError **error)
{
  if (!interp_report_write (run, error))
    return NULL;
  char *path = g_build_filename (run, "report.html", NULL);
  char *html = NULL;
  cr_assert (g_file_get_contents (path, &html, NULL, NULL));
  g_free (path);
  return html;
}

Test (tracking_report, no_epochs_files_no_section)
{
  GError *error = NULL;
  char *html = generate (&error);
  cr_assert_not_null (html, "%s", error ? error->message : "");
  cr_assert_null (strstr (html, "<section id=\"tracking\">"));
  g_free (html);
}

Test (tracking_report, one_plot_per_metric_and_target_network_first)
{
  const char *trials[] = { "trial-000", "trial-001", "trial-002" };
  for (guint i = 0; i < G_N_ELEMENTS (trials); i++)
    {
      char *text = epochs_text (0.01 * i);
      write_epochs (trials[i], text);
      g_free (text);
    }
  GError *error = NULL;
  char *html = generate (&error);
  cr_assert_not_null (html, "%s", error ? error->message : "");
  const char *sec = strstr (html, "<section id=\"tracking\">");
  cr_assert_not_null (sec, "no Over training section");
  const char *end = strstr (sec, "</section>");
  cr_assert_not_null (end);
  char *section = g_strndup (sec, end - sec);
  cr_assert (strstr (section, "(3 trials with <code>epochs.json</code>)"), "%s", section);
  const char *network = strstr (section, "tracking-selectivity-mean-network");
  const char *layer = strstr (section, "tracking-selectivity-mean-relu1");
  cr_assert (network && layer, "both plots: %s", section);
  cr_assert_lt (network, layer, "the network's value comes first");
  guint figures = 0;
  for (const char *f = strstr (section, "<figure"); f; f = strstr (f + 1, "<figure"))
    figures++;
  cr_assert_eq (figures, 2, "one plot per (metric, target): %u", figures);
  g_free (section);
  char *plot = g_build_filename (run, "plots", "tracking-selectivity-mean-network.svg", NULL);
#ifdef HAVE_CAIRO
  cr_assert (g_file_test (plot, G_FILE_TEST_EXISTS), "%s", plot);
#endif
  g_free (plot);
  g_free (html);
}

Test (tracking_report, malformed_epochs_files_name_the_file)
{
  static const struct {
    const char *text, *message;
  } cases[] = {
    { "{\"epochs\": 1}", "no \"rows\" array" },
    { "{\"epochs\": 1, \"rows\": [{\"epoch\": 1, \"value\": 0.5}]}",
      "row 0 needs epoch, metric and value" },
    { "{\"epochs\": 1, \"rows\": [", "epochs.json" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_epochs ("trial-001", cases[i].text);
      GError *error = NULL;
      char *html = generate (&error);
      cr_assert_null (html, "case %u: accepted", i);
      cr_assert (strstr (error->message, "trial-001") && strstr (error->message, "epochs.json")
                   && strstr (error->message, cases[i].message),
                 "case %u: %s", i, error->message);
      g_error_free (error);
    }
}
