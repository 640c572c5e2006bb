/* libinterp internals: safetensors reading with foreign tensors skipped. */
#ifndef INTERP_SAFETENSORS_PRIVATE_H
#define INTERP_SAFETENSORS_PRIVATE_H

#include <glib.h>

G_BEGIN_DECLS

/* TRUE: a tensor of another dtype than F32 called `name` is left out of the
 * result instead of being an error (PyTorch's int64 num_batches_tracked). */
typedef gboolean (*InterpSafetensorsSkipFunc) (const char *name, gpointer data);

/* interp_safetensors_read(), except that non-F32 tensors for which `skip`
 * returns TRUE are checked for layout but not returned. */
GHashTable *interp_safetensors_read_filtered (const char *path, GHashTable **metadata,
                                              InterpSafetensorsSkipFunc skip,
                                              gpointer skip_data, GError **error);

G_END_DECLS

#endif
