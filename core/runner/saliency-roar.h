/* libinterp internals: the masking of ROAR / KAR (saliency-roar.c), exposed
 * for the tests; interp_saliency_roar (saliency-stage.h) is the check. */
#ifndef INTERP_SALIENCY_ROAR_H
#define INTERP_SALIENCY_ROAR_H

#include <glib.h>
#include <stdint.h>
#include <interp/rng.h>

G_BEGIN_DECLS

/* Elements replaced (ROAR) or kept (KAR) at fraction t of numel elements:
 * floor(t * numel), as google-research interpretability_benchmark
 * data_input.py (num_pixels = np.int(threshold / 100 * total_pixels)); a
 * relative 1e-9 is added first so that a t given in decimal (0.7) is not
 * truncated one element short by its binary rounding. */
int64_t interp_roar_count (double t, int64_t numel);

/* Order of the elements of one map by decreasing |attr| (ties: the lower
 * index first, as tf.nn.top_k); order[numel]. */
void interp_roar_rank (const float *attr, int64_t numel, int64_t *order);

/* A uniformly random order of numel elements (Fisher-Yates from rng). */
void interp_roar_random_rank (InterpRng *rng, int64_t numel, int64_t *order);

/* One image (channels x hw floats, in place): ROAR (keep = FALSE) replaces
 * the first `count` elements of `order` by the mean of their channel
 * (mean[channels]); KAR (keep = TRUE) replaces all the others. */
void interp_roar_mask (float *image, int64_t channels, int64_t hw, const int64_t *order,
                       int64_t count, gboolean keep, const float *mean);

G_END_DECLS

#endif
