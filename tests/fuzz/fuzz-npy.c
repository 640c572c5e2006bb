/* Fuzzes the .npy reader (core/util/npy.c): open (header parse and
 * validation) and, when that succeeds, a read of every row. */
#include "config.h"

#include "fuzz-util.h"

#include <interp/npy.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *path = fuzz_write ("input.npy", data, size);
  GError *error = NULL;
  InterpNpy *npy = interp_npy_open (path, &error);
  fuzz_check_error (npy != NULL, error);
  error = NULL;
  if (npy)
    {
      int64_t n = interp_npy_n_rows (npy);
      size_t bytes = (size_t) (n * interp_npy_row_numel (npy))
                     * interp_npy_dtype_size (interp_npy_dtype (npy));
      void *dst = g_malloc (bytes ? bytes : 1);
      gboolean ok = interp_npy_read_rows (npy, 0, n, dst, &error);
      fuzz_check_error (ok, error);
      g_free (dst);
      g_free (interp_npy_shape_string (npy));
      interp_npy_close (npy);
    }
  g_free (path);
  return 0;
}
