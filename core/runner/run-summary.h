/* libinterp internals: what a run writes after its trials (summary, hypotheses, report). */
#ifndef INTERP_RUN_SUMMARY_H
#define INTERP_RUN_SUMMARY_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "pipeline/pipeline.h"

G_BEGIN_DECLS

/* One measured value of one trial: a row of summary.csv. */
typedef struct {
  char *trial;
  gint64 seed;
  char *metric;
  char *target;         /* "" when none */
  char *perturbation;   /* "clean", or the group of a corruption/attack ("attack:pgd") */
  char *level;          /* "" for clean, else the severity/epsilon as text */
  double value;
  GHashTable *swept;    /* "GROUP.KEY" -> value text (borrowed from the trial) */
} InterpSummaryRow;

/* The run's name: [pipeline] name, else the file name without .ini. */
char *interp_run_name (const InterpPipeline *p);

/* RUN/manifest.json's content (a new node): the resolved pipeline, versions,
 * seed, threads, host, times (finished NULL: not finished), plugins, swept
 * keys and trials. */
JsonNode *interp_run_manifest (const InterpPipeline *p, int threads, const char *started,
                               const char *finished);
gboolean interp_run_write_manifest (const InterpPipeline *p, const char *dir, int threads,
                                    const char *started, const char *finished, GError **error);

/* Reads every trial's metrics.json into rows (InterpSummaryRow*, owned by the array). */
GPtrArray *interp_run_read_rows (const InterpPipeline *p, const char *dir, GError **error);

/* Writes summary.csv and summary.json and evaluates the hypotheses (writing
 * hypotheses.json and appending one line each to `verdicts`). */
gboolean interp_run_summarize (const InterpPipeline *p, const char *dir, GString *verdicts,
                               GError **error);

/* Parses every [hypothesis:*] group without data: refuses what can never be
 * tested (too few seeds in the sweep, a condition naming no swept key). */
gboolean interp_run_check_hypotheses (const InterpPipeline *p, GError **error);

G_END_DECLS

#endif
