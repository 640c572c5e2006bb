/* interp-run end to end: options, exit codes, the run folder, sweeps, resume. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "../test-tree.h"

static char *tmpdir;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-cli-XXXXXX", NULL);
}

static void
teardown (void)
{
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (cli, .init = setup, .fini = teardown, .timeout = 300);

/* Runs interp-run with the arguments (NULL-terminated); returns the exit status. */
static int
run (char **out, char **err, ...)
{
  const char *builddir = g_getenv ("INTERP_TEST_BUILDDIR");
  cr_assert_not_null (builddir, "INTERP_TEST_BUILDDIR is not set (run through make check)");
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_build_filename (builddir, "interp-run", NULL));
  va_list ap;
  va_start (ap, err);
  const char *a;
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  int status = -1;
  char *o = NULL, *e = NULL;
  GError *error = NULL;
  cr_assert (g_spawn_sync (tmpdir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &o,
                           &e, &status, &error),
             "spawn: %s", error ? error->message : "");
  g_ptr_array_unref (argv);
  if (out)
    *out = o;
  else
    g_free (o);
  if (err)
    *err = e;
  else
    g_free (e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static const char *smoke =
  "[pipeline]\nname = smoke\nseed = 1\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n"
  "[model]\nplugin = mlp\nhidden = 16\n"
  "[train]\nepochs = 2\nbatch-size = 32\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n";

static char *
write_file (const char *name, const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  cr_assert (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static char *
read_file (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s is missing", path);
  g_free (path);
  return text;
}

Test (cli, version_and_help)
{
  char *out = NULL;
  cr_assert_eq (run (&out, NULL, "--version", NULL), 0);
  cr_assert (strstr (out, "interp-run "));
  g_free (out);
  cr_assert_eq (run (&out, NULL, "--help", NULL), 0);
  cr_assert (strstr (out, "--describe"));
  g_free (out);
}

Test (cli, bad_usage_exits_2)
{
  cr_assert_eq (run (NULL, NULL, "--no-such-option", NULL), 2);
  cr_assert_eq (run (NULL, NULL, NULL), 2);
}

Test (cli, list_plugins_shows_the_build_tree)
{
  char *out = NULL;
  cr_assert_eq (run (&out, NULL, "--list-plugins", NULL), 0);
  cr_assert (strstr (out, "cnn"), "%s", out);
  cr_assert (strstr (out, "fashion-mnist"), "%s", out);
  cr_assert (strstr (out, "class-selectivity"), "%s", out);
  g_free (out);
}

Test (cli, describe_generates_help_from_the_table)
{
  char *out = NULL;
  cr_assert_eq (run (&out, NULL, "--describe", "regularizer:class-selectivity", NULL), 0);
  cr_assert (strstr (out, "alpha"), "%s", out);
  cr_assert (strstr (out, "layers"), "%s", out);
  g_free (out);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, "--describe", "metric:acuracy", NULL), 2);
  cr_assert (strstr (err, "accuracy"), "%s", err);
  g_free (err);
}

Test (cli, check_prints_resolved_values_with_overrides)
{
  char *path = write_file ("smoke.ini", smoke);
  char *out = NULL;
  cr_assert_eq (run (&out, NULL, path, "--check", "--set", "train.epochs=5", NULL), 0);
  cr_assert (strstr (out, "epochs = 5"), "%s", out);
  cr_assert (strstr (out, "eval-batch-size = 256"), "%s", out);
  g_free (out);
  char *results = g_build_filename (tmpdir, "results", NULL);
  cr_assert_not (g_file_test (results, G_FILE_TEST_EXISTS), "--check wrote something");
  g_free (results);
  g_free (path);
}

Test (cli, bad_pipeline_exits_2_naming_group_and_key)
{
  char *path = write_file ("smoke.ini", smoke);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--set", "train.epohcs=2", NULL), 2);
  cr_assert (strstr (err, "[train]") && strstr (err, "epohcs") && strstr (err, "epochs"),
             "%s", err);
  g_free (err);
  /* A value inside the table's range that the optimiser still refuses (beta1 must be < 1). */
  char *run_dir = g_build_filename (tmpdir, "beta", NULL);
  cr_assert_eq (run (NULL, &err, path, "--set", "train.optimizer=adam", "--set", "train.beta1=1",
                     "--output", run_dir, NULL), 2);
  cr_assert (strstr (err, "[train]") && strstr (err, "beta1"), "%s", err);
  g_free (err);
  g_free (run_dir);
  g_free (path);
}

static void
assert_run_folder (const char *run_dir)
{
  static const char *const files[] = { "manifest.json", "summary.csv", "summary.json",
                                       "report.html",
                                       "trials/trial-000/model.safetensors",
                                       "trials/trial-000/train-log.csv",
                                       "trials/trial-000/metrics.json",
                                       "trials/trial-000/trial.json", NULL };
  for (const char *const *f = files; *f; f++)
    {
      char *p = g_build_filename (run_dir, *f, NULL);
      cr_assert (g_file_test (p, G_FILE_TEST_IS_REGULAR), "%s is missing", p);
      g_free (p);
    }
}

Test (cli, end_to_end_run_folder)
{
  char *path = write_file ("smoke.ini", smoke);
  char *run_dir = g_build_filename (tmpdir, "run", NULL);
  char *err = NULL;
  int status = run (NULL, &err, path, "--output", run_dir, "-j", "1", NULL);
  cr_assert_eq (status, 0, "interp-run failed: %s", err);
  g_free (err);
  assert_run_folder (run_dir);

  char *csv = read_file (run_dir, "summary.csv");
  char **lines = g_strsplit (csv, "\n", -1);
  cr_assert_str_eq (lines[0], "trial,seed,metric,target,perturbation,level,value");
  gboolean found = FALSE;
  for (char **l = lines + 1; *l; l++)
    if (g_str_has_prefix (*l, "trial-000,1,accuracy,,clean,,"))
      {
        double acc = g_ascii_strtod (*l + strlen ("trial-000,1,accuracy,,clean,,"), NULL);
        cr_assert (acc > 0.5 && acc <= 1.0, "accuracy %g on the synthetic data", acc);
        found = TRUE;
      }
  cr_assert (found, "no accuracy row in:\n%s", csv);
  g_strfreev (lines);
  g_free (csv);

  char *log = read_file (run_dir, "trials/trial-000/train-log.csv");
  cr_assert (g_str_has_prefix (log, "epoch,train_loss,train_accuracy,val_accuracy,learning_rate,seconds\n1,"),
             "%s", log);
  cr_assert (strstr (log, "\n2,"), "%s", log);
  g_free (log);

  char *manifest = read_file (run_dir, "manifest.json");
  JsonParser *parser = json_parser_new ();
  cr_assert (json_parser_load_from_data (parser, manifest, -1, NULL));
  JsonObject *m = json_node_get_object (json_parser_get_root (parser));
  cr_assert (json_object_has_member (m, "interp_version"));
  cr_assert (json_object_has_member (m, "host"));
  cr_assert_not_null (json_object_get_string_member (m, "finished"));
  cr_assert_gt (json_array_get_length (json_object_get_array_member (m, "plugins")), 0);
  g_object_unref (parser);

  /* A finished run is never overwritten. */
  err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--output", run_dir, NULL), 2);
  cr_assert (strstr (err, "--force"), "%s", err);
  g_free (err);
  char *again = read_file (run_dir, "manifest.json");
  cr_assert_str_eq (again, manifest);
  g_free (again);
  g_free (manifest);

  g_free (run_dir);
  g_free (path);
}

static char *
file_digest (const char *dir, const char *name)
{
  char *text = NULL;
  gsize len = 0;
  char *path = g_build_filename (dir, name, NULL);
  cr_assert (g_file_get_contents (path, &text, &len, NULL), "%s is missing", path);
  char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
  g_free (text);
  g_free (path);
  return sum;
}

static char *
summary_values (const char *dir)
{
  /* summary.csv without the trial-independent parts is compared whole. */
  return read_file (dir, "summary.csv");
}

Test (cli, sweep_parallel_equals_serial_and_resumes)
{
  char *text = g_strconcat (smoke, "[sweep]\ntrain.learning-rate = 0.05, 0.1\npipeline.seed = 1..2\n",
                            NULL);
  char *path = write_file ("sweep.ini", text);
  char *s1 = g_build_filename (tmpdir, "serial", NULL);
  char *s2 = g_build_filename (tmpdir, "parallel", NULL);
  cr_assert_eq (run (NULL, NULL, path, "--output", s1, "-j", "1", "-q", NULL), 0);
  cr_assert_eq (run (NULL, NULL, path, "--output", s2, "-j", "2", "-q", NULL), 0);
  char *a = summary_values (s1), *b = summary_values (s2);
  cr_assert_str_eq (a, b, "-j 2 and -j 1 disagree");
  cr_assert (g_str_has_prefix (a, "trial,seed,metric,target,perturbation,level,value,"
                                  "train.learning-rate,pipeline.seed\n"), "%s", a);
  cr_assert (strstr (a, "trial-003,2,accuracy,,clean,,"), "%s", a);

  /* Kill a sweep between trials: remove the last trial and the finish mark, resume. */
  char *t3 = g_build_filename (s1, "trials", "trial-003", NULL);
  test_remove_tree (t3);
  char *manifest = g_build_filename (s1, "manifest.json", NULL);
  g_unlink (manifest);
  char *summary = g_build_filename (s1, "summary.csv", NULL);
  g_unlink (summary);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--output", s1, "-j", "1", NULL), 2,
                "an unfinished run must not be continued without --resume");
  g_free (err);
  cr_assert_eq (run (NULL, &err, path, "--output", s1, "-j", "1", "--resume", NULL), 0, "%s", err);
  cr_assert (strstr (err, "trial-000: complete, skipped"), "%s", err);
  g_free (err);
  char *c = summary_values (s1);
  cr_assert_str_eq (a, c, "the resumed sweep's summary differs");
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (t3);
  g_free (manifest);
  g_free (summary);
  g_free (s1);
  g_free (s2);
  g_free (path);
  g_free (text);
}

Test (cli, corruptions_attacks_and_non_finite_values)
{
  char *text = g_strconcat (smoke,
                            "[corruption:dark]\nplugin = darken\nseverity = 1, 3\n"
                            "[attack:noise]\nplugin = random-sign\nepsilon = 0, 0.5\n"
                            "[metric:c]\nplugin = constant\nvalue = nan\n"
                            "[metric:sel]\nplugin = class-selectivity\n", NULL);
  char *path = write_file ("probes.ini", text);
  char *run_dir = g_build_filename (tmpdir, "probes", NULL);
  char *plugins = g_build_filename (g_getenv ("INTERP_TEST_BUILDDIR"), "tests", "runner",
                                    ".libs", NULL);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--plugin-path", plugins, "--output", run_dir, "-j", "1",
                     NULL), 0, "%s", err);
  g_free (err);
  char *csv = read_file (run_dir, "summary.csv");
  cr_assert (strstr (csv, "\ntrial-000,1,constant,,clean,,NaN\n"), "%s", csv);
  cr_assert (strstr (csv, "\ntrial-000,1,accuracy,,corruption:dark,3,"), "%s", csv);
  cr_assert (strstr (csv, "\ntrial-000,1,accuracy,,attack:noise,0.5,"), "%s", csv);
  /* One batch of the 128 test images per condition (eval-batch-size 256). */
  cr_assert (strstr (csv, "\ntrial-000,1,batches,,attack:noise,0,1\n"), "%s", csv);
  /* An attack of amplitude 0 changes nothing: same accuracy as clean. */
  char *clean = strstr (csv, "\ntrial-000,1,accuracy,,clean,,");
  char *zero = strstr (csv, "\ntrial-000,1,accuracy,,attack:noise,0,");
  cr_assert (clean && zero);
  cr_assert_eq (g_ascii_strtod (clean + strlen ("\ntrial-000,1,accuracy,,clean,,"), NULL),
                g_ascii_strtod (zero + strlen ("\ntrial-000,1,accuracy,,attack:noise,0,"), NULL));
  /* summary.json and metrics.json stay valid JSON with a NaN value (null). */
  JsonParser *parser = json_parser_new ();
  char *sj = g_build_filename (run_dir, "summary.json", NULL);
  cr_assert (json_parser_load_from_file (parser, sj, NULL), "summary.json is not JSON");
  char *mj = g_build_filename (run_dir, "trials", "trial-000", "metrics.json", NULL);
  cr_assert (json_parser_load_from_file (parser, mj, NULL), "metrics.json is not JSON");
  g_object_unref (parser);

  /* A plugin's own report section (metric:class-selectivity) reaches report.html. */
  char *section = read_file (run_dir, "trials/trial-000/report-sections/20-most-selective-units.html");
  cr_assert (strstr (section, "<td>relu1</td>"), "%s", section);
  g_free (section);
  char *html = read_file (run_dir, "report.html");
  cr_assert (strstr (html, "most selective units"), "the plugin section is not in report.html");
  g_free (html);

  /* Same pipeline, same seed: the random attack gives the same numbers. */
  char *again = g_build_filename (tmpdir, "probes-again", NULL);
  cr_assert_eq (run (NULL, NULL, path, "--plugin-path", plugins, "--output", again, "-j", "1", "-q",
                     NULL), 0);
  char *csv2 = read_file (again, "summary.csv");
  cr_assert_str_eq (csv, csv2);
  g_free (csv2);
  g_free (again);
  g_free (sj);
  g_free (mj);
  g_free (csv);
  g_free (plugins);
  g_free (run_dir);
  g_free (path);
  g_free (text);
}

static char *
shipped_pipeline (const char *name)
{
  return g_build_filename (g_getenv ("INTERP_TEST_SRCDIR"), "share", "interp", "pipelines", name,
                           NULL);
}

Test (cli, shipped_pipelines_are_valid)
{
  static const char *const names[] = { "quickstart.ini", "smoke.ini", "selectivity.ini",
                                       "selectivity-diagnostics.ini",
                                       "corruptions.ini", "robustness.ini", "saliency.ini",
                                       NULL };
  for (const char *const *n = names; *n; n++)
    {
      char *path = shipped_pipeline (*n);
      char *err = NULL;
      cr_assert_eq (run (NULL, &err, path, "--check", NULL), 0, "%s: %s", *n, err);
      g_free (err);
      g_free (path);
    }
}

/* Writes CIFAR-10 binary batches of `per_batch` records (1 label byte + 3072 pixel bytes). */
static char *
write_cifar10 (int per_batch)
{
  char *dir = g_build_filename (tmpdir, "cifar-10-batches-bin", NULL);
  g_mkdir_with_parents (dir, 0755);
  static const char *const files[] = { "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                                       "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin",
                                       NULL };
  guint8 *rec = g_malloc ((gsize) per_batch * 3073);
  int serial = 0;
  for (const char *const *f = files; *f; f++)
    {
      for (int i = 0; i < per_batch; i++, serial++)
        {
          guint8 *r = rec + (gsize) i * 3073;
          r[0] = (guint8) (serial % 10);
          /* Class k is brightest in a band of rows: learnable, not trivial. */
          for (int p = 0; p < 3072; p++)
            r[1 + p] = (guint8) ((((p % 1024) / 32) / 4 == r[0] % 8 ? 200 : 40) + (serial * 7 + p) % 50);
        }
      char *path = g_build_filename (dir, *f, NULL);
      cr_assert (g_file_set_contents (path, (const char *) rec, (gssize) per_batch * 3073, NULL));
      g_free (path);
    }
  g_free (rec);
  return dir;
}

Test (cli, resnet20_cifar10_pipeline_runs_on_cifar_format_files)
{
  char *data = write_cifar10 (20);
  char *path = shipped_pipeline ("resnet20-cifar10.ini");
  char *run_dir = g_build_filename (tmpdir, "resnet", NULL);
  char *set_path = g_strdup_printf ("dataset.path=%s", data);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--set", set_path, "--set", "train.epochs=1",
                     "--set", "train.batch-size=25", "--output", run_dir, "-j", "1", NULL), 0,
                "%s", err);
  cr_assert (strstr (err, "269722 parameters"), "ResNet-20 should have 269722 parameters: %s", err);
  g_free (err);
  assert_run_folder (run_dir);
  char *csv = read_file (run_dir, "summary.csv");
  cr_assert (strstr (csv, ",selectivity-mean,layer3.2.relu2,clean,,"), "%s", csv);
  g_free (csv);
  g_free (set_path);
  g_free (run_dir);
  g_free (path);
  g_free (data);
}

/* The paper's setting of robustness.ini: it validates against CIFAR-format
 * files (every stage, key, layer glob and hypothesis checked, nothing trained). */
Test (cli, robustness_cifar10_pipeline_is_valid_on_cifar_format_files)
{
  char *data = write_cifar10 (20);
  char *path = shipped_pipeline ("robustness-cifar10.ini");
  char *set_path = g_strdup_printf ("dataset.path=%s", data);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--set", set_path, "--check", NULL), 0, "%s", err);
  g_free (err);
  g_free (set_path);
  g_free (path);
  g_free (data);
}

/* selectivity.ini's ResNet-20 setting validates against CIFAR-format files,
 * and its block-output glob reaches the 9 residual blocks in a short run
 * with the hypotheses skipped. */
Test (cli, selectivity_resnet20_cifar10_pipeline_runs_on_cifar_format_files)
{
  char *data = write_cifar10 (20);
  char *path = shipped_pipeline ("selectivity-resnet20-cifar10.ini");
  char *set_path = g_strdup_printf ("dataset.path=%s", data);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--set", set_path, "--check", NULL), 0, "%s", err);
  g_free (err);
  char *run_dir = g_build_filename (tmpdir, "sel-resnet", NULL);
  cr_assert_eq (run (NULL, &err, path, "--set", set_path, "--set", "train.epochs=1",
                     "--set", "train.batch-size=25", "--set", "sweep.pipeline.seed=101",
                     "--set", "sweep.regularizer:selectivity.alpha=2", "--skip-hypotheses",
                     "--output", run_dir, "-j", "1", NULL), 0, "%s", err);
  g_free (err);
  char *csv = read_file (run_dir, "summary.csv");
  cr_assert (strstr (csv, ",selectivity-mean,layer1.0.relu2,clean,,"), "%s", csv);
  cr_assert (strstr (csv, ",selectivity-mean,layer3.2.relu2,clean,,"), "%s", csv);
  cr_assert_null (strstr (csv, "relu1,clean"), "only block outputs are read: %s", csv);
  g_free (csv);
  g_free (run_dir);
  g_free (set_path);
  g_free (path);
  g_free (data);
}

/* A network too large for the memory allowed stops before allocating its
 * buffers, naming the largest node and the bytes; a malformed limit is
 * refused up front (exit 2) and a layer larger than the machine's memory is
 * an error at build time (exit 1), not an abort. */
Test (cli, a_network_too_large_for_memory_is_an_error)
{
  char *path = write_file ("mem.ini", smoke);
  char *dir = g_build_filename (tmpdir, "mem", NULL);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--max-memory", "64K", "--output", dir, NULL), 1);
  cr_assert (strstr (err, "the network's buffers need about")
               && strstr (err, "more than the limit [pipeline] max-memory = 64K")
               && strstr (err, "[train] batch-size = 32")
               && strstr (err, "the largest is node 'input'"), "%s", err);
  g_free (err);
  cr_assert_eq (run (NULL, &err, path, "--max-memory", "12Q", "--check", NULL), 2);
  cr_assert (strstr (err, "[pipeline] max-memory '12Q'"), "%s", err);
  g_free (err);
  cr_assert_eq (run (NULL, &err, path, "--max-memory", "none", "--output", dir, "--force", "-q",
                     NULL), 0, "%s", err);
  g_free (err);
  cr_assert_eq (run (NULL, &err, path, "--set", "model.hidden=1048576,1048576", "--output", dir,
                     "--force", NULL), 1);
  cr_assert (strstr (err, "node 'fc2' (linear)") && strstr (err, "8.8 TB")
               && strstr (err, "of memory available"), "%s",
             err);
  g_free (err);
  g_free (dir);
  g_free (path);
}

Test (cli, selectivity_regularizer_at_alpha_zero_changes_nothing)
{
  char *plain = write_file ("plain.ini", smoke);
  char *text = g_strconcat (smoke, "[regularizer:sel]\nplugin = class-selectivity\nalpha = 0\n",
                            NULL);
  char *regularised = write_file ("alpha0.ini", text);
  char *a = g_build_filename (tmpdir, "plain", NULL);
  char *b = g_build_filename (tmpdir, "alpha0", NULL);
  cr_assert_eq (run (NULL, NULL, plain, "--output", a, "-j", "1", "-q", NULL), 0);
  cr_assert_eq (run (NULL, NULL, regularised, "--output", b, "-j", "1", "-q", NULL), 0);
  char *da = file_digest (a, "trials/trial-000/model.safetensors");
  char *db = file_digest (b, "trials/trial-000/model.safetensors");
  cr_assert_str_eq (da, db, "alpha = 0 changed the trained weights");
  g_free (da);
  g_free (db);
  g_free (a);
  g_free (b);
  g_free (regularised);
  g_free (plain);
  g_free (text);
}

Test (cli, a_diverged_training_is_recorded_or_fails_as_asked)
{
  char *path = write_file ("smoke.ini", smoke);
  char *a = g_build_filename (tmpdir, "diverged", NULL);
  char *err = NULL;
  cr_assert_eq (run (NULL, &err, path, "--set", "train.learning-rate=100", "--output", a, "-j", "1",
                     NULL), 0, "%s", err);
  cr_assert (strstr (err, "diverged"), "%s", err);
  g_free (err);
  char *csv = read_file (a, "summary.csv");
  cr_assert (strstr (csv, "\ntrial-000,1,training-diverged,,clean,,1\n"), "%s", csv);
  g_free (csv);
  char *b = g_build_filename (tmpdir, "fails", NULL);
  cr_assert_eq (run (NULL, NULL, path, "--set", "train.learning-rate=100", "--set",
                     "train.on-divergence=fail", "--output", b, "-j", "1", "-q", NULL), 1);
  char *c = g_build_filename (tmpdir, "fine", NULL);
  cr_assert_eq (run (NULL, NULL, path, "--output", c, "-j", "1", "-q", NULL), 0);
  csv = read_file (c, "summary.csv");
  cr_assert (strstr (csv, "\ntrial-000,1,training-diverged,,clean,,0\n"), "%s", csv);
  g_free (csv);
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (path);
}
