/* libinterp internals: a run of a pipeline (all trials of its sweep).
 *
 * The run folder:
 *   manifest.json     resolved pipeline, versions of interp and of every plugin used, seed,
 *                     threads, host, start and end times, the trials and their swept values
 *   trials/trial-NNN/ one folder per trial (core/trial.h)
 *   summary.csv       tidy rows: trial,seed,metric,target,perturbation,level,value,<swept keys>
 *   summary.json      {"columns": [...], "rows": [[...], ...]} with the same rows
 *   hypotheses.json   verdicts, when the pipeline states hypotheses
 *   report.html       the run report
 * A finished run (manifest.json with "finished") is never overwritten unless `force`; an
 * unfinished one is continued with `resume`: complete trials are skipped, an interrupted
 * trial resumes from its last finished epoch.
 */
#ifndef INTERP_RUN_H
#define INTERP_RUN_H

#include <glib.h>

#include "pipeline/pipeline.h"
#include "plugin/registry.h"

G_BEGIN_DECLS

typedef struct {
  const char *const *overrides;    /* --set, as given */
  const char *const *plugin_dirs;  /* --plugin-path, as given (passed on to child processes) */
  const char *output;              /* --output, or NULL */
  int threads;                     /* -j: total threads; trials run in parallel processes */
  gboolean resume;
  gboolean force;
  gboolean quiet;
  int only_trial;                  /* >= 0: run just this trial (a child process) */
} InterpRunOptions;

/* The run folder the pipeline would write to. */
char *interp_run_folder (const InterpPipeline *p, const InterpRunOptions *opts);

/* Runs the pipeline.  Returns FALSE on failure; a pipeline problem found
 * before anything ran (a bad sweep value, a hypothesis that cannot be tested)
 * has an INTERP_ERROR code other than FAILED/IO so the CLI can exit with 2. */
gboolean interp_run (const InterpRegistry *registry, const InterpPipeline *p,
                     const InterpRunOptions *opts, GError **error);

/* Validates every trial of the sweep and every hypothesis group (--check). */
gboolean interp_run_check (const InterpRegistry *registry, const InterpPipeline *p,
                           GError **error);

G_END_DECLS

#endif
