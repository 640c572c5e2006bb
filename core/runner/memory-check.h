/* libinterp internals: refusing a trial whose network cannot fit in memory.
 *
 * [pipeline] max-memory (or --max-memory): "" (default) = the memory the
 * system has available when the trial starts (MemAvailable), a size ("8G",
 * "512M", bytes) = that limit, "none" = no check.  Before training and
 * evaluation the trial compares interp_net_memory_estimate for
 * [train] batch-size (with the optimiser's state) and eval-batch-size with
 * the limit, and stops with INTERP_ERROR_NO_MEMORY naming the largest node
 * and the bytes.
 */
#ifndef INTERP_RUNNER_MEMORY_CHECK_H
#define INTERP_RUNNER_MEMORY_CHECK_H

#include <glib.h>
#include <interp/nn.h>

#include "pipeline/pipeline.h"
#include "train/train-config.h"

G_BEGIN_DECLS

/* Validates [pipeline] max-memory (INTERP_ERROR_BAD_VALUE naming the file and key). */
gboolean interp_memory_limit_check (const InterpPipeline *p, GError **error);

/* Whether `net` fits for `train`'s batch sizes (training only when epochs > 0). */
gboolean interp_memory_check_net (const InterpPipeline *p, const InterpNet *net,
                                  const InterpTrainConfig *train, GError **error);

G_END_DECLS

#endif
