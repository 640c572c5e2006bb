/* libinterp internals: what only the runner changes in a trial's context. */
#ifndef INTERP_CONTEXT_PRIVATE_H
#define INTERP_CONTEXT_PRIVATE_H

#include <interp/context.h>

G_BEGIN_DECLS

/* Sets (copies) the condition interp_context_condition reports; NULL clears it. */
void interp_context_set_condition (InterpContext *ctx, const char *condition);

/* Sets the batch interp_context_clean_batch returns (borrowed); NULL clears it. */
void interp_context_set_clean_batch (InterpContext *ctx, const InterpTensor *clean);

G_END_DECLS

#endif
