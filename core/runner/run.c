#include "config.h"

#include "runner/run.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <interp/error.h>
#include <interp/version.h>

#include "data/data.h"
#include "util/fs.h"
#include "host/params-private.h"
#include "report/report.h"
#include "runner/run-summary.h"
#include "runner/trial.h"

char *
interp_run_folder (const InterpPipeline *p, const InterpRunOptions *opts)
{
  if (opts && opts->output && *opts->output)
    return g_strdup (opts->output);
  const char *out = interp_params_get_text (p->pipeline, "output");
  if (out && *out)
    return g_strdup (out);
  char *name = interp_run_name (p);
  char *folder = g_build_filename ("results", name, NULL);
  g_free (name);
  return folder;
}

char *
interp_run_name (const InterpPipeline *p)
{
  const char *name = interp_params_get_text (p->pipeline, "name");
  if (name && *name)
    return g_strdup (name);
  char *base = g_path_get_basename (p->path);
  if (g_str_has_suffix (base, ".ini"))
    base[strlen (base) - 4] = '\0';
  return base;
}

gboolean
interp_run_check (const InterpRegistry *registry, const InterpPipeline *p, GError **error)
{
  guint n = interp_pipeline_n_trials (p);
  for (guint i = 0; i < n; i++)
    {
      InterpPipeline *t = interp_pipeline_trial (p, i, registry, error);
      if (t == NULL)
        {
          if (n > 1)
            g_prefix_error (error, "trial %u of the sweep: ", i);
          return FALSE;
        }
      interp_pipeline_free (t);
    }
  return interp_run_check_hypotheses (p, error);
}

static char *
trial_id (guint i)
{
  return g_strdup_printf ("trial-%03u", i);
}

/* ---- manifest ---------------------------------------------------------- */

static void
add_params_object (JsonBuilder *b, const InterpParamSpec *spec, const InterpParams *params)
{
  for (const InterpParamSpec *s = spec; s && s->key; s++)
    {
      json_builder_set_member_name (b, s->key);
      json_builder_add_string_value (b, interp_params_get_text (params, s->key));
    }
}

static void
add_stage_object (JsonBuilder *b, const InterpStage *s)
{
  json_builder_set_member_name (b, s->group);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "plugin");
  json_builder_add_string_value (b, s->entry->component->name);
  add_params_object (b, s->entry->component->params, s->params);
  if (s->common)
    add_params_object (b, interp_data_common_params, s->common);
  json_builder_end_object (b);
}

gboolean
interp_run_write_manifest (const InterpPipeline *p, const char *dir, int threads,
                           const char *started, const char *finished, GError **error)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "interp_version");
  json_builder_add_string_value (b, interp_version ());
  json_builder_set_member_name (b, "pipeline_file");
  json_builder_add_string_value (b, p->path);
  json_builder_set_member_name (b, "name");
  char *name = interp_run_name (p);
  json_builder_add_string_value (b, name);
  g_free (name);

  json_builder_set_member_name (b, "pipeline");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pipeline");
  json_builder_begin_object (b);
  add_params_object (b, interp_pipeline_params, p->pipeline);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "train");
  json_builder_begin_object (b);
  add_params_object (b, interp_train_params, p->train);
  json_builder_end_object (b);
  GPtrArray *stages = interp_pipeline_stages (p);
  for (guint i = 0; i < stages->len; i++)
    add_stage_object (b, g_ptr_array_index (stages, i));
  if (p->sweep->len)
    {
      json_builder_set_member_name (b, "sweep");
      json_builder_begin_object (b);
      for (guint i = 0; i < p->sweep->len; i++)
        {
          InterpSweepAxis *a = g_ptr_array_index (p->sweep, i);
          char *joined = g_strjoinv (", ", a->values);
          json_builder_set_member_name (b, a->key);
          json_builder_add_string_value (b, joined);
          g_free (joined);
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < p->hypotheses->len; i++)
    {
      const char *g = g_ptr_array_index (p->hypotheses, i);
      json_builder_set_member_name (b, g);
      json_builder_begin_object (b);
      gsize n = 0;
      char **keys = g_key_file_get_keys (p->keyfile, g, &n, NULL);
      for (gsize k = 0; k < n; k++)
        {
          char *v = g_key_file_get_value (p->keyfile, g, keys[k], NULL);
          json_builder_set_member_name (b, keys[k]);
          json_builder_add_string_value (b, v ? v : "");
          g_free (v);
        }
      g_strfreev (keys);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "seed");
  json_builder_add_int_value (b, interp_params_get_int (p->pipeline, "seed"));
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  json_builder_set_member_name (b, "host");
  json_builder_add_string_value (b, g_get_host_name ());
  json_builder_set_member_name (b, "started");
  json_builder_add_string_value (b, started);
  json_builder_set_member_name (b, "finished");
  if (finished)
    json_builder_add_string_value (b, finished);
  else
    json_builder_add_null_value (b);

  /* Every plugin a stage uses, once. */
  json_builder_set_member_name (b, "plugins");
  json_builder_begin_array (b);
  GHashTable *seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < stages->len; i++)
    {
      const InterpStage *s = g_ptr_array_index (stages, i);
      if (!g_hash_table_add (seen, (gpointer) s->entry->plugin))
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, s->entry->plugin->name);
      json_builder_set_member_name (b, "version");
      json_builder_add_string_value (b, s->entry->plugin->version);
      json_builder_set_member_name (b, "license");
      json_builder_add_string_value (b, s->entry->plugin->license);
      json_builder_set_member_name (b, "path");
      json_builder_add_string_value (b, s->entry->path);
      json_builder_end_object (b);
    }
  g_hash_table_unref (seen);
  g_ptr_array_unref (stages);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "swept_keys");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->sweep->len; i++)
    json_builder_add_string_value (b, ((InterpSweepAxis *) g_ptr_array_index (p->sweep, i))->key);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "trials");
  json_builder_begin_array (b);
  guint n = interp_pipeline_n_trials (p);
  for (guint i = 0; i < n; i++)
    {
      char *id = trial_id (i);
      GHashTable *swept = interp_pipeline_trial_swept (p, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "swept");
      json_builder_begin_object (b);
      for (guint k = 0; k < p->sweep->len; k++)
        {
          const char *key = ((InterpSweepAxis *) g_ptr_array_index (p->sweep, k))->key;
          json_builder_set_member_name (b, key);
          json_builder_add_string_value (b, g_hash_table_lookup (swept, key));
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, interp_pipeline_trial_seed (p, i));
      json_builder_end_object (b);
      g_hash_table_unref (swept);
      g_free (id);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  JsonNode *root = json_builder_get_root (b);
  char *path = g_build_filename (dir, "manifest.json", NULL);
  gboolean ok = interp_write_json_atomic (path, root, error);
  g_free (path);
  json_node_unref (root);
  g_object_unref (b);
  return ok;
}

/* TRUE if the run folder's manifest says the run finished. */
static gboolean
run_is_finished (const char *dir)
{
  char *path = g_build_filename (dir, "manifest.json", NULL);
  JsonParser *parser = json_parser_new ();
  gboolean finished = FALSE;
  if (json_parser_load_from_file (parser, path, NULL))
    {
      JsonNode *root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonNode *f = json_object_get_member (json_node_get_object (root), "finished");
          finished = f && JSON_NODE_HOLDS_VALUE (f);
        }
    }
  g_object_unref (parser);
  g_free (path);
  return finished;
}

static char *
now_iso8601 (void)
{
  GDateTime *t = g_date_time_new_now_local ();
  char *s = g_date_time_format_iso8601 (t);
  g_date_time_unref (t);
  return s;
}

/* ---- trials ------------------------------------------------------------ */

static gboolean
run_one_trial (const InterpRegistry *registry, const InterpPipeline *p, guint i,
               const char *run_dir, int threads, GError **error)
{
  char *id = trial_id (i);
  char *dir = g_build_filename (run_dir, "trials", id, NULL);
  gboolean ok = TRUE;
  if (interp_trial_is_complete (dir))
    g_message ("%s: complete, skipped", id);
  else
    {
      InterpPipeline *t = interp_pipeline_trial (p, i, registry, error);
      GStrv ov = interp_pipeline_trial_overrides (p, i);
      ok = t && interp_mkdir_p (dir, error);
      if (ok)
        {
          InterpTrialSpec spec = { .pipeline = t, .id = id, .dir = dir,
                                   .overrides = (const char *const *) ov, .threads = threads };
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
self_executable (void)
{
  char *exe = g_file_read_link ("/proc/self/exe", NULL);
  return exe ? exe : g_strdup (g_get_prgname ());
}

/* Runs the pending trials in up to `procs` child processes of `threads_each` threads. */
static gboolean
run_trials_parallel (const InterpPipeline *p, const InterpRunOptions *opts, const char *run_dir,
                     GArray *pending, int procs, int threads_each, GError **error)
{
  char *exe = self_executable ();
  GHashTable *running = g_hash_table_new (g_direct_hash, g_direct_equal); /* pid -> trial+1 */
  guint next = 0, failed = 0;
  GString *failures = g_string_new (NULL);
  while (next < pending->len || g_hash_table_size (running) > 0)
    {
      while (next < pending->len && (int) g_hash_table_size (running) < procs)
        {
          guint trial = g_array_index (pending, guint, next++);
          GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (argv, g_strdup (exe));
          g_ptr_array_add (argv, g_strdup (p->path));
          for (const char *const *o = opts->overrides; o && *o; o++)
            {
              g_ptr_array_add (argv, g_strdup ("--set"));
              g_ptr_array_add (argv, g_strdup (*o));
            }
          for (const char *const *d = opts->plugin_dirs; d && *d; d++)
            {
              g_ptr_array_add (argv, g_strdup ("--plugin-path"));
              g_ptr_array_add (argv, g_strdup (*d));
            }
          g_ptr_array_add (argv, g_strdup ("--output"));
          g_ptr_array_add (argv, g_strdup (run_dir));
          g_ptr_array_add (argv, g_strdup_printf ("--trial=%u", trial));
          g_ptr_array_add (argv, g_strdup_printf ("--jobs=%d", threads_each));
          if (opts->quiet)
            g_ptr_array_add (argv, g_strdup ("--quiet"));
          g_ptr_array_add (argv, NULL);
          GPid pid;
          GError *local = NULL;
          if (!g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                              NULL, NULL, &pid, &local))
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                           "cannot start a process for trial %u: %s", trial, local->message);
              g_error_free (local);
              g_ptr_array_unref (argv);
              failed++;
              next = pending->len;
              break;
            }
          g_ptr_array_unref (argv);
          g_hash_table_insert (running, GINT_TO_POINTER (pid), GUINT_TO_POINTER (trial + 1));
        }
      if (g_hash_table_size (running) == 0)
        break;
      int status = 0;
      pid_t pid = waitpid (-1, &status, 0);
      if (pid < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      guint trial = GPOINTER_TO_UINT (g_hash_table_lookup (running, GINT_TO_POINTER (pid)));
      if (trial == 0)
        continue;
      g_hash_table_remove (running, GINT_TO_POINTER (pid));
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          failed++;
          g_string_append_printf (failures, "%strial-%03u", failures->len ? ", " : "", trial - 1);
        }
    }
  g_hash_table_unref (running);
  g_free (exe);
  gboolean ok = failed == 0;
  if (!ok && error && !*error)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                 "%u trial(s) failed (%s); their messages are above. Rerun with --resume to "
                 "retry only the unfinished ones", failed, failures->str);
  g_string_free (failures, TRUE);
  return ok;
}

gboolean
interp_run (const InterpRegistry *registry, const InterpPipeline *p, const InterpRunOptions *opts,
            GError **error)
{
  char *dir = interp_run_folder (p, opts);
  gboolean ok = FALSE;
  char *started = NULL;
  int threads = opts->threads > 0 ? opts->threads : (int) g_get_num_processors ();

  if (opts->only_trial >= 0)
    {
      /* A child process of a parallel sweep: the parent made the folder. */
      if ((guint) opts->only_trial >= interp_pipeline_n_trials (p))
        g_set_error (error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                     "--trial %d: the pipeline has %u trials", opts->only_trial,
                     interp_pipeline_n_trials (p));
      else
        ok = run_one_trial (registry, p, (guint) opts->only_trial, dir, threads, error);
      g_free (dir);
      return ok;
    }

  if (!interp_run_check (registry, p, error))
    goto out;

  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      gboolean finished = run_is_finished (dir);
      if (opts->force)
        {
          if (!interp_remove_tree (dir, error))
            goto out;
        }
      else if (finished)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                       "%s: a finished run is already there; choose another --output, or pass "
                       "--force to replace it", dir);
          goto out;
        }
      else if (!opts->resume)
        {
          g_set_error (error, INTERP_ERROR, INTERP_ERROR_EXISTS,
                       "%s: an unfinished run is there; pass --resume to continue it or --force "
                       "to start over", dir);
          goto out;
        }
      else
        g_message ("resuming the run in %s", dir);
    }
  char *trials_dir = g_build_filename (dir, "trials", NULL);
  gboolean made = interp_mkdir_p (trials_dir, error);
  g_free (trials_dir);
  if (!made)
    goto out;

  started = now_iso8601 ();
  if (!interp_run_write_manifest (p, dir, threads, started, NULL, error))
    goto out;

  guint n = interp_pipeline_n_trials (p);
  GArray *pending = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n; i++)
    {
      char *id = trial_id (i);
      char *tdir = g_build_filename (dir, "trials", id, NULL);
      if (interp_trial_is_complete (tdir))
        g_message ("%s: complete, skipped", id);
      else
        g_array_append_val (pending, i);
      g_free (tdir);
      g_free (id);
    }
  int procs = MIN ((int) pending->len, threads);
  if (procs <= 1)
    {
      ok = TRUE;
      for (guint k = 0; ok && k < pending->len; k++)
        {
          guint i = g_array_index (pending, guint, k);
          if (n > 1)
            g_message ("trial %u/%u", i + 1, n);
          ok = run_one_trial (registry, p, i, dir, threads, error);
        }
    }
  else
    {
      g_message ("running %u trials in %d processes of %d thread(s)", pending->len, procs,
                 MAX (1, threads / procs));
      ok = run_trials_parallel (p, opts, dir, pending, procs, MAX (1, threads / procs), error);
    }
  g_array_unref (pending);
  if (!ok)
    goto out;

  ok = interp_run_summarize (p, dir, error);
  if (ok)
    {
      char *finished = now_iso8601 ();
      ok = interp_run_write_manifest (p, dir, threads, started, finished, error);
      g_free (finished);
    }
  if (ok)
    ok = interp_report_write (dir, error);
  if (ok)
    g_message ("results in %s (open %s/report.html)", dir, dir);

out:
  g_free (started);
  g_free (dir);
  return ok;
}
