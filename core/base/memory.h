/* libinterp internals: how much memory there is, and byte counts for people.
 *
 * The network's buffers are sized by the batch and the layers' widths, both
 * user input: a run whose buffers cannot fit must stop with an error that
 * names the layer and the bytes before it allocates them (an allocation the
 * system refuses aborts in g_malloc; one it grants beyond the memory there
 * is summons the OOM killer later).
 */
#ifndef INTERP_BASE_MEMORY_H
#define INTERP_BASE_MEMORY_H

#include <glib.h>

G_BEGIN_DECLS

/* Bytes the kernel can give without swapping: MemAvailable of
 * /proc/meminfo, else free physical pages (sysconf); 0 when unknown. */
guint64 interp_memory_available (void);

/* "154.6 GB" (decimal units, as free(1) -h does not: 1 GB = 10^9 bytes, so
 * the figure is comparable with the byte count beside it). */
char *interp_memory_format (double bytes);

/* A size as users write it: an integer or decimal number with an optional
 * unit K, M, G or T (powers of 1024; "KB", "KiB" and lower case accepted),
 * e.g. "512M", "1.5G", "1073741824".  FALSE for anything else or a value
 * below 1 byte. */
gboolean interp_memory_parse (const char *text, guint64 *bytes);

G_END_DECLS

#endif
