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

/* Write n named tensors (F32) in the given order, data contiguous in that
 * order; the header is padded with spaces so the data starts 8-byte
 * aligned.  metadata may be NULL (string -> string; keys written sorted).
 * Names must be unique, non-empty, UTF-8 and not "__metadata__"
 * (INTERP_ERROR_INVALID_ARGUMENT).  The file is written to
 * "<path>.tmp-XXXXXX", fsync'ed and renamed over `path`
 * (INTERP_ERROR_IO on failure; an existing file is then left untouched). */
gboolean interp_safetensors_write (const char *path, const char *const *names,
                                   InterpTensor *const *tensors, int n,
                                   GHashTable *metadata, GError **error);
/* Read every tensor of a file into a new table name -> InterpTensor*
 * (free with g_hash_table_unref).  Only F32 is accepted, with at most 4
 * dimensions; a 0-d tensor becomes shape [1].  The file is validated as the
 * reference implementation does (header length at most 100 MB and within
 * the file, a JSON object, every entry with dtype/shape/data_offsets whose
 * byte count matches the shape, tensors tiling the data exactly: no
 * overlap, gap or trailing bytes) before any data is read.  Errors:
 * INTERP_ERROR_IO (cannot open/read) or INTERP_ERROR_FORMAT, naming the
 * file and, where it applies, the tensor, dtype and byte offset.  On
 * success *metadata (if metadata is not NULL) is a new string -> string
 * table, empty when the file has none. */
GHashTable *interp_safetensors_read (const char *path, GHashTable **metadata,
                                     GError **error);

/* All parameters and buffers of a network, named as nn.h says, in network
 * order; __metadata__ holds "format": "pt" and "interp.version". */
gboolean interp_net_save (InterpNet *net, const char *path, GError **error);
/* Strict: a tensor of the network missing from the file
 * (INTERP_ERROR_MISSING), a wrong shape (INTERP_ERROR_SHAPE) or a tensor the
 * network does not have (INTERP_ERROR_FORMAT) is an error naming the file
 * and the tensor, and leaves the network unchanged.  PyTorch's int64
 * "*.num_batches_tracked" buffers are ignored, so a BatchNorm state_dict
 * from PyTorch loads.  The input normalisation ("normalize.mean",
 * "normalize.std": buffers of the network's normalize node) is saved with
 * the weights and restored on load, so a checkpoint predicts the same
 * without the training split's statistics; a file without them (a PyTorch
 * state_dict) leaves the network's own, and a non-finite value or a std
 * <= 0 is INTERP_ERROR_FORMAT naming the tensor and element.  Masks are
 * re-applied after loading.  A save/load round trip is bit-exact.
 * Any other parameter or buffer holding a NaN or an infinity is
 * INTERP_ERROR_NON_FINITE naming the file, the tensor, the value and its
 * first flat index: a network that diverged must not evaluate as if it
 * had trained.  interp_net_load_flags with INTERP_LOAD_ALLOW_NON_FINITE
 * loads such a file (the normalisation is checked still). */
gboolean interp_net_load (InterpNet *net, const char *path, GError **error);

typedef enum {
  INTERP_LOAD_DEFAULT = 0,
  INTERP_LOAD_ALLOW_NON_FINITE = 1 << 0,
} InterpLoadFlags;

/* interp_net_load with flags; interp_net_load is flags = INTERP_LOAD_DEFAULT. */
gboolean interp_net_load_flags (InterpNet *net, const char *path, InterpLoadFlags flags,
                                GError **error);

G_END_DECLS

#endif
