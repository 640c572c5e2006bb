/* InterpRun: a validated pipeline, its run folder, and running it. */
#include "config.h"

#include "runner/run.h"
#include "runner/minimal-epsilon.h"
#include "runner/saliency-stage.h"

#include <string.h>

#include <interp/error.h>

#include "host/params-private.h"
#include "report/report.h"
#include "runner/run-summary.h"
#include "runner/trial.h"
#include "runner/tracking.h"
#include "runner/metric-names.h"
#include "runner/memory-check.h"
#include "util/fs.h"

void
interp_run_options_init (InterpRunOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
}

/* --output, else [pipeline] output, else results/NAME. */
static char *
run_folder (const InterpPipeline *p, const char *output)
{
  if (output && *output)
    return g_strdup (output);
  const char *out = interp_params_get_text (p->pipeline, "output");
  if (out && *out)
    return g_strdup (out);
  char *name = interp_run_name (p);
  char *folder = g_build_filename ("results", name, NULL);
  g_free (name);
  return folder;
}

InterpRun *
interp_run_open (InterpRunner *runner, const char *pipeline_file, const InterpRunOptions *opts,
                 GError **error)
{
  InterpRunOptions defaults;
  if (opts == NULL)
    {
      interp_run_options_init (&defaults);
      opts = &defaults;
    }
  InterpPipeline *p = interp_pipeline_load (pipeline_file, opts->overrides, runner->registry,
                                            error);
  if (p == NULL)
    return NULL;
  InterpRun *run = g_new0 (InterpRun, 1);
  run->runner = runner;
  run->pipeline = p;
  run->pipeline_file = g_strdup (pipeline_file);
  /* Members a newer caller's struct has and this build's does not are ignored. */
  memcpy (&run->opts, opts, MIN (opts->struct_size, sizeof run->opts));
  run->opts.struct_size = sizeof run->opts;
  run->overrides = g_strdupv ((char **) opts->overrides);
  run->output = g_strdup (opts->output);
  run->opts.overrides = (const char *const *) run->overrides;
  run->opts.output = run->output;
  if (run->opts.threads <= 0)
    run->opts.threads = (int) g_get_num_processors ();
  run->folder = run_folder (p, run->output);
  run->verdicts = g_string_new (NULL);
  run->lock = -1;
  return run;
}

void
interp_run_free (InterpRun *run)
{
  if (run == NULL)
    return;
  interp_pipeline_free (run->pipeline);
  g_free (run->pipeline_file);
  g_strfreev (run->overrides);
  g_free (run->output);
  g_free (run->folder);
  g_string_free (run->verdicts, TRUE);
  interp_folder_unlock (run->lock);
  g_free (run);
}

const char *
interp_run_folder (const InterpRun *run)
{
  return run->folder;
}

guint
interp_run_n_trials (const InterpRun *run)
{
  return interp_pipeline_n_trials (run->pipeline);
}

char *
interp_run_resolved_text (const InterpRun *run)
{
  return interp_pipeline_resolved_text (run->pipeline);
}

const char *
interp_run_pipeline_file (const InterpRun *run)
{
  return run->pipeline_file;
}

const char *const *
interp_run_overrides (const InterpRun *run)
{
  return (const char *const *) run->overrides;
}

const char *const *
interp_run_plugin_dirs (const InterpRun *run)
{
  return (const char *const *) run->runner->plugin_dirs;
}

gboolean
interp_run_check (InterpRun *run, GError **error)
{
  const InterpPipeline *p = run->pipeline;
  guint n = interp_pipeline_n_trials (p);
  for (guint i = 0; i < n; i++)
    {
      InterpPipeline *t = interp_pipeline_trial (p, i, run->runner->registry, error);
      if (t == NULL)
        {
          if (n > 1)
            g_prefix_error (error, "trial %u of the sweep: ", i);
          return FALSE;
        }
      gboolean ok = interp_minimal_epsilon_check (t, error) && interp_saliency_check (t, error)
                    && interp_tracking_check (t, error)
                    && interp_metric_names_check (t, error)
                    && interp_memory_limit_check (t, error);
      interp_pipeline_free (t);
      if (!ok)
        {
          if (n > 1)
            g_prefix_error (error, "trial %u of the sweep: ", i);
          return FALSE;
        }
    }
  if (!interp_run_check_hypotheses (p, error))
    return FALSE;
  /* The report's options name conditions of the sweep: checked now, not
   * when the report is written at the end of the run. */
  JsonNode *manifest = interp_run_manifest (p, run->opts.threads, "", NULL);
  gboolean ok = interp_report_check_options (json_node_get_object (manifest), error);
  json_node_unref (manifest);
  return ok;
}

gboolean
interp_run_trial (InterpRun *run, guint i, int threads, GError **error)
{
  const InterpPipeline *p = run->pipeline;
  if (i >= interp_pipeline_n_trials (p))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "trial %u: the pipeline has %u trials", i, interp_pipeline_n_trials (p));
      return FALSE;
    }
  char *id = interp_run_trial_id (i);
  char *dir = g_build_filename (run->folder, "trials", id, NULL);
  gboolean ok = TRUE;
  if (interp_trial_is_complete (dir))
    g_message ("%s: complete, skipped", id);
  else
    {
      InterpPipeline *t = interp_pipeline_trial (p, i, run->runner->registry, error);
      GStrv ov = interp_pipeline_trial_overrides (p, i);
      ok = t && interp_mkdir_p (dir, error);
      if (ok)
        {
          InterpTrialSpec spec = { .pipeline = t, .id = id, .dir = dir,
                                   .overrides = (const char *const *) ov, .threads = threads,
                                   .hooks = run->opts.train_hooks,
                                   .hooks_self = run->opts.train_hooks_self };
          ok = interp_trial_run (&spec, error);
          if (!ok)
            g_prefix_error (error, "%s: ", id);
        }
      g_strfreev (ov);
      interp_pipeline_free (t);
    }
  g_free (dir);
  g_free (id);
  return ok;
}

static char *
now_iso8601 (void)
{
  GDateTime *t = g_date_time_new_now_local ();
  char *s = g_date_time_format_iso8601 (t);
  g_date_time_unref (t);
  return s;
}

/* Whether `dir` holds anything but its lock. */
static gboolean
folder_has_run (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return FALSE;
  const char *name;
  gboolean found = FALSE;
  while (!found && (name = g_dir_read_name (d)))
    found = strcmp (name, ".lock") != 0;
  g_dir_close (d);
  return found;
}

/* A run folder holds manifest.json, or at least trials/ (a run killed
 * between making the folder and writing its manifest). */
static gboolean
folder_is_a_run (const char *dir)
{
  char *manifest = g_build_filename (dir, "manifest.json", NULL);
  char *trials = g_build_filename (dir, "trials", NULL);
  gboolean is = g_file_test (manifest, G_FILE_TEST_IS_REGULAR)
                || g_file_test (trials, G_FILE_TEST_IS_DIR);
  g_free (manifest);
  g_free (trials);
  return is;
}

/* Locks the folder (RUN/.lock: one run writes a folder at a time), refuses
 * to overwrite a finished run (unless force) or to continue an unfinished
 * one without resume; makes RUN/trials.  Only the coordinating process
 * locks: worker processes write their trial's folder under its lock
 * (interp_run_trial takes none).  A file, or a folder of other files, is
 * never touched, not even with --force. */
static gboolean
prepare_folder (InterpRun *run, GError **error)
{
  const char *dir = run->folder;
  if (g_file_test (dir, G_FILE_TEST_EXISTS) && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                   "%s: is a file, not a run folder; choose another --output", dir);
      return FALSE;
    }
  if (folder_has_run (dir) && !folder_is_a_run (dir))
    {
      g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                   "%s: a folder that is not a run folder (no manifest.json or trials/) is "
                   "there; choose another --output (it is never replaced, even with --force)",
                   dir);
      return FALSE;
    }
  if (!interp_mkdir_p (dir, error))
    return FALSE;
  run->lock = interp_folder_lock (dir, error);
  if (run->lock < 0)
    return FALSE;
  if (folder_has_run (dir))
    {
      gboolean finished = interp_run_manifest_finished (dir);
      if (run->opts.force)
        {
          /* The lock stays: removing it would let another run take a new one. */
          if (!interp_remove_contents (dir, ".lock", error))
            return FALSE;
        }
      else if (finished)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                       "%s: a finished run is already there; choose another --output, or pass "
                       "--force to replace it", dir);
          return FALSE;
        }
      else if (!run->opts.resume)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                       "%s: an unfinished run is there; pass --resume to continue it or --force "
                       "to start over", dir);
          return FALSE;
        }
      else
        {
          g_message ("resuming the run in %s", dir);
          /* Files a killed run was writing: held by nobody now (the lock). */
          interp_remove_stale_temporaries (dir);
        }
    }
  char *trials_dir = g_build_filename (dir, "trials", NULL);
  gboolean made = interp_mkdir_p (trials_dir, error);
  g_free (trials_dir);
  return made;
}

/* The trials without a complete folder, in order. */
static GArray *
pending_trials (const InterpRun *run)
{
  guint n = interp_pipeline_n_trials (run->pipeline);
  GArray *pending = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n; i++)
    {
      char *id = interp_run_trial_id (i);
      char *tdir = g_build_filename (run->folder, "trials", id, NULL);
      if (interp_trial_is_complete (tdir))
        g_message ("%s: complete, skipped", id);
      else
        g_array_append_val (pending, i);
      g_free (tdir);
      g_free (id);
    }
  return pending;
}

gboolean
interp_run_execute (InterpRun *run, InterpExecutor *executor, GError **error)
{
  const InterpPipeline *p = run->pipeline;
  int threads = run->opts.threads;
  char *started = NULL;
  gboolean ok = interp_run_check (run, error) && prepare_folder (run, error);
  if (ok)
    {
      started = now_iso8601 ();
      ok = interp_run_write_manifest (p, run->folder, threads, started, NULL, error);
    }
  if (ok)
    {
      GArray *pending = pending_trials (run);
      InterpExecutor *own = executor ? NULL : interp_executor_new_serial ();
      if (own)
        executor = own;
      if (pending->len)
        ok = executor->vtable->run_trials (executor->self, run, (const guint *) pending->data,
                                           pending->len, threads, error);
      interp_executor_free (own);
      g_array_unref (pending);
    }
  if (ok)
    {
      g_string_truncate (run->verdicts, 0);
      /* Compares trials with each other, so only once all have finished. */
      ok = interp_saliency_data_randomisation (p, run->folder, error)
           && interp_run_summarize (p, run->folder, run->verdicts, error);
    }
  if (ok)
    {
      char *finished = now_iso8601 ();
      ok = interp_run_write_manifest (p, run->folder, threads, started, finished, error);
      g_free (finished);
    }
  if (ok)
    ok = interp_report_write (run->folder, error);
  if (ok)
    g_message ("results in %s (open %s/report.html)", run->folder, run->folder);
  interp_folder_unlock (run->lock);
  run->lock = -1;
  g_free (started);
  return ok;
}

const char *
interp_run_verdicts (const InterpRun *run)
{
  return run->verdicts->str;
}

gboolean
interp_run_write_report (const char *run_dir, GError **error)
{
  /* Not while a run writes the folder (a missing folder is the report's error). */
  int lock = -1;
  if (g_file_test (run_dir, G_FILE_TEST_IS_DIR) && (lock = interp_folder_lock (run_dir, error)) < 0)
    return FALSE;
  gboolean ok = interp_report_write (run_dir, error);
  interp_folder_unlock (lock);
  return ok;
}
