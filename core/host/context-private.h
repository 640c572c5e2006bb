/* libinterp internals: what only the runner changes in a trial's context. */
#ifndef INTERP_CONTEXT_PRIVATE_H
#define INTERP_CONTEXT_PRIVATE_H

#include <interp/context.h>

G_BEGIN_DECLS

/* Sets (copies) the condition interp_context_condition reports; NULL clears it. */
void interp_context_set_condition (InterpContext *ctx, const char *condition);

G_END_DECLS

#endif
