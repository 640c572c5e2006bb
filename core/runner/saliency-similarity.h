/* libinterp internals: what the randomisation checks share
 * (saliency-randomisation.c, saliency-data-randomisation.c): the
 * `similarity` key of a [saliency:*] group and the rows
 * sanity-<check>-<sim>[-sd] of two sets of maps. */
#ifndef INTERP_SALIENCY_SIMILARITY_H
#define INTERP_SALIENCY_SIMILARITY_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <interp/interp.h>

#include "stats/map-similarity.h"

G_BEGIN_DECLS

/* The entries of `similarity` (keys: the group's runner keys) in order into
 * sims[INTERP_N_SIMILARITIES], *n of them.  Errors (BAD_VALUE, naming the
 * file, group and key): an unknown name, or maps (N x C x H x W, or N x F)
 * too small for a measure. */
gboolean interp_saliency_similarities (const InterpParams *keys, const InterpTensor *maps,
                                       InterpMapSimilarity *sims, size_t *n, GError **error);

/* Appends sanity-<check>-<sim> (the mean over images of the similarity of
 * a[i] and b[i]) and sanity-<check>-<sim>-sd (sample sd) with target and
 * perturbation = group.  Images whose similarity is undefined (NaN,
 * map-similarity.h) are left out with a warning; when none is defined the
 * rows are null (as is the sd of a single image). */
void interp_saliency_similarity_rows (JsonArray *rows, const char *check, const char *target,
                                      const char *group, InterpMapSimilarity sim,
                                      const InterpTensor *a, const InterpTensor *b);

G_END_DECLS

#endif
