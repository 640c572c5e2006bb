/* libinterp internals: the state behind the public runner API
 * (include/interp/runner.h), shared by run.c, executor.c and worker.c. */
#ifndef INTERP_RUN_H
#define INTERP_RUN_H

#include <glib.h>
#include <interp/runner.h>

#include "pipeline/pipeline.h"
#include "plugin/registry.h"

G_BEGIN_DECLS

struct InterpRunner {
  InterpRegistry *registry;
  char **plugin_dirs;         /* as given; passed on to worker processes */
  char **problems;            /* refusal messages, NULL-terminated */
};

struct InterpRun {
  InterpRunner *runner;       /* borrowed */
  InterpPipeline *pipeline;
  char *pipeline_file;
  char **overrides;
  char *folder;
  InterpRunOptions opts;      /* copied; opts.overrides and opts.output point into this */
  char *output;
  GString *verdicts;           /* one line per hypothesis, after interp_run_execute */
  int lock;                    /* RUN/.lock while interp_run_execute writes the folder, else -1 */
};

struct InterpExecutor {
  const InterpExecutorVTable *vtable;
  gpointer self;
};

/* "trial-003". */
char *interp_run_trial_id (guint trial);
/* TRUE if DIR/manifest.json says the run finished and its report, written
 * after that, is there. */
gboolean interp_run_manifest_finished (const char *dir);

G_END_DECLS

#endif
