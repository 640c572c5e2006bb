/* The run report: structure of report.html for fixture runs,
 * self-containedness, escaping, and errors for malformed run files. */
#include "config.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/error.h>

#include "report/report.h"
#include "report/plot.h"
#include "report-fixture.h"

#include "../test-tree.h"

/* Without cairo the report has notes where plots would be. */
#ifdef HAVE_CAIRO
#define PLOTS(n) (n)
#define NEED_CAIRO() ((void) 0)
#else
#define PLOTS(n) 0
#define NEED_CAIRO() cr_skip_test ("interp was built without cairo")
#endif

static char *
make_tmp (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("interp-report-XXXXXX", &error);
  cr_assert_not_null (dir, "%s", error ? error->message : "");
  return dir;
}

static char *
fixture_run (const char *tmp, gboolean sweep, gboolean hypotheses, gboolean fragments)
{
  char *run = g_build_filename (tmp, "run", NULL);
  ReportFixtureOptions opts = { .sweep = sweep, .hypotheses = hypotheses, .fragments = fragments };
  GError *error = NULL;
  cr_assert (report_fixture_write (run, &opts, &error), "%s", error ? error->message : "");
  return run;
}

static char *
read_report (const char *run)
{
  char *path = g_build_filename (run, "report.html", NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s missing", path);
  g_free (path);
  return text;
}

static char *
generate (const char *run)
{
  GError *error = NULL;
  cr_assert (interp_report_write (run, &error), "%s", error ? error->message : "");
  return read_report (run);
}

static guint
count (const char *hay, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (hay, needle); p; p = strstr (p + 1, needle))
    n++;
  return n;
}

static gboolean
has_section (const char *html, const char *id)
{
  char *tag = g_strdup_printf ("<section id=\"%s\">", id);
  gboolean found = strstr (html, tag) != NULL;
  g_free (tag);
  return found;
}

/* Every src and href stays inside the page: data: URIs and #anchors only. */
static void
assert_self_contained (const char *html)
{
  static const char *const attrs[] = { "src=\"", "href=\"", "src='", "href='" };
  for (guint a = 0; a < G_N_ELEMENTS (attrs); a++)
    for (const char *p = strstr (html, attrs[a]); p; p = strstr (p + 1, attrs[a]))
      {
        const char *v = p + strlen (attrs[a]);
        cr_assert (g_str_has_prefix (v, "data:") || v[0] == '#',
                   "external reference: %.60s", p);
      }
  cr_assert_null (strstr (html, "http://"));
  cr_assert_null (strstr (html, "https://"));
  cr_assert_null (strstr (html, "url("));
  cr_assert_null (strstr (html, "<script"), "the page has no script");
  cr_assert_null (strstr (html, "<link"));
}

static void
assert_html_shape (const char *html)
{
  cr_assert (g_str_has_prefix (html, "<!DOCTYPE html>\n<html lang=\"en\">"));
  cr_assert (g_str_has_suffix (html, "</html>\n"));
  cr_assert (g_utf8_validate (html, -1, NULL));
  cr_assert_eq (count (html, "<head>"), 1);
  cr_assert_eq (count (html, "<body>"), 1);
  cr_assert_eq (count (html, "<section "), count (html, "</section>"));
  cr_assert_eq (count (html, "<table"), count (html, "</table>"));
  cr_assert_eq (count (html, "<figure"), count (html, "</figure>"));
  cr_assert_eq (count (html, "<tr"), count (html, "</tr>"));
  cr_assert_eq (count (html, "<div"), count (html, "</div>"));
  cr_assert_not_null (strstr (html, "<meta charset=\"utf-8\">"));
  cr_assert_not_null (strstr (html, "Content-Security-Policy"));
}

/* Each inline plot decodes to an SVG document with drawn paths; returns
 * how many there are. */
static guint
check_inline_plots (const char *html)
{
  static const char prefix[] = "<img src=\"data:image/svg+xml;base64,";
  guint n = 0;
  for (const char *p = strstr (html, prefix); p; p = strstr (p + 1, prefix))
    {
      const char *b = p + strlen (prefix);
      const char *e = strchr (b, '"');
      cr_assert_not_null (e);
      char *b64 = g_strndup (b, e - b);
      gsize len;
      guchar *svg = g_base64_decode (b64, &len);
      char *text = g_strndup ((const char *) svg, len);
      cr_assert_not_null (strstr (text, "<svg"), "plot %u is not SVG", n);
      cr_assert_not_null (strstr (text, "</svg>"));
      cr_assert_gt (count (text, "<path"), 10, "plot %u draws almost nothing", n);
      cr_assert_not_null (strstr (text, "width=\""));
      g_free (text);
      g_free (svg);
      g_free (b64);
      n++;
    }
  return n;
}

Test (report, sweep_with_hypotheses)
{
  char *tmp = make_tmp ();
  char *run = fixture_run (tmp, TRUE, TRUE, TRUE);
  char *html = generate (run);
  assert_html_shape (html);
  assert_self_contained (html);

  static const char *const present[] = {
    "hypotheses", "results", "corruption-summary", "corruptions", "corruption-examples",
    "attacks", "minimal-epsilon", "attack-examples", "sweep", "layers-selectivity-mean",
    "perturbed-layers-selectivity-mean",
    "layers-silent-units", "histogram-selectivity-histogram", "curve-ablation-accuracy",
    "training", "plugin-sections", "pipeline", "environment",
  };
  for (guint i = 0; i < G_N_ELEMENTS (present); i++)
    {
      cr_assert (has_section (html, present[i]), "section %s missing", present[i]);
      char *link = g_strdup_printf ("<a href=\"#%s\">", present[i]);
      cr_assert_not_null (strstr (html, link), "no navigation link to %s", present[i]);
      g_free (link);
    }

  /* Plots: 2 corruptions + 1 attack (accuracy only has perturbed rows) + 3
   * metrics vs alpha + 1 per-layer bars (silent-units, 0 everywhere, gets a
   * line of text) + 3 histograms (one per layer) + 1 curve + 2 condition
   * curves + 2 per trial x 9, + 3 corruption plots per condition (one line
   * per corruption; the one attack gets none) + 1 minimal-epsilon curve + 3
   * per-layer plots under perturbations (one per condition). */
  guint plots = check_inline_plots (html);
  cr_assert_eq (plots, PLOTS (2 + 1 + 3 + 1 + 3 + 1 + 2 + 18 + 3 + 1 + 3), "%u plots", plots);
  cr_assert_not_null (strstr (html, "silent-units = 0 in every analysed layer and trial "
                              "(metric:class-selectivity)."));
  char *plots_dir = g_build_filename (run, "plots", NULL);
  GDir *d = g_dir_open (plots_dir, 0, NULL);
  cr_assert (d || plots == 0);
  guint files = 0;
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      cr_assert (g_str_has_suffix (name, ".svg"), "%s", name);
      char *path = g_build_filename (plots_dir, name, NULL);
      char *svg = NULL;
      cr_assert (g_file_get_contents (path, &svg, NULL, NULL));
      cr_assert_not_null (strstr (svg, "<svg"));
      g_free (svg);
      g_free (path);
      files++;
    }
  if (d)
    g_dir_close (d);
  cr_assert_eq (files, plots);
  g_free (plots_dir);

  /* Hypotheses: one of each verdict, markup shown as text. */
  cr_assert_not_null (strstr (html, "<table class=\"hypotheses\">"));
  cr_assert_not_null (strstr (html, "<span class=\"verdict supported\">SUPPORTED</span>"));
  cr_assert_not_null (strstr (html, "<span class=\"verdict refuted\">REFUTED</span>"));
  cr_assert_not_null (strstr (html, "<span class=\"verdict inconclusive\">INCONCLUSIVE</span>"));
  cr_assert_not_null (strstr (html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  /* The p the verdict was decided on beside the raw one (Holm over the
   * fixture's family: 3 x 0.003 = 0.009, and max(2 x 0.004, 0.009) for the
   * second); a file without the adjustment shows a dash. */
  cr_assert_eq (count (html, "<td class=\"num\">0.009 <span class=\"muted\">holm</span></td>"),
                2);
  cr_assert_not_null (strstr (html, "<td class=\"num\">0.41</td><td class=\"num\">\u2013</td>"));
  cr_assert_not_null (strstr (html, "selectivity &amp; robustness &lt;b&gt;trade off&lt;/b&gt;"));
  cr_assert_not_null (strstr (html, "0.042 [0.021, 0.063]"));

  cr_assert_null (strstr (html, "does not say what its metrics declare"));

  /* A metric constant over the sweep is stated, not plotted. */
  cr_assert_not_null (strstr (html, "The same in every trial: silent-units = 0."));
  cr_assert_null (strstr (html, "silent-units vs"));

  /* Clean accuracy of alpha = -1: 0.925 + {-0.002, 0, 0.002} over seeds. */
  cr_assert_not_null (strstr (html, "<th>alpha=-1</th>"));
  cr_assert_not_null (strstr (html, "0.925 \u00b1 0.002 (n=3)"), "aggregated cell missing");

  /* Plugin fragments, with their image inlined. */
  cr_assert_not_null (strstr (html, "<h3>ablation curves</h3>"));
  cr_assert_not_null (strstr (html, "<p class=\"fixture-fragment\">"));
  cr_assert_not_null (strstr (html, "<img class=\"fixture-image\" src=\"data:image/png;base64,"));

  /* Pipeline and environment. */
  cr_assert_not_null (strstr (html, "<span class=\"group\">[regularizer:selectivity]</span>"));
  cr_assert_not_null (strstr (html, "<th>wall time</th><td>12 min 34 s</td>"));
  cr_assert_not_null (strstr (html, "interp-metrics.so"));

  /* Written atomically: nothing but the expected files is left behind. */
  d = g_dir_open (run, 0, NULL);
  while ((name = g_dir_read_name (d)))
    cr_assert (!strstr (name, "report.html") || strcmp (name, "report.html") == 0,
               "leftover %s", name);
  g_dir_close (d);

  g_free (html);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (report, single_trial_without_sweep)
{
  char *tmp = make_tmp ();
  char *run = fixture_run (tmp, FALSE, FALSE, FALSE);
  char *html = generate (run);
  assert_html_shape (html);
  assert_self_contained (html);
  static const char *const present[] = { "results", "training", "pipeline", "environment" };
  static const char *const absent[] = {
    "hypotheses", "corruptions", "attacks", "sweep", "layers-selectivity-mean",
    "histogram-selectivity-histogram", "curve-ablation-accuracy", "plugin-sections",
  };
  for (guint i = 0; i < G_N_ELEMENTS (present); i++)
    cr_assert (has_section (html, present[i]), "section %s missing", present[i]);
  for (guint i = 0; i < G_N_ELEMENTS (absent); i++)
    {
      cr_assert (!has_section (html, absent[i]), "section %s present", absent[i]);
      char *link = g_strdup_printf ("href=\"#%s\"", absent[i]);
      cr_assert_null (strstr (html, link));
      g_free (link);
    }
  cr_assert_null (strstr (html, "class=\"hypotheses\""));
  /* One trial: its loss and accuracy curves, no per-condition overview. */
  cr_assert_eq (check_inline_plots (html), PLOTS (2));
  cr_assert_not_null (strstr (html, "<title>quickstart \u2013 interp report</title>"));
  g_free (html);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (report, regenerating_gives_the_same_page)
{
  char *tmp = make_tmp ();
  char *run = fixture_run (tmp, TRUE, TRUE, TRUE);
  char *first = generate (run);
  /* A plot of an earlier report that this one does not draw is removed;
   * other files in plots/ are not the report's business. */
  char *plots = g_build_filename (run, "plots", NULL);
  g_mkdir_with_parents (plots, 0755);
  g_free (plots);
  char *stale = g_build_filename (run, "plots", "old-plot.svg", NULL);
  char *other = g_build_filename (run, "plots", "notes.txt", NULL);
  cr_assert (g_file_set_contents (stale, "<svg/>", -1, NULL));
  cr_assert (g_file_set_contents (other, "keep", -1, NULL));
  char *second = generate (run);
  cr_assert (strcmp (first, second) == 0, "two reports of one run differ");
  cr_assert_not (g_file_test (stale, G_FILE_TEST_EXISTS));
  cr_assert (g_file_test (other, G_FILE_TEST_EXISTS));
  g_free (stale);
  g_free (other);
  g_free (first);
  g_free (second);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

/* Breaks `file` of a fresh fixture run whose report already exists, and
 * checks the error and that the old report survived. */
static void
check_bad_file (const char *file, const char *contents, int code, const char *message_part)
{
  char *tmp = make_tmp ();
  char *run = fixture_run (tmp, TRUE, TRUE, FALSE);
  char *before = generate (run);
  char *path = g_build_filename (run, file, NULL);
  cr_assert (g_file_set_contents (path, contents, -1, NULL));
  GError *error = NULL;
  cr_assert_not (interp_report_write (run, &error), "%s accepted", file);
  cr_assert_not_null (error);
  cr_assert (g_error_matches (error, INTERP_ERROR, code), "%s: code %d: %s", file, error->code,
             error->message);
  cr_assert_not_null (strstr (error->message, path), "message does not name the file: %s",
                      error->message);
  if (message_part)
    cr_assert_not_null (strstr (error->message, message_part), "%s", error->message);
  char *after = read_report (run);
  cr_assert (strcmp (before, after) == 0, "a failed report damaged report.html");
  g_error_free (error);
  g_free (after);
  g_free (before);
  g_free (path);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (report, malformed_manifest)
{
  check_bad_file ("manifest.json", "{\"trials\": [", INTERP_ERROR_FORMAT, NULL);
  check_bad_file ("manifest.json", "[1, 2]", INTERP_ERROR_FORMAT, "not a JSON object");
  check_bad_file ("manifest.json", "{\"trials\": [{\"id\": \"../x\"}]}", INTERP_ERROR_FORMAT,
                  "trial 0");
  /* Found by tests/fuzz/fuzz-report: a seed that is not a number was
   * converted to int64 as NaN (undefined behaviour; UBSan aborts). */
  check_bad_file ("manifest.json", "{\"trials\": [{\"id\": \"trial-000\", \"seed\": \"x\"}]}",
                  INTERP_ERROR_FORMAT, "trial 0 (trial-000): \"seed\" is not an integer");
  check_bad_file ("manifest.json", "{\"trials\": [{\"id\": \"trial-000\", \"seed\": 1e300}]}",
                  INTERP_ERROR_FORMAT, "\"seed\" is not an integer");
}

Test (report, malformed_summary)
{
  check_bad_file ("summary.json", "{\"columns\": [\"trial\"], \"rows\": []}", INTERP_ERROR_FORMAT,
                  "no column \"metric\"");
  check_bad_file ("summary.json", "{\"rows\": []}", INTERP_ERROR_FORMAT, "\"columns\"");
}

Test (report, malformed_outputs)
{
  static const char columns[] = "{\"columns\": [\"trial\", \"metric\", \"perturbation\", "
                                "\"value\"], \"rows\": [], ";
  char *text = g_strconcat (columns, "\"outputs\": 3}", NULL);
  check_bad_file ("summary.json", text, INTERP_ERROR_FORMAT, "\"outputs\" is not an array");
  g_free (text);
  text = g_strconcat (columns, "\"outputs\": [{\"component\": \"metric:m\", \"name\": \"m\", "
                      "\"kind\": \"pie\"}]}", NULL);
  check_bad_file ("summary.json", text, INTERP_ERROR_FORMAT, "entry 0 has no valid \"kind\"");
  g_free (text);
  text = g_strconcat (columns, "\"outputs\": [{\"component\": \"metric:m\", \"kind\": "
                      "\"scalar\"}]}", NULL);
  check_bad_file ("summary.json", text, INTERP_ERROR_FORMAT, "has no \"name\"");
  g_free (text);
  text = g_strconcat (columns, "\"outputs\": [{\"component\": \"metric:m\", \"name\": \"m\", "
                      "\"kind\": \"scalar\", \"min\": \"low\"}]}", NULL);
  check_bad_file ("summary.json", text, INTERP_ERROR_FORMAT, "bound");
  g_free (text);
}

/* A row whose metric no component declared cannot be drawn honestly. */
Test (report, undeclared_row_is_an_error)
{
  check_bad_file ("summary.json",
                  "{\"columns\": [\"trial\", \"metric\", \"perturbation\", \"value\"], "
                  "\"rows\": [[\"trial-000\", \"mystery\", \"clean\", 1]], \"outputs\": "
                  "[{\"component\": \"metric:m\", \"name\": \"m\", \"kind\": \"scalar\"}]}",
                  INTERP_ERROR_FORMAT, "metric 'mystery' is not declared");
  check_bad_file ("trials/trial-002/metrics.json",
                  "{\"arrays\": [{\"metric\": \"mystery\", \"values\": [1, 2]}]}",
                  INTERP_ERROR_FORMAT, "array 0 has a metric not declared");
}

static char *
report_with (const ReportFixtureOptions *opts, char **run_out, char **tmp_out)
{
  char *tmp = make_tmp ();
  char *run = g_build_filename (tmp, "run", NULL);
  GError *error = NULL;
  cr_assert (report_fixture_write (run, opts, &error), "%s", error ? error->message : "");
  char *html = generate (run);
  *run_out = run;
  *tmp_out = tmp;
  return html;
}

static gboolean
has_plot_file (const char *run, const char *slug)
{
  char *path = g_strdup_printf ("%s/plots/%s.svg", run, slug);
  gboolean ok = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  g_free (path);
  return ok;
}

/* The per-layer section comes from the declaration, whatever the name. */
Test (report, per_layer_section_for_any_declared_name)
{
  NEED_CAIRO ();
  ReportFixtureOptions opts = { .sweep = TRUE, .layer_metric = "zebra-score" };
  char *run, *tmp;
  char *html = report_with (&opts, &run, &tmp);
  cr_assert (has_section (html, "layers-zebra-score"));
  cr_assert (!has_section (html, "layers-selectivity-mean"));
  /* Title from the description; axis from name, unit and range. */
  cr_assert_not_null (strstr (html, "<h2>Mean class selectivity index per layer</h2>"));
  cr_assert (has_plot_file (run, "layers-zebra-score"));
  char *svg = NULL;
  char *path = g_build_filename (run, "plots", "layers-zebra-score.svg", NULL);
  cr_assert (g_file_get_contents (path, &svg, NULL, NULL));
  g_free (svg);
  g_free (path);
  g_free (html);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (report, histograms_and_curves_from_declarations)
{
  NEED_CAIRO ();
  ReportFixtureOptions opts = { .sweep = TRUE };
  char *run, *tmp;
  char *html = report_with (&opts, &run, &tmp);
  cr_assert_not_null (strstr (html, "<h2>Distribution of unit selectivity</h2>"));
  /* One histogram per layer, one outline per condition. */
  cr_assert (has_plot_file (run, "selectivity-histogram-conv1-relu"));
  cr_assert (has_plot_file (run, "selectivity-histogram-conv2-relu"));
  cr_assert (has_plot_file (run, "selectivity-histogram-fc1-relu"));
  cr_assert_not_null (strstr (html, "Histogram of &quot;selectivity-histogram&quot; of conv1/relu "
                              "by condition."), "histogram caption missing");
  /* The curve: one per target, x axis as declared. */
  cr_assert_not_null (strstr (html, "<h2>Accuracy as the most selective units are removed</h2>"));
  cr_assert (has_plot_file (run, "ablation-accuracy-network"));
  char *svg = NULL;
  char *path = g_build_filename (run, "plots", "ablation-accuracy-network.svg", NULL);
  cr_assert (g_file_get_contents (path, &svg, NULL, NULL));
  g_free (svg);
  g_free (path);
  g_free (html);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

/* A run folder from before declarations: the tables, nothing drawn from a
 * guess at what its metrics mean. */
Test (report, run_without_declarations)
{
  ReportFixtureOptions opts = { .sweep = TRUE, .legacy = TRUE };
  char *run, *tmp;
  char *html = report_with (&opts, &run, &tmp);
  cr_assert (has_section (html, "results"));
  cr_assert (has_section (html, "sweep"));
  cr_assert (!has_section (html, "corruptions"));
  cr_assert (!has_section (html, "layers-selectivity-mean"));
  cr_assert (!has_section (html, "histogram-selectivity-histogram"));
  cr_assert_not_null (strstr (html, "does not say what its metrics declare"));
  g_free (html);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (report, malformed_hypotheses)
{
  check_bad_file ("hypotheses.json", "{\"verdicts\": []}", INTERP_ERROR_FORMAT, "\"hypotheses\"");
}

Test (report, malformed_train_log)
{
  check_bad_file ("trials/trial-004/train-log.csv", "epoch,train_loss\n1,0.5\ntwo,0.4\n",
                  INTERP_ERROR_FORMAT, "line 3");
  check_bad_file ("trials/trial-000/train-log.csv", "step,train_loss\n1,0.5\n",
                  INTERP_ERROR_FORMAT, "\"epoch\"");
}

Test (report, malformed_metrics)
{
  check_bad_file ("trials/trial-002/metrics.json", "{\"arrays\": 3}", INTERP_ERROR_FORMAT,
                  "\"arrays\"");
}

Test (report, missing_run)
{
  char *tmp = make_tmp ();
  char *run = g_build_filename (tmp, "nothing-here", NULL);
  GError *error = NULL;
  cr_assert_not (interp_report_write (run, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert_not_null (strstr (error->message, run));
  g_clear_error (&error);

  /* A folder without manifest.json. */
  cr_assert_eq (g_mkdir (run, 0755), 0);
  cr_assert_not (interp_report_write (run, &error));
  cr_assert (g_error_matches (error, INTERP_ERROR, INTERP_ERROR_NOT_FOUND));
  cr_assert_not_null (strstr (error->message, "manifest.json"), "%s", error->message);
  g_clear_error (&error);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

/* A run that has only a manifest (it failed before any trial finished)
 * still gets a report. */
Test (report, manifest_only)
{
  char *tmp = make_tmp ();
  char *run = g_build_filename (tmp, "run", NULL);
  cr_assert_eq (g_mkdir (run, 0755), 0);
  char *path = g_build_filename (run, "manifest.json", NULL);
  cr_assert (g_file_set_contents (path, "{\"interp_version\": \"0.1.0\", \"started\": "
                                  "\"2026-11-29T09:00:00Z\", \"trials\": [{\"id\": \"trial-000\"}]}",
                                  -1, NULL));
  char *html = generate (run);
  assert_html_shape (html);
  cr_assert (has_section (html, "environment"));
  cr_assert (!has_section (html, "results"));
  cr_assert (!has_section (html, "training"));
  cr_assert_not_null (strstr (html, "not finished"));
  cr_assert_not_null (strstr (html, "no training log"));
  g_free (html);
  g_free (path);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

/* gradient-norms.csv for trial t of the sweep fixture (alphas -1, 0, 1 x 3
 * seeds): at steps 0, 2 and 4 the selectivity gradient is 0.1 |alpha|
 * (step / 2 + 1) times the cross-entropy's, for both weights; biases and
 * "total" rows must not count. */
static void
write_gradient_norms (const char *run, guint t)
{
  static const double alphas[] = { -1, 0, 1 };
  double alpha = alphas[t / 3];
  GString *csv = g_string_new ("epoch,step,parameter,source,norm\n");
  const char *params[] = { "conv1.weight", "conv1.bias", "fc.weight" };
  for (int step = 0; step <= 4; step += 2)
    for (guint p = 0; p < G_N_ELEMENTS (params); p++)
      {
        double ce = 2.0 + p, ratio = 0.1 * fabs (alpha) * (step / 2 + 1);
        char b_ce[G_ASCII_DTOSTR_BUF_SIZE], b_reg[G_ASCII_DTOSTR_BUF_SIZE];
        g_ascii_formatd (b_ce, sizeof b_ce, "%.9g", ce);
        g_ascii_formatd (b_reg, sizeof b_reg, "%.9g", ratio * ce);
        g_string_append_printf (csv, "%d,%d,%s,cross-entropy,%s\n", step / 2 + 1, step,
                                params[p], b_ce);
        g_string_append_printf (csv, "%d,%d,%s,regularizer:selectivity,%s\n", step / 2 + 1, step,
                                params[p], b_reg);
        g_string_append_printf (csv, "%d,%d,%s,total,100\n", step / 2 + 1, step, params[p]);
      }
  char id[32];
  g_snprintf (id, sizeof id, "trial-%03u", t);
  char *path = g_build_filename (run, "trials", id, "gradient-norms.csv", NULL);
  cr_assert (g_file_set_contents (path, csv->str, -1, NULL));
  g_free (path);
  g_string_free (csv, TRUE);
}

Test (report, gradient_norms_section)
{
  NEED_CAIRO ();
  char *tmp = make_tmp ();
  char *run = fixture_run (tmp, TRUE, FALSE, FALSE);
  char *html = generate (run);
  cr_assert (!has_section (html, "gradient-norms"), "no gradient-norms.csv, yet a section");
  guint plots_before = check_inline_plots (html);
  g_free (html);

  for (guint t = 0; t < 9; t++)
    write_gradient_norms (run, t);
  html = generate (run);
  assert_html_shape (html);
  cr_assert (has_section (html, "gradient-norms"));
  cr_assert_not_null (strstr (html, "href=\"#gradient-norms\""));
  /* One figure per weight tensor, none for the bias. */
  cr_assert_eq (check_inline_plots (html), plots_before + 2);
  cr_assert_not_null (strstr (html, "<figure id=\"plot-gradient-norms-conv1-weight\">"));
  cr_assert_not_null (strstr (html, "<figure id=\"plot-gradient-norms-fc-weight\">"));
  cr_assert_null (strstr (html, "plot-gradient-norms-conv1-bias"));
  char *svg = g_build_filename (run, "plots", "gradient-norms-fc-weight.svg", NULL);
  cr_assert (g_file_test (svg, G_FILE_TEST_EXISTS));
  g_free (svg);
  /* Medians over 3 steps x 3 seeds: 0.1, 0.2, 0.3 -> 0.2 for alpha = +-1,
   * exactly 0 for alpha = 0; one cell per weight and condition. */
  const char *section = strstr (html, "<section id=\"gradient-norms\">");
  char *body = g_strndup (section, strstr (section, "</section>") - section);
  cr_assert_eq (count (body, ">0.2 (n=9)<"), 4, "%s", body);
  cr_assert_eq (count (body, ">0 (n=9)<"), 2, "%s", body);
  cr_assert_null (strstr (body, "conv1.bias"));
  g_free (body);
  g_free (html);
  g_free (run);
  test_remove_tree (tmp);
  g_free (tmp);
}

Test (report, malformed_gradient_norms)
{
  check_bad_file ("trials/trial-001/gradient-norms.csv",
                  "epoch,step,parameter,source,norm\n1,0,fc.weight,cross-entropy,1\n"
                  "1,0,fc.weight,regularizer:selectivity\n",
                  INTERP_ERROR_FORMAT, "gradient-norms.csv:3:");
  check_bad_file ("trials/trial-001/gradient-norms.csv",
                  "epoch,step,parameter,source,norm\n1,0,fc.weight,cross-entropy,big\n",
                  INTERP_ERROR_FORMAT, ":2: the norm ('big')");
  check_bad_file ("trials/trial-001/gradient-norms.csv", "epoch,step,norm\n",
                  INTERP_ERROR_FORMAT, ":1: expected the header");
}
