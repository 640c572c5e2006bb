/* libinterp internals: the names a metric instance reports under.
 *
 * Every [metric:*] group takes the runner key `prefix` (kinds.c): text put
 * before every name the instance reports (rows, arrays, the per-epoch
 * tracking and its outputs table in summary.json), so that two instances of
 * one plugin, e.g. class selectivity with running and with batch BatchNorm
 * statistics, report apart: "selectivity-mean" and "train-bn-selectivity-mean".
 */
#ifndef INTERP_RUNNER_METRIC_NAMES_H
#define INTERP_RUNNER_METRIC_NAMES_H

#include <glib.h>

#include "pipeline/pipeline.h"

G_BEGIN_DECLS

/* The stage's `prefix`, "" for none; borrowed from its parameters. */
const char *interp_metric_prefix (const InterpStage *metric);

/* Refuses (INTERP_ERROR_BAD_VALUE, naming the file and groups) a prefix with
 * a character other than a letter, digit, '-', '_' or '.', and two metric
 * instances that would report the same name: their rows would be
 * indistinguishable in summary.csv and a hypothesis could not tell them
 * apart.  Names with '*' (built from parameters) collide when either
 * matches the other. */
gboolean interp_metric_names_check (const InterpPipeline *p, GError **error);

G_END_DECLS

#endif
