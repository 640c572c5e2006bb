/* libinterp internals: what only the runner changes in a trial's context. */
#ifndef INTERP_CONTEXT_PRIVATE_H
#define INTERP_CONTEXT_PRIVATE_H

#include <interp/context.h>
#include <interp/saliency.h>

G_BEGIN_DECLS

/* Sets (copies) the condition interp_context_condition reports; NULL clears it. */
void interp_context_set_condition (InterpContext *ctx, const char *condition);

/* While TRUE, interp_context_output_dir returns NULL, so components write no
 * side files (report fragments): the per-epoch tracking of metrics
 * (runner/tracking.h) runs them without their outputs.  The folder's text
 * is kept, so a pointer taken before stays valid. */
void interp_context_set_output_suspended (InterpContext *ctx, gboolean suspended);

/* Sets the batch interp_context_clean_batch returns (borrowed); NULL clears it. */
void interp_context_set_clean_batch (InterpContext *ctx, const InterpTensor *clean);

/* What interp_saliency_lookup (saliency.h) calls: the runner's saliency
 * stage resolves a [saliency:*] group to its vtable and instance. */
typedef gboolean (*InterpSaliencyLookup) (gpointer data, const char *group,
                                          const InterpSaliencyVTable **vtable,
                                          gpointer *instance, GError **error);
void interp_context_set_saliency_lookup (InterpContext *ctx, InterpSaliencyLookup lookup,
                                         gpointer data);

G_END_DECLS

#endif
