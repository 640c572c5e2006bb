/* libinterp internals: naming the pipeline group in a component's error. */
#ifndef INTERP_ERROR_PREFIX_H
#define INTERP_ERROR_PREFIX_H

#include <glib.h>

G_BEGIN_DECLS

/* Prefixes "[group]: " to *error unless its message already names the group
 * (components usually say "file.ini: [group]: key ...").  No-op without an error. */
void interp_error_prefix_group (GError **error, const char *group);

G_END_DECLS

#endif
