/* Attacks in a whole run, through the public runner API with the probes
 * plugin (probes.c): the minimal-epsilon rows and per-image values, the
 * adversarial example files ([pipeline] attack-examples), the report's
 * sections for them and for a per-layer output under perturbations, and
 * determinism (the thread count changes nothing). */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include "../test-tree.h"

static char *tmpdir;
static InterpRunner *runner;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-attack-eval-XXXXXX", NULL);
  char *probes = g_build_filename (g_getenv ("INTERP_TEST_BUILDDIR"), "tests", "runner",
                                   ".libs", NULL);
  const char *dirs[] = { probes, NULL };
  runner = interp_runner_new (dirs);
  g_free (probes);
}

static void
teardown (void)
{
  interp_runner_free (runner);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (attack_eval, .init = setup, .fini = teardown, .timeout = 300);

#define TEST_SIZE 40
#define EPS_MAX 0.5

static const char *pipeline =
  "[pipeline]\nattack-examples = 2\n"
  "[sweep]\npipeline.seed = 1, 2\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 64\ntest-size = 40\nval-split = 0.25\n"
  "channels = 1\nheight = 8\nwidth = 8\n"
  "[model]\nplugin = mlp\nhidden = 8\n"
  "[train]\nepochs = 1\nbatch-size = 16\neval-batch-size = 16\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n"
  "[metric:node-mean]\nplugin = node-mean\n"
  "[corruption:speck]\nplugin = speckle\nseverity = 1, 5\n"
  "[attack:rs]\nplugin = random-sign\nepsilon = 0.1, 0.5\nminimal-epsilon = true\n"
  "minimal-epsilon-steps = 4\n";

static void
run (const char *name, int threads)
{
  char *path = g_strdup_printf ("%s/%s.ini", tmpdir, name);
  cr_assert (g_file_set_contents (path, pipeline, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *out = g_build_filename (tmpdir, name, NULL);
  opts.output = out;
  opts.threads = threads;
  GError *error = NULL;
  InterpRun *r = interp_run_open (runner, path, &opts, &error);
  cr_assert (r && interp_run_execute (r, NULL, &error), "%s", error ? error->message : "");
  interp_run_free (r);
  g_free (out);
  g_free (path);
}

static char *
read_text (const char *run_name, const char *rel)
{
  char *path = g_build_filename (tmpdir, run_name, rel, NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s is missing", path);
  g_free (path);
  return text;
}

static gboolean
exists (const char *run_name, const char *rel)
{
  char *path = g_build_filename (tmpdir, run_name, rel, NULL);
  gboolean there = g_file_test (path, G_FILE_TEST_IS_REGULAR);
  g_free (path);
  return there;
}

Test (attack_eval, minimal_epsilon_examples_report_and_determinism)
{
  run ("a", 1);

  /* Per-image values: one per test image, each 0 (wrong clean), in
   * (0, E] or null (robust at E); the search's resolution is E / 2^4, so
   * every finite nonzero value is a multiple of it. */
  char *metrics = read_text ("a", "trials/trial-000/metrics.json");
  JsonParser *parser = json_parser_new ();
  cr_assert (json_parser_load_from_data (parser, metrics, -1, NULL));
  JsonArray *arrays = json_object_get_array_member (
    json_node_get_object (json_parser_get_root (parser)), "arrays");
  JsonArray *values = NULL;
  for (guint i = 0; i < json_array_get_length (arrays); i++)
    {
      JsonObject *o = json_array_get_object_element (arrays, i);
      if (strcmp (json_object_get_string_member (o, "metric"), "minimal-epsilon") == 0)
        {
          cr_assert_str_eq (json_object_get_string_member (o, "perturbation"), "attack:rs");
          cr_assert_str_eq (json_object_get_string_member (o, "level"), "");
          values = json_object_get_array_member (o, "values");
        }
    }
  cr_assert_not_null (values, "no minimal-epsilon array");
  cr_assert_eq (json_array_get_length (values), TEST_SIZE);
  const double step = EPS_MAX / 16;
  for (guint i = 0; i < TEST_SIZE; i++)
    {
      JsonNode *v = json_array_get_element (values, i);
      if (JSON_NODE_HOLDS_NULL (v))
        continue;
      double x = json_node_get_double (v);
      cr_assert (x >= 0 && x <= EPS_MAX, "image %u: %g", i, x);
      /* Bisection midpoints of [0, 0.5] are exact binary fractions. */
      cr_assert_float_eq (fmod (x, step), 0.0, 0.0, "image %u: %g", i, x);
    }
  g_object_unref (parser);

  /* The summary rows, with level "" and declared under "runner". */
  char *csv = read_text ("a", "summary.csv");
  cr_assert_not_null (strstr (csv, ",minimal-epsilon-median,,attack:rs,,"), "%s", csv);
  cr_assert_not_null (strstr (csv, ",minimal-epsilon-robust,,attack:rs,,"));
  char *summary = read_text ("a", "summary.json");
  cr_assert_not_null (strstr (summary, "\"runner\""));

  /* Examples: 2 images per attack level, each with its amplified perturbation
   * and the scales. */
  static const char *const there[] = {
    "trials/trial-000/examples/attack-rs-e0.1-0.png",
    "trials/trial-000/examples/attack-rs-e0.1-0-delta.png",
    "trials/trial-000/examples/attack-rs-e0.5-1.png",
    "trials/trial-000/examples/attack-rs-e0.5-1-delta.png",
    "trials/trial-000/examples/attack-rs-e0.5.json",
  };
  for (guint i = 0; i < G_N_ELEMENTS (there); i++)
    cr_assert (exists ("a", there[i]), "%s is missing", there[i]);
  cr_assert_not (exists ("a", "trials/trial-000/examples/attack-rs-e0.5-2.png"),
                 "only attack-examples images");
  char *scales = read_text ("a", "trials/trial-000/examples/attack-rs-e0.5.json");
  cr_assert_not_null (strstr (scales, "\"max_abs_delta\""), "%s", scales);

  /* The report's sections. */
  char *html = read_text ("a", "report.html");
  cr_assert_not_null (strstr (html, "<section id=\"minimal-epsilon\">"));
  cr_assert_not_null (strstr (html, "<section id=\"attack-examples\">"));
  cr_assert_not_null (strstr (html, "<section id=\"perturbed-layers-node-mean\">"));
  cr_assert_not_null (strstr (html, "data-file=\"trials/trial-000/examples/"
                                    "attack-rs-e0.5-1-delta.png\""));
  cr_assert (exists ("a", "plots/minimal-epsilon-rs.svg"));

  /* The same run again: the same bytes.  Another thread count: the same
   * adversarial images (random-sign draws from the per-batch streams only;
   * the metrics' values may differ in their last bits, as the GEMM blocks
   * work by thread, see test-corruption-determinism.c). */
  run ("b", 1);
  run ("c", 2);
  for (guint t = 0; t < 2; t++)
    {
      char *rel = g_strdup_printf ("trials/trial-%03u/metrics.json", t);
      char *ma = read_text ("a", rel), *mb = read_text ("b", rel);
      cr_assert_str_eq (ma, mb, "%s differs between two runs", rel);
      g_free (ma);
      g_free (mb);
      g_free (rel);
    }
  for (guint i = 0; i < G_N_ELEMENTS (there); i++)
    {
      char *ea = NULL, *ec = NULL;
      gsize la = 0, lc = 0;
      char *pa = g_build_filename (tmpdir, "a", there[i], NULL);
      char *pc = g_build_filename (tmpdir, "c", there[i], NULL);
      cr_assert (g_file_get_contents (pa, &ea, &la, NULL)
                 && g_file_get_contents (pc, &ec, &lc, NULL));
      cr_assert (la == lc && memcmp (ea, ec, la) == 0, "%s differs with 2 threads", there[i]);
      g_free (ea);
      g_free (ec);
      g_free (pa);
      g_free (pc);
    }
  g_free (html);
  g_free (scales);
  g_free (summary);
  g_free (csv);
  g_free (metrics);
}

/* A search with nothing to search in fails before any trial runs. */
Test (attack_eval, minimal_epsilon_needs_a_positive_largest_epsilon)
{
  char *text = g_strconcat (pipeline, "[attack:zero]\nplugin = random-sign\nepsilon = 0\n"
                            "minimal-epsilon = true\n", NULL);
  char *path = g_strdup_printf ("%s/zero.ini", tmpdir);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *out = g_build_filename (tmpdir, "zero", NULL);
  opts.output = out;
  GError *error = NULL;
  InterpRun *r = interp_run_open (runner, path, &opts, &error);
  cr_assert_not_null (r, "%s", error ? error->message : "");
  cr_assert_not (interp_run_execute (r, NULL, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE, "%s", error->message);
  cr_assert_not_null (strstr (error->message, "zero.ini: [attack:zero] minimal-epsilon: the "
                                              "largest epsilon is 0"), "%s", error->message);
  g_clear_error (&error);
  cr_assert_not (g_file_test (out, G_FILE_TEST_EXISTS), "nothing written");
  interp_run_free (r);
  g_free (out);
  g_free (path);
  g_free (text);
}

/* A metric's `perturbations` key picks its conditions, and during update()
 * interp_context_clean_batch holds the clean images of the batch: the
 * largest |x - clean| is 0 on clean data and the attack's level under
 * random-sign (+-level per pixel; some pixel of 40 images is not clipped). */
Test (attack_eval, metric_perturbations_and_the_clean_batch)
{
  static const char *text =
    "[dataset]\nplugin = synthetic\ntrain-size = 32\ntest-size = 40\nval-split = 0.25\n"
    "channels = 1\nheight = 8\nwidth = 8\n"
    "[model]\nplugin = mlp\nhidden = 8\n"
    "[train]\nepochs = 1\nbatch-size = 16\neval-batch-size = 16\n"
    "[metric:accuracy]\nplugin = accuracy\n"
    "[metric:distance]\nplugin = clean-distance\nperturbations = clean, attack:*\n"
    "[corruption:dark]\nplugin = darken\nseverity = 2\n"
    "[attack:rs]\nplugin = random-sign\nepsilon = 0.125\n";
  char *path = g_strdup_printf ("%s/select.ini", tmpdir);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *out = g_build_filename (tmpdir, "select", NULL);
  opts.output = out;
  opts.threads = 1;
  GError *error = NULL;
  InterpRun *r = interp_run_open (runner, path, &opts, &error);
  cr_assert (r && interp_run_execute (r, NULL, &error), "%s", error ? error->message : "");
  interp_run_free (r);
  char *csv = read_text ("select", "summary.csv");
  cr_assert (strstr (csv, ",clean-distance,,clean,,0\n"), "%s", csv);
  const char *row = strstr (csv, ",clean-distance,,attack:rs,0.125,");
  cr_assert (row, "%s", csv);
  /* x + 0.125 is rounded to float: within one ulp of 1 (6e-8) of 0.125. */
  double d = g_ascii_strtod (row + strlen (",clean-distance,,attack:rs,0.125,"), NULL);
  cr_assert (fabs (d - 0.125) <= 1.2e-7, "clean-distance under the attack: %.17g", d);
  cr_assert_null (strstr (csv, ",clean-distance,,corruption:dark"), "%s", csv);
  /* accuracy (default "*") runs everywhere. */
  cr_assert (strstr (csv, ",accuracy,,corruption:dark,2,"), "%s", csv);
  g_free (csv);
  g_free (out);
  g_free (path);
}
