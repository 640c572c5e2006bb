/* Fuzzes the PNG decoder (core/image/png-io.c) through
 * interp_pixels_decode_file, the image-folder dataset's entry point; the
 * input's length modulo 3 picks the requested channels (0, 1 or 3). */
#include "config.h"

#include "fuzz-util.h"

#include <interp/image.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const int want[] = { 0, 1, 3 };
  char *path = fuzz_write ("input.png", data, size);
  InterpPixels px = { 0 };
  GError *error = NULL;
  gboolean ok = interp_pixels_decode_file (path, want[size % 3], &px, &error);
  fuzz_check_error (ok, error);
  interp_pixels_clear (&px);
  g_free (path);
  return 0;
}
