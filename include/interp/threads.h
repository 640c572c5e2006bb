/* interp: worker threads.
 *
 * One process-wide setting for the engine's OpenMP loops and OpenBLAS.
 * Results are bit-identical for a given thread count (not across counts).
 */
#ifndef INTERP_THREADS_H
#define INTERP_THREADS_H

#include <glib.h>

G_BEGIN_DECLS

/* Use n threads; n <= 0 means the INTERP_THREADS environment variable, or
 * every core when it is unset or invalid. */
void interp_set_threads (int n);
/* The current thread count (>= 1); the n <= 0 default until set. */
int interp_threads (void);

G_END_DECLS

#endif
