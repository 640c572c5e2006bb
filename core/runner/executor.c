/* Executors: where the trials of a run go.  The serial one runs them in this
 * process; the process one hands them to worker processes (worker.c is the
 * other side of that protocol). */
#include "config.h"

#include "runner/run.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <interp/error.h>

InterpExecutor *
interp_executor_new (const InterpExecutorVTable *vtable, gpointer self)
{
  g_return_val_if_fail (vtable && vtable->run_trials, NULL);
  InterpExecutor *e = g_new0 (InterpExecutor, 1);
  e->vtable = vtable;
  e->self = self;
  return e;
}

void
interp_executor_free (InterpExecutor *e)
{
  if (e == NULL)
    return;
  if (e->vtable->destroy)
    e->vtable->destroy (e->self);
  g_free (e);
}

/* ---- serial ------------------------------------------------------------ */

static gboolean
run_serially (InterpRun *run, const guint *trials, guint n, int threads, GError **error)
{
  guint total = interp_run_n_trials (run);
  for (guint k = 0; k < n; k++)
    {
      if (total > 1)
        g_message ("trial %u/%u", trials[k] + 1, total);
      if (!interp_run_trial (run, trials[k], threads, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
serial_run_trials (gpointer self, InterpRun *run, const guint *trials, guint n, int threads,
                   GError **error)
{
  return run_serially (run, trials, n, threads, error);
}

static const InterpExecutorVTable serial_vtable = {
  .struct_size = sizeof (InterpExecutorVTable),
  .run_trials = serial_run_trials,
};

InterpExecutor *
interp_executor_new_serial (void)
{
  return interp_executor_new (&serial_vtable, NULL);
}

/* ---- local processes --------------------------------------------------- */

typedef struct {
  char *program;
  int processes;
  gboolean quiet;
} ProcessExecutor;

/* PROGRAM --interp-worker ... for one trial (worker.c parses it). */
static GPtrArray *
worker_argv (const ProcessExecutor *pe, InterpRun *run, guint trial, int threads)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (pe->program));
  g_ptr_array_add (argv, g_strdup (INTERP_WORKER_FLAG));
  g_ptr_array_add (argv, g_strdup_printf ("--pipeline=%s", interp_run_pipeline_file (run)));
  for (const char *const *o = interp_run_overrides (run); o && *o; o++)
    g_ptr_array_add (argv, g_strdup_printf ("--set=%s", *o));
  for (const char *const *d = interp_run_plugin_dirs (run); d && *d; d++)
    g_ptr_array_add (argv, g_strdup_printf ("--plugin-path=%s", *d));
  g_ptr_array_add (argv, g_strdup_printf ("--output=%s", interp_run_folder (run)));
  g_ptr_array_add (argv, g_strdup_printf ("--trial=%u", trial));
  g_ptr_array_add (argv, g_strdup_printf ("--threads=%d", threads));
  if (pe->quiet)
    g_ptr_array_add (argv, g_strdup ("--quiet"));
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* In the worker, between fork and exec: it dies with the coordinating
 * process.  A worker outliving a killed run would go on writing its trial
 * while the run's --resume (which holds the folder's lock, the worker not)
 * starts the same trial again.  Elsewhere than Linux an orphaned worker
 * finishes its trial. */
static void
die_with_parent (gpointer parent)
{
#ifdef __linux__
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != GPOINTER_TO_INT (parent))
    _exit (127);
#else
  (void) parent;
#endif
}

static gboolean
process_run_trials (gpointer self, InterpRun *run, const guint *trials, guint n, int threads,
                    GError **error)
{
  ProcessExecutor *pe = self;
  int procs = MIN ((int) n, pe->processes);
  if (procs <= 1)
    return run_serially (run, trials, n, threads, error);
  int threads_each = MAX (1, threads / procs);
  g_message ("running %u trials in %d processes of %d thread(s)", n, procs, threads_each);

  GHashTable *running = g_hash_table_new (g_direct_hash, g_direct_equal); /* pid -> trial+1 */
  guint next = 0, failed = 0;
  GString *failures = g_string_new (NULL);
  while (next < n || g_hash_table_size (running) > 0)
    {
      while (next < n && (int) g_hash_table_size (running) < procs)
        {
          guint trial = trials[next++];
          GPtrArray *argv = worker_argv (pe, run, trial, threads_each);
          GPid pid;
          GError *local = NULL;
          gboolean spawned = g_spawn_async (NULL, (char **) argv->pdata, NULL,
                                            G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent,
                                            GINT_TO_POINTER ((int) getpid ()), &pid, &local);
          g_ptr_array_unref (argv);
          if (!spawned)
            {
              g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                           "cannot start a process for trial %u: %s", trial, local->message);
              g_error_free (local);
              failed++;
              next = n;
              break;
            }
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
  gboolean ok = failed == 0;
  if (!ok && error && !*error)
    g_set_error (error, INTERP_ERROR, INTERP_ERROR_FAILED,
                 "%u trial(s) failed (%s); their messages are above. Rerun with --resume to "
                 "retry only the unfinished ones", failed, failures->str);
  g_string_free (failures, TRUE);
  return ok;
}

static void
process_destroy (gpointer self)
{
  ProcessExecutor *pe = self;
  g_free (pe->program);
  g_free (pe);
}

static const InterpExecutorVTable process_vtable = {
  .struct_size = sizeof (InterpExecutorVTable),
  .run_trials = process_run_trials,
  .destroy = process_destroy,
};

InterpExecutor *
interp_executor_new_processes (const char *program, int processes, gboolean quiet)
{
  ProcessExecutor *pe = g_new0 (ProcessExecutor, 1);
  pe->program = g_strdup (program);
  pe->processes = processes;
  pe->quiet = quiet;
  return interp_executor_new (&process_vtable, pe);
}
