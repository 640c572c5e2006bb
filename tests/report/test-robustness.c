/* The report's corruption summary (mean corruption accuracy, CE, mCE against
 * a named baseline) on hand-written run folders, and the grids of example
 * images on the fixture run. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "report/report.h"
#include "report-fixture.h"

#include "../test-tree.h"

static char *tmp;

static void
setup (void)
{
  tmp = g_dir_make_tmp ("interp-robustness-XXXXXX", NULL);
  cr_assert_not_null (tmp);
}

static void
teardown (void)
{
  test_remove_tree (tmp);
  g_free (tmp);
}

TestSuite (robustness, .init = setup, .fini = teardown);

/* Accuracy of each (width, seed) trial: clean, then the corruptions' levels
 * 1 and 2.  "flip" is perfect for the baseline (width=1), so its CE is
 * undefined.  Hand-computed below. */
typedef struct {
  const char *width;
  int seed;
  double clean, noise[2], blur[2], flip[2];
} TrialValues;

static const TrialValues trials[] = {
  { "1", 1, 0.9, { 0.8, 0.5 }, { 0.9, 0.6 }, { 1.0, 1.0 } },
  { "1", 2, 0.8, { 0.6, 0.5 }, { 0.7, 0.6 }, { 1.0, 1.0 } },
  { "2", 1, 0.95, { 0.9, 0.7 }, { 0.9, 0.8 }, { 1.0, 0.9 } },
  { "2", 2, 0.95, { 0.8, 0.7 }, { 0.9, 0.8 }, { 1.0, 0.9 } },
};

static void
add_row (GString *s, const char *trial, const TrialValues *t, const char *pert, const char *level,
         double v)
{
  g_string_append_printf (s, "%s[\"%s\",%d,\"accuracy\",\"\",\"%s\",\"%s\",%.17g,\"%s\",\"%d\"]",
                          s->str[s->len - 1] == '[' ? "" : ",", trial, t->seed, pert, level, v,
                          t->width, t->seed);
}

/* Writes RUN/manifest.json and RUN/summary.json; `with_flip` adds the
 * corruption the baseline is perfect under. */
static char *
write_run (const char *name, const char *baseline, gboolean with_flip)
{
  char *run = g_build_filename (tmp, name, NULL);
  cr_assert_eq (g_mkdir_with_parents (run, 0755), 0);
  GString *m = g_string_new (NULL);
  g_string_append_printf (m, "{\"pipeline_file\": \"robust.ini\", \"pipeline\": {\"pipeline\": "
                          "{\"mce-baseline\": \"%s\"}}, \"swept_keys\": [\"model.width\", "
                          "\"pipeline.seed\"], \"trials\": [", baseline);
  for (guint i = 0; i < G_N_ELEMENTS (trials); i++)
    g_string_append_printf (m, "%s{\"id\": \"trial-%03u\", \"seed\": %d, \"swept\": "
                            "{\"model.width\": \"%s\", \"pipeline.seed\": \"%d\"}}",
                            i ? ", " : "", i, trials[i].seed, trials[i].width, trials[i].seed);
  g_string_append (m, "]}\n");
  char *path = g_build_filename (run, "manifest.json", NULL);
  cr_assert (g_file_set_contents (path, m->str, -1, NULL));
  g_free (path);
  g_string_free (m, TRUE);

  GString *s = g_string_new ("{\"columns\": [\"trial\", \"seed\", \"metric\", \"target\", "
                             "\"perturbation\", \"level\", \"value\", \"model.width\", "
                             "\"pipeline.seed\"], \"outputs\": [{\"component\": "
                             "\"metric:accuracy\", \"name\": \"accuracy\", \"kind\": \"scalar\", "
                             "\"description\": \"Top-1 accuracy\", \"unit\": \"fraction\", "
                             "\"min\": 0, \"max\": 1, \"higher_is_better\": \"higher\"}], "
                             "\"rows\": [");
  for (guint i = 0; i < G_N_ELEMENTS (trials); i++)
    {
      char id[16];
      g_snprintf (id, sizeof id, "trial-%03u", i);
      const TrialValues *t = &trials[i];
      add_row (s, id, t, "clean", "", t->clean);
      for (int l = 0; l < 2; l++)
        {
          const char *level = l ? "2" : "1";
          add_row (s, id, t, "corruption:noise", level, t->noise[l]);
          add_row (s, id, t, "corruption:blur", level, t->blur[l]);
          if (with_flip)
            add_row (s, id, t, "corruption:flip", level, t->flip[l]);
        }
    }
  g_string_append (s, "]}\n");
  path = g_build_filename (run, "summary.json", NULL);
  cr_assert (g_file_set_contents (path, s->str, -1, NULL));
  g_free (path);
  g_string_free (s, TRUE);
  return run;
}

static JsonParser *
read_robustness (const char *run)
{
  char *path = g_build_filename (run, "corruption-robustness.json", NULL);
  JsonParser *p = json_parser_new ();
  GError *error = NULL;
  cr_assert (json_parser_load_from_file (p, path, &error), "%s", error ? error->message : "");
  g_free (path);
  return p;
}

/* The entry of `condition` for the only metric, accuracy. */
static JsonObject *
condition_entry (JsonParser *p, const char *condition)
{
  JsonObject *root = json_node_get_object (json_parser_get_root (p));
  JsonArray *metrics = json_object_get_array_member (root, "metrics");
  cr_assert_eq (json_array_get_length (metrics), 1);
  JsonObject *m = json_array_get_object_element (metrics, 0);
  cr_assert_str_eq (json_object_get_string_member (m, "metric"), "accuracy");
  JsonArray *cs = json_object_get_array_member (m, "conditions");
  for (guint i = 0; i < json_array_get_length (cs); i++)
    {
      JsonObject *c = json_array_get_object_element (cs, i);
      if (strcmp (json_object_get_string_member (c, "condition"), condition) == 0)
        return c;
    }
  cr_assert_fail ("no condition %s", condition);
  return NULL;
}

static char *
read_html (const char *run)
{
  char *path = g_build_filename (run, "report.html", NULL);
  char *html = NULL;
  cr_assert (g_file_get_contents (path, &html, NULL, NULL));
  g_free (path);
  return html;
}

/* Values pass through %.17g text and a handful of additions and one
 * division: exact to a few ulp, far below 1e-12. */
#define TOL 1e-12

Test (robustness, mce_and_mean_corruption_accuracy_by_hand)
{
  char *run = write_run ("by-hand", "width=1", FALSE);
  GError *error = NULL;
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  JsonParser *p = read_robustness (run);
  JsonObject *root = json_node_get_object (json_parser_get_root (p));
  cr_assert_str_eq (json_object_get_string_member (root, "baseline"), "width=1");
  /* Cell means over the two seeds.  width=1: clean .85, noise .7 .5,
   * blur .8 .6; width=2: clean .95, noise .85 .7, blur .9 .8. */
  JsonObject *w1 = condition_entry (p, "width=1"), *w2 = condition_entry (p, "width=2");
  cr_assert_float_eq (json_object_get_double_member (w1, "clean"), 0.85, TOL);
  cr_assert_float_eq (json_object_get_double_member (w2, "clean"), 0.95, TOL);
  /* Mean over the 4 cells: (.7 + .5 + .8 + .6) / 4 and (.85 + .7 + .9 + .8) / 4. */
  cr_assert_float_eq (json_object_get_double_member (w1, "mean_corrupted"), 0.65, TOL);
  cr_assert_float_eq (json_object_get_double_member (w2, "mean_corrupted"), 0.8125, TOL);
  cr_assert_eq (json_object_get_int_member (w2, "cells"), 4);
  /* Errors summed over severities: baseline noise .3 + .5 = .8, blur .2 + .4
   * = .6; width=2 noise .15 + .3 = .45, blur .1 + .2 = .3.  CE = .45/.8 =
   * .5625 and .3/.6 = .5; mCE = (.5625 + .5) / 2 = .53125.  The baseline's
   * own are 1. */
  JsonObject *ce2 = json_object_get_object_member (w2, "ce");
  cr_assert_float_eq (json_object_get_double_member (ce2, "corruption:noise"), 0.5625, TOL);
  cr_assert_float_eq (json_object_get_double_member (ce2, "corruption:blur"), 0.5, TOL);
  cr_assert_float_eq (json_object_get_double_member (w2, "mce"), 0.53125, TOL);
  cr_assert_float_eq (json_object_get_double_member (w1, "mce"), 1.0, TOL);
  cr_assert (json_object_get_null_member (w2, "mce_note"));
  /* Relative: clean errors .15 (baseline) and .05.  Baseline noise (.3 - .15)
   * + (.5 - .15) = .5, blur .05 + .25 = .3; width=2 noise .1 + .25 = .35,
   * blur .05 + .15 = .2: (.35/.5 + .2/.3) / 2 = (.7 + 2/3) / 2. */
  cr_assert_float_eq (json_object_get_double_member (w2, "relative_mce"),
                      (0.7 + 2.0 / 3.0) / 2.0, TOL);
  cr_assert_float_eq (json_object_get_double_member (w1, "relative_mce"), 1.0, TOL);

  char *html = read_html (run);
  cr_assert_not_null (strstr (html, "<section id=\"corruption-summary\">"));
  cr_assert_not_null (strstr (html, "<td class=\"num\">53.1%</td>"), "mCE of width=2 in %%");
  cr_assert_not_null (strstr (html, "<td class=\"num\">0.8125</td>"));
  cr_assert_not_null (strstr (html, "<tr class=\"baseline\"><th>width=1"));
  /* The CE table: a row per corruption, a column per condition (width=1
   * the baseline, then width=2). */
  cr_assert_not_null (strstr (html, "<th>CE of corruption</th><th>width=1</th><th>width=2</th>"),
                      "CE table header");
  cr_assert_not_null (strstr (html, "<tr><th>noise</th><td class=\"num\">100.0%</td>"
                                    "<td class=\"num\">56.2%</td></tr>"),
                      "CE row of noise");
  g_free (html);
  g_object_unref (p);
  g_free (run);
}

Test (robustness, zero_baseline_error_makes_ce_undefined)
{
  char *run = write_run ("flip", "width=1", TRUE);
  GError *error = NULL;
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  JsonParser *p = read_robustness (run);
  JsonObject *w2 = condition_entry (p, "width=2");
  JsonObject *ce2 = json_object_get_object_member (w2, "ce");
  /* The other CEs stay defined; the one with no baseline error is null,
   * and so is the mean over corruptions, with a reason. */
  cr_assert_float_eq (json_object_get_double_member (ce2, "corruption:noise"), 0.5625, TOL);
  cr_assert (json_object_get_null_member (ce2, "corruption:flip"));
  cr_assert (json_object_get_null_member (w2, "mce"));
  cr_assert_str_eq (json_object_get_string_member (w2, "mce_note"),
                    "a corruption error (CE) is undefined");
  cr_assert (json_object_get_null_member (w2, "relative_mce"));
  /* Mean accuracy is still defined: (.85 + .7 + .9 + .8 + 1 + .9) / 6. */
  cr_assert_float_eq (json_object_get_double_member (w2, "mean_corrupted"), 5.15 / 6.0, TOL);
  char *html = read_html (run);
  cr_assert_not_null (strstr (html, "CE flip undefined for width=2: the baseline makes no "
                              "errors under this corruption."), "the reason is written out");
  cr_assert_not_null (strstr (html, ">undefined</td>"));
  char *section = g_strndup (strstr (html, "<section id=\"corruption-summary\">"),
                             (gsize) (strstr (strstr (html, "<section id=\"corruption-summary\">"),
                                              "</section>")
                                      - strstr (html, "<section id=\"corruption-summary\">")));
  cr_assert_null (strstr (section, "nan"), "no NaN reaches the table");
  cr_assert_null (strstr (section, "NaN"));
  cr_assert_null (strstr (section, "inf"));
  g_free (section);
  g_free (html);
  g_object_unref (p);
  g_free (run);
}

Test (robustness, no_baseline_no_mce)
{
  char *run = write_run ("none", "", FALSE);
  GError *error = NULL;
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  JsonParser *p = read_robustness (run);
  JsonObject *root = json_node_get_object (json_parser_get_root (p));
  cr_assert (json_object_get_null_member (root, "baseline"));
  JsonObject *w2 = condition_entry (p, "width=2");
  cr_assert (json_object_get_null_member (w2, "mce"));
  cr_assert_str_eq (json_object_get_string_member (w2, "mce_note"), "no baseline");
  cr_assert_float_eq (json_object_get_double_member (w2, "mean_corrupted"), 0.8125, TOL);
  char *html = read_html (run);
  cr_assert_not_null (strstr (html, "mCE not shown: it needs a baseline condition"));
  cr_assert_not_null (strstr (html, ">not shown</td>"));
  g_free (html);
  g_object_unref (p);
  g_free (run);
}

Test (robustness, unknown_baseline_is_an_error_with_a_suggestion)
{
  char *run = write_run ("unknown", "widht=2", FALSE);
  GError *error = NULL;
  cr_assert_not (interp_report_write (run, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE);
  cr_assert_not_null (strstr (error->message, "robust.ini: [pipeline] mce-baseline: no "
                              "condition 'widht=2'"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "did you mean 'width=2'?"), "%s", error->message);
  cr_assert_not_null (strstr (error->message, "'width=1', 'width=2'"), "%s", error->message);
  g_clear_error (&error);
  /* The check the runner makes on the manifest before anything runs gives
   * the same error. */
  char *manifest = g_build_filename (run, "manifest.json", NULL);
  JsonParser *parser = json_parser_new ();
  cr_assert (json_parser_load_from_file (parser, manifest, NULL));
  cr_assert_not (interp_report_check_options (json_node_get_object (
                                                json_parser_get_root (parser)), &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE);
  cr_assert_not_null (strstr (error->message, "did you mean 'width=2'?"), "%s", error->message);
  g_clear_error (&error);
  g_object_unref (parser);
  g_free (manifest);
  char *html = g_build_filename (run, "report.html", NULL);
  cr_assert_not (g_file_test (html, G_FILE_TEST_EXISTS), "no report from a bad option");
  g_free (html);
  g_free (run);
}

/* The fixture's first trial of each condition has 2 examples (runner/examples.h):
 * every image of the grids is a data: URI whose data-file names a file of
 * the run folder with the same bytes. */
Test (robustness, example_grids_reference_files_that_exist)
{
  char *run = g_build_filename (tmp, "fixture", NULL);
  ReportFixtureOptions opts = { .sweep = TRUE };
  GError *error = NULL;
  cr_assert (report_fixture_write (run, &opts, &error), "%s", error ? error->message : "");
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  char *html = read_html (run);
  const char *section = strstr (html, "<section id=\"corruption-examples\">");
  cr_assert_not_null (section);
  const char *end = strstr (section, "</section>");
  guint n = 0;
  static const char key[] = "<img src=\"data:image/png;base64,";
  for (const char *p = strstr (section, key); p && p < end; p = strstr (p + 1, key))
    {
      const char *b64 = p + strlen (key);
      const char *q = strchr (b64, '"');
      char *enc = g_strndup (b64, (gsize) (q - b64));
      const char *df = strstr (q, "data-file=\"");
      cr_assert (df && df < strchr (q, '>'), "image %u has no data-file", n);
      df += strlen ("data-file=\"");
      char *rel = g_strndup (df, (gsize) (strchr (df, '"') - df));
      cr_assert (g_str_has_prefix (rel, "trials/trial-"), "%s", rel);
      cr_assert_null (strstr (rel, ".."));
      char *path = g_build_filename (run, rel, NULL);
      char *bytes = NULL;
      gsize len = 0, dlen = 0;
      cr_assert (g_file_get_contents (path, &bytes, &len, NULL), "%s is missing", rel);
      guchar *dec = g_base64_decode (enc, &dlen);
      cr_assert (dlen == len && memcmp (dec, bytes, len) == 0, "%s differs from the page", rel);
      g_free (dec);
      g_free (bytes);
      g_free (path);
      g_free (rel);
      g_free (enc);
      n++;
    }
  /* 3 conditions x 2 corruptions x 2 examples x (clean + 5 severities). */
  cr_assert_eq (n, 3 * 2 * 2 * 6, "%u images", n);
  cr_assert_not_null (strstr (section, "<th>severity 5</th>"));
  g_free (html);
  g_free (run);
}
