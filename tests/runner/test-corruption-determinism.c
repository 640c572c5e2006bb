/* A corrupted image is a function of (pipeline seed, corruption group,
 * severity, image index) only: the same under another evaluation batch
 * size, thread count and order of the corruption groups (issue: corruptions,
 * "Determinism").  Checked through the public runner API with the real
 * corruption plugins: the saved example images (trials/ID/examples, the
 * images exactly as the network saw them, 8-bit as the corruptions quantise)
 * must be byte-identical, and at one thread count the summary values too. */
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
  tmpdir = g_dir_make_tmp ("interp-corr-det-XXXXXX", NULL);
  runner = interp_runner_new (NULL);
}

static void
teardown (void)
{
  interp_runner_free (runner);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (corruption_determinism, .init = setup, .fini = teardown, .timeout = 300);

/* Three random corruptions (noise, pixel swaps, a random warp) on grey
 * 28 x 28 images; the untrained network (epochs = 0) keeps training out of
 * the comparison. */
static const char *head =
  "[pipeline]\nseed = 11\ncorruption-examples = 12\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 32\ntest-size = 30\nval-split = 0\n"
  "channels = 1\nheight = 28\nwidth = 28\n"
  "[model]\nplugin = mlp\nhidden = 8\n"
  "[metric:accuracy]\nplugin = accuracy\n";
static const char *groups[] = {
  "[corruption:gaussian-noise]\nplugin = gaussian-noise\nseverity = 1, 5\n",
  "[corruption:glass-blur]\nplugin = glass-blur\nseverity = 2, 4\n",
  "[corruption:elastic-transform]\nplugin = elastic-transform\nseverity = 3\n",
};

static char *
run_variant (const char *name, int threads, int eval_batch, gboolean reversed)
{
  GString *text = g_string_new (head);
  g_string_append_printf (text, "[train]\nepochs = 0\neval-batch-size = %d\n", eval_batch);
  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    g_string_append (text, groups[reversed ? G_N_ELEMENTS (groups) - 1 - i : i]);
  char *path = g_strdup_printf ("%s/%s.ini", tmpdir, name);
  cr_assert (g_file_set_contents (path, text->str, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *out = g_build_filename (tmpdir, name, NULL);
  opts.output = out;
  opts.threads = threads;
  GError *error = NULL;
  InterpRun *run = interp_run_open (runner, path, &opts, &error);
  cr_assert (run && interp_run_execute (run, NULL, &error), "%s: %s", name,
             error ? error->message : "");
  interp_run_free (run);
  g_free (path);
  g_string_free (text, TRUE);
  return out;
}

/* Every example file of run a has the same bytes in run b; returns how
 * many were compared. */
static guint
same_examples (const char *a, const char *b)
{
  char *da = g_build_filename (a, "trials", "trial-000", "examples", NULL);
  GDir *d = g_dir_open (da, 0, NULL);
  cr_assert_not_null (d, "%s has no examples", da);
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      char *pa = g_build_filename (da, name, NULL);
      char *pb = g_build_filename (b, "trials", "trial-000", "examples", name, NULL);
      char *ca = NULL, *cb = NULL;
      gsize la = 0, lb = 0;
      cr_assert (g_file_get_contents (pa, &ca, &la, NULL));
      cr_assert (g_file_get_contents (pb, &cb, &lb, NULL), "%s is missing", pb);
      cr_assert (la == lb && memcmp (ca, cb, la) == 0, "%s differs between %s and %s", name,
                 a, b);
      g_free (ca);
      g_free (cb);
      g_free (pa);
      g_free (pb);
      n++;
    }
  g_dir_close (d);
  g_free (da);
  return n;
}

static int
compare_lines (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* summary.csv's lines, sorted (the order of the groups orders the rows). */
static char *
sorted_summary (const char *run)
{
  char *path = g_build_filename (run, "summary.csv", NULL), *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s", path);
  char **lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);
  qsort (lines, n, sizeof *lines, compare_lines);
  char *joined = g_strjoinv ("\n", lines);
  g_strfreev (lines);
  g_free (text);
  g_free (path);
  return joined;
}

Test (corruption_determinism, batch_size_threads_and_order_do_not_change_the_images)
{
  char *base = run_variant ("base", 1, 30, FALSE);
  char *batch = run_variant ("batch7", 1, 7, FALSE);       /* 12 examples span two batches */
  char *threads = run_variant ("threads2", 2, 7, FALSE);
  char *order = run_variant ("reversed", 1, 30, TRUE);
  /* 12 clean + 12 per (group, severity): 5 conditions. */
  cr_assert_eq (same_examples (base, batch), 12 * 6);
  cr_assert_eq (same_examples (base, threads), 12 * 6);
  cr_assert_eq (same_examples (base, order), 12 * 6);
  /* With the same threads and batch size the forward pass is the same too,
   * so every value of the summary (accuracy and the %.17g mean loss per
   * condition) is, whatever the order of the groups.  (Another batch size
   * may change the logits' last bits -- the GEMM blocks rows differently --
   * which is why the images, not the losses, carry that comparison.) */
  char *a = sorted_summary (base), *c = sorted_summary (order);
  cr_assert_str_eq (a, c);
  cr_assert_not_null (strstr (a, "corruption:elastic-transform"));
  g_free (a);
  g_free (c);
  g_free (base);
  g_free (batch);
  g_free (threads);
  g_free (order);
}

/* The streams differ between images, severities and seeds: the random
 * corruptions are not one noise pattern reused. */
Test (corruption_determinism, streams_differ_by_image_and_seed)
{
  char *base = run_variant ("base", 1, 30, FALSE);
  char *d = g_build_filename (base, "trials", "trial-000", "examples", NULL);
  char *a = NULL, *b = NULL, *c = NULL, *p;
  gsize la, lb, lc;
  p = g_build_filename (d, "corruption-gaussian-noise-s5-0.png", NULL);
  cr_assert (g_file_get_contents (p, &a, &la, NULL), "%s", p);
  g_free (p);
  p = g_build_filename (d, "corruption-gaussian-noise-s1-0.png", NULL);
  cr_assert (g_file_get_contents (p, &b, &lb, NULL), "%s", p);
  g_free (p);
  p = g_build_filename (d, "clean-0.png", NULL);
  cr_assert (g_file_get_contents (p, &c, &lc, NULL), "%s", p);
  g_free (p);
  cr_assert (la != lb || memcmp (a, b, la) != 0, "severities 1 and 5 gave the same image");
  cr_assert (la != lc || memcmp (a, c, la) != 0, "noise left the image clean");
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (d);
  g_free (base);
}
