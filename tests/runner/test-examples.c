/* Example images saved during evaluation ([pipeline] corruption-examples,
 * TRIAL/examples/) and the mce-baseline check made before any trial runs,
 * through the public runner API with the probes plugin (probes.c). */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include "../test-tree.h"

static char *tmpdir;
static InterpRunner *runner;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-examples-XXXXXX", NULL);
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

TestSuite (examples, .init = setup, .fini = teardown, .timeout = 300);

/* RGB 28 x 28 images: the upscaling factor is ceil (84 / 28) = 3. */
static const char *base =
  "[dataset]\nplugin = synthetic\ntrain-size = 64\ntest-size = 40\nval-split = 0.25\n"
  "channels = 3\nheight = 28\nwidth = 28\n"
  "[model]\nplugin = mlp\nhidden = 8\n"
  "[train]\nepochs = 1\nbatch-size = 16\neval-batch-size = 16\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n"
  "[corruption:speck]\nplugin = speckle\nseverity = 1, 5\n";

static gboolean
run_text (const char *name, const char *pipeline_head, GError **error)
{
  char *text = g_strconcat (pipeline_head, base, NULL);
  char *path = g_strdup_printf ("%s/%s.ini", tmpdir, name);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *out = g_build_filename (tmpdir, name, NULL);
  opts.output = out;
  opts.threads = 1;
  InterpRun *run = interp_run_open (runner, path, &opts, error);
  gboolean ok = run && interp_run_execute (run, NULL, error);
  interp_run_free (run);
  g_free (out);
  g_free (path);
  g_free (text);
  return ok;
}

static GBytes *
example (const char *run, const char *file)
{
  char *path = g_build_filename (tmpdir, run, "trials", "trial-000", "examples", file, NULL);
  char *bytes = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (path, &bytes, &len, NULL), "%s is missing", path);
  g_free (path);
  return g_bytes_new_take (bytes, len);
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static const char *const files[] = {
  "clean-0.png", "clean-1.png", "clean-2.png",
  "corruption-speck-s1-0.png", "corruption-speck-s1-2.png", "corruption-speck-s5-2.png",
};

Test (examples, written_upscaled_and_the_same_for_the_same_seed)
{
  GError *error = NULL;
  /* 3 examples across batches of 16: only the first batch contributes. */
  cr_assert (run_text ("a", "[pipeline]\nseed = 7\ncorruption-examples = 3\n", &error), "%s",
             error ? error->message : "");
  cr_assert (run_text ("b", "[pipeline]\nseed = 7\ncorruption-examples = 3\n", &error), "%s",
             error ? error->message : "");
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GBytes *a = example ("a", files[i]), *b = example ("b", files[i]);
      gsize len = 0;
      const guint8 *p = g_bytes_get_data (a, &len);
      /* PNG signature, then IHDR: width, height, bit depth 8, colour type 2 (RGB). */
      cr_assert (len > 33 && memcmp (p, "\x89PNG\r\n\x1a\n", 8) == 0, "%s", files[i]);
      cr_assert_eq (be32 (p + 16), 84, "%s width", files[i]);
      cr_assert_eq (be32 (p + 20), 84, "%s height", files[i]);
      cr_assert_eq (p[24], 8);
      cr_assert_eq (p[25], 2, "%s is RGB", files[i]);
      cr_assert (g_bytes_equal (a, b), "%s differs between two runs of one seed", files[i]);
      g_bytes_unref (a);
      g_bytes_unref (b);
    }
  char *fourth = g_build_filename (tmpdir, "a", "trials", "trial-000", "examples", "clean-3.png",
                                   NULL);
  cr_assert_not (g_file_test (fourth, G_FILE_TEST_EXISTS), "only the first 3 are saved");
  g_free (fourth);
  /* The corruption was applied, and severity 5 adds more noise than 1. */
  GBytes *clean = example ("a", "clean-0.png"), *s1 = example ("a", "corruption-speck-s1-0.png");
  cr_assert_not (g_bytes_equal (clean, s1));
  g_bytes_unref (clean);
  g_bytes_unref (s1);
  /* The report shows them. */
  char *report = g_build_filename (tmpdir, "a", "report.html", NULL);
  char *html = NULL;
  cr_assert (g_file_get_contents (report, &html, NULL, NULL));
  cr_assert_not_null (strstr (html, "data-file=\"trials/trial-000/examples/"
                                    "corruption-speck-s5-2.png\""));
  g_free (html);
  g_free (report);
}

Test (examples, another_seed_gives_other_noise)
{
  GError *error = NULL;
  cr_assert (run_text ("a", "[pipeline]\nseed = 7\ncorruption-examples = 1\n", &error), "%s",
             error ? error->message : "");
  cr_assert (run_text ("c", "[pipeline]\nseed = 8\ncorruption-examples = 1\n", &error), "%s",
             error ? error->message : "");
  GBytes *a = example ("a", "corruption-speck-s5-0.png"), *c = example ("c", "corruption-speck-s5-0.png");
  cr_assert_not (g_bytes_equal (a, c), "the noise comes from the seed's streams");
  g_bytes_unref (a);
  g_bytes_unref (c);
}

Test (examples, zero_saves_none)
{
  GError *error = NULL;
  cr_assert (run_text ("none", "[pipeline]\ncorruption-examples = 0\n", &error), "%s",
             error ? error->message : "");
  char *dir = g_build_filename (tmpdir, "none", "trials", "trial-000", "examples", NULL);
  cr_assert_not (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_free (dir);
}

Test (examples, unknown_mce_baseline_fails_before_anything_is_written)
{
  GError *error = NULL;
  static const char head[] = "[pipeline]\nmce-baseline = hiden=8\n"
                             "[sweep]\nmodel.hidden = 8, 16\n";
  cr_assert_not (run_text ("bad", head, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE, "%s", error->message);
  cr_assert_not_null (strstr (error->message, "[pipeline] mce-baseline: no condition 'hiden=8'"),
                      "%s", error->message);
  cr_assert_not_null (strstr (error->message, "did you mean 'hidden=8'?"), "%s", error->message);
  g_clear_error (&error);
  char *folder = g_build_filename (tmpdir, "bad", NULL);
  cr_assert_not (g_file_test (folder, G_FILE_TEST_EXISTS), "nothing written");
  g_free (folder);
}

/* interp-run --check is interp_run_check: it catches the typo too. */
Test (examples, unknown_mce_baseline_fails_the_check)
{
  char *text = g_strconcat ("[pipeline]\nmce-baseline = hiden=8\n[sweep]\nmodel.hidden = 8, 16\n",
                            base, NULL);
  char *path = g_strdup_printf ("%s/check.ini", tmpdir);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  GError *error = NULL;
  InterpRun *run = interp_run_open (runner, path, &opts, &error);
  cr_assert_not_null (run, "%s", error ? error->message : "");
  cr_assert_not (interp_run_check (run, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE, "%s", error->message);
  cr_assert_not_null (strstr (error->message, "did you mean 'hidden=8'?"), "%s", error->message);
  g_clear_error (&error);
  interp_run_free (run);
  g_free (path);
  g_free (text);
}
