/* The worker side of the process executor: a program started as
 *   PROGRAM --interp-worker --pipeline=FILE [--set=GROUP.KEY=VALUE]...
 *           [--plugin-path=DIR]... --output=RUN_DIR --trial=N --threads=T [--quiet]
 * opens the same run (same file, overrides and plugins) and runs trial N
 * into RUN_DIR, which the parent made. */
#include "config.h"

#include "runner/run.h"

#include <stdio.h>

#include <interp/error.h>
#include <interp/progress.h>

gboolean
interp_worker_is_invocation (int argc, char **argv)
{
  return argc > 1 && argv[1] && g_str_equal (argv[1], INTERP_WORKER_FLAG);
}

static int
worker_fail (GError *error, int status)
{
  fprintf (stderr, "%s: error: %s\n", g_get_prgname () ? g_get_prgname () : "interp",
           error->message);
  g_error_free (error);
  return status;
}

int
interp_worker_main (int argc, char **argv, void (*setup) (const InterpWorkerInfo *info))
{
  char *pipeline = NULL, *output = NULL;
  char **overrides = NULL, **plugin_dirs = NULL;
  int trial = -1, threads = 1;
  gboolean quiet = FALSE, flag = FALSE;
  const GOptionEntry entries[] = {
    { "interp-worker", 0, 0, G_OPTION_ARG_NONE, &flag, "run one trial", NULL },
    { "pipeline", 0, 0, G_OPTION_ARG_FILENAME, &pipeline, "the pipeline file", "FILE" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &overrides, "an override", "GROUP.KEY=VALUE" },
    { "plugin-path", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &plugin_dirs, "a plugin folder", "DIR" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, "the run folder", "DIR" },
    { "trial", 0, 0, G_OPTION_ARG_INT, &trial, "the trial", "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "threads", "T" },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet, "only warnings and errors", NULL },
    { 0 }
  };
  GOptionContext *ctx = g_option_context_new (NULL);
  g_option_context_set_help_enabled (ctx, FALSE);
  g_option_context_add_main_entries (ctx, entries, NULL);
  GError *error = NULL;
  int status = 2;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    status = worker_fail (error, 2);
  else if (!flag || !pipeline || !output || trial < 0 || threads < 1 || argc != 1)
    {
      g_set_error (&error, INTERP_ERROR, INTERP_ERROR_INVALID_ARGUMENT,
                   "%s needs --pipeline, --output, --trial and --threads, and nothing else",
                   INTERP_WORKER_FLAG);
      status = worker_fail (error, 2);
    }
  else
    {
      char *id = interp_run_trial_id ((guint) trial);
      /* Parallel trials share the terminal: plain lines, each marked. */
      interp_progress_set_default_style (quiet ? INTERP_PROGRESS_QUIET : INTERP_PROGRESS_LINES);
      interp_progress_set_prefix (id);
      InterpWorkerInfo info = { .trial_id = id, .quiet = quiet };
      if (setup)
        setup (&info);
      InterpRunner *runner = interp_runner_new ((const char *const *) plugin_dirs);
      for (const char *const *p = interp_runner_plugin_problems (runner); *p; p++)
        g_warning ("plugin refused: %s", *p);
      InterpRunOptions opts;
      interp_run_options_init (&opts);
      opts.overrides = (const char *const *) overrides;
      opts.output = output;
      opts.threads = threads;
      InterpRun *run = interp_run_open (runner, pipeline, &opts, &error);
      if (run == NULL || !interp_run_trial (run, (guint) trial, threads, &error))
        status = worker_fail (error, 1);
      else
        status = 0;
      interp_run_free (run);
      interp_runner_free (runner);
      g_free (id);
    }
  g_option_context_free (ctx);
  g_free (pipeline);
  g_free (output);
  g_strfreev (overrides);
  g_strfreev (plugin_dirs);
  return status;
}
