/* Fuzzes the CIFAR binary loader (plugins/datasets/cifar.c): the first
 * byte chooses CIFAR-10 (even) or CIFAR-100 (odd; bit 1: coarse labels),
 * the rest is "TRAIN\n--8<--\nTEST\n--8<--\nNAMES": TRAIN becomes every
 * training batch file, TEST the test batch, NAMES (when not empty) the
 * CIFAR-100 class-name file. */
#include "config.h"

#include "fuzz-util.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  gboolean c100 = data[0] & 1, coarse = (data[0] & 2) != 0;
  const uint8_t *part[3];
  size_t len[3];
  fuzz_split (data + 1, size - 1, 3, part, len);
  fuzz_clear ("cifar");
  if (c100)
    {
      g_free (fuzz_write_in ("cifar", "train.bin", part[0], len[0]));
      g_free (fuzz_write_in ("cifar", "test.bin", part[1], len[1]));
      if (len[2])
        g_free (fuzz_write_in ("cifar", coarse ? "coarse_label_names.txt"
                               : "fine_label_names.txt", part[2], len[2]));
    }
  else
    {
      for (int i = 1; i <= 5; i++)
        {
          char *name = g_strdup_printf ("data_batch_%d.bin", i);
          g_free (fuzz_write_in ("cifar", name, part[0], len[0]));
          g_free (name);
        }
      g_free (fuzz_write_in ("cifar", "test_batch.bin", part[1], len[1]));
    }
  char *dir = g_build_filename (fuzz_dir (), "cifar", NULL);
  char *pair = g_strconcat ("path=", dir, NULL);
  const char *const pairs10[] = { pair, NULL };
  const char *const pairs100[] = { pair, coarse ? "labels=coarse" : "labels=fine", NULL };
  GError *error = NULL;
  gboolean ok = fuzz_dataset_try (c100 ? "cifar100" : "cifar10", c100 ? pairs100 : pairs10,
                                  &error);
  fuzz_check_error (ok, error);
  g_free (pair);
  g_free (dir);
  return 0;
}
