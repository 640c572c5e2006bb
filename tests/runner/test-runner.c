/* The public runner API (include/interp/runner.h) as a client program uses
 * it: runs, training hooks, executors, the worker invocation.  Links only
 * libinterp.so, like any program outside the tree. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <interp/interp.h>
#include <interp/runner.h>
#include <json-glib/json-glib.h>

#include "../test-tree.h"

static char *tmpdir;
static InterpRunner *runner;

static void
setup (void)
{
  tmpdir = g_dir_make_tmp ("interp-runner-XXXXXX", NULL);
  runner = interp_runner_new (NULL);
}

static void
teardown (void)
{
  interp_runner_free (runner);
  test_remove_tree (tmpdir);
  g_free (tmpdir);
}

TestSuite (runner, .init = setup, .fini = teardown, .timeout = 300);

/* 256 training images, 64 of them for validation: 6 batches of 32 an epoch. */
static const char *smoke =
  "[pipeline]\nname = smoke\nseed = 1\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n"
  "[model]\nplugin = mlp\nhidden = 16\n"
  "[train]\nepochs = 3\nbatch-size = 32\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n";

static char *
write_pipeline (const char *name, const char *text)
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
  gsize len = 0;
  cr_assert (g_file_get_contents (path, &text, &len, NULL), "%s is missing", path);
  g_free (path);
  return text;
}

static char *
file_digest (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;
  gsize len = 0;
  cr_assert (g_file_get_contents (path, &text, &len, NULL), "%s is missing", path);
  char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
  g_free (text);
  g_free (path);
  return sum;
}

/* Opens `pipeline` into tmpdir/OUTPUT with the given hooks and runs it. */
static gboolean
run_pipeline (const char *pipeline, const char *output, gboolean resume,
              const InterpTrainHooks *hooks, gpointer self, InterpExecutor *executor,
              GError **error)
{
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  char *dir = g_build_filename (tmpdir, output, NULL);
  opts.output = dir;
  opts.threads = 1;
  opts.resume = resume;
  opts.train_hooks = hooks;
  opts.train_hooks_self = self;
  InterpRun *run = interp_run_open (runner, pipeline, &opts, error);
  g_free (dir);
  gboolean ok = run && interp_run_execute (run, executor, error);
  interp_run_free (run);
  return ok;
}

typedef struct {
  int64_t fail_after;     /* on_epoch_end fails after this epoch (0: never) */
  int64_t stop_after;     /* on_epoch_end stops after this epoch (0: never) */
  int batches, steps, epochs;
  gboolean loss_was_set;  /* every on_batch of the hook saw the trainer's loss */
  gboolean rate_was_set;  /* every before_step saw a positive learning rate */
} Probe;

static gboolean
probe_on_batch (gpointer self, InterpTrainBatch *b, GError **error)
{
  Probe *p = self;
  p->batches++;
  p->loss_was_set = p->loss_was_set && isfinite (b->loss) && b->loss > 0 && b->n > 0;
  return TRUE;
}

static gboolean
probe_before_step (gpointer self, InterpTrainBatch *b, GError **error)
{
  Probe *p = self;
  p->steps++;
  p->rate_was_set = p->rate_was_set && b->learning_rate > 0;
  return TRUE;
}

static gboolean
probe_on_epoch_end (gpointer self, InterpNet *net, const InterpEpochSummary *e, gboolean *stop,
                    GError **error)
{
  Probe *p = self;
  p->epochs++;
  cr_assert_eq (e->epochs, 3);
  cr_assert (e->train_accuracy >= 0 && e->train_accuracy <= 1);
  if (e->epoch == p->fail_after)
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED, "interrupted after epoch %d",
                   (int) e->epoch);
      return FALSE;
    }
  if (e->epoch == p->stop_after)
    *stop = TRUE;
  return TRUE;
}

static const InterpTrainHooks probe_hooks = {
  INTERP_VTABLE_SIZE (InterpTrainHooks),
  .on_batch = probe_on_batch,
  .before_step = probe_before_step,
  .on_epoch_end = probe_on_epoch_end,
};

Test (runner, hooks_see_every_batch_step_and_epoch)
{
  char *path = write_pipeline ("smoke.ini", smoke);
  Probe p = { .loss_was_set = TRUE, .rate_was_set = TRUE };
  GError *error = NULL;
  cr_assert (run_pipeline (path, "hooks", FALSE, &probe_hooks, &p, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (p.epochs, 3);
  cr_assert_eq (p.batches, 3 * 6, "%d batches", p.batches);
  cr_assert_eq (p.steps, 3 * 6);
  cr_assert (p.loss_was_set, "a hook's on_batch runs after the trainer's loss");
  cr_assert (p.rate_was_set, "before_step sees the scheduled rate");
  g_free (path);
}

Test (runner, hook_stop_ends_training_after_that_epoch)
{
  char *path = write_pipeline ("smoke.ini", smoke);
  Probe p = { .stop_after = 1, .loss_was_set = TRUE, .rate_was_set = TRUE };
  GError *error = NULL;
  cr_assert (run_pipeline (path, "stopped", FALSE, &probe_hooks, &p, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (p.epochs, 1);
  char *dir = g_build_filename (tmpdir, "stopped", "trials", "trial-000", NULL);
  char *log = read_file (dir, "train-log.csv");
  cr_assert (g_str_has_prefix (log, "epoch,train_loss,"), "%s", log);
  cr_assert (strstr (log, "\n1,") && !strstr (log, "\n2,"), "one epoch logged: %s", log);
  g_free (log);
  g_free (dir);
  g_free (path);
}

Test (runner, resume_after_an_interrupted_epoch_is_bit_identical)
{
  char *path = write_pipeline ("smoke.ini", smoke);
  GError *error = NULL;
  cr_assert (run_pipeline (path, "a", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");

  /* Fail right after epoch 1 was checkpointed, as a kill would. */
  Probe p = { .fail_after = 1, .loss_was_set = TRUE, .rate_was_set = TRUE };
  cr_assert_not (run_pipeline (path, "b", FALSE, &probe_hooks, &p, NULL, &error));
  cr_assert (strstr (error->message, "interrupted after epoch 1"), "%s", error->message);
  g_clear_error (&error);

  cr_assert_not (run_pipeline (path, "b", FALSE, NULL, NULL, NULL, &error),
                 "an unfinished run must not be continued without resume");
  cr_assert_eq (error->code, INTERP_ERROR_EXISTS, "%s", error->message);
  g_clear_error (&error);

  Probe q = { .loss_was_set = TRUE, .rate_was_set = TRUE };
  cr_assert (run_pipeline (path, "b", TRUE, &probe_hooks, &q, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (q.epochs, 2, "the resumed run trains epochs 2 and 3 only");

  char *ta = g_build_filename (tmpdir, "a", "trials", "trial-000", NULL);
  char *tb = g_build_filename (tmpdir, "b", "trials", "trial-000", NULL);
  char *da = file_digest (ta, "model.safetensors"), *db = file_digest (tb, "model.safetensors");
  cr_assert_str_eq (da, db, "resumed weights differ from an uninterrupted run");
  g_free (da);
  g_free (db);
  g_free (ta);
  g_free (tb);
  g_free (path);
}

/* An executor of the caller's: the trials in reverse order, in this process. */
typedef struct {
  guint calls;
  guint trials_seen;
} Reverse;

static gboolean
reverse_run_trials (gpointer self, InterpRun *run, const guint *trials, guint n, int threads,
                    GError **error)
{
  Reverse *r = self;
  r->calls++;
  for (guint k = n; k-- > 0;)
    {
      r->trials_seen++;
      if (!interp_run_trial (run, trials[k], threads, error))
        return FALSE;
    }
  return TRUE;
}

static const InterpExecutorVTable reverse_vtable = {
  .struct_size = sizeof (InterpExecutorVTable),
  .run_trials = reverse_run_trials,
};

Test (runner, any_executor_gives_the_serial_results)
{
  char *text = g_strconcat (smoke, "[sweep]\ntrain.learning-rate = 0.05, 0.1\n", NULL);
  char *path = write_pipeline ("sweep.ini", text);
  GError *error = NULL;
  cr_assert (run_pipeline (path, "serial", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  Reverse r = { 0 };
  InterpExecutor *ex = interp_executor_new (&reverse_vtable, &r);
  cr_assert (run_pipeline (path, "reverse", FALSE, NULL, NULL, ex, &error), "%s",
             error ? error->message : "");
  interp_executor_free (ex);
  cr_assert_eq (r.calls, 1);
  cr_assert_eq (r.trials_seen, 2);
  char *sd = g_build_filename (tmpdir, "serial", NULL), *rd = g_build_filename (tmpdir, "reverse", NULL);
  char *a = read_file (sd, "summary.csv"), *b = read_file (rd, "summary.csv");
  cr_assert_str_eq (a, b);
  g_free (a);
  g_free (b);
  g_free (sd);
  g_free (rd);
  g_free (text);
  g_free (path);
}

Test (runner, open_check_and_describe)
{
  char *path = write_pipeline ("smoke.ini", smoke);
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  const char *const overrides[] = { "train.epochs=7", NULL };
  opts.overrides = overrides;
  GError *error = NULL;
  InterpRun *run = interp_run_open (runner, path, &opts, &error);
  cr_assert_not_null (run, "%s", error ? error->message : "");
  cr_assert_str_eq (interp_run_folder (run), "results/smoke");
  cr_assert_eq (interp_run_n_trials (run), 1);
  cr_assert_str_eq (interp_run_pipeline_file (run), path);
  cr_assert_str_eq (interp_run_overrides (run)[0], "train.epochs=7");
  cr_assert (interp_run_check (run, &error));
  char *text = interp_run_resolved_text (run);
  cr_assert (strstr (text, "epochs = 7"), "%s", text);
  g_free (text);
  interp_run_free (run);

  text = interp_runner_describe (runner, "train", &error);
  cr_assert (text && strstr (text, "learning-rate"), "%s", text ? text : error->message);
  g_free (text);
  text = interp_runner_describe (runner, "metric:accuracy", &error);
  cr_assert (text && strstr (text, "top-k"), "%s", text ? text : error->message);
  g_free (text);
  cr_assert_null (interp_runner_describe (runner, "metric:acuracy", &error));
  cr_assert_eq (error->code, INTERP_ERROR_NOT_FOUND);
  cr_assert (strstr (error->message, "accuracy"), "suggests the closest: %s", error->message);
  g_clear_error (&error);

  const char *const bad[] = { "train.epoch=7", NULL };
  opts.overrides = bad;
  cr_assert_null (interp_run_open (runner, path, &opts, &error));
  cr_assert_eq (error->code, INTERP_ERROR_UNKNOWN_KEY, "%s", error->message);
  g_clear_error (&error);
  g_free (path);
}

Test (runner, a_bad_worker_invocation_is_refused)
{
  char *argv_missing[] = { "prog", INTERP_WORKER_FLAG, "--trial=0", NULL };
  cr_assert (interp_worker_is_invocation (3, argv_missing));
  char *argv_plain[] = { "prog", "pipeline.ini", NULL };
  cr_assert_not (interp_worker_is_invocation (2, argv_plain));
  cr_assert_eq (interp_worker_main (3, argv_missing, NULL), 2);
  char *argv_extra[] = { "prog", INTERP_WORKER_FLAG, "--pipeline=x.ini", "--output=o",
                         "--trial=0", "--threads=1", "stray", NULL };
  cr_assert_eq (interp_worker_main (7, argv_extra, NULL), 2);
}

/* ---- [metric:*] track-epochs ------------------------------------------- */

/* The smoke pipeline with accuracy and class selectivity tracked; dropout
 * and flips make training draw from random streams, so a stream the
 * tracking consumed would change the weights. */
static const char *tracked =
  "[pipeline]\nname = tracked\nseed = 1\n"
  "[dataset]\nplugin = synthetic\ntrain-size = 256\ntest-size = 128\nval-split = 0.25\n"
  "augment-flip = true\n"
  "[model]\nplugin = mlp\nhidden = 16\ndropout = 0.3\n"
  "[train]\nepochs = 3\nbatch-size = 32\nlearning-rate = 0.05\n"
  "[metric:accuracy]\nplugin = accuracy\n"
  "[metric:selectivity]\nplugin = class-selectivity\n";

static char *
tracked_pipeline (const char *name, gboolean on)
{
  char *text = g_strdup (tracked);
  if (on)
    {
      char *t = text;
      char **parts = g_strsplit (t, "plugin = accuracy\n", 2);
      text = g_strjoinv ("plugin = accuracy\ntrack-epochs = true\n", parts);
      g_strfreev (parts);
      g_free (t);
      t = text;
      parts = g_strsplit (t, "plugin = class-selectivity\n", 2);
      text = g_strjoinv ("plugin = class-selectivity\ntrack-epochs = true\n", parts);
      g_strfreev (parts);
      g_free (t);
    }
  char *path = write_pipeline (name, text);
  g_free (text);
  return path;
}

static JsonObject *
read_epochs (JsonParser *parser, const char *dir)
{
  char *path = g_build_filename (dir, "epochs.json", NULL);
  GError *error = NULL;
  cr_assert (json_parser_load_from_file (parser, path, &error), "%s: %s", path,
             error ? error->message : "");
  g_free (path);
  return json_node_get_object (json_parser_get_root (parser));
}

Test (runner, tracking_records_every_epoch_on_the_validation_split)
{
  char *path = tracked_pipeline ("tracked.ini", TRUE);
  GError *error = NULL;
  cr_assert (run_pipeline (path, "t", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  char *dir = g_build_filename (tmpdir, "t", "trials", "trial-000", NULL);
  JsonParser *parser = json_parser_new ();
  JsonObject *o = read_epochs (parser, dir);
  cr_assert_eq (json_object_get_int_member (o, "epochs"), 3);
  JsonArray *rows = json_object_get_array_member (o, "rows");
  /* Per epoch: accuracy, loss; selectivity-mean/median, silent-units,
   * negative-units of relu1 and the network's selectivity-mean. */
  cr_assert_eq (json_array_get_length (rows), 3 * 7, "%u rows", json_array_get_length (rows));
  /* The independent value: train-log.csv's val_accuracy, which the loop
   * computes with its own argmax (interp_split_accuracy) and writes with
   * %.6f, so the two agree to half a unit of the 6th decimal. */
  char *log = read_file (dir, "train-log.csv");
  char **lines = g_strsplit (log, "\n", -1);
  int accuracy_rows = 0;
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *r = json_array_get_object_element (rows, i);
      gint64 epoch = json_object_get_int_member (r, "epoch");
      cr_assert (epoch >= 1 && epoch <= 3);
      cr_assert_eq (epoch, 1 + i / 7, "rows in epoch order");
      if (strcmp (json_object_get_string_member (r, "metric"), "accuracy") != 0)
        continue;
      accuracy_rows++;
      char **cells = g_strsplit (lines[epoch], ",", -1);
      double val = g_ascii_strtod (cells[3], NULL);
      g_strfreev (cells);
      double tracked_val = json_object_get_double_member (r, "value");
      cr_assert (fabs (tracked_val - val) <= 5e-7, "epoch %d: tracked %.9f, logged %.9f",
                 (int) epoch, tracked_val, val);
    }
  cr_assert_eq (accuracy_rows, 3);
  /* Nothing but SCALAR and PER_LAYER rows: no histogram or per-unit values. */
  char *text = read_file (dir, "epochs.json");
  cr_assert_null (strstr (text, "selectivity-histogram"));
  cr_assert_null (strstr (text, "\"values\""));
  g_free (text);
  g_strfreev (lines);
  g_free (log);
  g_object_unref (parser);
  g_free (dir);
  g_free (path);
}

Test (runner, tracking_leaves_training_bit_identical)
{
  char *on = tracked_pipeline ("on.ini", TRUE), *off = tracked_pipeline ("off.ini", FALSE);
  GError *error = NULL;
  cr_assert (run_pipeline (on, "on", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert (run_pipeline (off, "off", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  char *a = g_build_filename (tmpdir, "on", "trials", "trial-000", NULL);
  char *b = g_build_filename (tmpdir, "off", "trials", "trial-000", NULL);
  const char *files[] = { "model.safetensors", "metrics.json" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      char *da = file_digest (a, files[i]), *db = file_digest (b, files[i]);
      cr_assert_str_eq (da, db, "%s differs with tracking on", files[i]);
      g_free (da);
      g_free (db);
    }
  char *path = g_build_filename (b, "epochs.json", NULL);
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS), "no epochs.json without tracking");
  g_free (path);
  g_free (a);
  g_free (b);
  g_free (on);
  g_free (off);
}

Test (runner, tracking_resumes_to_the_uninterrupted_epochs_file)
{
  char *path = tracked_pipeline ("tracked.ini", TRUE);
  GError *error = NULL;
  cr_assert (run_pipeline (path, "a", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  char *ta = g_build_filename (tmpdir, "a", "trials", "trial-000", NULL);
  char *want = file_digest (ta, "epochs.json");
  /* b: killed after epoch 1 (rows of epoch 1 written); c: the same, but the
   * kill came between epoch 1's checkpoint and its rows. */
  const char *outs[] = { "b", "c" };
  for (guint k = 0; k < G_N_ELEMENTS (outs); k++)
    {
      Probe p = { .fail_after = 1, .loss_was_set = TRUE, .rate_was_set = TRUE };
      cr_assert_not (run_pipeline (path, outs[k], FALSE, &probe_hooks, &p, NULL, &error));
      g_clear_error (&error);
      char *dir = g_build_filename (tmpdir, outs[k], "trials", "trial-000", NULL);
      if (k == 1)
        {
          char *f = g_build_filename (dir, "epochs.json", NULL);
          cr_assert (g_file_set_contents (f, "{\"epochs\": 0, \"rows\": []}", -1, NULL));
          g_free (f);
        }
      cr_assert (run_pipeline (path, outs[k], TRUE, NULL, NULL, NULL, &error), "%s",
                 error ? error->message : "");
      char *got = file_digest (dir, "epochs.json");
      cr_assert_str_eq (got, want, "%s: resumed epochs.json differs", outs[k]);
      g_free (got);
      g_free (dir);
    }
  g_free (want);
  g_free (ta);
  g_free (path);
}

Test (runner, tracking_without_a_validation_split_is_refused_at_check)
{
  char *path = tracked_pipeline ("tracked.ini", TRUE);
  InterpRunOptions opts;
  interp_run_options_init (&opts);
  const char *const overrides[] = { "dataset.val-split=0", NULL };
  opts.overrides = overrides;
  GError *error = NULL;
  InterpRun *run = interp_run_open (runner, path, &opts, &error);
  cr_assert_not_null (run, "%s", error ? error->message : "");
  cr_assert_not (interp_run_check (run, &error));
  cr_assert_eq (error->code, INTERP_ERROR_BAD_VALUE, "%s", error->message);
  cr_assert (strstr (error->message, "[metric:accuracy] track-epochs")
             && strstr (error->message, "val-split"), "%s", error->message);
  g_clear_error (&error);
  interp_run_free (run);
  g_free (path);
}

/* [train] gradient-norms through a whole run: the trial writes
 * gradient-norms.csv with the regulariser's rows, the model is the one
 * trained without it, and a run resumed after epoch 1 ends with the same
 * file (tests/train/test-gradient-norms.c checks the numbers). */
Test (runner, gradient_norms_through_a_run)
{
  const char *reg = "[regularizer:selectivity]\nplugin = class-selectivity\nalpha = 1\n";
  char *on_text = g_strconcat (smoke, reg, "[sweep]\ntrain.gradient-norms = 4\n", NULL);
  char *off_text = g_strconcat (smoke, reg, NULL);
  char *on = write_pipeline ("gn-on.ini", on_text), *off = write_pipeline ("gn-off.ini", off_text);
  GError *error = NULL;
  cr_assert (run_pipeline (on, "gn-a", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  cr_assert (run_pipeline (off, "gn-off", FALSE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  char *a = g_build_filename (tmpdir, "gn-a", "trials", "trial-000", NULL);
  char *o = g_build_filename (tmpdir, "gn-off", "trials", "trial-000", NULL);
  char *da = file_digest (a, "model.safetensors"), *dof = file_digest (o, "model.safetensors");
  cr_assert_str_eq (da, dof, "gradient-norms changed the trained model");
  char *path = g_build_filename (o, "gradient-norms.csv", NULL);
  cr_assert_not (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (path);
  /* 3 epochs of 6 steps: steps 0, 4, 8, 12, 16. */
  char *csv = read_file (a, "gradient-norms.csv");
  cr_assert (g_str_has_prefix (csv, "epoch,step,parameter,source,norm\n"));
  cr_assert_not_null (strstr (csv, "\n3,16,fc1.weight,regularizer:selectivity,"));
  cr_assert_not_null (strstr (csv, "\n1,0,fc.bias,total,"));
  cr_assert_null (strstr (csv, ",5,fc1.weight,"));
  g_free (csv);

  Probe p = { .fail_after = 1, .loss_was_set = TRUE, .rate_was_set = TRUE };
  cr_assert_not (run_pipeline (on, "gn-b", FALSE, &probe_hooks, &p, NULL, &error));
  g_clear_error (&error);
  cr_assert (run_pipeline (on, "gn-b", TRUE, NULL, NULL, NULL, &error), "%s",
             error ? error->message : "");
  char *b = g_build_filename (tmpdir, "gn-b", "trials", "trial-000", NULL);
  char *want = file_digest (a, "gradient-norms.csv"), *got = file_digest (b, "gradient-norms.csv");
  cr_assert_str_eq (got, want, "the resumed gradient-norms.csv differs");
  g_free (want);
  g_free (got);
  g_free (b);
  g_free (da);
  g_free (dof);
  g_free (a);
  g_free (o);
  g_free (on);
  g_free (off);
  g_free (on_text);
  g_free (off_text);
}
