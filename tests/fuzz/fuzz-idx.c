/* Fuzzes the IDX loader (plugins/datasets/idx.c, the mnist dataset): the
 * input is "IMAGES\n--8<--\nLABELS", written as train and test files.
 * Built twice: fuzz-idx writes the raw files, fuzz-idx-gz (FUZZ_IDX_GZ)
 * writes each part as is under a .gz name, so the bytes are the gzip
 * stream zlib inflates. */
#include "config.h"

#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *part[2];
  size_t len[2];
  fuzz_split (data, size, 2, part, len);
#ifdef FUZZ_IDX_GZ
  const char *suffix = ".gz";
#else
  const char *suffix = "";
#endif
  static const char *const stems[] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                       "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
  for (int i = 0; i < 4; i++)
    {
      char *name = g_strconcat (stems[i], suffix, NULL);
      g_free (fuzz_write_in ("idx", name, part[i % 2], len[i % 2]));
      g_free (name);
    }
  char *dir = g_build_filename (fuzz_dir (), "idx", NULL);
  char *pair = g_strconcat ("path=", dir, NULL);
  const char *const pairs[] = { pair, NULL };
  GError *error = NULL;
  gboolean ok = fuzz_dataset_try ("mnist", pairs, &error);
  fuzz_check_error (ok, error);
  g_free (pair);
  g_free (dir);
  return 0;
}
