/* Fuzzes the safetensors reader (core/nn/safetensors.c and its header
 * parser): interp_safetensors_read on the input as a file, and the
 * filtered read a checkpoint load uses (non-F32 tensors skipped). */
#include "config.h"

#include "fuzz-util.h"

#include <interp/checkpoint.h>

#include "nn/safetensors-private.h"

static gboolean
skip_all (const char *name, gpointer data)
{
  (void) name;
  (void) data;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path = fuzz_write ("input.safetensors", data, size);
  GHashTable *meta = NULL;
  GError *error = NULL;
  GHashTable *t = interp_safetensors_read (path, &meta, &error);
  fuzz_check_error (t != NULL, error);
  if (t)
    {
      g_hash_table_unref (t);
      g_hash_table_unref (meta);
    }
  error = NULL;
  t = interp_safetensors_read_filtered (path, NULL, skip_all, NULL, &error);
  fuzz_check_error (t != NULL, error);
  if (t)
    g_hash_table_unref (t);
  g_free (path);
  return 0;
}
