/* dataset:cifar10 and dataset:cifar100 on binary batches written here in the
 * format of the CIFAR page; malformed batches are errors naming the file. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "datasets-util.h"

/* Pixel byte j (0..3071, R plane then G then B) of record r of file f. */
static uint8_t
pixel (int f, int r, int j)
{
  return (uint8_t) ((f * 101 + r * 13 + j * 5) % 256);
}

/* A batch of n records with label_bytes label bytes; labels[i] per byte. */
static void
write_batch (const char *dir, const char *name, int f, int n, int label_bytes,
             const uint8_t *labels)
{
  size_t rec = (size_t) label_bytes + 3072;
  uint8_t *buf = g_malloc (rec * (size_t) n);
  for (int r = 0; r < n; r++)
    {
      for (int b = 0; b < label_bytes; b++)
        buf[rec * (size_t) r + (size_t) b] = labels[r * label_bytes + b];
      for (int j = 0; j < 3072; j++)
        buf[rec * (size_t) r + (size_t) label_bytes + (size_t) j] = pixel (f, r, j);
    }
  g_free (tds_write (dir, name, buf, rec * (size_t) n));
  g_free (buf);
}

static char *
write_cifar10 (int per_file)
{
  char *dir = tds_tmpdir ();
  uint8_t *labels = g_new (uint8_t, per_file);
  for (int f = 0; f < 6; f++)
    {
      for (int r = 0; r < per_file; r++)
        labels[r] = (uint8_t) ((f + r) % 10);
      char *name = f < 5 ? g_strdup_printf ("data_batch_%d.bin", f + 1)
                         : g_strdup ("test_batch.bin");
      write_batch (dir, name, f, per_file, 1, labels);
      g_free (name);
    }
  g_free (labels);
  return dir;
}

static void
expect_error (const char *component, const char *const *pairs, int code, const char *needle,
              const char *what)
{
  TdsDataset ds;
  GError *error = NULL;
  cr_assert_not (tds_open (component, pairs, 1, &ds, &error), "opened a bad layout (%s)", what);
  cr_assert_not_null (error);
  cr_assert_eq (error->code, code, "code %d, expected %d: %s", error->code, code,
                error->message);
  cr_assert (strstr (error->message, needle) != NULL, "'%s' does not name %s", error->message,
             needle);
  cr_assert (strstr (error->message, what) != NULL, "'%s' does not say '%s'", error->message,
             what);
  g_error_free (error);
}

Test (cifar10, reads_batches_in_order)
{
  char *dir = write_cifar10 (3);
  char *pair = g_strdup_printf ("path=%s", dir);
  TdsDataset ds;
  GError *error = NULL;
  cr_assert (tds_open ("cifar10", (const char *[]) { pair, NULL }, 1, &ds, &error), "%s",
             error ? error->message : "");
  cr_assert_eq (ds.info.channels, 3);
  cr_assert_eq (ds.info.height, 32);
  cr_assert_eq (ds.info.width, 32);
  cr_assert_eq (ds.info.n_classes, 10);
  cr_assert_str_eq (ds.info.class_names[0], "airplane");
  cr_assert_str_eq (ds.info.class_names[9], "truck");
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 15);
  cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 3);
  /* Train sample 7 is record 1 of data_batch_3.bin (file 2). */
  int32_t label;
  float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, 7, &label);
  cr_assert_eq (label, 3);
  /* Channel 0 is the red plane (bytes 0..1023), channel 2 the blue one. */
  cr_assert_float_eq (x[0], pixel (2, 1, 0) / 255.0f, 1e-7);
  cr_assert_float_eq (x[1024 + 33], pixel (2, 1, 1024 + 33) / 255.0f, 1e-7);
  cr_assert_float_eq (x[3071], pixel (2, 1, 3071) / 255.0f, 1e-7);
  g_free (x);
  x = tds_read (&ds, INTERP_SPLIT_TEST, 2, &label);
  cr_assert_eq (label, 7);
  cr_assert_float_eq (x[2048], pixel (5, 2, 2048) / 255.0f, 1e-7);
  g_free (x);
  tds_close (&ds);
  g_free (pair);
  tds_rmtree (dir);
  g_free (dir);
}

Test (cifar10, malformed_batches)
{
  char *dir = write_cifar10 (2);
  char *pair = g_strdup_printf ("path=%s", dir);
  const char *pairs[] = { pair, NULL };

  /* A record cut short. */
  char *path = g_build_filename (dir, "data_batch_4.bin", NULL);
  size_t len;
  uint8_t *data = tds_slurp (path, &len);
  g_free (tds_write (dir, "data_batch_4.bin", data, len - 100));
  expect_error ("cifar10", pairs, INTERP_ERROR_FORMAT, "data_batch_4.bin", "whole number");
  /* An empty file. */
  g_free (tds_write (dir, "data_batch_4.bin", data, 0));
  expect_error ("cifar10", pairs, INTERP_ERROR_FORMAT, "data_batch_4.bin", "0 bytes");
  g_free (tds_write (dir, "data_batch_4.bin", data, len));
  /* A label byte of 10. */
  uint8_t bad[2] = { 1, 10 };
  write_batch (dir, "test_batch.bin", 5, 2, 1, bad);
  expect_error ("cifar10", pairs, INTERP_ERROR_FORMAT, "test_batch.bin", "label 10");
  /* A missing batch. */
  g_remove (path);
  expect_error ("cifar10", pairs, INTERP_ERROR_NOT_FOUND, "data_batch_4.bin", "");
  /* A folder where a batch should be. */
  cr_assert_eq (g_mkdir (path, 0755), 0);
  expect_error ("cifar10", pairs, INTERP_ERROR_IO, "data_batch_4.bin", "");
  /* No folder at all; no path at all. */
  expect_error ("cifar10", (const char *[]) { "path=/nonexistent/cifar", NULL },
                INTERP_ERROR_NOT_FOUND, "/nonexistent/cifar", "not a folder");
  expect_error ("cifar10", NULL, INTERP_ERROR_MISSING, "path", "");
  g_free (data);
  g_free (path);
  g_free (pair);
  tds_rmtree (dir);
  g_free (dir);
}

static char *
write_cifar100 (int n_train, int n_test)
{
  char *dir = tds_tmpdir ();
  uint8_t *labels = g_new (uint8_t, 2 * MAX (n_train, n_test));
  for (int r = 0; r < MAX (n_train, n_test); r++)
    {
      labels[2 * r] = (uint8_t) (r % 20);
      labels[2 * r + 1] = (uint8_t) ((r * 7) % 100);
    }
  write_batch (dir, "train.bin", 0, n_train, 2, labels);
  write_batch (dir, "test.bin", 1, n_test, 2, labels);
  g_free (labels);
  return dir;
}

Test (cifar100, fine_and_coarse_labels)
{
  char *dir = write_cifar100 (30, 4);
  char *pair = g_strdup_printf ("path=%s", dir);
  for (int coarse = 0; coarse < 2; coarse++)
    {
      TdsDataset ds;
      GError *error = NULL;
      const char *pairs[] = { pair, coarse ? "labels=coarse" : "labels=fine", NULL };
      cr_assert (tds_open ("cifar100", pairs, 1, &ds, &error), "%s",
                 error ? error->message : "");
      cr_assert_eq (ds.info.n_classes, coarse ? 20 : 100);
      cr_assert_null (ds.info.class_names);
      cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TRAIN), 30);
      cr_assert_eq (ds.vt->size (ds.self, INTERP_SPLIT_TEST), 4);
      int32_t label;
      float *x = tds_read (&ds, INTERP_SPLIT_TRAIN, 23, &label);
      cr_assert_eq (label, coarse ? 23 % 20 : (23 * 7) % 100);
      cr_assert_float_eq (x[10], pixel (0, 23, 10) / 255.0f, 1e-7);
      g_free (x);
      tds_close (&ds);
    }
  /* Class names come from the optional names file, which must be complete. */
  GString *names = g_string_new (NULL);
  for (int k = 0; k < 20; k++)
    g_string_append_printf (names, "super-%d\n", k);
  g_free (tds_write (dir, "coarse_label_names.txt", names->str, names->len));
  TdsDataset ds;
  GError *error = NULL;
  const char *pairs[] = { pair, "labels=coarse", NULL };
  cr_assert (tds_open ("cifar100", pairs, 1, &ds, &error), "%s", error ? error->message : "");
  cr_assert_str_eq (ds.info.class_names[19], "super-19");
  tds_close (&ds);
  g_free (tds_write (dir, "coarse_label_names.txt", names->str, names->len - 10));
  expect_error ("cifar100", pairs, INTERP_ERROR_FORMAT, "coarse_label_names.txt", "19 class");
  g_string_free (names, TRUE);
  g_free (pair);
  tds_rmtree (dir);
  g_free (dir);
}

Test (cifar100, malformed_files)
{
  char *dir = write_cifar100 (3, 2);
  char *pair = g_strdup_printf ("path=%s", dir);
  const char *pairs[] = { pair, NULL };
  uint8_t bad_fine[4] = { 1, 2, 3, 100 };
  write_batch (dir, "test.bin", 1, 2, 2, bad_fine);
  expect_error ("cifar100", pairs, INTERP_ERROR_FORMAT, "test.bin", "fine label 100");
  uint8_t bad_coarse[4] = { 20, 2, 3, 4 };
  write_batch (dir, "test.bin", 1, 2, 2, bad_coarse);
  expect_error ("cifar100", pairs, INTERP_ERROR_FORMAT, "test.bin", "coarse label 20");
  /* A CIFAR-10 batch (3073-byte records) is not a CIFAR-100 file. */
  uint8_t l10[5] = { 0 };
  write_batch (dir, "train.bin", 0, 5, 1, l10);
  expect_error ("cifar100", pairs, INTERP_ERROR_FORMAT, "train.bin", "3074-byte records");
  expect_error ("cifar100", (const char *[]) { pair, "labels=both", NULL },
                INTERP_ERROR_OUT_OF_RANGE, "labels", "both");
  g_free (pair);
  tds_rmtree (dir);
  g_free (dir);
}
