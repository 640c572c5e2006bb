/* interp: safetensors checkpoints.
 *
 * Format (huggingface safetensors): 8-byte little-endian header length N,
 * N bytes of JSON {"name": {"dtype": "F32", "shape": [...],
 * "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}, then the
 * raw little-endian data.  Tensor names are the network's parameter names
 * (nn.h), so PyTorch's state_dict loads with safetensors.torch.load_file.
 * Files are written to a temporary name and renamed: a crash never leaves a
 * truncated checkpoint.
 */
#ifndef INTERP_CHECKPOINT_H
#define INTERP_CHECKPOINT_H

#include <glib.h>
#include <interp/nn.h>
#include <interp/tensor.h>

G_BEGIN_DECLS

/* Write n named tensors (F32).  metadata may be NULL (string -> string). */
gboolean interp_safetensors_write (const char *path, const char *const *names,
                                   InterpTensor *const *tensors, int n,
                                   GHashTable *metadata, GError **error);
/* Read every tensor of a file into a new table name -> InterpTensor*
 * (free with g_hash_table_unref).  Only F32 is accepted.  Errors name the
 * file and, where it applies, the tensor and byte offset. */
GHashTable *interp_safetensors_read (const char *path, GHashTable **metadata,
                                     GError **error);

/* All parameters and buffers of a network. */
gboolean interp_net_save (InterpNet *net, const char *path, GError **error);
/* Strict: a missing, extra or wrong-shape tensor is an error and leaves the
 * network unchanged. */
gboolean interp_net_load (InterpNet *net, const char *path, GError **error);

G_END_DECLS

#endif
