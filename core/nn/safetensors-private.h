/* libinterp internals: safetensors reading with foreign tensors skipped,
 * and the header parser/builder (safetensors-header.c) that the file
 * reader and writer (safetensors.c) share. */
#ifndef INTERP_SAFETENSORS_PRIVATE_H
#define INTERP_SAFETENSORS_PRIVATE_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include <interp/tensor.h>

G_BEGIN_DECLS

/* TRUE: a tensor of another dtype than F32 called `name` is left out of the
 * result instead of being an error (PyTorch's int64 num_batches_tracked). */
typedef gboolean (*InterpSafetensorsSkipFunc) (const char *name, gpointer data);

/* interp_safetensors_read(), except that non-F32 tensors for which `skip`
 * returns TRUE are checked for layout but not returned. */
GHashTable *interp_safetensors_read_filtered (const char *path, GHashTable **metadata,
                                              InterpSafetensorsSkipFunc skip,
                                              gpointer skip_data, GError **error);

/* One tensor of a header, checked against its dtype and shape. */
typedef struct {
  const char *name;        /* borrowed from the header's JSON tree */
  int ndim;
  int64_t shape[INTERP_MAX_DIMS];
  guint64 begin, end;      /* relative to the data start */
  gboolean skip;           /* not F32 but the caller asked to skip it */
} InterpSafetensorsEntry;

/* A parsed header.  The entries' names live as long as `parser`. */
typedef struct {
  JsonParser *parser;
  InterpSafetensorsEntry *entries;   /* in header order */
  size_t n;
  GHashTable *metadata;    /* "__metadata__" (string -> string); NULL when absent */
} InterpSafetensorsHeader;

/* Parses the `len` header bytes `text` (NUL-terminated after them) of file
 * `path` into `h`: a JSON object of F32 tensors (others fail unless `skip`
 * accepts them), each with a shape that matches its byte span.  FORMAT
 * errors name the file and the tensor; on failure `h` is left cleared. */
gboolean interp_safetensors_header_parse (const char *path, const char *text, guint64 len,
                                          InterpSafetensorsSkipFunc skip, gpointer skip_data,
                                          InterpSafetensorsHeader *h, GError **error);
/* Frees what `h` holds (a metadata table taken by the caller is set to
 * NULL first) and zeroes it. */
void interp_safetensors_header_clear (InterpSafetensorsHeader *h);
/* Sorts h->entries by offset and checks that they tile the data section
 * [0, data_size) exactly, as the reference validator does; `data_start`
 * (the data's first byte in the file) only makes messages give file
 * offsets. */
gboolean interp_safetensors_header_check_layout (const char *path, InterpSafetensorsHeader *h,
                                                 guint64 data_size, guint64 data_start,
                                                 GError **error);
/* The header of a file holding `tensors` (F32, in this order) named
 * `names`, with `metadata` (may be NULL) under sorted keys, padded with
 * spaces so the data starts 8-byte aligned; its length in *len_out.
 * Names and metadata must have been checked.  Newly allocated. */
char *interp_safetensors_header_build (const char *const *names,
                                       InterpTensor *const *tensors, int n,
                                       GHashTable *metadata, size_t *len_out);

/* Host-order floats to and from little-endian, in place. */
static inline void
interp_safetensors_floats_swap_le (float *data, size_t n)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  guint32 *u = (guint32 *) data;
  for (size_t i = 0; i < n; i++)
    u[i] = GUINT32_SWAP_LE_BE (u[i]);
#else
  (void) data;
  (void) n;
#endif
}

G_END_DECLS

#endif
