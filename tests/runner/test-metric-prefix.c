/* [metric:*] prefix: two instances of one metric plugin report apart, and
 * two that would report the same name are refused before anything runs. */
#include <criterion/criterion.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>

#include "../test-tree.h"

static char *tmpdir;
static InterpRunner *runner;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-prefix-XXXXXX", NULL);
  runner = interp_runner_new (NULL);
}

static void
teardown (void)
{
  interp_runner_free (runner);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (prefix, .init = setup, .fini = teardown, .timeout = 300);

/* A BatchNorm-free MLP: class selectivity through batch statistics equals
 * the running one exactly (docs/selectivity.md), so the two instances'
 * values must agree bit for bit while their names differ. */
static const char *base =
  "[pipeline]\nname = prefix\nseed = 1\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n"
  "[model]\nplugin = mlp\nhidden = 16\n"
  "[train]\nepochs = 2\nbatch-size = 32\nlearning-rate = 0.05\n"
  "[metric:selectivity]\nplugin = class-selectivity\nlayers = *relu*\n"
  "[metric:selectivity-batch]\nplugin = class-selectivity\nlayers = *relu*\n"
  "batchnorm = batch\ntrack-epochs = true\n";

static InterpRun *
open_run (const char *extra, const char *output, GError **error)
{
  char *text = g_strconcat (base, extra, NULL);
  char *path = g_build_filename (tmpdir, "p.ini", NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *dir = output ? g_build_filename (tmpdir, output, NULL) : NULL;
  opts.output = dir;
  opts.threads = 1;
  InterpRun *run = interp_run_open (runner, path, &opts, error);
  g_free (dir);
  g_free (path);
  g_free (text);
  return run;
}

static char *
read_file (const char *name)
{
  char *path = g_build_filename (tmpdir, "out", name, NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s is missing", path);
  g_free (path);
  return text;
}

/* The value of the first summary.csv row of metric and target on clean data. */
static char *
csv_value (const char *csv, const char *metric, const char *target)
{
  char *want = g_strdup_printf (",%s,%s,clean,,", metric, target);
  const char *at = strstr (csv, want);
  cr_assert_not_null (at, "no row %s in\n%s", want, csv);
  at += strlen (want);
  char *value = g_strndup (at, strcspn (at, ",\n"));
  g_free (want);
  return value;
}

Test (prefix, two_instances_of_one_metric_report_apart)
{
  GError *error = NULL;
  InterpRun *run = open_run ("prefix = train-bn-\n", "out", &error);
  cr_assert_not_null (run, "%s", error ? error->message : "");
  cr_assert (interp_run_execute (run, NULL, &error), "%s", error ? error->message : "");
  interp_run_free (run);
  char *csv = read_file ("summary.csv");
  const char *targets[] = { "", "relu1" };
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      char *a = csv_value (csv, "selectivity-mean", targets[i]);
      char *b = csv_value (csv, "train-bn-selectivity-mean", targets[i]);
      cr_assert_str_eq (a, b, "target '%s': batch statistics of a BN-free net differ",
                        targets[i]);
      g_free (a);
      g_free (b);
    }
  cr_assert_null (strstr (csv, ",train-bn-accuracy,"), "only the prefixed instance's names");
  g_free (csv);
  /* The outputs table declares the prefixed names (the report reads it),
   * and the tracked instance's per-epoch rows carry them too. */
  char *summary = read_file ("summary.json");
  cr_assert (strstr (summary, "\"train-bn-selectivity-histogram\""), "%s", summary);
  cr_assert (strstr (summary, "\"selectivity-histogram\""));
  cr_assert (strstr (summary, "per layer [train-bn-]\""), "titles tell the instances apart: %s",
             summary);
  g_free (summary);
  char *epochs = read_file ("trials/trial-000/epochs.json");
  cr_assert (strstr (epochs, "\"train-bn-selectivity-mean\""), "%s", epochs);
  cr_assert_null (strstr (epochs, "\"selectivity-mean\""), "only the tracked instance: %s",
                  epochs);
  g_free (epochs);
}

Test (prefix, the_same_names_twice_are_refused_at_check)
{
  GError *error = NULL;
  InterpRun *run = open_run ("", NULL, &error);
  cr_assert_not_null (run, "%s", error ? error->message : "");
  cr_assert_not (interp_run_check (run, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE, "%s", error->message);
  cr_assert (strstr (error->message, "[metric:selectivity] and [metric:selectivity-batch]")
               && strstr (error->message, "'selectivity-mean'")
               && strstr (error->message, "prefix"),
             "%s", error->message);
  g_clear_error (&error);
  interp_run_free (run);
}

Test (prefix, a_prefix_outside_the_name_characters_is_refused)
{
  GError *error = NULL;
  InterpRun *run = open_run ("prefix = train,bn\n", NULL, &error);
  cr_assert_not_null (run, "%s", error ? error->message : "");
  cr_assert_not (interp_run_check (run, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE, "%s", error->message);
  cr_assert (strstr (error->message, "[metric:selectivity-batch] prefix 'train,bn'"), "%s",
             error->message);
  g_clear_error (&error);
  interp_run_free (run);
}
