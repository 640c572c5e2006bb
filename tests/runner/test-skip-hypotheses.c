/* Skipping hypotheses ([pipeline] skip-hypotheses, [hypothesis:*] skip: what
 * --skip-hypotheses and --skip-hypothesis NAME set): a skipped hypothesis is
 * NOT EVALUATED, every other verdict is unchanged (without a family
 * adjustment: under Holm a skip can only raise the others' adjusted p,
 * tests/stats/test-hypothesis-family.c), and a sweep too small for the
 * hypotheses runs once they are skipped, while as written it is refused
 * before any trial runs. */
#include <criterion/criterion.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include "../test-tree.h"

static char *tmpdir, *pipeline;
static InterpRunner *runner;

/* 2 learning rates x 3 seeds of a tiny MLP; three claims on accuracy. */
static const char *pipeline_text =
  "[pipeline]\nname = skip\nseed = 1\nmultiple-testing = none\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0\n"
  "[model]\nplugin = mlp\nhidden = 16\n"
  "[train]\nepochs = 1\nbatch-size = 32\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n"
  "[sweep]\ntrain.learning-rate = 0.01, 0.2\npipeline.seed = 1..3\n"
  "[hypothesis:a]\nmetric = accuracy\ncondition = train.learning-rate=0.2\n"
  "control = train.learning-rate=0.01\nexpect = greater\nmargin = -0.5\ntest = welch\n"
  "[hypothesis:b]\nmetric = accuracy\ncondition = train.learning-rate=0.2\n"
  "control = train.learning-rate=0.01\nexpect = less\nmargin = 0.5\ntest = welch\n"
  "[hypothesis:c]\nmetric = accuracy\ncondition = train.learning-rate=0.2\n"
  "control = train.learning-rate=0.01\nexpect = greater\nmargin = 0.5\ntest = welch\n";

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-skip-XXXXXX", NULL);
  runner = interp_runner_new (NULL);
  pipeline = g_build_filename (tmpdir, "skip.ini", NULL);
  cr_assert (g_file_set_contents (pipeline, pipeline_text, -1, NULL));
}

static void
teardown (void)
{
  interp_runner_free (runner);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
  g_free (pipeline);
}

TestSuite (skip, .init = setup, .fini = teardown, .timeout = 300);

static gboolean
run_with (const char *output, const char *const *overrides, GError **error)
{
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *dir = g_build_filename (tmpdir, output, NULL);
  opts.output = dir;
  opts.threads = 1;
  opts.overrides = overrides;
  InterpRun *run = interp_run_open (runner, pipeline, &opts, error);
  gboolean ok = run && interp_run_execute (run, NULL, error);
  interp_run_free (run);
  g_free (dir);
  return ok;
}

/* hypotheses.json's entry `name` of run `output` as compact JSON text,
 * without the members a skip is allowed to change. */
static char *
entry (const char *output, const char *name, char **verdict)
{
  char *path = g_build_filename (tmpdir, output, "hypotheses.json", NULL);
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  cr_assert (json_parser_load_from_file (parser, path, &error), "%s",
             error ? error->message : "");
  JsonArray *hs = json_object_get_array_member (
    json_node_get_object (json_parser_get_root (parser)), "hypotheses");
  char *text = NULL;
  for (guint i = 0; i < json_array_get_length (hs); i++)
    {
      JsonObject *h = json_array_get_object_element (hs, i);
      if (strcmp (json_object_get_string_member (h, "name"), name) != 0)
        continue;
      *verdict = g_strdup (json_object_get_string_member (h, "verdict"));
      JsonNode *n = json_node_init_object (json_node_alloc (), h);
      text = json_to_string (n, FALSE);
      json_node_unref (n);
    }
  cr_assert_not_null (text, "no hypothesis %s in %s", name, path);
  g_object_unref (parser);
  g_free (path);
  return text;
}

Test (skip, a_skipped_hypothesis_leaves_the_others_unchanged)
{
  GError *error = NULL;
  cr_assert (run_with ("all", NULL, &error), "%s", error ? error->message : "");
  const char *const skip_b[] = { "hypothesis:b.skip=true", NULL };
  cr_assert (run_with ("skip-b", skip_b, &error), "%s", error ? error->message : "");
  const char *const names[] = { "a", "c" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *va, *vb;
      char *full = entry ("all", names[i], &va), *skipped = entry ("skip-b", names[i], &vb);
      cr_assert_str_eq (full, skipped, "%s changed when b was skipped", names[i]);
      cr_assert_str_neq (va, "NOT EVALUATED");
      g_free (va);
      g_free (vb);
      g_free (full);
      g_free (skipped);
    }
  char *v;
  char *b = entry ("skip-b", "b", &v);
  cr_assert_str_eq (v, "NOT EVALUATED");
  cr_assert (strstr (b, "skip = true"), "the reason is given: %s", b);
  g_free (v);
  g_free (b);
}

Test (skip, a_sweep_too_small_runs_only_with_the_hypotheses_skipped)
{
  GError *error = NULL;
  const char *const small[] = { "sweep.pipeline.seed=1..2", NULL };
  cr_assert_not (run_with ("refused", small, &error));
  cr_assert_eq (error->code, INTERP_ERROR_STATISTICS, "%s", error->message);
  cr_assert (strstr (error->message, "hypothesis:a"), "%s", error->message);
  g_clear_error (&error);
  char *trials = g_build_filename (tmpdir, "refused", "trials", NULL);
  cr_assert_not (g_file_test (trials, G_FILE_TEST_EXISTS), "refused before any trial ran");
  g_free (trials);

  const char *const small_skipped[] = { "sweep.pipeline.seed=1..2",
                                        "pipeline.skip-hypotheses=true", NULL };
  cr_assert (run_with ("explore", small_skipped, &error), "%s", error ? error->message : "");
  const char *const names[] = { "a", "b", "c" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      char *v;
      g_free (entry ("explore", names[i], &v));
      cr_assert_str_eq (v, "NOT EVALUATED", "%s", names[i]);
      g_free (v);
    }
}

Test (skip, skipping_an_unknown_hypothesis_is_an_error)
{
  GError *error = NULL;
  const char *const unknown[] = { "hypothesis:typo.skip=true", NULL };
  cr_assert_not (run_with ("typo", unknown, &error));
  cr_assert (strstr (error->message, "typo"), "%s", error->message);
  g_clear_error (&error);
}
