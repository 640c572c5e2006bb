/* interp: running pipelines.  interp-run is a thin client of this API; so
 * can any program be that wants to run, check or distribute pipelines.
 *
 *   InterpRunner *runner = interp_runner_new (plugin_dirs);   // loads the plugins
 *   InterpRunOptions opts;
 *   interp_run_options_init (&opts);
 *   opts.threads = 4;
 *   InterpRun *run = interp_run_open (runner, "sweep.ini", &opts, &error);
 *   if (run && interp_run_execute (run, NULL, &error)) ...   // results in interp_run_folder (run)
 *   interp_run_free (run);
 *   interp_runner_free (runner);
 *
 * A run is every trial of the pipeline's sweep, then the summary, the
 * hypotheses' verdicts and the report, all in one run folder (docs/pipelines.md):
 *   manifest.json, summary.csv, summary.json, hypotheses.json, report.html,
 *   trials/trial-NNN/ (one folder per trial: train-log.csv, model.safetensors,
 *   metrics.json, trial.json written last).
 * A finished run is never overwritten unless `force`; an unfinished one is
 * continued with `resume`: complete trials are skipped and an interrupted
 * trial resumes from its last finished epoch, with bit-identical results.
 *
 * Executors decide where trials run.  The trials of a sweep are independent
 * and numbered; every executor runs each pending trial exactly once through
 * interp_run_trial (in this process or in another one that opened the same
 * pipeline with the same options), so results do not depend on the executor.
 *
 * Errors found before anything ran (a bad pipeline, a hypothesis that cannot
 * be tested, an existing run folder) carry INTERP_ERROR codes other than
 * FAILED and IO, so a program can tell the user's input from a failed run.
 */
#ifndef INTERP_RUNNER_H
#define INTERP_RUNNER_H

#include <glib.h>
#include <stdint.h>
#include <interp/trainer.h>

G_BEGIN_DECLS

/* ---- the plugins ------------------------------------------------------- */

typedef struct InterpRunner InterpRunner;

/* Loads every plugin along the search path: plugin_dirs (NULL or
 * NULL-terminated, e.g. --plugin-path), then INTERP_PLUGIN_PATH
 * (colon-separated), then the installed plugin folder unless
 * INTERP_NO_SYSTEM_PLUGINS is set.  Never fails: a refused plugin is
 * recorded (interp_runner_plugin_problems) and the others load. */
InterpRunner *interp_runner_new (const char *const *plugin_dirs);
void interp_runner_free (InterpRunner *runner);

/* The refusals met while loading, one message each naming the file;
 * NULL-terminated, borrowed. */
const char *const *interp_runner_plugin_problems (const InterpRunner *runner);
/* `interp-run --list-plugins`: every component by kind.  Newly allocated. */
char *interp_runner_list_text (const InterpRunner *runner);
/* `interp-run --describe WHAT`: a component's parameters (WHAT = KIND:NAME)
 * or a core group's keys (pipeline, train, dataset, hypothesis).  Newly
 * allocated; INTERP_ERROR_NOT_FOUND with the closest name otherwise. */
char *interp_runner_describe (const InterpRunner *runner, const char *what, GError **error);

/* ---- a run ------------------------------------------------------------- */

typedef struct {
  uint32_t struct_size;            /* set by interp_run_options_init */
  const char *const *overrides;    /* "GROUP.KEY=VALUE" (--set), win over the file; may be NULL */
  const char *output;              /* the run folder; NULL: [pipeline] output, else results/NAME */
  int threads;                     /* in all; <= 0: every core */
  gboolean resume;
  gboolean force;
  /* Extra training hooks for every trial run in THIS process (after the
   * trainer's own; include/interp/trainer.h), e.g. to stop after an epoch.
   * NULL for none.  Workers in other processes do not get them. */
  const InterpTrainHooks *train_hooks;
  gpointer train_hooks_self;
} InterpRunOptions;

/* Zeroes `opts` and sets its struct_size. */
void interp_run_options_init (InterpRunOptions *opts);

typedef struct InterpRun InterpRun;

/* Reads and validates a pipeline file with opts->overrides (every group
 * against its table, every trial of the sweep).  The options are copied.
 * Errors name the file, group and key. */
InterpRun *interp_run_open (InterpRunner *runner, const char *pipeline_file,
                            const InterpRunOptions *opts, GError **error);
void interp_run_free (InterpRun *run);

/* The run folder (borrowed). */
const char *interp_run_folder (const InterpRun *run);
guint interp_run_n_trials (const InterpRun *run);
/* Every group with every key's resolved value (defaults included), as a key
 * file text.  Newly allocated. */
char *interp_run_resolved_text (const InterpRun *run);
/* What interp_run_open was given, for executors that start the run elsewhere. */
const char *interp_run_pipeline_file (const InterpRun *run);
const char *const *interp_run_overrides (const InterpRun *run);
const char *const *interp_run_plugin_dirs (const InterpRun *run);

/* Checks every trial's pipeline and every hypothesis (interp-run --check). */
gboolean interp_run_check (InterpRun *run, GError **error);

typedef struct InterpExecutor InterpExecutor;

/* Runs the whole run: checks, locks and prepares the run folder
 * (force/resume), writes the manifest, runs the pending trials through
 * `executor` (NULL: the serial one), then writes the summary, the
 * hypotheses' verdicts and the report.  While it runs it holds RUN/.lock: a
 * second run on the folder, from this process or another, fails with
 * INTERP_ERROR_EXISTS naming the folder and the holder's pid. */
gboolean interp_run_execute (InterpRun *run, InterpExecutor *executor, GError **error);

/* The hypotheses' verdicts of the last interp_run_execute, one line each
 * ("SUPPORTED  name: ..."); "" before it or without hypotheses.  Borrowed.
 * hypotheses.json has them in full. */
const char *interp_run_verdicts (const InterpRun *run);

/* Runs trial `trial` (0-based) of an opened run into its folder
 * trials/trial-NNN with `threads` threads; a complete trial is skipped, an
 * interrupted one resumes.  The run folder must exist (interp_run_execute
 * makes it).  This is what executors call. */
gboolean interp_run_trial (InterpRun *run, guint trial, int threads, GError **error);

/* (Re)writes RUN_DIR/report.html from a finished run folder alone; refused
 * (INTERP_ERROR_EXISTS) while a run holds the folder's lock. */
gboolean interp_run_write_report (const char *run_dir, GError **error);

/* ---- executors --------------------------------------------------------- */

typedef struct {
  uint32_t struct_size;
  /* Runs trials[0..n) of `run`, each exactly once, with interp_run_trial in
   * this process or in processes that opened the same run.  `threads` is
   * the run's total.  FALSE when any trial failed, with an error naming them. */
  gboolean (*run_trials) (gpointer self, InterpRun *run, const guint *trials, guint n,
                          int threads, GError **error);
  void (*destroy) (gpointer self);   /* may be NULL */
} InterpExecutorVTable;

/* An executor from a vtable and its state (taken over: destroy frees it). */
InterpExecutor *interp_executor_new (const InterpExecutorVTable *vtable, gpointer self);
/* Trials one after the other in this process, with all the threads. */
InterpExecutor *interp_executor_new_serial (void);
/* Trials in up to `processes` child processes, each with threads / processes
 * threads, handed out in trial order as processes finish; with one pending
 * trial (or processes <= 1) it runs in this process with all the threads,
 * like the serial executor.  A child is started as
 *   PROGRAM --interp-worker ARGS...
 * and PROGRAM must then call interp_worker_main (interp-run does).  `quiet`
 * asks workers to log only warnings and errors. */
InterpExecutor *interp_executor_new_processes (const char *program, int processes,
                                               gboolean quiet);
void interp_executor_free (InterpExecutor *executor);

/* ---- the worker side of the process executor --------------------------- */

#define INTERP_WORKER_FLAG "--interp-worker"

/* TRUE when a program was started as a worker (argv[1] is INTERP_WORKER_FLAG). */
gboolean interp_worker_is_invocation (int argc, char **argv);

/* What a worker is about to do, for the program's logging. */
typedef struct {
  const char *trial_id;     /* "trial-003": prefix log lines with it */
  gboolean quiet;           /* log only warnings and errors */
} InterpWorkerInfo;

/* Runs the trial a worker invocation names and returns the process's exit
 * status (0 done, 1 failed, 2 bad invocation); prints a failure on stderr as
 * "PRGNAME: error: ...".  `setup` (may be NULL) is called once the
 * invocation is parsed, before anything is logged, so the program can set
 * up its log output; progress is already set to plain prefixed lines. */
int interp_worker_main (int argc, char **argv, void (*setup) (const InterpWorkerInfo *info));

G_END_DECLS

#endif
