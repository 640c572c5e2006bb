/* libinterp internals: what the files of core/pipeline share (pipeline.c
 * parses the groups, sweep.c the [sweep] group and the trials, resolved.c
 * writes the resolved text).  Nothing outside core/pipeline includes this. */
#ifndef INTERP_PIPELINE_PRIVATE_H
#define INTERP_PIPELINE_PRIVATE_H

#include "pipeline/pipeline.h"

G_BEGIN_DECLS

/* Reads [sweep] (if any) into p->sweep: ranges a..b expanded, each value
 * validated only when its trial's pipeline is built.  Errors name the key. */
gboolean interp_pipeline_parse_sweep (InterpPipeline *p, GError **error);

/* GDestroyNotify for p->sweep. */
void interp_sweep_axis_free (gpointer axis);

G_END_DECLS

#endif
