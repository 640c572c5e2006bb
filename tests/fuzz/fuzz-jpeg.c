/* Fuzzes the JPEG decoder (core/image/jpeg-io.c): in memory
 * (interp_pixels_decode_jpeg, as the JPEG corruption re-reads its own
 * output) and, on a copy in a file, interp_pixels_decode_file with the
 * channels the input's length modulo 3 picks (0, 1 or 3). */
#include "config.h"

#include "fuzz-util.h"

#include <interp/image.h>

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const int want[] = { 0, 1, 3 };
  InterpPixels px = { 0 };
  GError *error = NULL;
  gboolean ok = interp_pixels_decode_jpeg (data, size, "fuzz input", &px, &error);
  fuzz_check_error (ok, error);
  interp_pixels_clear (&px);

  char *path = fuzz_write ("input.jpg", data, size);
  InterpPixels px2 = { 0 };
  error = NULL;
  ok = interp_pixels_decode_file (path, want[size % 3], &px2, &error);
  fuzz_check_error (ok, error);
  interp_pixels_clear (&px2);
  g_free (path);
  return 0;
}
