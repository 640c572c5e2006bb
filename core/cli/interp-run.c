/* interp-run: runs a pipeline file, or inspects plugins.
 * Exit codes: 0 success, 1 the run failed, 2 bad usage or a bad pipeline. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <interp/interp.h>
#include <interp/progress.h>
#include <interp/runner.h>

enum { EXIT_RUN_FAILED = 1, EXIT_USAGE = 2 };

/* Thread counts interp-run accepts, from -j or INTERP_THREADS (the library's range). */
enum { THREADS_MIN = 1, THREADS_MAX = 4096 };

static char **opt_set = NULL;
static char **opt_plugin_path = NULL;
static char *opt_output = NULL;
static int opt_jobs = 0;             /* 0: not given */
static gboolean opt_verbose = FALSE;
static gboolean opt_quiet = FALSE;
static gboolean opt_check = FALSE;
static gboolean opt_list = FALSE;
static char *opt_describe = NULL;
static gboolean opt_version = FALSE;
static gboolean opt_resume = FALSE;
static gboolean opt_force = FALSE;
static char *opt_report = NULL;
static gboolean opt_skip_hypotheses = FALSE;
static char **opt_skip_hypothesis = NULL;
static char *opt_max_memory = NULL;

/* A thread count from THREADS_MIN to THREADS_MAX, whole text; FALSE for
 * anything else ("0", "-3", "2x", ""). */
static gboolean
parse_threads (const char *text, int *out)
{
  gint64 v = 0;
  if (text == NULL || !g_ascii_string_to_signed (text, 10, THREADS_MIN, THREADS_MAX, &v, NULL))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* -j N: parsed here, not as G_OPTION_ARG_INT, so "-j 0" and "-j -3" are
 * errors instead of meaning "not given". */
static gboolean
parse_jobs (const char *name, const char *value, gpointer data, GError **error)
{
  if (parse_threads (value, &opt_jobs))
    return TRUE;
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s %s: expected a thread count from %d to %d", name, value, THREADS_MIN,
               THREADS_MAX);
  return FALSE;
}

static const GOptionEntry entries[] = {
  { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &opt_set,
    "Override a pipeline value (wins over the file; repeatable)", "GROUP.KEY=VALUE" },
  { "plugin-path", 'P', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_plugin_path,
    "Search DIR for plugins first (repeatable; then $INTERP_PLUGIN_PATH, then the installed "
    "plugin folder)", "DIR" },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output,
    "Write the run folder to DIR (default: [pipeline] output, else results/NAME)", "DIR" },
  { "jobs", 'j', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_jobs,
    "Threads to use in all, 1 to 4096 (default: $INTERP_THREADS, else every core); a sweep "
    "runs its trials in up to N processes", "N" },
  { "check", 0, 0, G_OPTION_ARG_NONE, &opt_check,
    "Validate the pipeline, print it with every value resolved, run nothing", NULL },
  { "resume", 0, 0, G_OPTION_ARG_NONE, &opt_resume,
    "Continue an unfinished run: skip finished trials, resume interrupted training", NULL },
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force,
    "Replace an existing run folder", NULL },
  { "skip-hypotheses", 0, 0, G_OPTION_ARG_NONE, &opt_skip_hypotheses,
    "Evaluate no hypothesis (NOT EVALUATED): for a smaller exploratory sweep "
    "(= --set pipeline.skip-hypotheses=true)", NULL },
  { "skip-hypothesis", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_skip_hypothesis,
    "Do not evaluate [hypothesis:NAME] (repeatable; = --set hypothesis:NAME.skip=true)",
    "NAME" },
  { "max-memory", 0, 0, G_OPTION_ARG_STRING, &opt_max_memory,
    "Stop a trial whose network buffers would need more than SIZE (8G, 512M, bytes; none: no "
    "check; default: the memory available; = --set pipeline.max-memory=SIZE)", "SIZE" },
  { "report", 0, 0, G_OPTION_ARG_FILENAME, &opt_report,
    "(Re)generate RUN_DIR/report.html from a finished run folder, run nothing", "RUN_DIR" },
  { "list-plugins", 0, 0, G_OPTION_ARG_NONE, &opt_list,
    "List every component of every plugin found", NULL },
  { "describe", 0, 0, G_OPTION_ARG_STRING, &opt_describe,
    "Show a component's parameters and their help (also: pipeline, train, hypothesis)",
    "KIND:NAME" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "Print debugging messages", NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "Print only warnings and errors", NULL },
  { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
  { 0 }
};

static gboolean quiet_logs = FALSE;
/* "trial-003: " in a worker process of a parallel sweep, so its lines can be told apart. */
static char log_prefix[32] = "";

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  const char *message = NULL;
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  if (message == NULL)
    return G_LOG_WRITER_HANDLED;
  const char *prefix = g_str_has_prefix (message, log_prefix) ? "" : log_prefix;
  if (level & G_LOG_LEVEL_DEBUG)
    {
      if (!opt_verbose)
        return G_LOG_WRITER_HANDLED;
      fprintf (stderr, "interp-run: %sdebug: %s\n", prefix, message);
    }
  else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    {
      if (quiet_logs)
        return G_LOG_WRITER_HANDLED;
      fprintf (stderr, "interp-run: %s%s\n", prefix, message);
    }
  else if (level & G_LOG_LEVEL_WARNING)
    fprintf (stderr, "interp-run: %swarning: %s\n", prefix, message);
  else
    return g_log_writer_default (level, fields, n_fields, data);
  return G_LOG_WRITER_HANDLED;
}

static int
fail (GError *error, int code)
{
  fprintf (stderr, "interp-run: error: %s\n", error->message);
  g_error_free (error);
  return code;
}

/* Errors found before anything ran are the user's input: exit 2. */
static int
exit_code_for (const GError *error)
{
  if (error->domain != INTERP_ERROR)
    return EXIT_RUN_FAILED;
  switch (error->code)
    {
    case INTERP_ERROR_PIPELINE:
    case INTERP_ERROR_UNKNOWN_KEY:
    case INTERP_ERROR_BAD_VALUE:
    case INTERP_ERROR_OUT_OF_RANGE:
    case INTERP_ERROR_MISSING:
    case INTERP_ERROR_NOT_FOUND:
    case INTERP_ERROR_EXISTS:
    case INTERP_ERROR_STATISTICS:
      return EXIT_USAGE;
    default:
      return EXIT_RUN_FAILED;
    }
}

/* A worker of a parallel sweep logs like interp-run, each line marked with its trial. */
static void
worker_setup (const InterpWorkerInfo *info)
{
  quiet_logs = info->quiet;
  g_snprintf (log_prefix, sizeof log_prefix, "%s: ", info->trial_id);
  g_log_set_writer_func (log_writer, NULL, NULL);
}

static void
print_and_free (char *text)
{
  fputs (text, stdout);
  g_free (text);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_set_prgname ("interp-run");
  if (interp_worker_is_invocation (argc, argv))
    return interp_worker_main (argc, argv, worker_setup);
  GOptionContext *ctx = g_option_context_new ("[PIPELINE.ini] - run an interp pipeline");
  g_option_context_set_summary (
    ctx, "Trains and probes networks as a pipeline file says, and decides its hypotheses.\n"
         "Examples:\n"
         "  interp-run share/interp/pipelines/quickstart.ini\n"
         "  interp-run selectivity.ini --set train.epochs=1 -j 2\n"
         "  interp-run --describe attack:pgd");
  g_option_context_set_description (
    ctx, "Exit status: 0 success, 1 the run failed, 2 bad usage or a bad pipeline.\n"
         "Environment: INTERP_PLUGIN_PATH (colon-separated plugin folders or .so files; any "
         "other file is skipped with a warning), INTERP_THREADS (1 to 4096, as -j).");
  g_option_context_add_main_entries (ctx, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_option_context_free (ctx);
      fprintf (stderr, "interp-run: %s (see --help)\n", error->message);
      g_error_free (error);
      return EXIT_USAGE;
    }
  g_option_context_free (ctx);
  quiet_logs = opt_quiet;
  g_log_set_writer_func (log_writer, NULL, NULL);
  if (opt_quiet)
    interp_progress_set_default_style (INTERP_PROGRESS_QUIET);

  if (opt_version)
    {
      printf ("interp-run %s (plugin ABI %u)\n", interp_version (), INTERP_ABI_VERSION);
      return 0;
    }

  /* -j, else INTERP_THREADS, else every core; a set but unusable
   * INTERP_THREADS is an error, not every core in silence. */
  int threads = opt_jobs;
  const char *env = g_getenv ("INTERP_THREADS");
  if (threads == 0 && env != NULL && *env != '\0' && !parse_threads (env, &threads))
    {
      fprintf (stderr, "interp-run: error: INTERP_THREADS=%s: expected a thread count from %d "
               "to %d (or unset it for every core)\n", env, THREADS_MIN, THREADS_MAX);
      return EXIT_USAGE;
    }
  if (threads == 0)
    threads = (int) g_get_num_processors ();

  if (opt_report)
    {
      int code = 0;
      if (!interp_run_write_report (opt_report, &error))
        code = fail (error, EXIT_RUN_FAILED);
      else if (!opt_quiet)
        fprintf (stderr, "interp-run: wrote %s/report.html\n", opt_report);
      g_free (opt_report);
      return code;
    }

  InterpRunner *runner = interp_runner_new ((const char *const *) opt_plugin_path);
  for (const char *const *p = interp_runner_plugin_problems (runner); *p; p++)
    g_warning ("plugin refused: %s", *p);

  int status = 0;
  InterpRun *run = NULL;
  InterpExecutor *executor = NULL;
  GPtrArray *overrides = g_ptr_array_new_with_free_func (g_free);
  if (opt_list)
    {
      print_and_free (interp_runner_list_text (runner));
      goto out;
    }
  if (opt_describe)
    {
      char *text = interp_runner_describe (runner, opt_describe, &error);
      if (text == NULL)
        status = fail (error, EXIT_USAGE);
      else
        print_and_free (text);
      goto out;
    }
  if (argc != 2)
    {
      fprintf (stderr, "interp-run: expected one PIPELINE.ini (see --help)\n");
      status = EXIT_USAGE;
      goto out;
    }

  InterpRunOptions ro;
  interp_run_options_init (&ro);
  /* The skip and memory options are overrides, so workers and the manifest see them. */
  for (char **o = opt_set; o && *o; o++)
    g_ptr_array_add (overrides, g_strdup (*o));
  if (opt_skip_hypotheses)
    g_ptr_array_add (overrides, g_strdup ("pipeline.skip-hypotheses=true"));
  for (char **o = opt_skip_hypothesis; o && *o; o++)
    g_ptr_array_add (overrides, g_strdup_printf ("hypothesis:%s.skip=true", *o));
  if (opt_max_memory)
    g_ptr_array_add (overrides, g_strdup_printf ("pipeline.max-memory=%s", opt_max_memory));
  g_ptr_array_add (overrides, NULL);
  ro.overrides = (const char *const *) overrides->pdata;
  ro.output = opt_output;
  ro.threads = threads;
  ro.resume = opt_resume;
  ro.force = opt_force;
  run = interp_run_open (runner, argv[1], &ro, &error);
  if (run == NULL)
    {
      status = fail (error, EXIT_USAGE);
      goto out;
    }
  if (opt_check)
    {
      if (!interp_run_check (run, &error))
        status = fail (error, EXIT_USAGE);
      else
        {
          char *text = interp_run_resolved_text (run);
          printf ("# %s: valid; %u trial(s); output %s\n%s", argv[1], interp_run_n_trials (run),
                  interp_run_folder (run), text);
          g_free (text);
        }
      goto out;
    }
  /* A sweep runs its trials in up to -j worker processes: this program again. */
  if (threads > 1 && interp_run_n_trials (run) > 1)
    {
      char *self = g_file_read_link ("/proc/self/exe", NULL);
      executor = interp_executor_new_processes (self ? self : argv[0], threads, opt_quiet);
      g_free (self);
    }
  if (!interp_run_execute (run, executor, &error))
    status = fail (error, exit_code_for (error));
  else
    fputs (interp_run_verdicts (run), stdout);

out:
  interp_executor_free (executor);
  interp_run_free (run);
  interp_runner_free (runner);
  g_ptr_array_unref (overrides);
  g_strfreev (opt_set);
  g_strfreev (opt_skip_hypothesis);
  g_free (opt_max_memory);
  g_strfreev (opt_plugin_path);
  g_free (opt_output);
  g_free (opt_describe);
  return status;
}
